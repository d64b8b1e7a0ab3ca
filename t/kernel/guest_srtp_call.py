"""An SRTP call through rtprelayd in the QEMU guest with xt_RTPRELAY: the caller speaks
SDES-SRTP (AES_CM_128_HMAC_SHA1_80, by libsrtp2 through t/integration/srtp.py), the callee
plain RTP, so the relay unprotects one way and protects the other. After learning, all four
streams must be in the kernel; with the daemon frozen (SIGSTOP) media must still flow both
ways, across the sequence wrap (rollover counter 0 -> 1 in the kernel), every packet arriving
and decrypting; tampered and replayed SRTP must be dropped and counted (query and
statistics); a re-INVITE takes the streams back to userspace, which must go on from the
kernel's rollover counters with no authentication failure, and the streams must be
kernelized again and carry on. delete leaves no target.
Prints "ok - ..." / "not ok - ..." lines, then "done".
Usage: guest_srtp_call.py NG_PORT TABLE RTPRELAYD_PID"""

import os
import signal
import socket
import sys
import time

import srtp
from media import Party, media_port, rtcp_packet, rtp_packet
from ngclient import NgClient

NG_PORT, TABLE, PID = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
SUITE = "AES_CM_128_HMAC_SHA1_80"
LEARN_S = 3.6  # learning (docs/security.md) and kernelizing, with time to spare
N = 200
# Both parties start here, so learning ends just before the wrap and the frozen burst crosses it.
START = 65536 - int(LEARN_S * 50) - 40
SSRC_A, SSRC_B = 0xA0A0A0A0, 0xB0B0B0B0
FAILED = 0
SO_RCVBUFFORCE = getattr(socket, "SO_RCVBUFFORCE", 33)  # root only


def check(desc, cond, detail=""):
    global FAILED
    print(("ok - " if cond else "not ok - ") + desc)
    sys.stdout.flush()
    if not cond:
        FAILED += 1
        if detail != "":
            print("    # " + str(detail))


def request(ng, msg):
    r = ng.request(msg, timeout=5)
    if r.get(b"result") != b"ok":
        raise AssertionError("%s: %r" % (msg["command"], r))
    return r


def streams(ng, call_id):
    """{local port: stream dict} of every stream in the call."""
    r = request(ng, {"command": "query", "call-id": call_id})
    out = {}
    for tag in r[b"tags"].values():
        for m in tag[b"medias"]:
            for s in m[b"streams"]:
                out[s[b"local port"]] = s
    return out


def kernelized(s):
    return b"kernelized" in s[b"flags"]


def drops(s, reason):
    return s[b"drops"].get(reason.encode(), 0)


def srtp_totals(ng):
    r = request(ng, {"command": "statistics"})[b"statistics"][b"rtprelay"]
    return r[b"srtp auth failed"], r[b"srtp replay"]


def targets():
    with open("/proc/rtprelay/%d/list" % TABLE) as f:
        return [line for line in f if line.startswith("local ")]


class Caller:
    """The SRTP side: sends libsrtp2's SRTP, keeps the wire bytes for replays."""

    def __init__(self):
        self.s = srtp.SrtpParty(SUITE)
        for sock in (self.s.party.rtp, self.s.party.rtcp):
            sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 4 << 20)
        self.wire = []

    def rtp(self, n, to):
        data = self.s.tx.protect(rtp_packet(n, ssrc=SSRC_A))
        self.wire.append(data)
        self.s.party.rtp.sendto(data, ("127.0.0.1", to))

    def rtcp(self, to):
        self.s.party.rtcp.sendto(self.s.tx.protect_rtcp(rtcp_packet(SSRC_A)), ("127.0.0.1", to))


def callee():
    p = Party()
    for sock in (p.rtp, p.rtcp):
        sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 4 << 20)
    return p


def talk(a, ra, b, rb, seconds, start):
    """Both ways at 50 packets/s, RTCP every 10th, for `seconds` (learning)."""
    n = int(seconds * 50)
    for i in range(n):
        a.rtp(start + i, ra)
        b.rtp.sendto(rtp_packet(start + i, ssrc=SSRC_B), ("127.0.0.1", rb))
        if i % 10 == 0:
            a.rtcp(ra + 1)
            b.rtcp.sendto(rtcp_packet(SSRC_B), ("127.0.0.1", rb + 1))
        time.sleep(0.02)
    b.receive(b.rtp, timeout=0.1)
    b.receive(b.rtcp, timeout=0.05)
    a.s.receive(timeout=0.1)
    a.s.receive(timeout=0.05, rtcp=True)
    return start + n


def burst(a, ra, b, rb, start, desc):
    """N RTP and 10 RTCP each way; every packet must arrive, plain at the callee and
    decrypting at the caller."""
    for i in range(N):
        a.rtp(start + i, ra)
        b.rtp.sendto(rtp_packet(start + i, ssrc=SSRC_B), ("127.0.0.1", rb))
        if i % 20 == 0:
            a.rtcp(ra + 1)
            b.rtcp.sendto(rtcp_packet(SSRC_B), ("127.0.0.1", rb + 1))
        time.sleep(0.001)
    want = {rtp_packet(start + i, ssrc=SSRC_A) for i in range(N)}
    # The waits end as soon as everything arrived; they are long because the guest runs
    # emulated (TCG) and a busy host may leave the relay's userspace part unscheduled a while.
    got_b = {p for p, _ in b.receive(b.rtp, timeout=5, want=N)}
    check("%s: the callee got all %d RTP packets, plain and whole" % (desc, N), got_b == want,
          "%d of %d" % (len(got_b & want), N))
    got_b_rtcp = [p for p, _ in b.receive(b.rtcp, timeout=1, want=10)]
    check("%s: the callee got all 10 RTCP packets, plain" % desc,
          len(got_b_rtcp) == 10 and all(p == rtcp_packet(SSRC_A) for p in got_b_rtcp),
          len(got_b_rtcp))
    errors = len(a.s.errors)
    want_a = {rtp_packet(start + i, ssrc=SSRC_B) for i in range(N)}
    got_a = {p for p, _ in a.s.receive(timeout=5, want=N)}
    ok_a = got_a == want_a and len(a.s.errors) == errors
    # Where missing packets went, from the targets' counters (userspace_*, errors, drops).
    check("%s: the caller got all %d RTP packets as SRTP that libsrtp2 decrypts" % (desc, N),
          ok_a, "%d of %d, %d failed%s" % (len(got_a & want_a), N, len(a.s.errors) - errors,
                                           "" if ok_a else "; targets: %s" % targets()))
    got_a_rtcp = a.s.receive(timeout=1, want=10, rtcp=True)
    check("%s: the caller got all 10 RTCP packets as SRTCP" % desc, len(got_a_rtcp) == 10,
          len(got_a_rtcp))
    return start + N


def frozen_burst(a, ra, b, rb, start, desc):
    """burst() with the daemon stopped (SIGSTOP): only the kernel can carry it."""
    os.kill(PID, signal.SIGSTOP)
    try:
        return burst(a, ra, b, rb, start, desc)
    finally:
        os.kill(PID, signal.SIGCONT)


def end_call(ng, call_id):
    """delete must leave no target; prints "done" and returns the script's exit code."""
    request(ng, {"command": "delete", "call-id": call_id, "delete-delay": 0})
    check("delete: no target left", not targets(), targets())
    print("done")
    return 1 if FAILED else 0


def main():
    ng = NgClient(("127.0.0.1", NG_PORT))
    a, b = Caller(), callee()
    call_id = "kernel-srtp-call-1"

    def signalling(version):
        offer = request(ng, {"command": "offer", "call-id": call_id, "from-tag": "A",
                             "transport-protocol": "RTP/AVP", "sdp": a.s.sdp(version=version)})
        answer = request(ng, {"command": "answer", "call-id": call_id, "from-tag": "A",
                              "to-tag": "B", "sdp": b.sdp(version=version)})
        sdp = answer[b"sdp"].decode()
        if version == 1:
            a.s.accept(sdp)
        else:  # the caller's libsrtp2 keeps its session (and rollover counters) if the key stays
            keys = [c.key_salt for c in srtp.all_crypto(sdp)]
            check("re-INVITE: the relay answers with the same key", keys == [a.s.peer.key_salt])
        return media_port(sdp), media_port(offer[b"sdp"].decode())

    ra, rb = signalling(1)
    seq = talk(a, ra, b, rb, LEARN_S, START)
    s = streams(ng, call_id)
    check("after learning all four streams are kernelized",
          all(kernelized(s[p]) for p in (ra, ra + 1, rb, rb + 1)),
          [s[p][b"flags"] for p in (ra, ra + 1, rb, rb + 1)])
    t = targets()
    check("/proc list: the caller's targets unprotect (srtp_in), the callee's protect",
          sum(" srtp_in 1 " in line for line in t) == 2 and
          sum(" srtp_out0 1 " in line for line in t) == 2, t)
    auth0, replay0 = srtp_totals(ng)

    seq = frozen_burst(a, ra, b, rb, seq, "daemon frozen, across the wrap")
    check("the burst crossed the sequence wrap", seq > 65536 + 20, seq)
    with open("/proc/rtprelay/%d/list" % TABLE) as f:
        rocs = [line for line in f if "srtp ssrc" in line]
    check("the kernel's rollover counters moved to 1 both ways",
          any("0x%08x in roc 1 " % SSRC_A in line for line in rocs) and
          any("0x%08x in roc 0 seq 0 srtcp 0 out0 roc 1 " % SSRC_B in line for line in rocs),
          rocs)

    # A flipped bit and replays: nothing reaches the callee, each is counted.
    before = streams(ng, call_id)[ra]
    for i in range(5):
        data = bytearray(a.s.tx.protect(rtp_packet(seq + i, ssrc=SSRC_A)))
        data[20] ^= 1
        a.s.party.rtp.sendto(bytes(data), ("127.0.0.1", ra))
    for data in a.wire[-3:]:
        a.s.party.rtp.sendto(data, ("127.0.0.1", ra))
    leaked = b.receive(b.rtp, timeout=0.5)
    check("tampered and replayed SRTP does not reach the callee", not leaked, len(leaked))
    after = streams(ng, call_id)[ra]
    check("query: 5 'srtp auth failed' and 3 'srtp replay' drops on the caller's stream",
          (drops(after, "srtp auth failed") - drops(before, "srtp auth failed"),
           drops(after, "srtp replay") - drops(before, "srtp replay")) == (5, 3),
          after[b"drops"])
    auth1, replay1 = srtp_totals(ng)
    check("statistics: srtp auth failed +5, srtp replay +3",
          (auth1 - auth0, replay1 - replay0) == (5, 3), (auth1 - auth0, replay1 - replay0))
    seq += 5  # the tampered ones used these numbers at the caller's libsrtp2

    # A re-INVITE takes the streams back; userspace goes on from the kernel's counters.
    ra2, rb2 = signalling(2)
    check("the re-INVITE keeps the ports", (ra2, rb2) == (ra, rb), (ra2, rb2))
    s = streams(ng, call_id)
    check("the re-INVITE took the streams back to userspace",
          not any(kernelized(s[p]) for p in (ra, rb)), [s[p][b"flags"] for p in (ra, rb)])
    errors = len(a.s.errors)
    seq = talk(a, ra, b, rb, LEARN_S, seq)
    s = streams(ng, call_id)
    check("after the re-INVITE they are kernelized again",
          all(kernelized(s[p]) for p in (ra, ra + 1, rb, rb + 1)),
          [s[p][b"flags"] for p in (ra, ra + 1, rb, rb + 1)])
    seq = burst(a, ra, b, rb, seq, "after the take-back and the hand-over again")
    auth2, replay2 = srtp_totals(ng)
    check("no authentication failure through both hand-overs (relay and caller)",
          auth2 == auth1 and len(a.s.errors) == errors,
          (auth2 - auth1, len(a.s.errors) - errors, [str(e) for e in a.s.errors[:3]]))

    return end_call(ng, call_id)


if __name__ == "__main__":
    sys.exit(main())
