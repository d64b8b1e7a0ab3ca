"""ICE through the real rtprelayd, against another ICE implementation: Debian's python3-aioice
(RFC 8445, full agent, controlling) plays the browser's side and checks every STUN reply of
the relay (MESSAGE-INTEGRITY with the relay's password, FINGERPRINT, XOR-MAPPED-ADDRESS).

- A browser-like offerer with ICE, a plain answerer (Kamailio's `ICE=remove` towards the PBX):
  the answer to the offerer carries the relay's credentials, ice-lite and its one candidate;
  aioice connects, nominates, and media flows both ways through the nominated pair.
- A plain offerer and `ICE=force` towards an ICE answerer: the same from the other side.
- A party that is lite itself: answered without ICE, media flows as for plain RTP.
- Strangers: media from an address that passed no check is dropped and counted, and a check
  with the wrong password gets no answer at all (counted).
- An ICE restart by the offerer (new credentials in a re-offer): the relay answers with new
  credentials of its own and media follows the new nomination.
- An interface with an IPv4 and an IPv6 address: the relay offers a host candidate on each,
  in the interface's order; an IPv6-only agent nominates the IPv6 one and media leaves from
  it; a re-offer without ICE gives the further candidate's port back.

aioice gathers no loopback candidates on its own; the tests give it 127.0.0.1 as the host's
only address.
"""

import asyncio
import sys
import time

import common
import media
from media import Party
from test_calls import answer_msg, offer_msg

# Debian's package, whichever python3 runs the suite.
sys.path.append("/usr/lib/python3/dist-packages")
import aioice  # noqa: E402  pylint: disable=wrong-import-position
import aioice.ice  # noqa: E402  pylint: disable=wrong-import-position
import aioice.stun  # noqa: E402  pylint: disable=wrong-import-position

HOSTS = ["127.0.0.1"]
aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: list(HOSTS)

PORTS = ["--port-min=38000", "--port-max=38999"]
WEBRTC_OFFER = {"ICE": "remove", "rtcp-mux": ["demux", "accept"]}


def ice_sdp(conn, extra="", default=None):
    """An offerer's or answerer's SDP the way a browser writes ICE into it (one muxed
    component); c= and the m= port name its first candidate, or `default` (host, port), as
    a browser writes 0.0.0.0 and 9 before it has gathered."""
    c = conn.local_candidates[0]
    host, port = default or (c.host, c.port)
    fam = "IP6" if ":" in host else "IP4"
    cands = "".join("a=candidate:%s\r\n" % x.to_sdp() for x in conn.local_candidates)
    return ("v=0\r\no=- 1 1 IN %s %s\r\ns=-\r\nc=IN %s %s\r\nt=0 0\r\n"
            "m=audio %d RTP/AVP 0\r\na=rtcp-mux\r\na=ice-ufrag:%s\r\na=ice-pwd:%s\r\n"
            "%s%s" % (fam, host, fam, host, port, conn.local_username, conn.local_password,
                      cands, extra))


def attr(sdp, name):
    return [line[len(name) + 3:] for line in sdp.split("\r\n") if line.startswith("a=%s:" % name)]


class IceTest(common.SharedDaemonTestCase):
    daemon_args = PORTS + ["--delete-delay=0"]
    RELAY_HOSTS = ("127.0.0.1",)  # the addresses of the relay's interface

    def setUp(self):
        super().setUp()
        self.loop = asyncio.new_event_loop()
        self.conns = []
        self.parties = []
        self.n = 0

    def tearDown(self):
        for c in self.conns:
            self.wait(c.close())
        self.loop.close()
        for p in self.parties:
            p.close()
        super().tearDown()

    def wait(self, coro, timeout=10.0):
        return self.loop.run_until_complete(asyncio.wait_for(coro, timeout))

    def party(self):
        p = Party()
        self.parties.append(p)
        return p

    def agent(self, hosts=("127.0.0.1",)):
        """A full, controlling agent with host candidates on `hosts`."""
        HOSTS[:] = hosts
        conn = aioice.Connection(ice_controlling=True, components=1,
                                 use_ipv6=any(":" in h for h in hosts))
        self.wait(conn.gather_candidates())
        self.conns.append(conn)
        return conn

    def call_id(self):
        self.n += 1
        return "%s-%d-%f" % (self.id().split(".")[-1], self.n, time.time())

    def ok(self, msg):
        r = self.c.request(msg)
        self.assertEqual(r.get(b"result"), b"ok", r)
        return r[b"sdp"].decode()

    def check_relay_ice(self, sdp):
        """The relay's ICE in `sdp`: lite, its own credentials, one candidate on each of
        `hosts` (rtcp-mux), the first one the m= port's, in falling priority and each with
        a foundation of its own; nothing of anybody else's. Returns (ufrag, pwd,
        candidates)."""
        hosts = self.RELAY_HOSTS
        port = media.media_port(sdp)
        self.assertIn("a=ice-lite\r\n", sdp)
        self.assertIn("a=end-of-candidates\r\n", sdp)
        ufrag, pwd = attr(sdp, "ice-ufrag"), attr(sdp, "ice-pwd")
        self.assertEqual((len(ufrag), len(pwd)), (1, 1), sdp)
        cands = [aioice.Candidate.from_sdp(c) for c in attr(sdp, "candidate")]
        self.assertEqual([(c.component, c.host, c.type) for c in cands],
                         [(1, h, "host") for h in hosts], sdp)
        self.assertEqual(cands[0].port, port)
        priorities = [c.priority for c in cands]
        self.assertEqual(priorities, sorted(set(priorities), reverse=True), sdp)
        self.assertEqual(len({c.foundation for c in cands}), len(cands), sdp)
        return ufrag[0], pwd[0], cands

    def connect(self, conn, sdp):
        """aioice checks the relay and nominates a pair, with what `sdp` says of the relay."""
        ufrag, pwd, cands = self.check_relay_ice(sdp)
        conn.remote_username, conn.remote_password = ufrag, pwd
        conn.remote_is_lite = True
        for c in cands:
            self.wait(conn.add_remote_candidate(c))
        self.wait(conn.add_remote_candidate(None))
        self.wait(conn.connect())

    def media_both_ways(self, conn, party, relay_port_for_party):
        """RTP from the plain party reaches aioice's nominated pair, and back."""
        party.send(("127.0.0.1", relay_port_for_party), count=3)
        got = self.wait(conn.recvfrom(), timeout=5)
        self.assertEqual((got[0][:2], got[1]), (media.rtp_packet(0)[:2], 1))
        self.wait(conn.sendto(media.rtp_packet(7, ssrc=0x77), 1))
        data = party.receive(want=1, timeout=5)
        self.assertTrue(data, "nothing from the ICE side reached the plain party")
        self.assertEqual(data[0][0], media.rtp_packet(7, ssrc=0x77))

    def drops(self, cid, tag):
        r = self.c.request({"command": "query", "call-id": cid})
        stream = r[b"tags"][tag.encode()][b"medias"][0][b"streams"][0]
        return {k.decode(): v for k, v in stream[b"drops"].items()}

    def test_offer_from_the_ice_side(self):
        a, b = self.agent(), self.party()
        cid = self.call_id()
        to_b = self.ok(offer_msg(cid, "A", ice_sdp(a), **WEBRTC_OFFER))
        self.assertNotIn("ice-", to_b)
        self.assertNotIn("candidate", to_b)
        to_a = self.ok(answer_msg(cid, "A", "B", b.sdp()))
        self.assertIn("a=rtcp-mux\r\n", to_a)
        self.connect(a, to_a)
        self.media_both_ways(a, b, media.media_port(to_b))
        d = self.drops(cid, "A")
        self.assertEqual((d["ice unauthorized"], d["ice unchecked"]), (0, 0), d)

    def test_offer_to_the_ice_side(self):
        a, b = self.party(), self.agent()
        cid = self.call_id()
        to_b = self.ok(offer_msg(cid, "A", a.sdp(), ICE="force", **{"rtcp-mux": ["offer"]}))
        self.check_relay_ice(to_b)
        to_a = self.ok(answer_msg(cid, "A", "B", ice_sdp(b)))
        self.assertNotIn("ice-", to_a)
        self.connect(b, to_b)
        self.media_both_ways(b, a, media.media_port(to_a))

    def test_a_lite_peer(self):
        """A party that is lite itself (a gateway, RFC 8445 2.5) sends no checks, and the relay,
        lite too, would send none: it answers without ICE (RFC 8839: then neither side uses
        it), takes the party's media as plain RTP's (learning) and sends to its SDP
        address, without a STUN packet."""
        a, b = self.party(), self.party()
        cid = self.call_id()
        lite = ("a=ice-lite\r\nm=audio {port} RTP/AVP 0\r\na=rtcp-mux\r\n"
                "a=ice-ufrag:LiteUfrg\r\na=ice-pwd:litepasswordlitepassword0\r\n"
                "a=candidate:1 1 udp 2130706431 127.0.0.1 {port} typ host\r\n")
        to_b = self.ok(offer_msg(cid, "A", a.sdp(media=lite), **WEBRTC_OFFER))
        to_a = self.ok(answer_msg(cid, "A", "B", b.sdp()))
        self.assertNotIn("a=ice-", to_a)
        self.assertNotIn("a=candidate", to_a)
        a.send(("127.0.0.1", media.media_port(to_a)), count=3)
        self.assertEqual([p for p, _ in b.receive(want=3, timeout=5)],
                         [media.rtp_packet(i) for i in range(3)])
        b.send(("127.0.0.1", media.media_port(to_b)), count=3, start=50)
        got = [p for p, _ in a.receive(want=3, timeout=5)]
        self.assertEqual(got, [media.rtp_packet(50 + i) for i in range(3)])
        self.assertEqual(a.receive(timeout=0.3), [])  # no check of the relay's own
        d = self.drops(cid, "A")
        self.assertEqual((d["ice unauthorized"], d["ice unchecked"]), (0, 0), d)

    def test_strangers_are_dropped_and_counted(self):
        a, b, stranger = self.agent(), self.party(), self.party()
        cid = self.call_id()
        to_b = self.ok(offer_msg(cid, "A", ice_sdp(a), **WEBRTC_OFFER))
        to_a = self.ok(answer_msg(cid, "A", "B", b.sdp()))
        relay_a = ("127.0.0.1", media.media_port(to_a))
        self.connect(a, to_a)
        self.media_both_ways(a, b, media.media_port(to_b))
        # Media from an address that never passed a check: not forwarded.
        stranger.send(relay_a, count=4, start=100)
        self.assertEqual(b.receive(timeout=0.5), [])
        # A check with the wrong password: no answer at all.
        ufrag = attr(to_a, "ice-ufrag")[0]
        req = aioice.stun.Message(aioice.stun.Method.BINDING, aioice.stun.Class.REQUEST)
        req.attributes["USERNAME"] = "%s:%s" % (ufrag, a.local_username)
        req.attributes["PRIORITY"] = 1
        req.attributes["ICE-CONTROLLING"] = 1
        req.add_message_integrity(b"not-the-relay-password-at-all")  # and FINGERPRINT
        stranger.rtp.sendto(bytes(req), relay_a)
        self.assertEqual(stranger.receive(timeout=0.5), [])
        d = self.drops(cid, "A")
        self.assertEqual((d["ice unchecked"], d["ice unauthorized"]), (4, 1), d)
        # The call goes on.
        self.media_both_ways(a, b, media.media_port(to_b))

    def test_ice_restart_by_the_offerer(self):
        a, b = self.agent(), self.party()
        cid = self.call_id()
        to_b = self.ok(offer_msg(cid, "A", ice_sdp(a), **WEBRTC_OFFER))
        to_a = self.ok(answer_msg(cid, "A", "B", b.sdp()))
        self.connect(a, to_a)
        self.media_both_ways(a, b, media.media_port(to_b))
        a2 = self.agent()  # new credentials, a new socket: a restart
        to_b2 = self.ok(offer_msg(cid, "A", ice_sdp(a2, extra=""), **WEBRTC_OFFER))
        to_a2 = self.ok(answer_msg(cid, "A", "B", b.sdp()))
        self.assertNotEqual(attr(to_a2, "ice-ufrag"), attr(to_a, "ice-ufrag"))
        self.assertNotEqual(attr(to_a2, "ice-pwd"), attr(to_a, "ice-pwd"))
        self.assertEqual(media.media_port(to_a2), media.media_port(to_a))
        self.connect(a2, to_a2)
        self.media_both_ways(a2, b, media.media_port(to_b2))
        # A re-offer that keeps the credentials keeps the relay's too.
        to_b3 = self.ok(offer_msg(cid, "A", ice_sdp(a2), **WEBRTC_OFFER))
        to_a3 = self.ok(answer_msg(cid, "A", "B", b.sdp()))
        self.assertEqual(attr(to_a3, "ice-ufrag"), attr(to_a2, "ice-ufrag"))
        self.media_both_ways(a2, b, media.media_port(to_b3))


class CandidatesTest(IceTest):
    """The interface facing the ICE party has an IPv4 and an IPv6 address (and every test
    of IceTest runs against it too)."""
    daemon_args = PORTS + ["--delete-delay=0", "--interface=127.0.0.1", "--interface=::1"]
    RELAY_HOSTS = BOTH = ("127.0.0.1", "::1")

    def stream(self, cid, tag):
        r = self.c.request({"command": "query", "call-id": cid})
        return r[b"tags"][tag.encode()][b"medias"][0][b"streams"][0]

    def test_a_candidate_on_each_address(self):
        a, b = self.agent(self.BOTH), self.party()
        cid = self.call_id()
        to_b = self.ok(offer_msg(cid, "A", ice_sdp(a), **WEBRTC_OFFER))
        self.assertNotIn("candidate", to_b)  # the plain side gets one address, no ICE
        self.assertIn("c=IN IP4 127.0.0.1", to_b)
        to_a = self.ok(answer_msg(cid, "A", "B", b.sdp()))
        self.connect(a, to_a)
        self.media_both_ways(a, b, media.media_port(to_b))
        self.assertEqual(self.stream(cid, "A")[b"local port"], media.media_port(to_a))

    def test_media_leaves_from_the_nominated_address(self):
        """An agent with only an IPv6 address but an IPv4 default (a browser's 0.0.0.0) can
        only check the relay's IPv6 candidate, the second: media reaches it from there (the
        relay's IPv4 socket could not send to it at all), and strangers sending to that
        candidate without a check are dropped, before the nomination and after it."""
        a, b, stranger = self.agent(("::1",)), self.party(), Party("::1")
        self.parties.append(stranger)
        cid = self.call_id()
        to_b = self.ok(offer_msg(cid, "A", ice_sdp(a, default=("0.0.0.0", 9)), **WEBRTC_OFFER))
        to_a = self.ok(answer_msg(cid, "A", "B", b.sdp()))
        self.assertIn("c=IN IP4 127.0.0.1", to_a)  # the interface's first address
        v6 = [aioice.Candidate.from_sdp(c) for c in attr(to_a, "candidate")][1]
        stranger.send(("::1", v6.port), count=3, start=100)
        self.connect(a, to_a)
        self.media_both_ways(a, b, media.media_port(to_b))
        s = self.stream(cid, "A")
        self.assertEqual((s[b"local address"], s[b"local port"]), (b"::1", v6.port), s)
        stranger.send(("::1", v6.port), count=4, start=200)
        self.assertEqual(b.receive(timeout=0.5), [])
        d = self.drops(cid, "A")
        self.assertEqual((d["ice unchecked"], d["ice unauthorized"]), (7, 0), d)

    def ports_used(self, address):
        r = self.c.request({"command": "statistics"})
        return sum(i[b"ports"][b"used"] for i in r[b"statistics"][b"interfaces"]
                   if i[b"address"] == address.encode())

    def v6_call(self):
        """An IPv6-only agent (with a browser's 0.0.0.0 default) that nominated the relay's
        second candidate, media flowing; returns (agent, party, call-id, SDP to the party)."""
        a, b = self.agent(("::1",)), self.party()
        cid = self.call_id()
        to_b = self.ok(offer_msg(cid, "A", ice_sdp(a, default=("0.0.0.0", 9)), **WEBRTC_OFFER))
        to_a = self.ok(answer_msg(cid, "A", "B", b.sdp()))
        self.connect(a, to_a)
        self.media_both_ways(a, b, media.media_port(to_b))
        return a, b, cid, to_b

    def test_further_candidate_kept_until_the_party_ends_ice(self):
        """A re-offer without ICE (Kamailio's ICE=remove towards the browser) changes nothing
        while the party may still use its pair (a browser refuses such an offer): media goes
        on through the nominated second candidate. Once the party's own SDP has no ICE, that
        candidate's ports go back."""
        before = self.ports_used("::1")
        a, b, cid, to_b = self.v6_call()
        self.assertEqual(self.ports_used("::1"), before + 2)  # RTP and RTCP, always a pair
        to_a = self.ok(offer_msg(cid, "B", b.sdp(version=2), ICE="remove", **{"to-tag": "A"}))
        self.assertNotIn("candidate", to_a)
        self.media_both_ways(a, b, media.media_port(to_b))
        self.assertEqual(self.ports_used("::1"), before + 2)
        self.ok(answer_msg(cid, "B", "A", self.party().sdp()))
        self.assertEqual(self.ports_used("::1"), before)
