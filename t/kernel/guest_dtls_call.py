"""A DTLS-SRTP call through rtprelayd in the QEMU guest with xt_RTPRELAY: the caller offers
UDP/TLS/RTP/SAVP (no ICE), does its handshake with `openssl s_client` from the port its SDP
names (the relay is the DTLS server), and then sends SRTP made by libsrtp2 with the keys
s_client exported (RFC 5764 4.2); the callee is plain RTP. Before the handshake nothing may be
kernelized towards the caller (the kernel would send it plain RTP); after learning, all four
streams must be in the kernel with the DTLS-derived keys, and with the daemon frozen (SIGSTOP)
media must flow both ways, every packet arriving and decrypting. delete leaves no target.
Prints "ok - ..." / "not ok - ..." lines, then "done".
Usage: guest_dtls_call.py NG_PORT TABLE RTPRELAYD_PID (as guest_srtp_call.py, whose helpers
it uses)"""

import os
import re
import socket
import subprocess
import sys
import tempfile
import time

import guest_srtp_call as sc
import srtp
from media import Party, media_port, rtp_packet
from ngclient import NgClient

SUITE = "AES_CM_128_HMAC_SHA1_80"


def certificate(work):
    """A self-signed P-256 certificate and key, and its sha-256 fingerprint for SDP."""
    key, cert = os.path.join(work, "party.key"), os.path.join(work, "party.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=party", "-days",
                    "1", "-keyout", key, "-out", cert], check=True, capture_output=True)
    out = subprocess.run(["openssl", "x509", "-noout", "-fingerprint", "-sha256", "-in", cert],
                         check=True, capture_output=True, text=True).stdout
    return key, cert, "sha-256 " + out.strip().split("=", 1)[1]


def handshake(key, cert, port, relay_port):
    """s_client's association from 127.0.0.1:`port`: (client key||salt, server key||salt), or
    None. The process is killed afterwards (no close_notify): the association stays up."""
    proc = subprocess.Popen(
        ["openssl", "s_client", "-dtls1_2", "-connect", "127.0.0.1:%d" % relay_port, "-bind",
         "127.0.0.1:%d" % port, "-cert", cert, "-key", key, "-use_srtp",
         "SRTP_AES128_CM_SHA1_80", "-keymatexport", "EXTRACTOR-dtls_srtp", "-keymatexportlen",
         "60", "-timeout"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    keys = None
    deadline = time.time() + 30  # TCG makes the handshake's ECDSA slow
    try:
        while time.time() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            m = re.search(r"Keying material: ([0-9A-Fa-f]{120})", line)
            if m:
                k = bytes.fromhex(m.group(1))
                keys = k[0:16] + k[32:46], k[16:32] + k[46:60]
                break
    finally:
        proc.kill()
        proc.wait()
    return keys


class DtlsCaller(sc.Caller):  # pylint: disable=super-init-not-called
    """sc.Caller with the DTLS-exported keys instead of SDES ones."""

    def __init__(self, party, keys):
        client, server = keys
        self.s = srtp.SrtpParty(SUITE, key=client, party=party)
        self.s.rx = srtp.Srtp(SUITE, server, inbound=True)
        for sock in (party.rtp, party.rtcp):
            sock.setsockopt(socket.SOL_SOCKET, sc.SO_RCVBUFFORCE, 4 << 20)
        self.wire = []


def callee_alone(ng, call_id, a, b, rb, before):
    """The callee's confirmed stream before the caller has keys (`before`: "the handshake",
    ...): it must stay in userspace and nothing may reach the caller, in the clear through
    the kernel or otherwise. Numbered up to where talk() goes on, as a phone's stream would be."""
    n = int(sc.LEARN_S * 50)
    for i in range(n):
        b.rtp.sendto(rtp_packet(sc.START - n + i, ssrc=sc.SSRC_B), ("127.0.0.1", rb))
        time.sleep(0.02)
    s = sc.streams(ng, call_id)
    sc.check("before %s the callee's stream stays in userspace" % before,
             not sc.kernelized(s[rb]), s[rb][b"flags"])
    leaked = a.receive(timeout=0.3)
    sc.check("before %s nothing reaches the caller" % before, not leaked, len(leaked))


def main():
    ng = NgClient(("127.0.0.1", sc.NG_PORT))
    work = tempfile.mkdtemp(prefix="dtls-")
    key, cert, fingerprint = certificate(work)
    a, b = Party(), sc.callee()
    call_id = "kernel-dtls-call-1"
    sdp = a.sdp(media="m=audio {port} UDP/TLS/RTP/SAVP 0\r\n",
                extra="a=setup:actpass\r\na=fingerprint:%s\r\n" % fingerprint)
    offer = sc.request(ng, {"command": "offer", "call-id": call_id, "from-tag": "A",
                            "transport-protocol": "RTP/AVP", "sdp": sdp})
    answer = sc.request(ng, {"command": "answer", "call-id": call_id, "from-tag": "A",
                             "to-tag": "B", "sdp": b.sdp()})
    ra, rb = media_port(answer[b"sdp"].decode()), media_port(offer[b"sdp"].decode())
    sc.check("the relay answers the caller as the DTLS server",
             "a=setup:passive\r\n" in answer[b"sdp"].decode())

    callee_alone(ng, call_id, a, b, rb, "the handshake")

    a.rtp.close()  # s_client takes the port for the handshake
    keys = handshake(key, cert, a.port, ra)
    sc.check("s_client's handshake with the relay exported SRTP keys", keys is not None)
    if keys is None:
        print("done")
        return 1
    a.rtp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    a.rtp.bind(("127.0.0.1", a.port))
    caller = DtlsCaller(a, keys)

    seq = sc.talk(caller, ra, b, rb, sc.LEARN_S, sc.START)
    s = sc.streams(ng, call_id)
    sc.check("after the handshake and learning all four streams are kernelized",
             all(sc.kernelized(s[p]) for p in (ra, ra + 1, rb, rb + 1)),
             [s[p][b"flags"] for p in (ra, ra + 1, rb, rb + 1)])
    t = sc.targets()
    sc.check("/proc list: the caller's targets unprotect (srtp_in), the callee's protect",
             sum(" srtp_in 1 " in line for line in t) == 2 and
             sum(" srtp_out0 1 " in line for line in t) == 2, t)
    sc.frozen_burst(caller, ra, b, rb, seq, "DTLS keys, daemon frozen")
    return sc.end_call(ng, call_id)


if __name__ == "__main__":
    sys.exit(main())
