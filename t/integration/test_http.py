"""--listen-http: GET /ping, 404 and 405, bounded bodies, and ng over HTTP (POST /ng with
cookie framing, POST /ng-plain without), against the real daemon over its real sockets."""

import json
import socket
import time
import unittest

import common
import daemon
import httpclient
from httpclient import request
from media import Party, media_port
from ngclient import bdecode, bencode

NG_TYPE = {"Content-Type": "application/x-rtpengine-ng"}
PORTS = ["--port-min=46000", "--port-max=46999"]


class HttpTestCase(common.SharedDaemonTestCase):

    @classmethod
    def setUpClass(cls):
        cls.http = httpclient.HttpArgs(*PORTS)
        cls.daemon_args = cls.http
        super().setUpClass()

    def get(self, path, method="GET", body=None, headers=None):
        return request(self.http.port, method, path, body, headers)

    def ng(self, body, path="/ng"):
        status, headers, reply = self.get(path, "POST", body, NG_TYPE)
        self.assertEqual(status, 200, reply)
        self.assertEqual(headers["content-type"], "application/x-rtpengine-ng")
        return reply

    def offer(self, party, call_id):
        return {"command": "offer", "call-id": call_id, "from-tag": "ft",
                "sdp": party.sdp(), "supports": ["load limit"]}


class PingAndRoutesTest(HttpTestCase):

    def test_ping_answers_pong(self):
        status, headers, body = self.get("/ping")
        self.assertEqual((status, body), (200, b"pong"))
        self.assertTrue(headers["content-type"].startswith("text/plain"))

    def test_query_string_is_not_part_of_the_path(self):
        self.assertEqual(self.get("/ping?x=1")[2], b"pong")

    def test_unknown_path_is_404(self):
        for path in ("/", "/pingx", "/ng/x", "/metrics/"):
            self.assertEqual(self.get(path)[0], 404, path)

    def test_wrong_method_is_405_with_allow(self):
        for method, path, allow in (("POST", "/ping", "GET, HEAD"),
                                    ("DELETE", "/metrics", "GET, HEAD"),
                                    ("GET", "/ng", "POST"), ("PUT", "/ng-plain", "POST")):
            status, headers, _ = self.get(path, method, b"" if method != "GET" else None)
            self.assertEqual(status, 405, (method, path))
            self.assertEqual(headers["allow"], allow)

    def test_oversized_body_is_refused_and_the_server_goes_on(self):
        status, _, _ = self.get("/ng", "POST", b"c " + b"x" * 70000, NG_TYPE)
        self.assertEqual(status, 413)
        self.assertEqual(self.get("/ping")[2], b"pong")

    def test_empty_ng_body_is_400(self):
        self.assertEqual(self.get("/ng", "POST", b"", NG_TYPE)[0], 400)

    def test_keep_alive_serves_several_requests_on_one_connection(self):
        import http.client
        conn = http.client.HTTPConnection("127.0.0.1", self.http.port, timeout=5)
        self.addCleanup(conn.close)
        for _ in range(3):
            conn.request("POST", "/ng", body=b"k d7:command4:pinge", headers=NG_TYPE)
            self.assertEqual(conn.getresponse().read(), b"k d6:result4:ponge")


class NgOverHttpTest(HttpTestCase):

    def test_ng_ping_keeps_the_cookie(self):
        self.assertEqual(self.ng(b"c1 d7:command4:pinge"), b"c1 d6:result4:ponge")

    def retransmissions(self):
        cookie = ("st%d" % time.monotonic_ns()).encode()  # each asked anew, never cached
        st = bdecode(self.ng(cookie + b" d7:command10:statisticse").partition(b" ")[2])
        return st[b"statistics"][b"rtprelay"][b"ng"][b"retransmissions"]

    def test_a_repeated_cookie_is_answered_from_the_reply_cache(self):
        # The same cache as UDP: the repeat is a retransmission, and gets the first reply.
        before = self.retransmissions()
        first = self.ng(b"rc1 d7:command4:pinge")
        self.assertEqual(self.ng(b"rc1 d7:command4:pinge"), first)
        self.assertEqual(self.retransmissions(), before + 1)
        # /ng-plain has no cookie to recognise a repeat by: never cached.
        self.ng(b"d7:command4:pinge", "/ng-plain")
        self.ng(b"d7:command4:pinge", "/ng-plain")
        self.assertEqual(self.retransmissions(), before + 1)

    def test_ng_json_ping(self):
        reply = self.ng(b'j7 {"command":"ping"}')
        cookie, _, body = reply.partition(b" ")
        self.assertEqual(cookie, b"j7")
        self.assertEqual(json.loads(body), {"result": "pong"})

    def test_ng_plain_ping_is_bare(self):
        self.assertEqual(self.ng(b"d7:command4:pinge", "/ng-plain"), b"d6:result4:ponge")

    def test_ng_without_cookie_is_an_error_reply(self):
        reply = bdecode(self.ng(b"d7:command4:pinge", "/ng-plain"))
        self.assertEqual(reply, {b"result": b"pong"})
        reply = self.ng(b"d7:command4:pinge")  # /ng wants a cookie
        self.assertIn(b"error", reply)

    def test_ng_garbage_is_an_error_reply(self):
        cookie, _, body = self.ng(b"c9 dxyz").partition(b" ")
        self.assertEqual(cookie, b"c9")
        self.assertEqual(bdecode(body)[b"result"], b"error")

    def test_offer_over_http_makes_a_call_udp_ng_sees(self):
        a = Party()
        self.addCleanup(a.close)
        call_id = "http-offer-%f" % time.time()
        cookie, _, body = self.ng(b"o1 " + bencode(self.offer(a, call_id))).partition(b" ")
        self.assertEqual(cookie, b"o1")
        reply = bdecode(body)
        self.assertEqual(reply[b"result"], b"ok", reply)
        port = media_port(reply[b"sdp"].decode())
        self.assertTrue(46000 <= port <= 46999, port)
        query = self.c.request({"command": "query", "call-id": call_id})
        self.assertEqual(query[b"result"], b"ok", query)
        delete = bdecode(self.ng(bencode({"command": "delete", "call-id": call_id,
                                          "from-tag": "ft"}), "/ng-plain"))
        self.assertEqual(delete[b"result"], b"ok", delete)

    def test_client_gone_before_the_reply_does_no_harm(self):
        # An offer is answered after a round trip to a media loop: the client has closed by
        # then, and evhttp must drop the reply, not write to a freed connection.
        a = Party()
        self.addCleanup(a.close)
        for i in range(20):
            body = b"g%d " % i + bencode(self.offer(a, "http-gone-%d-%f" % (i, time.time())))
            with socket.create_connection(("127.0.0.1", self.http.port)) as s:
                s.sendall(b"POST /ng HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n"
                          % len(body) + body)
        self.assertEqual(self.get("/ping")[2], b"pong")
        self.assertEqual(self.ng(b"c2 d7:command4:pinge"), b"c2 d6:result4:ponge")


class ListenHttpOptionTest(common.DaemonTestCase):

    def test_no_http_without_the_option(self):
        d = self.start_daemon()
        port = httpclient.free_tcp_port()
        self.assertNotIn("HTTP listening", d.stderr_text())
        with self.assertRaises(OSError):
            request(port, "GET", "/ping", timeout=1)

    def test_bare_port_listens_on_loopback(self):
        port = httpclient.free_tcp_port()
        d = self.start_daemon(["--listen-http=%d" % port])
        self.assertIn("HTTP listening on 127.0.0.1:%d" % port, d.stderr_text())
        self.assertEqual(request(port, "GET", "/ping")[2], b"pong")

    def test_a_port_in_use_stops_the_start(self):
        with socket.socket() as busy:
            busy.bind(("127.0.0.1", 0))
            busy.listen()
            r = daemon.run(["--config-file=none", "--table=-1", "--foreground",
                            "--listen-ng=127.0.0.1:%d" % daemon.free_udp_port(),
                            "--listen-http=127.0.0.1:%d" % busy.getsockname()[1]])
        self.assertEqual(r.returncode, 1, r)
        self.assertIn("cannot listen for HTTP", r.stderr)


if __name__ == "__main__":
    unittest.main()
