"""rtprelay-ctl-proxy in front of real rtprelayd nodes (docs/ha.md, "Many nodes behind a
proxy"): new calls spread by weight, every later command of a call reaches the node that
has it, a retransmission reaches a node once, a killed node gets no new calls and no new
call fails, a node at its session limit passes new calls on, SIP OPTIONS say whether any
node is up, statistics and list cover all nodes, and two proxies sharing a real Redis
(one of them restarted) agree on where each call is."""

import json
import signal
import time

import common
from common import wait_for
import daemon
import ngclient
from ctlproxy import Proxy
from httpclient import free_tcp_port
from redisserver import RedisServer
from test_calls import answer_msg, offer_msg
from test_cli import cli as cli_text
from test_rtprelay_ctl import ctl
from test_ng_tcp import NgTcp
from test_sip import options_request

SDP = ("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
       "m=audio 30000 RTP/AVP 0\r\n")
SDP_B = SDP.replace("30000", "30002")


class ProxyTestCase(common.DaemonTestCase):
    def node(self, index, *extra):
        lo = 41000 + index * 200
        d = daemon.Daemon(["--port-min=%d" % lo, "--port-max=%d" % (lo + 199),
                           "--delete-delay=0"] + list(extra)).start()
        self.addCleanup(d.kill)
        return d

    def proxy(self, nodes, *extra):
        p = Proxy(nodes, extra).start()
        self.addCleanup(p.stop)
        return p

    @staticmethod
    def spec(name, d, weight=1):
        return "%s/127.0.0.1:%d/%d" % (name, d.port, weight)

    def calls_on(self, d):
        return set(d.client().request_json({"command": "list"})["calls"])

    def offer(self, c, cid, **extra):
        r = c.request_json(offer_msg(cid, "A", SDP, **extra))
        self.assertEqual(r["result"], "ok", r)
        return r

    def proxy_nodes(self, c):
        st = c.request_json({"command": "statistics"})["statistics"]
        return {n["name"]: n for n in st["rtprelay-ctl-proxy"]["nodes"]}

    def wait_up(self, c, names):
        self.assertTrue(wait_for(lambda: all(
            self.proxy_nodes(c)[n]["up"] for n in names)), "nodes not up")


class SingleProxyTest(ProxyTestCase):
    def test_new_calls_spread_by_weight(self):
        nodes = [self.node(i) for i in range(3)]
        p = self.proxy([self.spec("n%d" % i, d, i + 1) for i, d in enumerate(nodes)])
        c = self.client(p)
        self.wait_up(c, ["n0", "n1", "n2"])
        for i in range(60):
            self.offer(c, "w%d" % i)
        counts = [len(self.calls_on(d)) for d in nodes]
        self.assertEqual(sum(counts), 60)
        # Weights 1:2:3 of 60 calls: 10, 20, 30.
        for got, want in zip(counts, [10, 20, 30]):
            self.assertLessEqual(abs(got - want), 1, counts)

    def test_every_command_of_a_call_reaches_its_node(self):
        nodes = [self.node(i) for i in range(3)]
        p = self.proxy([self.spec("n%d" % i, d) for i, d in enumerate(nodes)])
        c = self.client(p)
        self.wait_up(c, ["n0", "n1", "n2"])
        for i in range(6):
            cid = "seq%d" % i
            self.offer(c, cid)
            holders = [d for d in nodes if cid in self.calls_on(d)]
            self.assertEqual(len(holders), 1)
            r = c.request_json(answer_msg(cid, "A", "B", SDP_B))
            self.assertEqual(r["result"], "ok", r)
            r = c.request_json(offer_msg(cid, "A", SDP.replace("1 1 IN", "1 2 IN")))
            self.assertEqual(r["result"], "ok", r)  # a re-INVITE
            r = c.request_json({"command": "query", "call-id": cid})
            self.assertEqual(r["result"], "ok", r)
            self.assertIn("totals", r)
            r = c.request_json({"command": "delete", "call-id": cid, "from-tag": "A"})
            self.assertEqual(r["result"], "ok", r)
            self.assertNotIn(cid, self.calls_on(holders[0]))
        r = c.request_json({"command": "answer", "call-id": "never", "from-tag": "A",
                            "to-tag": "B", "sdp": SDP})
        self.assertEqual(r, {"result": "error", "error-reason": "Unknown call-id"})

    def test_retransmission_reaches_the_node_once(self):
        d = self.node(0)
        p = self.proxy([self.spec("only", d)])
        c = self.client(p)
        self.wait_up(c, ["only"])
        before = d.client().request_json({"command": "statistics"})["statistics"][
            "controlstatistics"]["totaloffercount"]
        datagram = ngclient.new_cookie() + b" " + ngclient.bencode(offer_msg("rtx", "A", SDP))
        for _ in range(3):  # back to back: the later copies arrive while the first runs
            c.send_raw(datagram)
        replies = [c.recv_raw() for _ in range(3)]
        replies.append((c.exchange(datagram), None))  # and once more after the answer
        self.assertNotIn(None, replies)
        self.assertEqual(len({r[0] for r in replies}), 1, "copies got different replies")
        after = d.client().request_json({"command": "statistics"})["statistics"][
            "controlstatistics"]["totaloffercount"]
        self.assertEqual(after - before, 1)

    def test_killed_node_gets_no_new_calls_and_none_fail(self):
        nodes = [self.node(i) for i in range(3)]
        p = self.proxy([self.spec("n%d" % i, d) for i, d in enumerate(nodes)])
        c = self.client(p)
        self.wait_up(c, ["n0", "n1", "n2"])
        nodes[1].kill()
        start = time.monotonic()
        slowest = 0
        for i in range(30):
            t = time.monotonic()
            self.offer(c, "k%d" % i)
            slowest = max(slowest, time.monotonic() - t)
        self.assertLess(slowest, 2.0, "a new call waited for the dead node")
        self.assertEqual(len(self.calls_on(nodes[0]) | self.calls_on(nodes[2])), 30)
        self.assertTrue(wait_for(lambda: not self.proxy_nodes(c)["n1"]["up"],
                                 max(0.1, start + 2.0 - time.monotonic())),
                        "the proxy did not see the node go within 2 s")

    def test_silent_node_new_calls_move_on(self):
        # A node that is stopped (SIGSTOP) sends no ICMP: the proxy sees only silence.
        nodes = [self.node(i) for i in range(2)]
        p = self.proxy([self.spec("n%d" % i, d) for i, d in enumerate(nodes)],
                       "--node-timeout=300")
        c = self.client(p)
        self.wait_up(c, ["n0", "n1"])
        nodes[0].send_signal(signal.SIGSTOP)
        self.addCleanup(lambda: nodes[0].send_signal(signal.SIGCONT))
        for i in range(6):
            self.offer(c, "s%d" % i)
        nodes[0].send_signal(signal.SIGCONT)
        self.assertTrue(wait_for(lambda: self.proxy_nodes(c)["n0"]["up"]))
        self.assertEqual(len(self.calls_on(nodes[1]) & {"s%d" % i for i in range(6)}), 6)

    def test_node_at_its_limit_passes_new_calls_on(self):
        full = self.node(0, "--max-sessions=2")
        other = self.node(1)
        p = self.proxy([self.spec("full", full, 100), self.spec("other", other, 1)])
        c = self.client(p)
        self.wait_up(c, ["full", "other"])
        for i in range(6):
            self.offer(c, "lim%d" % i)
        self.assertEqual(len(self.calls_on(full)), 2)
        self.assertEqual(len(self.calls_on(other)), 4)
        self.assertEqual(self.proxy_nodes(c)["full"]["refusing new calls"], 1)

    def test_no_node_takes_the_call(self):
        full = self.node(0, "--max-sessions=0")
        p = self.proxy([self.spec("full", full)])
        c = self.client(p)
        self.wait_up(c, ["full"])
        r = c.request_json(offer_msg("none", "A", SDP))
        self.assertEqual(r["result"], "load limit", r)

    def test_no_node_up_sends_the_client_to_its_next_relay(self):
        d = self.node(0)
        p = self.proxy([self.spec("only", d)])
        c = self.client(p)
        self.wait_up(c, ["only"])
        d.kill()
        self.assertTrue(wait_for(lambda: not self.proxy_nodes(c)["only"]["up"]))
        r = c.request_json(offer_msg("nobody", "A", SDP))  # Kamailio: supports load limit
        self.assertEqual(r["result"], "load limit", r)
        m = offer_msg("nobody", "A", SDP)
        del m["supports"]  # OpenSIPS fails over on this error
        self.assertEqual(c.request_json(m), {"result": "error",
                                             "error-reason": "Parallel session limit reached"})

    def test_sip_options_say_whether_a_node_is_up(self):
        d = self.node(0)
        p = self.proxy([self.spec("only", d)])
        c = self.client(p)
        self.wait_up(c, ["only"])
        self.assertTrue(c.exchange(options_request()).startswith(b"SIP/2.0 200 "))
        d.kill()
        self.assertTrue(wait_for(lambda: c.exchange(options_request()).startswith(
            b"SIP/2.0 503 ")), "still 200 with every node down")

    def test_statistics_and_list_cover_every_node(self):
        nodes = [self.node(i) for i in range(2)]
        p = self.proxy([self.spec("n%d" % i, d) for i, d in enumerate(nodes)])
        c = self.client(p)
        self.wait_up(c, ["n0", "n1"])
        for i in range(4):
            self.offer(c, "st%d" % i)
        st = c.request_json({"command": "statistics"})["statistics"]
        self.assertEqual(st["currentstatistics"]["sessionsown"], 4)
        self.assertEqual(st["controlstatistics"]["totaloffercount"], 4)
        self.assertEqual(st["rtprelay-ctl-proxy"]["calls placed"], 4)
        r = c.request_json({"command": "list"})
        self.assertEqual(set(r["calls"]), {"st%d" % i for i in range(4)})
        r = c.request_json({"command": "list", "limit": 3})
        self.assertEqual(len(r["calls"]), 3)

    def test_deleted_call_leaves_the_map(self):
        d = self.node(0)
        p = self.proxy([self.spec("only", d)], "--forget-after=1")
        c = self.client(p)
        self.wait_up(c, ["only"])
        self.offer(c, "gone")
        mapped = lambda: c.request_json({"command": "statistics"})["statistics"][
            "rtprelay-ctl-proxy"]["calls mapped"]
        self.assertEqual(mapped(), 1)
        r = c.request_json({"command": "delete", "call-id": "gone", "from-tag": "A"})
        self.assertEqual(r["result"], "ok")
        self.assertTrue(wait_for(lambda: mapped() == 0, 5.0))

    def test_ng_over_tcp_like_the_daemon(self):
        d = self.node(0)
        tcp_port = free_tcp_port()
        p = self.proxy([self.spec("only", d)], "--listen-tcp-ng=127.0.0.1:%d" % tcp_port)
        self.wait_up(self.client(p), ["only"])
        t = NgTcp(("127.0.0.1", tcp_port))
        self.addCleanup(t.close)
        self.assertEqual(t.request({"command": "ping"}), {b"result": b"pong"})
        r = t.request(offer_msg("tcp", "A", SDP))
        self.assertEqual(r[b"result"], b"ok", r)
        r = t.request(answer_msg("tcp", "A", "B", SDP_B))
        self.assertEqual(r[b"result"], b"ok", r)
        self.assertEqual(self.calls_on(d), {"tcp"})
        r = t.request({"command": "delete", "call-id": "tcp", "from-tag": "A"})
        self.assertEqual(r[b"result"], b"ok", r)

    def test_a_failed_offer_leaves_no_trace_in_the_map(self):
        d = self.node(0)
        p = self.proxy([self.spec("only", d)])
        c = self.client(p)
        self.wait_up(c, ["only"])
        r = c.request_json(offer_msg("bad", "A", "v=0\r\nnot sdp"))
        self.assertEqual(r["result"], "error", r)
        st = c.request_json({"command": "statistics"})["statistics"]["rtprelay-ctl-proxy"]
        self.assertEqual((st["calls mapped"], st["calls placed"]), (0, 0), st)

    def test_command_without_call_id_is_refused(self):
        d = self.node(0)
        p = self.proxy([self.spec("only", d)])
        c = self.client(p)
        r = c.request_json({"command": "block media"})
        self.assertEqual(r["result"], "error")
        self.assertIn("names no call", r["error-reason"])


class ProxyCliTest(ProxyTestCase):
    def test_cli_lists_every_nodes_sessions(self):
        nodes, clis = [], []
        for i in range(3):
            port = free_tcp_port()
            nodes.append(self.node(i, "--listen-cli=127.0.0.1:%d" % port))
            clis.append("--node-cli=n%d/127.0.0.1:%d" % (i, port))
        cli_port = free_tcp_port()
        p = self.proxy([self.spec("n%d" % i, d) for i, d in enumerate(nodes)],
                       "--listen-cli=127.0.0.1:%d" % cli_port, *clis)
        c = self.client(p)
        self.wait_up(c, ["n0", "n1", "n2"])
        cli = "--cli=127.0.0.1:%d" % cli_port
        r = ctl(cli, "list", "sessions", "all")
        self.assertEqual((r.returncode, r.stdout.strip()),
                         (0, "No sessions on this media relay."), r)
        cids = ["cli%d" % i for i in range(7)]
        for cid in cids:
            self.offer(c, cid)
        self.assertEqual(len({n for n in range(3) if self.calls_on(nodes[n])}), 3)
        r = ctl("--json", cli, "list", "sessions", "all")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(sorted(s["callid"] for s in json.loads(r.stdout)), cids)
        r = ctl("--json", cli, "list", "numsessions")
        self.assertEqual(r.returncode, 0, r.stderr)
        counts = json.loads(r.stdout)
        self.assertEqual([v for k, v in counts.items() if "total" in k.lower()], [7], counts)
        r = ctl(cli, "list", "sessions", "cli3")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("cli3", r.stdout)
        r = ctl(cli, "list", "sessions", "nope")
        self.assertEqual(r.returncode, 1, r)
        self.assertIn("not found", r.stderr)
        on_n1 = self.calls_on(nodes[1])
        nodes[1].kill()  # a node that is down is left out, the others still answer
        self.assertTrue(wait_for(lambda: not self.proxy_nodes(c)["n1"]["up"]))
        r = ctl("--json", cli, "list", "sessions", "all")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(sorted(s["callid"] for s in json.loads(r.stdout)),
                         sorted(set(cids) - on_n1))
        table = cli_text(cli_port, "list nodes")
        self.assertIn("n1", table)
        self.assertRegex(table, r"n1\s+127\.0\.0\.1:\d+\s+no")


class SharedMapTest(ProxyTestCase):
    """Two proxies on one Redis database, as a pair behind a SIP proxy's failover would be."""

    def setUp(self):
        self.redis = RedisServer().start()
        self.addCleanup(self.redis.stop)

    def test_proxies_agree_and_a_restart_keeps_stickiness(self):
        nodes = [self.node(i) for i in range(3)]
        specs = [self.spec("n%d" % i, d) for i, d in enumerate(nodes)]
        redis = "--redis=" + self.redis.spec(2)
        p1 = self.proxy(specs, redis)
        p2 = self.proxy(specs, redis)
        c1, c2 = self.client(p1), self.client(p2)
        self.wait_up(c1, ["n0", "n1", "n2"])
        self.wait_up(c2, ["n0", "n1", "n2"])
        cids = ["r%d" % i for i in range(9)]
        for cid in cids:
            self.offer(c1, cid)
        for cid in cids:  # the answer comes through the other proxy
            r = c2.request_json(answer_msg(cid, "A", "B", SDP_B))
            self.assertEqual(r["result"], "ok", r)
        holder = {cid: [n for n, d in enumerate(nodes) if cid in self.calls_on(d)]
                  for cid in cids}
        for cid in cids:
            self.assertEqual(len(holder[cid]), 1, holder)
            self.assertEqual(self.redis.cli("GET", "rtprelay:proxy:call:" + cid, db=2).strip(),
                             "n%d" % holder[cid][0])
        p1.restart()
        c1 = self.client(p1)
        for cid in cids:
            r = c1.request_json({"command": "query", "call-id": cid})
            self.assertEqual(r["result"], "ok", r)
        for cid in cids:
            r = c1.request_json({"command": "delete", "call-id": cid, "from-tag": "A"})
            self.assertEqual(r["result"], "ok", r)
        self.assertEqual(sum(len(self.calls_on(d)) for d in nodes), 0)

    def test_redis_away_the_proxy_still_serves(self):
        nodes = [self.node(i) for i in range(2)]
        specs = [self.spec("n%d" % i, d) for i, d in enumerate(nodes)]
        p = self.proxy(specs, "--redis=" + self.redis.spec(3), "--redis-cmd-timeout=200",
                       "--redis-connect-timeout=200")
        c = self.client(p)
        self.wait_up(c, ["n0", "n1"])
        self.redis.stop()
        for i in range(4):
            self.offer(c, "away%d" % i)
            r = c.request_json(answer_msg("away%d" % i, "A", "B", SDP_B))
            self.assertEqual(r["result"], "ok", r)
        self.redis.start()
        self.assertTrue(wait_for(lambda: all(
            self.redis.cli("GET", "rtprelay:proxy:call:away%d" % i, db=3).strip()
            for i in range(4)), 15.0), "the map was not written once Redis was back")
