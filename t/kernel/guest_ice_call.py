"""A WebRTC-style call through rtprelayd in the QEMU guest with xt_RTPRELAY: the caller offers
ICE (two components, no rtcp-mux) and DTLS-SRTP, checks the relay's candidates with STUN
binding requests that python3-aioice writes (USE-CANDIDATE, as a controlling browser), does its
handshake with `openssl s_client` from the checked address, and sends SRTP with the keys
s_client exported; the callee is plain RTP. Checked here:
- before any check nothing is kernelized towards the caller and nothing reaches it;
- after the nomination and the handshake all four streams are kernelized, and with the daemon
  frozen (SIGSTOP) media flows both ways whole while STUN and DTLS would still go up;
- consent (RFC 7675): 30 s after the caller's last check the callee's streams are taken back
  to userspace and nothing more reaches the caller (counted as `ice no consent`), while the
  caller's media still goes through the kernel; new checks put them back in the kernel, and a
  frozen-daemon burst arrives whole again;
- delete leaves no target.
Prints "ok - ..." / "not ok - ..." lines, then "done".
Usage: guest_ice_call.py NG_PORT TABLE RTPRELAYD_PID (as guest_srtp_call.py)"""

import re
import select
import socket
import sys
import tempfile
import time

import guest_dtls_call as dc
import guest_srtp_call as sc
from media import Party, media_port, rtp_packet
from ngclient import NgClient

sys.path.append("/usr/lib/python3/dist-packages")  # Debian's python3-aioice
import aioice.stun  # noqa: E402  pylint: disable=wrong-import-position

UFRAG, PWD = "callerUF", "callerpasswordcallerpass"
CONSENT_S = 30  # RFC 7675 5.1, the daemon's ice::Agent::kConsentMs


def relay_credentials(sdp):
    ufrag = re.search(r"a=ice-ufrag:(\S+)", sdp).group(1)
    pwd = re.search(r"a=ice-pwd:(\S+)", sdp).group(1)
    return ufrag, pwd


def nominate(sock, port, relay):
    """A controlling agent's check with USE-CANDIDATE from `sock` to the relay's `port`;
    True if a success response that carries the relay's integrity came back."""
    ufrag, pwd = relay
    req = aioice.stun.Message(aioice.stun.Method.BINDING, aioice.stun.Class.REQUEST)
    req.attributes["USERNAME"] = "%s:%s" % (ufrag, UFRAG)
    req.attributes["PRIORITY"] = 0x6e7f1eff
    req.attributes["ICE-CONTROLLING"] = 7
    req.attributes["USE-CANDIDATE"] = None
    req.add_message_integrity(pwd.encode())  # and FINGERPRINT
    sock.sendto(bytes(req), ("127.0.0.1", port))
    deadline = time.time() + 2
    while time.time() < deadline:
        if not select.select([sock], [], [], deadline - time.time())[0]:
            break
        data = sock.recv(2048)
        if data[:1] not in (b"\x00", b"\x01"):
            continue  # media that was already on its way
        try:
            resp = aioice.stun.parse_message(data, integrity_key=pwd.encode())
        except ValueError:
            return False
        return (resp.message_class == aioice.stun.Class.RESPONSE and
                resp.transaction_id == req.transaction_id)
    return False


def nominate_both(a, ra, relay):
    ok = nominate(a.rtp, ra, relay) and nominate(a.rtcp, ra + 1, relay)
    return ok, time.time()


def callee_to_caller_blocked(caller, b, rb, seq, desc):
    """20 RTP from the callee: none may reach the caller."""
    for i in range(20):
        b.rtp.sendto(rtp_packet(seq + i, ssrc=sc.SSRC_B), ("127.0.0.1", rb))
        time.sleep(0.005)
    got = caller.s.receive(timeout=0.5)
    sc.check(desc, not got, "%d packets arrived" % len(got))
    return seq + 20


def main():
    ng = NgClient(("127.0.0.1", sc.NG_PORT))
    work = tempfile.mkdtemp(prefix="ice-")
    key, cert, fingerprint = dc.certificate(work)
    a, b = Party(), sc.callee()
    call_id = "kernel-ice-call-1"
    ice = ("a=ice-ufrag:%s\r\na=ice-pwd:%s\r\n"
           "a=candidate:1 1 UDP 2130706431 127.0.0.1 %d typ host\r\n"
           "a=candidate:1 2 UDP 2130706430 127.0.0.1 %d typ host\r\n"
           % (UFRAG, PWD, a.port, a.port + 1))
    sdp = a.sdp(media="m=audio {port} UDP/TLS/RTP/SAVP 0\r\n",
                extra="a=setup:actpass\r\na=fingerprint:%s\r\n%s" % (fingerprint, ice))
    offer = sc.request(ng, {"command": "offer", "call-id": call_id, "from-tag": "A",
                            "transport-protocol": "RTP/AVP", "ICE": "remove", "sdp": sdp})
    answer = sc.request(ng, {"command": "answer", "call-id": call_id, "from-tag": "A",
                             "to-tag": "B", "sdp": b.sdp()})
    to_a = answer[b"sdp"].decode()
    ra, rb = media_port(to_a), media_port(offer[b"sdp"].decode())
    relay = relay_credentials(to_a)
    sc.check("the relay answers the caller with ICE and as the DTLS server",
             "a=setup:passive\r\n" in to_a and "a=ice-ufrag:" in to_a)
    sc.check("the callee's offer carries no ICE", "a=ice-" not in offer[b"sdp"].decode())

    dc.callee_alone(ng, call_id, a, b, rb, "any check")

    ok, last_check = nominate_both(a, ra, relay)
    sc.check("the relay answers the caller's checks on both components", ok)
    a.rtp.close()  # s_client takes the checked port for the handshake
    keys = dc.handshake(key, cert, a.port, ra)
    sc.check("s_client's handshake from the checked address exported SRTP keys",
             keys is not None)
    if keys is None:
        print("done")
        return 1
    a.rtp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    a.rtp.bind(("127.0.0.1", a.port))
    caller = dc.DtlsCaller(a, keys)

    seq = sc.talk(caller, ra, b, rb, sc.LEARN_S, sc.START)
    s = sc.streams(ng, call_id)
    sc.check("nominated and keyed: all four streams are kernelized",
             all(sc.kernelized(s[p]) for p in (ra, ra + 1, rb, rb + 1)),
             [s[p][b"flags"] for p in (ra, ra + 1, rb, rb + 1)])
    seq = sc.frozen_burst(caller, ra, b, rb, seq, "ICE nominated, daemon frozen")

    # The daemon judges consent once a second: wait past the 30 s and that tick.
    time.sleep(max(0.0, last_check + CONSENT_S + 2.5 - time.time()))
    s = sc.streams(ng, call_id)
    sc.check("consent lapsed: the callee's streams are back in userspace",
             not sc.kernelized(s[rb]) and not sc.kernelized(s[rb + 1]),
             [s[p][b"flags"] for p in (rb, rb + 1)])
    sc.check("consent lapsed: the caller's streams stay in the kernel",
             sc.kernelized(s[ra]) and sc.kernelized(s[ra + 1]),
             [s[p][b"flags"] for p in (ra, ra + 1)])
    seq = callee_to_caller_blocked(caller, b, rb, seq,
                                   "consent lapsed: nothing reaches the caller")
    s = sc.streams(ng, call_id)
    sc.check("consent lapsed: the callee's packets count as `ice no consent`",
             sc.drops(s[rb], "ice no consent") >= 20, s[rb][b"drops"])

    ok, _ = nominate_both(a, ra, relay)
    sc.check("the caller's new checks are answered", ok)
    s = sc.streams(ng, call_id)
    sc.check("consent renewed: all four streams are kernelized again",
             all(sc.kernelized(s[p]) for p in (ra, ra + 1, rb, rb + 1)),
             [s[p][b"flags"] for p in (ra, ra + 1, rb, rb + 1)])
    sc.frozen_burst(caller, ra, b, rb, seq, "consent renewed, daemon frozen")
    return sc.end_call(ng, call_id)


if __name__ == "__main__":
    sys.exit(main())
