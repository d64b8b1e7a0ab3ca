#!/usr/bin/env python3
# Scenario driver behind `make bench`: starts the relay under test (rtprelayd or rtpengine) on
# loopback, runs rtpload through each scenario against a fresh relay process, and prints a
# summary; --compare runs both relays and adds rtprelayd/rtpengine ratios; --floor also runs
# the reference relay (floorrelay) through the calls scenarios and setup_one. srtp100 is
# calls100 with the caller side of every call speaking SDES-SRTP, so the relay translates SRTP<->RTP; dtls100 the
# same keyed by a DTLS-SRTP handshake per call (rtpload is the DTLS client, as a browser that
# answers actpass actively); the summary puts both beside calls100 of the same run. calls100scraped is calls100 with the relay serving
# --listen-http and a GET /metrics every second for the whole scenario; the summary puts its
# CPU per packet beside calls100's, since metrics must cost nothing measurable on the packet
# path. restart kills a relay keeping 10,000 calls in Redis and times its restart and the media
# gap (bench/restart.py). ctlproxy times ng commands, one in flight, straight to an rtprelayd
# and through an rtprelay-ctl-proxy in front of it, and the CPU both spend per command
# (bench/ctl_proxy.py); rtprelayd only. Python 3 stdlib only.

import argparse
import http.client
import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

import ctl_proxy
import restart
from guest import run_guest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NG_PORTS = {"rtprelayd": range(2400, 2450), "rtpengine": range(2450, 2500),
            "floor-epoll": range(2500, 2525), "floor-uring": range(2525, 2550),
            "floor-hop": range(2550, 2575)}
HTTP_PORTS = {"rtprelayd": range(2600, 2650), "rtpengine": range(2650, 2700)}
# ctlproxy's node and proxy, at the top of rtprelayd's range: the other scenarios start at its foot.
CTLPROXY_NG_PORTS = range(2440, 2450)
# floorrelay (bench/floorrelay/floor.h) with each of its I/O loops: the least a userspace relay
# can spend per packet with the system calls rtprelayd makes, and with io_uring.
# floor-hop answers each ng command from a second thread it wakes (--ng-hop): the least a relay
# can spend per lone command when, like rtprelayd, one thread receives commands and another,
# the one owning the call, does the work and replies. It means something only in setup_one.
FLOOR_RELAYS = {"floor-epoll": ["--io=epoll"], "floor-uring": ["--io=uring"],
                "floor-hop": ["--io=epoll", "--ng-hop"]}
# scenario -> the RESULT key the floor bounds, and whether lower or higher is better. In
# setup_one and setup_rate the floor is the control plane's: floorrelay answers each command on
# a thread blocked in recvfrom, with a reply built from the request and no port, socket or call
# state, so its CPU per call is the least any relay can spend here on three lone commands, and
# its rate with 16 in flight the most this generator and machine let any relay reach
# (bench/floorrelay/ng_stub.cc).
FLOOR_SCENARIOS = {"calls100": ("cpu_s_per_mpkt", "lower"),
                   "calls1000": ("cpu_s_per_mpkt", "lower"),
                   "setup_one": ("cpu_ms_per_call", "lower"),
                   "setup_rate": ("calls_per_s", "higher")}
FLOOR_LABELS = {"cpu_s_per_mpkt": "relay CPU s / M packets",
                "cpu_ms_per_call": "relay CPU ms / call", "calls_per_s": "calls / s"}
# floor-hop has the control thread's hand-off of rtprelayd: it matters only for call setup.
HOP_SCENARIOS = {"setup_one", "setup_rate"}
RELAY_PORT_MIN, RELAY_PORT_MAX = 40000, 49999
GEN_PORT_MIN, GEN_PORT_MAX = 50000, 59999

# The interval of a fast Prometheus scrape; a real one is 15-60 s, so this overstates the cost.
SCRAPE_INTERVAL_S = 1.0
# Scenarios whose relay serves --listen-http and is scraped while rtpload runs (floor relays have
# no HTTP and never run them).
SCRAPED_SCENARIOS = {"calls100scraped"}

# name -> (title, rtpload arguments given the driver's options)
SCENARIOS = {
    "calls100": ("100 calls @ 50 pps/direction",
                 lambda a: ["--calls=100", "--pps=50", f"--duration={a.duration}"]),
    "calls100scraped": ("100 calls @ 50 pps/direction, GET /metrics every "
                        f"{SCRAPE_INTERVAL_S:g} s",
                        lambda a: ["--calls=100", "--pps=50", f"--duration={a.duration}"]),
    "srtp100": ("100 calls @ 50 pps/direction, SRTP caller side, RTP callee side",
                lambda a: ["--calls=100", "--pps=50", f"--duration={a.duration}",
                           "--srtp=caller", f"--srtp-suite={a.srtp_suite}"]),
    "dtls100": ("100 calls @ 50 pps/direction, DTLS-SRTP caller side, RTP callee side",
                lambda a: ["--calls=100", "--pps=50", f"--duration={a.duration}",
                           "--srtp=dtls"]),
    "calls1000": ("1,000 calls @ 50 pps/direction",
                  lambda a: ["--calls=1000", "--pps=50", f"--duration={a.duration}"]),
    "max_rate": ("max lossless rate, one call",
                 lambda a: ["--max-rate", f"--trial={a.trial}"]),
    "setup_rate": ("call setup rate (offer+answer+delete)",
                   lambda a: ["--setup-rate", f"--duration={a.setup_duration}",
                              f"--window={a.window}"]),
    # As a SIP proxy sends: the next command only once the last one is answered, so nothing
    # batches the relay's fixed cost per command.
    "setup_one": ("call setup, one command in flight (offer, answer, delete)",
                  lambda a: ["--setup-rate", f"--duration={a.setup_duration}", "--window=1"]),
    # Not rtpload's: bench/restart.py drives it (a Redis, a kill -9 and a restart).
    "restart": (f"kill -9 and restart with {restart.CALLS:,} calls in Redis, "
                f"{restart.MEDIA_CALLS} with media", None),
    # Not rtpload's either: bench/ctl_proxy.py drives it (an rtprelay-ctl-proxy in front).
    "ctlproxy": ("ng latency and CPU per command added by rtprelay-ctl-proxy, one command "
                 "in flight", None),
}
# Scenarios that exist for rtprelayd alone: rtpengine has no rtprelay-ctl-proxy.
RTPRELAYD_ONLY = {"ctlproxy"}

# Summary rows: (scenario, RESULT key, label, which way is better)
METRICS = [
    ("calls100", "loss_pct", "loss %", "lower"),
    ("calls100", "cpu_s_per_mpkt", "relay CPU s / M packets", "lower"),
    ("calls100", "relay_cpu_pct", "relay CPU % of a core", "lower"),
    ("calls100", "lat_p50_us", "latency p50 µs", "lower"),
    ("calls100", "lat_p99_us", "latency p99 µs", "lower"),
    ("calls100scraped", "loss_pct", "loss %", "lower"),
    ("calls100scraped", "cpu_s_per_mpkt", "relay CPU s / M packets", "lower"),
    ("calls100scraped", "scrapes", "GET /metrics answered", None),
    ("srtp100", "loss_pct", "loss %", "lower"),
    ("srtp100", "srtp_errors", "SRTP unprotect failures", "lower"),
    ("srtp100", "cpu_s_per_mpkt", "relay CPU s / M packets", "lower"),
    ("srtp100", "relay_cpu_pct", "relay CPU % of a core", "lower"),
    ("srtp100", "lat_p50_us", "latency p50 µs", "lower"),
    ("srtp100", "lat_p99_us", "latency p99 µs", "lower"),
    ("srtp100", "setup_cpu_ms_per_call", "relay CPU ms per call set up", "lower"),
    ("srtp100", "gen_limited", "generator could not keep up", None),
    ("dtls100", "loss_pct", "loss %", "lower"),
    ("dtls100", "srtp_errors", "SRTP unprotect failures", "lower"),
    ("dtls100", "cpu_s_per_mpkt", "relay CPU s / M packets", "lower"),
    ("dtls100", "relay_cpu_pct", "relay CPU % of a core", "lower"),
    ("dtls100", "setup_s", "setup of 100 calls with handshakes (s)", "lower"),
    ("dtls100", "setup_cpu_ms_per_call", "relay CPU ms per call set up", "lower"),
    ("dtls100", "gen_limited", "generator could not keep up", None),
    ("calls1000", "loss_pct", "loss %", "lower"),
    ("calls1000", "cpu_s_per_mpkt", "relay CPU s / M packets", "lower"),
    ("calls1000", "relay_cpu_pct", "relay CPU % of a core", "lower"),
    ("calls1000", "lat_p50_us", "latency p50 µs", "lower"),
    ("calls1000", "lat_p99_us", "latency p99 µs", "lower"),
    ("calls1000", "relayed_pps", "relayed packets/s (of 100,000)", "higher"),
    ("calls1000", "gen_limited", "generator could not keep up", None),
    ("max_rate", "max_pps_per_dir", "max lossless pps / direction", "higher"),
    ("max_rate", "cpu_s_per_mpkt", "relay CPU s / M packets at max", "lower"),
    ("max_rate", "limited_by", "search stopped by", None),
    ("setup_rate", "calls_per_s", "calls / s", "higher"),
    ("setup_rate", "errors", "failed calls", "lower"),
    ("setup_rate", "cpu_ms_per_call", "relay CPU ms / call", "lower"),
    ("setup_rate", "offer_p99_ms", "offer latency p99 ms", "lower"),
    ("setup_one", "calls_per_s", "calls / s", "higher"),
    ("setup_one", "errors", "failed calls", "lower"),
    ("setup_one", "cpu_ms_per_call", "relay CPU ms / call", "lower"),
    ("setup_one", "offer_p50_ms", "offer latency p50 ms", "lower"),
    ("setup_one", "offer_p99_ms", "offer latency p99 ms", "lower"),
    ("restart", "restored", "calls restored", "higher"),
    ("restart", "restore_ms", "exec to ng served ms", "lower"),
    ("restart", "gap_p50_ms", "media gap p50 ms", "lower"),
    ("restart", "gap_max_ms", "media gap max ms", "lower"),
    ("restart", "redis_kb_per_call", "Redis KiB in per call", "lower"),
    ("restart", "redis_cmds_per_call", "Redis commands per call", "lower"),
    ("ctlproxy", "direct_p50_us", "ng RTT direct p50 µs", "lower"),
    ("ctlproxy", "direct_p99_us", "ng RTT direct p99 µs", "lower"),
    ("ctlproxy", "proxied_p50_us", "ng RTT via proxy p50 µs", "lower"),
    ("ctlproxy", "proxied_p99_us", "ng RTT via proxy p99 µs", "lower"),
    ("ctlproxy", "added_p50_us", "added by proxy p50 µs", "lower"),
    ("ctlproxy", "added_p99_us", "added by proxy p99 µs", "lower"),
    ("ctlproxy", "proxy_cpu_us_per_cmd", "proxy CPU µs / command", "lower"),
    ("ctlproxy", "node_cpu_us_per_cmd_direct", "node CPU µs / command direct", "lower"),
    ("ctlproxy", "node_cpu_us_per_cmd_proxied", "node CPU µs / command via proxy", "lower"),
    ("ctlproxy", "proxy_node_cpu_ratio", "proxy CPU / node CPU", "lower"),
    ("ctlproxy", "errors", "failed commands", "lower"),
]


def parse_args():
    p = argparse.ArgumentParser(description=__doc__ or "rtprelay benchmark driver")
    p.add_argument("--relay", choices=["rtprelayd", "rtpengine"], default="rtprelayd",
                   help="relay under test (default rtprelayd)")
    p.add_argument("--compare", action="store_true",
                   help="run rtprelayd and rtpengine, print ratios rtprelayd/rtpengine")
    p.add_argument("--scenarios", default=",".join(SCENARIOS),
                   help="comma-separated subset of: " + ", ".join(SCENARIOS))
    p.add_argument("--duration", type=float, default=10, help="calls scenarios: seconds measured")
    p.add_argument("--setup-duration", type=float, default=10, help="setup-rate: seconds")
    p.add_argument("--trial", type=float, default=1, help="max-rate: seconds per trial rate")
    p.add_argument("--window", type=int, default=16, help="setup-rate: calls in flight")
    p.add_argument("--srtp-suite", default="AES_CM_128_HMAC_SHA1_80",
                   help="srtp100: the SDES suite the caller offers")
    p.add_argument("--quick", action="store_true",
                   help="short runs for development (3 s windows, 0.5 s trials, "
                        f"{ctl_proxy.QUICK_CALLS} ctlproxy calls)")
    p.add_argument("--realtime", action="store_true",
                   help="run rtpload SCHED_FIFO: offered load no longer yields to the relay")
    p.add_argument("--num-threads", type=int, default=0,
                   help="pass --num-threads=N to both relays (default: their own default)")
    p.add_argument("--media-io", choices=["auto", "io_uring", "epoll"],
                   help="rtprelayd's media engine (default: its own default, auto)")
    p.add_argument("--rtprelayd", default=os.path.join(ROOT, "build", "rtprelayd"))
    p.add_argument("--rtpengine", default=shutil.which("rtpengine") or "/usr/bin/rtpengine")
    p.add_argument("--rtpload", default=os.path.join(ROOT, "build", "bench", "rtpload"))
    p.add_argument("--log-dir", default=os.path.join(ROOT, "build", "bench", "logs"))
    p.add_argument("--json", help="also write all results to this file")
    p.add_argument("--webrtc", type=int, default=0, metavar="N",
                   help="N headless-Chromium calls through each relay (t/webrtc/run.py --bench)")
    p.add_argument("--floor", action="store_true",
                   help="also run the reference relay (floorrelay, epoll and io_uring) through "
                        "the calls scenarios and setup_one, and with --ng-hop through "
                        "setup_one")
    p.add_argument("--floorrelay", default=os.path.join(ROOT, "build", "bench", "floorrelay"))
    p.add_argument("--guest", action="store_true",
                   help="also run the kernel vs userspace scenario in a QEMU guest (root)")
    a = p.parse_args()
    if a.quick:
        a.duration, a.setup_duration, a.trial = 3, 3, 0.5
    a.scenarios = [s for s in a.scenarios.split(",") if s]
    unknown = [s for s in a.scenarios if s not in SCENARIOS]
    if unknown:
        p.error("unknown scenario(s): " + ", ".join(unknown))
    return a


def free_port(ports, kind, purpose):
    for port in ports:
        with socket.socket(socket.AF_INET, kind) as s:
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    raise SystemExit(f"no free port in {ports.start}-{ports.stop - 1} for the {purpose}")


def relay_command(args, relay, ng_port, http_port):
    if relay in FLOOR_RELAYS:
        return [args.floorrelay] + FLOOR_RELAYS[relay] + [
                f"--listen-ng=127.0.0.1:{ng_port}", f"--port-min={RELAY_PORT_MIN}",
                "--pairs=1000"]
    common = ["--config-file=none", "--table=-1", "--foreground", "--interface=127.0.0.1",
              f"--listen-ng=127.0.0.1:{ng_port}", f"--port-min={RELAY_PORT_MIN}",
              f"--port-max={RELAY_PORT_MAX}", "--log-stderr", "--log-level=4",
              "--delete-delay=0"]
    if args.num_threads:
        common.append(f"--num-threads={args.num_threads}")
    if http_port:
        common.append(f"--listen-http=127.0.0.1:{http_port}")
    if relay == "rtprelayd" and args.media_io:
        common.append(f"--media-io={args.media_io}")
    binary = args.rtprelayd if relay == "rtprelayd" else args.rtpengine
    return [binary] + common


def raise_nofile():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def ng_ping(port, timeout=0.3):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        try:
            s.sendto(b"bench_ping d7:command4:pinge", ("127.0.0.1", port))
            return b"pong" in s.recv(4096)
        except OSError:
            return False


class Relay:
    """One relay process in the foreground, logging to a file; stopped with SIGTERM."""

    def __init__(self, args, name, scenario):
        self.name = name
        self.port = free_port(NG_PORTS[name], socket.SOCK_DGRAM, "ng socket")
        self.http_port = (free_port(HTTP_PORTS[name], socket.SOCK_STREAM, "HTTP listener")
                          if scenario in SCRAPED_SCENARIOS else None)
        os.makedirs(args.log_dir, exist_ok=True)
        self.log_path = os.path.join(args.log_dir, f"{name}-{scenario}.log")
        self.cmd = relay_command(args, name, self.port, self.http_port)
        self.proc = None

    def start(self):
        log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(self.cmd, stdout=log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, preexec_fn=raise_nofile)
        log.close()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited at start-up with status "
                                   f"{self.proc.returncode}; see {self.log_path}")
            if ng_ping(self.port):
                return
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} did not answer ng ping on port {self.port}")

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self):
        if not self.alive():
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class Scraper:
    """GET /metrics every SCRAPE_INTERVAL_S on a thread of its own, from start() to stop(). Each
    scrape opens a new connection, where Prometheus keeps one alive, so the relay's accept and
    close are counted too: this errs high. A scrape counts as answered only with status 200 and
    a body; the first failure's reason is kept for the report."""

    def __init__(self, port):
        self.port = port
        self.answered = 0
        self.failed = 0
        self.first_failure = None
        self.body_bytes = 0
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="scraper", daemon=True)

    def start(self):
        self._thread.start()

    def stop(self):
        self._stopping.set()
        self._thread.join()

    def _run(self):
        due = time.monotonic()
        while not self._stopping.wait(max(0.0, due - time.monotonic())):
            self._scrape()
            # A slow scrape delays the next one rather than starting a burst to catch up.
            due = max(due + SCRAPE_INTERVAL_S, time.monotonic())

    def _scrape(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            conn.request("GET", "/metrics")
            reply = conn.getresponse()
            body = reply.read()
            if reply.status == 200 and body:
                self.answered += 1
                self.body_bytes = len(body)
                return
            reason = f"status {reply.status}, {len(body)} bytes"
        except (OSError, http.client.HTTPException) as e:
            reason = f"{type(e).__name__}: {e}"
        finally:
            conn.close()
        self.failed += 1
        self.first_failure = self.first_failure or reason

    def report(self):
        """RESULT-style fields, and an error when a scrape failed or none was made: the CPU
        figure of this scenario then says nothing about what scraping costs."""
        fields = {"scrapes": str(self.answered), "scrape_failures": str(self.failed),
                  "metrics_bytes": str(self.body_bytes)}
        if self.failed or not self.answered:
            fields["scrape_error"] = (f"{self.failed} of {self.answered + self.failed} "
                                      f"GET /metrics failed (first: {self.first_failure})")
        return fields


def parse_result(stdout):
    for line in stdout.splitlines():
        if line.startswith("RESULT "):
            return dict(kv.split("=", 1) for kv in line.split()[1:] if "=" in kv)
    return None


def run_scenario(args, relay_name, scenario):
    title, scenario_args = SCENARIOS[scenario]
    if scenario == "restart":
        print(f"\n### {relay_name}: {title}  (load average {os.getloadavg()[0]:.2f})",
              flush=True)
        result = restart.run_restart(args, relay_name)
        print("RESULT " + " ".join(f"{k}={v}" for k, v in result.items()), flush=True)
        return result
    if scenario == "ctlproxy":
        print(f"\n### {relay_name}: {title}  (load average {os.getloadavg()[0]:.2f})",
              flush=True)
        result = ctl_proxy.run_ctl_proxy(
                args, lambda port: relay_command(args, relay_name, port, None),
                CTLPROXY_NG_PORTS)
        if "error" in result:
            print(f"!!! {relay_name} {scenario}: {result['error']}", flush=True)
        return result
    relay = Relay(args, relay_name, scenario)
    print(f"\n### {relay_name}: {title}  (load average {os.getloadavg()[0]:.2f})", flush=True)
    relay.start()
    scraper = Scraper(relay.http_port) if relay.http_port else None
    cmd = [args.rtpload, f"--ng=127.0.0.1:{relay.port}", f"--relay-pid={relay.proc.pid}",
           f"--label={scenario}", f"--port-min={GEN_PORT_MIN}", f"--port-max={GEN_PORT_MAX}",
           f"--relay-port-min={RELAY_PORT_MIN}", f"--relay-port-max={RELAY_PORT_MAX}"]
    cmd += scenario_args(args)
    if args.realtime:
        cmd.append("--realtime")
    out_lines = []
    proc = None
    try:
        if scraper:
            scraper.start()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
        for line in proc.stdout:
            sys.stdout.write(line)
            out_lines.append(line)
        proc.wait(timeout=300)
    finally:
        if scraper:
            scraper.stop()
        crashed = not relay.alive()
        relay.stop()
    result = parse_result("".join(out_lines)) or {}
    if scraper:
        result.update(scraper.report())
    if crashed:
        result["error"] = f"relay died during the scenario; see {relay.log_path}"
    elif proc.returncode != 0 and not result:
        result["error"] = f"rtpload exited with status {proc.returncode}"
    elif proc.returncode != 0:
        result["error"] = f"rtpload exited with status {proc.returncode} (see its report)"
    elif "scrape_error" in result:
        result["error"] = result["scrape_error"]
    if "error" in result:
        print(f"!!! {relay_name} {scenario}: {result['error']}", flush=True)
    return result


def fmt(v):
    return "-" if v is None else str(v)


def ratio(a, b):
    try:
        a, b = float(a), float(b)
    except (TypeError, ValueError):
        return "-"
    if b == 0:
        return "=" if a == 0 else "inf"
    return f"{a / b:.2f}"


def print_summary(results, relays, scenarios):
    cols = relays + (["ratio", "better"] if len(relays) == 2 else [])
    print("\n==== summary" + (" (ratio = rtprelayd / rtpengine)" if len(relays) == 2 else ""))
    header = f"{'scenario':<15} {'metric':<32}" + "".join(f"{c:>12}" for c in cols)
    print(header)
    print("-" * len(header))
    for scenario, key, label, better in METRICS:
        if scenario not in scenarios:
            continue
        if scenario in RTPRELAYD_ONLY and "rtprelayd" not in relays:
            continue
        vals = [results.get(r, {}).get(scenario, {}).get(key) for r in relays]
        row = f"{scenario:<15} {label:<32}" + "".join(f"{fmt(v):>12}" for v in vals)
        if len(relays) == 2:
            row += f"{ratio(vals[0], vals[1]) if better else '-':>12}{better or '':>12}"
        print(row)
    for r in relays:
        for s in scenarios:
            err = results.get(r, {}).get(s, {}).get("error")
            if err:
                print(f"error: {r} {s}: {err}")


def print_floor(results, scenarios):
    """The reference relay's CPU per packet (per call in setup_one, its rate in setup_rate),
    and each relay's ratio to rtpengine's and to the best floor: no relay making those system
    calls (in call setup, those wake-ups per command) can do better here."""
    rows = [s for s in FLOOR_SCENARIOS if s in scenarios]
    if not rows:
        return
    print("\n==== floor: the reference relay (floorrelay), and its ratio to rtpengine")
    print(f"{'scenario':<11} {'metric':<26}{'relay':<14}{'value':>10}{'/ rtpengine':>12}"
          f"{'/ floor':>9}")
    for scenario in rows:
        key, better = FLOOR_SCENARIOS[scenario]
        engine = results.get("rtpengine", {}).get(scenario, {}).get(key)
        floors = [results.get(f, {}).get(scenario, {}).get(key) for f in FLOOR_RELAYS
                  if f != "floor-hop"]
        best = min if better == "lower" else max
        floor = best((float(v) for v in floors if v is not None), default=None)
        for relay in ["rtprelayd"] + list(FLOOR_RELAYS):
            r = results.get(relay, {}).get(scenario, {})
            if scenario in results.get(relay, {}):
                print(f"{scenario:<11} {FLOOR_LABELS[key]:<26}{relay:<14}{fmt(r.get(key)):>10}"
                      f"{ratio(r.get(key), engine) if engine else '-':>12}"
                      f"{ratio(r.get(key), floor) if floor else '-':>9}")


# srtp100's goal (issue 13): rtprelayd's CPU per packet at most half of rtpengine's, no loss.
SRTP_GOAL = 0.5
# dtls100's (issue 17): a browser's stream never costs more per packet than through rtpengine.
DTLS_GOAL = 1.0


def print_srtp(results, relays, scenarios):
    """srtp100 and dtls100 beside calls100 of the same run: CPU per packet with and without SRTP
    on the caller side (SDES-keyed, and DTLS-keyed as a browser's stream is), what SRTP adds per
    packet (every relayed packet is either unprotected or protected once), and with both relays
    the ratios against the goals: SDES at most half of rtpengine's (issue 13), DTLS never more
    than rtpengine's (issue 17)."""
    if "srtp100" not in scenarios and "dtls100" not in scenarios:
        return
    print("\n==== SRTP cost: srtp100 (SDES) and dtls100 (DTLS-SRTP) beside calls100 (plain) of "
          "this run; CPU in µs per packet")
    print(f"{'relay':<11} {'plain':>8} {'SDES':>8} {'DTLS':>8} {'SDES/plain':>11}"
          f" {'DTLS/SDES':>10} {'+µs SDES':>9} {'loss % S/D':>11} {'unprotect fails':>16}")
    cpu = {}
    for r in relays:
        got = {s: results.get(r, {}).get(s, {}) for s in ("calls100", "srtp100", "dtls100")}
        cpu[r] = tuple(got[s].get("cpu_s_per_mpkt") for s in ("calls100", "srtp100", "dtls100"))
        try:
            extra = f"{float(cpu[r][1]) - float(cpu[r][0]):.3f}"
        except (TypeError, ValueError):
            extra = "-"
        fails = [got[s].get(k) for s in ("srtp100", "dtls100")
                 for k in ("srtp_errors", "srtp_replays")]
        fails = "-" if None in fails else f"{sum(int(f) for f in fails)}"
        loss = f"{fmt(got['srtp100'].get('loss_pct'))}/{fmt(got['dtls100'].get('loss_pct'))}"
        print(f"{r:<11} {fmt(cpu[r][0]):>8} {fmt(cpu[r][1]):>8} {fmt(cpu[r][2]):>8}"
              f" {ratio(cpu[r][1], cpu[r][0]):>11} {ratio(cpu[r][2], cpu[r][1]):>10}"
              f" {extra:>9} {loss:>11} {fails:>16}")
    if "calls100" not in scenarios:
        print("(add calls100 to --scenarios for the plain figures)")
    if len(relays) == 2:
        r = [ratio(cpu[relays[0]][i], cpu[relays[1]][i]) for i in range(3)]

        def verdict(scenario, goal, value):
            mine = results.get(relays[0], {}).get(scenario, {})
            try:
                lossless = int(mine["lost"]) == 0 and int(mine["srtp_errors"]) == 0
                return "met" if float(value) <= goal and lossless else "missed"
            except (KeyError, ValueError):
                return "no result"
        print(f"{'ratio':<11} {r[0]:>8} {r[1]:>8} {r[2]:>8}   {relays[0]} / {relays[1]}; goals:"
              f" SDES <= {SRTP_GOAL:.2f} and no loss: {verdict('srtp100', SRTP_GOAL, r[1])};"
              f" DTLS <= {DTLS_GOAL:.2f} and no loss: {verdict('dtls100', DTLS_GOAL, r[2])}")


def print_scrape(results, relays, scenarios):
    """calls100scraped beside calls100 of the same run: what serving --listen-http and answering
    a GET /metrics every second add to the relay's CPU per packet. A relay with a failed scrape
    gets no ratio, as its scraped run did not measure the cost of being scraped."""
    if "calls100scraped" not in scenarios:
        return
    print(f"\n==== metrics cost: calls100scraped (--listen-http, GET /metrics every "
          f"{SCRAPE_INTERVAL_S:g} s) beside calls100 of this run; CPU in µs per packet")
    print(f"{'relay':<11} {'calls100':>10} {'scraped':>10} {'scraped/plain':>14} {'+µs/packet':>11}"
          f" {'scrapes':>8} {'bytes':>8}")
    for r in relays:
        plain = results.get(r, {}).get("calls100", {}).get("cpu_s_per_mpkt")
        scraped = results.get(r, {}).get("calls100scraped", {})
        cpu = scraped.get("cpu_s_per_mpkt")
        failure = scraped.get("scrape_error")
        try:
            extra = "-" if failure else f"{float(cpu) - float(plain):.3f}"
        except (TypeError, ValueError):
            extra = "-"
        row = (f"{r:<11} {fmt(plain):>10} {fmt(cpu):>10} "
               f"{'-' if failure else ratio(cpu, plain):>14} {extra:>11}"
               f" {fmt(scraped.get('scrapes')):>8} {fmt(scraped.get('metrics_bytes')):>8}")
        print(row + (f"  {failure}" if failure else ""))
    if "calls100" not in scenarios:
        print("(add calls100 to --scenarios for the figures without HTTP)")


def check_binaries(args, relays):
    if not os.path.exists(args.rtpload) or not os.path.exists(args.floorrelay):
        subprocess.run(["make", "-s", "-f", os.path.join(ROOT, "bench", "Makefile")], check=True)
    for r in relays:
        if r in FLOOR_RELAYS:
            continue
        path = args.rtprelayd if r == "rtprelayd" else args.rtpengine
        if not os.access(path, os.X_OK):
            hint = ("run `make` first" if r == "rtprelayd"
                    else "apt-get install rtpengine-daemon")
            raise SystemExit(f"{r} not found at {path}: {hint}")
    if "rtprelayd" in relays and "ctlproxy" in args.scenarios:
        path = os.path.join(os.path.dirname(os.path.abspath(args.rtprelayd)),
                            ctl_proxy.PROXY_NAME)
        if not os.access(path, os.X_OK):
            raise SystemExit(f"{ctl_proxy.PROXY_NAME} not found at {path}: run `make` first")


def run_webrtc(args):
    """Browser calls through both relays: from the relay's answer to DTLS connected and to the
    first audio packet, and the relay's CPU per setup (t/webrtc/run.py --bench)."""
    print("\n### WebRTC: headless Chromium through each relay, %d calls each" % args.webrtc,
          flush=True)
    env = dict(os.environ, RTPRELAYD=args.rtprelayd, RTPENGINE=args.rtpengine)
    r = subprocess.run([sys.executable, os.path.join(ROOT, "t", "webrtc", "run.py"),
                        "--bench=%d" % args.webrtc], env=env, capture_output=True, text=True,
                       timeout=60 + 60 * args.webrtc, check=False)
    lines = [l for l in r.stdout.splitlines() if l.startswith(("BENCH", "  run", "webrtc"))]
    print("\n".join(lines), flush=True)
    out = {"lines": [l for l in lines if l.startswith("BENCH")]}
    if r.returncode != 0:
        out["error"] = "t/webrtc/run.py --bench failed (%d)" % r.returncode
        print(r.stderr[-2000:], flush=True)
    return out


def main():
    args = parse_args()
    relays = ["rtprelayd", "rtpengine"] if args.compare else [args.relay]
    floors = list(FLOOR_RELAYS) if args.floor else []
    check_binaries(args, relays)
    print(f"rtprelay benchmark: relays {', '.join(relays)}; scenarios "
          f"{', '.join(args.scenarios)}; {os.cpu_count()} CPUs; load average "
          f"{os.getloadavg()[0]:.2f}", flush=True)
    results = {relay: {} for relay in relays + floors}
    failed = False
    # Scenario by scenario, every relay back to back: this machine drifts by a fifth from one
    # minute to the next (docs/performance.md), which then falls between scenarios rather
    # than between the runs a ratio compares.
    for scenario in args.scenarios:
        for relay in relays + floors:
            if relay in floors and (scenario not in FLOOR_SCENARIOS or
                                    (relay == "floor-hop" and scenario not in HOP_SCENARIOS)):
                continue
            if relay != "rtprelayd" and scenario in RTPRELAYD_ONLY:
                print(f"\n### {relay}: {scenario} skipped: rtprelayd only ({relay} has no "
                      "rtprelay-ctl-proxy)", flush=True)
                continue
            try:
                results[relay][scenario] = run_scenario(args, relay, scenario)
            except (RuntimeError, subprocess.TimeoutExpired) as e:
                print(f"!!! {relay} {scenario}: {e}", flush=True)
                results[relay][scenario] = {"error": str(e)}
            failed |= "error" in results[relay][scenario]
    print_summary(results, relays, args.scenarios)
    print_srtp(results, relays, args.scenarios)
    print_scrape(results, relays, args.scenarios)
    if floors:
        print_floor(results, args.scenarios)
    if args.webrtc:
        results["webrtc"] = run_webrtc(args)
        failed |= "error" in results["webrtc"]
    if args.guest:
        results["guest"] = run_guest(args)
        failed |= "error" in results["guest"]
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
