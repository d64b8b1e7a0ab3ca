"""Media aimed at the relay itself (issue 12): an SDP naming the relay's ng port must not turn
the other party's media into ng commands, an SDP or re-INVITE naming one of the relay's own
media ports must not start a forwarding loop, a loop that forms anyway (through a port that
became the relay's after signalling) is dropped as "relay loop" without keeping the call
alive, and a party on a real network may not name loopback.

Each test starts its own daemon on a port range of its own; where a test must know which
pair a call gets, the range has no other free pair (pairs are picked at random)."""

import random
import socket
import time

import common
import daemon
import media
from media import Party

RANGE = 16  # ports reserved per test: eight pairs


def offer_msg(call_id, from_tag, sdp, **extra):
    m = {"command": "offer", "call-id": call_id, "from-tag": from_tag, "sdp": sdp}
    m.update(extra)
    return m


def answer_msg(call_id, from_tag, to_tag, sdp):
    return {"command": "answer", "call-id": call_id, "from-tag": from_tag, "to-tag": to_tag,
            "sdp": sdp}


def sdp_naming(address, port, version=1):
    """A party's SDP whose only media address is address:port."""
    fam = "IP6" if ":" in address else "IP4"
    return ("v=0\r\no=- 2000 %d IN %s %s\r\ns=-\r\nc=IN %s %s\r\nt=0 0\r\n"
            "m=audio %d RTP/AVP 0\r\n" % (version, fam, address, fam, address, port))


def free_range():
    """The first port of RANGE ports, all free now, below the ephemeral range (where other
    programs' sockets would take pairs from the relay and spoil the prediction)."""
    for _ in range(50):
        base = random.randrange(31000, 32700, RANGE)
        held = []
        try:
            for port in range(base, base + RANGE):
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                held.append(s)
                s.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
        finally:
            for s in held:
                s.close()
    raise AssertionError("no free range of %d ports" % RANGE)


def non_loopback_address():
    """An IPv4 address of this host that is not loopback (the source of its default route),
    or None."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("198.51.100.1", 9))
            ip = s.getsockname()[0]
    except OSError:
        return None
    return None if ip.startswith("127.") or ip == "0.0.0.0" else ip


class SelfTargetTestCase(common.DaemonTestCase):
    def setUp(self):
        self.base = free_range()

    def relay(self, *extra, timeout=60, pairs=RANGE // 2):
        d = self.start_daemon(["--port-min=%d" % self.base,
                               "--port-max=%d" % (self.base + 2 * pairs - 1),
                               "--timeout=%d" % timeout, "--delete-delay=0"] + list(extra))
        return d, self.client(d)

    def party(self, host="127.0.0.1"):
        p = Party(host)
        self.addCleanup(p.close)
        return p

    def ok(self, c, msg):
        r = c.request(msg)
        self.assertEqual(r.get(b"result"), b"ok", r)
        return r

    def assertRefused(self, reply, why):
        warning = reply.get(b"warning", b"").decode()
        self.assertIn("refused", warning, "no warning in %r" % reply)
        self.assertIn(why, warning)

    def statistic(self, c, key):
        return c.request({"command": "statistics"})[b"statistics"][b"rtprelay"].get(key, 0)

    def packets(self, c, cid):
        """Datagrams the relay received for the call so far (every stream)."""
        totals = c.request({"command": "query", "call-id": cid})[b"totals"]
        return totals[b"RTP"][b"packets"] + totals[b"RTCP"][b"packets"]

    def assertNoStorm(self, c, cids, sent):
        """Over two seconds, the relay receives about what the test sent, not a loop's
        millions."""
        time.sleep(2)
        got = sum(self.packets(c, cid) for cid in cids)
        self.assertLessEqual(got, 2 * sent + 4, "forwarding loop: %d packets received" % got)

    def assertEnds(self, c, cids, within):
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if not set(cids) & set(c.request({"command": "list"})[b"calls"]):
                return
            time.sleep(0.2)
        self.fail("calls %r did not time out within %.0f s" % (cids, within))


class NgPortAsMediaTest(SelfTargetTestCase):
    def attack(self, c, cid, address, port):
        """A names address:port as its media; B sends ng commands as media. Returns the
        offer's reply."""
        b = self.party()
        r = self.ok(c, offer_msg(cid, "A", sdp_naming(address, port)))
        port_b = media.media_port(r[b"sdp"].decode())
        self.ok(c, answer_msg(cid, "A", "B", b.sdp()))
        for _ in range(3):
            b.rtp.sendto(b"evil1 d7:command6:delete7:call-id6:victime", ("127.0.0.1", port_b))
            b.rtp.sendto(b"evil2 d7:command4:liste", ("127.0.0.1", port_b))
        self.assertEqual(b.receive(timeout=0.5), [], "an ng reply reached the party")
        self.assertIn(b"victim", c.request({"command": "list"})[b"calls"], "victim deleted")
        return r

    def test_media_to_ng_port_runs_no_command(self):
        d, c = self.relay()
        self.ok(c, offer_msg("victim", "V", self.party().sdp()))
        r = self.attack(c, "attack", "127.0.0.1", d.port)
        self.assertRefused(r, "the relay's own ng listener")
        self.assertEqual(self.statistic(c, b"own endpoints refused"), 1)

    def test_wildcard_ng_listener_is_every_local_address(self):
        # Free on every address, not only on 127.0.0.1 as free_udp_port() checks: the
        # wildcard bind fails if any local address holds the port.
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.bind(("0.0.0.0", 0))
            extra_port = probe.getsockname()[1]
        d, c = self.relay("--listen-ng=0.0.0.0:%d" % extra_port)
        self.ok(c, offer_msg("victim", "V", self.party().sdp()))
        addresses = ["127.0.0.1", "127.0.0.2"] + [a for a in [non_loopback_address()] if a]
        for i, address in enumerate(addresses):
            with self.subTest(address=address):
                r = self.attack(c, "w%d" % i, address, extra_port)
                self.assertRefused(r, "the relay's own ng listener")
        self.assertEqual(self.statistic(c, b"own endpoints refused"), len(addresses))


class OwnMediaPortTest(SelfTargetTestCase):
    def test_answer_naming_the_calls_own_port(self):
        # Two pairs: the offer's reply shows the one facing B, so A's is the other, and B
        # names that as its media: what A sends then circles through the call for ever.
        d, c = self.relay(timeout=3, pairs=2)
        a = self.party()
        port_b = media.media_port(self.ok(c, offer_msg("own", "A", a.sdp()))[b"sdp"].decode())
        port_a = self.base + 2 if port_b == self.base else self.base
        r = self.ok(c, answer_msg("own", "A", "B", sdp_naming("127.0.0.1", port_a)))
        self.assertEqual(media.media_port(r[b"sdp"].decode()), port_a)
        a.send(("127.0.0.1", port_a), count=5)
        self.assertNoStorm(c, ["own"], sent=5)
        self.assertEnds(c, ["own"], within=5)
        self.assertRefused(r, "one of the relay's own media ports")

    def test_offer_naming_a_free_port_of_the_range(self):
        # Not the relay's yet, but it may be the next call's (or this one's) at any time.
        d, c = self.relay()
        r = self.ok(c, offer_msg("free", "A", sdp_naming("127.0.0.1", self.base + 6)))
        self.assertRefused(r, "a free port of the relay's media range")

    def test_offers_naming_another_calls_ports(self):
        # Call 2's offerer names call 1's port facing B1, then call 1's offerer re-offers
        # naming call 2's port facing B2: without the check, what B1 sends circles between
        # the two calls for ever.
        d, c = self.relay(timeout=3)
        a1, b1, b2 = self.party(), self.party(), self.party()
        p1b = media.media_port(self.ok(c, offer_msg("one", "A", a1.sdp()))[b"sdp"].decode())
        self.ok(c, answer_msg("one", "A", "B", b1.sdp()))
        r2 = self.ok(c, offer_msg("two", "A", sdp_naming("127.0.0.1", p1b)))
        p2b = media.media_port(r2[b"sdp"].decode())
        self.ok(c, answer_msg("two", "A", "B", b2.sdp()))
        r1 = self.ok(c, offer_msg("one", "A", sdp_naming("127.0.0.1", p2b, version=2)))
        b1.send(("127.0.0.1", p1b), count=5)
        b2.send(("127.0.0.1", p2b), count=5)
        self.assertNoStorm(c, ["one", "two"], sent=10)
        self.assertEnds(c, ["one", "two"], within=5)
        for r in (r1, r2):
            self.assertRefused(r, "one of the relay's own media ports")
        # RTP and RTCP (port + 1, the pair's other socket) of both offers.
        self.assertEqual(self.statistic(c, b"own endpoints refused"), 4)


class ReinviteTest(SelfTargetTestCase):
    def test_reinvite_naming_an_own_port(self):
        d, c = self.relay(timeout=3)
        a, b = self.party(), self.party()
        port_b = media.media_port(self.ok(c, offer_msg("re", "A", a.sdp()))[b"sdp"].decode())
        port_a = media.media_port(self.ok(c, answer_msg("re", "A", "B", b.sdp()))[b"sdp"]
                                  .decode())
        a.send(("127.0.0.1", port_a), count=2)
        self.assertEqual(len(b.receive(want=2)), 2)
        # The re-INVITE moves A's media onto the relay's own socket facing B.
        r = self.ok(c, offer_msg("re", "A", sdp_naming("127.0.0.1", port_b, version=2)))
        before = self.packets(c, "re")
        b.send(("127.0.0.1", port_b), count=5)
        time.sleep(2)
        got = self.packets(c, "re") - before
        self.assertLessEqual(got, 14, "forwarding loop: %d packets received" % got)
        self.assertEnds(c, ["re"], within=5)
        self.assertRefused(r, "one of the relay's own media ports")


class LoopThroughReusedPortTest(SelfTargetTestCase):
    """B1 names a port of the relay's range that another program holds: no loop then, so it
    is allowed. The program goes, the relay gives the port to call 2, and call 1 now sends
    into call 2: the relay must drop that at the first hop."""

    def loop_into_call_two(self, timeout):
        """Returns (client, a1, the relay's port for a1, a2, b2)."""
        taken = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(2)]
        for i, s in enumerate(taken):
            self.addCleanup(s.close)
            s.bind(("127.0.0.1", self.base + 4 + i))
        # Four pairs: call 1 takes two of the three free ones, so call 2 gets the last one
        # and, once the program is gone, the one it held.
        d, c = self.relay(timeout=timeout, pairs=4)
        a1, a2, b2 = self.party(), self.party(), self.party()
        self.ok(c, offer_msg("one", "A", a1.sdp()))
        r = self.ok(c, answer_msg("one", "A", "B", sdp_naming("127.0.0.1", self.base + 4)))
        self.assertNotIn(b"warning", r)
        port_a1 = media.media_port(r[b"sdp"].decode())
        for s in taken:
            s.close()
        r = self.ok(c, offer_msg("two", "A", a2.sdp()))
        ports = [media.media_port(r[b"sdp"].decode())]
        r = self.ok(c, answer_msg("two", "A", "B", b2.sdp()))
        ports.append(media.media_port(r[b"sdp"].decode()))
        self.assertIn(self.base + 4, ports)
        return c, a1, port_a1, a2, b2

    def test_loop_is_dropped_per_stream(self):
        c, a1, port_a1, a2, b2 = self.loop_into_call_two(timeout=60)
        a1.send(("127.0.0.1", port_a1), count=6)
        time.sleep(0.3)
        self.assertEqual(a2.receive(timeout=0.2) + b2.receive(timeout=0.2), [],
                         "call 1's media reached call 2")
        q = c.request({"command": "query", "call-id": "two"})
        streams = [m[b"streams"][0] for tag in q[b"tags"].values() for m in tag[b"medias"]]
        # The RTP stream on the port B1 named: whichever party of call 2 it faces.
        stream = next(st for st in streams if st[b"local port"] == self.base + 4)
        self.assertEqual(stream[b"drops"].get(b"relay loop"), 6)
        self.assertEqual(sum(st[b"stats"][b"forwarded"] for st in streams), 0)
        self.assertEqual(self.statistic(c, b"relay loop drops"), 6)

    def test_loop_does_not_keep_the_call(self):
        # Call 2 gets nothing but the loop: it must time out while call 1 lives on.
        c, a1, port_a1, a2, b2 = self.loop_into_call_two(timeout=2)
        deadline = time.monotonic() + 5
        seq = 0
        while time.monotonic() < deadline:
            a1.send(("127.0.0.1", port_a1), count=1, start=seq)
            seq += 1
            time.sleep(0.02)
        calls = c.request({"command": "list"})[b"calls"]
        self.assertIn(b"one", calls)
        self.assertNotIn(b"two", calls, "looped packets kept call 2 alive")
        self.assertEqual(b2.receive(timeout=0.2), [], "call 1's media reached call 2")
        self.assertEqual(a2.receive(timeout=0.2), [])


class LoopbackTest(SelfTargetTestCase):
    def test_party_on_a_real_interface_may_not_name_loopback(self):
        address = non_loopback_address()
        if not address:
            self.skipTest("this host has no non-loopback IPv4 address to face parties on")
        d, c = self.relay("--interface=%s" % address)
        a, b = self.party(), self.party(address)
        r = self.ok(c, offer_msg("lo", "A", a.sdp()))
        port_b = media.media_port(r[b"sdp"].decode())
        self.ok(c, answer_msg("lo", "A", "B", b.sdp()))
        b.send((address, port_b), count=3)
        self.assertEqual(a.receive(timeout=0.5), [], "media sent to loopback")
        self.assertRefused(r, "a loopback address")
        r = self.ok(c, offer_msg("lo6", "A", sdp_naming("::1", 4000)))
        self.assertRefused(r, "a loopback address")
        r = self.ok(c, offer_msg("remote", "A", sdp_naming("198.51.100.7", 4000)))
        self.assertNotIn(b"warning", r)
        self.assertEqual(self.statistic(c, b"own endpoints refused"), 4)  # RTP and RTCP
