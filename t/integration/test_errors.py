"""Error replies for bad ng messages, and silence for datagrams without a cookie."""

import json
import unittest

from common import SharedDaemonTestCase
from ngclient import bdecode, new_cookie


class ErrorReplyTest(SharedDaemonTestCase):

    def bencode_error(self, body):
        """Sends a raw bencode-ish body; returns error-reason (str) of a result=error reply."""
        raw = self.c.request_raw(new_cookie(), body)
        reply = bdecode(raw)  # the error itself must be valid bencode
        self.assertIsInstance(reply, dict, raw)
        self.assertEqual(reply.get(b"result"), b"error", raw)
        self.assertIn(b"error-reason", reply, raw)
        self.assertIsInstance(reply[b"error-reason"], bytes, raw)
        return reply[b"error-reason"].decode("utf-8", "replace")

    def json_error(self, body):
        """Sends a raw JSON-ish body; the reply must be JSON; returns its error-reason."""
        raw = self.c.request_raw(new_cookie(), body)
        try:
            reply = json.loads(raw)
        except ValueError:
            self.fail("error reply to a JSON request is not JSON: %r" % raw)
        self.assertIsInstance(reply, dict, raw)
        self.assertEqual(reply.get("result"), "error", raw)
        self.assertIsInstance(reply.get("error-reason"), str, raw)
        return reply["error-reason"]

    def test_unknown_command(self):
        self.assertIn("'foo'", self.bencode_error(b"d7:command3:fooe"))
        self.assertIn("unknown command", self.bencode_error(b"d7:command3:fooe"))

    def test_unknown_command_json(self):
        reason = self.json_error(b'{"command":"frobnicate"}')
        self.assertIn("frobnicate", reason)

    def test_unknown_command_with_unprintable_bytes(self):
        reason = self.bencode_error(b"d7:command4:\x00\xff\n\x1be")
        self.assertIn("unknown command", reason)
        for c in "\x00\n\x1b":
            self.assertNotIn(c, reason)

    def test_missing_command(self):
        reason = self.bencode_error(b"d3:foo3:bare")
        self.assertIn("command", reason)
        self.assertIn("missing", reason)

    def test_missing_command_json(self):
        reason = self.json_error(b'{"foo":"bar"}')
        self.assertIn("command", reason)
        self.assertIn("missing", reason)

    def test_empty_dictionary(self):
        self.assertIn("command", self.bencode_error(b"de"))
        self.assertIn("command", self.json_error(b"{}"))

    def test_command_not_a_string(self):
        reason = self.bencode_error(b"d7:commandi5ee")
        self.assertIn("command", reason)
        self.assertIn("must be a string", reason)
        self.assertIn("must be a string", self.bencode_error(b"d7:commandl4:pingee"))
        self.assertIn("must be a string", self.json_error(b'{"command":5}'))
        self.assertIn("must be a string", self.json_error(b'{"command":["ping"]}'))
        self.assertIn("must be a string", self.json_error(b'{"command":{"a":"b"}}'))

    def test_truncated_bencode(self):
        reason = self.bencode_error(b"d7:command4:pi")
        self.assertIn("malformed bencode", reason)

    def test_other_malformed_bencode(self):
        for body in (b"d7:command4:ping", b"d7:command", b"d", b"d7:commandi5", b"di5e4:pinge",
                     b"d7:command4:pingee", b"d7:command05:pinge", b"d7:commandi-0ee",
                     b"d7:commandi99999999999999999999ee", b"d7:command-1:e",
                     b"d7:command99999999999999999999999:pinge", b"dxe"):
            with self.subTest(body=body):
                self.assertIn("malformed bencode", self.bencode_error(body))

    def test_top_level_not_a_dictionary(self):
        for body in (b"l4:pinge", b"4:ping", b"i5e", b"ping", b"null"):
            with self.subTest(body=body):
                self.assertIn("dictionary", self.bencode_error(body))

    def test_json_top_level_not_an_object(self):
        # The body must start with '{' to be JSON at all; anything else is bencode.
        self.assertIn("dictionary", self.bencode_error(b'["command","ping"]'))

    def test_empty_body(self):
        self.assertIn("empty", self.bencode_error(b""))

    def test_malformed_json(self):
        reason = self.json_error(b'{"command":')
        self.assertIn("JSON", reason)
        self.assertIn("malformed", reason)
        for body in (b'{"command":"ping"', b'{"command" "ping"}', b'{command:"ping"}',
                     b'{"command":"ping"} trailing', b'{"command":"ping"}{"a":1}',
                     b'{"a":"\\u12"}', b'{"a":tru}', b'{"a":"\xff\xfe"', b'{"a":[,]}'):
            with self.subTest(body=body):
                self.assertIn("JSON", self.json_error(body))

    def test_deep_nesting_bencode(self):
        body = b"d7:command4:ping4:deep" + b"l" * 40 + b"e" * 40 + b"e"
        reason = self.bencode_error(body)
        self.assertIn("nested", reason)

    def test_deep_nesting_json(self):
        body = b'{"command":"ping","deep":' + b"[" * 40 + b"]" * 40 + b"}"
        reason = self.json_error(body)
        self.assertIn("nesting", reason)

    def test_very_deep_nesting_does_not_crash(self):
        self.assertIn("nested", self.bencode_error(b"d1:x" + b"l" * 20000 + b"e" * 20000 + b"e"))
        self.assertIn("nesting", self.json_error(b'{"x":' + b"[" * 20000 + b"]" * 20000 + b"}"))

    def test_nesting_within_limit_is_accepted(self):
        body = b"d7:command4:ping4:deep" + b"l" * 20 + b"e" * 20 + b"e"
        self.assertEqual(bdecode(self.c.request_raw(new_cookie(), body)), {b"result": b"pong"})
        body = b'{"command":"ping","deep":' + b"[" * 20 + b"]" * 20 + b"}"
        self.assertEqual(json.loads(self.c.request_raw(new_cookie(), body)), {"result": "pong"})

    def test_json_null(self):
        self.assertIn("null", self.json_error(b'{"command":"ping","x":null}'))
        self.assertIn("null", self.json_error(b'{"command":"ping","x":[1,{"y":null}]}'))
        self.assertIn("null", self.json_error(b'{"command":null}'))

    def test_json_float(self):
        self.assertIn("integer", self.json_error(b'{"command":"ping","x":1.5}'))
        self.assertIn("integer", self.json_error(b'{"command":"ping","x":[1e3]}'))

    def test_json_integer_out_of_range(self):
        # Bencode rejects integers outside int64; JSON must not clamp them silently either
        # (json.cc means to answer "JSON integer out of range").
        self.assertIn("range", self.bencode_error(b"d7:command4:ping1:xi9223372036854775808ee"))
        for n in (b"9223372036854775808", b"99999999999999999999", b"-99999999999999999999"):
            with self.subTest(n=n):
                self.assertIn("range", self.json_error(b'{"command":"ping","x":' + n + b"}"))

    def test_json_booleans_and_integers_are_accepted(self):
        reply = self.c.request_json(b'{"command":"ping","a":true,"b":false,"c":-5,'
                                    b'"d":9223372036854775807,"e":"\\u00e9\\n"}')
        self.assertEqual(reply, {"result": "pong"})

    def test_large_message(self):
        # Close to the largest UDP payload over IPv4 (65507 bytes).
        body = b"d7:command4:ping1:x65000:" + b"a" * 65000 + b"e"
        self.assertEqual(bdecode(self.c.request_raw(new_cookie(), body)), {b"result": b"pong"})
        body = b'{"command":"ping","x":"' + b"a" * 65000 + b'"}'
        self.assertEqual(json.loads(self.c.request_raw(new_cookie(), body)), {"result": "pong"})


class NoCookieTest(SharedDaemonTestCase):

    def assertNoReply(self, datagram):
        reply = self.c.expect_no_reply(datagram)
        self.assertIsNone(reply, "unexpected reply to %r: %r" % (datagram[:80], reply))

    def tearDown(self):
        super().tearDown()
        self.assertStillServing(self.daemon)

    def test_no_space(self):
        self.assertNoReply(b"nocookie")

    def test_empty_datagram(self):
        self.assertNoReply(b"")

    def test_cookie_with_control_character(self):
        self.assertNoReply(b"a\x01b d7:command4:pinge")
        self.assertNoReply(b"a\tb d7:command4:pinge")
        self.assertNoReply(b"a\x7fb d7:command4:pinge")

    def test_cookie_with_non_ascii_byte(self):
        self.assertNoReply(b"\xffab d7:command4:pinge")

    def test_leading_space(self):
        self.assertNoReply(b" d7:command4:pinge")

    def test_cookie_too_long(self):
        self.assertNoReply(b"k" * 257 + b" d7:command4:pinge")

    def test_only_a_word_and_newline(self):
        self.assertNoReply(b"d7:command4:pinge\n")


if __name__ == "__main__":
    unittest.main()
