#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""What one GET /metrics costs with many calls up: starts a relay (rtprelayd, Debian's
rtpengine, or both one after the other) with --listen-http, sets up --calls calls over ng
(offer + answer, no media), then times --scrapes scrapes one after another and prints the
median, minimum and maximum wall time, the body size and the relay's CPU time per scrape.
The floor is as many GET /ping requests, timed the same way (a new connection each, as a
scrape has): "net ms" is a scrape's median less the ping's, what the metrics themselves cost
beyond the HTTP round trip; CPU is shown per scrape and per ping, less what the relay spends
meanwhile when idle (its timers).

    python3 bench/metrics_scrape.py [--relay=rtprelayd|rtpengine|both] [--calls=10000]
    python3 bench/metrics_scrape.py --guest [--calls=10000] [...]

Each call holds four sockets. The host's hard open-files limit may not allow 10,000 calls;
--guest runs the same measurement as root in a QEMU guest (t/kernel/run.sh with
bench/guest_metrics.sh), where the limit can be raised: rtprelayd from build/, rtpengine from
the host root the guest mounts. The guest is emulated (TCG), so every figure there is several
times the host's; both relays run in the same guest one after the other, so their ratio is
what compares.

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
    """CPU seconds of the relay's threads, from the scheduler's nanosecond counts: the clock
    ticks of /proc/PID/stat (10 ms) are coarser than one scrape."""
    ns = 0
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/schedstat" % (pid, tid)) as f:
                ns += int(f.read().split()[0])
        except FileNotFoundError:  # a thread that ended meanwhile
            pass
    return ns / 1e9


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
        deadline = time.monotonic() + 60  # an emulated guest (--guest) starts slowly
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
        self.sock.settimeout(30)
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

    def get(self, path):
        """(seconds from connecting to the last byte, body) of one GET on a new connection."""
        conn = http.client.HTTPConnection("127.0.0.1", self.http, timeout=600)
        start = time.perf_counter()
        conn.request("GET", path)
        r = conn.getresponse()
        body = r.read()
        took = time.perf_counter() - start
        conn.close()
        if r.status != 200:
            raise SystemExit("%s: %s answered %d" % (self.name, path, r.status))
        return took, body

    def idle_cpu(self, seconds=2.0):
        """CPU seconds per second the relay spends with no request: its timers (each call is
        checked every second) would otherwise be charged to the GETs."""
        cpu0 = cpu_seconds(self.proc.pid)
        time.sleep(seconds)
        return (cpu_seconds(self.proc.pid) - cpu0) / seconds

    def timed(self, path, count, idle):
        """Wall times of `count` GETs of `path` one after another, the relay's CPU seconds
        per GET beyond its `idle` rate, and the last body; one GET before, unmeasured, pays
        first-touch costs."""
        self.get(path)
        times, cpu0, start = [], cpu_seconds(self.proc.pid), time.perf_counter()
        for _ in range(count):
            took, body = self.get(path)
            times.append(took)
        busy = cpu_seconds(self.proc.pid) - cpu0 - idle * (time.perf_counter() - start)
        return times, busy / count, body

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
        idle = relay.idle_cpu()
        times, cpu, body = relay.timed("/metrics", args.scrapes, idle)
        pings, ping_cpu, pong = relay.timed("/ping", args.scrapes, idle)
        if not pong.startswith(b"pong"):
            raise SystemExit("%s: /ping answered %r" % (name, pong[:40]))
        samples = sum(1 for line in body.splitlines() if line and not line.startswith(b"#"))
        median, floor = statistics.median(times) * 1000, statistics.median(pings) * 1000
        return {"relay": name, "calls": args.calls, "failed": failed, "setup_s": setup_s,
                "median_ms": median, "min_ms": min(times) * 1000,
                "max_ms": max(times) * 1000, "ping_ms": floor, "net_ms": median - floor,
                "cpu_ms": cpu * 1000, "ping_cpu_ms": ping_cpu * 1000, "bytes": len(body),
                "samples": samples}
    finally:
        relay.stop()


# (title, key, width, format): the table's columns; the relay name is left-aligned.
COLUMNS = (("relay", "relay", -10, "s"), ("calls", "calls", 7, "d"),
           ("failed", "failed", 6, "d"), ("setup s", "setup_s", 8, ".1f"),
           ("median ms", "median_ms", 10, ".2f"), ("min ms", "min_ms", 8, ".2f"),
           ("max ms", "max_ms", 8, ".2f"), ("ping ms", "ping_ms", 8, ".2f"),
           ("net ms", "net_ms", 8, ".2f"), ("cpu ms", "cpu_ms", 8, ".2f"),
           ("ping cpu", "ping_cpu_ms", 8, ".2f"), ("bytes", "bytes", 9, "d"),
           ("samples", "samples", 8, "d"))


def header():
    return " ".join("%*s" % (width, title) for title, _, width, _ in COLUMNS)


def row(m):
    return " ".join("%*{}".format(spec) % (width, m[key]) for _, key, width, spec in COLUMNS)


def ratios(ours, theirs):
    """rtprelayd's figures as a fraction of rtpengine's: the issue asks for under 0.1."""
    def frac(key):
        return "%.3f" % (ours[key] / theirs[key]) if theirs[key] > 0 else "-"
    return "rtprelayd/rtpengine: median %s, net %s, cpu %s" % (
        frac("median_ms"), frac("net_ms"), frac("cpu_ms"))


def run_guest(argv):
    """The same measurement inside a QEMU guest (see the docstring); prints its table."""
    args = [a for a in argv if a != "--guest"]
    # The guest mounts the host root at /, so this script runs there from the same path; the
    # daemon is the copy run.sh puts in the lab directory. The kernel command line carries
    # the command (commas for spaces) to bench/guest_metrics.sh.
    cmd = [os.path.abspath(__file__), "--rtprelayd=/tmp/lab/rtprelayd"] + args
    if any("," in a or " " in a for a in cmd):
        raise SystemExit("--guest: arguments may not hold commas or spaces")
    env = dict(os.environ, NO_INSTALL="1", WORK="/tmp/rtprelay-metrics-guest",
               MEM=os.environ.get("MEM", "4096"),
               BOOT_TIMEOUT=os.environ.get("BOOT_TIMEOUT", "5400"),
               GUEST_SCRIPT=os.path.join(HERE, "guest_metrics.sh"),
               GUEST_CMDLINE="metrics_scrape=" + ",".join(cmd))
    proc = subprocess.run([os.path.join(ROOT, "t", "kernel", "run.sh")], env=env,
                          stdout=subprocess.PIPE, text=True)
    for line in proc.stdout.splitlines():
        print(line[len("BENCH "):] if line.startswith("BENCH ") else line)
    sys.exit(proc.returncode)


def main():
    if "--guest" in sys.argv[1:]:
        run_guest(sys.argv[1:])
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--guest", action="store_true", help="run in a QEMU guest (see above)")
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
    print(header())
    results = {}
    for r in relays:
        results[r] = measure(r, getattr(args, r), args)
        print(row(results[r]))
        sys.stdout.flush()
    if len(results) == 2:
        print(ratios(results["rtprelayd"], results["rtpengine"]))


if __name__ == "__main__":
    main()
