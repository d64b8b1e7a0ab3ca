"""rtprelay-ctl (ctl-proxy/) against live daemons over their real sockets: the ng commands
(ping, query, statistics) against rtprelayd with real calls and media, human and --json output,
exit codes (an error reply, an unknown call-id, a stopped daemon, usage errors); `top` in a
tmux pane while media flows; the CLI commands against a daemon's --listen-cli; and the man page
against --help. The tool is $RTPRELAY_CTL (default build/rtprelay-ctl)."""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import unittest

import common
import daemon
import media
import ngclient
from media import Party

CTL_TIMEOUT = 10.0  # seconds for one rtprelay-ctl run; it waits --timeout itself
MEDIA_PACKETS = 25


def ctl_binary():
    path = os.environ.get("RTPRELAY_CTL", "build/rtprelay-ctl")
    return path if os.path.isabs(path) else os.path.join(daemon.REPO_ROOT, path)


def ctl(*args):
    p = subprocess.run([ctl_binary()] + list(args), stdin=subprocess.DEVNULL,
                       capture_output=True, timeout=CTL_TIMEOUT)
    return daemon.RunResult(p.returncode, p.stdout.decode("utf-8", "replace"),
                            p.stderr.decode("utf-8", "replace"))


def free_tcp_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def leaves(value, path=""):
    """Every scalar of a JSON document with its dotted key path."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from leaves(v, "%s.%s" % (path, k) if path else k)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from leaves(v, "%s[%d]" % (path, i))
    else:
        yield path, value


class Call:
    """An offer/answer between two test phones through the relay at `ng`, with `count` RTP
    packets sent each way and received at the other end."""

    def __init__(self, test, ng_client, call_id):
        self.a, self.b = Party(), Party()
        test.addCleanup(self.a.close)
        test.addCleanup(self.b.close)
        self.call_id = call_id
        r1 = ng_client.request({"command": "offer", "call-id": call_id, "from-tag": "A",
                                "sdp": self.a.sdp()})
        test.assertEqual(r1.get(b"result"), b"ok", r1)
        r2 = ng_client.request({"command": "answer", "call-id": call_id, "from-tag": "A",
                                "to-tag": "B", "sdp": self.b.sdp()})
        test.assertEqual(r2.get(b"result"), b"ok", r2)
        self.to_b = ("127.0.0.1", media.media_port(r1[b"sdp"].decode()))
        self.to_a = ("127.0.0.1", media.media_port(r2[b"sdp"].decode()))

    def exchange(self, test, count=MEDIA_PACKETS):
        self.a.send(self.to_a, count)
        test.assertEqual(len(self.b.receive(want=count, timeout=2)), count)
        self.b.send(self.to_b, count)
        test.assertEqual(len(self.a.receive(want=count, timeout=2)), count)

    def talk(self, seconds):
        """Both phones send every 20 ms for `seconds` (in threads); returns them."""
        threads = [threading.Thread(target=p.talk, args=(to, seconds))
                   for p, to in ((self.a, self.to_a), (self.b, self.to_b))]
        for t in threads:
            t.start()
        return threads


class NgCommandsTest(common.SharedDaemonTestCase):
    daemon_args = ["--port-min=44000", "--port-max=44999", "--delete-delay=0"]

    def ng(self):
        return "--ng=127.0.0.1:%d" % self.daemon.port

    def call(self, name):
        return Call(self, self.c, "%s-%f" % (name, time.time()))

    def test_ping(self):
        r = ctl(self.ng(), "ping")
        self.assertEqual((r.returncode, r.stdout), (0, "pong\n"), r)
        r = ctl("--json", self.ng(), "ping")
        self.assertEqual(r.returncode, 0, r)
        self.assertEqual(json.loads(r.stdout), {"result": "pong"})

    def test_query_shows_streams_and_counts_in_both_outputs(self):
        call = self.call("query")
        call.exchange(self)
        r = ctl("--json", self.ng(), "query", call.call_id)
        self.assertEqual(r.returncode, 0, r)
        reply = json.loads(r.stdout)
        self.assertEqual(reply["result"], "ok")
        self.assertEqual(reply["totals"]["RTP"]["packets"], 2 * MEDIA_PACKETS)
        self.assertEqual(sorted(reply["tags"]), ["A", "B"])
        # The same reply the daemon gives any ng client, key for key.
        direct = self.c.request_json({"command": "query", "call-id": call.call_id})
        self.assertEqual(sorted(leaves_keys(direct)), sorted(leaves_keys(reply)))

        r = ctl(self.ng(), "query", call.call_id)
        self.assertEqual(r.returncode, 0, r)
        rows = [line.split() for line in r.stdout.splitlines()]
        rtp = [row for row in rows if len(row) == 10 and row[3] == "RTP"]
        # tag, media index, type, kind, local, peer, packets, bytes, errors, path
        self.assertEqual(sorted(row[0] for row in rtp), ["A", "B"], r.stdout)
        for row in rtp:
            self.assertEqual(row[6], str(MEDIA_PACKETS), r.stdout)
            self.assertEqual(row[9], "user", r.stdout)
        self.assertIn("%s:%d" % call.to_a, r.stdout)
        self.assertIn("127.0.0.1:%d" % call.a.port, r.stdout)

    def test_unknown_call_id_fails_with_the_reason(self):
        r = ctl(self.ng(), "query", "no-such-call")
        self.assertEqual(r.returncode, 1, r)
        self.assertEqual(r.stdout, "")
        self.assertIn("Unknown call-id", r.stderr)
        r = ctl("--json", self.ng(), "query", "no-such-call")
        self.assertEqual(r.returncode, 1, r)
        self.assertEqual(json.loads(r.stdout)["result"], "error")

    def test_statistics_human_lists_every_value_of_the_json(self):
        call = self.call("stats")
        call.exchange(self)
        r = ctl("--json", self.ng(), "statistics")
        self.assertEqual(r.returncode, 0, r)
        reply = json.loads(r.stdout)
        self.assertEqual(reply["result"], "ok")
        r = ctl(self.ng(), "statistics")
        self.assertEqual(r.returncode, 0, r)
        human = {}
        for line in r.stdout.splitlines()[1:]:
            key, _, value = line.rpartition("  ")
            human[key.strip()] = value.strip()
        # Counters move between the two runs (the ng requests themselves are counted), so
        # the key paths must match and the call made above must show.
        paths = {path for path, _ in leaves(reply)} - {"result"}
        self.assertEqual(set(human), paths)
        # The call made above is up: created, not yet ended (managedsessions counts ends).
        managed = [p for p in paths if p.endswith("rtprelay.sessions created")]
        self.assertEqual(len(managed), 1, paths)
        self.assertGreaterEqual(int(human[managed[0]]), 1)

    def test_usage_errors_exit_2(self):
        for args in (["no-such-command"], ["query"], ["ping", "extra"], [],
                     ["--ng=nowhere", "ping"], ["--timeout=0", "ping"], ["--bogus", "ping"]):
            r = ctl(*args)
            self.assertEqual(r.returncode, 2, (args, r))
            self.assertIn("rtprelay-ctl:", r.stderr)


def leaves_keys(doc):
    return [path for path, _ in leaves(doc) if "last" not in path and "reported" not in path]


class UnreachableDaemonTest(common.DaemonTestCase):
    def test_stopped_daemon_and_closed_cli_port_exit_1(self):
        d = self.start_daemon()
        r = ctl("--ng=127.0.0.1:%d" % d.port, "ping")
        self.assertEqual((r.returncode, r.stdout), (0, "pong\n"), r)
        d.stop()
        r = ctl("--ng=127.0.0.1:%d" % d.port, "--timeout=2", "ping")
        self.assertEqual(r.returncode, 1, r)
        self.assertIn("refused", r.stderr)
        r = ctl("--cli=127.0.0.1:%d" % free_tcp_port(), "list", "numsessions")
        self.assertEqual(r.returncode, 1, r)
        self.assertIn("refused", r.stderr)


class TopTest(common.SharedDaemonTestCase):
    """`top` in a tmux pane of its own tmux server (-S), so no other tmux is touched."""

    daemon_args = ["--port-min=44000", "--port-max=44999", "--delete-delay=0"]

    def tmux(self, *args):
        return subprocess.run(["tmux", "-S", self.socket] + list(args), capture_output=True,
                              timeout=10)

    def setUp(self):
        super().setUp()
        if not shutil.which("tmux"):
            self.fail("tmux is not installed (scripts/install-deps.sh installs it)")
        self.dir = tempfile.mkdtemp(prefix="rtprelay-ctl-top-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        # One server per test, its socket in the test's directory: a killed server may still
        # be going when the next test starts, and nothing is left in /tmp/tmux-UID.
        self.socket = os.path.join(self.dir, "tmux")
        self.addCleanup(self.tmux, "kill-server")

    def pane(self):
        return self.tmux("capture-pane", "-p", "-t", "top").stdout.decode("utf-8", "replace")

    def wait_for(self, predicate, what, seconds=8):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            got = predicate()
            if got:
                return got
            time.sleep(0.1)
        self.fail("%s; the pane shows:\n%s" % (what, self.pane()))

    def test_top_shows_busy_calls_and_quits_on_q(self):
        busy = Call(self, self.c, "top-busy-%f" % time.time())
        idle = Call(self, self.c, "top-idle-%f" % time.time())
        status = os.path.join(self.dir, "status")
        stty = os.path.join(self.dir, "stty")
        # The terminal settings after top has exited show that it restored them.
        shell = "%s --ng=127.0.0.1:%d top; echo $? > %s; stty -a > %s; sleep 30" % (
            ctl_binary(), self.daemon.port, status, stty)
        before = self.tmux("new-session", "-d", "-s", "top", "-x", "120", "-y", "30",
                           "stty -a > %s.before; %s" % (stty, shell))
        self.assertEqual(before.returncode, 0, before)
        threads = busy.talk(4)
        try:
            def busy_row():
                for line in self.pane().splitlines():
                    cols = line.split()
                    if cols and cols[0] == busy.call_id[:36] and int(cols[1]) > 0:
                        return cols
                return None
            cols = self.wait_for(busy_row, "no row for the busy call with packets/s > 0")
            # CALL-ID PKT/S PACKETS LOSS% JITTER MOS PATH: the relay estimates quality from
            # the RTP it forwards, so a clean call has a MOS, no loss, and runs in userspace.
            self.assertEqual(cols[3], "0", cols)
            self.assertTrue(1 <= float(cols[5]) <= 5, cols)
            self.assertEqual(cols[-1], "user")
            screen = self.pane()
            self.assertIn("CALL-ID", screen)
            self.assertIn(idle.call_id[:36], screen)
            lines = [line.split()[0] for line in screen.splitlines() if line.strip()]
            self.assertLess(lines.index(busy.call_id[:36]), lines.index(idle.call_id[:36]),
                            "the busy call is not listed above the idle one:\n" + screen)
        finally:
            for t in threads:
                t.join()
        self.tmux("send-keys", "-t", "top", "q")
        self.wait_for(lambda: os.path.exists(stty) and open(stty).read().strip(),
                      "top did not exit after q")
        with open(status) as f:
            self.assertEqual(f.read().strip(), "0")
        with open(stty + ".before") as f, open(stty) as g:
            self.assertEqual(f.read(), g.read())

    def test_resize_is_drawn_at_the_new_width_and_ctrl_c_quits(self):
        Call(self, self.c, "top-resize-%s" % ("x" * 30))
        status = os.path.join(self.dir, "status")
        r = self.tmux("new-session", "-d", "-s", "top", "-x", "120", "-y", "30",
                      "%s --ng=127.0.0.1:%d top; echo $? > %s; sleep 30" % (
                          ctl_binary(), self.daemon.port, status))
        self.assertEqual(r.returncode, 0, r)
        self.wait_for(lambda: "PKT/S" in self.pane(), "no table header")
        self.tmux("resize-window", "-t", "top", "-x", "30", "-y", "10")
        self.wait_for(lambda: "PKT/S" not in self.pane() and "CALL-ID" in self.pane(),
                      "the table was not cut to 30 columns")
        self.assertTrue(all(len(line) <= 30 for line in self.pane().splitlines()))
        self.tmux("send-keys", "-t", "top", "C-c")
        self.wait_for(lambda: os.path.exists(status) and open(status).read().strip(),
                      "top did not exit after Ctrl-C")
        with open(status) as f:
            self.assertEqual(f.read().strip(), "0")


class ManPageTest(unittest.TestCase):
    def test_man_page_documents_every_command_and_option(self):
        path = os.path.join(daemon.REPO_ROOT, "ctl-proxy", "rtprelay-ctl.1")
        rendered = subprocess.run(["man", "-l", path], capture_output=True, timeout=10,
                                  env=dict(os.environ, MANWIDTH="100"))
        self.assertEqual(rendered.returncode, 0, rendered.stderr)
        self.assertIn(b"rtprelay-ctl", rendered.stdout)
        with open(path) as f:
            source = re.sub(r'\\-', "-", f.read())
        help_text = ctl("--help")
        self.assertEqual(help_text.returncode, 0, help_text)
        section = None
        commands, options = [], []
        for line in help_text.stdout.splitlines():
            if line.endswith(":") and not line.startswith(" "):
                section = line
            elif line.startswith("  ") and section == "Commands:":
                commands.append(" ".join(w for w in line[2:40].split()
                                         if re.fullmatch(r"[a-z]+", w)))
            elif line.startswith("  --") and section == "Options:":
                options.append(line.split()[0].split("=")[0])
        self.assertGreater(len(commands), 15)
        for command in commands:
            self.assertIn(command, source, "the man page does not document '%s'" % command)
        for option in options:
            self.assertIn(option, source, "the man page does not document '%s'" % option)


class Relay:
    """A relay with both control ports on free loopback ports: Debian's rtpengine (the
    reference for the CLI protocol) or rtprelayd."""

    def __init__(self, kind):
        self.kind = kind
        self.ng = daemon.free_udp_port()
        self.cli = free_tcp_port()
        binary = "/usr/bin/rtpengine" if kind == "rtpengine" else daemon.binary()
        args = [binary, "--config-file=none", "--table=-1", "--foreground", "--log-stderr",
                "--interface=127.0.0.1", "--listen-ng=127.0.0.1:%d" % self.ng,
                "--listen-cli=127.0.0.1:%d" % self.cli, "--port-min=45000",
                "--port-max=45999", "--delete-delay=0"]
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=self.log,
                                     stderr=self.log)
        deadline = time.monotonic() + daemon.START_TIMEOUT
        while not ngclient.ping_once(("127.0.0.1", self.ng)):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise AssertionError("%s did not start: %s" % (kind, self.output()))
            time.sleep(0.05)

    def output(self):
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")[-3000:]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


class CliCommandsBase:
    """Each CLI command through rtprelay-ctl, human and --json, with a call up and after
    terminate. Subclasses name the relay."""

    kind = None

    @classmethod
    def setUpClass(cls):
        cls.relay = Relay(cls.kind)

    @classmethod
    def tearDownClass(cls):
        cls.relay.stop()

    def setUp(self):
        self.c = ngclient.NgClient(("127.0.0.1", self.relay.ng))
        self.addCleanup(self.c.close)

    def cli(self, *words, json_output=False):
        args = ["--cli=127.0.0.1:%d" % self.relay.cli] + (["--json"] if json_output else [])
        return ctl(*(args + list(words)))

    def ok(self, *words, json_output=False):
        r = self.cli(*words, json_output=json_output)
        self.assertEqual(r.returncode, 0, (words, r))
        return json.loads(r.stdout) if json_output else r.stdout

    def total_sessions(self):
        doc = self.ok("list", "numsessions", json_output=True)
        totals = [v for k, v in doc.items() if "total" in k.lower()]
        self.assertEqual(len(totals), 1, doc)
        return totals[0]

    def test_sessions_listed_in_detail_and_terminated(self):
        call = Call(self, self.c, "cli-%s-%f" % (self.kind, time.time()))
        call.exchange(self)
        self.assertEqual(self.total_sessions(), 1)
        self.assertIn("total: 1", self.ok("list", "numsessions"))
        sessions = self.ok("list", "sessions", "all", json_output=True)
        self.assertEqual([s["callid"] for s in sessions], [call.call_id])
        table = self.ok("list", "sessions", "all").splitlines()
        self.assertEqual(table[0].split()[0], "callid", table)
        self.assertEqual(table[1].split()[0], call.call_id, table)
        detail = self.ok("list", "sessions", call.call_id, json_output=True)
        self.assertEqual(detail["callid"], call.call_id)
        self.assertIn(call.call_id, self.ok("list", "sessions", call.call_id))
        r = self.cli("list", "sessions", "no-such-call")
        self.assertEqual(r.returncode, 1, r)
        self.assertIn("not found", r.stderr)

        self.ok("terminate", call.call_id)
        self.assertEqual(self.total_sessions(), 0)
        self.assertEqual(self.ok("list", "sessions", "all", json_output=True), [])
        r = self.cli("terminate", call.call_id)
        self.assertEqual(r.returncode, 1, r)
        self.assertIn("not found", r.stderr)
        self.ok("terminate", "all")

    def test_active_without_redis_says_so(self):
        if self.kind != "rtprelayd":
            self.skipTest("rtprelayd's HA command")
        r = self.cli("active")
        self.assertEqual(r.returncode, 1, r)
        self.assertIn("No Redis", r.stderr)

    def test_totals_and_jsonstats(self):
        totals = self.ok("list", "totals", json_output=True)
        managed = [v for section in totals.values() if isinstance(section, dict)
                   for k, v in section.items() if k == "Total managed sessions"]
        self.assertEqual(len(managed), 1, totals)
        self.assertIn("Total managed sessions", self.ok("list", "totals"))
        stats = self.ok("list", "jsonstats", json_output=True)
        self.assertIn("managedsessions", stats["totalstatistics"])
        # The human output is the same JSON (values such as the uptime move in between).
        human = json.loads(self.ok("list", "jsonstats"))
        self.assertEqual({p for p, _ in leaves(human)}, {p for p, _ in leaves(stats)})

    def test_settings_read_back(self):
        self.ok("set", "maxsessions", "123")
        self.assertEqual(list(self.ok("list", "maxsessions", json_output=True).values()), [123])
        self.ok("set", "maxsessions", "-1")
        self.ok("set", "timeout", "77")
        self.assertEqual(list(self.ok("list", "timeout", json_output=True).values()), [77])
        self.ok("set", "loglevel", "6")
        levels = self.ok("get", "loglevel", json_output=True)
        self.assertTrue(levels and 6 in levels.values(), levels)
        self.ok("list", "maxopenfiles", json_output=True)
        tos = self.ok("list", "controltos", json_output=True)
        self.assertEqual(len(tos["lines"]), 1, tos)
        r = self.cli("set", "maxsessions", "lots")
        self.assertEqual(r.returncode, 1, r)

    def test_interfaces(self):
        interfaces = self.ok("list", "interfaces", json_output=True)
        self.assertEqual([i["address"] for i in interfaces], ["127.0.0.1"], interfaces)
        self.assertIn("Ports used", interfaces[0])
        self.assertIn("127.0.0.1", self.ok("list", "interfaces"))


class CliCommandsRtpengineTest(CliCommandsBase, unittest.TestCase):
    """Debian's rtpengine 10.5: the protocol rtprelay-ctl speaks, from its source."""

    kind = "rtpengine"

    def test_drain_is_unknown_to_rtpengine(self):
        r = self.cli("drain")
        self.assertEqual(r.returncode, 1, r)
        self.assertIn("Unknown or incomplete command", r.stderr)


class CliCommandsRtprelaydTest(CliCommandsBase, unittest.TestCase):
    kind = "rtprelayd"

    def test_drain_on_and_off(self):
        self.assertIn("Success setting drain to on", self.ok("drain"))
        self.assertIn("Draining: on", self.ok("list", "drain"))
        self.assertIn("Success setting drain to off", self.ok("set", "drain", "off"))
        self.assertIn("Draining: off", self.ok("list", "drain"))
        r = self.cli("set", "drain", "maybe")
        self.assertEqual(r.returncode, 1, r)
