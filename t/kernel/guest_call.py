"""One call through rtprelayd in the QEMU guest, with xt_RTPRELAY loaded and UDP steered to
table 0: offer/answer over ng, RTP and RTCP both ways until the endpoints are confirmed, then
checks that the kernel forwards everything (its counters equal what was sent, userspace saw
none), that a re-INVITE with a new address takes the stream back and re-kernelizes it, and
that delete removes the targets. Its /metrics (on 127.0.0.1:$RD_HTTP_PORT, which guest.sh's
rd_start serves) must follow: the kernel's packets under path="kernel", equal to what ng
statistics says, and the call's targets in the kernel table family while it is up.
Prints "ok - ..." / "not ok - ..." lines, then "done".
Usage: guest_call.py NG_PORT TABLE"""

import os
import socket
import sys
import time

from httpclient import parse_metrics, request as http_request, value
from media import Party, media_port, rtcp_packet, rtp_packet
from ngclient import NgClient

NG_PORT, TABLE = int(sys.argv[1]), int(sys.argv[2])
HTTP_PORT = int(os.environ["RD_HTTP_PORT"])
PACKETS = "rtprelay_packets_total"
LEARN_S = 3.6  # learning (docs/security.md) and kernelizing, with time to spare
N = 200
FAILED = 0
SO_RCVBUFFORCE = getattr(socket, "SO_RCVBUFFORCE", 33)  # root only


def check(desc, cond, detail=""):
    global FAILED
    print(("ok - " if cond else "not ok - ") + desc)
    if not cond:
        FAILED += 1
        if detail:
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


def counts(s):
    total = s[b"stats"][b"packets"]
    kernel = s[b"kernel stats"][b"packets"]
    return total, kernel, total - kernel


def scrape(ng, call_id):
    """/metrics as {(name, labels): value}, taken after a query: a query reads the call's
    kernel counters into the relay's (they arrive once a second otherwise), so with no
    traffic in flight the scrape holds every packet the kernel forwarded."""
    streams(ng, call_id)
    status, _, body = http_request(HTTP_PORT, "GET", "/metrics")
    if status != 200:
        raise AssertionError("GET /metrics answered %d" % status)
    return parse_metrics(body.decode())[0]


def check_kernel_totals(ng, m, desc):
    """The kernel packets and bytes of scrape `m`, in and out, equal ng statistics'."""
    total = request(ng, {"command": "statistics"})[b"statistics"][b"totalstatistics"]
    for family, key in ((PACKETS, b"relayedpackets_kernel"),
                        ("rtprelay_bytes_total", b"relayedbytes_kernel")):
        for d in ("in", "out"):
            got = value(m, family, direction=d, path="kernel")
            check("%s: %s{direction=%s,path=kernel} equals statistics' %s" %
                  (desc, family, d, key.decode()), got == total[key], (got, total[key]))


def check_metrics_follow_burst(ng, call_id, before):
    """The bursts of kernel_only (scrape `before` was taken just ahead of them) went under
    path="kernel" in /metrics, both directions, and not under path="userspace"."""
    m = scrape(ng, call_id)
    burst = 2 * (N + 10)
    for d in ("in", "out"):
        for path, want in (("kernel", burst), ("userspace", 0)):
            grew = (value(m, PACKETS, direction=d, path=path) -
                    value(before, PACKETS, direction=d, path=path))
            check("/metrics: %s{direction=%s,path=%s} grew by %d over the bursts" %
                  (PACKETS, d, path, want), grew == want, grew)
    check_kernel_totals(ng, m, "/metrics after the bursts")
    # Both parties' RTP streams went through the kernel alone since it got them; the media
    # loops count that once a second, for statistics' media_kernel and /metrics alike.
    deadline = time.monotonic() + 3
    while value(m, "rtprelay_media_streams", path="kernel") < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
        m = scrape(ng, call_id)
    paths = {p: value(m, "rtprelay_media_streams", path=p)
             for p in ("kernel", "userspace", "mixed")}
    check("/metrics: rtprelay_media_streams counts the two RTP streams under path=kernel",
          paths == {"kernel": 2, "userspace": 0, "mixed": 0}, paths)
    cur = request(ng, {"command": "statistics"})[b"statistics"][b"currentstatistics"]
    check("statistics: media_kernel 2, media_userspace and media_mixed 0",
          (cur[b"media_kernel"], cur[b"media_userspace"], cur[b"media_mixed"]) == (2, 0, 0),
          (cur[b"media_kernel"], cur[b"media_userspace"], cur[b"media_mixed"]))


def kernelized(s):
    return b"kernelized" in s[b"flags"]


def targets():
    with open("/proc/rtprelay/%d/list" % TABLE) as f:
        return [line for line in f if line.startswith("local ")]


def party():
    """A phone whose sockets hold a whole burst: it reads only after the burst was sent."""
    p = Party()
    for sock in (p.rtp, p.rtcp):
        sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 4 << 20)
    return p


def drain(party):
    for sock in (party.rtp, party.rtcp):
        party.receive(sock, timeout=0.05)


def talk(a, ra, b, rb, seconds, start):
    """Both ways at 50 packets/s, RTCP every 10th, for `seconds` (learning)."""
    n = int(seconds * 50)
    for i in range(n):
        a.rtp.sendto(rtp_packet(start + i, ssrc=0xA), ("127.0.0.1", ra))
        b.rtp.sendto(rtp_packet(start + i, ssrc=0xB), ("127.0.0.1", rb))
        if i % 10 == 0:
            a.rtcp.sendto(rtcp_packet(0xA), ("127.0.0.1", ra + 1))
            b.rtcp.sendto(rtcp_packet(0xB), ("127.0.0.1", rb + 1))
        time.sleep(0.02)
    drain(a)
    drain(b)
    return start + n


def seq_of(packet):
    return int.from_bytes(packet[2:4], "big")


def receive_seqs(party, first, count, timeout):
    """RTP packets with sequence numbers first..first+count-1 (a late packet of an earlier
    phase is skipped, so it cannot stand in for one of these)."""
    got = []
    deadline = time.monotonic() + timeout
    while len(got) < count:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        got += [p for p in party.receive(party.rtp, timeout=left, want=count - len(got))
                if (seq_of(p[0]) - first) & 0xFFFF < count]
    return got


def burst(src, dst_port, receiver, start, ssrc):
    """N RTP and 10 RTCP packets; what the receiver got on its RTP and RTCP sockets."""
    for i in range(N):
        src.rtp.sendto(rtp_packet(start + i, ssrc=ssrc), ("127.0.0.1", dst_port))
        if i % 20 == 0:
            src.rtcp.sendto(rtcp_packet(ssrc), ("127.0.0.1", dst_port + 1))
        time.sleep(0.001)
    got_rtp = receive_seqs(receiver, start, N, timeout=2)
    got_rtcp = receiver.receive(receiver.rtcp, timeout=1, want=10)
    return got_rtp, got_rtcp


def kernel_only(ng, call_id, desc, a, ra, b, rb, start):
    """Sends a burst each way; checks delivery and that only the kernel moved packets."""
    before = streams(ng, call_id)
    for port in (ra, rb):
        check("%s: stream %d kernelized" % (desc, port), kernelized(before[port]),
              before[port][b"flags"])
    a_to_b = burst(a, ra, b, start, 0xA)
    b_to_a = burst(b, rb, a, start, 0xB)
    after = streams(ng, call_id)
    for (rtp, rtcp), port, peer_port, who in ((a_to_b, ra, rb, "A->B"), (b_to_a, rb, ra, "B->A")):
        check("%s: %s got all %d RTP packets" % (desc, who, N),
              len({seq_of(p) for p, _ in rtp}) == N, len(rtp))
        check("%s: %s RTP comes from the relay port %d" % (desc, who, peer_port),
              all(src[1] == peer_port for _, src in rtp), {src for _, src in rtp})
        check("%s: %s got all 10 RTCP packets" % (desc, who), len(rtcp) == 10, len(rtcp))
        for p, kind, want in ((port, "RTP", N), (port + 1, "RTCP", 10)):
            t0, k0, u0 = counts(before[p])
            t1, k1, u1 = counts(after[p])
            check("%s: %s %s: kernel counted %d (query)" % (desc, who, kind, want),
                  k1 - k0 == want, (k0, k1))
            check("%s: %s %s: userspace saw none" % (desc, who, kind), u1 == u0, (u0, u1))
    return start + N


def main():
    ng = NgClient(("127.0.0.1", NG_PORT))
    a, b = party(), party()
    call_id = "kernel-call-1"
    offer = request(ng, {"command": "offer", "call-id": call_id, "from-tag": "A",
                         "sdp": a.sdp(media="m=audio {port} RTP/AVP 0 101\r\n")})
    rb = media_port(offer[b"sdp"].decode())
    answer = request(ng, {"command": "answer", "call-id": call_id, "from-tag": "A",
                          "to-tag": "B", "sdp": b.sdp(media="m=audio {port} RTP/AVP 0 101\r\n")})
    ra = media_port(answer[b"sdp"].decode())

    seq = talk(a, ra, b, rb, LEARN_S, 0)
    s = streams(ng, call_id)
    check("after learning both RTP streams are kernelized",
          kernelized(s[ra]) and kernelized(s[rb]), (s[ra][b"flags"], s[rb][b"flags"]))
    check("and both RTCP streams", kernelized(s[ra + 1]) and kernelized(s[rb + 1]))
    check("/proc list shows the four targets", len(targets()) == 4, targets())
    m = scrape(ng, call_id)
    check("/metrics: rtprelay_forwarding{mode=kernel} is 1",
          value(m, "rtprelay_forwarding", mode="kernel") == 1)
    check("/metrics: rtprelay_kernel_targets shows the call's four targets",
          value(m, "rtprelay_kernel_targets") == 4, value(m, "rtprelay_kernel_targets"))
    seq = kernel_only(ng, call_id, "kernel path", a, ra, b, rb, seq)
    check_metrics_follow_burst(ng, call_id, m)
    s = streams(ng, call_id)
    check("query: last kernel packet is set", s[ra][b"last kernel packet"] > 0)
    ssrc = request(ng, {"command": "query", "call-id": call_id})[b"SSRC"]
    sent = int(LEARN_S * 50) + N  # every RTP packet A sent, userspace and kernel
    check("query: SSRC of A counts all %d packets (userspace + kernel)" % sent,
          ssrc.get(b"10", {}).get(b"packets") == sent, ssrc.get(b"10"))
    # Both sides count with kernel-module/rtp.h from their own start: nothing is lost at the
    # hand-over, so the sum is no loss.
    check("query: SSRC of A lost none across userspace and kernel",
          ssrc.get(b"10", {}).get(b"lost") == 0, ssrc.get(b"10"))
    st = request(ng, {"command": "statistics"})
    check("statistics: relayed packets include the kernel's",
          st[b"statistics"][b"totalstatistics"][b"relayedpackets_kernel"] > 0 and
          st[b"statistics"][b"totalstatistics"][b"relayedpackets"] >= 2 * (N + 10))

    # RTCP that A sends to its RTP port (no rtcp-mux here) belongs on B's RTCP port: the
    # kernel hands it up and userspace sends it there, as it would without the kernel.
    before = streams(ng, call_id)[ra]
    for _ in range(3):
        a.rtp.sendto(rtcp_packet(0xA), ("127.0.0.1", ra))
    got_rtcp = b.receive(b.rtcp, timeout=2, want=3)
    got_rtp = b.receive(b.rtp, timeout=0.2)
    after = streams(ng, call_id)[ra]
    check("RTCP on A's RTP port arrives on B's RTCP port", len(got_rtcp) == 3 and
          all(src[1] == rb + 1 for _, src in got_rtcp), got_rtcp)
    check("... and not on B's RTP port", not got_rtp, got_rtp)
    check("... through userspace", counts(after)[2] - counts(before)[2] == 3,
          (counts(before), counts(after)))
    check("... and the stream stays kernelized", kernelized(after), after[b"flags"])

    # A new SSRC from A: the kernel hands its first packet up, userspace forwards it and
    # re-kernelizes the stream expecting both SSRCs; the rest goes through the kernel.
    before = streams(ng, call_id)[ra]
    for i in range(50):
        a.rtp.sendto(rtp_packet(i, ssrc=0xC), ("127.0.0.1", ra))
        time.sleep(0.02)
    got = b.receive(b.rtp, timeout=2, want=50)
    after = streams(ng, call_id)[ra]
    _, k0, u0 = counts(before)
    _, k1, u1 = counts(after)
    check("new SSRC: B got all 50 packets", len(got) == 50, len(got))
    check("new SSRC: its first packet went through userspace", 1 <= u1 - u0 <= 3, (u0, u1))
    check("new SSRC: then the kernel again", k1 - k0 == 50 - (u1 - u0), (k0, k1))
    check("new SSRC: stream kernelized", kernelized(after), after[b"flags"])

    # Re-INVITE: A moves to a new address. Its stream is taken back, learns again, and is
    # kernelized again; B's stream now sends to A's new port.
    a2 = party()
    reinvite_seq = seq
    request(ng, {"command": "offer", "call-id": call_id, "from-tag": "A", "to-tag": "B",
                 "sdp": a2.sdp(media="m=audio {port} RTP/AVP 0 101\r\n", version=2)})
    request(ng, {"command": "answer", "call-id": call_id, "from-tag": "A", "to-tag": "B",
                 "sdp": b.sdp(media="m=audio {port} RTP/AVP 0 101\r\n", version=2)})
    s = streams(ng, call_id)
    check("re-INVITE took A's stream back to userspace", not kernelized(s[ra]), s[ra][b"flags"])
    check("re-INVITE took B's stream (sending to A) back", not kernelized(s[rb]),
          s[rb][b"flags"])
    seq = talk(a2, ra, b, rb, LEARN_S, seq)
    seq = kernel_only(ng, call_id, "after re-INVITE", a2, ra, b, rb, seq)
    late = [(seq_of(p), src) for p, src in a.receive(a.rtp, timeout=0.2)]
    check("the old address of A gets nothing sent after the re-INVITE",
          all((q - reinvite_seq) & 0xFFFF >= 0x8000 for q, _ in late), late)

    d = request(ng, {"command": "delete", "call-id": call_id, "delete-delay": 0})
    check("delete replies with the call's statistics", b"tags" in d)
    check("delete removed every target", targets() == [], targets())
    status, _, body = http_request(HTTP_PORT, "GET", "/metrics")
    m = parse_metrics(body.decode())[0]
    check("/metrics after delete: rtprelay_kernel_targets is 0",
          status == 200 and value(m, "rtprelay_kernel_targets") == 0,
          value(m, "rtprelay_kernel_targets"))
    # delete read the targets' last counters before removing them: nothing is lost.
    check_kernel_totals(ng, m, "/metrics after delete")
    print("done")


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # a broken step must show up as a failure, not a silent stop
        print("not ok - guest call scenario raised %r" % e)
    sys.exit(1 if FAILED else 0)
