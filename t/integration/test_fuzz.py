"""A burst of random and mutated datagrams must not crash or wedge the daemon.

The seed is fixed (override with RTPRELAY_FUZZ_SEED) and printed, so a failure repeats.
"""

import os
import random
import socket
import sys
import time
import unittest

import daemon
from common import DaemonTestCase
from ngclient import NgClient, bencode, new_cookie

DEFAULT_SEED = 20261121
DATAGRAMS = 3000

VALID_BENCODE = [
    b"d7:command4:pinge",
    bencode({"command": "ping", "call-id": "abc@host", "from-tag": "ft1",
             "flags": ["trust-address", "symmetric"], "replace": ["origin"],
             "ICE": "remove", "n": 5, "nested": {"a": [1, {"b": "c"}], "d": -7}}),
    bencode({"command": "offer", "call-id": "x" * 40, "sdp": "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\n"
             "s=-\r\nc=IN IP4 1.2.3.4\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0 8\r\n"}),
    bencode({"command": "delete", "call-id": "c", "from-tag": "t"}),
    bencode({"command": "query", "call-id": b"\x00\xff\x80"}),
    b"d7:command3:fooe",
]
VALID_JSON = [
    b'{"command":"ping"}',
    b'{"command":"ping","call-id":"abc","flags":["a","b"],"n":5,"t":true,"o":{"x":[1,2,{}]}}',
    b'{"command":"offer","call-id":"\\u00e9\\u0000x","sdp":"v=0\\r\\n","n":-9223372036854775808}',
    b'{"command":"statistics","list":[[[[[]]]]],"f":false}',
]
SIP_METHODS = [b"OPTIONS", b"INVITE", b"BYE", b"REGISTER", b"options", b"ACK", b"SIP/2.0"]
SIP_HEADERS = [b"Via", b"v", b"From", b"f", b"To", b"t", b"Call-ID", b"i", b"CSeq", b"cseq",
               b"Max-Forwards", b"Content-Length", b"l", b"Contact", b"m", b""]
TOKEN_BYTES = b"de:il0123456789-{}[],\":ntrufalse \\\r\n\x00\xff"


class Generator:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.cookies = [b"fz%d" % i for i in range(40)]  # reused, to hit the reply cache

    def cookie(self):
        r = self.r
        choice = r.random()
        if choice < 0.5:
            return r.choice(self.cookies)
        if choice < 0.8:
            return new_cookie("f")
        if choice < 0.9:
            return bytes(r.randrange(0x21, 0x7f) for _ in range(r.randint(1, 300)))
        return bytes(r.randrange(256) for _ in range(r.randint(0, 10)))

    def mutate(self, data):
        r = self.r
        data = bytearray(data)
        for _ in range(r.randint(1, 6)):
            op = r.randrange(8)
            pos = r.randint(0, len(data))
            if op == 0 and data:  # flip a bit
                i = r.randrange(len(data))
                data[i] ^= 1 << r.randrange(8)
            elif op == 1:  # insert bytes
                data[pos:pos] = bytes(r.choice(TOKEN_BYTES) for _ in range(r.randint(1, 8)))
            elif op == 2 and data:  # delete a span
                del data[pos:pos + r.randint(1, 16)]
            elif op == 3:  # truncate
                del data[pos:]
            elif op == 4 and data:  # duplicate a span
                span = data[pos:pos + r.randint(1, 64)]
                data[pos:pos] = span * r.randint(1, 20)
            elif op == 5 and data:  # replace a byte with a structural one
                data[r.randrange(len(data))] = r.choice(TOKEN_BYTES)
            elif op == 6:  # change a length prefix or integer
                data[pos:pos] = str(r.choice([0, 1, 9, 99, 65535, 2 ** 31, 2 ** 63, -1])).encode()
            elif op == 7:  # deep nesting
                n = r.randint(1, 200)
                opener, closer = r.choice([(b"l", b"e"), (b"d1:x", b"e"), (b"[", b"]"),
                                           (b'{"a":', b"}")])
                data[pos:pos] = opener * n + closer * r.randint(0, n)
        return bytes(data)

    def sip(self):
        r = self.r
        method = b"OPTIONS" if r.random() < 0.5 else r.choice(SIP_METHODS)
        lines = [method + b" sip:x@127.0.0.1 SIP/2.0"]
        for name in (b"Via", b"From", b"To", b"Call-ID", b"CSeq"):  # usually all needed ones
            if r.random() < 0.9:
                lines.append(name + b": " + bytes(r.choice(b"abc;=@<>:. tag")
                                                  for _ in range(r.randint(0, 30))))
        for _ in range(r.randint(0, 12)):
            name = r.choice(SIP_HEADERS)
            value = bytes(r.choice(TOKEN_BYTES + b"<>;=@.tag") for _ in range(r.randint(0, 40)))
            sep = r.choice([b": ", b":", b" : ", b""])
            lines.insert(r.randint(1, len(lines)), name + sep + value)
            if r.random() < 0.1:
                lines.append(b" \tfolded continuation")
        if r.random() < 0.3:
            lines.append(b"Via: " + b"a" * r.randint(100, 3000))
        eol = r.choice([b"\r\n", b"\n", b"\r"])
        text = eol.join(lines) + eol * r.randint(0, 2)
        if r.random() < 0.3:
            text += b"v=0\r\nbody"
        return self.mutate(text) if r.random() < 0.3 else text

    def datagram(self):
        r = self.r
        kind = r.random()
        if kind < 0.15:
            return bytes(r.randrange(256) for _ in range(r.randint(0, 600)))
        if kind < 0.25:
            return self.sip()
        if kind < 0.3:
            return self.cookie()  # no body, maybe no space
        if kind < 0.65:
            body = r.choice(VALID_BENCODE)
        else:
            body = r.choice(VALID_JSON)
        if r.random() < 0.85:
            body = self.mutate(body)
        sep = r.choice([b" ", b" ", b" ", b"  ", b" \t", b""])
        return self.cookie() + sep + body


class FuzzBurstTest(DaemonTestCase):

    def test_random_burst_then_still_serving(self):
        seed = int(os.environ.get("RTPRELAY_FUZZ_SEED", DEFAULT_SEED))
        print("\nfuzz: seed %d (set RTPRELAY_FUZZ_SEED to repeat another), %d datagrams"
              % (seed, DATAGRAMS), file=sys.stdout, flush=True)
        d = self.start_daemon()
        gen = Generator(seed)
        socks = []
        for _ in range(3):
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.bind(("127.0.0.1", 0))
            s.setblocking(False)
            self.addCleanup(s.close)
            socks.append(s)

        sent = 0
        largest = 0
        for i in range(DATAGRAMS):
            data = gen.datagram()
            if gen.r.random() < 0.003:
                data = data + b"z" * (60000 - len(data))  # a few near-maximum datagrams
            data = data[:65507]
            try:
                socks[i % len(socks)].sendto(data, d.address)
                sent += 1
                largest = max(largest, len(data))
            except (BlockingIOError, ConnectionRefusedError):
                pass
            if i % 100 == 99:
                time.sleep(0.005)  # let the daemon drain its socket a bit
                for s in socks:  # and throw away the replies
                    try:
                        while s.recv(70000):
                            pass
                    except (BlockingIOError, ConnectionRefusedError):
                        pass

        # The backlog may delay the first ping; retry with fresh cookies for a while.
        deadline = time.monotonic() + 10
        with NgClient(d.address) as c:
            while True:
                try:
                    if c.ping(timeout=2.0):
                        break
                except AssertionError:
                    pass
                self.assertTrue(d.alive(), "rtprelayd died during the fuzz burst (seed %d);"
                                " stderr (%s):\n%s" % (seed, d.stderr_path,
                                                        daemon.tail(d.stderr_text(), 80)))
                self.assertLess(time.monotonic(), deadline,
                                "no ping reply after the fuzz burst (seed %d)" % seed)
        print("fuzz: sent %d datagrams, largest %d bytes" % (sent, largest), file=sys.stdout,
              flush=True)
        self.assertTrue(d.alive())
        self.assertStillServing(d)


if __name__ == "__main__":
    unittest.main()
