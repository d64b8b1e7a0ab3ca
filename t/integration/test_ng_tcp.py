"""ng over TCP (--listen-tcp-ng): many messages per connection ("cookie SP bencode", back to
back, split anywhere), replies in request order, a real call, the reply cache shared with
UDP, and bad input closing only the connection that sent it."""

import select
import socket
import time

import daemon
import media
import ngclient
from common import SharedDaemonTestCase
from ngclient import bencode, bdecode, new_cookie

READ_TIMEOUT = 5.0
MAX_CONNECTIONS = 128  # TcpListener::kMaxConnections
MAX_UNPARSED = 65535 + 256 + 64  # TcpListener::kMaxUnparsed


def free_tcp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def message_end(buf):
    """Where the first `cookie SP bencode` message in buf ends, or None if it is incomplete."""
    space = buf.find(b" ")
    if space < 0:
        return None
    try:
        _, end = ngclient._decode(buf, space + 1, 0)
    except ngclient.BencodeError:
        return None
    return end


class NgTcp:
    """One TCP connection to the ng port, read as a stream of ng messages."""

    def __init__(self, address):
        self.sock = socket.create_connection(address, timeout=READ_TIMEOUT)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def close(self):
        self.sock.close()

    def send(self, data):
        self.sock.sendall(data)

    def read_raw(self):
        """The next whole reply as sent; fails on EOF or timeout."""
        while True:
            end = message_end(self.buf)
            if end is not None:
                msg, self.buf = self.buf[:end], self.buf[end:]
                return msg
            chunk = self.sock.recv(65536)
            if not chunk:
                raise AssertionError("connection closed; unparsed %r" % self.buf[:100])
            self.buf += chunk

    def read_message(self):
        """The next whole reply as (cookie, decoded body)."""
        cookie, body = ngclient.split_reply(self.read_raw())
        return cookie, bdecode(body)

    def request(self, message, cookie=None):
        cookie = cookie or new_cookie()
        self.send(cookie + b" " + bencode(message))
        got, body = self.read_message()
        assert got == cookie, (got, cookie)
        return body

    def closed_by_peer(self):
        """True when the daemon closed the connection (EOF or reset) before READ_TIMEOUT."""
        deadline = time.monotonic() + READ_TIMEOUT
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.sock], [], [], deadline - time.monotonic())
            if not ready:
                break
            try:
                if not self.sock.recv(65536):
                    return True
            except ConnectionResetError:
                return True
        return False


class NgTcpTest(SharedDaemonTestCase):
    tcp_port = None

    @classmethod
    def setUpClass(cls):
        def args(_port):
            cls.tcp_port = free_tcp_port()
            return ["--listen-tcp-ng=%d" % cls.tcp_port, "--port-min=46000",
                    "--port-max=46199", "--delete-delay=0"]
        cls.daemon = daemon.Daemon(args).start()

    def connect(self):
        c = NgTcp(("127.0.0.1", self.tcp_port))
        self.addCleanup(c.close)
        return c

    def tcp_stats(self):
        return self.c.request({"command": "statistics"})[b"statistics"][b"rtprelay"][b"ng tcp"]

    def retransmissions(self):
        return self.c.request({"command": "statistics"})[b"statistics"][b"rtprelay"][b"ng"][b"retransmissions"]

    def test_many_commands_on_one_connection(self):
        t = self.connect()
        for _ in range(50):
            self.assertEqual(t.request({"command": "ping"}), {b"result": b"pong"})
        # Two messages in one write, and whitespace between messages.
        t.send(b"two-a d7:command4:pingetwo-b d7:command4:pinge\r\n")
        self.assertEqual(t.read_message(), (b"two-a", {b"result": b"pong"}))
        self.assertEqual(t.read_message(), (b"two-b", {b"result": b"pong"}))
        # One message in pieces, cut inside the cookie, a length and a string.
        for piece in (b"spl", b"it d7:comm", b"and4:pi", b"ng", b"e"):
            t.send(piece)
            time.sleep(0.02)  # separate segments; the test holds however they arrive
        self.assertEqual(t.read_message(), (b"split", {b"result": b"pong"}))

    def test_replies_in_request_order(self):
        # The reader stops while unread replies pile up and goes on as the client reads: all
        # arrive, in order, without the client reading while it sends.
        t = self.connect()
        cookies = [new_cookie("o") for _ in range(1500)]
        t.send(b"".join(c + b" d7:command10:statisticse" for c in cookies))
        for c in cookies:
            got, body = t.read_message()
            self.assertEqual(got, c)
            self.assertEqual(body[b"result"], b"ok")

    def test_offer_answer_delete_with_media(self):
        t = self.connect()
        a, b = media.Party(), media.Party()
        self.addCleanup(a.close)
        self.addCleanup(b.close)
        cid = "tcp-call-%f" % time.time()
        offer = t.request({"command": "offer", "call-id": cid, "from-tag": "A",
                           "sdp": a.sdp()})
        self.assertEqual(offer[b"result"], b"ok", offer)
        answer = t.request({"command": "answer", "call-id": cid, "from-tag": "A",
                            "to-tag": "B", "sdp": b.sdp()})
        self.assertEqual(answer[b"result"], b"ok", answer)
        # Each party sends to the relay port the other side's SDP gave it.
        from_a = ("127.0.0.1", media.media_port(answer[b"sdp"].decode()))
        from_b = ("127.0.0.1", media.media_port(offer[b"sdp"].decode()))
        a.send(from_a, count=5)
        b.send(from_b, count=5)
        self.assertEqual(len(b.receive(want=5)), 5, "RTP from a did not reach b")
        self.assertEqual(len(a.receive(want=5)), 5, "RTP from b did not reach a")
        deleted = t.request({"command": "delete", "call-id": cid, "from-tag": "A"})
        self.assertEqual(deleted[b"result"], b"ok", deleted)
        gone = t.request({"command": "query", "call-id": cid})
        self.assertEqual(gone[b"result"], b"error", gone)

    def test_retransmission_over_tcp_is_answered_from_cache(self):
        t = self.connect()
        before = self.retransmissions()
        cookie = new_cookie("r")
        first = t.request({"command": "statistics"}, cookie=cookie)
        again = t.request({"command": "statistics"}, cookie=cookie)
        self.assertEqual(first, again)  # counters moved in between: not run twice
        self.assertEqual(self.retransmissions(), before + 1)

    def test_cache_is_shared_between_udp_and_tcp(self):
        t = self.connect()
        before = self.retransmissions()
        cookie = new_cookie("u")
        udp = self.c.request_raw(cookie, b"d7:command10:statisticse")
        t.send(cookie + b" d7:command10:statisticse")
        self.assertEqual(t.read_raw(), cookie + b" " + udp)
        self.assertEqual(self.retransmissions(), before + 1)

    def test_garbage_closes_only_that_connection(self):
        before = self.tcp_stats()
        good = self.connect()
        self.assertEqual(good.request({"command": "ping"}), {b"result": b"pong"})
        for junk in (b"GET / HTTP/1.1\r\n\r\n", b"c1 {\"command\":\"ping\"}",
                     b"\x00\x01\x02 d", b"c2 d7:command4:pingx"):
            bad = self.connect()
            bad.send(junk)
            self.assertTrue(bad.closed_by_peer(), junk)
        self.assertEqual(good.request({"command": "ping"}), {b"result": b"pong"})
        self.assertTrue(self.c.ping())
        after = self.tcp_stats()
        self.assertEqual(after[b"closed malformed"], before[b"closed malformed"] + 4)

    def test_oversized_input_closes_only_that_connection(self):
        before = self.tcp_stats()
        good = self.connect()
        bad = self.connect()
        # A dictionary that never ends: more than one message may hold.
        bad.send(b"big d" + b"1:x" * (MAX_UNPARSED // 3 + 10))
        self.assertTrue(bad.closed_by_peer())
        self.assertEqual(good.request({"command": "ping"}), {b"result": b"pong"})
        self.assertTrue(self.c.ping())
        self.assertEqual(self.tcp_stats()[b"closed oversized"],
                         before[b"closed oversized"] + 1)

    def test_largest_message_fits(self):
        t = self.connect()
        pad = b"x" * (65535 - 60)
        body = b"d7:command4:ping3:pad%d:%se" % (len(pad), pad)
        self.assertLessEqual(len(body), 65535)
        t.send(b"large " + body)
        self.assertEqual(t.read_message(), (b"large", {b"result": b"pong"}))

    def wait_for_open(self, n):
        """Until the daemon counts n connections (closes reach it asynchronously)."""
        deadline = time.monotonic() + READ_TIMEOUT
        while self.tcp_stats()[b"connections"] != n:
            self.assertLess(time.monotonic(), deadline, "connection count stuck")
            time.sleep(0.01)

    def test_connection_cap(self):
        self.wait_for_open(0)
        before = self.tcp_stats()
        held = [self.connect() for _ in range(MAX_CONNECTIONS)]
        for h in held:  # each one accepted before the next is counted
            self.assertEqual(h.request({"command": "ping"}), {b"result": b"pong"})
        extra = self.connect()
        self.assertTrue(extra.closed_by_peer())
        self.assertEqual(self.tcp_stats()[b"refused"], before[b"refused"] + 1)
        held[0].close()
        self.wait_for_open(MAX_CONNECTIONS - 1)
        self.assertEqual(self.connect().request({"command": "ping"}), {b"result": b"pong"})

    def test_half_closed_client_gets_its_replies(self):
        # As `printf ... | nc` does: send, shut down the sending side, read.
        t = self.connect()
        t.send(b"h1 d7:command4:pingeh2 d7:command4:pinge")
        t.sock.shutdown(socket.SHUT_WR)
        self.assertEqual(t.read_message(), (b"h1", {b"result": b"pong"}))
        self.assertEqual(t.read_message(), (b"h2", {b"result": b"pong"}))
        self.assertTrue(t.closed_by_peer())


if __name__ == "__main__":
    import unittest
    unittest.main()
