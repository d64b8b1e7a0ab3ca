"""Shared unittest bases for the integration tests."""

import time
import unittest

import daemon
import ngclient


def wait_for(check, timeout=5.0):
    """check()'s first true value, polled every 50 ms, or its last value after `timeout`
    seconds (a bound on the wait, not a timing assertion)."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.05)


class DaemonTestCase(unittest.TestCase):
    """Tests that start their own daemons: start_daemon() registers a clean-up that stops
    the daemon with SIGTERM and checks exit code 0 (a failure there is a test error)."""

    def start_daemon(self, *args, **kwargs):
        d = daemon.Daemon(*args, **kwargs)
        d.start()
        self.addCleanup(d.stop)
        return d

    def client(self, d_or_address):
        address = d_or_address.address if isinstance(d_or_address, daemon.Daemon) \
            else d_or_address
        c = ngclient.NgClient(address)
        self.addCleanup(c.close)
        return c

    def assertStillServing(self, d):
        self.assertTrue(d.alive(), "rtprelayd died; stderr (%s):\n%s" % (
            d.stderr_path, daemon.tail(d.stderr_text())))
        c = self.client(d)
        self.assertEqual(c.request({"command": "ping"}), {b"result": b"pong"})
        self.assertEqual(c.request_json({"command": "ping"}), {"result": "pong"})


class SharedDaemonTestCase(DaemonTestCase):
    """One daemon for the whole class (cls.daemon); after every test it must still run."""

    daemon_args = ()

    @classmethod
    def setUpClass(cls):
        cls.daemon = daemon.Daemon(cls.daemon_args).start()

    @classmethod
    def tearDownClass(cls):
        cls.daemon.stop()

    def setUp(self):
        self.c = self.client(self.daemon)

    def tearDown(self):
        self.assertTrue(self.daemon.alive(), "rtprelayd died during the test; stderr (%s):\n%s"
                        % (self.daemon.stderr_path, daemon.tail(self.daemon.stderr_text())))
