"""systemd's Type=notify protocol against the real daemon: the test is the service manager,
with an AF_UNIX datagram socket in NOTIFY_SOCKET. READY=1 comes once the ng port answers,
STATUS= carries the calls and the drain, WATCHDOG=1 follows WATCHDOG_USEC when WATCHDOG_PID
names the daemon, and STOPPING=1 comes on SIGTERM."""

import os
import shutil
import signal
import socket
import tempfile
import time

import common
import daemon
import limits
import ngclient
from limits import offer
from media import Party

WATCHDOG_USEC = 1000000  # pings every half second


class NotifiedDaemon(daemon.Daemon):
    """A daemon started the way systemd starts a Type=notify unit: NOTIFY_SOCKET (and the
    watchdog variables) in its environment. Ready means READY=1 arrived; the ng port must
    answer at that moment."""

    def __init__(self, socket_path, sock, extra_args, watchdog=True):
        super().__init__(extra_args)
        self.socket_path = socket_path
        self.sock = sock
        self.watchdog = watchdog
        self.messages = []

    def command_line(self, port):
        args = super().command_line(port)
        # WATCHDOG_PID must be the daemon's own: sh's $$ stays its PID through exec.
        setup = 'export NOTIFY_SOCKET="%s"; ' % self.socket_path
        if self.watchdog:
            setup += 'export WATCHDOG_USEC=%d WATCHDOG_PID=$$; ' % WATCHDOG_USEC
        return ["sh", "-c", setup + 'exec "$0" "$@"'] + args

    def receive(self, timeout):
        """The next notification (its lines as a list), or None after `timeout` seconds."""
        self.sock.settimeout(timeout)
        try:
            data = self.sock.recv(4096)
        except socket.timeout:
            return None
        lines = data.decode().split("\n")
        self.messages.append(lines)
        return lines

    def wait_for(self, prefix, timeout=limits.WAIT):
        """The first notification line starting with `prefix`, or None."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            lines = self.receive(max(0.01, deadline - time.monotonic()))
            for line in lines or ():
                if line.startswith(prefix):
                    return line
        return None

    def _wait_ready(self):
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return "exited"
            lines = self.receive(0.1)
            if lines and "READY=1" in lines:
                if ngclient.ping_once(self.address, timeout=1.0):
                    return "ready"
                return "READY=1 came before the ng port answered"
        return "no READY=1 within %.1f s" % self.start_timeout


class SystemdNotifyTest(common.DaemonTestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="rtprelay-notify-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.path = os.path.join(self.dir, "notify")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.addCleanup(self.sock.close)
        self.sock.bind(self.path)

    def start(self, watchdog=True):
        d = NotifiedDaemon(self.path, self.sock, limits.port_range(4), watchdog=watchdog)
        d.start()
        self.addCleanup(d.stop)
        return d

    def test_ready_status_watchdog_stopping(self):
        d = self.start()
        ready = [m for m in d.messages if "READY=1" in m][0]
        self.assertIn("STATUS=0 calls", ready)

        self.assertIsNotNone(d.wait_for("WATCHDOG=1"), "no watchdog ping")

        a = Party()
        self.addCleanup(a.close)
        c = self.client(d)
        self.assertEqual(c.request(offer("sd1", a.sdp()))[b"result"], b"ok")
        d.send_signal(signal.SIGUSR1)
        self.assertEqual(d.wait_for("STATUS=1 call, draining"), "STATUS=1 call, draining")

        d.send_signal(signal.SIGTERM)
        self.assertEqual(d.wait_for("STOPPING=1"), "STOPPING=1")
        d.stop()

    def test_no_watchdog_pings_without_watchdog_usec(self):
        d = self.start(watchdog=False)
        # A status period (5 s) passes without a single ping.
        self.assertIsNotNone(d.wait_for("STATUS="))
        seen = [line for m in d.messages for line in m]
        self.assertNotIn("WATCHDOG=1", seen)


if __name__ == "__main__":
    import unittest
    unittest.main()
