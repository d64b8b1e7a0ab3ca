"""SDES-SRTP through the real rtprelayd (ng socket, real UDP): the phones here encrypt and
decrypt with libsrtp2 through srtp.py, keyed only from the SDP the relay wrote, never with
the daemon's code.

- Every suite the relay offers, SRTP->RTP and RTP->SRTP both ways, RTP and RTCP. AES_192 is
  offered and answered (the relay keys it by RFC 6188), but its packets are not exchanged here
  when the phones' libsrtp2 keys it otherwise (cisco/libsrtp#763, Debian 12); t/e2e checks
  them against rtpengine and the unit tests against RFC 6188's vectors.
- SRTP<->SRTP: pass-through when the callee takes the caller's suite (the callee gets the
  caller's very bytes), re-keyed by the relay when it takes one only the relay offered.
- Re-INVITEs keeping the keys, re-keying, SSRC changes, the sequence wrap (ROC), hold/unhold.
- Tampered and replayed packets are dropped and counted while genuine ones flow; a stranger
  without the key is never learned as the party's address.
- query shows who decrypts and encrypts what; keys never reach the log or non-SDP replies.

Tests send short bursts and wait for the packets they expect; a timeout only bounds that
wait, or the short look for packets that must not come. Learning runs pace packets 20 ms apart
as phones do, and keep going until the query shows the expected source.
"""

import base64
import json
import struct
import time
import unittest

import common
import media
import ngclient
import srtp
from media import Party
from test_calls import answer_msg, offer_msg

PORTS = ["--port-min=37000", "--port-max=37999"]
HOST = "127.0.0.1"
SSRC = 0x5A5A0001
DEFAULT_SUITE = "AES_CM_128_HMAC_SHA1_80"


def setUpModule():  # pylint: disable=invalid-name
    try:
        srtp.lib()
    except OSError as e:
        raise unittest.SkipTest("libsrtp2 not loadable (package libsrtp2-1): %s" % e)


# --- packets -------------------------------------------------------------------------------------


def rtp(seq, ssrc=SSRC, pt=0):
    """An RTP packet whose payload names its SSRC and its absolute (unwrapped) number, so that
    no two packets of a test are alike, even 65536 apart."""
    payload = struct.pack("!IQ", ssrc, seq) * 12
    return media.rtp_packet(seq, ssrc=ssrc, pt=pt, payload=payload)


def rtcp_sr(ssrc=SSRC, n=0):
    """An RTCP sender report without report blocks (28 bytes), so that SRTCP has something to
    encrypt after the SSRC."""
    return struct.pack("!BBHIIIIII", 0x80, 200, 6, ssrc, 0x83AA7E80 + n, n, 160 * n, n, n * 172)


def flip(data, offset):
    """`data` with one bit flipped at `offset` (negative: from the end)."""
    out = bytearray(data)
    out[offset] ^= 0x01
    return bytes(out)


def describe(packets):
    """(seq, ssrc) of RTP packets, or lengths, for failure messages."""
    out = []
    for p in packets:
        if len(p) >= 12 and p[1] & 0x7F < 72:
            out.append("%d/%x" % struct.unpack("!H4xI", p[2:12]))
        else:
            out.append("len %d" % len(p))
    return ", ".join(out[:12]) + (" ..." if len(out) > 12 else "")


def crypto_view(sdp):
    """(tag, suite, key and salt) of every a=crypto line of an SDP."""
    return [(c.tag, c.suite, c.key_salt) for c in srtp.all_crypto(sdp)]


# --- a phone -------------------------------------------------------------------------------------


class Phone:
    """A phone on 127.0.0.x: plain RTP (suite None) or SDES-SRTP with the keys of an
    srtp.SrtpParty. Remembers the bytes it put on the wire by (ssrc, absolute seq) so that tests
    can replay or tamper with them."""

    def __init__(self, suite=None, host=HOST, tag=1):
        self.suite = srtp.suite_name(suite) if suite else None
        self.s = srtp.SrtpParty(self.suite, tag=tag, host=host) if suite else None
        self.p = self.s.party if self.s else Party(host)
        self.wire = {}
        self.rtcp_wire = []
        self.errors = []  # srtp.SrtpError of every datagram that did not decrypt

    @property
    def port(self):
        return self.p.port

    @property
    def key(self):
        return self.s.key

    def close(self):
        if self.s:
            self.s.close()
        else:
            self.p.close()

    # -- SDP --

    def sdp(self, proto=None, version=1, extra="", addr=None, crypto=None):
        """This phone's SDP; an SRTP phone adds its a=crypto line (or `crypto`, a full
        attribute line or ''), and speaks RTP/SAVP unless `proto` says otherwise."""
        if crypto is None:
            crypto = self.s.crypto() if self.s else ""
        proto = proto or ("RTP/SAVP" if self.s else "RTP/AVP")
        return self.p.sdp(media="m=audio {port} %s 0 8\r\n" % proto, extra=crypto + extra,
                          version=version, addr=addr)

    def accept(self, sdp, suite=None):
        """Keys reception with the line of the other side's SDP for our suite."""
        return self.s.accept(sdp, suite=suite or self.suite)

    def answer_offer(self, offer_sdp, suite):
        """As the answerer: takes the offered line of `suite` and answers with a key of ours
        under its tag."""
        self.s.answer(offer_sdp, suite=suite)
        self.suite = self.s.suite

    def rekey(self, key=None):
        """A new local key (the sending context starts over: set_roc() if past a wrap)."""
        self.s.set_local(self.suite, self.s.tag, key)

    # -- media --

    def send(self, to, count, start=0, ssrc=SSRC):
        """`count` RTP packets numbered from `start` (absolute: 65536 is seq 0 after a wrap);
        returns the plain packets."""
        sent = []
        for n in range(start, start + count):
            plain = rtp(n, ssrc)
            data = self.s.tx.protect(plain) if self.s else plain
            self.wire[(ssrc, n)] = data
            self.p.rtp.sendto(data, to)
            sent.append(plain)
        return sent

    def send_raw(self, to, data, rtcp=False):
        (self.p.rtcp if rtcp else self.p.rtp).sendto(data, to)

    def send_rtcp(self, to, count=2, ssrc=SSRC):
        """`count` sender reports to the relay's RTCP port `to`; returns the plain ones."""
        sent = []
        for n in range(count):
            plain = rtcp_sr(ssrc, len(self.rtcp_wire) + n)
            data = self.s.tx.protect_rtcp(plain) if self.s else plain
            self.rtcp_wire.append(data)
            self.p.rtcp.sendto(data, to)
            sent.append(plain)
        return sent

    def recv_raw(self, want, timeout=1.0, rtcp=False):
        sock = self.p.rtcp if rtcp else self.p.rtp
        return [data for data, _ in self.p.receive(sock=sock, timeout=timeout, want=want)]

    def recv(self, want, timeout=1.0, rtcp=False):
        """Up to `want` packets, decrypted if this phone speaks SRTP (those that do not decrypt
        go to self.errors and are not counted)."""
        got = []
        deadline = time.monotonic() + timeout
        while len(got) < want:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            for data in self.recv_raw(1, left, rtcp):
                if not self.s:
                    got.append(data)
                    continue
                try:
                    got.append(self.s.rx.unprotect_rtcp(data) if rtcp else
                               self.s.rx.unprotect(data))
                except srtp.SrtpError as e:
                    self.errors.append(e)
        return got

    def nothing_more(self, timeout=0.15):
        """Whatever still arrives within `timeout` (RTP and RTCP), raw."""
        return self.recv_raw(None, timeout) + self.recv_raw(None, 0.01, rtcp=True)


# --- calls ---------------------------------------------------------------------------------------


class Call:
    """One call through the relay: caller `a` (from-tag A), callee `b` (to-tag B); `to_a` is
    the relay's address `a` sends to (from the answer), `to_b` the one `b` sends to (from the
    offer); offer_sdp/answer_sdp are what the relay wrote."""

    def __init__(self, test, a, b):
        self.test = test
        self.a, self.b = a, b
        self.cid = test.call_id()
        self.offer_sdp = self.answer_sdp = None

    def offer(self, sdp, from_tag="A", to_tag=None, **extra):
        if to_tag:
            extra["to-tag"] = to_tag
        r = self.test.ok(offer_msg(self.cid, from_tag, sdp, **extra))
        self.offer_sdp = r[b"sdp"].decode()
        return self.offer_sdp

    def answer(self, sdp, from_tag="A", to_tag="B", **extra):
        r = self.test.ok(answer_msg(self.cid, from_tag, to_tag, sdp, **extra))
        self.answer_sdp = r[b"sdp"].decode()
        return self.answer_sdp

    @property
    def to_a(self):
        return (HOST, media.media_port(self.answer_sdp))

    @property
    def to_b(self):
        return (HOST, media.media_port(self.offer_sdp))

    @staticmethod
    def rtcp_of(address):
        return (address[0], address[1] + 1)

    def stream(self, tag, index=0):
        q = self.test.query(self.cid)
        return q[b"tags"][tag.encode()][b"medias"][0][b"streams"][index]

    def drops(self, tag, index=0):
        d = self.stream(tag, index)[b"drops"]
        return {k.decode(): v for k, v in d.items()}


class SrtpTestCase(common.SharedDaemonTestCase):
    daemon_args = PORTS + ["--delete-delay=0"]

    def setUp(self):
        super().setUp()
        self.n = 0
        self.phones = []

    def tearDown(self):
        for p in self.phones:
            p.close()
        super().tearDown()

    def phone(self, suite=None, host=HOST, tag=1):
        p = Phone(suite, host, tag)
        self.phones.append(p)
        return p

    def call_id(self):
        self.n += 1
        return "%s-%d-%f" % (self.id().split(".")[-1], self.n, time.time())

    def ok(self, msg):
        r = self.c.request(msg)
        self.assertEqual(r.get(b"result"), b"ok", "%s %s failed: %r" % (
            msg.get("command"), msg.get("call-id"), r))
        return r

    def query(self, cid):
        return self.ok({"command": "query", "call-id": cid})

    def statistics(self):
        r = self.ok({"command": "statistics"})[b"statistics"][b"rtprelay"]
        return {k: r.get(k.encode()) for k in ("srtp auth failed", "srtp replay", "srtp errors")}

    # -- scenarios --

    def srtp_to_plain(self, suite=DEFAULT_SUITE):
        """Caller SRTP (RTP/SAVP, one a=crypto), callee plain (transport-protocol RTP/AVP)."""
        a, b = self.phone(suite), self.phone()
        call = Call(self, a, b)
        to_b = call.offer(a.sdp(), **{"transport-protocol": "RTP/AVP"})
        self.assertEqual(srtp.media_proto(to_b), "RTP/AVP", to_b)
        self.assertEqual(srtp.all_crypto(to_b), [], "a plain callee got a=crypto:\n" + to_b)
        to_a = call.answer(b.sdp())
        self.assertEqual(srtp.media_proto(to_a), "RTP/SAVP", to_a)
        lines = srtp.all_crypto(to_a)
        self.assertEqual([(c.tag, c.suite.upper()) for c in lines], [(a.s.tag, a.suite)],
                         "the caller's answer should carry one a=crypto, its tag and suite:\n"
                         + to_a)
        self.assertNotEqual(lines[0].key_salt, a.key, "the relay answered with the caller's key")
        a.accept(to_a)
        return call

    def plain_to_srtp(self, suite=DEFAULT_SUITE):
        """Caller plain (transport-protocol RTP/SAVP), callee SRTP answering the relay's line of
        `suite` with its own key."""
        a, b = self.phone(), self.phone(suite)
        call = Call(self, a, b)
        to_b = call.offer(a.sdp(), **{"transport-protocol": "RTP/SAVP"})
        self.assertEqual(srtp.media_proto(to_b), "RTP/SAVP", to_b)
        b.answer_offer(to_b, suite)
        to_a = call.answer(b.sdp())
        self.assertEqual(srtp.media_proto(to_a), "RTP/AVP", to_a)
        self.assertEqual(srtp.all_crypto(to_a), [], "a plain caller got a=crypto:\n" + to_a)
        return call

    def srtp_to_srtp(self, caller_suite=DEFAULT_SUITE, callee_suite=DEFAULT_SUITE):
        """Caller and callee SRTP; the callee answers the offered line of `callee_suite`."""
        a, b = self.phone(caller_suite), self.phone(callee_suite)
        call = Call(self, a, b)
        to_b = call.offer(a.sdp())
        self.assertEqual(srtp.media_proto(to_b), "RTP/SAVP", to_b)
        b.answer_offer(to_b, callee_suite)
        to_a = call.answer(b.sdp())
        self.assertEqual(srtp.media_proto(to_a), "RTP/SAVP", to_a)
        a.accept(to_a)
        return call

    SCENARIOS = ("srtp->plain", "plain->srtp", "srtp->srtp re-keyed", "srtp->srtp pass-through")

    def scenario(self, name):
        if name == "srtp->plain":
            return self.srtp_to_plain()
        if name == "plain->srtp":
            return self.plain_to_srtp()
        if name == "srtp->srtp re-keyed":
            return self.srtp_to_srtp(DEFAULT_SUITE, "AES_256_CM_HMAC_SHA1_80")
        return self.srtp_to_srtp(DEFAULT_SUITE, DEFAULT_SUITE)

    def reinvite(self, call, version, a_extra="", b_extra="", a_addr=None, a_crypto=None):
        """The caller offers again and the callee answers again, each with its SDP as it is
        (so the same keys unless a phone re-keyed), `version` in o=; the relay's ports stay."""
        to_a, to_b = call.to_a, call.to_b
        flags = {}
        if call.a.s is None:
            flags["transport-protocol"] = "RTP/SAVP" if call.b.s else "RTP/AVP"
        elif call.b.s is None:
            flags["transport-protocol"] = "RTP/AVP"
        call.offer(call.a.sdp(version=version, extra=a_extra, addr=a_addr, crypto=a_crypto),
                   to_tag="B", **flags)
        call.answer(call.b.sdp(version=version, extra=b_extra))
        self.assertEqual((call.to_a, call.to_b), (to_a, to_b), "a re-INVITE moved the relay")

    def rekey_caller(self, call, version=2):
        """The caller re-offers with a new key (same address) and, once answered, sends with it;
        returns the new key. The relay's answer key must stay."""
        answer1 = call.answer_sdp
        new = srtp.new_key(call.a.suite)
        crypto = "a=crypto:%s\r\n" % srtp.crypto_line(call.a.s.tag, call.a.suite, new)
        self.reinvite(call, version, a_crypto=crypto)
        self.assertEqual(crypto_view(call.answer_sdp), crypto_view(answer1),
                         "the answer to the caller should stay when it re-keys:\n%s\nthen\n%s"
                         % (answer1, call.answer_sdp))
        if call.b.s and call.b.suite == call.a.suite:  # pass-through: the callee gets it
            self.assertEqual(srtp.all_crypto(call.offer_sdp)[0].key_salt, new)
            call.b.accept(call.offer_sdp)
        call.a.rekey(new)
        return new

    # -- media checks --

    def flow(self, src, dst, to, count, start=0, ssrc=SSRC, what=""):
        """`count` packets src -> relay `to` -> dst arrive, decrypted, byte-identical, in order,
        none failing to decrypt."""
        before = len(dst.errors)
        sent = src.send(to, count, start, ssrc)
        got = dst.recv(count)
        self.assertEqual(dst.errors[before:], [],
                         "%s: packets reached the phone but did not decrypt" % what)
        self.assertEqual(len(got), count, "%s: %d packets sent from %d (SSRC %x), %d arrived: "
                         "[%s]" % (what, count, start, ssrc, len(got), describe(got)))
        for n, (g, s) in enumerate(zip(got, sent)):
            self.assertEqual(g, s, "%s: packet %d of %d differs after the relay: sent [%s], got "
                             "[%s]" % (what, n, count, describe([s]), describe([g])))
        return sent

    def both_ways(self, call, count=5, start=0, a_ssrc=SSRC, b_ssrc=SSRC + 1, what=""):
        self.flow(call.a, call.b, call.to_a, count, start, a_ssrc, what + " caller->callee")
        self.flow(call.b, call.a, call.to_b, count, start, b_ssrc, what + " callee->caller")

    def rtcp_flow(self, src, dst, to, count=2, ssrc=SSRC, what=""):
        before = len(dst.errors)
        sent = src.send_rtcp(Call.rtcp_of(to), count, ssrc)
        got = dst.recv(count, rtcp=True)
        self.assertEqual(dst.errors[before:], [],
                         "%s: RTCP reached the phone but did not decrypt" % what)
        self.assertEqual(got, sent, "%s: %d RTCP sender reports sent, %d arrived%s" % (
            what, len(sent), len(got), "" if got == sent[:len(got)] else " changed"))

    def rtcp_both_ways(self, call, what=""):
        self.rtcp_flow(call.a, call.b, call.to_a, ssrc=SSRC, what=what + " caller->callee")
        self.rtcp_flow(call.b, call.a, call.to_b, ssrc=SSRC + 1, what=what + " callee->caller")

    def assertNoSrtpDrops(self, call, what=""):
        for tag in ("A", "B"):
            for index in (0, 1):
                d = call.drops(tag, index)
                got = {k: d[k] for k in ("srtp auth failed", "srtp replay", "srtp error")}
                self.assertEqual(got, {"srtp auth failed": 0, "srtp replay": 0, "srtp error": 0},
                                 "%s: SRTP drops on %s's %s stream" % (what, tag,
                                                                      ("RTP", "RTCP")[index]))

    def assertSrtp(self, call, tag, decrypt, encrypt):
        """query: both streams of `tag` decrypt and encrypt with these suites (None: plain)."""
        for index in (0, 1):
            s = call.stream(tag, index)
            want = {b"decrypt": (decrypt or "none").encode(),
                    b"encrypt": (encrypt or "none").encode()}
            self.assertEqual(s.get(b"SRTP"), want, "query SRTP of %s's %s stream" % (
                tag, ("RTP", "RTCP")[index]))
            self.assertEqual(s.get(b"crypto suite"), encrypt.encode() if encrypt else None,
                             "query `crypto suite` (what the relay encrypts towards %s)" % tag)


_relay_suites = None


def relay_suites(test):
    """The suites the relay offers a SRTP callee of a plain caller, in its order, that the
    phones' libsrtp2 keys as their RFCs say (srtp.standard: not AES_192 on Debian 12)."""
    global _relay_suites
    if _relay_suites is None:
        a = test.phone()
        r = test.ok(offer_msg(test.call_id(), "A", a.sdp(), **{"transport-protocol": "RTP/SAVP"}))
        _relay_suites = [c.suite for c in srtp.all_crypto(r[b"sdp"].decode())]
    return [s for s in _relay_suites if srtp.standard(s)]


# --- 1. every suite, SRTP<->RTP ------------------------------------------------------------------


class SuiteTest(SrtpTestCase):
    def test_offered_suites(self):
        a = self.phone()
        out = self.ok(offer_msg(self.call_id(), "A", a.sdp(),
                                **{"transport-protocol": "RTP/SAVP"}))[b"sdp"].decode()
        lines = srtp.all_crypto(out)
        names = [c.suite.upper() for c in lines]
        self.assertTrue(lines, "no a=crypto offered to an RTP/SAVP callee:\n" + out)
        for must in ("AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_32",
                     "AES_192_CM_HMAC_SHA1_80", "AES_192_CM_HMAC_SHA1_32"):
            self.assertIn(must, names, "RFC 4568's mandatory suites should be offered:\n" + out)
        self.assertEqual(len(set(names)), len(names), "a suite offered twice:\n" + out)
        self.assertEqual([c.tag for c in lines], list(range(1, len(lines) + 1)),
                         "tags should run 1..n:\n" + out)
        for c in lines:
            self.assertIn(c.suite, srtp.SUITES, "unknown suite name %r" % c.suite)
            key_len, salt_len, _ = srtp.SUITES[c.suite]
            self.assertEqual(len(c.key_salt), key_len + salt_len,
                             "%s key and salt should be %d bytes" % (c.suite, key_len + salt_len))
        self.assertEqual(len({c.key_salt for c in lines}), len(lines), "keys repeat:\n" + out)

    def test_aes192_only_offer_is_answered_with_aes192(self):
        """The relay keys AES_192 by RFC 6188 itself, so an offer of only that is answered."""
        k80 = srtp.new_key("AES_192_CM_HMAC_SHA1_80")
        k32 = srtp.new_key("AES_192_CM_HMAC_SHA1_32")
        crypto = ("a=crypto:%s\r\na=crypto:%s\r\n" % (
            srtp.crypto_line(1, "AES_192_CM_HMAC_SHA1_80", k80),
            srtp.crypto_line(2, "AES_192_CM_HMAC_SHA1_32", k32)))
        a, b = self.phone(), self.phone()
        call = Call(self, a, b)
        call.offer(a.sdp(proto="RTP/SAVP", crypto=crypto), **{"transport-protocol": "RTP/AVP"})
        to_a = call.answer(b.sdp())
        lines = srtp.all_crypto(to_a)
        self.assertEqual([(c.tag, c.suite) for c in lines], [(1, "AES_192_CM_HMAC_SHA1_80")],
                         "expected the answer to take tag 1:\n" + to_a)
        self.assertNotIn(k80, [c.key_salt for c in lines])

    def test_srtp_caller_plain_callee_every_suite(self):
        for suite in relay_suites(self):
            with self.subTest(suite=suite):
                call = self.srtp_to_plain(suite)
                self.both_ways(call, what=suite)
                self.rtcp_both_ways(call, what=suite)
                self.assertNoSrtpDrops(call, suite)

    def test_plain_caller_srtp_callee_every_suite(self):
        for suite in relay_suites(self):
            with self.subTest(suite=suite):
                call = self.plain_to_srtp(suite)
                self.both_ways(call, what=suite)
                self.rtcp_both_ways(call, what=suite)
                self.assertNoSrtpDrops(call, suite)


# --- 2. SRTP<->SRTP ------------------------------------------------------------------------------


class SrtpToSrtpTest(SrtpTestCase):
    def test_passthrough_when_the_callee_takes_the_callers_suite(self):
        for suite in relay_suites(self):
            with self.subTest(suite=suite):
                a, b = self.phone(suite), self.phone(suite)
                call = Call(self, a, b)
                to_b = call.offer(a.sdp())
                first = srtp.all_crypto(to_b)[0]
                self.assertEqual((first.tag, first.suite, first.key_salt),
                                 (a.s.tag, suite, a.key),
                                 "the caller's line should reach the callee first, as it was:\n"
                                 + to_b)
                b.answer_offer(to_b, suite)
                to_a = call.answer(b.sdp())
                lines = srtp.all_crypto(to_a)
                self.assertEqual([(c.tag, c.suite, c.key_salt) for c in lines],
                                 [(a.s.tag, suite, b.key)],
                                 "the caller should get the callee's own key:\n" + to_a)
                a.accept(to_a)
                for src, dst, to, ssrc, what in ((a, b, call.to_a, SSRC, "caller->callee"),
                                                 (b, a, call.to_b, SSRC + 1, "callee->caller")):
                    src.send(to, 5, 0, ssrc)
                    wire = [src.wire[(ssrc, n)] for n in range(5)]
                    got = dst.recv_raw(5)
                    self.assertEqual(got, wire, "%s: pass-through should deliver the sender's "
                                     "SRTP bytes unchanged (%d sent, %d arrived)" % (
                                         what, len(wire), len(got)))
                    self.assertEqual([dst.s.rx.unprotect(p) for p in got],
                                     [rtp(n, ssrc) for n in range(5)])
                    sent_rtcp = len(src.rtcp_wire)
                    src.send_rtcp(Call.rtcp_of(to), 2, ssrc)
                    got = dst.recv_raw(2, rtcp=True)
                    self.assertEqual(got, src.rtcp_wire[sent_rtcp:],
                                     "%s: SRTCP should pass through unchanged" % what)
                for tag in ("A", "B"):
                    self.assertSrtp(call, tag, None, None)
                    for index in (0, 1):
                        self.assertNotIn(b"userspace only", call.stream(tag, index),
                                         "pass-through needs no userspace translation")
                self.assertNoSrtpDrops(call, "pass-through")

    def test_rekeyed_when_the_callee_takes_a_suite_only_the_relay_offered(self):
        pairs = [(DEFAULT_SUITE, s) for s in relay_suites(self) if s != DEFAULT_SUITE]
        pairs.append(("AEAD_AES_256_GCM", "AES_CM_128_HMAC_SHA1_32"))
        for caller_suite, callee_suite in pairs:
            with self.subTest(caller=caller_suite, callee=callee_suite):
                call = self.srtp_to_srtp(caller_suite, callee_suite)
                a, b = call.a, call.b
                self.assertNotIn(b.s.peer.key_salt, (a.key, b.key),
                                 "the callee's line should carry a relay key")
                answered = srtp.all_crypto(call.answer_sdp)
                self.assertEqual([(c.tag, c.suite) for c in answered],
                                 [(a.s.tag, caller_suite)], call.answer_sdp)
                self.assertNotIn(answered[0].key_salt, (a.key, b.key),
                                 "the caller's answer should carry a relay key")
                self.both_ways(call, what="re-keyed")
                self.rtcp_both_ways(call, what="re-keyed")
                self.assertSrtp(call, "A", caller_suite, caller_suite)
                self.assertSrtp(call, "B", callee_suite, callee_suite)
                self.assertNoSrtpDrops(call, "re-keyed")

    def test_passthrough_then_rekeyed_after_the_wrap(self):
        """A call passes SRTP through past the wrap (ROC 1 in both phones), then a re-INVITE's
        answer takes a suite only the relay offered, so the relay starts decrypting the
        caller's unchanged key and context. It never decrypted before; it takes each SSRC's
        rollover counter from its own RFC 3550 count of the headers it passed through, so the
        caller's media goes on."""
        call = self.srtp_to_srtp()
        a, b = call.a, call.b
        self.both_ways(call, 60, 65500, what="pass-through across the wrap")
        call.offer(a.sdp(version=2), to_tag="B")
        b.answer_offer(call.offer_sdp, "AES_256_CM_HMAC_SHA1_80")
        b.s.tx.set_roc(SSRC + 1, 1)  # the callee's context goes on under its new key
        call.answer(b.sdp(version=2))
        a.accept(call.answer_sdp)
        self.assertSrtp(call, "A", DEFAULT_SUITE, DEFAULT_SUITE)
        self.flow(a, b, call.to_a, 5, 65560, SSRC, "caller->callee, now re-keyed")
        self.flow(b, a, call.to_b, 5, 65560, SSRC + 1, "callee->caller, now re-keyed")


# --- 3-7. re-INVITEs, re-keying, SSRC changes, the wrap, hold ------------------------------------


class ReinviteTest(SrtpTestCase):
    def test_reinvite_keeping_the_keys(self):
        for name in self.SCENARIOS:
            with self.subTest(name):
                call = self.scenario(name)
                offer1, answer1 = call.offer_sdp, call.answer_sdp
                self.both_ways(call, count=100, what="before the re-INVITE")
                self.reinvite(call, 2)
                self.assertEqual(crypto_view(call.offer_sdp), crypto_view(offer1),
                                 "the re-offer should repeat the a=crypto lines:\n%s\nthen\n%s"
                                 % (offer1, call.offer_sdp))
                self.assertEqual(crypto_view(call.answer_sdp), crypto_view(answer1),
                                 "the re-answer should repeat the a=crypto lines:\n%s\nthen\n%s"
                                 % (answer1, call.answer_sdp))
                self.both_ways(call, count=100, start=100, what="after the re-INVITE")
                self.rtcp_both_ways(call, what="after the re-INVITE")
                self.assertNoSrtpDrops(call, name)

    def test_callee_reinvite_keeping_the_keys(self):
        call = self.srtp_to_srtp(DEFAULT_SUITE, "AES_256_CM_HMAC_SHA1_80")
        a, b = call.a, call.b
        self.both_ways(call, count=20, what="before the callee's re-INVITE")
        to_a, to_b = call.to_a, call.to_b
        relay_to_a, relay_to_b = a.s.peer, b.s.peer  # the relay's keys each phone decrypts with
        r = self.ok(offer_msg(call.cid, "B", b.sdp(version=2), **{"to-tag": "A"}))
        to_caller = r[b"sdp"].decode()
        self.assertEqual(media.media_port(to_caller), to_a[1])
        line = next((c for c in srtp.all_crypto(to_caller) if c.suite == DEFAULT_SUITE), None)
        self.assertIsNotNone(line, "no %s line for the caller:\n%s" % (DEFAULT_SUITE, to_caller))
        self.assertEqual(line.key_salt, relay_to_a.key_salt,
                         "the relay's key towards the caller changed in the callee's re-offer")
        r = self.ok(answer_msg(call.cid, "B", "A", a.sdp(version=2, crypto="a=crypto:%s\r\n" % (
            srtp.crypto_line(line.tag, DEFAULT_SUITE, a.key)))))
        to_callee = r[b"sdp"].decode()
        self.assertEqual(media.media_port(to_callee), to_b[1])
        self.assertEqual(crypto_view(to_callee),
                         [(b.s.tag, b.suite, relay_to_b.key_salt)],
                         "the callee should get its tag and the relay's unchanged key:\n"
                         + to_callee)
        self.both_ways(call, count=20, start=20, what="after the callee's re-INVITE")
        self.assertNoSrtpDrops(call, "callee re-INVITE")

    def test_rekey_by_the_caller(self):
        for name in self.SCENARIOS:
            if name == "plain->srtp":
                continue
            with self.subTest(name):
                call = self.scenario(name)
                self.both_ways(call, count=20, what="before re-keying")
                self.rekey_caller(call)
                self.both_ways(call, count=20, start=20, what="after re-keying")
                self.rtcp_both_ways(call, what="after re-keying")
                self.assertNoSrtpDrops(call, "after re-keying")

    def test_rekey_by_the_caller_after_the_wrap(self):
        for name in ("srtp->plain", "srtp->srtp re-keyed"):
            with self.subTest(name):
                call = self.scenario(name)
                self.both_ways(call, count=60, start=65500, what="across the wrap")
                self.rekey_caller(call)
                call.a.s.tx.set_roc(SSRC, 1)  # the new key continues the stream's ROC
                self.both_ways(call, count=20, start=65560, what="after re-keying past the wrap")
                self.assertNoSrtpDrops(call, "after re-keying past the wrap")

    def test_rekey_by_the_callee_in_its_answer(self):
        """The callee answers a re-offer with a new key (after the wrap, so its ROC goes on):
        the relay's key towards it stays, and its media decrypts after the switch."""
        for name in ("plain->srtp", "srtp->srtp re-keyed"):
            with self.subTest(name):
                call = self.scenario(name)
                b = call.b
                self.both_ways(call, count=60, start=65500, what="across the wrap")
                offer1 = call.offer_sdp
                relay_key = b.s.peer.key_salt
                new = srtp.new_key(b.suite)
                b.rekey(new)
                b.s.tx.set_roc(SSRC + 1, 1)
                self.reinvite(call, 2)
                self.assertEqual(crypto_view(call.offer_sdp), crypto_view(offer1),
                                 "the re-offer to the callee should repeat its lines")
                theirs = srtp.all_crypto(call.answer_sdp)
                self.assertFalse(any(c.key_salt == new for c in theirs),
                                 "the callee's new key leaked to the caller")
                self.assertEqual(b.s.peer.key_salt, relay_key)
                self.both_ways(call, count=20, start=65560, what="after the callee re-keyed")
                self.assertNoSrtpDrops(call, "after the callee re-keyed")

    def test_rekey_while_old_key_packets_cross_the_wrap(self):
        """A caller re-keys as phones do: its packets go on with the old key until the answer
        reaches it, and the relay, which re-keyed when it relayed the answer, drops those (as it
        must: 14 auth failures). If the sequence passed 65535 meanwhile, the first packet with
        the new key (number 65544, seq 8) belongs to ROC 1. The relay's new session continues
        only the ROC it had reached (0, at 65529), not the highest sequence number seen, so it
        takes seq 8 as ROC 0 and every packet of the caller fails from then on. Control: the
        same with the lost stretch away from the wrap (30..43, then the new key from 44); and
        test_rekey_by_the_caller_after_the_wrap shows the caller's ROC 1 is what the relay
        expects when no packet was lost around the wrap."""
        for name, start in (("srtp->plain", 65500), ("srtp->srtp re-keyed", 65500),
                            ("srtp->plain", 0)):
            with self.subTest(name, first=start):
                call = self.scenario(name)
                self.both_ways(call, count=30, start=start, what="before re-keying")
                old = srtp.Srtp(call.a.suite, call.a.key, inbound=False)
                self.addCleanup(old.close)
                self.rekey_caller(call)
                for n in range(start + 30, start + 44):  # in flight with the old key
                    call.a.send_raw(call.to_a, old.protect(rtp(n)))
                # The new key continues the stream's ROC, as in the test before.
                call.a.s.tx.set_roc(SSRC, (start + 44) >> 16)
                self.flow(call.a, call.b, call.to_a, 20, start + 44, SSRC,
                          "new key from %d (seq %d, ROC %d) after %d..%d went with the old key"
                          % (start + 44, (start + 44) & 0xFFFF, (start + 44) >> 16,
                             start + 30, start + 43))
                self.assertEqual(call.drops("A")["srtp auth failed"], 14,
                                 "the 14 packets with the old key should fail authentication")


class SsrcChangeTest(SrtpTestCase):
    def test_ssrc_changes_on_either_side(self):
        for name, make in (("srtp->plain", self.srtp_to_plain),
                           ("plain->srtp", self.plain_to_srtp),
                           ("srtp->srtp re-keyed",
                            lambda: self.srtp_to_srtp(DEFAULT_SUITE, "AEAD_AES_128_GCM"))):
            with self.subTest(name):
                call = make()
                for src, dst, to, what in ((call.a, call.b, call.to_a, "caller->callee"),
                                           (call.b, call.a, call.to_b, "callee->caller")):
                    self.flow(src, dst, to, 10, 0, 0x1111, what + " first SSRC")
                    self.flow(src, dst, to, 10, 3000, 0x2222, what + " second SSRC")
                    self.flow(src, dst, to, 10, 10, 0x1111, what + " back to the first SSRC")
                    self.flow(src, dst, to, 10, 65530, 0x3333, what + " a third across the wrap")
                self.assertNoSrtpDrops(call, name)

    def test_a_stranger_spraying_ssrcs_at_the_plain_side_past_the_wrap(self):
        """The relay keeps per-SSRC SRTP state for at most 8 SSRCs per direction (crypto/
        srtp_session.h) and drops the least recently used. On the plain side anyone may send
        (no strict-source): 8 plain packets with 8 new SSRCs from a stranger push out the
        callee's SSRC, whose ROC had reached 1; the relay then encrypts it with ROC 0 again
        and the SRTP caller cannot decrypt anything the callee says for the rest of the call."""
        call = self.srtp_to_plain()
        self.flow(call.b, call.a, call.to_b, 60, 65500, SSRC + 1, "callee across the wrap")
        x = self.phone()
        for i in range(8):
            x.send(call.to_b, 1, 7, 0x70000000 + i)
        self.assertEqual(len(call.a.recv(8)), 8, "the stranger's plain RTP is relayed (no "
                         "strict-source), encrypted for the caller")
        self.flow(call.b, call.a, call.to_b, 20, 65560, SSRC + 1,
                  "callee after a stranger sent 8 other SSRCs")

    def test_nine_ssrcs_on_the_srtp_side_past_the_wrap(self):
        """The same limit on the decrypting side: a caller whose SSRC passed the wrap sends 8
        other SSRCs (a conference mixer, say) and comes back to the first; the relay lost its
        ROC and takes it as 0."""
        call = self.srtp_to_plain()
        self.flow(call.a, call.b, call.to_a, 60, 65500, SSRC, "caller across the wrap")
        for i in range(8):
            self.flow(call.a, call.b, call.to_a, 1, 7, 0x70000000 + i, "SSRC %d of 8" % i)
        self.flow(call.a, call.b, call.to_a, 20, 65560, SSRC, "back to the first SSRC")

    def test_rtcp_mux(self):
        """SRTCP on the RTP port: muxed on both sides, and muxed on the SRTP side only."""
        for name, b_mux, flags in (("both mux", True, {}),
                                   ("callee demuxed", False, {"rtcp-mux": ["demux", "accept"]})):
            with self.subTest(name):
                a, b = self.phone(DEFAULT_SUITE), self.phone()
                call = Call(self, a, b)
                call.offer(a.sdp(extra="a=rtcp-mux\r\n"), **dict(
                    flags, **{"transport-protocol": "RTP/AVP"}))
                self.assertEqual("a=rtcp-mux" in call.offer_sdp, b_mux, call.offer_sdp)
                call.answer(b.sdp(extra="a=rtcp-mux\r\n" if b_mux else ""))
                self.assertIn("a=rtcp-mux", call.answer_sdp)
                a.accept(call.answer_sdp)
                self.both_ways(call, 5, what=name)
                # The caller's SRTCP goes to the relay's RTP port.
                plain = rtcp_sr(SSRC, 1)
                a.send_raw(call.to_a, a.s.tx.protect_rtcp(plain))
                got = b.recv_raw(1, rtcp=not b_mux)
                self.assertEqual(got, [plain], "%s: the caller's SRTCP, decrypted" % name)
                plain = rtcp_sr(SSRC + 1, 2)
                b.send_raw(call.to_b if b_mux else Call.rtcp_of(call.to_b), plain,
                           rtcp=not b_mux)
                got = a.recv_raw(1)
                self.assertEqual(len(got), 1, "%s: the callee's RTCP did not reach the caller's "
                                 "RTP port" % name)
                self.assertEqual(a.s.rx.unprotect_rtcp(got[0]), plain,
                                 "%s: SRTCP to the caller" % name)
                self.both_ways(call, 5, 5, what=name + " after RTCP")
                self.assertNoSrtpDrops(call, name)


class WrapTest(SrtpTestCase):
    def test_sequence_wrap_both_ways_then_reinvite(self):
        for name in self.SCENARIOS:
            with self.subTest(name):
                call = self.scenario(name)
                self.both_ways(call, count=80, start=65500, what="across the wrap")
                for phone, ctx, ssrc in ((call.a, "tx", SSRC), (call.a, "rx", SSRC + 1),
                                         (call.b, "tx", SSRC + 1), (call.b, "rx", SSRC)):
                    if phone.s:
                        self.assertEqual(getattr(phone.s, ctx).roc(ssrc), 1,
                                         "the phone's %s ROC should be 1 after the wrap" % ctx)
                self.reinvite(call, 2)
                self.both_ways(call, count=20, start=65580, what="after a re-INVITE past the wrap")
                self.rtcp_both_ways(call, what="after the wrap")
                self.assertNoSrtpDrops(call, name)


class HoldTest(SrtpTestCase):
    def test_hold_and_unhold_keep_the_keys_and_the_roc(self):
        holds = (("c=0.0.0.0 and a=sendonly", "0.0.0.0"), ("a=sendonly", None))
        for name in ("srtp->plain", "plain->srtp", "srtp->srtp re-keyed"):
            for how, addr in holds:
                with self.subTest(name, hold=how):
                    call = self.scenario(name)
                    offer1, answer1 = call.offer_sdp, call.answer_sdp
                    self.both_ways(call, count=60, start=65500, what="before hold")
                    self.reinvite(call, 2, a_extra="a=sendonly\r\n", b_extra="a=recvonly\r\n",
                                  a_addr=addr)
                    held = (call.offer_sdp, call.answer_sdp)
                    self.reinvite(call, 3, a_extra="a=sendrecv\r\n", b_extra="a=sendrecv\r\n")
                    for sdp, first in ((held[0], offer1), (held[1], answer1),
                                       (call.offer_sdp, offer1), (call.answer_sdp, answer1)):
                        self.assertEqual(crypto_view(sdp), crypto_view(first),
                                         "hold and unhold should keep the a=crypto lines:\n"
                                         "%s\nthen\n%s" % (first, sdp))
                    self.both_ways(call, count=20, start=65560, what="after unhold")
                    self.assertNoSrtpDrops(call, "hold/unhold")


# --- 8. tampering and replays --------------------------------------------------------------------


class AttackTest(SrtpTestCase):
    def attack(self, call, attacker, victim, to, tag, what):
        """`attacker` (one of the call's phones) sends genuine SRTP with tampered and replayed
        copies in between; `victim` must get every genuine packet once and nothing else, and
        the attacker's streams count 2 auth failures and 2 replays (RTP), 1 and 1 (RTCP)."""
        s = attacker.s
        self.flow(attacker, victim, to, 5, 0, SSRC, what + ": genuine 0..4")
        genuine = s.tx.protect(rtp(5))
        attacker.send_raw(to, flip(genuine, 20))  # a payload bit
        attacker.send_raw(to, flip(genuine, 4))  # a header bit (the timestamp)
        attacker.send_raw(to, genuine)  # the genuine one still passes after them
        attacker.send_raw(to, attacker.wire[(SSRC, 2)])  # an old one again
        attacker.send_raw(to, genuine)  # and the last one again
        self.assertEqual(victim.recv(1), [rtp(5)],
                         "%s: the genuine packet 5 should pass after its tampered copies" % what)
        # Packets are relayed in order: a forwarded copy would arrive before 6.
        self.flow(attacker, victim, to, 5, 6, SSRC, what + ": genuine 6..10")

        rtcp_to = Call.rtcp_of(to)
        self.rtcp_flow(attacker, victim, to, 1, SSRC, what + ": genuine SRTCP")
        plain = rtcp_sr(SSRC, 99)
        genuine = s.tx.protect_rtcp(plain)
        attacker.send_raw(rtcp_to, flip(genuine, 12), rtcp=True)  # encrypted body
        attacker.send_raw(rtcp_to, genuine, rtcp=True)
        attacker.send_raw(rtcp_to, genuine, rtcp=True)  # replayed
        self.assertEqual(victim.recv(1, rtcp=True), [plain],
                         "%s: the genuine SRTCP should pass after its tampered copy" % what)
        # Packets are relayed in order: a forwarded copy would arrive before this one.
        self.rtcp_flow(attacker, victim, to, 1, SSRC, what + ": genuine SRTCP after")
        self.assertEqual(victim.nothing_more(), [], "%s: more than the genuine packets "
                         "arrived" % what)

        for index, want in ((0, (2, 2, 0)), (1, (1, 1, 0))):
            d = call.drops(tag, index)
            got = (d["srtp auth failed"], d["srtp replay"], d["srtp error"])
            self.assertEqual(got, want, "%s: %s stream of %s should count (auth failed, replay, "
                             "error) = %r" % (what, ("RTP", "RTCP")[index], tag, want))
            other = "B" if tag == "A" else "A"
            d = call.drops(other, index)
            self.assertEqual((d["srtp auth failed"], d["srtp replay"], d["srtp error"]),
                             (0, 0, 0), "%s: the other side's streams count nothing" % what)

    def test_tampered_and_replayed_packets_are_dropped_and_counted(self):
        bystander = self.srtp_to_srtp(DEFAULT_SUITE, "AEAD_AES_256_GCM")
        start = 0
        cases = [("caller " + s, lambda s=s: self.srtp_to_plain(s), "A")
                 for s in relay_suites(self)]
        cases.append(("re-keyed callee", lambda: self.srtp_to_srtp(
            DEFAULT_SUITE, "AES_CM_128_HMAC_SHA1_32"), "B"))
        for what, make, tag in cases:
            with self.subTest(what):
                before = self.statistics()
                start += 10
                self.both_ways(bystander, 5, start, what="the other call, before")
                call = make()
                if tag == "A":
                    self.attack(call, call.a, call.b, call.to_a, "A", what)
                else:
                    self.attack(call, call.b, call.a, call.to_b, "B", what)
                self.both_ways(call, 5, 20, what=what + ", afterwards")
                self.both_ways(bystander, 5, start + 5, what="the other call, after")
                after = self.statistics()
                for key, n in (("srtp auth failed", 3), ("srtp replay", 3), ("srtp errors", 0)):
                    self.assertIsInstance(after[key], int, "statistics lacks %r" % key)
                    self.assertEqual(after[key] - before[key], n,
                                     "statistics %r should have grown by %d" % (key, n))
        self.assertNoSrtpDrops(bystander, "the other call")


# --- 9. learning only from authenticated packets -------------------------------------------------


class LearningTest(SrtpTestCase):
    """`immediate` learning takes a new source after a few RTP packets in sequence over 60 ms
    (media/learning.h): the quickest a stranger could be learned. Where a source should be
    learned the test keeps sending until the query shows it (no timing assumption)."""

    daemon_args = ["--port-min=38000", "--port-max=38499", "--delete-delay=0",
                   "--endpoint-learning=immediate"]
    LIMIT = 100  # packets (2 s) a source may need to be learned

    def endpoint(self, call, tag="A"):
        ep = call.stream(tag).get(b"endpoint", {})
        return (ep.get(b"address", b"").decode(), ep.get(b"port"))

    def talk(self, send_one, count=None, until=None):
        """send_one(n) every 20 ms, `count` times or until until() holds (checked every
        packet from the 4th on, at most LIMIT packets); returns how many went."""
        n = 0
        while n < (count or self.LIMIT):
            if n:
                time.sleep(0.02)
            send_one(n)
            n += 1
            if until and n >= 4 and until():
                break
        return n

    def test_a_stranger_without_the_key_is_never_learned(self):
        # Control: on a plain call the same stranger's run is learned.
        a, b, x = self.phone(), self.phone(), self.phone(host="127.0.0.2")
        call = Call(self, a, b)
        call.offer(a.sdp())
        call.answer(b.sdp())
        self.talk(lambda n: x.send(call.to_a, 1, 1000 + n, 0x0BADBAD0),
                  until=lambda: self.endpoint(call)[0] == "127.0.0.2")
        self.assertEqual(self.endpoint(call), ("127.0.0.2", x.port), "control: the stranger "
                         "should be learned on a plain call (else this test proves nothing)")
        # SRTP: the same run, SRTP-looking under a key of the stranger's own, for 15 packets
        # (well past what the plain call needed).
        call = self.srtp_to_plain()
        a, b = call.a, call.b
        x = self.phone(host="127.0.0.2")
        with srtp.Srtp(a.suite, srtp.new_key(a.suite), inbound=False) as fake:
            self.talk(lambda n: x.send_raw(call.to_a, fake.protect(rtp(1000 + n, 0x0BADBAD0))),
                      count=15)
        self.flow(b, a, call.to_b, 5, 0, SSRC + 1, "callee->caller after the stranger sent")
        self.assertEqual(x.nothing_more(), [], "the stranger got the callee's media")
        self.assertEqual(b.nothing_more(), [], "the stranger's packets reached the callee")
        self.assertEqual(self.endpoint(call), (HOST, a.port),
                         "the caller's endpoint should still be its SDP address")
        self.assertEqual(call.drops("A")["srtp auth failed"], 15)
        self.flow(a, b, call.to_a, 5, 0, SSRC, "the real caller, afterwards")

    def nat_call(self):
        """An SRTP caller behind a NAT: its SDP names 127.0.0.1, its packets come from .3."""
        a = self.phone(DEFAULT_SUITE, host="127.0.0.3")
        # The SDP names 127.0.0.1 with the port the phone has on .3; when that port is the
        # daemon's ng port, or one of its media ports (the ephemeral range overlaps PORTS),
        # the relay rightly refuses the address (its own endpoint), and learning has nothing
        # to start from. Such a phone proves nothing here: take another.
        args = dict(a.split("=", 1) for a in self.daemon_args if "=" in a)
        media = range(int(args["--port-min"]), int(args["--port-max"]) + 1)
        while a.port in (self.daemon.port, self.daemon.port - 1) or a.port in media:
            a = self.phone(DEFAULT_SUITE, host="127.0.0.3")
        b = self.phone()
        call = Call(self, a, b)
        call.offer(a.sdp(addr=HOST), **{"transport-protocol": "RTP/AVP"})
        call.answer(b.sdp())
        a.accept(call.answer_sdp)
        return call

    def test_a_stranger_replaying_the_callers_packets_is_never_learned(self):
        """The caller's address must be learned while a stranger re-sends a copy of each of
        its packets right after it. The copies are replays: they neither win nor even
        contest the learning."""
        call = self.nat_call()
        a, b = call.a, call.b
        x = self.phone(host="127.0.0.2")

        def send_one(n):
            a.send(call.to_a, 1, n)
            x.send_raw(call.to_a, a.wire[(SSRC, n)])

        sent = self.talk(send_one, until=lambda: self.endpoint(call)[0] != HOST)
        got = b.recv(sent)
        self.assertEqual(got, [rtp(n) for n in range(sent)], "the caller's packets, once each")
        self.assertEqual(b.nothing_more(), [], "replayed copies were forwarded")
        self.assertEqual(self.endpoint(call), ("127.0.0.3", a.port),
                         "the caller's NAT address should be learned, not the stranger's")
        self.flow(b, a, call.to_b, 3, 0, SSRC + 1, "callee->caller at its NAT address")
        self.assertEqual(x.nothing_more(), [], "the stranger got the callee's media")
        stream = call.stream("A")
        self.assertEqual(stream[b"drops"][b"srtp replay"], sent)
        self.assertEqual(stream[b"learning contested"], 0,
                         "replays should not even contest the learning")

    def test_the_party_behind_a_nat_is_learned_from_authenticated_packets(self):
        call = self.nat_call()
        a, b = call.a, call.b
        sent = self.talk(lambda n: a.send(call.to_a, 1, n),
                         until=lambda: self.endpoint(call)[0] != HOST)
        self.assertEqual(len(b.recv(sent)), sent)
        self.assertEqual(self.endpoint(call), ("127.0.0.3", a.port),
                         "the caller's NAT address should be learned")
        self.flow(b, a, call.to_b, 5, 0, SSRC + 1, "callee->caller at the NAT address")


# --- 10. query and statistics --------------------------------------------------------------------


class QueryTest(SrtpTestCase):
    def assertUserspace(self, call):
        """This daemon runs without the kernel module, so nothing SRTP-specific keeps a stream
        in userspace: `userspace only` names no SRTP reason, translated or not. (The reasons
        the module's limits give are unit-tested in t/unit/kernel/srtp_params_test.cc, and
        translated streams are kernelized in the QEMU suite.)"""
        for tag in ("A", "B"):
            for index in (0, 1):
                reason = call.stream(tag, index).get(b"userspace only")
                where = "%s's %s stream" % (tag, ("RTP", "RTCP")[index])
                self.assertFalse(reason and b"SRTP" in reason,
                                 "%s: no module, yet an SRTP reason %r" % (where, reason))

    def test_query_shows_who_decrypts_and_encrypts(self):
        suite2 = "AEAD_AES_128_GCM"
        plain = Call(self, self.phone(), self.phone())
        plain.offer(plain.a.sdp())
        plain.answer(plain.b.sdp())
        cases = (
            ("plain", plain, (None, None), (None, None)),
            ("srtp->plain", self.srtp_to_plain(), (DEFAULT_SUITE,) * 2, (None, None)),
            ("plain->srtp", self.plain_to_srtp(suite2), (None, None), (suite2,) * 2),
            ("re-keyed", self.srtp_to_srtp(DEFAULT_SUITE, suite2), (DEFAULT_SUITE,) * 2,
             (suite2,) * 2),
            ("pass-through", self.srtp_to_srtp(), (None, None), (None, None)))
        for name, call, a_want, b_want in cases:
            with self.subTest(name):
                self.both_ways(call, 3, what=name)
                self.assertSrtp(call, "A", *a_want)
                self.assertSrtp(call, "B", *b_want)
                self.assertUserspace(call)
                q = self.c.request_json({"command": "query", "call-id": call.cid})
                s = q["tags"]["A"]["medias"][0]["streams"][0]
                self.assertEqual(s["SRTP"], {"decrypt": a_want[0] or "none",
                                             "encrypt": a_want[1] or "none"}, "JSON query")
                protos = [self.query(call.cid)[b"tags"][t][b"medias"][0][b"protocol"]
                          for t in (b"A", b"B")]
                self.assertEqual(protos, [srtp.media_proto(call.a.sdp()).encode(),
                                          srtp.media_proto(call.b.sdp()).encode()],
                                 "each party's protocol as it spoke it")

    def test_statistics_count_srtp_drops(self):
        st = self.ok({"command": "statistics"})[b"statistics"][b"rtprelay"]
        for key in (b"srtp auth failed", b"srtp replay", b"srtp errors"):
            self.assertIsInstance(st.get(key), int, "statistics.rtprelay should have %r: %r" %
                                  (key, sorted(st)))
        st = self.c.request_json({"command": "statistics"})["statistics"]["rtprelay"]
        for key in ("srtp auth failed", "srtp replay", "srtp errors"):
            self.assertIsInstance(st.get(key), int, "JSON statistics lack %r" % key)


# --- 11. keys stay in the SDP --------------------------------------------------------------------


def key_forms(key):
    """The ways a key could show in text: base64 with and without '=', hex, and the first 12
    base64 characters (72 random bits: no false alarm) in case of a cut or a line break."""
    b64 = base64.b64encode(key).decode()
    return {b64, b64.rstrip("="), b64[:12], key.hex(), key.hex().upper()[:16], key.hex()[:16]}


class KeysStayInTheSdpTest(SrtpTestCase):
    daemon_args = ["--port-min=38500", "--port-max=38999", "--delete-delay=0", "--log-level=7"]

    def test_no_key_in_the_log_or_in_replies_other_than_sdp(self):
        calls = [self.srtp_to_plain(), self.plain_to_srtp("AES_256_CM_HMAC_SHA1_32"),
                 self.srtp_to_srtp(DEFAULT_SUITE, "AEAD_AES_256_GCM"), self.srtp_to_srtp()]
        sdps = []
        for call in calls:
            self.both_ways(call, 3)
            self.rtcp_both_ways(call)
            sdps += [call.offer_sdp, call.answer_sdp]
        # A re-key, tampering and replays, so that every SRTP path has had its say.
        call = calls[0]
        self.rekey_caller(call)
        sdps += [call.offer_sdp, call.answer_sdp]
        call.a.send(call.to_a, 3, 10)
        call.a.send_raw(call.to_a, flip(call.a.wire[(SSRC, 12)], 20))
        call.a.send_raw(call.to_a, call.a.wire[(SSRC, 11)])
        call.a.send(call.to_a, 1, 13)
        self.assertEqual(len(call.b.recv(4)), 4)
        # Offers the relay refuses or answers with a warning, quoting the SDP they came in.
        secret = srtp.new_key(DEFAULT_SUITE)
        bad_lines = (srtp.crypto_line(1, DEFAULT_SUITE, secret + b"xyz"),  # key too long
                     srtp.crypto_line(1, DEFAULT_SUITE, secret)[:-3] + "!!!",  # not base64
                     srtp.crypto_line(1, DEFAULT_SUITE, secret).replace("inline:", "inline"))
        replies = []
        for line in bad_lines:
            replies.append(self.c.request_raw(
                b"bad-%d" % len(replies), ngclient.bencode(offer_msg(
                    self.call_id(), "A", calls[0].a.sdp(crypto="a=crypto:%s\r\n" % line)))))
        stray = Call(self, self.phone(), self.phone(DEFAULT_SUITE))
        stray.offer(stray.a.sdp(), **{"transport-protocol": "RTP/SAVP"})
        secret192 = srtp.new_key("AES_CM_128_HMAC_SHA1_80")  # of a suite the relay never offers
        r = self.ok(answer_msg(stray.cid, "A", "B", stray.b.sdp(crypto="a=crypto:%s\r\n" % (
            srtp.crypto_line(42, "F8_128_HMAC_SHA1_80", secret192)))))
        self.assertIn(b"warning", r, "an answer line matching no offered one should warn")
        sdps.append(stray.offer_sdp)
        replies.append(ngclient.bencode({k: v for k, v in r.items() if k != b"sdp"}))

        keys = {secret, secret192}
        for sdp in sdps:
            keys.update(c.key_salt for c in srtp.all_crypto(sdp))
        for p in self.phones:
            if p.s:
                keys.add(p.key)
        self.assertGreater(len(keys), 20, "the calls should have made many keys")

        for call in calls:
            replies.append(self.c.request_raw(b"q-%s" % call.cid.encode(), ngclient.bencode(
                {"command": "query", "call-id": call.cid})))
            replies.append(json.dumps(self.c.request_json(
                {"command": "query", "call-id": call.cid})).encode())
        for command in ("list", "statistics"):
            replies.append(ngclient.bencode(self.ok({"command": command})))
        # A retransmitted offer (same cookie): answered from the cache, and logged at debug
        # level, which shows that level 7 is in effect.
        again = ngclient.bencode(offer_msg(calls[1].cid, "A", calls[1].a.sdp(version=5),
                                           **{"transport-protocol": "RTP/SAVP"}))
        first = self.c.request_raw(b"again-1", again)
        self.assertEqual(self.c.request_raw(b"again-1", again), first)
        keys.update(c.key_salt for c in srtp.all_crypto(
            ngclient.bdecode(first)[b"sdp"].decode()))
        for call in calls:
            replies.append(ngclient.bencode(
                self.ok({"command": "delete", "call-id": call.cid})))

        log = self.daemon.stderr_text()
        self.assertIn("retransmission of cookie", log, "is --log-level=7 in effect?")
        self.assertIn("received command 'offer'", log)
        for key in keys:
            for form in key_forms(key):
                self.assertNotIn(form, log, "a key (%s...) is in the log %s" % (
                    form[:6], self.daemon.stderr_path))
                for reply in replies:
                    self.assertNotIn(form.encode(), reply,
                                     "a key (%s...) is in a reply: %r" % (form[:6], reply[:300]))
            for reply in replies:
                self.assertNotIn(key, reply, "raw key bytes in a reply")
