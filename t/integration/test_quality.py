"""Call quality through the real daemon: a test phone sends RTP with known loss and jitter,
with and without RTCP, and the query/delete replies' `SSRC` entries (rtpengine 10.5's shape)
and the CDR line must say what was sent.

Known inputs and tolerances:
- loss: every 10th packet is never sent, so loss is 10 % of what the sequence numbers expect
  (whole percent per sample, cut as rtpengine does: 9 or 10 depending on where an interval
  falls); cumulative loss is exact.
- jitter: packets leave every 2 ms but their RTP timestamps alternate 0 and +10 ms (80 units
  at 8 kHz) ahead of that pace: every transit differs from the last by 10 ms, so RFC 3550's
  jitter converges to 10 ms; the sender's own scheduling adds a little (8-20 ms accepted).
- RTT: each RR leaves `HOLD` after the SR it answers passed and says DLSR = `DLSR`, so the
  relay times a leg of HOLD - DLSR plus the scheduling delay of the test (never less; up to
  250 ms more accepted on a loaded machine).
- MOS: must be the formula of media/mos.h applied to the reply's own figures, exactly.
Python 3 standard library only."""

import re
import struct
import time
import unittest

from common import SharedDaemonTestCase
from media import Party

A_SSRC, B_SSRC = 0x1111, 0x2222
HOLD, DLSR = 0.1, 0.05


def mos_x10(loss, jitter_ms, rtt_us):
    latency = rtt_us / 1000 / 2 + jitter_ms * 2 + 10
    r = 93.2 - latency / 40 if latency < 160 else 93.2 - (latency - 120) / 10
    r = min(max(r - loss * 2.5, 0), 100)
    return int((1 + 0.035 * r + 0.000007 * r * (r - 60) * (100 - r)) * 10)


def rtp(seq, ssrc, ts):
    return struct.pack("!BBHII", 0x80, 0, seq & 0xFFFF, ts & 0xFFFFFFFF, ssrc) + b"\x55" * 160


def sender_report(ssrc):
    now = time.time() + 2208988800
    sec, frac = int(now), int((now % 1) * 2**32)
    pkt = struct.pack("!BBHIIIIII", 0x80, 200, 6, ssrc, sec & 0xFFFFFFFF, frac, 0, 0, 0)
    return pkt, ((sec & 0xFFFF) << 16) | (frac >> 16)


def receiver_report(ssrc, source, fraction, cumulative, jitter, lsr, dlsr_s):
    return (struct.pack("!BBHII", 0x81, 201, 7, ssrc, source) +
            struct.pack("!IIIII", fraction << 24 | cumulative, 1000, jitter, lsr,
                        int(dlsr_s * 65536)))


class QualityTest(SharedDaemonTestCase):
    daemon_args = ("--delete-delay=0",)

    def setUp(self):
        super().setUp()
        self.a, self.b = Party(), Party()
        self.addCleanup(self.a.close)
        self.addCleanup(self.b.close)

    def establish(self, cid, media="m=audio {port} RTP/AVP 0 8\r\n"):
        r = self.c.request({"command": "offer", "call-id": cid, "from-tag": "A",
                            "sdp": self.a.sdp(media)})
        to_b = int(re.search(rb"m=audio (\d+)", r[b"sdp"]).group(1))
        r = self.c.request({"command": "answer", "call-id": cid, "from-tag": "A",
                            "to-tag": "B", "sdp": self.b.sdp(media)})
        to_a = int(re.search(rb"m=audio (\d+)", r[b"sdp"]).group(1))
        return ("127.0.0.1", to_b), ("127.0.0.1", to_a)

    def talk(self, to_b, to_a, count):
        """A sends `count` packets minus every 10th, with the jitter pattern; B sends all."""
        for i in range(count):
            if i % 10 != 5:
                self.a.rtp.sendto(rtp(i, A_SSRC, i * 16 + (80 if i % 2 else 0)), to_b)
            self.b.rtp.sendto(rtp(i, B_SSRC, i * 16), to_a)
            time.sleep(0.002)

    def entry(self, reply, ssrc):
        return reply[b"SSRC"][str(ssrc).encode()]

    def assertMosConsistent(self, sample):
        self.assertEqual(sample[b"MOS"], mos_x10(sample[b"packet loss"], sample[b"jitter"],
                                                 sample[b"round-trip time"]), sample)

    def test_estimated_without_rtcp(self):
        cid = "quality-estimated-%d" % time.monotonic_ns()
        to_b, to_a = self.establish(cid)
        self.talk(to_b, to_a, 600)
        time.sleep(0.2)
        e = self.entry(self.c.request({"command": "query", "call-id": cid}), A_SSRC)
        self.assertEqual(e[b"source"], b"estimated")
        self.assertEqual(e[b"cumulative loss"], 60)
        avg = e[b"average MOS"]
        self.assertEqual(avg[b"samples"], 2)  # one per 250 packets received
        entries = e[b"MOS progression"][b"entries"]
        self.assertEqual(len(entries), 2)
        for s in entries + [e[b"lowest MOS"], e[b"highest MOS"]]:
            self.assertIn(s[b"packet loss"], (9, 10), s)
            self.assertTrue(8 <= s[b"jitter"] <= 20, s)
            self.assertEqual(s[b"round-trip time"], 0)
            self.assertMosConsistent(s)
        self.assertLessEqual(e[b"lowest MOS"][b"MOS"], avg[b"MOS"])
        self.assertLessEqual(avg[b"MOS"], e[b"highest MOS"][b"MOS"])
        # B lost nothing.
        self.assertEqual(self.entry(self.c.request({"command": "query", "call-id": cid}),
                                    B_SSRC)[b"cumulative loss"], 0)
        d = self.c.request({"command": "delete", "call-id": cid, "from-tag": "A"})
        self.assertEqual(self.entry(d, A_SSRC)[b"cumulative loss"], 60)
        self.assertCdr(cid)

    def assertCdr(self, cid):
        for _ in range(50):
            lines = [l for l in self.daemon.stderr_text().splitlines()
                     if "CDR: callid=%s," % cid in l]
            if lines:
                break
            time.sleep(0.05)
        self.assertEqual(len(lines), 1, lines)
        self.assertIn("termination=deleted", lines[0])
        self.assertRegex(lines[0], r"ml0_packets=\d+, ml0_bytes=\d+, ml0_errors=0")
        self.assertRegex(lines[0], r"mos_min=\d\.\d, ml\d_mos_avg=\d\.\d, ml\d_mos_max=\d\.\d")

    def rtcp_round(self, to_b, to_a, cumulative, jitter=(80, 40)):
        """A's SR answered by B's RR (10 % lost, `jitter[0]` units), then the other way
        round (`jitter[1]`)."""
        sr, mid = sender_report(A_SSRC)
        self.a.rtcp.sendto(sr, (to_b[0], to_b[1] + 1))
        time.sleep(HOLD)
        self.b.rtcp.sendto(receiver_report(B_SSRC, A_SSRC, 26, cumulative, jitter[0], mid, DLSR),
                           (to_a[0], to_a[1] + 1))
        sr, mid = sender_report(B_SSRC)
        self.b.rtcp.sendto(sr, (to_a[0], to_a[1] + 1))
        time.sleep(HOLD)
        self.a.rtcp.sendto(receiver_report(A_SSRC, B_SSRC, 0, 0, jitter[1], mid, DLSR),
                           (to_b[0], to_b[1] + 1))
        time.sleep(0.05)

    def test_rtcp_reports_loss_jitter_and_rtt(self):
        cid = "quality-rtcp-%d" % time.monotonic_ns()
        to_b, to_a = self.establish(cid)
        self.talk(to_b, to_a, 50)
        for n in range(3):
            self.rtcp_round(to_b, to_a, 5 * (n + 1))
        q = self.c.request({"command": "query", "call-id": cid})
        e = self.entry(q, A_SSRC)
        self.assertEqual(e[b"source"], b"RTCP")
        self.assertEqual(e[b"cumulative loss"], 15)
        self.assertEqual(e[b"average MOS"][b"samples"], 3)
        leg_min, leg_max = (HOLD - DLSR) * 1e6, (HOLD - DLSR + 0.25) * 1e6
        entries = e[b"MOS progression"][b"entries"]
        for s in entries:
            self.assertEqual(s[b"packet loss"], 10)  # 26/256
            self.assertEqual(s[b"jitter"], 10)       # 80 units at 8 kHz
            self.assertTrue(leg_min <= s[b"round-trip time leg"] <= leg_max, s)
            self.assertMosConsistent(s)
        # From the second report on, A's leg is known too: both legs.
        for s in entries[1:]:
            self.assertTrue(2 * leg_min <= s[b"round-trip time"] <= 2 * leg_max, s)
        b = self.entry(q, B_SSRC)
        self.assertEqual(b[b"source"], b"RTCP")
        self.assertEqual(b[b"highest MOS"][b"packet loss"], 0)
        self.assertEqual(b[b"highest MOS"][b"jitter"], 5)
        self.c.request({"command": "delete", "call-id": cid, "from-tag": "A"})
        self.assertCdr(cid)

    def test_rtcp_jitter_by_the_clock_of_the_first_codec_listed(self):
        """An Opus call: the report blocks count jitter in 48 kHz units, and the reply gives
        it in ms by that clock, not by the 8 kHz of a static payload type listed after it."""
        cid = "quality-opus-%d" % time.monotonic_ns()
        to_b, to_a = self.establish(
            cid, "m=audio {port} RTP/AVP 111 0\r\na=rtpmap:111 opus/48000/2\r\n")
        self.talk(to_b, to_a, 50)
        self.rtcp_round(to_b, to_a, 5, jitter=(480, 240))
        q = self.c.request({"command": "query", "call-id": cid})
        self.assertEqual(self.entry(q, A_SSRC)[b"highest MOS"][b"jitter"], 10)
        self.assertEqual(self.entry(q, B_SSRC)[b"highest MOS"][b"jitter"], 5)
        self.c.request({"command": "delete", "call-id": cid, "from-tag": "A"})


if __name__ == "__main__":
    unittest.main()
