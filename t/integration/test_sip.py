"""SIP OPTIONS keepalives sent to the ng port (as some proxies' dispatchers do)."""

import unittest

from common import SharedDaemonTestCase

VIA1 = "SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport"
VIA2 = "SIP/2.0/UDP 198.51.100.7:5070;branch=z9hG4bKnashds8;received=203.0.113.4"
FROM = '"Dispatcher" <sip:dispatcher@192.0.2.10>;tag=1928301774'
TO = "<sip:rtprelay@127.0.0.1:2223>"
CALL_ID = "a84b4c76e66710@pc33.example.com"
CSEQ = "63104 OPTIONS"


def options_request(method="OPTIONS", to=TO, extra=()):
    lines = ["%s sip:rtprelay@127.0.0.1:2223 SIP/2.0" % method,
             "Via: " + VIA1,
             "Via: " + VIA2,
             "Max-Forwards: 70",
             "From: " + FROM,
             "To: " + to,
             "Call-ID: " + CALL_ID,
             "CSeq: " + CSEQ.replace("OPTIONS", method),
             "User-Agent: kamailio (5.7.4 (x86_64/linux))"]
    lines += list(extra)
    lines += ["Content-Length: 0", "", ""]
    return "\r\n".join(lines).encode()


def parse_response(data):
    """Status line and [(name, value)] of a SIP response; checks CRLF framing."""
    text = data.decode("utf-8")
    head, sep, body = text.partition("\r\n\r\n")
    assert sep, "response has no empty line ending the headers: %r" % text
    assert body == "", "unexpected body %r" % body
    lines = head.split("\r\n")
    for line in lines:
        assert "\n" not in line and "\r" not in line, "bare CR or LF in %r" % text
    headers = []
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.append((name.strip(), value.strip()))
    return lines[0], headers


class SipOptionsTest(SharedDaemonTestCase):

    def ask(self, request):
        return parse_response(self.c.exchange(request))

    def values(self, headers, name):
        return [v for n, v in headers if n.lower() == name.lower()]

    def test_options_answered_200(self):
        status, headers = self.ask(options_request())
        self.assertEqual(status, "SIP/2.0 200 OK")
        self.assertEqual(self.values(headers, "Via"), [VIA1, VIA2])
        self.assertEqual(self.values(headers, "From"), [FROM])
        self.assertEqual(self.values(headers, "Call-ID"), [CALL_ID])
        self.assertEqual(self.values(headers, "CSeq"), [CSEQ])
        to = self.values(headers, "To")
        self.assertEqual(len(to), 1, headers)
        self.assertTrue(to[0].startswith(TO + ";tag="), to[0])
        self.assertGreater(len(to[0]), len(TO + ";tag="), "empty To tag")
        self.assertEqual(self.values(headers, "Content-Length"), ["0"])
        # The Via headers come first after the status line, in request order.
        self.assertEqual([n for n, _ in headers[:2]], ["Via", "Via"])

    def test_options_reply_is_stable(self):
        # Same request, same answer (a retransmitted OPTIONS gets the same To tag).
        self.assertEqual(self.c.exchange(options_request()), self.c.exchange(options_request()))

    def test_to_tag_kept(self):
        to = TO + ";tag=abc123"
        _, headers = self.ask(options_request(to=to))
        self.assertEqual(self.values(headers, "To"), [to])

    def test_compact_headers(self):
        request = ("OPTIONS sip:rtprelay@127.0.0.1 SIP/2.0\r\n"
                   "v: " + VIA1 + "\r\n"
                   "v: " + VIA2 + "\r\n"
                   "f: " + FROM + "\r\n"
                   "t: " + TO + "\r\n"
                   "i: " + CALL_ID + "\r\n"
                   "CSeq: " + CSEQ + "\r\n"
                   "l: 0\r\n\r\n").encode()
        status, headers = self.ask(request)
        self.assertEqual(status, "SIP/2.0 200 OK")
        self.assertEqual(self.values(headers, "Via"), [VIA1, VIA2])
        self.assertEqual(self.values(headers, "From"), [FROM])
        self.assertEqual(self.values(headers, "Call-ID"), [CALL_ID])
        self.assertEqual(self.values(headers, "CSeq"), [CSEQ])
        to = self.values(headers, "To")
        self.assertEqual(len(to), 1, headers)
        self.assertTrue(to[0].startswith(TO + ";tag="), to[0])

    def test_header_names_case_insensitive(self):
        request = options_request().replace(b"Call-ID:", b"call-id:").replace(b"From:", b"FROM:")
        status, headers = self.ask(request)
        self.assertEqual(status, "SIP/2.0 200 OK")
        self.assertEqual(self.values(headers, "Call-ID"), [CALL_ID])
        self.assertEqual(self.values(headers, "From"), [FROM])

    def test_invite_not_answered(self):
        self.assertIsNone(self.c.expect_no_reply(options_request("INVITE")))

    def test_sip_response_not_answered(self):
        response = b"SIP/2.0 200 OK\r\n" + options_request().split(b"\r\n", 1)[1]
        self.assertIsNone(self.c.expect_no_reply(response))

    def test_incomplete_options_not_answered(self):
        without_call_id = b"\r\n".join(l for l in options_request().split(b"\r\n")
                                       if not l.startswith(b"Call-ID"))
        self.assertIsNone(self.c.expect_no_reply(without_call_id))
        self.assertIsNone(self.c.expect_no_reply(b"OPTIONS sip:x SIP/2.0\r\n\r\n"))

    def test_ng_still_works_after_sip(self):
        self.c.exchange(options_request())
        self.assertEqual(self.c.request({"command": "ping"}), {b"result": b"pong"})


if __name__ == "__main__":
    unittest.main()
