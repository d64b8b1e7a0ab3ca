"""Two relays of one HA group (docs/ha.md) on one real Redis database, on the same address
and ports as an active/standby pair moving a virtual address would be: the one holding the
lease is active, the other standby. The standby follows the active's calls as foreign ones
within a second, binds no port and refuses new calls; when the active is killed it takes over
by itself once the lease expires, or at once when the operator says `active`, and the media
of every call flows through it on the same ports; the old active, started again, stays
standby. An active that finds the lease taken (fenced) stands down and leaves the calls'
documents to the new holder."""

import json
import time

import common
from common import wait_for
import daemon
import media
from httpclient import free_tcp_port
from media import Party
from redisserver import RedisServer
from test_calls import answer_msg, offer_msg
from test_cli import cli
from test_rtprelay_ctl import ctl

PORTS = ["--port-min=39000", "--port-max=39199"]
KEY = "rtprelay:call:"
DB = 4


class Node:
    """One relay of the group, started and restarted with the same options."""

    def __init__(self, test, name, lease_ms):
        self.test = test
        self.name = name
        self.lease_ms = lease_ms
        self.d = None
        self.c = None
        self.cli_port = None

    def args(self, _ng_port):
        self.cli_port = free_tcp_port()
        return PORTS + ["--redis=" + self.test.redis.spec(DB), "--ha-node=" + self.name,
                        "--ha-lease=%d" % self.lease_ms, "--redis-cmd-timeout=300",
                        "--redis-connect-timeout=300", "--redis-disable-time=1",
                        "--delete-delay=0", "--listen-cli=127.0.0.1:%d" % self.cli_port]

    def start(self):
        self.d = daemon.Daemon(self.args).start()
        self.test.addCleanup(self.d.kill)
        self.c = self.test.client(self.d)
        return self

    def kill(self):
        self.d.kill()

    def stats(self):
        return self.c.request_json({"command": "statistics"})["statistics"]

    def role(self):
        return self.stats()["rtprelay"]["redis"]["role"]

    def ports_used(self):
        return sum(i["ports"]["used"] for i in self.stats()["interfaces"])


class StandbyTestCase(common.DaemonTestCase):
    lease_ms = 900

    def setUp(self):
        self.redis = RedisServer().start()
        self.addCleanup(self.redis.close)
        self.parties = []
        self.n = 0

    def tearDown(self):
        for p in self.parties:
            p.close()

    def node(self, name):
        return Node(self, name, self.lease_ms).start()

    def party(self):
        p = Party()
        self.parties.append(p)
        return p

    def call(self, node):
        """A call through `node`: (call-id, a, b, relay port for a, relay port for b)."""
        self.n += 1
        cid = "%s-%d" % (self.id().split(".")[-1], self.n)
        a, b = self.party(), self.party()
        r1 = node.c.request(offer_msg(cid, "A", a.sdp()))
        self.assertEqual(r1[b"result"], b"ok", r1)
        r2 = node.c.request(answer_msg(cid, "A", "B", b.sdp()))
        self.assertEqual(r2[b"result"], b"ok", r2)
        return (cid, a, b, media.media_port(r2[b"sdp"].decode()),
                media.media_port(r1[b"sdp"].decode()))

    def flows(self, calls, start):
        """RTP reaches the other party both ways on every call."""
        for cid, a, b, pa, pb in calls:
            a.send(("127.0.0.1", pa), count=3, start=start)
            self.assertEqual(len(b.receive(want=3, timeout=2.0)), 3, "%s: a -> b" % cid)
            b.send(("127.0.0.1", pb), count=3, start=start)
            self.assertEqual(len(a.receive(want=3, timeout=2.0)), 3, "%s: b -> a" % cid)

    def assertStandby(self, node, foreign):
        self.assertEqual(wait_for(lambda: node.role() == "standby"), True)
        got = wait_for(lambda: node.stats()["currentstatistics"]["sessionsforeign"] == foreign,
                       timeout=1.0)
        self.assertTrue(got, "%s follows %d call(s), not %d" % (
            node.name, node.stats()["currentstatistics"]["sessionsforeign"], foreign))
        self.assertEqual(node.stats()["currentstatistics"]["sessionsown"], 0)
        self.assertEqual(node.ports_used(), 0, "a standby bound media ports")


class TakeoverTest(StandbyTestCase):
    def test_standby_follows_then_takes_over_when_the_active_dies(self):
        a = self.node("a")
        self.assertEqual(a.role(), "active")
        b = self.node("b")
        self.assertStandby(b, 0)
        calls = [self.call(a) for _ in range(3)]
        self.flows(calls, 0)
        # Foreign within a second of their creation, and nothing bound for them.
        self.assertStandby(b, 3)
        lines = cli(b.cli_port, "list sessions foreign")
        for cid, *_ in calls:
            self.assertIn(cid, lines)
        self.assertIn("foreign:yes", lines)
        r = b.c.request(offer_msg("new-on-standby", "A", self.party().sdp(),
                                  supports=["load limit"]))
        self.assertEqual(r[b"result"], b"load limit", r)
        self.flows(calls, 10)

        a.kill()
        self.assertTrue(wait_for(lambda: b.role() == "active", timeout=5),
                        "b did not take over")
        self.assertEqual(wait_for(lambda: b.stats()["currentstatistics"]["sessionsown"]), 3)
        self.assertEqual(b.stats()["rtprelay"]["redis"]["takeovers"], 1)
        self.flows(calls, 20)

        # The old active comes back: the lease is b's, so a follows and binds nothing.
        a.start()
        self.assertStandby(a, 3)
        self.assertEqual(b.role(), "active")
        self.flows(calls, 30)
        # Signalling goes on at the new active.
        cid = calls[0][0]
        self.assertEqual(b.c.request({"command": "delete", "call-id": cid,
                                      "from-tag": "A"})[b"result"], b"ok")
        self.assertTrue(wait_for(lambda: a.stats()["currentstatistics"]["sessionsforeign"]
                                 == 2), "the delete did not reach the standby")


class OperatorTakeoverTest(StandbyTestCase):
    lease_ms = 20000  # it would take long to expire: the operator does not wait for it

    def test_active_command_takes_over_at_once(self):
        a = self.node("a")
        b = self.node("b")
        calls = [self.call(a) for _ in range(2)]
        self.assertStandby(b, 2)
        a.kill()
        started = time.monotonic()
        # The operator's tool, as the docs say: rtprelay-ctl active.
        r = ctl("--cli=127.0.0.1:%d" % b.cli_port, "active")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("Taking over", r.stdout)
        self.assertTrue(wait_for(lambda: b.role() == "active", timeout=3))
        self.assertLess(time.monotonic() - started, 3.0)
        self.assertEqual(wait_for(lambda: b.stats()["currentstatistics"]["sessionsown"]), 2)
        self.flows(calls, 0)
        self.assertIn("active already", cli(b.cli_port, "active"))
        a.start()
        self.assertStandby(a, 2)


class FencingTest(StandbyTestCase):
    def test_an_active_that_finds_the_lease_taken_stands_down(self):
        a = self.node("a")
        calls = [self.call(a) for _ in range(2)]
        self.assertTrue(wait_for(lambda: len(self.redis.keys(KEY + "*", db=DB)) == 2))
        before = {k: self.redis.get(k, db=DB) for k in self.redis.keys(KEY + "*", db=DB)}
        # Another relay claimed the lease (it would have a new epoch).
        self.redis.cli("SET", "rtprelay:active", "elsewhere 99", "PX", "60000", db=DB)
        self.assertTrue(wait_for(lambda: a.role() == "standby", timeout=3),
                        "a did not stand down")
        s = a.stats()
        self.assertEqual(s["currentstatistics"]["sessionsown"], 0)
        self.assertEqual(s["rtprelay"]["redis"]["stand downs"], 1)
        self.assertEqual(s["rtprelay"]["redis"]["lease"], "elsewhere 99")
        # The documents are the new holder's: untouched, and followed as foreign.
        after = {k: self.redis.get(k, db=DB) for k in self.redis.keys(KEY + "*", db=DB)}
        self.assertEqual(after, before)
        self.assertStandby(a, 2)
        del calls
