"""Several --listen-ng addresses, each answering from its own address."""

import unittest

import daemon
from common import DaemonTestCase
from ngclient import NgClient, new_cookie

IPV6 = daemon.ipv6_loopback_works()


class ListenersTest(DaemonTestCase):

    def check_ping_from(self, address):
        """Pings `address` and checks the reply comes from exactly that address."""
        with NgClient(address) as c:
            cookie = new_cookie()
            c.send_raw(cookie + b" d7:command4:pinge")
            got = c.recv_raw(2.0)
            self.assertIsNotNone(got, "no ping reply from %s" % (address,))
            data, source = got
            self.assertEqual(data, cookie + b" d6:result4:ponge")
            self.assertEqual(source[:2], address, "reply came from another socket")

    def test_two_ipv4_listeners(self):
        extra = {}

        def args(_port):
            extra["port"] = daemon.free_udp_port()
            return ["--listen-ng=127.0.0.1:%d" % extra["port"]]

        d = self.start_daemon(args)
        self.check_ping_from(("127.0.0.1", d.port))
        self.check_ping_from(("127.0.0.1", extra["port"]))

    @unittest.skipUnless(IPV6, "cannot bind a UDP socket to ::1")
    def test_ipv4_and_ipv6_listeners(self):
        extra = {}

        def args(_port):
            extra["port"] = daemon.free_udp_port("::1")
            return ["--listen-ng=[::1]:%d" % extra["port"]]

        d = self.start_daemon(args)
        self.check_ping_from(("127.0.0.1", d.port))
        self.check_ping_from(("::1", extra["port"]))
        with NgClient(("::1", extra["port"])) as c:
            self.assertTrue(c.ping_json())

    @unittest.skipUnless(IPV6, "cannot bind a UDP socket to ::1")
    def test_ipv6_listener_leaves_ipv4_port_free(self):
        # The v6 socket is v6-only, so an IPv4 listener can take the same port number.
        extra = {}

        def args(port):
            extra["port"] = port
            return ["--listen-ng=[::1]:%d" % port]

        d = self.start_daemon(args)
        self.check_ping_from(("::1", d.port))
        self.check_ping_from(("127.0.0.1", d.port))


if __name__ == "__main__":
    unittest.main()
