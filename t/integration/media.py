"""Test-side media endpoints and SDP helpers for the call tests: a Party owns UDP sockets
like a phone would, writes its SDP, sends RTP and collects what the relay forwards.
Python 3 standard library only."""

import re
import socket
import struct
import time


def rtp_packet(seq, ssrc=0x1234, pt=0, payload=b"\x55" * 160):
    return struct.pack("!BBHII", 0x80, pt, seq & 0xFFFF, (seq * 160) & 0xFFFFFFFF, ssrc) + payload


def rtcp_packet(ssrc=0x1234):
    # An empty receiver report: V=2, RC=0, PT=201, length 1 (two 32-bit words).
    return struct.pack("!BBHI", 0x80, 201, 1, ssrc)


class Party:
    """A phone: an RTP socket (and an RTCP socket on the next port) on 127.0.0.1."""

    def __init__(self, host="127.0.0.1"):
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.host = host
        for _ in range(50):
            self.rtp = socket.socket(family, socket.SOCK_DGRAM)
            self.rtp.bind((host, 0))
            self.port = self.rtp.getsockname()[1]
            if self.port % 2 == 0 and self.port < 65535:
                try:
                    self.rtcp = socket.socket(family, socket.SOCK_DGRAM)
                    self.rtcp.bind((host, self.port + 1))
                    break
                except OSError:
                    self.rtcp.close()
            self.rtp.close()
        else:
            raise AssertionError("no even/odd port pair free")

    def close(self):
        self.rtp.close()
        self.rtcp.close()

    def sdp(self, media="m=audio {port} RTP/AVP 0 8\r\n", extra="", version=1, addr=None):
        addr = addr or self.host
        fam = "IP6" if ":" in addr else "IP4"
        return ("v=0\r\no=- 1000 %d IN %s %s\r\ns=-\r\nc=IN %s %s\r\nt=0 0\r\n" %
                (version, fam, addr, fam, addr) + media.format(port=self.port) + extra)

    def send(self, to, count=5, start=0, sock=None, packet=rtp_packet, interval=0.0):
        """`count` packets (RTP numbered from `start`), `interval` seconds apart."""
        sock = sock or self.rtp
        for i in range(count):
            if i and interval:
                time.sleep(interval)
            sock.sendto(packet(start + i) if packet is rtp_packet else packet(), to)

    def talk(self, to, seconds, start=0, sock=None, ssrc=0x1234):
        """RTP every 20 ms for `seconds`, as a phone sends it; returns the next sequence."""
        sock = sock or self.rtp
        count = int(seconds / 0.02)
        for i in range(count):
            if i:
                time.sleep(0.02)
            sock.sendto(rtp_packet(start + i, ssrc=ssrc), to)
        return start + count

    def receive(self, sock=None, timeout=1.0, want=None):
        """Datagrams with their source addresses until `want` arrived or `timeout` passed."""
        sock = sock or self.rtp
        got = []
        deadline = time.monotonic() + timeout
        while want is None or len(got) < want:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            sock.settimeout(left)
            try:
                got.append(sock.recvfrom(4096))
            except socket.timeout:
                break
        return got


def media_port(sdp, index=0):
    ports = re.findall(r"^m=\S+ (\d+)", sdp, re.M)
    return int(ports[index])


def connection(sdp):
    return re.findall(r"^c=IN IP[46] (\S+)", sdp, re.M)


def match_template(test, template, actual):
    """Compares an SDP with a template in which {A}, {B}, ... stand for a port the relay
    chose (the same letter means the same port) and {A+1} for the port after it."""
    names = []

    def repl(m):
        name, plus = m.group(1), m.group(2)
        if plus:
            names.append((name, True))
            return r"(\d+)"
        names.append((name, False))
        return r"(\d+)"

    pattern = re.sub(r"\\\{([A-Z])(\\\+1)?\\\}", repl, re.escape(template))
    m = re.fullmatch(pattern, actual)
    test.assertIsNotNone(m, "SDP differs from the template.\n--- expected:\n%s\n--- actual:\n%s"
                         % (template, actual))
    seen = {}
    for (name, plus), value in zip(names, m.groups()):
        value = int(value)
        if plus:
            continue
        if name in seen:
            test.assertEqual(seen[name], value, "placeholder {%s} took two values" % name)
        seen[name] = value
    for (name, plus), value in zip(names, m.groups()):
        if plus:
            test.assertEqual(int(value), seen[name] + 1, "{%s+1} is not {%s} + 1" % (name, name))
    return seen
