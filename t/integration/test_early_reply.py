"""Replies sent from the call's media loop (issue 19): offer, answer and delete over UDP are
answered there, and the control thread does its bookkeeping (reply cache, command counts, the
call registry) later, without being woken for it. A client must not be able to tell: what it
asks next sees that bookkeeping done, a retransmission gets the same bytes, and with no next
request the bookkeeping and the call's teardown still happen on their own."""

import time
import unittest

import common
import ngclient
from media import Party
from test_calls import answer_msg, offer_msg

PORTS = ["--port-min=37400", "--port-max=37599", "--delete-delay=0"]


def control(c):
    return c.request({"command": "statistics"})[b"statistics"][b"controlstatistics"]


def sessions(c):
    return c.request({"command": "statistics"})[b"statistics"][b"currentstatistics"][
        b"sessionsown"]


class EarlyReplyTest(common.SharedDaemonTestCase):
    daemon_args = PORTS

    def call_id(self, name):
        return "%s-%f" % (name, time.time())

    def parties(self):
        a, b = Party(), Party()
        self.addCleanup(a.close)
        self.addCleanup(b.close)
        return a, b

    def test_the_next_request_sees_what_the_last_reply_left_to_do(self):
        # Many times over: the reply leaves the media loop a moment before the bookkeeping
        # is queued, and the next request must wait for it, not overtake it.
        a, b = self.parties()
        for i in range(30):
            cid = self.call_id("next-%d" % i)
            before = control(self.c)
            base = sessions(self.c)
            r = self.c.request(offer_msg(cid, "A", a.sdp()))
            self.assertEqual(r[b"result"], b"ok", r)
            after = control(self.c)
            self.assertEqual(after[b"totaloffercount"], before[b"totaloffercount"] + 1)
            r = self.c.request(answer_msg(cid, "A", "B", b.sdp()))
            self.assertEqual(r[b"result"], b"ok", r)
            self.assertEqual(control(self.c)[b"totalanswercount"],
                             before[b"totalanswercount"] + 1)
            self.assertEqual(sessions(self.c), base + 1)
            r = self.c.request({"command": "delete", "call-id": cid, "from-tag": "A"})
            self.assertEqual(r[b"result"], b"ok", r)
            self.assertEqual(sessions(self.c), base, "the deleted call still counts")
            self.assertEqual(control(self.c)[b"totaldeletecount"],
                             before[b"totaldeletecount"] + 1)

    def test_a_retransmission_right_after_the_reply_gets_the_same_bytes(self):
        a, _ = self.parties()
        cid = self.call_id("retransmit")
        datagram = b"early1 " + ngclient.bencode(offer_msg(cid, "A", a.sdp()))
        first = self.c.exchange(datagram)
        again = self.c.exchange(datagram)
        self.assertEqual(again, first)
        self.assertIn(b"6:result2:ok", first)
        self.c.request({"command": "delete", "call-id": cid, "from-tag": "A"})

    def test_with_no_next_request_the_call_still_ends(self):
        # After this delete nothing is asked: the control thread's catch-up timer must log
        # the end, and the media loop's next tick must tear the call down (its CDR line).
        a, b = self.parties()
        cid = self.call_id("alone")
        self.assertEqual(self.c.request(offer_msg(cid, "A", a.sdp()))[b"result"], b"ok")
        self.assertEqual(self.c.request(answer_msg(cid, "A", "B", b.sdp()))[b"result"], b"ok")
        r = self.c.request({"command": "delete", "call-id": cid, "from-tag": "A"})
        self.assertEqual(r[b"result"], b"ok", r)
        scope = '[ID="%s"]' % cid
        ended = common.wait_for(
            lambda: scope + " call ended: deleted" in self.daemon.stderr_text(), timeout=3)
        self.assertTrue(ended, "no 'call ended' without a further request")
        cdr = common.wait_for(
            lambda: scope + " CDR: callid=" + cid in self.daemon.stderr_text(), timeout=3)
        self.assertTrue(cdr, "the call was not torn down without a further request")


if __name__ == "__main__":
    unittest.main()
