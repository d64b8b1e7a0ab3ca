#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""What one GET /metrics costs with many calls up: starts a relay (rtprelayd, Debian's
rtpengine, or both one after the other) with --listen-http, sets up --calls calls over ng
(offer + answer, no media), then times --scrapes scrapes one after another and prints the
median, minimum and maximum wall time, the body size and the relay's CPU time per scrape.

    python3 bench/metrics_scrape.py [--relay=rtprelayd|rtpengine|both] [--calls=10000]

Media ports are taken on 127.0.0.5 (so the relay's 40,000 sockets do not crowd 127.0.0.1);
ng and HTTP listen on free ports of 127.0.0.1. Python 3 standard library only.
"""

import argparse
import http.client
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
MEDIA_ADDRESS = "127.0.0.5"


def bencode(v):
    if isinstance(v, int):
        return b"i%de" % v
    if isinstance(v, str):
        v = v.encode()
    if isinstance(v, bytes):
        return b"%d:%s" % (len(v), v)
    if isinstance(v, list):
        return b"l" + b"".join(bencode(x) for x in v) + b"e"
    return b"d" + b"".join(bencode(k) + bencode(v[k]) for k in sorted(v)) + b"e"


def free_port(kind):
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def sdp(port):
    return ("v=0\r\no=- 1 1 IN IP4 127.0.0.9\r\ns=-\r\nc=IN IP4 127.0.0.9\r\nt=0 0\r\n"
            "m=audio %d RTP/AVP 0\r\n" % port)


class Relay:
    def __init__(self, name, binary, calls):
        self.name = name
        self.ng = free_port(socket.SOCK_DGRAM)
        self.http = free_port(socket.SOCK_STREAM)
        pairs = calls * 2 + 2000  # two parties a call, a pair each, and room
        cmd = [binary, "--config-file=none", "--table=-1", "--foreground",
               "--interface=" + MEDIA_ADDRESS, "--listen-ng=127.0.0.1:%d" % self.ng,
               "--listen-http=127.0.0.1:%d" % self.http, "--port-min=10000",
               "--port-max=%d" % min(65535, 10000 + pairs * 2), "--log-stderr",
               "--log-level=4", "--delete-delay=0", "--timeout=3600"]
        self.log = open(os.path.join("/tmp", "metrics-scrape-%s.log" % name), "wb")
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        deadline = time.monotonic() + 10
        while not self.ping():
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise SystemExit("%s did not start; see %s" % (name, self.log.name))

    def ping(self):
        self.sock.settimeout(0.2)
        try:
            self.sock.sendto(b"p d7:command4:pinge", ("127.0.0.1", self.ng))
            return b"pong" in self.sock.recv(65535)
        except OSError:
            return False

    def setup(self, calls, window=64):
        """offer + answer for every call, `window` requests in flight."""
        todo = []
        for i in range(calls):
            cid = "scrape-%d" % i
            todo.append({"command": "offer", "call-id": cid, "from-tag": "a%d" % i,
                         "sdp": sdp(20000 + (i % 20000) * 2)})
        pending, sent, done, failed = {}, 0, 0, 0
        self.sock.settimeout(5)
        answers = []
        while done < 2 * calls:
            queue = todo if todo else answers
            while queue and len(pending) < window:
                msg = queue.pop()
                cookie = b"%d" % sent
                sent += 1
                pending[cookie] = msg
                self.sock.sendto(cookie + b" " + bencode(msg), ("127.0.0.1", self.ng))
                queue = todo if todo else answers
            data = self.sock.recv(65535)
            cookie = data.split(b" ", 1)[0]
            msg = pending.pop(cookie, None)
            if msg is None:
                continue
            done += 1
            if b"6:result2:ok" not in data:
                failed += 1
            elif msg["command"] == "offer":
                i = int(msg["call-id"].split("-")[1])
                answers.append({"command": "answer", "call-id": msg["call-id"],
                                "from-tag": msg["from-tag"], "to-tag": "b%d" % i,
                                "sdp": sdp(40000 + (i % 10000) * 2)})
            else:
                continue
            if failed == 1 and b"6:result2:ok" not in data:
                print("%s: first failure: %r" % (self.name, data[:300]), file=sys.stderr)
        return failed

    def scrape(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.http, timeout=60)
        start = time.perf_counter()
        conn.request("GET", "/metrics")
        r = conn.getresponse()
        body = r.read()
        took = time.perf_counter() - start
        conn.close()
        if r.status != 200:
            raise SystemExit("%s: /metrics answered %d" % (self.name, r.status))
        return took, body

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def measure(name, binary, args):
    relay = Relay(name, binary, args.calls)
    try:
        t0 = time.monotonic()
        failed = relay.setup(args.calls)
        setup_s = time.monotonic() - t0
        relay.scrape()  # warm: first-touch costs are not what an every-15-s scrape pays
        times, cpu0 = [], cpu_seconds(relay.proc.pid)
        for _ in range(args.scrapes):
            took, body = relay.scrape()
            times.append(took)
        cpu = (cpu_seconds(relay.proc.pid) - cpu0) / args.scrapes
        samples = sum(1 for line in body.splitlines() if line and not line.startswith(b"#"))
        return {"relay": name, "calls": args.calls, "failed": failed, "setup_s": setup_s,
                "median_ms": statistics.median(times) * 1000, "min_ms": min(times) * 1000,
                "max_ms": max(times) * 1000, "cpu_ms": cpu * 1000, "bytes": len(body),
                "samples": samples}
    finally:
        relay.stop()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--relay", choices=["rtprelayd", "rtpengine", "both"], default="both")
    p.add_argument("--calls", type=int, default=10000)
    p.add_argument("--scrapes", type=int, default=20)
    p.add_argument("--rtprelayd", default=os.path.join(ROOT, "build", "rtprelayd"))
    p.add_argument("--rtpengine", default=shutil.which("rtpengine") or "/usr/bin/rtpengine")
    args = p.parse_args()
    # A socket per media port: 10,000 calls hold 40,000. Root may raise the hard limit.
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (200000, 200000))
    except (ValueError, OSError):
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    relays = ["rtprelayd", "rtpengine"] if args.relay == "both" else [args.relay]
    print("%-10s %7s %6s %8s %10s %8s %8s %8s %9s %8s" % (
        "relay", "calls", "failed", "setup s", "median ms", "min ms", "max ms", "cpu ms",
        "bytes", "samples"))
    for r in relays:
        m = measure(r, getattr(args, r), args)
        print("%-10s %7d %6d %8.1f %10.2f %8.2f %8.2f %8.2f %9d %8d" % (
            r, m["calls"], m["failed"], m["setup_s"], m["median_ms"], m["min_ms"],
            m["max_ms"], m["cpu_ms"], m["bytes"], m["samples"]))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
