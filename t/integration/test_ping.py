"""ng ping in both encodings and the retransmission cache."""

import json
import unittest

from common import SharedDaemonTestCase
from ngclient import bdecode, new_cookie, split_reply


class PingTest(SharedDaemonTestCase):

    def test_bencode_ping_exact_reply(self):
        self.assertEqual(self.c.exchange(b"c1 d7:command4:pinge"), b"c1 d6:result4:ponge")

    def test_json_ping(self):
        cookie, body = split_reply(self.c.exchange(b'c2 {"command":"ping"}'))
        self.assertEqual(cookie, b"c2")
        self.assertEqual(json.loads(body), {"result": "pong"})

    def test_json_ping_with_whitespace_before_body(self):
        cookie = new_cookie()
        got_cookie, body = split_reply(self.c.exchange(cookie + b' \t { "command" : "ping" }\n'))
        self.assertEqual(got_cookie, cookie)
        self.assertEqual(json.loads(body), {"result": "pong"})

    def test_ping_with_extra_keys(self):
        reply = self.c.request({"command": "ping", "call-id": "abc@host", "flags": ["x", "y"],
                                "n": 5, "nested": {"a": [1, {"b": "c"}]}})
        self.assertEqual(reply, {b"result": b"pong"})

    def test_long_cookie(self):
        cookie = b"k" * 256  # the longest cookie the protocol allows
        self.assertEqual(bdecode(self.c.request_raw(cookie, b"d7:command4:pinge")),
                         {b"result": b"pong"})

    def test_cookie_with_punctuation(self):
        cookie = b"5523_1!x#y$z%{}[]~" + new_cookie()
        self.assertEqual(bdecode(self.c.request_raw(cookie, b"d7:command4:pinge")),
                         {b"result": b"pong"})

    def test_many_sequential_pings(self):
        for _ in range(50):
            self.assertEqual(self.c.request({"command": "ping"}), {b"result": b"pong"})


class RetransmissionTest(SharedDaemonTestCase):

    def test_same_message_twice_gets_identical_replies(self):
        datagram = new_cookie() + b" d7:command4:pinge"
        first = self.c.exchange(datagram)
        second = self.c.exchange(datagram)
        self.assertEqual(first, second)

    def test_same_json_message_twice_gets_identical_replies(self):
        datagram = new_cookie() + b' {"command":"ping"}'
        first = self.c.exchange(datagram)
        self.assertEqual(self.c.exchange(datagram), first)
        self.assertEqual(json.loads(split_reply(first)[1]), {"result": "pong"})

    def test_error_reply_is_cached_too(self):
        datagram = new_cookie() + b" d7:command3:fooe"
        first = self.c.exchange(datagram)
        self.assertIn(b"error", first)
        self.assertEqual(self.c.exchange(datagram), first)

    def test_same_cookie_different_body_gets_cached_reply(self):
        cookie = new_cookie()
        first = self.c.exchange(cookie + b" d7:command4:pinge")
        self.assertEqual(first, cookie + b" d6:result4:ponge")
        # An unknown command would answer result=error if it ran; the cache answers instead.
        self.assertEqual(self.c.exchange(cookie + b" d7:command3:fooe"), first)
        self.assertEqual(self.c.exchange(cookie + b' {"command":"foo"}'), first)

    def test_different_cookies_run_separately(self):
        a = self.c.exchange(new_cookie() + b" d7:command3:fooe")
        b = new_cookie()
        self.assertEqual(self.c.exchange(b + b" d7:command4:pinge"), b + b" d6:result4:ponge")
        self.assertIn(b"unknown command", a)


if __name__ == "__main__":
    unittest.main()
