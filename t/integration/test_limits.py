"""Load limits over the real ng socket: max-sessions and max-bandwidth refuse an offer that
would create a call (`load limit` for a client that sends supports: ["load limit"], rtpengine's
error otherwise) and admit again once released; re-offers and answers of existing calls pass;
SIP OPTIONS on the ng port answers 503 while a limit is hit; port exhaustion reads as
rtpengine's "Ran out of ports". max-load and max-cpu are unit-tested (t/unit/call/admission_test):
the machine's real load cannot be forced here."""

import threading
import time

import common
import limits
from limits import answer, offer, options_status, until
from media import Party, media_port, rtp_packet

SESSION_LIMIT = b"Parallel session limit reached"


class LimitTestCase(common.DaemonTestCase):
    def party(self):
        p = Party()
        self.addCleanup(p.close)
        return p

    def ok(self, c, msg):
        r = c.request(msg)
        self.assertEqual(r.get(b"result"), b"ok", r)
        return r

    def assertLoadLimit(self, reply, message):
        self.assertEqual(reply, {b"result": b"load limit", b"message": message})

    def assertSessionLimitError(self, reply):
        self.assertEqual(reply, {b"result": b"error", b"error-reason": SESSION_LIMIT})


class SessionLimitTest(LimitTestCase):
    def test_limit_refuses_new_calls_until_a_delete_releases_one(self):
        d = self.start_daemon(limits.port_range(8) + ["--max-sessions=1", "--delete-delay=0"])
        c = self.client(d)
        a, b = self.party(), self.party()
        self.assertEqual(options_status(c), "SIP/2.0 200 OK")
        self.ok(c, offer("c1", a.sdp()))
        self.assertLoadLimit(c.request(offer("c2", a.sdp())), SESSION_LIMIT)
        self.assertSessionLimitError(c.request(offer("c3", a.sdp(), supports=False)))
        self.assertEqual(options_status(c), "SIP/2.0 503 Service Unavailable")
        # The call that is up keeps its signalling: re-offer, answer.
        self.ok(c, offer("c1", a.sdp(version=2)))
        self.ok(c, answer("c1", b.sdp()))
        self.assertEqual(c.request({"command": "list"})[b"calls"], [b"c1"])
        st = c.request({"command": "statistics"})[b"statistics"]
        self.assertEqual(st[b"rtprelay"][b"admission"][b"refused"][b"sessions"], 2)
        self.assertEqual(st[b"rtprelay"][b"admission"][b"max sessions"], 1)
        self.assertEqual(st[b"totalstatistics"][b"rejectedsessions"], 2)
        self.assertEqual(st[b"rtprelay"][b"sessions created"], 1)  # managedsessions: ended ones

        self.ok(c, {"command": "delete", "call-id": "c1"})
        self.assertEqual(options_status(c), "SIP/2.0 200 OK")
        self.ok(c, offer("c2", a.sdp()))
        self.assertEqual(options_status(c), "SIP/2.0 503 Service Unavailable")

    def test_zero_admits_no_call(self):
        # As rtpengine: 0 is "no new calls", -1 "no limit".
        d = self.start_daemon(limits.port_range(4) + ["--max-sessions=0"])
        c = self.client(d)
        a = self.party()
        self.assertLoadLimit(c.request(offer("z1", a.sdp())), SESSION_LIMIT)
        self.assertEqual(c.request({"command": "list"})[b"calls"], [])
        d2 = self.start_daemon(limits.port_range(4) + ["--max-sessions=-1"])
        self.ok(self.client(d2), offer("z2", a.sdp()))

    def test_port_exhaustion_reads_ran_out_of_ports(self):
        # Two pairs: one offer takes both (one facing each party).
        d = self.start_daemon(limits.port_range(2) + ["--delete-delay=0"])
        c = self.client(d)
        a = self.party()
        self.ok(c, offer("p1", a.sdp()))
        r = c.request(offer("p2", a.sdp()))
        self.assertEqual(r[b"result"], b"error", r)
        self.assertTrue(r[b"error-reason"].startswith(b"Ran out of ports"), r)


class BandwidthLimitTest(LimitTestCase):
    LIMIT = 2000  # bytes per second; the test call relays about 35 kB/s

    def test_media_over_the_limit_refuses_new_calls_until_it_stops(self):
        d = self.start_daemon(limits.port_range(8) + [
            "--max-bandwidth=%d" % self.LIMIT, "--delete-delay=0"])
        c = self.client(d)
        a, b = self.party(), self.party()
        r1 = self.ok(c, offer("bw1", a.sdp()))
        r2 = self.ok(c, answer("bw1", b.sdp()))
        to_b, to_a = ("127.0.0.1", media_port(r1[b"sdp"].decode())), \
            ("127.0.0.1", media_port(r2[b"sdp"].decode()))

        stop = threading.Event()

        def talk():
            seq = 0
            while not stop.is_set():
                a.rtp.sendto(rtp_packet(seq), to_a)
                b.rtp.sendto(rtp_packet(seq, ssrc=0x5678), to_b)
                seq += 1
                time.sleep(0.01)

        sender = threading.Thread(target=talk)
        sender.start()
        try:
            until(self, "bandwidth sampled over the limit",
                  lambda: limits.admission(c)[b"bandwidth"] >= self.LIMIT)
            # The media keeps flowing, so every later sample stays over the limit too.
            self.assertLoadLimit(c.request(offer("bw2", a.sdp())), b"Bandwidth limit exceeded")
            # rtpengine tells a client without `supports` only of the session limit, the one
            # error string OpenSIPS and older Kamailio fail over on.
            self.assertSessionLimitError(c.request(offer("bw3", a.sdp(), supports=False)))
            self.assertEqual(options_status(c), "SIP/2.0 503 Service Unavailable")
        finally:
            stop.set()
            sender.join()
        self.assertGreater(len(b.receive(want=1)), 0, "the relay did not forward the media")
        until(self, "bandwidth back to 0 after the media stopped",
              lambda: limits.admission(c)[b"bandwidth"] == 0)
        self.ok(c, offer("bw2", a.sdp()))
        refused = limits.admission(c)[b"refused"]
        self.assertEqual(refused[b"bandwidth"], 2)
        self.assertEqual(refused[b"sessions"], 0)


if __name__ == "__main__":
    import unittest
    unittest.main()
