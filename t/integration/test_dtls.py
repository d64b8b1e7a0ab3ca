"""DTLS-SRTP through the real rtprelayd, against another DTLS implementation: `openssl
s_client` (OpenSSL's own client program, DTLS 1.2 with use_srtp) plays a party that offers
UDP/TLS/RTP/SAVP without ICE, from the port its SDP names; the relay answers passive and is
the server. The keys s_client exports (RFC 5764 4.2) key libsrtp2 in this script (srtp.py),
so SRTP made outside the relay must come out as plain RTP on the other side, and back.

- The handshake, SRTP both ways with the exported keys.
- The party closes its association and starts over with a new ClientHello (a browser's DTLS
  restart): the relay takes it as a new association, and media goes on with the new keys.
- A certificate that is not the SDP's a=fingerprint: the relay ends the handshake with an
  alert (s_client fails), counts it once (statistics `dtls failed`), and no media passes.
- `DTLS-reverse=active`: the relay answers as the active side and is the client of `openssl
  s_server` at the party's address; media flows with those keys.
- `DTLS=off`: the other side is offered SDES-keyed RTP/SAVP, and the relay translates between
  the handshake's keys and the SDES keys of both sides.

The browser suite (t/webrtc) does the same with Chromium and Firefox, ICE included; this one
runs in every build of the integration suite (ASan, TSan).
"""

import os
import re
import select
import shutil
import socket
import subprocess
import tempfile
import time

import common
import media
import srtp
from test_calls import answer_msg, offer_msg

PORTS = ["--port-min=37000", "--port-max=37999"]
SUITE = "AES_CM_128_HMAC_SHA1_80"


def run(*argv):
    return subprocess.run(argv, check=True, capture_output=True, text=True).stdout


class Certificate:
    """A self-signed ECDSA P-256 certificate, as a browser makes one, and its sha-256
    fingerprint in SDP's form."""

    def __init__(self, work, name):
        self.key = os.path.join(work, name + ".key")
        self.cert = os.path.join(work, name + ".pem")
        run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
            "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=" + name, "-days", "1",
            "-keyout", self.key, "-out", self.cert)
        out = run("openssl", "x509", "-noout", "-fingerprint", "-sha256", "-in", self.cert)
        self.fingerprint = "sha-256 " + out.strip().split("=", 1)[1]


class OpenSslParty:
    """One DTLS association of the party at 127.0.0.1:`port`: `openssl s_client` to the relay's
    `relay_port`, or with relay_port None `openssl s_server`, which waits for the relay's
    ClientHello (and asks for its certificate). keys() waits for the handshake and returns the
    exported keying material, close() ends it with a close_notify (stdin closed)."""

    def __init__(self, cert, port, relay_port=None):
        if relay_port is None:
            role = ["s_server", "-accept", "127.0.0.1:%d" % port, "-verify", "1"]
        else:
            role = ["s_client", "-connect", "127.0.0.1:%d" % relay_port, "-bind",
                    "127.0.0.1:%d" % port, "-timeout"]
        self.proc = subprocess.Popen(
            ["openssl"] + role +
            ["-dtls1_2", "-cert", cert.cert, "-key", cert.key, "-use_srtp",
             "SRTP_AES128_CM_SHA1_80", "-keymatexport", "EXTRACTOR-dtls_srtp",
             "-keymatexportlen", "60"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.output = ""

    def keys(self, timeout=10):
        """(client key||salt, server key||salt), or None if the handshake failed or did not
        finish within `timeout`. Reads the pipe's descriptor directly, so a silent peer cannot
        block past the timeout."""
        deadline = time.time() + timeout
        fd = self.proc.stdout.fileno()
        pending = ""
        try:
            while True:
                m = re.search(r"Keying material: ([0-9A-Fa-f]{120})", pending)
                if m:
                    k = bytes.fromhex(m.group(1))
                    # client key, server key, client salt, server salt (RFC 5764 4.2)
                    return k[0:16] + k[32:46], k[16:32] + k[46:60]
                left = deadline - time.time()
                if left <= 0 or not select.select([fd], [], [], left)[0]:
                    return None
                data = os.read(fd, 4096)
                if not data:
                    return None  # exited: failed
                pending += data.decode(errors="replace")
        finally:
            self.output += pending

    def close(self):
        if self.proc.stdout.closed:
            return
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.output += self.proc.stdout.read()
        self.proc.stdout.close()


class DtlsTest(common.SharedDaemonTestCase):
    daemon_args = PORTS + ["--delete-delay=0"]

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.work = tempfile.mkdtemp(prefix="rtprelay-dtls-")
        cls.cert = Certificate(cls.work, "party")
        cls.other = Certificate(cls.work, "stranger")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.work, ignore_errors=True)
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        self.n = 0
        self.parties = []
        self.clients = []

    def tearDown(self):
        for c in self.clients:
            c.close()
        for p in self.parties:
            p.close()
        super().tearDown()

    def ok(self, msg):
        r = self.c.request(msg)
        self.assertEqual(r.get(b"result"), b"ok", r)
        return r

    def dtls_failed(self):
        r = self.ok({"command": "statistics"})
        return r[b"statistics"][b"rtprelay"][b"dtls failed"]

    def call(self, fingerprint):
        """A DTLS party A (its RTP socket closed, for s_client to take the port) offers to a
        plain phone B; returns (call-id, A, B, the relay's port for A, for B)."""
        cid, a, b = self.new_call()
        out = self.ok(offer_msg(cid, "A", self.offer_sdp(a, fingerprint),
                                **{"transport-protocol": "RTP/AVP"}))
        port_b = media.media_port(out[b"sdp"].decode())
        ans = self.ok(answer_msg(cid, "A", "B", b.sdp()))[b"sdp"].decode()
        self.assertIn("a=setup:passive\r\n", ans)
        self.assertIn("UDP/TLS/RTP/SAVP", ans)
        a.rtp.close()
        return cid, a, b, media.media_port(ans), port_b

    def dtls_client(self, cert, a, relay_port):
        c = OpenSslParty(cert, a.port, relay_port)
        self.clients.append(c)
        return c

    def take_port_back(self, a):
        a.rtp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        a.rtp.bind(("127.0.0.1", a.port))

    def new_call(self):
        self.n += 1
        cid = "%s-%d-%f" % (self.id().split(".")[-1], self.n, time.time())
        a, b = media.Party(), media.Party()
        self.parties += [a, b]
        return cid, a, b

    def offer_sdp(self, a, fingerprint=None):
        """A's offer of UDP/TLS/RTP/SAVP, actpass, with the certificate of `fingerprint`
        (default: its own)."""
        return a.sdp(media="m=audio {port} UDP/TLS/RTP/SAVP 0\r\n",
                     extra="a=rtcp-mux\r\na=setup:actpass\r\na=fingerprint:%s\r\n" %
                     (fingerprint or self.cert.fingerprint))

    def media_both_ways(self, a, b, port_a, port_b, keys, start):
        """SRTP from A with the client's keys reaches B as RTP; B's RTP reaches A as SRTP
        that the server's keys decrypt."""
        client_keys, server_keys = keys
        tx = srtp.Srtp(SUITE, client_keys, inbound=False)
        rx = srtp.Srtp(SUITE, server_keys, inbound=True)
        try:
            for i in range(5):
                a.rtp.sendto(tx.protect(media.rtp_packet(start + i, ssrc=0xA)),
                             ("127.0.0.1", port_a))
            got = b.receive(want=5)
            self.assertEqual([p for p, _ in got],
                             [media.rtp_packet(start + i, ssrc=0xA) for i in range(5)])
            b.send(("127.0.0.1", port_b), count=5, start=start)
            got = a.receive(want=5)
            self.assertEqual(len(got), 5)
            self.assertEqual(rx.unprotect(got[0][0]), media.rtp_packet(start, ssrc=0x1234))
        finally:
            tx.close()
            rx.close()

    def test_handshake_srtp_and_a_restart_by_clienthello(self):
        failed = self.dtls_failed()
        cid, a, b, port_a, port_b = self.call(self.cert.fingerprint)
        first = self.dtls_client(self.cert, a, port_a)
        keys = first.keys()
        self.assertIsNotNone(keys, first.output)
        self.assertIn("SRTP Extension negotiated, profile=SRTP_AES128_CM_SHA1_80", first.output)
        first.close()  # close_notify: the association is over
        self.take_port_back(a)
        self.media_both_ways(a, b, port_a, port_b, keys, 0)

        # The party starts over with a new ClientHello: a new association, new keys.
        a.rtp.close()
        second = self.dtls_client(self.cert, a, port_a)
        new_keys = second.keys()
        self.assertIsNotNone(new_keys, second.output)
        self.assertNotEqual(new_keys, keys)
        second.close()
        self.take_port_back(a)
        self.media_both_ways(a, b, port_a, port_b, new_keys, 100)
        stream = self.ok({"command": "query", "call-id": cid})[b"tags"][b"A"][b"medias"][0]
        self.assertEqual(stream[b"streams"][0][b"drops"][b"srtp auth failed"], 0)
        # Closing after keying is hanging up, not a failure.
        self.assertEqual(self.dtls_failed(), failed)

    def test_a_certificate_other_than_the_fingerprint_is_refused(self):
        before = self.dtls_failed()
        cid, a, b, port_a, port_b = self.call(self.cert.fingerprint)
        client = self.dtls_client(self.other, a, port_a)
        client.keys()  # s_client prints its session even when the alert ended it
        client.close()
        self.assertIn("alert bad certificate", client.output)
        self.assertEqual(self.dtls_failed() - before, 1)
        # Nothing passes: the party has no keys, and plain RTP is not taken from it.
        self.take_port_back(a)
        a.send(("127.0.0.1", port_a), count=3)
        b.send(("127.0.0.1", port_b), count=3)
        self.assertEqual(b.receive(timeout=0.5), [])
        self.assertEqual(a.receive(timeout=0.5), [])
        drops = self.ok({"command": "query", "call-id": cid})[b"tags"][b"A"][b"medias"][0]
        self.assertEqual(drops[b"streams"][0][b"drops"][b"dtls pending"], 3)

    def test_dtls_reverse_active_makes_the_relay_the_client(self):
        """DTLS-reverse=active with the offer: the relay answers the offerer's actpass as the
        active side and does the handshake with `openssl s_server` at the party's address."""
        cid, a, b = self.new_call()
        # The party's port stays bound through the signalling: a free port inside the relay's
        # media range would be refused as a media address. s_server takes it afterwards; the
        # relay's ClientHello comes again on its retransmission timer if it came too early.
        out = self.ok(offer_msg(cid, "A", self.offer_sdp(a), **{
            "transport-protocol": "RTP/AVP", "DTLS-reverse": "active"}))
        ans = self.ok(answer_msg(cid, "A", "B", b.sdp()))[b"sdp"].decode()
        self.assertIn("a=setup:active\r\n", ans)
        a.rtp.close()
        server = OpenSslParty(self.cert, a.port)
        self.clients.append(server)
        keys = server.keys()
        self.assertIsNotNone(keys, server.output)
        self.assertIn("SRTP Extension negotiated, profile=SRTP_AES128_CM_SHA1_80",
                      server.output)
        server.close()
        self.take_port_back(a)
        # The relay is the client: the party sends with the server's keys.
        self.media_both_ways(a, b, media.media_port(ans), media.media_port(out[b"sdp"].decode()),
                             (keys[1], keys[0]), 0)

    def test_dtls_off_keys_the_other_side_by_sdes(self):
        """DTLS=off on a DTLS party's offer: the other side is offered its profile keyed by
        SDES (RTP/SAVP with a=crypto, no fingerprint), and the relay translates between the
        keys of s_client's handshake and the SDES keys of both sides. The party writes its
        DTLS attributes at session level, as Firefox does: they must not pass either."""
        cid, a, b = self.new_call()
        dtls = "a=setup:actpass\r\na=fingerprint:%s\r\n" % self.cert.fingerprint
        sdp = a.sdp(media="m=audio {port} UDP/TLS/RTP/SAVP 0\r\n", extra="a=rtcp-mux\r\n")
        sdp = sdp.replace("t=0 0\r\n", "t=0 0\r\n" + dtls)
        to_b = self.ok(offer_msg(cid, "A", sdp, DTLS="off"))[b"sdp"].decode()
        self.assertIn(" RTP/SAVP 0\r\n", to_b)
        for attr in ("a=fingerprint", "a=setup"):
            self.assertNotIn(attr, to_b)
        offered = [c for c in srtp.parse_crypto(to_b)[0] if c.suite == SUITE][0]
        key_b = srtp.new_key(SUITE)
        sdp_b = b.sdp(media="m=audio {port} RTP/SAVP 0\r\n",
                      extra="a=crypto:%s\r\n" % srtp.crypto_line(offered.tag, SUITE, key_b))
        to_a = self.ok(answer_msg(cid, "A", "B", sdp_b))[b"sdp"].decode()
        self.assertIn(" UDP/TLS/RTP/SAVP 0\r\n", to_a)
        self.assertIn("a=setup:passive\r\n", to_a)
        self.assertNotIn("a=crypto", to_a)
        port_a, port_b = media.media_port(to_a), media.media_port(to_b)
        a.rtp.close()
        client = self.dtls_client(self.cert, a, port_a)
        keys = client.keys()
        self.assertIsNotNone(keys, client.output)
        client.close()
        self.take_port_back(a)
        with srtp.Srtp(SUITE, keys[0], inbound=False) as a_tx, \
                srtp.Srtp(SUITE, keys[1], inbound=True) as a_rx, \
                srtp.Srtp(SUITE, key_b, inbound=False) as b_tx, \
                srtp.Srtp(SUITE, offered.key_salt, inbound=True) as b_rx:
            sent = [media.rtp_packet(i, ssrc=0xA) for i in range(5)]
            for p in sent:
                a.rtp.sendto(a_tx.protect(p), ("127.0.0.1", port_a))
            self.assertEqual([b_rx.unprotect(p) for p, _ in b.receive(want=5)], sent)
            sent = [media.rtp_packet(i, ssrc=0xB) for i in range(5)]
            for p in sent:
                b.rtp.sendto(b_tx.protect(p), ("127.0.0.1", port_b))
            self.assertEqual([a_rx.unprotect(p) for p, _ in a.receive(want=5)], sent)
