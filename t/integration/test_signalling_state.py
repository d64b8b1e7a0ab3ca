"""Signalling state that odd proxies (or mistakes) must not break (issue 12): a failed offer
racing a valid one for the same new call, a call-id reused inside the delete delay, forked
answers (several to-tags) and answers or offers with too many m= lines."""

import os
import time

import common
import media
import ngclient
from media import Party
from test_calls import CallTestCase, answer_msg, offer_msg


def query_tags(reply):
    return sorted(t.decode() for t in reply.get(b"tags", {}))


class SignallingStateTest(CallTestCase):
    """On the shared daemon (--delete-delay=0; a test asks for a delay per request)."""

    def send_back_to_back(self, messages):
        """Sends every message at once, each with its own cookie, before reading any reply;
        returns the replies in the order of `messages`."""
        cookies = [ngclient.new_cookie() for _ in messages]
        for cookie, msg in zip(cookies, messages):
            self.c.send_raw(cookie + b" " + ngclient.bencode(msg))
        replies = {}
        while len(replies) < len(messages):
            got = self.c.recv_raw()
            self.assertIsNotNone(got, "missing replies; have %r" % replies)
            cookie, body = ngclient.split_reply(got[0])
            replies[cookie] = ngclient.bdecode(body)
        return [replies[c] for c in cookies]

    def assert_media_flows(self, a, port_a, b, port_b, start=0):
        a.send(("127.0.0.1", port_a), count=3, start=start)
        self.assertEqual(len(b.receive(want=3)), 3, "a -> b lost")
        b.send(("127.0.0.1", port_b), count=3, start=start)
        self.assertEqual(len(a.receive(want=3)), 3, "b -> a lost")

    def test_failed_offer_does_not_destroy_a_concurrent_valid_one(self):
        a, b = self.party(), self.party()
        for bad_first in (True, False, True, True, True):
            cid = self.call_id()
            bad = offer_msg(cid, "A", a.sdp(), direction=["nope", "nope"])
            good = offer_msg(cid, "A", a.sdp())
            replies = self.send_back_to_back([bad, good] if bad_first else [good, bad])
            r_bad, r_good = replies if bad_first else replies[::-1]
            self.assertEqual(r_bad[b"result"], b"error", r_bad)
            self.assertIn(b"unknown interface 'nope'", r_bad[b"error-reason"])
            self.assertEqual(r_good[b"result"], b"ok", r_good)
            r = self.c.request(answer_msg(cid, "A", "B", b.sdp()))
            self.assertEqual(r[b"result"], b"ok",
                             "bad offer first: %s; the valid offer's call is gone: %r"
                             % (bad_first, r))
            self.assertEqual(self.c.request({"command": "query", "call-id": cid})[b"result"],
                             b"ok")
        # Two failed offers still leave nothing behind.
        cid = self.call_id()
        bad = offer_msg(cid, "A", a.sdp(), direction=["nope", "nope"])
        for r in self.send_back_to_back([bad, dict(bad)]):
            self.assertEqual(r[b"result"], b"error", r)
        r = self.c.request({"command": "query", "call-id": cid})
        self.assertEqual(r[b"error-reason"], b"Unknown call-id")

    def test_call_id_reused_inside_delete_delay_starts_a_call_the_delay_cannot_end(self):
        a, b, c = self.party(), self.party(), self.party()
        cid, _, _ = self.establish(a, b)
        self.ok({"command": "delete", "call-id": cid, "from-tag": "A", "to-tag": "B",
                 "delete-delay": 2})
        # The proxy re-routes the failed call: the same call-id and from-tag, a new callee.
        r1 = self.ok(offer_msg(cid, "A", a.sdp(version=2)))
        r2 = self.ok(answer_msg(cid, "A", "C", c.sdp()))
        port_a, port_c = media.media_port(self.sdp_of(r2)), media.media_port(self.sdp_of(r1))
        time.sleep(3.5)  # the old delay has expired
        r = self.c.request({"command": "query", "call-id": cid})
        self.assertEqual(r[b"result"], b"ok", "the re-used call was ended by the old delay")
        self.assertIn("C", query_tags(r))
        self.assert_media_flows(a, port_a, c, port_c)
        self.ok({"command": "delete", "call-id": cid})

    def test_fork_answers_are_separate_parties(self):
        a, b1, b2 = self.party(), self.party(), self.party()
        cid = self.call_id()
        offer = self.ok(offer_msg(cid, "A", a.sdp()))
        port_b = media.media_port(self.sdp_of(offer))
        # 183 with SDP from fork B1 (early media), then 200 from fork B2.
        early = self.ok(answer_msg(cid, "A", "B1", b1.sdp()))
        port_a = media.media_port(self.sdp_of(early))
        self.assert_media_flows(a, port_a, b1, port_b)
        final = self.ok(answer_msg(cid, "A", "B2", b2.sdp()))
        self.assertEqual(media.media_port(self.sdp_of(final)), port_a)
        self.assertEqual(query_tags(self.c.request({"command": "query", "call-id": cid})),
                         ["A", "B1", "B2"])
        self.assert_media_flows(a, port_a, b2, port_b, start=10)
        self.assertEqual(b1.receive(timeout=0.2), [], "the earlier fork still gets media")

        # The proxy cancels fork B1: only that fork goes, the call B2 is in goes on.
        self.ok({"command": "delete", "call-id": cid, "from-tag": "A", "to-tag": "B1"})
        r = self.c.request({"command": "query", "call-id": cid})
        self.assertEqual(r[b"result"], b"ok", "deleting fork B1 ended the call: %r" % r)
        self.assertEqual(query_tags(r), ["A", "B2"])
        self.assert_media_flows(a, port_a, b2, port_b, start=20)

        # BYE between A and B2 ends the call.
        self.ok({"command": "delete", "call-id": cid, "from-tag": "A", "to-tag": "B2"})
        r = self.c.request({"command": "query", "call-id": cid})
        self.assertEqual(r[b"error-reason"], b"Unknown call-id")

    def test_earlier_fork_answering_again_gets_the_media_back(self):
        a, b1, b2 = self.party(), self.party(), self.party()
        cid = self.call_id()
        port_b = media.media_port(self.sdp_of(self.ok(offer_msg(cid, "A", a.sdp()))))
        self.ok(answer_msg(cid, "A", "B1", b1.sdp()))
        self.ok(answer_msg(cid, "A", "B2", b2.sdp()))
        port_a = media.media_port(self.sdp_of(self.ok(answer_msg(cid, "A", "B1", b1.sdp()))))
        self.assert_media_flows(a, port_a, b1, port_b)
        self.assertEqual(b2.receive(timeout=0.2), [])
        self.ok({"command": "delete", "call-id": cid, "from-tag": "A", "to-tag": "B2"})
        self.assert_media_flows(a, port_a, b1, port_b, start=10)
        self.ok({"command": "delete", "call-id": cid})


class MediaLineLimitTest(common.DaemonTestCase):
    """Its own daemon and port range, so every socket the relay opens is a new descriptor."""

    def setUp(self):
        self.d = self.start_daemon(["--port-min=38000", "--port-max=38999", "--delete-delay=0"])
        self.c = self.client(self.d)
        self.parties = [Party(), Party()]
        self.addCleanup(lambda: [p.close() for p in self.parties])

    def fds(self):
        return len(os.listdir("/proc/%d/fd" % self.d.pid))

    def request(self, msg):
        return self.c.request(msg)

    def test_answer_with_more_m_lines_than_the_offer_is_refused(self):
        a, b = self.parties
        cid = "mlines-%f" % time.time()
        offer = self.request(offer_msg(cid, "A", a.sdp()))
        self.assertEqual(offer[b"result"], b"ok", offer)
        before = self.fds()
        many = "".join("m=audio %d RTP/AVP 0\r\n" % (b.port + 2 * i) for i in range(64))
        r = self.request(answer_msg(cid, "A", "B", b.sdp(media=many)))
        self.assertEqual(r[b"result"], b"error", "64 m= lines answered a 1-line offer")
        self.assertEqual(r[b"error-reason"],
                         b"answer has more m= lines (64) than the offer (1)")
        self.assertEqual(self.fds(), before, "the refused answer opened sockets")
        # The call is still there and works with a proper answer.
        r = self.request(answer_msg(cid, "A", "B", b.sdp()))
        self.assertEqual(r[b"result"], b"ok", r)
        port_a = media.media_port(r[b"sdp"].decode())
        port_b = media.media_port(offer[b"sdp"].decode())
        a.send(("127.0.0.1", port_a), count=3)
        self.assertEqual(len(b.receive(want=3)), 3)
        b.send(("127.0.0.1", port_b), count=3)
        self.assertEqual(len(a.receive(want=3)), 3)

    def test_offer_with_too_many_m_lines_is_refused(self):
        a = self.parties[0]
        before = self.fds()
        many = "".join("m=audio %d RTP/AVP 0\r\n" % (a.port + 2 * i) for i in range(33))
        cid = "toomany-%f" % time.time()
        r = self.request(offer_msg(cid, "A", a.sdp(media=many)))
        self.assertEqual(r[b"result"], b"error", "an offer with 33 m= lines was accepted")
        self.assertEqual(r[b"error-reason"], b"too many m= lines (33, at most 32)")
        self.assertEqual(self.fds(), before, "the refused offer opened sockets")
        r = self.request({"command": "query", "call-id": cid})
        self.assertEqual(r[b"error-reason"], b"Unknown call-id")
        # 32 is fine.
        r = self.request(offer_msg(cid, "A", a.sdp(media=many.split("\r\n", 1)[1])))
        self.assertEqual(r[b"result"], b"ok", r)
