"""GET /metrics on --listen-http: Prometheus text 0.0.4 that promtool accepts, with values that
follow real calls and real media (packets sent through the relay show up in its counters),
and a Grafana dashboard (docs/grafana/rtprelay.json) that asks only for families a real scrape
has."""

import json
import os
import re
import shutil
import subprocess
import time
import unittest

import common
import httpclient
from httpclient import parse_metrics, request, value
from media import Party, media_port

PORTS = ["--port-min=47000", "--port-max=47099", "--delete-delay=0"]
DASHBOARD = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs",
                         "grafana", "rtprelay.json")
RTP_SIZE = 172  # media.rtp_packet: 12-byte header, 160-byte payload


class MetricsTest(common.SharedDaemonTestCase):

    @classmethod
    def setUpClass(cls):
        cls.http = httpclient.HttpArgs(*PORTS)
        cls.daemon_args = cls.http
        super().setUpClass()

    def scrape_text(self):
        status, headers, body = request(self.http.port, "GET", "/metrics")
        self.assertEqual(status, 200)
        self.assertEqual(headers["content-type"], "text/plain; version=0.0.4; charset=utf-8")
        return body.decode()

    def scrape(self):
        return parse_metrics(self.scrape_text())[0]

    def call(self, a, b, call_id):
        """offer and answer between two parties; returns the relay ports each sends to."""
        offer = self.c.request({"command": "offer", "call-id": call_id, "from-tag": "a",
                                "sdp": a.sdp(), "supports": ["load limit"]})
        self.assertEqual(offer[b"result"], b"ok", offer)
        answer = self.c.request({"command": "answer", "call-id": call_id, "from-tag": "a",
                                 "to-tag": "b", "sdp": b.sdp()})
        self.assertEqual(answer[b"result"], b"ok", answer)
        return (("127.0.0.1", media_port(answer[b"sdp"].decode())),
                ("127.0.0.1", media_port(offer[b"sdp"].decode())))

    def wait_for(self, name, want, **labels):
        """The scrape in which `name` reached `want`: the counters are added up once per
        media-loop wake-up, a moment after the packets were forwarded."""
        deadline = time.monotonic() + 5
        while True:
            s = self.scrape()
            if value(s, name, **labels) >= want or time.monotonic() > deadline:
                return s
            time.sleep(0.02)

    def test_promtool_finds_nothing_to_complain_about(self):
        promtool = shutil.which("promtool")
        if not promtool:
            self.skipTest("promtool is not installed (Debian package prometheus)")
        p = subprocess.run([promtool, "check", "metrics"], input=self.scrape_text().encode(),
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=30)
        self.assertEqual((p.returncode, p.stdout.decode()), (0, ""))

    def test_every_family_has_help_type_and_its_samples_together(self):
        text = self.scrape_text()
        seen, current = set(), None
        for line in text.splitlines():
            if line.startswith("# TYPE "):
                name, kind = line[7:].split(" ")
                self.assertNotIn(name, seen, "family %s twice" % name)
                seen.add(name)
                current = name
                self.assertTrue(name.startswith("rtprelay_"), name)
                if kind == "counter":
                    self.assertTrue(name.endswith("_total"), name)
            elif line.startswith("# HELP "):
                self.assertGreater(len(line.split(" ", 3)[3]), 10, line)
            else:
                sample = re.match(r"[a-z_]+", line).group(0)
                base = re.sub(r"_(bucket|sum|count)$", "", sample)
                self.assertIn(current, (sample, base), "sample %s outside its family" % line)

    def test_build_info_and_start_time(self):
        s = self.scrape()
        self.assertEqual(value(s, "rtprelay_build_info"), 1)
        engines = {dict(ls)["engine"] for (n, ls) in s if n == "rtprelay_media_io_info"}
        self.assertEqual(len(engines), 1, engines)
        self.assertIn(engines.pop(), ("io_uring", "epoll"))
        self.assertEqual(value(s, "rtprelay_media_io_info"), 1)
        start = value(s, "rtprelay_process_start_time_seconds")
        self.assertLess(abs(start - time.time()), 3600)
        self.assertEqual(value(s, "rtprelay_forwarding", mode="userspace"), 1)
        self.assertEqual(value(s, "rtprelay_forwarding", mode="kernel"), 0)
        self.assertEqual(value(s, "rtprelay_kernel_targets"), 0)

    def test_values_follow_a_real_call_and_its_media(self):
        a, b = Party(), Party()
        self.addCleanup(a.close)
        self.addCleanup(b.close)
        before = self.scrape()
        call_id = "metrics-%f" % time.time()
        to_relay_from_a, to_relay_from_b = self.call(a, b, call_id)

        s = self.scrape()
        self.assertEqual(value(s, "rtprelay_sessions", state="established") -
                         value(before, "rtprelay_sessions", state="established"), 1)
        self.assertEqual(value(s, "rtprelay_sessions_created_total") -
                         value(before, "rtprelay_sessions_created_total"), 1)
        # Two parties, an RTP/RTCP pair each: four ports more in use, four fewer free.
        self.assertEqual(value(s, "rtprelay_ports", state="used") -
                         value(before, "rtprelay_ports", state="used"), 4)
        self.assertEqual(value(s, "rtprelay_ports", state="free") -
                         value(before, "rtprelay_ports", state="free"), -4)
        self.assertEqual(value(s, "rtprelay_ports", state="used") +
                         value(s, "rtprelay_ports", state="free"), 100)

        a.send(to_relay_from_a, count=30)
        self.assertEqual(len(b.receive(want=30)), 30)
        b.send(to_relay_from_b, count=12)
        self.assertEqual(len(a.receive(want=12)), 12)
        base_in = value(before, "rtprelay_packets_total", direction="in", path="userspace")
        s = self.wait_for("rtprelay_packets_total", base_in + 42, direction="in",
                          path="userspace")
        for direction in ("in", "out"):
            labels = {"direction": direction, "path": "userspace", "interface": "default",
                      "address": "127.0.0.1"}
            self.assertEqual(value(s, "rtprelay_packets_total", **labels) -
                             value(before, "rtprelay_packets_total", **labels), 42, direction)
            self.assertEqual(value(s, "rtprelay_bytes_total", **labels) -
                             value(before, "rtprelay_bytes_total", **labels), 42 * RTP_SIZE)
        self.assertEqual(value(s, "rtprelay_packets_total", path="kernel"), 0)
        # Both parties' RTP streams carried packets in userspace; counted once a second.
        s = self.wait_for("rtprelay_media_streams",
                          value(before, "rtprelay_media_streams", path="userspace") + 2,
                          path="userspace")
        self.assertEqual(value(s, "rtprelay_media_streams", path="userspace") -
                         value(before, "rtprelay_media_streams", path="userspace"), 2)
        self.assertEqual(value(s, "rtprelay_media_streams", path="kernel"), 0)
        self.assertEqual(value(s, "rtprelay_media_streams", path="mixed"), 0)

        # A datagram too large for the receive buffer is dropped whole, by its reason.
        base = value(s, "rtprelay_drops_total", reason="oversize")
        a.rtp.sendto(b"\x80" + b"\x00" * 2999, to_relay_from_a)
        s = self.wait_for("rtprelay_drops_total", base + 1, reason="oversize")
        self.assertEqual(value(s, "rtprelay_drops_total", reason="oversize") - base, 1)

        ended = value(s, "rtprelay_sessions_ended_total", reason="deleted")
        r = self.c.request({"command": "delete", "call-id": call_id, "from-tag": "a"})
        self.assertEqual(r[b"result"], b"ok", r)
        s = self.wait_for("rtprelay_sessions_ended_total", ended + 1, reason="deleted")
        self.assertEqual(value(s, "rtprelay_sessions_ended_total", reason="deleted") - ended, 1)
        self.assertEqual(value(s, "rtprelay_sessions", state="established"),
                         value(before, "rtprelay_sessions", state="established"))
        # Media went both ways: neither a one-way stream nor a zero-way call.
        self.assertEqual(value(s, "rtprelay_one_way_streams_total"),
                         value(before, "rtprelay_one_way_streams_total"))
        self.assertEqual(value(s, "rtprelay_zero_way_calls_total"),
                         value(before, "rtprelay_zero_way_calls_total"))

    def test_one_way_and_zero_way_calls_are_counted_when_they_end(self):
        before = self.scrape()
        a, b = Party(), Party()
        self.addCleanup(a.close)
        self.addCleanup(b.close)
        one_way = "metrics-oneway-%f" % time.time()
        to_relay_from_a, _ = self.call(a, b, one_way)
        a.send(to_relay_from_a, count=5)
        self.assertEqual(len(b.receive(want=5)), 5)
        silent = "metrics-silent-%f" % time.time()
        self.call(a, b, silent)
        for call_id in (one_way, silent):
            r = self.c.request({"command": "delete", "call-id": call_id, "from-tag": "a"})
            self.assertEqual(r[b"result"], b"ok", r)
        s = self.wait_for("rtprelay_zero_way_calls_total",
                          value(before, "rtprelay_zero_way_calls_total") + 1)
        s = self.wait_for("rtprelay_one_way_streams_total",
                          value(before, "rtprelay_one_way_streams_total") + 1)
        self.assertEqual(value(s, "rtprelay_one_way_streams_total") -
                         value(before, "rtprelay_one_way_streams_total"), 1)
        self.assertEqual(value(s, "rtprelay_zero_way_calls_total") -
                         value(before, "rtprelay_zero_way_calls_total"), 1)

    def test_dashboard_asks_only_for_families_a_scrape_has(self):
        with open(DASHBOARD, encoding="utf-8") as f:
            dashboard = json.load(f)
        exprs = [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]
        self.assertGreater(len(exprs), 5)
        names = {n for e in exprs for n in re.findall(r"\brtprelay_[a-z0-9_]+", e)}
        self.assertGreater(len(names), 5)
        have = {n for (n, _labels) in self.scrape()}
        self.assertEqual(sorted(names - have), [])


if __name__ == "__main__":
    unittest.main()
