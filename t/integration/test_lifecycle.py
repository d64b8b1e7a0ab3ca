"""Signals, pidfile, and start-up as a daemon (without --foreground)."""

import ctypes
import errno
import os
import signal
import socket
import tempfile
import time
import unittest

import daemon
from common import DaemonTestCase
from ngclient import NgClient

PR_SET_CHILD_SUBREAPER = 36


def set_subreaper(on):
    """Makes orphaned descendants (the detached daemon) our children, so that we can reap
    them and read their exit code. False if the kernel or libc refuses."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_CHILD_SUBREAPER, 1 if on else 0, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def process_exists(pid):
    """True while `pid` runs (a zombie does not count)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
        return state not in ("Z", "X")
    except (OSError, IndexError):
        pass
    try:
        os.kill(pid, 0)
        return True
    except OSError as e:
        return e.errno == errno.EPERM


def read_pidfile(path):
    with open(path) as f:
        text = f.read()
    assert text.strip().isdigit(), "pidfile holds %r" % text
    return int(text)


def wait_until(predicate, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


class SignalTest(DaemonTestCase):

    def test_sighup_ignored(self):
        d = self.start_daemon()
        d.send_signal(signal.SIGHUP)
        time.sleep(0.2)
        self.assertStillServing(d)
        d.send_signal(signal.SIGHUP)
        self.assertStillServing(d)

    def test_sigint_stops_cleanly(self):
        d = self.start_daemon()
        d.stop(signal.SIGINT)
        self.assertEqual(d.returncode, 0)

    def test_sigterm_stops_cleanly(self):
        d = self.start_daemon()
        d.stop(signal.SIGTERM)
        self.assertEqual(d.returncode, 0)

    def test_pidfile(self):
        tmp = tempfile.TemporaryDirectory(prefix="rtprelayd-pid-")
        self.addCleanup(tmp.cleanup)
        path = os.path.join(tmp.name, "x.pid")
        d = self.start_daemon(["--pidfile=%s" % path])
        self.assertEqual(read_pidfile(path), d.pid)
        d.stop(signal.SIGTERM)
        self.assertFalse(os.path.exists(path), "pidfile left behind after SIGTERM")

    def test_pidfile_unwritable(self):
        result = daemon.run(["--config-file=none", "--table=-1", "--foreground", "--log-stderr",
                             "--listen-ng=127.0.0.1:%d" % daemon.free_udp_port(),
                             "--pidfile=/nonexistent-dir/x.pid"], timeout=5)
        self.assertGreater(result.returncode, 0, result)
        self.assertIn("/nonexistent-dir/x.pid", result.stderr)

    def test_port_in_use_foreground(self):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
            result = daemon.run(["--config-file=none", "--table=-1", "--foreground",
                                 "--log-stderr", "--listen-ng=127.0.0.1:%d" % port], timeout=5)
        self.assertGreater(result.returncode, 0, result)
        self.assertIn("127.0.0.1:%d" % port, result.stderr)


class DaemonizeTest(DaemonTestCase):

    def setUp(self):
        tmp = tempfile.TemporaryDirectory(prefix="rtprelayd-daemon-")
        self.addCleanup(tmp.cleanup)
        self.pidfile = os.path.join(tmp.name, "rtprelayd.pid")
        self.reaped = set()
        self.subreaper = set_subreaper(True)
        if self.subreaper:
            self.addCleanup(set_subreaper, False)

    def launch(self, port):
        # No --foreground: the launcher returns once the daemon is ready (or failed).
        return daemon.run(["--config-file=none", "--table=-1", "--log-stderr",
                           "--listen-ng=127.0.0.1:%d" % port, "--pidfile=%s" % self.pidfile],
                          timeout=10)

    def kill_quietly(self, pid):
        """Clean-up after a failed test: the daemon must not outlive it. Only while `pid`
        still is the daemon (not reaped, not reused)."""
        if pid in self.reaped:
            return
        try:
            with open("/proc/%d/stat" % pid) as f:
                is_daemon = "(rtprelayd)" in f.read()
            if is_daemon and process_exists(pid):
                os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
        self.reap(pid, 2)

    def reap(self, pid, timeout):
        """Exit status of `pid` if it is our (adopted) child and exits in time, else None."""
        if not self.subreaper:
            return None
        deadline = time.monotonic() + timeout
        while True:
            try:
                got, status = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                return None
            if got == pid:
                self.reaped.add(pid)
                return status
            if time.monotonic() > deadline:
                return None
            time.sleep(0.05)

    def test_daemonize(self):
        for _attempt in range(daemon.BIND_RETRIES):
            port = daemon.free_udp_port()
            result = self.launch(port)
            if result.returncode != 0 and "bind" in result.stderr:
                continue  # the port was taken in between; try another
            break
        self.assertEqual(result.returncode, 0, result)
        # The launcher has exited; the daemon must be ready and have written its pidfile.
        self.assertTrue(os.path.exists(self.pidfile), "no pidfile once the launcher returned")
        pid = read_pidfile(self.pidfile)
        self.addCleanup(self.kill_quietly, pid)
        self.assertTrue(process_exists(pid), "pid %d from the pidfile is not running" % pid)
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            self.assertIn(b"rtprelayd", f.read())
        with NgClient(("127.0.0.1", port)) as c:
            self.assertTrue(c.ping(timeout=2.0))
            self.assertTrue(c.ping_json(timeout=2.0))
        # Detached: a session of its own.
        self.assertEqual(os.getsid(pid), pid)

        os.kill(pid, signal.SIGTERM)
        if self.subreaper:
            status = self.reap(pid, daemon.STOP_TIMEOUT)
            self.assertIsNotNone(status, "daemon did not exit within %.0f s of SIGTERM"
                                 % daemon.STOP_TIMEOUT)
            self.assertTrue(os.WIFEXITED(status), "daemon died of a signal: %r" % status)
            self.assertEqual(os.WEXITSTATUS(status), 0)
        else:
            self.assertTrue(wait_until(lambda: not process_exists(pid), daemon.STOP_TIMEOUT),
                            "daemon did not exit within %.0f s of SIGTERM" % daemon.STOP_TIMEOUT)
        self.assertTrue(wait_until(lambda: not os.path.exists(self.pidfile), 2),
                        "pidfile left behind")

    def test_daemonize_port_in_use(self):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
            result = self.launch(port)
        self.assertGreater(result.returncode, 0, result)
        self.assertIn("127.0.0.1:%d" % port, result.stderr)
        # The would-be daemon must be gone, and with it its pidfile.
        self.assertTrue(wait_until(lambda: not os.path.exists(self.pidfile), 3),
                        "pidfile left behind by a daemon that failed to start")
        if self.subreaper:
            # Its child is ours now; reap it and check it exited rather than hanging on.
            for pid in self.adopted_children():
                status = self.reap(pid, 3)
                self.assertIsNotNone(status, "failed daemon %d did not exit" % pid)
                self.assertTrue(os.WIFEXITED(status), "failed daemon %d died of a signal: %r"
                                % (pid, status))

    def adopted_children(self):
        """Our child processes named rtprelayd (zombies included)."""
        pids = []
        me = os.getpid()
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open("/proc/%s/stat" % entry) as f:
                    head, _, rest = f.read().rpartition(")")
            except OSError:
                continue
            comm = head.partition("(")[2]
            fields = rest.split()
            if comm == "rtprelayd" and len(fields) > 1 and int(fields[1]) == me:
                pids.append(int(entry))
        return pids


if __name__ == "__main__":
    unittest.main()
