"""Command-line and config-file handling: errors exit non-zero with a useful message, and a
valid file is honoured."""

import os
import tempfile
import unittest

import daemon
from common import DaemonTestCase
from ngclient import NgClient


class ConfigTest(DaemonTestCase):

    def setUp(self):
        tmp = tempfile.TemporaryDirectory(prefix="rtprelayd-config-")
        self.addCleanup(tmp.cleanup)
        self.tmp = tmp.name

    def write_config(self, text, name="rtprelay.conf"):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def run_daemon(self, *args, config_file="none", table=True):
        """Runs rtprelayd to completion. In case a bad configuration were accepted, it runs
        in the foreground on a free port, and run() fails it when it does not exit."""
        safe = ["--foreground", "--log-stderr", "--listen-ng=127.0.0.1:%d" %
                daemon.free_udp_port()]
        if table:
            safe.append("--table=-1")
        if config_file is not None:
            safe.insert(0, "--config-file=%s" % config_file)
        return daemon.run(safe + list(args), timeout=5)

    def assertFails(self, result, *needles):
        self.assertGreater(result.returncode, 0, result)  # an error exit, not a crash
        for needle in needles:
            self.assertIn(needle, result.stderr, result)
        self.assertIsNone(daemon.sanitizer_report(result.stderr), result)

    def test_port_min_not_a_number(self):
        self.assertFails(self.run_daemon("--port-min=abc"), "--port-min", "abc")

    def test_port_min_out_of_range(self):
        self.assertFails(self.run_daemon("--port-min=70000"), "--port-min")

    def test_unknown_option(self):
        self.assertFails(self.run_daemon("--bogus"), "--bogus")

    def test_unknown_short_option(self):
        self.assertFails(self.run_daemon("-Q"), "-Q")

    def test_option_needs_value(self):
        self.assertFails(self.run_daemon("--port-min"), "--port-min", "needs a value")

    def test_unimplemented_rtpengine_option(self):
        result = self.run_daemon("--homer=127.0.0.1:9060")
        self.assertFails(result, "--homer", "rtpengine")
        self.assertIn("not implement", result.stderr)

    def test_listen_ng_given_twice(self):
        self.assertFails(self.run_daemon("--listen-ng=127.0.0.1:2223", "--listen-ng=2223"),
                         "127.0.0.1:2223", "twice")

    def test_listen_ng_invalid(self):
        for value in ("127.0.0.1:0", "127.0.0.1:70000", "localhost:2223", "[::1]"):
            with self.subTest(value=value):
                self.assertFails(self.run_daemon("--listen-ng=" + value), "--listen-ng", value)

    def test_short_options(self):
        # -n PORT (bare port: 127.0.0.1) and grouped flags; --foreground etc. come from the
        # driver as usual.
        d = self.start_daemon(lambda port: ["-fE", "-t", "-1", "-n", str(port)],
                              listen_ng=False)
        self.assertStillServing(d)

    def test_config_file_port_min_not_below_port_max(self):
        path = self.write_config("[rtprelay]\nport-min = 50000\nport-max = 40000\n")
        self.assertFails(self.run_daemon(config_file=path), "port-min")

    def test_config_file_unknown_key(self):
        path = self.write_config("# comment\n[rtprelay]\nport-min = 30000\n"
                                 "frobnicate = yes\n")
        result = self.run_daemon(config_file=path)
        self.assertFails(result, path, ":4", "frobnicate")

    def test_config_file_rtpengine_option(self):
        path = self.write_config("[rtpengine]\nhomer = 127.0.0.1:9060\n")
        self.assertFails(self.run_daemon(config_file=path), path, "homer", "rtpengine")

    def test_config_file_bad_value(self):
        path = self.write_config("[rtprelay]\n\ntimeout = soon\n")
        self.assertFails(self.run_daemon(config_file=path), path + ":3", "timeout", "soon")

    def test_config_file_command_line_only_key(self):
        path = self.write_config("[rtprelay]\nconfig-file = /etc/other.conf\n")
        self.assertFails(self.run_daemon(config_file=path), path, "config-file")

    def test_config_file_syntax_error(self):
        path = self.write_config("[rtprelay]\nthis line has no equals sign\n")
        self.assertFails(self.run_daemon(config_file=path), path + ":2")

    def test_config_file_missing(self):
        self.assertFails(self.run_daemon(config_file="/nonexistent"), "/nonexistent")

    def test_config_file_honoured(self):
        path = os.path.join(self.tmp, "rtpengine.conf")

        def write(port):
            with open(path, "w") as f:
                f.write("; an rtpengine-style file\n"
                        "[rtpengine]\n"
                        "# media\n"
                        "interface = 127.0.0.1\n"
                        "port-min = 40000\n"
                        "port-max = 41000\n"
                        "listen-ng = 127.0.0.1:%d\n"
                        "log-level = 6\n" % port)

        d = self.start_daemon(listen_ng=False, config_file=path, prepare=write)
        self.assertNotIn("--listen-ng", " ".join(d.args))
        self.assertStillServing(d)

    def test_rtprelay_section_preferred(self):
        path = os.path.join(self.tmp, "both.conf")
        other = daemon.free_udp_port()

        def write(port):
            with open(path, "w") as f:
                f.write("[rtpengine]\nlisten-ng = 127.0.0.1:%d\n\n"
                        "[rtprelay]\nlisten-ng = 127.0.0.1:%d\n" % (other, port))

        d = self.start_daemon(listen_ng=False, config_file=path, prepare=write)
        self.assertStillServing(d)
        with NgClient(("127.0.0.1", other)) as c:
            self.assertIsNone(c.expect_no_reply(b"x1 d7:command4:pinge"))

    def test_command_line_listen_ng_replaces_file(self):
        path = os.path.join(self.tmp, "listen.conf")
        from_file = daemon.free_udp_port()
        with open(path, "w") as f:
            f.write("[rtprelay]\nlisten-ng = 127.0.0.1:%d\n" % from_file)
        d = self.start_daemon(config_file=path)  # with --listen-ng=127.0.0.1:PORT
        self.assertStillServing(d)
        with NgClient(("127.0.0.1", from_file)) as c:
            self.assertIsNone(c.expect_no_reply(b"x2 d7:command4:pinge"))

    def test_no_fallback_with_default_table(self):
        result = self.run_daemon("--no-fallback", table=False)
        self.assertFails(result, "kernel forwarding")

    def test_help(self):
        result = daemon.run(["--help"])
        self.assertEqual(result.returncode, 0, result)
        self.assertIn("--listen-ng", result.stdout)
        self.assertIn("--config-file", result.stdout)

    def test_version(self):
        result = daemon.run(["--version"])
        self.assertEqual(result.returncode, 0, result)
        self.assertRegex(result.stdout, r"^rtprelayd \S+")


if __name__ == "__main__":
    unittest.main()
