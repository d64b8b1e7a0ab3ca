"""`statistics` follows real calls: sessions, managed and terminated calls, call durations,
packets and bytes relayed (userspace here; the kernel split stays 0), media streams by path,
one-way and zero-way calls, the MOS of ended calls' streams, ports in use per local address and
the ng requests counted per command and proxy, all at rtpengine's key paths
(t/e2e/test_statistics_shape.py checks the paths themselves against rtpengine 10.5)."""

import threading
import time

import common
from media import Party, media_port

PACKETS = 5
PAYLOAD = 160  # bytes after the 12-byte RTP header (media.rtp_packet)


def stats(c):
    return c.request({"command": "statistics"})[b"statistics"]


class StatisticsTest(common.DaemonTestCase):
    def setUp(self):
        self.d = self.start_daemon(["--delete-delay=0"])
        self.c = self.client(self.d)
        self.a, self.b = Party(), Party()
        self.addCleanup(self.a.close)
        self.addCleanup(self.b.close)

    def call(self, call_id):
        """Offer and answer; returns the relay's ports for A and for B."""
        r = self.c.request({"command": "offer", "call-id": call_id, "from-tag": "A",
                            "sdp": self.a.sdp()})
        self.assertEqual(r[b"result"], b"ok", r)
        to_a = media_port(r[b"sdp"].decode())
        r = self.c.request({"command": "answer", "call-id": call_id, "from-tag": "A",
                            "to-tag": "B", "sdp": self.b.sdp()})
        self.assertEqual(r[b"result"], b"ok", r)
        return to_a, media_port(r[b"sdp"].decode())

    def relay_both_ways(self, to_a, to_b):
        """PACKETS RTP packets each way, each waited for; returns the bytes relayed."""
        for n in range(PACKETS):
            self.a.send(("127.0.0.1", to_b), count=1, start=n)
            self.assertEqual(len(self.b.receive(want=1)), 1, "A -> B packet %d" % n)
            self.b.send(("127.0.0.1", to_a), count=1, start=n)
            self.assertEqual(len(self.a.receive(want=1)), 1, "B -> A packet %d" % n)
        return 2 * PACKETS * (12 + PAYLOAD)

    def wait_for_stats(self, predicate, what):
        deadline = time.monotonic() + 5
        while True:
            st = stats(self.c)
            if predicate(st):
                return st
            if time.monotonic() > deadline:
                self.fail("statistics never showed %s; last: %r" % (what, st))
            time.sleep(0.05)

    def test_fresh_daemon_counts_nothing(self):
        st = stats(self.c)
        self.assertEqual(st[b"currentstatistics"][b"sessionstotal"], 0)
        self.assertEqual(st[b"totalstatistics"][b"managedsessions"], 0)
        self.assertEqual(st[b"totalstatistics"][b"relayedpackets"], 0)
        ports = st[b"interfaces"][0][b"ports"]
        self.assertEqual(ports[b"used"], 0)
        self.assertEqual(ports[b"free"], ports[b"totals"])
        self.assertEqual(ports[b"totals"], ports[b"max"] - ports[b"min"] + 1)
        self.assertEqual(ports[b"last"], 0)
        # only the pings that waited for the daemon to come up
        control = st[b"controlstatistics"]
        self.assertGreaterEqual(control[b"totalpingcount"], 1)
        self.assertEqual(control[b"totaloffercount"], 0)
        self.assertEqual([p[b"proxy"] for p in control[b"proxies"]], [b"127.0.0.1"])
        self.assertEqual(control[b"proxies"][0][b"pingcount"], control[b"totalpingcount"])

    def test_a_call_with_media_then_deleted(self):
        to_a, to_b = self.call("stats-1")
        relayed_bytes = self.relay_both_ways(to_a, to_b)
        st = stats(self.c)
        current, total = st[b"currentstatistics"], st[b"totalstatistics"]
        self.assertEqual((current[b"sessionsown"], current[b"sessionstotal"]), (1, 1))
        self.assertEqual(total[b"managedsessions"], 0)  # as rtpengine: counted at the end
        self.assertEqual(st[b"rtprelay"][b"sessions created"], 1)
        self.assertEqual(total[b"relayedpackets_user"], 2 * PACKETS)
        self.assertEqual(total[b"relayedbytes_user"], relayed_bytes)
        self.assertEqual(total[b"relayedpackets_kernel"], 0)
        self.assertEqual(total[b"relayedpackets"], 2 * PACKETS)
        self.assertEqual(total[b"relayedbytes"], relayed_bytes)
        self.assertEqual(total[b"relayedpacketerrors"], 0)
        iface = st[b"interfaces"][0]
        self.assertEqual(iface[b"address"], b"127.0.0.1")
        # one RTP/RTCP pair for each side of the call
        self.assertEqual(iface[b"ports"][b"used"], 4)
        self.assertIn(iface[b"ports"][b"last"], (to_a, to_b))
        self.assertEqual(st[b"rtprelay"][b"forwarding"], b"userspace")

        # A burst shows in the per-second rate of the second it fell in.
        st = self.wait_for_stats(lambda s: s[b"currentstatistics"][b"packetrate_user"] > 0,
                                 "a packet rate")
        self.assertLessEqual(st[b"currentstatistics"][b"packetrate_user"], 2 * PACKETS)
        self.assertEqual(st[b"currentstatistics"][b"packetrate"],
                         st[b"currentstatistics"][b"packetrate_user"])

        self.assertEqual(self.c.request({"command": "delete", "call-id": "stats-1"})[b"result"],
                         b"ok")
        st = self.wait_for_stats(lambda s: s[b"interfaces"][0][b"ports"][b"used"] == 0,
                                 "the call's ports given back")
        total = st[b"totalstatistics"]
        self.assertEqual(st[b"currentstatistics"][b"sessionstotal"], 0)
        self.assertEqual(total[b"regularterminatedsessions"], 1)
        self.assertEqual(total[b"managedsessions"], 1)
        self.assertGreater(float(total[b"totalcallsduration"]), 0)
        self.assertEqual(total[b"avgcallduration"], total[b"totalcallsduration"])

    def test_media_streams_by_path_while_up(self):
        to_a, to_b = self.call("paths-1")
        self.relay_both_ways(to_a, to_b)
        # Each party's RTP stream saw userspace packets (a gauge, counted once a second).
        st = self.wait_for_stats(
                lambda s: s[b"currentstatistics"][b"media_userspace"] == 2, "2 userspace streams")
        current = st[b"currentstatistics"]
        self.assertEqual((current[b"media_kernel"], current[b"media_mixed"]), (0, 0))
        self.c.request({"command": "delete", "call-id": "paths-1"})
        self.wait_for_stats(lambda s: s[b"currentstatistics"][b"media_userspace"] == 0,
                            "no streams once the call ended")

    def test_one_way_and_zero_way_calls_counted_at_their_end(self):
        def ended(call_id):
            self.assertEqual(self.c.request({"command": "delete", "call-id": call_id})[
                b"result"], b"ok")

        def flows(s):
            t = s[b"totalstatistics"]
            return t[b"managedsessions"], t[b"onewaystreams"], t[b"zerowaystreams"]

        to_a, to_b = self.call("two-way")
        self.relay_both_ways(to_a, to_b)
        ended("two-way")
        self.wait_for_stats(lambda s: flows(s) == (1, 0, 0), "a two-way call in neither")

        self.a.close()  # fresh parties: no packet of the last call may arrive late
        self.b.close()
        self.a, self.b = Party(), Party()
        self.addCleanup(self.a.close)
        self.addCleanup(self.b.close)
        _, to_b = self.call("one-way")
        for n in range(PACKETS):
            self.a.send(("127.0.0.1", to_b), count=1, start=n)
            self.assertEqual(len(self.b.receive(want=1)), 1, "A -> B packet %d" % n)
        # The call is up: nothing counted yet.
        self.assertEqual(flows(stats(self.c)), (1, 0, 0))
        ended("one-way")
        self.wait_for_stats(lambda s: flows(s) == (2, 1, 0), "a one-way call")

        self.call("silent")
        ended("silent")
        self.wait_for_stats(lambda s: flows(s) == (3, 1, 1), "a call without media")

    def test_mos_of_ended_calls(self):
        self.assertEqual(stats(self.c)[b"mos"][b"mos_samples_total"], 0)
        to_a, to_b = self.call("mos-1")
        stop = threading.Event()

        def talk():  # 20 ms audio both ways, as phones send it
            seq = 0
            while not stop.is_set():
                self.a.send(("127.0.0.1", to_b), count=1, start=seq)
                self.b.send(("127.0.0.1", to_a), count=1, start=seq)
                seq += 1
                time.sleep(0.02)

        sender = threading.Thread(target=talk)
        sender.start()
        try:
            time.sleep(1)
        finally:
            stop.set()
            sender.join()
        self.assertGreater(len(self.b.receive(want=5)), 0)
        self.assertEqual(stats(self.c)[b"mos"][b"mos_samples_total"], 0)  # counted at the end
        self.c.request({"command": "delete", "call-id": "mos-1"})
        st = self.wait_for_stats(lambda s: s[b"mos"][b"mos_samples_total"] > 0,
                                 "MOS samples of the ended call")
        mos = st[b"mos"]
        n = mos[b"mos_samples_total"]
        self.assertEqual(n, 2)  # one SSRC each way
        total, average = float(mos[b"mos_total"]), float(mos[b"mos_average"])
        self.assertTrue(1.0 <= average <= 4.5, mos)
        self.assertAlmostEqual(average, total / n, places=5)
        self.assertAlmostEqual(float(mos[b"mos2_total"]) / n - average * average,
                               float(mos[b"mos_stddev"]) ** 2, places=4)

    def test_requests_are_counted_per_command_and_proxy(self):
        self.call("stats-2")
        self.c.request({"command": "query", "call-id": "stats-2"})
        self.c.request({"command": "query", "call-id": "no-such-call"})  # an error
        self.c.request({"command": "no-such-command"})  # an error of no command
        control = stats(self.c)[b"controlstatistics"]
        self.assertEqual(control[b"totaloffercount"], 1)
        self.assertEqual(control[b"totalanswercount"], 1)
        self.assertEqual(control[b"totalquerycount"], 2)
        self.assertEqual(control[b"totaldeletecount"], 0)
        [proxy] = control[b"proxies"]
        self.assertEqual(proxy[b"proxy"], b"127.0.0.1")
        self.assertEqual(proxy[b"offercount"], 1)
        self.assertGreater(float(proxy[b"offerduration"]), 0)
        self.assertEqual(proxy[b"querycount"], 2)
        self.assertEqual(proxy[b"errorcount"], 2)
        # a statistics request is counted after its reply is built, as in rtpengine
        self.assertEqual(control[b"totalstatscount"], 0)
        self.assertEqual(stats(self.c)[b"controlstatistics"][b"totalstatscount"], 1)
