"""Calls over the real ng socket: offer/answer SDP rewriting (golden templates with {A}
placeholders for the ports the relay chose), RTP/RTCP relayed between test sockets, endpoint
learning, strict-source, port pools, delete, query, list, statistics and timeouts."""

import time
import unittest

import common
import daemon
import media
from media import Party, match_template

PORTS = ["--port-min=37000", "--port-max=37999"]


def offer_msg(call_id, from_tag, sdp, **extra):
    m = {"command": "offer", "call-id": call_id, "from-tag": from_tag, "sdp": sdp,
         "supports": ["load limit"], "sip-message-type": "sip request"}
    m.update(extra)
    return m


def answer_msg(call_id, from_tag, to_tag, sdp, **extra):
    m = {"command": "answer", "call-id": call_id, "from-tag": from_tag, "to-tag": to_tag,
         "sdp": sdp, "sip-message-type": "sip response"}
    m.update(extra)
    return m


class CallTestCase(common.SharedDaemonTestCase):
    daemon_args = PORTS + ["--delete-delay=0"]

    def setUp(self):
        super().setUp()
        self.parties = []
        self.n = 0

    def tearDown(self):
        for p in self.parties:
            p.close()
        super().tearDown()

    def party(self):
        p = Party()
        self.parties.append(p)
        return p

    def call_id(self):
        self.n += 1
        return "%s-%d-%f" % (self.id().split(".")[-1], self.n, time.time())

    def ok(self, msg):
        r = self.c.request(msg)
        self.assertEqual(r.get(b"result"), b"ok", r)
        return r

    def sdp_of(self, reply):
        return reply[b"sdp"].decode()

    def establish(self, a, b, offer_extra=None, answer_extra=None, a_sdp=None, b_sdp=None):
        """Offer from a, answer from b; returns (call-id, relay port for a, relay port for b)."""
        cid = self.call_id()
        r1 = self.ok(offer_msg(cid, "A", a_sdp or a.sdp(), **(offer_extra or {})))
        r2 = self.ok(answer_msg(cid, "A", "B", b_sdp or b.sdp(), **(answer_extra or {})))
        return cid, media.media_port(self.sdp_of(r2)), media.media_port(self.sdp_of(r1))


class SdpRewriteTest(CallTestCase):
    def test_minimal_kamailio_offer_and_answer(self):
        a, b = self.party(), self.party()
        cid = self.call_id()
        r = self.ok(offer_msg(cid, "A", a.sdp(extra="a=sendrecv\r\n")))
        match_template(self, "v=0\r\no=- 1000 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
                       "t=0 0\r\nm=audio {B} RTP/AVP 0 8\r\na=sendrecv\r\na=rtcp:{B+1}\r\n",
                       self.sdp_of(r))
        self.assertNotIn(b"warning", r)
        r2 = self.ok(answer_msg(cid, "A", "B", b.sdp(media="m=audio {port} RTP/AVP 0\r\n")))
        match_template(self, "v=0\r\no=- 1000 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
                       "t=0 0\r\nm=audio {A} RTP/AVP 0\r\na=rtcp:{A+1}\r\n", self.sdp_of(r2))

    def test_output_is_deterministic_and_unknown_lines_survive(self):
        a = self.party()
        extra = ("a=rtpmap:0 PCMU/8000\r\na=x-unknown:keep me\r\na=ptime:20\r\n"
                 "a=fmtp:101 0-15\r\n")
        sdp = a.sdp(extra=extra).replace("s=-\r\n", "s=-\r\ni=session info\r\nu=http://x\r\n")
        r = self.ok(offer_msg(self.call_id(), "A", sdp))
        out = self.sdp_of(r)
        for line in ("i=session info", "u=http://x", "a=x-unknown:keep me", "a=ptime:20",
                     "a=fmtp:101 0-15", "a=rtpmap:0 PCMU/8000"):
            self.assertIn(line + "\r\n", out)
        cid = self.call_id()
        self.assertEqual(self.sdp_of(self.ok(offer_msg(cid, "A", sdp))),
                         self.sdp_of(self.ok(offer_msg(cid, "A", sdp))))

    def test_several_media_rejected_and_media_level_connection(self):
        a = self.party()
        sdp = ("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
               "m=audio %d RTP/AVP 0\r\nc=IN IP4 127.0.0.1\r\n"
               "m=video 0 RTP/AVP 96\r\nc=IN IP4 127.0.0.1\r\n"
               "m=video %d RTP/AVP 97\r\nc=IN IP4 127.0.0.1\r\na=rtpmap:97 H264/90000\r\n"
               % (a.port, a.port + 2))
        r = self.ok(offer_msg(self.call_id(), "A", sdp))
        match_template(self, "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
                       "m=audio {A} RTP/AVP 0\r\nc=IN IP4 127.0.0.1\r\na=rtcp:{A+1}\r\n"
                       "m=video 0 RTP/AVP 96\r\nc=IN IP4 127.0.0.1\r\n"
                       "m=video {B} RTP/AVP 97\r\nc=IN IP4 127.0.0.1\r\na=rtpmap:97 H264/90000\r\n"
                       "a=rtcp:{B+1}\r\n", self.sdp_of(r))

    def test_hold_address_is_kept(self):
        a = self.party()
        sdp = a.sdp(extra="a=sendonly\r\n").replace("c=IN IP4 127.0.0.1", "c=IN IP4 0.0.0.0")
        out = self.sdp_of(self.ok(offer_msg(self.call_id(), "A", sdp)))
        self.assertEqual(media.connection(out), ["0.0.0.0"])
        self.assertIn("a=sendonly\r\n", out)

    def test_rtcp_mux_offered_and_accepted(self):
        a, b = self.party(), self.party()
        cid = self.call_id()
        out = self.sdp_of(self.ok(offer_msg(cid, "A", a.sdp(extra="a=rtcp-mux\r\n"))))
        match_template(self, "v=0\r\no=- 1000 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
                       "t=0 0\r\nm=audio {B} RTP/AVP 0 8\r\na=rtcp-mux\r\na=rtcp:{B}\r\n", out)
        ans = self.sdp_of(self.ok(answer_msg(cid, "A", "B", b.sdp(extra="a=rtcp-mux\r\n"))))
        self.assertIn("a=rtcp-mux\r\n", ans)
        # Answerer declines: the offerer is not told to mux either.
        cid = self.call_id()
        self.ok(offer_msg(cid, "A", a.sdp(extra="a=rtcp-mux\r\n")))
        ans = self.sdp_of(self.ok(answer_msg(cid, "A", "B", b.sdp())))
        self.assertNotIn("a=rtcp-mux", ans)

    def test_rtcp_mux_demux_and_accept(self):
        a, b = self.party(), self.party()
        cid = self.call_id()
        out = self.sdp_of(self.ok(offer_msg(cid, "A", a.sdp(extra="a=rtcp-mux\r\n"),
                                            **{"rtcp-mux": ["demux", "accept"]})))
        self.assertNotIn("a=rtcp-mux", out)
        ans = self.sdp_of(self.ok(answer_msg(cid, "A", "B", b.sdp())))
        self.assertIn("a=rtcp-mux\r\n", ans)

    def test_rtcp_mux_require(self):
        """rtcp-mux=require offers mux with no RTCP port of its own, and the answerer is
        muxed even when its answer does not say so: the offerer's RTCP reaches its RTP port."""
        a, b = self.party(), self.party()
        cid = self.call_id()
        out = self.sdp_of(self.ok(offer_msg(cid, "A", a.sdp(), **{"rtcp-mux": ["require"]})))
        self.assertIn("a=rtcp-mux\r\n", out)
        self.assertNotIn("a=rtcp:", out)
        port_b = media.media_port(out)
        ans = self.sdp_of(self.ok(answer_msg(cid, "A", "B", b.sdp())))
        self.assertNotIn("a=rtcp-mux", ans)  # the offerer did not offer it
        port_a = media.media_port(ans)
        a.send(("127.0.0.1", port_a + 1), count=2, sock=a.rtcp, packet=media.rtcp_packet)
        got = b.receive(want=2)
        self.assertEqual(len(got), 2)
        self.assertEqual(got[0][1], ("127.0.0.1", port_b))
        # The word form in flags is the same.
        out = self.sdp_of(self.ok(offer_msg(self.call_id(), "A", a.sdp(),
                                            flags=["rtcp-mux-require"])))
        self.assertIn("a=rtcp-mux\r\n", out)
        self.assertNotIn("a=rtcp:", out)

    def test_strip_extmap_generate_mid_and_ice_lite(self):
        a = self.party()
        sdp = a.sdp(extra="a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n")
        sdp = sdp.replace("t=0 0\r\n", "t=0 0\r\na=extmap:2 urn:x\r\n")
        out = self.sdp_of(self.ok(offer_msg(self.call_id(), "A", sdp)))
        self.assertEqual(out.count("a=extmap:"), 2)
        self.assertNotIn("a=mid:", out)
        r = self.ok(offer_msg(self.call_id(), "A", sdp, flags=["strip-extmap", "generate-mid"],
                              **{"ICE-lite": "forward"}))
        self.assertNotIn(b"warning", r)
        out = self.sdp_of(r)
        self.assertNotIn("a=extmap", out)
        self.assertIn("a=mid:0\r\n", out)
        self.assertNotIn("a=group", out)  # a plain receiver gets no BUNDLE
        for value in ("backward", "both", "off"):
            self.ok(offer_msg(self.call_id(), "A", sdp, **{"ICE-lite": value}))
        r = self.c.request(offer_msg(self.call_id(), "A", sdp, **{"ICE-lite": "sideways"}))
        self.assertEqual(r[b"result"], b"error")
        self.assertIn(b"ICE-lite=sideways", r[b"error-reason"])

    def test_bundle_transport_line_rejected_by_the_other_side(self):
        """A bundling party (ICE, one transport for audio and video) whose audio the phone
        rejects: the answer keeps audio open, inactive, on the group's port with formats the
        party offered, so video keeps its transport. The phone's re-offer with audio still at
        port 0 keeps it so towards the party, and the relay's answer to the phone rejects audio
        whatever the party answered: the phone's own offer did."""
        a, b = self.party(), self.party()
        cid = self.call_id()
        ice = ("a=ice-ufrag:abcd\r\na=ice-pwd:0123456789012345678901\r\n"
               "a=candidate:1 1 UDP 2130706431 127.0.0.1 %d typ host\r\n" % a.port)
        sdp = a.sdp(media="m=audio {port} RTP/AVP 8 0\r\na=mid:0\r\na=rtcp-mux\r\n" + ice +
                    "m=video {port} RTP/AVP 96\r\na=rtpmap:96 VP8/90000\r\na=mid:1\r\n"
                    "a=rtcp-mux\r\n" + ice)
        sdp = sdp.replace("t=0 0\r\n", "t=0 0\r\na=group:BUNDLE 0 1\r\n")
        self.ok(offer_msg(cid, "A", sdp, ICE="remove"))
        phone = b.sdp(media="m=audio 0 RTP/AVP 19\r\nm=video {port} RTP/AVP 96\r\n"
                            "a=rtpmap:96 VP8/90000\r\n")
        to_a = self.sdp_of(self.ok(answer_msg(cid, "A", "B", phone)))
        audio, video = to_a.split("m=")[1:3]
        port = media.media_port(to_a)
        self.assertTrue(audio.startswith("audio %d RTP/AVP 8\r\n" % port), audio)
        self.assertIn("a=inactive\r\n", audio)
        self.assertIn("a=ice-ufrag:", audio)
        self.assertTrue(video.startswith("video %d " % port), video)
        self.assertIn("a=group:BUNDLE 0 1\r\n", to_a)

        reoffer = b.sdp(version=2, media="m=audio 0 RTP/AVP 19\r\nm=video {port} RTP/AVP 96\r\n"
                                         "a=rtpmap:96 VP8/90000\r\n")
        to_a = self.sdp_of(self.ok(offer_msg(cid, "B", reoffer, **{"to-tag": "A"})))
        self.assertIn("a=inactive\r\n", to_a.split("m=")[1])
        self.assertEqual(media.media_port(to_a), port)
        # The party answers with both lines open, as it offered them.
        to_b = self.sdp_of(self.ok(answer_msg(cid, "B", "A", sdp)))
        self.assertTrue(to_b.split("m=")[1].startswith("audio 0 "), to_b)
        self.assertFalse(to_b.split("m=")[2].startswith("video 0 "), to_b)

    def test_ice_of_the_parties_never_passes(self):
        """The relay terminates ICE: the offerer's credentials and candidates never reach the
        answerer; ICE=remove sends none of the relay's, the default and ICE=force send the
        relay's own (t/integration/test_ice.py checks them)."""
        a = self.party()
        ice = ("a=ice-ufrag:abcd\r\na=ice-pwd:0123456789012345678901\r\n"
               "a=candidate:1 1 UDP 2130706431 10.0.0.1 4000 typ host\r\n")
        out = self.sdp_of(self.ok(offer_msg(self.call_id(), "A", a.sdp(extra=ice), ICE="remove")))
        self.assertNotIn("ice-", out)
        self.assertNotIn("candidate", out)
        for flags in ({}, {"ICE": "force"}):
            r = self.ok(offer_msg(self.call_id(), "A", a.sdp(extra=ice), **flags))
            out = self.sdp_of(r)
            self.assertNotIn("abcd", out)
            self.assertNotIn("10.0.0.1", out)
            self.assertIn("a=ice-lite\r\n", out)
            self.assertNotIn(b"warning", r)
        r = self.c.request(offer_msg(self.call_id(), "A", a.sdp(extra=ice), ICE="passive"))
        self.assertEqual(r[b"result"], b"error")
        self.assertIn(b"ICE=passive is not supported", r[b"error-reason"])

    def test_replace_origin_and_sdp_version(self):
        a = self.party()
        cid = self.call_id()
        sdp = a.sdp(addr="127.0.0.1").replace("o=- 1000 1 IN IP4 127.0.0.1",
                                              "o=- 1000 7 IN IP4 10.9.9.9")
        flags = {"replace": ["origin", "SDP-version"]}
        out1 = self.sdp_of(self.ok(offer_msg(cid, "A", sdp, **flags)))
        self.assertIn("o=- 1000 7 IN IP4 127.0.0.1\r\n", out1)
        out2 = self.sdp_of(self.ok(offer_msg(cid, "A", sdp, **flags)))
        self.assertEqual(out1, out2, "same SDP, same version")
        changed = sdp + "a=sendonly\r\n"
        out3 = self.sdp_of(self.ok(offer_msg(cid, "A", changed, **flags)))
        self.assertIn("o=- 1000 8 IN IP4 127.0.0.1\r\n", out3)

    def test_reinvite_keeps_ports(self):
        a, b = self.party(), self.party()
        cid, port_a, port_b = self.establish(a, b)
        r = self.ok(offer_msg(cid, "A", a.sdp(version=2), **{"to-tag": "B"}))
        self.assertEqual(media.media_port(self.sdp_of(r)), port_b)
        # The callee re-INVITEs: from-tag B, to-tag A.
        r = self.ok(offer_msg(cid, "B", b.sdp(version=2), **{"to-tag": "A"}))
        self.assertEqual(media.media_port(self.sdp_of(r)), port_a)

    def test_transport_protocol(self):
        a = self.party()
        out = self.sdp_of(self.ok(offer_msg(self.call_id(), "A", a.sdp(),
                                            **{"transport-protocol": "RTP/AVPF"})))
        self.assertIn(" RTP/AVPF 0 8\r\n", out)
        # SDES-keyed SRTP is offered (test_srtp.py), DTLS-SRTP with the relay's certificate
        # (t/webrtc checks it with a browser) and no a=crypto.
        out = self.sdp_of(self.ok(offer_msg(self.call_id(), "A", a.sdp(),
                                            **{"transport-protocol": "rtp/savp"})))
        self.assertIn(" RTP/SAVP 0 8\r\n", out)
        self.assertIn("a=crypto:1 ", out)
        out = self.sdp_of(self.ok(offer_msg(self.call_id(), "A", a.sdp(),
                                            **{"transport-protocol": "UDP/TLS/RTP/SAVP"})))
        self.assertIn(" UDP/TLS/RTP/SAVP 0 8\r\n", out)
        self.assertIn("a=setup:actpass\r\n", out)
        self.assertRegex(out, r"a=fingerprint:sha-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}\r\n")
        self.assertNotIn("a=crypto", out)

    def test_unknown_flags_warn(self):
        a = self.party()
        r = self.ok(offer_msg(self.call_id(), "A", a.sdp(), flags=["frobnicate", "trust-address"]))
        self.assertEqual(r[b"warning"], b"unknown flag(s) ignored: frobnicate")

    def test_bad_requests(self):
        a = self.party()
        for msg, reason in (
                (offer_msg(self.call_id(), "A", "garbage"), b"SDP"),
                (offer_msg("", "A", a.sdp()), b"missing key 'call-id'"),
                ({"command": "offer", "call-id": "x", "sdp": a.sdp()}, b"missing key 'from-tag'"),
                (answer_msg("never-offered", "A", "B", a.sdp()), b"Unknown call-id"),
                ({"command": "query", "call-id": "nope"}, b"Unknown call-id"),
                (offer_msg(self.call_id(), "A", a.sdp(), direction=["nope", "nope"]),
                 b"unknown interface 'nope'")):
            r = self.c.request(msg)
            self.assertEqual(r[b"result"], b"error", (msg, r))
            self.assertIn(reason, r[b"error-reason"])


class RelayTest(CallTestCase):
    def test_rtp_relayed_both_ways_from_the_relay_ports(self):
        a, b = self.party(), self.party()
        cid, port_a, port_b = self.establish(a, b)
        a.send(("127.0.0.1", port_a), count=10)
        b.send(("127.0.0.1", port_b), count=10)
        at_b = b.receive(want=10)
        at_a = a.receive(want=10)
        self.assertEqual(len(at_b), 10)
        self.assertEqual(len(at_a), 10)
        # Symmetric: each party hears from the port it sends to.
        self.assertEqual(at_b[0][1], ("127.0.0.1", port_b))
        self.assertEqual(at_a[0][1], ("127.0.0.1", port_a))
        self.assertEqual(at_b[3][0], media.rtp_packet(3))
        q = self.ok({"command": "query", "call-id": cid})
        self.assertEqual(q[b"totals"][b"RTP"][b"packets"], 20)
        tags = q[b"tags"]
        self.assertEqual(set(tags), {b"A", b"B"})
        self.assertEqual(tags[b"A"][b"in dialogue with"], b"B")
        stream = tags[b"A"][b"medias"][0][b"streams"][0]
        self.assertEqual(stream[b"stats"][b"packets"], 10)
        self.assertEqual(stream[b"local port"], port_a)
        self.assertEqual(stream[b"SSRC"], 0x1234)
        self.assertIn(str(0x1234).encode(), q[b"SSRC"])
        self.assertGreaterEqual(q[b"SSRC"][str(0x1234).encode()][b"average MOS"][b"MOS"], 40)

    def test_rtcp_relayed_and_mux_translated(self):
        a, b = self.party(), self.party()
        # A muxes, B does not (demux): RTCP from A on its RTP port reaches B's RTCP port.
        cid, port_a, port_b = self.establish(a, b, a_sdp=a.sdp(extra="a=rtcp-mux\r\n"),
                                             offer_extra={"rtcp-mux": ["demux", "accept"]})
        a.send(("127.0.0.1", port_a), count=3, packet=media.rtcp_packet)
        got = b.receive(sock=b.rtcp, want=3)
        self.assertEqual(len(got), 3)
        self.assertEqual(got[0][1], ("127.0.0.1", port_b + 1))
        # B's RTCP from its RTCP port reaches A muxed on A's RTP port.
        b.send(("127.0.0.1", port_b + 1), count=2, sock=b.rtcp, packet=media.rtcp_packet)
        got = a.receive(want=2)
        self.assertEqual(len(got), 2)
        self.assertEqual(got[0][1], ("127.0.0.1", port_a))

    def test_nat_source_is_learned(self):
        a, b = self.party(), self.party()
        cid, port_a, port_b = self.establish(a, b)
        nat = self.party()  # A's packets really come from here (a NAT binding)
        # Learned from a steady stream only (media/learning.h): 0.7 s of RTP.
        nat.talk(("127.0.0.1", port_a), 0.7)
        self.assertEqual(len(b.receive(want=3)), 3)
        b.send(("127.0.0.1", port_b), count=3)
        self.assertEqual(len(nat.receive(want=3)), 3, "media did not follow the NAT address")
        self.assertEqual(a.receive(timeout=0.3), [])

    def test_single_stray_packet_does_not_redirect(self):
        a, b = self.party(), self.party()
        cid, port_a, port_b = self.establish(a, b)
        stray = self.party()
        stray.send(("127.0.0.1", port_a), count=1)
        a.send(("127.0.0.1", port_a), count=1, start=10)
        b.send(("127.0.0.1", port_b), count=3)
        self.assertEqual(len(a.receive(want=3)), 3)
        self.assertEqual(stray.receive(timeout=0.3), [])


class StrictSourceTest(CallTestCase):
    daemon_args = PORTS + ["--delete-delay=0", "--endpoint-learning=immediate"]

    def test_other_sources_dropped_after_confirmation(self):
        a, b = self.party(), self.party()
        cid, port_a, port_b = self.establish(a, b, offer_extra={"flags": ["strict-source"]})
        a.send(("127.0.0.1", port_a), count=2)
        self.assertEqual(len(b.receive(want=2)), 2)
        intruder = self.party()
        intruder.send(("127.0.0.1", port_a), count=5)
        self.assertEqual(b.receive(timeout=0.3), [])
        q = self.ok({"command": "query", "call-id": cid})
        drops = q[b"tags"][b"A"][b"medias"][0][b"streams"][0][b"drops"]
        self.assertEqual(drops[b"strict source"], 5)


class PortPoolTest(common.DaemonTestCase):
    def test_exhaustion_fails_cleanly_and_delete_frees_ports(self):
        d = self.start_daemon(["--port-min=37900", "--port-max=37903", "--delete-delay=0"])
        c = self.client(d)
        a = Party()
        self.addCleanup(a.close)
        r = c.request(offer_msg("c1", "A", a.sdp()))
        self.assertEqual(r[b"result"], b"ok", r)
        r = c.request(offer_msg("c2", "A", a.sdp()))
        self.assertEqual(r[b"result"], b"error")
        self.assertIn(b"no free media port pair", r[b"error-reason"])
        self.assertEqual(c.request({"command": "list"})[b"calls"], [b"c1"], "failed offer leaked")
        self.assertEqual(c.request({"command": "delete", "call-id": "c1"})[b"result"], b"ok")
        self.assertEqual(c.request({"command": "list"})[b"calls"], [])
        r = c.request(offer_msg("c3", "A", a.sdp()))
        self.assertEqual(r[b"result"], b"ok", r)
        st = c.request({"command": "statistics"})
        self.assertEqual(st[b"statistics"][b"totalstatistics"][b"rejectedsessions"], 1)
        self.assertEqual(st[b"statistics"][b"currentstatistics"][b"sessionsown"], 1)


class LifecycleTest(common.DaemonTestCase):
    def test_timeouts_end_calls(self):
        d = self.start_daemon(PORTS + ["--timeout=1", "--offer-timeout=1", "--delete-delay=0"])
        c = self.client(d)
        a, b = Party(), Party()
        self.addCleanup(a.close)
        self.addCleanup(b.close)
        c.request(offer_msg("unanswered", "A", a.sdp()))
        c.request(offer_msg("silent", "A", a.sdp()))
        c.request(answer_msg("silent", "A", "B", b.sdp()))
        deadline = time.monotonic() + 6
        while time.monotonic() < deadline and c.request({"command": "list"})[b"calls"]:
            time.sleep(0.2)
        self.assertEqual(c.request({"command": "list"})[b"calls"], [])
        st = c.request({"command": "statistics"})[b"statistics"][b"totalstatistics"]
        self.assertEqual(st[b"offertimeoutsessions"], 1)
        self.assertEqual(st[b"timeoutsessions"], 1)
        self.assertIn("offer timeout", d.stderr_text())

    def test_delete_delay_and_unknown_delete(self):
        d = self.start_daemon(PORTS)  # default delete-delay: 30 s
        c = self.client(d)
        a = Party()
        self.addCleanup(a.close)
        c.request(offer_msg("x", "A", a.sdp()))
        r = c.request({"command": "delete", "call-id": "x", "from-tag": "A"})
        self.assertEqual(r[b"result"], b"ok")
        self.assertIn(b"totals", r)
        self.assertEqual(c.request({"command": "list"})[b"calls"], [b"x"], "kept for delete-delay")
        c.request(offer_msg("y", "A", a.sdp()))
        c.request({"command": "delete", "call-id": "y", "delete-delay": 0})
        self.assertNotIn(b"y", c.request({"command": "list"})[b"calls"])
        r = c.request({"command": "delete", "call-id": "nope"})
        self.assertEqual(r[b"result"], b"ok")
        self.assertIn(b"not found", r[b"warning"])
        r = c.request({"command": "delete", "call-id": "nope", "flags": ["fatal"]})
        self.assertEqual(r[b"result"], b"error")


class InterfacesTest(common.DaemonTestCase):
    def test_direction_picks_interfaces_and_advertised_address(self):
        d = self.start_daemon(PORTS + ["--interface=ext/127.0.0.1!192.0.2.1",
                                       "--interface=int/127.0.0.2", "--delete-delay=0"])
        c = self.client(d)
        a, b = Party(), Party()
        self.addCleanup(a.close)
        self.addCleanup(b.close)
        r = c.request(offer_msg("d1", "A", a.sdp(), direction=["ext", "int"]))
        self.assertEqual(media.connection(r[b"sdp"].decode()), ["127.0.0.2"])
        r = c.request(answer_msg("d1", "A", "B", b.sdp(), direction=["ext", "int"]))
        self.assertEqual(media.connection(r[b"sdp"].decode()), ["192.0.2.1"])

    @unittest.skipUnless(daemon.ipv6_loopback_works(), "no IPv6 loopback")
    def test_ipv4_to_ipv6_bridging(self):
        d = self.start_daemon(PORTS + ["--interface=v4/127.0.0.1", "--interface=v6/::1",
                                       "--delete-delay=0"])
        c = self.client(d)
        a, b = Party(), Party("::1")
        self.addCleanup(a.close)
        self.addCleanup(b.close)
        r = c.request(offer_msg("v6", "A", a.sdp(), direction=["v4", "v6"]))
        self.assertEqual(media.connection(r[b"sdp"].decode()), ["::1"])
        port_b = media.media_port(r[b"sdp"].decode())
        r = c.request(answer_msg("v6", "A", "B", b.sdp(), direction=["v4", "v6"]))
        port_a = media.media_port(r[b"sdp"].decode())
        a.send(("127.0.0.1", port_a), count=3)
        self.assertEqual(len(b.receive(want=3)), 3)
        b.send(("::1", port_b), count=3)
        self.assertEqual(len(a.receive(want=3)), 3)


if __name__ == "__main__":
    unittest.main()


class OverloadTest(common.DaemonTestCase):
    def test_flood_is_counted_and_does_not_starve_other_calls(self):
        # One media thread: both calls share it, so fairness is what is tested.
        d = self.start_daemon(PORTS + ["--delete-delay=0", "--num-threads=1"])
        c = self.client(d)
        parties = [Party() for _ in range(4)]
        for p in parties:
            self.addCleanup(p.close)
        a1, b1, a2, b2 = parties
        ports = {}
        for cid, a, b in (("flood", a1, b1), ("quiet", a2, b2)):
            r1 = c.request(offer_msg(cid, "A", a.sdp()))
            r2 = c.request(answer_msg(cid, "A", "B", b.sdp()))
            ports[cid] = (media.media_port(r2[b"sdp"].decode()),
                          media.media_port(r1[b"sdp"].decode()))
        sent = 0
        quiet_sent = 0
        quiet_got = 0
        b2.rtp.setblocking(False)
        start = time.monotonic()
        while time.monotonic() - start < 1.0:
            a1.send(("127.0.0.1", ports["flood"][0]), count=200, start=sent)
            sent += 200
            a2.send(("127.0.0.1", ports["quiet"][0]), count=1, start=quiet_sent)
            quiet_sent += 1
            try:
                while True:
                    b2.rtp.recv(4096)
                    quiet_got += 1
            except BlockingIOError:
                pass
        quiet_got += len(b2.receive(want=quiet_sent - quiet_got, timeout=3))
        self.assertEqual(quiet_got, quiet_sent,
                         "the quiet call lost packets while the other was flooded")
        # The flooded stream still forwards.
        time.sleep(0.5)
        b1.receive(timeout=0.5)  # drain
        a1.send(("127.0.0.1", ports["flood"][0]), count=5, start=sent)
        sent += 5
        self.assertEqual(len(b1.receive(want=5)), 5)
        stream = c.request({"command": "query", "call-id": "flood"})[
            b"tags"][b"A"][b"medias"][0][b"streams"][0]
        received = stream[b"stats"][b"packets"]
        shed = stream[b"drops"][b"overload"]
        # Every datagram was either read by the relay or counted as shed by the kernel (the
        # count arrives with the next datagram read, hence the five sent last).
        self.assertEqual(received + shed, sent, (received, shed, sent))
