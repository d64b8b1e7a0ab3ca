"""A BUNDLE call (RFC 9143) through rtprelayd in the QEMU guest with xt_RTPRELAY: the caller
offers audio and video on one port with a=group:BUNDLE, rtcp-mux and DTLS-SRTP (its handshake
by `openssl s_client`, as in guest_dtls_call.py), the callee plain RTP on a port pair per m=
line. Once the transport has keys both directions go to the kernel: the caller's transport
has one target with an output per m= line, each taking that line's SSRCs (ABI 6 ssrc_mask),
which unprotects with the transport's keys; each of the callee's m= lines has its own
targets, which protect with them and send to the transport's one address. Checked here:
- the answer bundles both lines on one port, and the callee's audio and video reach it by
  their own ports;
- before the handshake nothing is kernelized towards the caller and nothing reaches it;
- after it the callee's four streams and the caller's transport are kernelized: five
  targets, the caller's with two outputs, one SSRC each;
- with the daemon frozen (SIGSTOP) every audio and video packet of the callee reaches the
  caller on its one socket as SRTP that libsrtp2 decrypts, each with its own SSRC, and
  every audio packet of the caller reaches the callee's audio port and every video packet
  its video port, in the clear;
- delete leaves no target.
Prints "ok - ..." / "not ok - ..." lines, then "done".
Usage: guest_bundle_call.py NG_PORT TABLE RTPRELAYD_PID (as guest_srtp_call.py)"""

import os
import signal
import socket
import sys
import tempfile
import time

import guest_dtls_call as dc
import guest_srtp_call as sc
import srtp
from media import Party, media_port, rtcp_packet, rtp_packet
from ngclient import NgClient

VP8 = 96
SSRC_AV, SSRC_BV = 0xA1A1A1A1, 0xB1B1B1B1  # the video senders (sc.SSRC_A/B: audio)


def caller_sdp(port, fingerprint):
    dtls = "a=setup:actpass\r\na=fingerprint:%s\r\n" % fingerprint
    return ("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            "a=group:BUNDLE 0 1\r\n"
            "m=audio %d UDP/TLS/RTP/SAVP 0\r\na=mid:0\r\na=rtcp-mux\r\n%sa=ssrc:%d cname:a\r\n"
            "m=video %d UDP/TLS/RTP/SAVP %d\r\na=mid:1\r\na=rtcp-mux\r\n%s"
            "a=rtpmap:%d VP8/90000\r\na=ssrc:%d cname:a\r\n"
            % (port, dtls, sc.SSRC_A, port, VP8, dtls, VP8, SSRC_AV))


def callee_sdp(audio, video):
    return ("v=0\r\no=- 2 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            "m=audio %d RTP/AVP 0\r\nm=video %d RTP/AVP %d\r\na=rtpmap:%d VP8/90000\r\n"
            % (audio.port, video.port, VP8, VP8))


def ports(sdp):
    return [int(line.split()[1]) for line in sdp.split("\r\n") if line.startswith("m=")]


class Caller:
    """The bundling side: one socket, SRTP out with the client's keys, in with the server's."""

    def __init__(self, party, keys):
        client, server = keys
        self.party = party
        self.tx = srtp.Srtp(dc.SUITE, client, inbound=False)
        self.rx = srtp.Srtp(dc.SUITE, server, inbound=True)
        party.rtp.setsockopt(socket.SOL_SOCKET, sc.SO_RCVBUFFORCE, 4 << 20)

    def send(self, seq, to):
        for ssrc, pt in ((sc.SSRC_A, 0), (SSRC_AV, VP8)):
            self.party.rtp.sendto(self.tx.protect(rtp_packet(seq, ssrc=ssrc, pt=pt)),
                                  ("127.0.0.1", to))

    def receive(self, timeout, want=None):
        """The RTP that arrived (SRTCP skipped), decrypted, and how many failed to."""
        got, failed = [], 0
        for data, _ in self.party.receive(self.party.rtp, timeout=timeout, want=want):
            if len(data) > 1 and 192 <= data[1] <= 223:
                continue  # SRTCP on the muxed port
            try:
                got.append(self.rx.unprotect(data))
            except srtp.SrtpError:
                failed += 1
        return got, failed


def talk(caller, ra, audio, video, rb, seconds, start):
    """Both ways, audio and video, 50 packets/s, the callee's RTCP every 10th."""
    n = int(seconds * 50)
    for i in range(n):
        caller.send(start + i, ra)
        audio.rtp.sendto(rtp_packet(start + i, ssrc=sc.SSRC_B), ("127.0.0.1", rb[0]))
        video.rtp.sendto(rtp_packet(start + i, ssrc=SSRC_BV, pt=VP8), ("127.0.0.1", rb[1]))
        if i % 10 == 0:
            audio.rtcp.sendto(rtcp_packet(sc.SSRC_B), ("127.0.0.1", rb[0] + 1))
            video.rtcp.sendto(rtcp_packet(SSRC_BV), ("127.0.0.1", rb[1] + 1))
        time.sleep(0.02)
    return start + n


def main():
    ng = NgClient(("127.0.0.1", sc.NG_PORT))
    work = tempfile.mkdtemp(prefix="bundle-")
    key, cert, fingerprint = dc.certificate(work)
    a, audio, video = Party(), sc.callee(), sc.callee()
    for callee in (audio, video):  # the frozen burst's N packets wait in the socket
        callee.rtp.setsockopt(socket.SOL_SOCKET, sc.SO_RCVBUFFORCE, 4 << 20)
    call_id = "kernel-bundle-call-1"
    offer = sc.request(ng, {"command": "offer", "call-id": call_id, "from-tag": "A",
                            "transport-protocol": "RTP/AVP",
                            "sdp": caller_sdp(a.port, fingerprint)})
    answer = sc.request(ng, {"command": "answer", "call-id": call_id, "from-tag": "A",
                             "to-tag": "B", "sdp": callee_sdp(audio, video)})
    to_a, to_b = answer[b"sdp"].decode(), offer[b"sdp"].decode()
    ra, rb = media_port(to_a), ports(to_b)
    sc.check("the relay's answer bundles both lines on one port",
             "a=group:BUNDLE 0 1\r\n" in to_a and ports(to_a) == [ra, ra], to_a)
    # The group goes on to the callee, which does not keep it in its answer: it does not
    # bundle, and has a port pair per line.
    sc.check("the callee is offered a port per line", len(rb) == 2 and rb[0] != rb[1], rb)

    dc.callee_alone(ng, call_id, a, audio, rb[0], "the handshake")

    a.rtp.close()  # s_client takes the port for the handshake
    keys = dc.handshake(key, cert, a.port, ra)
    sc.check("s_client's handshake with the relay exported SRTP keys", keys is not None)
    if keys is None:
        print("done")
        return 1
    a.rtp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    a.rtp.bind(("127.0.0.1", a.port))
    caller = Caller(a, keys)

    seq = talk(caller, ra, audio, video, rb, sc.LEARN_S, sc.START)
    got_audio = {p for p, _ in audio.receive(audio.rtp, timeout=0.5)}
    got_video = {p for p, _ in video.receive(video.rtp, timeout=0.5)}
    sc.check("the caller's audio reaches the callee's audio port, its video the video port",
             rtp_packet(seq - 1, ssrc=sc.SSRC_A) in got_audio and
             rtp_packet(seq - 1, ssrc=SSRC_AV, pt=VP8) in got_video,
             (len(got_audio), len(got_video)))
    caller.receive(timeout=0.2)
    s = sc.streams(ng, call_id)
    callee_ports = (rb[0], rb[0] + 1, rb[1], rb[1] + 1)
    sc.check("keyed: the callee's four streams are kernelized",
             all(sc.kernelized(s[p]) for p in callee_ports),
             [s[p][b"flags"] for p in callee_ports])
    sc.check("keyed: the caller's transport is kernelized",
             sc.kernelized(s[ra]), (s[ra][b"flags"], s[ra].get(b"userspace only")))
    t = sc.targets()
    callee_t = [line for line in t if " srtp_out0 1 " in line and " srtp_in 1 " not in line]
    caller_t = [line for line in t if " srtp_in 1 " in line]
    sc.check("/proc list: four targets protecting, one unprotecting",
             len(t) == 5 and len(callee_t) == 4 and len(caller_t) == 1, t)
    sc.check("the caller's target: an output to each of the callee's ports, one SSRC each",
             len(caller_t) == 1 and caller_t[0].count(" out ") == 2 and
             ":%d->127.0.0.1:%d " % (rb[0], audio.port) in caller_t[0] and
             ":%d->127.0.0.1:%d " % (rb[1], video.port) in caller_t[0] and
             " ssrc_mask 0x1" in caller_t[0] and " ssrc_mask 0x2" in caller_t[0], caller_t)

    os.kill(sc.PID, signal.SIGSTOP)
    try:
        for i in range(sc.N):
            audio.rtp.sendto(rtp_packet(seq + i, ssrc=sc.SSRC_B), ("127.0.0.1", rb[0]))
            video.rtp.sendto(rtp_packet(seq + i, ssrc=SSRC_BV, pt=VP8), ("127.0.0.1", rb[1]))
            caller.send(seq + i, ra)
            time.sleep(0.001)
        got, failed = caller.receive(timeout=2, want=2 * sc.N)
        got_audio = {p for p, _ in audio.receive(audio.rtp, timeout=1, want=sc.N)}
        got_video = {p for p, _ in video.receive(video.rtp, timeout=1, want=sc.N)}
    finally:
        os.kill(sc.PID, signal.SIGCONT)
    want = {rtp_packet(seq + i, ssrc=sc.SSRC_B) for i in range(sc.N)} | \
        {rtp_packet(seq + i, ssrc=SSRC_BV, pt=VP8) for i in range(sc.N)}
    sc.check("daemon frozen: all %d audio and %d video packets reach the caller's one socket "
             "as SRTP that libsrtp2 decrypts" % (sc.N, sc.N),
             set(got) == want and not failed,
             "%d of %d, %d failed" % (len(set(got) & want), len(want), failed))
    want_audio = {rtp_packet(seq + i, ssrc=sc.SSRC_A) for i in range(sc.N)}
    want_video = {rtp_packet(seq + i, ssrc=SSRC_AV, pt=VP8) for i in range(sc.N)}
    sc.check("daemon frozen: the caller's %d audio packets reach the callee's audio port and "
             "its %d video packets the video port, decrypted by the kernel" % (sc.N, sc.N),
             got_audio == want_audio and got_video == want_video,
             "audio %d of %d (%d other), video %d of %d (%d other)" % (
                 len(got_audio & want_audio), sc.N, len(got_audio - want_audio),
                 len(got_video & want_video), sc.N, len(got_video - want_video)))

    return sc.end_call(ng, call_id)


if __name__ == "__main__":
    sys.exit(main())
