"""Hostile input at the media boundary (issue 12): datagrams larger than the receive buffers
are forwarded whole or dropped and counted, never cut; a wildcard media address is refused at
start-up; a malformed SDP line is quoted in error replies and logs only as a short prefix
that never carries key material."""

import os
import socket
import struct
import tempfile
import time

import common
import daemon
import media
from media import Party
from test_calls import answer_msg, offer_msg

PORTS = ["--port-min=38200", "--port-max=38399"]


def datagram(size, tag):
    """An RTP packet of exactly `size` bytes whose payload is `tag` repeated."""
    header = struct.pack("!BBHII", 0x80, 0, tag, tag * 160, 0x1234)
    return header + bytes([tag]) * (size - len(header))


class OversizeTest(common.SharedDaemonTestCase):
    daemon_args = PORTS + ["--delete-delay=0"]

    def establish(self):
        a, b = Party(), Party()
        self.addCleanup(a.close)
        self.addCleanup(b.close)
        b.rtp.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        cid = "oversize-%f" % time.time()
        r1 = self.c.request(offer_msg(cid, "A", a.sdp()))
        r2 = self.c.request(answer_msg(cid, "A", "B", b.sdp()))
        self.assertEqual((r1[b"result"], r2[b"result"]), (b"ok", b"ok"), (r1, r2))
        return cid, a, b, media.media_port(r2[b"sdp"].decode())

    def receive_all(self, party, timeout=1.0):
        got = []
        party.rtp.settimeout(timeout)
        while True:
            try:
                got.append(party.rtp.recv(65536))
            except socket.timeout:
                return got
            party.rtp.settimeout(0.3)

    def test_oversize_datagrams_are_forwarded_whole_or_dropped_and_counted(self):
        cid, a, b, port_a = self.establish()
        relay = ("127.0.0.1", port_a)
        a.send(relay, count=2)  # a normal start: learning settles on a
        self.assertEqual(len(b.receive(want=2)), 2)
        sizes = [1500, 2049, 9000, 65000]
        sent = {}
        for tag, size in enumerate(sizes, start=1):
            sent[tag] = datagram(size, tag)
            a.rtp.sendto(sent[tag], relay)
        got = self.receive_all(b)
        arrived = set()
        for d in got:
            tag = d[12] if len(d) > 12 else None
            self.assertIn(tag, sent, "unexpected datagram of %d bytes" % len(d))
            self.assertEqual(len(d), len(sent[tag]),
                             "a %d-byte datagram arrived cut to %d bytes"
                             % (len(sent[tag]), len(d)))
            self.assertEqual(d, sent[tag])
            arrived.add(tag)
        self.assertIn(1, arrived, "a 1,500-byte datagram must be relayed")
        dropped = len(sizes) - len(arrived)
        q = self.c.request({"command": "query", "call-id": cid})
        drops = q[b"tags"][b"A"][b"medias"][0][b"streams"][0][b"drops"]
        self.assertEqual(drops[b"oversize"], dropped, (drops, sorted(arrived)))
        # Normal packets still flow afterwards.
        a.send(relay, count=5, start=100)
        self.assertEqual([d for d, _ in b.receive(want=5)],
                         [media.rtp_packet(100 + i) for i in range(5)])


class WildcardInterfaceTest(common.DaemonTestCase):
    def run_daemon(self, *args, config_file="none"):
        safe = ["--config-file=%s" % config_file, "--foreground", "--log-stderr",
                "--table=-1", "--listen-ng=127.0.0.1:%d" % daemon.free_udp_port()]
        return daemon.run(safe + list(args), timeout=5)

    def assertRefused(self, result, *needles):
        self.assertGreater(result.returncode, 0, result)
        for needle in ("--interface",) + needles:
            self.assertIn(needle, result.stderr, result)
        self.assertIsNone(daemon.sanitizer_report(result.stderr), result)

    def test_wildcard_local_address_refused(self):
        for value in ("0.0.0.0", "ext/0.0.0.0", "::", "::ffff:0.0.0.0"):
            with self.subTest(value=value):
                self.assertRefused(self.run_daemon("--interface=" + value), "wildcard",
                                   "concrete")

    def test_wildcard_refused_even_with_an_advertised_address(self):
        # The kernel path and symmetric RTP key on the address packets arrive at, so a
        # wildcard socket cannot work however it is advertised.
        for value in ("0.0.0.0!203.0.113.5", "ext/::!2001:db8::5"):
            with self.subTest(value=value):
                self.assertRefused(self.run_daemon("--interface=" + value), "wildcard")

    def test_unspecified_address_never_advertised(self):
        for value in ("127.0.0.1!0.0.0.0", "ext/::1!::"):
            with self.subTest(value=value):
                self.assertRefused(self.run_daemon("--interface=" + value), "hold")

    def test_config_file_wildcard_refused(self):
        tmp = tempfile.TemporaryDirectory(prefix="rtprelayd-boundary-")
        self.addCleanup(tmp.cleanup)
        path = os.path.join(tmp.name, "rtprelay.conf")
        with open(path, "w") as f:
            f.write("[rtprelay]\ninterface = 127.0.0.1; int/0.0.0.0\n")
        self.assertRefused(self.run_daemon(config_file=path), "wildcard")


SECRET = "SECRETKEY"
KEY = SECRET + "WVNfX19hWVNfX19hWVNfX19hWVNfX19hWVNf"


class SdpErrorQuoteTest(common.SharedDaemonTestCase):
    daemon_args = PORTS + ["--delete-delay=0"]

    def offer_error(self, sdp):
        r = self.c.request(offer_msg("quote-%f" % time.time(), "A", sdp))
        self.assertEqual(r[b"result"], b"error", r)
        return r[b"error-reason"].decode("utf-8", "replace")

    def head(self):
        return "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n" \
               "m=audio 40000 RTP/AVP 0\r\n"

    def assertKeyFree(self, reason, line_no):
        self.assertIn("SDP line %d" % line_no, reason)
        self.assertNotIn(SECRET[:6], reason)
        self.assertNotRegex(reason, r"inline:(?!\.\.\.)\S")
        self.assertLess(len(reason), 160, reason)
        log = self.daemon.stderr_text()
        self.assertNotIn(SECRET[:6], log)

    def test_malformed_line_with_inline_key(self):
        reason = self.offer_error(self.head() + " a=x-key-info inline:%s\r\n" % KEY)
        self.assertKeyFree(reason, 7)

    def test_malformed_crypto_line(self):
        for line in ("a =crypto:1 AES_CM_128_HMAC_SHA1_80 inline:%s|2^20|1:32" % KEY,
                     "acrypto:1 AES_CM_128_HMAC_SHA1_80 inline:%s" % KEY,
                     "a:crypto:1 AES_CM_128_HMAC_SHA1_80 inline:%s" % KEY,
                     " a=ice-pwd:%s" % KEY,
                     " k=base64:%s" % KEY):
            with self.subTest(line=line[:12]):
                reason = self.offer_error(self.head() + line + "\r\n")
                self.assertKeyFree(reason, 7)

    def test_key_broken_over_two_lines(self):
        # A line break inside the key: the second half is a malformed line of its own. (With
        # a suite the relay knows, the first half is already a key of the wrong length.)
        for suite, line_no in (("F8_128_HMAC_SHA1_80", 8), ("AES_CM_128_HMAC_SHA1_80", 7)):
            with self.subTest(suite=suite):
                sdp = self.head() + "a=crypto:1 %s inline:WVNfX19h\r\n" % suite + \
                    KEY + "|2^20\r\n"
                self.assertKeyFree(self.offer_error(sdp), line_no)

    def test_first_line_with_a_key(self):
        sdp = "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:%s\r\n" % KEY + self.head()
        self.assertKeyFree(self.offer_error(sdp), 1)

    def test_connection_line_with_a_key(self):
        sdp = self.head() + "c=IN IP4 inline:%s\r\n" % KEY
        self.assertKeyFree(self.offer_error(sdp), 7)

    def test_very_long_malformed_line(self):
        reason = self.offer_error(self.head() + "x" * 5000 + "\r\n")
        self.assertIn("SDP line 7", reason)
        self.assertNotIn("x" * 21, reason)
        self.assertLess(len(reason), 160, reason)
        self.assertNotIn("x" * 21, self.daemon.stderr_text())
