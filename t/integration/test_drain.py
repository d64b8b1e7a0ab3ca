"""Drain over the real daemon: SIGUSR1 makes the relay refuse new calls (as at the session
limit) while the calls it has keep their media, re-INVITEs and deletes; SIP OPTIONS on the ng
port answers 503 meanwhile; SIGUSR2 ends the drain; `statistics` shows it."""

import signal

import common
import limits
from limits import answer, offer, options_status, until
from media import Party, media_port

SESSION_LIMIT = b"Parallel session limit reached"


class DrainTest(common.DaemonTestCase):
    def party(self):
        p = Party()
        self.addCleanup(p.close)
        return p

    def ok(self, c, msg):
        r = c.request(msg)
        self.assertEqual(r.get(b"result"), b"ok", r)
        return r

    def draining(self, c):
        return c.request({"command": "statistics"})[b"statistics"][b"rtprelay"][b"draining"]

    def assertRelays(self, a, b, to_a, to_b, start):
        """RTP both ways through the call: what each party sends arrives at the other."""
        a.send(to_a, count=3, start=start)
        self.assertEqual(len(b.receive(want=3)), 3, "a → b lost")
        b.send(to_b, count=3, start=start)
        self.assertEqual(len(a.receive(want=3)), 3, "b → a lost")

    def test_drain_refuses_new_calls_and_keeps_existing_ones(self):
        d = self.start_daemon(limits.port_range(8) + ["--delete-delay=0"])
        c = self.client(d)
        a, b = self.party(), self.party()
        r1 = self.ok(c, offer("up", a.sdp()))
        r2 = self.ok(c, answer("up", b.sdp()))
        to_b = ("127.0.0.1", media_port(r1[b"sdp"].decode()))
        to_a = ("127.0.0.1", media_port(r2[b"sdp"].decode()))
        self.assertRelays(a, b, to_a, to_b, 0)
        self.assertEqual(options_status(c), "SIP/2.0 200 OK")
        self.assertEqual(self.draining(c), 0)

        d.send_signal(signal.SIGUSR1)
        until(self, "draining after SIGUSR1", lambda: self.draining(c) == 1)
        self.assertEqual(c.request(offer("new1", a.sdp())),
                         {b"result": b"load limit", b"message": SESSION_LIMIT})
        self.assertEqual(c.request(offer("new2", a.sdp(), supports=False)),
                         {b"result": b"error", b"error-reason": SESSION_LIMIT})
        self.assertEqual(options_status(c), "SIP/2.0 503 Service Unavailable")
        # The existing call: media both ways, a re-INVITE (offer and answer), media again.
        self.assertRelays(a, b, to_a, to_b, 3)
        r1 = self.ok(c, offer("up", a.sdp(version=2)))
        r2 = self.ok(c, answer("up", b.sdp(version=2)))
        self.assertEqual(media_port(r1[b"sdp"].decode()), to_b[1])
        self.assertEqual(media_port(r2[b"sdp"].decode()), to_a[1])
        self.assertRelays(a, b, to_a, to_b, 6)
        self.ok(c, {"command": "delete", "call-id": "up"})
        self.assertEqual(c.request({"command": "list"})[b"calls"], [])
        # Still draining with no call left: a node is put back only by the operator.
        self.assertEqual(options_status(c), "SIP/2.0 503 Service Unavailable")
        st = c.request({"command": "statistics"})[b"statistics"]
        self.assertEqual(st[b"rtprelay"][b"admission"][b"refused"][b"draining"], 2)
        self.assertEqual(st[b"totalstatistics"][b"rejectedsessions"], 2)

        d.send_signal(signal.SIGUSR2)
        until(self, "serving after SIGUSR2", lambda: self.draining(c) == 0)
        self.assertEqual(options_status(c), "SIP/2.0 200 OK")
        self.ok(c, offer("new1", a.sdp()))


if __name__ == "__main__":
    import unittest
    unittest.main()
