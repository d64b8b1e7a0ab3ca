"""Replies at the edge of what UDP carries (issue 12): every ng request gets an answer, even
when the full answer would not fit in one datagram; the reply cache stays within its byte
budget under a flood of distinct cookies; and a SIP OPTIONS answer is never larger than
the probe, so a spoofed probe cannot turn the relay into an amplifier."""

import json
import os
import re
import time
import unittest

import common
import ngclient
from media import Party, rtp_packet
from test_sip import options_request

# m= lines per party of the big call. Within 32, so that a limit on m= lines per call
# (planned in the signalling code) can still allow it; with SSRCS_PER_STREAM SSRCs on
# each, today's main could not send its query reply.
NUM_MEDIA = 32
SSRCS_PER_STREAM = 4
MAX_UDP_PAYLOAD = 65507  # IPv4: 65,535 minus the IP and UDP headers
PORTS = ["--port-min=36000", "--port-max=36999", "--delete-delay=0"]
# Tags this long make a reply no datagram carries, whatever the listing leaves out (a limit
# on tag length, should one come, would need another way to get there).
LONG_TAG = 24000


def big_call(test, c, call_id, from_tag="A", to_tag="B"):
    """Offer and answer with NUM_MEDIA m= lines, then RTP with SSRCS_PER_STREAM SSRCs from
    A into each of its relay ports. Returns the two parties (the caller closes them)."""
    a, b = Party(), Party()
    test.addCleanup(a.close)
    test.addCleanup(b.close)

    def sdp(p):
        return p.sdp(media="m=audio {port} RTP/AVP 0\r\n" * NUM_MEDIA)

    r1 = c.request({"command": "offer", "call-id": call_id, "from-tag": from_tag,
                    "sdp": sdp(a)})
    test.assertEqual(r1.get(b"result"), b"ok", r1)
    r2 = c.request({"command": "answer", "call-id": call_id, "from-tag": from_tag,
                    "to-tag": to_tag, "sdp": sdp(b)})
    test.assertEqual(r2.get(b"result"), b"ok", r2)
    ports = [int(p) for p in re.findall(r"^m=\S+ (\d+)", r2[b"sdp"].decode(), re.M)]
    test.assertEqual(len(ports), NUM_MEDIA)
    for port in ports:
        for s in range(SSRCS_PER_STREAM):
            a.rtp.sendto(rtp_packet(1, ssrc=0x10000 + port * 8 + s), ("127.0.0.1", port))
    time.sleep(0.3)
    return a, b


def server_stats(c):
    return c.request({"command": "statistics"})[b"statistics"][b"rtprelay"][b"ng"]


class BigReplyTest(common.SharedDaemonTestCase):
    daemon_args = PORTS

    def call_id(self, name):
        return "%s-%f" % (name, time.time())

    def test_query_and_delete_of_a_big_call_are_answered(self):
        cid = self.call_id("big")
        big_call(self, self.c, cid)
        for encode in (ngclient.bencode, lambda m: json.dumps(m).encode()):
            cookie = ngclient.new_cookie()
            datagram = cookie + b" " + encode({"command": "query", "call-id": cid})
            first = self.c.exchange(datagram)  # raises NoReply on today's main
            self.assertLessEqual(len(first), MAX_UDP_PAYLOAD)
            # A retransmission gets the identical bytes.
            self.assertEqual(self.c.exchange(datagram), first)
        reply = json.loads(ngclient.split_reply(first)[1])
        self.assertEqual(reply["result"], "ok")
        # Both parties keep their first m= lines; the rest is counted, not listed.
        for tag in ("A", "B"):
            self.assertGreater(len(reply["tags"][tag]["medias"]), 0)
        self.assertGreater(reply["truncated"]["medias"], 0)
        self.assertGreater(reply["truncated"]["SSRC"], 0)
        named = reply["tags"]["A"]["medias"][0]["streams"][0]["SSRC"]
        self.assertIn(str(named), reply["SSRC"])
        self.assertIn("average MOS", reply["SSRC"][str(named)])
        # totals count every stream, listed or not.
        self.assertEqual(reply["totals"]["RTP"]["packets"], NUM_MEDIA * SSRCS_PER_STREAM)

        d = self.c.request({"command": "delete", "call-id": cid})
        self.assertEqual(d[b"result"], b"ok")
        self.assertIn(b"truncated", d)

    def test_reply_too_large_for_a_datagram_is_an_error_not_silence(self):
        # Tags are echoed three times (as a key, as `tag`, as the peer's `in dialogue
        # with`).
        cid = self.call_id("longtags")
        from_tag, to_tag = "F" * LONG_TAG, "T" * LONG_TAG
        a, b = Party(), Party()
        self.addCleanup(a.close)
        self.addCleanup(b.close)
        r = self.c.request({"command": "offer", "call-id": cid, "from-tag": from_tag,
                            "sdp": a.sdp()})
        self.assertEqual(r.get(b"result"), b"ok", r)
        r = self.c.request({"command": "answer", "call-id": cid, "from-tag": from_tag,
                            "to-tag": to_tag, "sdp": b.sdp()})
        self.assertEqual(r.get(b"result"), b"ok", r)
        cookie = ngclient.new_cookie()
        datagram = cookie + b" " + ngclient.bencode({"command": "query", "call-id": cid})
        first = self.c.exchange(datagram)  # raises NoReply on today's main
        reply = ngclient.bdecode(ngclient.split_reply(first)[1])
        self.assertEqual(reply[b"result"], b"error")
        self.assertRegex(reply[b"error-reason"],
                         rb"^reply too large for one datagram \(\d+ bytes\)$")
        self.assertEqual(self.c.exchange(datagram), first)  # cached, not silent
        self.assertGreaterEqual(server_stats(self.c)[b"replies too large"], 1)
        self.assertIn("reply too large for one datagram", self.daemon.stderr_text())
        # delete is answered too; it ran, only its reply was replaced.
        d = self.c.request({"command": "delete", "call-id": cid})
        self.assertEqual(d[b"result"], b"error")
        q = self.c.request({"command": "query", "call-id": cid})
        self.assertEqual(q[b"error-reason"], b"Unknown call-id")


def vm_rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS for pid %d" % pid)


class ReplyCacheTest(common.DaemonTestCase):
    CACHE_BYTES = 1 << 20
    FLOOD = 8000
    WINDOW = 4  # queries in flight: their replies fit the client's default socket buffer

    def start_without_quarantine(self, args):
        """An ASan build keeps freed memory in quarantine (256 MiB by default), which would
        count as growth here; without it, RSS measures what the daemon keeps."""
        old = os.environ.get("ASAN_OPTIONS")
        os.environ["ASAN_OPTIONS"] = (old + ":" if old else "") + "quarantine_size_mb=0"
        try:
            return self.start_daemon(args)
        finally:
            if old is None:
                del os.environ["ASAN_OPTIONS"]
            else:
                os.environ["ASAN_OPTIONS"] = old

    def test_distinct_cookie_flood_stays_within_the_cache_budget(self):
        d = self.start_without_quarantine(PORTS + ["--reply-cache-bytes=%d" % self.CACHE_BYTES])
        c = self.client(d)
        cid = "flood-%f" % time.time()
        big_call(self, c, cid)
        query = ngclient.bencode({"command": "query", "call-id": cid})
        sample = c.request_raw(ngclient.new_cookie(), query)
        self.assertGreater(len(sample), 30000, "the flood needs big replies")
        rss_before = vm_rss_kib(d.pid)

        prefix = os.urandom(4).hex().encode()
        sent = answered = 0
        last = None
        started = time.monotonic()
        while sent < self.FLOOD:
            batch = min(self.WINDOW, self.FLOOD - sent)
            for i in range(batch):
                last = b"%s-%d" % (prefix, sent + i)
                c.send_raw(last + b" " + query)
            sent += batch
            for _ in range(batch):
                if c.recv_raw(1.0) is None:
                    break
                answered += 1
        elapsed = time.monotonic() - started
        rss_after = vm_rss_kib(d.pid)
        growth_mib = (rss_after - rss_before) / 1024
        print("\n  flood: %d queries, %d answered, %.1f s, %d-byte replies, RSS %d -> %d KiB"
              % (sent, answered, elapsed, len(sample), rss_before, rss_after))
        self.assertGreater(answered, self.FLOOD * 9 // 10)
        # Unbounded, this flood took hundreds of MB; 1 MiB of replies plus arena slack here.
        self.assertLess(growth_mib, 24, "RSS grew by %.0f MiB" % growth_mib)

        stats = server_stats(c)
        self.assertGreater(stats[b"reply cache dropped"], 0)
        self.assertLessEqual(stats[b"reply cache bytes"], self.CACHE_BYTES + 128 * 1024)
        self.assertIn("reply cache full", d.stderr_text())
        # The newest replies are still cached: a retransmission gets the same bytes.
        again = c.exchange(last + b" " + query)
        self.assertEqual(ngclient.split_reply(again)[0], last)
        self.assertEqual(again, c.exchange(last + b" " + query))
        self.assertEqual(server_stats(c)[b"retransmissions"], stats[b"retransmissions"] + 2)


# Probes a health checker may send: (name, request, must be answered 200 OK).
DISPATCHER_PROBE = (
    "OPTIONS sip:127.0.0.1:2223 SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKcydzigwkX\r\n"
    "To: <sip:127.0.0.1:2223>\r\n"
    "From: <sip:dispatcher@localhost>;tag=6d6a2bc4-1701234567-12345\r\n"
    "CSeq: 10 OPTIONS\r\n"
    "Call-ID: 3d1f2a1c0b9e8d7c-12345@10.0.0.1\r\n"
    "Max-Forwards: 70\r\n"
    "Content-Length: 0\r\n"
    "User-Agent: kamailio (5.7.4 (x86_64/linux))\r\n\r\n").encode()
MINIMAL_PROBE = (
    "OPTIONS sip:x SIP/2.0\r\n"
    "Via: SIP/2.0/UDP h;branch=z9hG4bK1\r\n"
    "From: <sip:a@b>;tag=1\r\n"
    "To: <sip:x>\r\n"
    "Call-ID: c\r\n"
    "CSeq: 1 OPTIONS\r\n\r\n").encode()
PROBES = [
    ("kamailio dispatcher", DISPATCHER_PROBE, True),
    ("test_sip probe", options_request(), True),
    ("probe with a To tag", options_request(to="<sip:r@127.0.0.1>;tag=x1"), True),
    ("minimal", MINIMAL_PROBE, False),
    ("compact, LF only", b"OPTIONS s SIP/2.0\nv:a\nf:b\nt:c\ni:d\ncseq:1 OPTIONS\n\n", False),
    ("empty values", b"OPTIONS s SIP/2.0\nv:\nv:\nv:\nv:\nf:\nt:\ni:\ncseq:\n\n", False),
]


class SipAmplificationTest(common.SharedDaemonTestCase):
    def test_answer_never_larger_than_the_probe(self):
        for name, request, answered in PROBES:
            with self.subTest(name):
                reply = self.c.expect_no_reply(request, timeout=1.0)
                if answered:
                    self.assertIsNotNone(reply, "no answer to a health check")
                    self.assertTrue(reply.startswith(b"SIP/2.0 200 OK\r\n"), reply)
                if reply is not None:
                    self.assertLessEqual(len(reply), len(request),
                                         "%d-byte probe drew %d bytes:\n%r"
                                         % (len(request), len(reply), reply))
        refused = sum(1 for _, _, answered in PROBES if not answered)
        self.assertGreaterEqual(server_stats(self.c)[b"SIP OPTIONS too large"], refused)


if __name__ == "__main__":
    unittest.main()
