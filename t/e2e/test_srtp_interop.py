#!/usr/bin/env python3
"""SDES-SRTP interop between relays and libsrtp2 phones (t/integration/srtp.py), no SIP.

    python3 t/e2e/test_srtp_interop.py [-q] [test name ...]

Edge tests (one relay, `EdgeTest_<kind>`), per suite: an SRTP caller (RTP/SAVP, one a=crypto)
offered with transport-protocol RTP/AVP to a plain callee, and a plain caller offered with
transport-protocol RTP/SAVP to an SRTP callee that picks the suite from the relay's offer.
RTP and RTCP both ways; every packet must arrive with identical bytes (decrypted by libsrtp2
where it arrives as SRTP).

Chain tests (`ChainTest_<relay1>_<relay2>`): plain A -> relay1 (RTP->SRTP) -> relay2
(SRTP->RTP) -> plain B and back. The offer from relay1 reaches relay2 with only the a=crypto
line of the suite under test (and without DTLS attributes), as if a proxy in between
filtered it ("any": unfiltered, relay2 picks). Besides A and B getting each other's packets
unchanged, a tap on lo (root only) decrypts the relay1 <-> relay2 leg with the keys of the
SDP: that leg must really be SRTP with the negotiated suite.

Relays: Debian's rtpengine ($RTPENGINE, default /usr/bin/rtpengine) and rtprelayd
($RTPRELAYD, default build/rtprelayd), both with t/e2e/harness.py's relay_argv() command line
(plus $E2E_RELAY_ARGS). Variants with rtprelayd run by default (as in `make test`, through
t/run-tests.sh); SRTP_INTEROP_RTPRELAY=0 skips them, leaving rtpengine against itself.
Slot 1: ng 127.0.0.1:2411, media 16000-16499; slot 2: ng 2412, media 16500-16999.
SRTP_INTEROP_SUITES="A B ..." replaces the suites tested (default AES_CM_128_HMAC_SHA1_80,
AES_CM_128_HMAC_SHA1_32, AEAD_AES_128_GCM). SRTP_INTEROP_KEEP=1 keeps the temp dir with the
relay logs (kept anyway on failure). Combinations known not to work (KNOWN_BROKEN: rtpengine
10.5 crashes on NULL_HMAC_SHA1_*; libsrtp2 before cisco/libsrtp#763 was fixed does AES-192
wrong) are skipped unless SRTP_INTEROP_FORCE=1.
The last line is `srtp-interop: N passed, N failed`; the exit code is non-zero on failure.
"""

import functools
import os
import re
import select
import shutil
import socket
import struct
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "integration"))
import harness as h  # noqa: E402
import media  # noqa: E402
import srtp  # noqa: E402

SLOTS = {1: {"ng": 2411, "media": (16000, 16499)}, 2: {"ng": 2412, "media": (16500, 16999)}}
SUITES = tuple(os.environ.get("SRTP_INTEROP_SUITES", "").split()) or \
    ("AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_32", "AEAD_AES_128_GCM")
RTPRELAY_ON = os.environ.get("SRTP_INTEROP_RTPRELAY", "1") != "0"
PACKETS = 10
INTERVAL = 0.005  # seconds between packets; a phone sends every 20 ms
# Combinations that cannot work, found with this file; skipped unless SRTP_INTEROP_FORCE=1.
KNOWN_BROKEN = {
    ("rtpengine", "NULL_HMAC_SHA1_80"): "rtpengine 10.5 segfaults (a NULL function pointer "
    "call in a poller thread) at the first packet it protects or unprotects with a "
    "NULL_HMAC_SHA1 key",
}
KNOWN_BROKEN[("rtpengine", "NULL_HMAC_SHA1_32")] = KNOWN_BROKEN[("rtpengine", "NULL_HMAC_SHA1_80")]
FORCE = os.environ.get("SRTP_INTEROP_FORCE") == "1"
STATE = {"keep": os.environ.get("SRTP_INTEROP_KEEP") == "1", "dirs": []}


def dump_on_failure(fn):
    @functools.wraps(fn)
    def wrapper(self, *args):
        try:
            fn(self, *args)
        except unittest.SkipTest:
            raise
        except BaseException:
            self.dump()
            raise
    return wrapper


# --- SDP helpers -----------------------------------------------------------------------------


def media_address(sdp, index=0):
    """(address, RTP port, RTCP port) of the index-th m= section (a=rtcp: if given)."""
    addr = (media.connection(sdp) or ["127.0.0.1"])[-1]
    port = media.media_port(sdp, index)
    section = re.split(r"^m=", sdp, flags=re.M)[index + 1]
    rtcp = re.search(r"^a=rtcp:(\d+)", section, re.M)
    return addr, port, int(rtcp.group(1)) if rtcp else port + 1


def keep_crypto(sdp, suite=None, drop_dtls=True):
    """The SDP with only the a=crypto lines of `suite` (all when None) and, with drop_dtls,
    without a=fingerprint / a=setup / a=tls-id: what reaches relay2 in the chain."""
    out = []
    for line in sdp.split("\r\n"):
        if line.startswith("a=crypto:") and suite is not None and \
                srtp.parse_crypto_line(line).suite.upper() != suite.upper():
            continue
        if drop_dtls and re.match(r"a=(fingerprint|setup|tls-id):", line):
            continue
        out.append(line)
    return "\r\n".join(out)


def sdp_text(reply):
    sdp = reply.get("sdp")
    return sdp.decode() if isinstance(sdp, bytes) else sdp


# --- a tap on lo -----------------------------------------------------------------------------


class Tap:
    """Keeps the UDP payloads seen on lo from one port to another (AF_PACKET: needs root).
    read() drains what the kernel queued so far. Callers read only after the packets they look
    for arrived at their destination socket: lo hands the tap its copy before it delivers the
    packet, so the copy is queued by then and a short quiet period is enough."""

    def __init__(self, ports=(SLOTS[1]["media"][0], SLOTS[2]["media"][1])):
        self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        # the e2e sniffer's kernel filter: only UDP from or to `ports` reaches Python
        h.Sniffer._attach_filter(self, ports)  # pylint: disable=protected-access
        self.sock.bind(("lo", 0))
        self.sock.setblocking(False)
        self.seen = []  # (src port, dst port, payload)

    def read(self, settle=0.02):
        deadline = time.monotonic() + settle
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.sock], [], [], left)[0]:
                return
            try:
                frame, addr = self.sock.recvfrom(65536)
            except BlockingIOError:
                continue
            if addr[2] == socket.PACKET_OUTGOING:
                continue
            ip = frame[14:]
            if len(ip) < 28 or ip[0] >> 4 != 4 or ip[9] != 17:
                continue
            ihl = (ip[0] & 15) * 4
            sport, dport, length = struct.unpack("!HHH", ip[ihl:ihl + 6])
            self.seen.append((sport, dport, bytes(ip[ihl + 8:ihl + length])))

    def between(self, src_port, dst_port):
        self.read()
        return [p for s, d, p in self.seen if s == src_port and d == dst_port]

    def close(self):
        self.sock.close()


# --- relays ----------------------------------------------------------------------------------


class Relay:
    """One relay process in a slot, with its ng client (exchanges logged in `log`). The
    constructor starts it; wait_ready() waits for its ng pong, so that two relays start up
    side by side."""

    def __init__(self, kind, slot, workdir, log):
        self.kind, self.slot = kind, slot
        self.name = "relay%d-%s" % (slot, kind)
        self.ng_port, self.media = SLOTS[slot]["ng"], SLOTS[slot]["media"]
        binary = h.relay_binary(kind)
        if not os.access(binary, os.X_OK):
            raise AssertionError("%s: %s is not an executable file" % (self.name, binary))
        if h.udp_port_bound(self.ng_port, host=None):
            raise AssertionError("%s: UDP port %d is taken (a stray relay?)" % (self.name,
                                                                               self.ng_port))
        self.proc = h.Proc(self.name, h.relay_argv(kind, self.ng_port, *self.media), workdir)
        self.ng = h.NgClient(self.ng_port, log=log, label="test -> %s" % self.name)

    def wait_ready(self):
        deadline = time.monotonic() + 15
        # a ping to a port nobody has bound yet costs its whole timeout: wait for the bind
        while not (h.udp_port_bound(self.ng_port) and self.ng.alive()):
            if not self.proc.running():
                raise AssertionError("%s exited with %s at start-up\n%s" % (
                    self.name, self.proc.popen.returncode, self.proc.output(tail=40)))
            if time.monotonic() > deadline:
                self.proc.stop()
                raise AssertionError("%s: no ng pong on %d within 15 s" % (self.name,
                                                                          self.ng_port))
            time.sleep(0.02)

    def sdp(self, command, **keys):
        return sdp_text(self.ng.ok(command, **keys))

    def in_range(self, port):
        return self.media[0] <= port <= self.media[1]

    def stop(self):
        self.proc.stop()


class InteropCase(unittest.TestCase):
    """Starts one relay per entry of `kinds` (slot 1, 2, ...) for the class."""

    kinds = ()
    relays = ()

    @classmethod
    def setUpClass(cls):
        if "rtprelayd" in cls.kinds and not RTPRELAY_ON:
            raise unittest.SkipTest("rtprelayd variant: SRTP_INTEROP_RTPRELAY=0")
        cls.workdir = tempfile.mkdtemp(prefix="srtp-interop-%s-" % cls.__name__)
        STATE["dirs"].append(cls.workdir)
        cls.log = []
        cls.relays = []
        cls.calls = 0
        try:
            for slot, kind in enumerate(cls.kinds, 1):
                cls.relays.append(Relay(kind, slot, cls.workdir, cls.log))
            for relay in cls.relays:
                relay.wait_ready()
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        for relay in reversed(cls.relays):
            relay.stop()
        cls.relays = []

    def setUp(self):
        for n, relay in enumerate(self.relays):
            if not relay.proc.running():  # an earlier test killed it: that one failed already
                relay.stop()
                self.relays[n] = Relay(relay.kind, relay.slot, self.workdir, self.log)
                self.relays[n].wait_ready()
        type(self).calls += 1
        self.call_id = "srtp-%s-%d-%d@127.0.0.1" % (type(self).__name__, os.getpid(), self.calls)
        self.log_start = len(self.log)
        self.closers = []

    def tearDown(self):
        for close in reversed(self.closers):
            close()
        for relay in self.relays:
            self.assertTrue(relay.proc.running(), "%s died during the test\n%s" % (
                relay.name, relay.proc.output(tail=60)))

    def skip_broken(self, suite, libsrtp_side=True):
        """Skips combinations known not to work (KNOWN_BROKEN; with libsrtp_side, a suite this
        libsrtp2 gets wrong) unless SRTP_INTEROP_FORCE=1."""
        if FORCE or not suite:
            return
        for kind in self.kinds:
            reason = KNOWN_BROKEN.get((kind, srtp.suite_name(suite)))
            if reason:
                self.skipTest(reason)
        if libsrtp_side and not srtp.standard(suite):
            self.skipTest("%s: this libsrtp2 derives AES-192 keys with the AES-256 PRF "
                          "(cisco/libsrtp#763); no RFC 6188 relay can agree" % suite)

    def keep(self, thing):
        self.closers.append(thing.close)
        return thing

    def tap(self):
        """A Tap, or None when not root (the leg checks are then left out, with a note)."""
        try:
            return self.keep(Tap())
        except PermissionError:
            print("\n    (not root: no tap on lo, the relay <-> relay leg is not decrypted)",
                  end=" ", flush=True)
            return None

    def dump(self):
        STATE["keep"] = True
        out = ["", "=" * 20 + " %s failed; logs in %s" % (self.id(), self.workdir)]
        for relay in self.relays:
            out.append(relay.proc.output(tail=80))
        out.append("--- ng exchanges of this test ---")
        for ex in self.log[self.log_start:]:
            out.append("%s %s" % (ex.who, ex.request[:1500].decode(errors="replace")))
            out.append("    -> %s" % (ex.reply[:2500].decode(errors="replace")
                                      if ex.reply else "(no reply)"))
        print("\n".join(out), flush=True)

    # --- checks --------------------------------------------------------------------------

    def assertPlain(self, sdp, what):
        self.assertEqual(srtp.media_proto(sdp), "RTP/AVP", "%s:\n%s" % (what, sdp))
        self.assertEqual(srtp.all_crypto(sdp), [], "%s has a=crypto:\n%s" % (what, sdp))

    def assertOneCrypto(self, sdp, what, suite=None, tag=None):
        self.assertEqual(srtp.media_proto(sdp), "RTP/SAVP", "%s:\n%s" % (what, sdp))
        lines = srtp.all_crypto(sdp)
        self.assertEqual(len(lines), 1, "%s: one a=crypto expected:\n%s" % (what, sdp))
        if suite:
            self.assertEqual(lines[0].suite.upper(), suite.upper(), what)
        if tag is not None:
            self.assertEqual(lines[0].tag, tag, what)
        return lines[0]

    def assertDelivered(self, sent, got, source, what):
        """`got` (plain, source) pairs are `sent` byte for byte, in any order (a relay with
        two worker threads may reorder), all from `source`."""
        self.assertEqual(len(got), len(sent), "%s: %d of %d packets arrived" % (
            what, len(got), len(sent)))
        for n, (src, want) in enumerate(zip(sorted(p.hex() for p, _ in got),
                                            sorted(p.hex() for p in sent))):
            self.assertEqual(src, want, "%s: packet %d (in sorted order) differs" % (what, n))
        for n, (_, src) in enumerate(got):
            self.assertEqual(src, source, "%s: packet %d from %s, not the relay port %s" % (
                what, n, src, source))

    def plain_exchange(self, party, to, count, start, ssrc):
        """Sends `count` plain RTP packets from a media.Party; returns them."""
        sent = []
        for i in range(count):
            pkt = media.rtp_packet(start + i, ssrc=ssrc,
                                   payload=struct.pack("!HH", ssrc & 0xFFFF, i) * 40)
            if i:
                time.sleep(INTERVAL)
            party.rtp.sendto(pkt, to)
            sent.append(pkt)
        return sent

    def plain_receive(self, party, want, rtcp=False):
        return party.receive(sock=party.rtcp if rtcp else party.rtp, timeout=2.0, want=want)

    def delete(self, *relays):
        for relay in relays:
            relay.ng.ok("delete", call_id=self.call_id, from_tag="caller")


# --- one relay between an SRTP and a plain phone ----------------------------------------------


class EdgeBase(InteropCase):

    def srtp_caller_plain_callee(self, suite):
        self.skip_broken(suite)
        relay = self.relays[0]
        caller = self.keep(srtp.SrtpParty(suite, tag=1, nonstandard_ok=FORCE))
        callee = self.keep(media.Party())

        to_callee = relay.sdp("offer", call_id=self.call_id, from_tag="caller",
                              sdp=caller.sdp(), transport_protocol="RTP/AVP")
        self.assertPlain(to_callee, "offer to the plain callee")
        to_caller = relay.sdp("answer", call_id=self.call_id, from_tag="caller",
                              to_tag="callee", sdp=callee.sdp())
        line = self.assertOneCrypto(to_caller, "answer to the SRTP caller", suite, tag=1)
        self.assertNotEqual(line.key_salt, caller.key, "the relay must key its own sending")
        caller.accept(to_caller)
        self.exchange(relay, caller, callee, to_caller, to_callee)
        self.delete(relay)

    def plain_caller_srtp_callee(self, suite):
        self.skip_broken(suite)
        relay = self.relays[0]
        caller = self.keep(media.Party())
        callee = self.keep(srtp.SrtpParty(suite, nonstandard_ok=FORCE))

        to_callee = relay.sdp("offer", call_id=self.call_id, from_tag="caller",
                              sdp=caller.sdp(), transport_protocol="RTP/SAVP")
        self.assertEqual(srtp.media_proto(to_callee), "RTP/SAVP", to_callee)
        offered = [c.suite.upper() for c in srtp.all_crypto(to_callee)]
        self.assertIn(suite.upper(), offered, to_callee)
        answer = callee.answer(to_callee, suite=suite)
        to_caller = relay.sdp("answer", call_id=self.call_id, from_tag="caller",
                              to_tag="callee", sdp=answer)
        self.assertPlain(to_caller, "answer to the plain caller")
        self.exchange(relay, callee, caller, to_callee, to_caller)
        self.delete(relay)

    def exchange(self, relay, secure, plain, secure_sdp, plain_sdp):
        """SRTP/SRTCP from `secure` arrive plain at `plain` and the reverse; secure_sdp is the
        relay's SDP given to the SRTP phone, plain_sdp the one given to the plain phone."""
        s_addr, s_rtp, s_rtcp = media_address(secure_sdp)
        p_addr, p_rtp, p_rtcp = media_address(plain_sdp)
        self.assertTrue(relay.in_range(s_rtp) and relay.in_range(p_rtp), (s_rtp, p_rtp))

        sent = secure.send((s_addr, s_rtp), count=PACKETS, start=65530, ssrc=0x5EC0,
                           interval=INTERVAL)
        got = self.plain_receive(plain, PACKETS)
        self.assertDelivered(sent, [(d, s) for d, s in got], (p_addr, p_rtp),
                             "SRTP -> relay -> plain RTP")

        sent = self.plain_exchange(plain, (p_addr, p_rtp), PACKETS, 100, 0x91A1)
        got = secure.receive(timeout=2.0, want=PACKETS)
        self.assertEqual(secure.errors, [], "SRTP the phone could not unprotect")
        self.assertDelivered(sent, got, (s_addr, s_rtp), "plain RTP -> relay -> SRTP")

        rtcp = secure.send_rtcp((s_addr, s_rtcp), ssrc=0x5EC0)
        got = self.plain_receive(plain, 1, rtcp=True)
        self.assertDelivered([rtcp], got, (p_addr, p_rtcp), "SRTCP -> relay -> plain RTCP")
        rtcp = media.rtcp_packet(0x91A1)
        plain.rtcp.sendto(rtcp, (p_addr, p_rtcp))
        got = secure.receive(timeout=2.0, want=1, rtcp=True)
        self.assertEqual(secure.errors, [], "SRTCP the phone could not unprotect")
        self.assertDelivered([rtcp], got, (s_addr, s_rtcp), "plain RTCP -> relay -> SRTCP")


def edge_tests(suite):
    tag = suite.lower()

    @dump_on_failure
    def srtp_to_plain(self):
        self.srtp_caller_plain_callee(suite)

    @dump_on_failure
    def plain_to_srtp(self):
        self.plain_caller_srtp_callee(suite)

    return {"test_srtp_caller_plain_callee_" + tag: srtp_to_plain,
            "test_plain_caller_srtp_callee_" + tag: plain_to_srtp}


# --- plain A -> relay1 (RTP -> SRTP) -> relay2 (SRTP -> RTP) -> plain B -------------------------


class ChainBase(InteropCase):

    def chain(self, suite):
        self.skip_broken(suite, libsrtp_side=False)  # libsrtp2 only taps; see below
        r1, r2 = self.relays
        a = self.keep(media.Party())
        b = self.keep(media.Party())
        tap = self.tap()

        sdp1 = r1.sdp("offer", call_id=self.call_id, from_tag="caller", sdp=a.sdp(),
                      transport_protocol="RTP/SAVP")
        self.assertEqual(srtp.media_proto(sdp1), "RTP/SAVP", "relay1's offer\n" + sdp1)
        offered = {c.tag: c for c in srtp.all_crypto(sdp1)}
        if suite:
            self.assertIn(suite.upper(), [c.suite.upper() for c in offered.values()], sdp1)
        sdp2 = r2.sdp("offer", call_id=self.call_id, from_tag="caller",
                      sdp=keep_crypto(sdp1, suite), transport_protocol="RTP/AVP")
        self.assertPlain(sdp2, "relay2's offer to B")
        sdp3 = r2.sdp("answer", call_id=self.call_id, from_tag="caller", to_tag="callee",
                      sdp=b.sdp())
        chosen = self.assertOneCrypto(sdp3, "relay2's answer to relay1", suite)
        self.assertIn(chosen.tag, offered, "relay2 answered a tag relay1 did not offer")
        self.assertEqual(chosen.suite.upper(), offered[chosen.tag].suite.upper())
        sdp4 = r1.sdp("answer", call_id=self.call_id, from_tag="caller", to_tag="callee",
                      sdp=sdp3)
        self.assertPlain(sdp4, "relay1's answer to A")
        print("\n    middle leg: %s, tag %d" % (chosen.suite, chosen.tag), end=" ", flush=True)

        a_to = media_address(sdp4)    # relay1, A side
        r1_mid = media_address(sdp1)  # relay1, relay2 side
        r2_mid = media_address(sdp3)  # relay2, relay1 side
        b_to = media_address(sdp2)    # relay2, B side
        self.assertTrue(r1.in_range(a_to[1]) and r1.in_range(r1_mid[1]))
        self.assertTrue(r2.in_range(b_to[1]) and r2.in_range(r2_mid[1]))

        forward = self.plain_exchange(a, a_to[:2], PACKETS, 65530, 0xA0A0)
        self.assertDelivered(forward, self.plain_receive(b, PACKETS), (b_to[0], b_to[1]),
                             "A -> relay1 -> relay2 -> B")
        back = self.plain_exchange(b, b_to[:2], PACKETS, 7, 0xB0B0)
        self.assertDelivered(back, self.plain_receive(a, PACKETS), (a_to[0], a_to[1]),
                             "B -> relay2 -> relay1 -> A")
        rtcp_fwd = media.rtcp_packet(0xA0A0)
        a.rtcp.sendto(rtcp_fwd, (a_to[0], a_to[2]))
        self.assertDelivered([rtcp_fwd], self.plain_receive(b, 1, rtcp=True),
                             (b_to[0], b_to[2]), "A -> RTCP -> B")
        rtcp_back = media.rtcp_packet(0xB0B0)
        b.rtcp.sendto(rtcp_back, (b_to[0], b_to[2]))
        self.assertDelivered([rtcp_back], self.plain_receive(a, 1, rtcp=True),
                             (a_to[0], a_to[2]), "B -> RTCP -> A")

        if tap and not srtp.standard(chosen.suite):
            print("(this libsrtp2 does %s wrong: the leg is not decrypted)" % chosen.suite,
                  end=" ", flush=True)
        elif tap:
            # relay1 sends with the key it offered under the chosen tag, relay2 with the one
            # it answered; both legs must be SRTP that libsrtp2 decrypts to A's and B's bytes.
            self.assertLeg(tap, r1_mid, r2_mid, offered[chosen.tag], forward, rtcp_fwd,
                           "relay1 -> relay2")
            self.assertLeg(tap, r2_mid, r1_mid, chosen, back, rtcp_back, "relay2 -> relay1")
        self.delete(r1, r2)

    def assertLeg(self, tap, src, dst, crypto, sent, rtcp, what):
        tag_len = srtp.SUITES[srtp.suite_name(crypto.suite)][2]
        wire = tap.between(src[1], dst[1])
        self.assertEqual(len(wire), len(sent), "%s: %d SRTP packets on the wire, %d sent" % (
            what, len(wire), len(sent)))
        plains = {p[2:4]: p for p in sent}  # by sequence number
        with srtp.Srtp(crypto.suite, crypto.key_salt, inbound=True) as rx:
            for n, data in enumerate(wire):
                plain = plains.pop(data[2:4], None)
                self.assertIsNotNone(plain, "%s: packet %d on the wire has a sequence "
                                     "number A or B never sent or sent once" % (what, n))
                self.assertEqual(len(data), len(plain) + tag_len, "%s: packet %d" % (what, n))
                self.assertNotEqual(data[12:len(plain)], plain[12:],
                                    "%s: packet %d travels unencrypted" % (what, n))
                self.assertEqual(rx.unprotect(data).hex(), plain.hex(), "%s %d" % (what, n))
            wire_rtcp = tap.between(src[2], dst[2])
            self.assertEqual(len(wire_rtcp), 1, "%s: SRTCP packets %r" % (what, wire_rtcp))
            self.assertEqual(rx.unprotect_rtcp(wire_rtcp[0]).hex(), rtcp.hex(), what)


def chain_tests(suite):
    @dump_on_failure
    def chain(self):
        self.chain(suite)
    return {"test_chain_" + (suite.lower() if suite else "any_suite"): chain}


# --- the variants ----------------------------------------------------------------------------


def make_class(name, base, kinds, tests):
    attrs = {"kinds": kinds, "__doc__": "%s with %s" % (base.__name__, " + ".join(kinds))}
    for make in tests:
        attrs.update(make)
    return type(name, (base,), attrs)


EDGE_TESTS = [edge_tests(s) for s in SUITES]
CHAIN_TESTS = [chain_tests(s) for s in SUITES + (None,)]

EdgeTest_rtpengine = make_class("EdgeTest_rtpengine", EdgeBase, ("rtpengine",), EDGE_TESTS)
EdgeTest_rtprelayd = make_class("EdgeTest_rtprelayd", EdgeBase, ("rtprelayd",), EDGE_TESTS)
ChainTest_rtpengine_rtpengine = make_class("ChainTest_rtpengine_rtpengine", ChainBase,
                                           ("rtpengine", "rtpengine"), CHAIN_TESTS)
ChainTest_rtprelayd_rtpengine = make_class("ChainTest_rtprelayd_rtpengine", ChainBase,
                                           ("rtprelayd", "rtpengine"), CHAIN_TESTS)
ChainTest_rtpengine_rtprelayd = make_class("ChainTest_rtpengine_rtprelayd", ChainBase,
                                           ("rtpengine", "rtprelayd"), CHAIN_TESTS)
del EdgeBase, ChainBase, InteropCase  # keep unittest's loader off the bases


def main(argv):
    verbosity, names = 2, []
    for arg in argv:
        if arg in ("-q", "--quiet"):
            verbosity = 1
        elif arg in ("-h", "--help"):
            print(__doc__.strip())
            return 0
        else:
            names.append(arg)
    os.chdir(h.ROOT)
    loader = unittest.TestLoader()
    module = sys.modules[__name__]
    suite = loader.loadTestsFromNames(names, module) if names else \
        loader.loadTestsFromModule(module)
    started = time.monotonic()
    result = unittest.TextTestRunner(stream=sys.stdout, verbosity=verbosity).run(suite)
    bad = {}
    for test, _ in result.failures + result.errors:
        owner = getattr(test, "test_case", test)
        bad[owner.id()] = isinstance(owner, unittest.TestCase)
    failed = len(bad) + len(result.unexpectedSuccesses)
    passed = max(0, result.testsRun - sum(bad.values()) - len(result.skipped)
                 - len(result.unexpectedSuccesses))
    if result.testsRun == 0:
        failed = max(failed, 1)
    for path in STATE["dirs"]:
        if STATE["keep"] or failed:
            print("srtp-interop: logs kept in %s" % path)
        else:
            shutil.rmtree(path, ignore_errors=True)
    print("srtp-interop: %d skipped, %.1f s" % (len(result.skipped),
                                                 time.monotonic() - started))
    print("srtp-interop: %d passed, %d failed" % (passed, failed), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
