"""Call state in a real Redis (--redis): documents written after offer and answer and removed
at delete; a relay killed with SIGKILL and started again rebuilds its calls on the same ports
before it serves ng, and media flows again without any signalling, SDES-keyed SRTP included
(the phone decrypts with the key of the first answer); Redis stopped during calls holds up
neither signalling nor media, and the writes catch up when it answers again.

redis-server comes from Debian's package (make deps); each test starts its own."""

import asyncio
import json
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import common
from common import wait_for
import daemon
import httpclient
import media
import srtp
from media import Party
from redisserver import RedisServer
from test_calls import answer_msg, offer_msg
from test_dtls import SUITE as DTLS_SUITE, Certificate, OpenSslParty
from test_ice import HOSTS as ICE_HOSTS, WEBRTC_OFFER, aioice, attr as ice_attr, ice_sdp
from test_srtp import rtp

PORTS = ["--port-min=38000", "--port-max=38999"]
KEY = "rtprelay:call:"


class RedisTestCase(common.DaemonTestCase):
    extra_args = []

    def setUp(self):
        self.redis = RedisServer().start()
        self.addCleanup(self.redis.close)
        self.parties = []
        self.n = 0

    def tearDown(self):
        for p in self.parties:
            p.close()

    def relay(self, killed=False, http=False):
        """A relay on the test's Redis; one the test will kill (`killed`) is only killed
        at clean-up, the others must also stop cleanly. With `http`, self.http.port serves
        /metrics."""
        args = PORTS + ["--redis=" + self.redis.spec(3)] + self.extra_args
        if http:
            self.http = httpclient.HttpArgs(*args)
            args = self.http
        if killed:
            d = daemon.Daemon(args).start()
            self.addCleanup(d.kill)
        else:
            d = self.start_daemon(args)
        return d, self.client(d)

    def party(self, host="127.0.0.1"):
        p = Party(host)
        self.parties.append(p)
        return p

    def call_id(self):
        self.n += 1
        return "%s-%d" % (self.id().split(".")[-1], self.n)

    def ok(self, c, msg):
        r = c.request(msg)
        self.assertEqual(r.get(b"result"), b"ok", r)
        return r

    def establish(self, c, a, b, offer_extra=None, a_sdp=None):
        """Offer from a, answer from b: (call-id, relay port facing a, relay port facing b)."""
        cid = self.call_id()
        r1 = self.ok(c, offer_msg(cid, "A", a_sdp or a.sdp(), **(offer_extra or {})))
        r2 = self.ok(c, answer_msg(cid, "A", "B", b.sdp()))
        return (cid, media.media_port(r2[b"sdp"].decode()),
                media.media_port(r1[b"sdp"].decode()), r2[b"sdp"].decode())

    def documents(self):
        return self.redis.keys(KEY + "*", db=3)

    def document(self, cid):
        text = wait_for(lambda: self.redis.get(KEY + cid, db=3))
        self.assertTrue(text, "no document for %s in Redis" % cid)
        return json.loads(text)

    def passes(self, sender, port, receiver, start, count=3):
        """`count` RTP packets from sender to the relay's `port` reach receiver."""
        sender.send(("127.0.0.1", port), count=count, start=start)
        got = receiver.receive(want=count, timeout=2.0)
        return len(got) == count


class DocumentTest(RedisTestCase):
    def test_offer_and_answer_are_written_and_delete_removes(self):
        _d, c = self.relay()
        a, b = self.party(), self.party()
        cid, pa, pb, _ = self.establish(c, a, b)
        doc = wait_for(lambda: (lambda d: d if len(d["requests"]) == 2
                                                 else None)(self.document(cid)))
        self.assertTrue(doc, "the answer was not written")
        self.assertEqual(doc["version"], 1)
        self.assertEqual(doc["call-id"], cid)
        self.assertEqual([q["command"] for q in doc["requests"]], ["offer", "answer"])
        self.assertEqual(sorted(l["port"] for l in doc["leases"]), sorted([pa, pb]))
        self.assertEqual({l["address"] for l in doc["leases"]}, {"127.0.0.1"})
        self.assertEqual(doc["secrets"], [])
        self.ok(c, {"command": "delete", "call-id": cid, "from-tag": "A"})
        self.assertTrue(wait_for(lambda: not self.documents()),
                        "document still there: %s" % self.documents())

    def test_a_call_that_never_succeeded_is_not_written(self):
        _d, c = self.relay()
        r = c.request(offer_msg(self.call_id(), "A", "v=0\r\nnot sdp"))
        self.assertEqual(r[b"result"], b"error")
        time.sleep(0.3)
        self.assertEqual(self.documents(), [])


class RestartTest(RedisTestCase):
    def test_killed_relay_restores_ten_calls_on_their_ports(self):
        d, c = self.relay(killed=True)
        calls = []
        for _ in range(10):
            a, b = self.party(), self.party()
            cid, pa, pb, _ = self.establish(c, a, b)
            self.assertTrue(self.passes(a, pa, b, 0), "%s: a -> b before the kill" % cid)
            self.assertTrue(self.passes(b, pb, a, 0), "%s: b -> a before the kill" % cid)
            calls.append((cid, a, b, pa, pb))
        self.assertTrue(wait_for(lambda: len(self.documents()) == 10),
                        self.documents())
        time.sleep(0.3)  # the answers' documents after the offers'
        d.kill()
        d2, c2 = self.relay()
        self.assertIn("restored 10 call(s)", d2.stderr_text())
        for cid, a, b, pa, pb in calls:
            self.assertTrue(self.passes(a, pa, b, 100), "%s: a -> b after restart" % cid)
            self.assertTrue(self.passes(b, pb, a, 100), "%s: b -> a after restart" % cid)
            q = c2.request({"command": "query", "call-id": cid})
            self.assertEqual(q[b"result"], b"ok", q)
        # Signalling goes on where it left off: a re-INVITE keeps the ports.
        cid, a, b, pa, pb = calls[0]
        r = self.ok(c2, offer_msg(cid, "A", a.sdp(version=2)))
        self.assertEqual(media.media_port(r[b"sdp"].decode()), pb)
        r = self.ok(c2, answer_msg(cid, "A", "B", b.sdp(version=2)))
        self.assertEqual(media.media_port(r[b"sdp"].decode()), pa)
        self.assertTrue(self.passes(a, pa, b, 200))
        self.assertTrue(self.passes(b, pb, a, 200))
        s = c2.request_json({"command": "statistics"})
        self.assertEqual(s["statistics"]["currentstatistics"]["sessionsown"], 10, s)
        self.ok(c2, {"command": "delete", "call-id": cid, "from-tag": "A"})
        self.assertTrue(wait_for(lambda: len(self.documents()) == 9))

    def test_learned_endpoint_survives_a_restart(self):
        # The caller's SDP names 127.0.0.1, its packets come from its NAT on 127.0.0.3: the
        # relay learns the NAT, writes it into the document, and after a kill -9 sends the
        # callee's media there at once, before the caller has sent anything again.
        d, c = self.relay(killed=True)
        a, b, nat = self.party(), self.party(), self.party("127.0.0.3")
        cid, pa, pb, _ = self.establish(c, a, b)
        nat.talk(("127.0.0.1", pa), 0.8)  # past the learning's 500 ms of unbroken RTP
        self.assertTrue(self.passes(b, pb, nat, 0), "the NAT was not learned")
        want = {"tag": "A", "media": 1, "rtcp": False, "address": "127.0.0.3:%d" % nat.port}
        self.assertTrue(wait_for(lambda: want in self.document(cid).get("endpoints", [])),
                        self.document(cid))
        d.kill()
        _d2, _c2 = self.relay()
        self.assertTrue(self.passes(b, pb, nat, 100), "media to the learned NAT after restart")
        self.assertEqual(a.receive(timeout=0.2), [], "media went to the SDP address")

    def test_sdes_keys_survive_a_restart(self):
        d, c = self.relay(killed=True)
        a, b = self.party(), self.party()
        suite = "AES_CM_128_HMAC_SHA1_80"
        key_a = srtp.new_key(suite)
        a_sdp = a.sdp(media="m=audio {port} RTP/SAVP 0\r\n",
                      extra="a=crypto:" + srtp.crypto_line(1, suite, key_a) + "\r\n")
        cid, pa, pb, answer = self.establish(c, a, b, a_sdp=a_sdp,
                                             offer_extra={"transport-protocol": "RTP/AVP"})
        relay_key = srtp.parse_crypto(answer)[0][0]
        with srtp.Srtp(suite, key_a, inbound=False) as a_out, \
                srtp.Srtp(relay_key.suite, relay_key.key_salt, inbound=True) as a_in:
            def a_sends(start):
                for i in range(3):
                    a.rtp.sendto(a_out.protect(rtp(start + i)), ("127.0.0.1", pa))
                return [p for p, _ in b.receive(want=3, timeout=2.0)]

            def b_sends(start):
                for i in range(3):
                    b.rtp.sendto(rtp(start + i, ssrc=0x77), ("127.0.0.1", pb))
                return [a_in.unprotect(p) for p, _ in a.receive(want=3, timeout=2.0)]

            self.assertEqual(a_sends(0), [rtp(i) for i in range(3)])
            self.assertEqual(b_sends(0), [rtp(i, ssrc=0x77) for i in range(3)])
            self.assertTrue(wait_for(lambda: len(self.document(cid)["requests"]) == 2))
            self.assertEqual(len(self.document(cid)["secrets"]), 1)
            d.kill()
            self.relay()
            # libsrtp2 raises on a packet that fails authentication: the relay's key and the
            # caller's are the ones of the first answer.
            self.assertEqual(a_sends(10), [rtp(10 + i) for i in range(3)])
            self.assertEqual(b_sends(10), [rtp(10 + i, ssrc=0x77) for i in range(3)])


    def test_srtp_rollover_and_srtcp_survive_a_restart(self):
        # Both directions cross sequence number 65535 before the kill, so the sessions'
        # rollover counters are 1; the relay has also sent SRTCP. After a restart, SRTP
        # with rollover counter 1 still authenticates both ways and the relay's SRTCP is
        # not taken for a replay by the caller's libsrtp2 (which raises on either).
        d, c = self.relay(killed=True)
        a, b = self.party(), self.party()
        suite = "AES_CM_128_HMAC_SHA1_80"
        key_a = srtp.new_key(suite)
        a_sdp = a.sdp(media="m=audio {port} RTP/SAVP 0\r\n",
                      extra="a=crypto:" + srtp.crypto_line(1, suite, key_a) + "\r\n")
        cid, pa, pb, answer = self.establish(c, a, b, a_sdp=a_sdp,
                                             offer_extra={"transport-protocol": "RTP/AVP"})
        relay_key = srtp.parse_crypto(answer)[0][0]
        with srtp.Srtp(suite, key_a, inbound=False) as a_out, \
                srtp.Srtp(relay_key.suite, relay_key.key_salt, inbound=True) as a_in:
            def a_sends(seqs):
                for s in seqs:
                    a.rtp.sendto(a_out.protect(rtp(s)), ("127.0.0.1", pa))
                return [p for p, _ in b.receive(want=len(seqs), timeout=2.0)]

            def b_sends(seqs):
                for s in seqs:
                    b.rtp.sendto(rtp(s, ssrc=0x77), ("127.0.0.1", pb))
                return [a_in.unprotect(p) for p, _ in a.receive(want=len(seqs), timeout=2.0)]

            def b_sends_rtcp(n):
                for _ in range(n):
                    b.rtcp.sendto(media.rtcp_packet(0x77), ("127.0.0.1", pb + 1))
                return [a_in.unprotect_rtcp(p) for p, _ in
                        a.receive(sock=a.rtcp, want=n, timeout=2.0)]

            wrap = [65533, 65534, 65535, 0, 1, 2]
            self.assertEqual(a_sends(wrap), [rtp(s) for s in wrap])
            self.assertEqual(b_sends(wrap), [rtp(s, ssrc=0x77) for s in wrap])
            self.assertEqual(len(b_sends_rtcp(3)), 3)
            rocs = lambda: {(e["out"], e.get("roc")) for e in self.document(cid).get("srtp", [])}
            self.assertTrue(wait_for(lambda: rocs() >= {(False, 1), (True, 1)}),
                            self.document(cid))
            d.kill()
            self.relay()
            self.assertEqual(a_sends([3, 4, 5]), [rtp(s) for s in (3, 4, 5)])
            self.assertEqual(b_sends([3, 4, 5]), [rtp(s, ssrc=0x77) for s in (3, 4, 5)])
            self.assertEqual(len(b_sends_rtcp(2)), 2)


    def test_dtls_keys_survive_a_restart(self):
        # A party keys its media with DTLS (openssl s_client against the relay), then the
        # relay is killed: the restarted relay keys its sessions with the association's keys
        # from Redis, so SRTP flows both ways with no new handshake.
        work = tempfile.mkdtemp(prefix="rtprelay-redis-dtls-")
        self.addCleanup(shutil.rmtree, work, True)
        cert = Certificate(work, "party")
        d, c = self.relay(killed=True)
        a, b = self.party(), self.party()
        a_sdp = a.sdp(media="m=audio {port} UDP/TLS/RTP/SAVP 0\r\n",
                      extra="a=rtcp-mux\r\na=setup:actpass\r\na=fingerprint:%s\r\n"
                      % cert.fingerprint)
        cid, pa, pb, _ = self.establish(c, a, b, a_sdp=a_sdp,
                                        offer_extra={"transport-protocol": "RTP/AVP"})
        a.rtp.close()  # s_client takes the caller's port
        party = OpenSslParty(cert, a.port, pa)
        self.addCleanup(party.close)
        keys = party.keys()
        self.assertIsNotNone(keys, party.output)
        party.close()
        a.rtp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        a.rtp.bind(("127.0.0.1", a.port))
        client_keys, server_keys = keys

        def both_ways(start):
            with srtp.Srtp(DTLS_SUITE, client_keys, inbound=False) as tx, \
                    srtp.Srtp(DTLS_SUITE, server_keys, inbound=True) as rx:
                for i in range(3):
                    a.rtp.sendto(tx.protect(rtp(start + i)), ("127.0.0.1", pa))
                to_b = [p for p, _ in b.receive(want=3, timeout=2.0)]
                for i in range(3):
                    b.rtp.sendto(rtp(start + i, ssrc=0x77), ("127.0.0.1", pb))
                to_a = [rx.unprotect(p) for p, _ in a.receive(want=3, timeout=2.0)]
                return to_b, to_a

        want = lambda start: ([rtp(start + i) for i in range(3)],
                              [rtp(start + i, ssrc=0x77) for i in range(3)])
        self.assertEqual(both_ways(0), want(0))
        self.assertTrue(wait_for(lambda: self.document(cid).get("dtls")), self.document(cid))
        self.assertNotIn(client_keys.hex(), json.dumps(self.document(cid)))  # base64, not hex
        d.kill()
        self.relay()
        self.assertEqual(both_ways(10), want(10))


    def test_ice_selection_survives_a_restart(self):
        # aioice (a full agent, as a browser) checks the relay and nominates; after the kill
        # the restarted relay knows the nominated pair, so media passes both ways at once,
        # not only after aioice's next consent check.
        loop = asyncio.new_event_loop()
        self.addCleanup(loop.close)

        def wait(coro, timeout=10.0):
            return loop.run_until_complete(asyncio.wait_for(coro, timeout))

        ICE_HOSTS[:] = ["127.0.0.1"]
        conn = aioice.Connection(ice_controlling=True, components=1)
        wait(conn.gather_candidates())
        self.addCleanup(lambda: wait(conn.close()))
        d, c = self.relay(killed=True)
        b = self.party()
        cid = self.call_id()
        to_b = self.ok(c, offer_msg(cid, "A", ice_sdp(conn), **WEBRTC_OFFER))[b"sdp"].decode()
        to_a = self.ok(c, answer_msg(cid, "A", "B", b.sdp()))[b"sdp"].decode()
        conn.remote_username = ice_attr(to_a, "ice-ufrag")[0]
        conn.remote_password = ice_attr(to_a, "ice-pwd")[0]
        conn.remote_is_lite = True
        for cand in ice_attr(to_a, "candidate"):
            wait(conn.add_remote_candidate(aioice.Candidate.from_sdp(cand)))
        wait(conn.add_remote_candidate(None))
        wait(conn.connect())
        pb = media.media_port(to_b)

        def both_ways(seq):
            b.send(("127.0.0.1", pb), count=1, start=seq)
            got = wait(conn.recvfrom(), timeout=1.0)
            wait(conn.sendto(media.rtp_packet(seq, ssrc=0x77), 1))
            return got[0], [p for p, _ in b.receive(want=1, timeout=1.0)]

        self.assertEqual(both_ways(1), (media.rtp_packet(1), [media.rtp_packet(1, ssrc=0x77)]))
        self.assertTrue(wait_for(lambda: any(s["nominated"] for s in
                                             self.document(cid).get("ice", []))),
                        self.document(cid))
        d.kill()
        self.relay()
        self.assertEqual(both_ways(2), (media.rtp_packet(2), [media.rtp_packet(2, ssrc=0x77)]))


class RedisAwayTest(RedisTestCase):
    extra_args = ["--redis-cmd-timeout=300", "--redis-connect-timeout=300",
                  "--redis-disable-time=1"]

    def link(self, c):
        return c.request_json({"command": "statistics"})["statistics"]["rtprelay"]["redis"]

    def test_redis_stopped_holds_up_nothing_and_writes_catch_up(self):
        _d, c = self.relay(http=True)
        self.assertEqual(wait_for(lambda: self.link(c)["connected"]), 1)
        a, b = self.party(), self.party()
        cid1, pa, _pb, _ = self.establish(c, a, b)
        self.assertTrue(wait_for(lambda: len(self.documents()) == 1))
        self.redis.proc.send_signal(signal.SIGSTOP)
        try:
            started = time.monotonic()
            a2, b2 = self.party(), self.party()
            cid2, _pa2, pb2, _ = self.establish(c, a2, b2)
            self.assertLess(time.monotonic() - started, 1.0, "signalling waited for Redis")
            for seq in range(0, 60, 3):
                self.assertTrue(self.passes(a, pa, b, seq))
                self.assertTrue(self.passes(b2, pb2, a2, seq))
            # The loss shows: not connected, the new call's writes waiting.
            link = wait_for(lambda: (lambda s: s if s["connected"] == 0 else None)(
                self.link(c)))
            self.assertTrue(link, self.link(c))
            self.assertGreaterEqual(link["queued"], 1, link)
            self.assertGreaterEqual(link["failed"], 1, link)
            self.assertEqual(link["target"], "127.0.0.1:%d/3" % self.redis.port)
        finally:
            self.redis.proc.send_signal(signal.SIGCONT)
        # Caught up once the link has drained its queue (a look at Redis before could see
        # the frozen connection's own writes, which Redis still runs when it resumes).
        link = wait_for(lambda: (lambda s: s if s["queued"] == 0 else None)(
            self.link(c)), timeout=5)
        self.assertTrue(link, self.link(c))
        self.assertEqual(len(self.documents()), 2, self.documents())
        self.assertEqual(len(self.document(cid2)["requests"]), 2)
        self.assertEqual(self.document(cid1)["call-id"], cid1)
        self.assertEqual(link["connected"], 1)
        self.assertEqual(link["dropped"], 0)
        self.assertGreaterEqual(link["written"], 2, link)  # each call once at least
        # The same in /metrics, which promtool accepts.
        status, _, body = httpclient.request(self.http.port, "GET", "/metrics")
        self.assertEqual(status, 200)
        samples = httpclient.parse_metrics(body.decode())[0]
        self.assertEqual(httpclient.value(samples, "rtprelay_redis_connected"), 1)
        self.assertEqual(httpclient.value(samples, "rtprelay_redis_queued_writes"), 0)
        self.assertGreaterEqual(httpclient.value(samples, "rtprelay_redis_writes_total",
                                                 result="failed"), 1)
        p = subprocess.run(["promtool", "check", "metrics"], input=body, capture_output=True,
                           check=False)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
