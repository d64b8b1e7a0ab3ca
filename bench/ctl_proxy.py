"""The ctlproxy scenario of `make bench` (bench/run.py): what rtprelay-ctl-proxy costs in front
of one rtprelayd, in the regime SIP proxies live in: one ng command in flight at a time, and
per call an offer, an answer and a delete, each sent when the last one's reply came back.

One rtprelayd (started as run.py starts it) and one rtprelay-ctl-proxy (from the same build
folder, --node= that rtprelayd) are started; once the proxy reports the node up, CALLS calls go
straight to the node and CALLS other calls (other call-ids) through the proxy, in ROUNDS rounds
ordered direct, proxied | proxied, direct (ABBA), so a drift of the machine's load weighs on
both alike. WARMUP_CALLS calls each way come first and are not measured. Measured:

- per command, the round trip at the client (time.perf_counter_ns from just before send to
  just after the reply came back, all three commands pooled): p50 and p99 direct and
  proxied, and the latency the proxy adds (proxied minus direct, each percentile on its own);
- CPU (utime + stime from /proc/PID/stat, all threads) of the proxy and of the node over each
  segment, per command the client sent. The proxy runs with --forget-after=1: after each
  delete it asks the node (a `query`) whether the call is gone, 40 s later by default; so
  that this work, part of what a call costs both processes, falls inside the window, every
  segment ends with SETTLE_S of waiting before the CPU is read (direct ones too, so both
  windows hold the same idle time).

Python 3 stdlib only; the bencode codec is the integration tests' (t/integration/ngclient.py)."""

import gc
import itertools
import os
import signal
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "t", "integration"))
import ngclient  # noqa: E402  pylint: disable=wrong-import-position

PROXY_NAME = "rtprelay-ctl-proxy"
CALLS = 2000
QUICK_CALLS = 300
ROUNDS = 2
WARMUP_CALLS = 50
FORGET_AFTER_S = 1
# The proxy looks for due rechecks once a second: FORGET_AFTER_S + 1 s covers the last delete's.
SETTLE_S = FORGET_AFTER_S + 1.5
REPLY_TIMEOUT_S = 2.0
START_TIMEOUT_S = 10.0
# Ports the offers and answers name (nothing is sent to them: no media in this scenario).
SDP_PORT_BASE, SDP_PORTS = 50000, 10000
COMMANDS = ("offer", "answer", "delete")
CLK_TCK = os.sysconf("SC_CLK_TCK")
# Every client's cookies differ: the node and the proxy answer a cookie seen before from a cache.
_client_ids = itertools.count(1)


def cpu_ticks(pid):
    """utime + stime of a process, all its threads, in clock ticks."""
    with open(f"/proc/{pid}/stat", "rb") as f:
        fields = f.read().rsplit(b")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # fields 14 and 15 of proc(5)


def percentile(sorted_values, q):
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return None
    rank = max(1, -(-len(sorted_values) * q // 100))  # ceil(n * q / 100)
    return sorted_values[int(rank) - 1]


def sdp(port, session):
    return ("v=0\r\no=- %d 1 IN IP4 127.0.0.1\r\ns=bench\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            "m=audio %d RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=ptime:20\r\na=sendrecv\r\n"
            % (session, port))


def free_ports(ports, count):
    """`count` distinct UDP ports of `ports` that can be bound on 127.0.0.1 now."""
    found = []
    for port in ports:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        found.append(port)
        if len(found) == count:
            return found
    raise RuntimeError(f"no {count} free UDP ports in {ports.start}-{ports.stop - 1}")


class Client:
    """An ng client over a connected UDP socket, one request in flight, timing each."""

    def __init__(self, port, prefix):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.connect(("127.0.0.1", port))
        self.prefix = f"{prefix}{os.getpid()}.{next(_client_ids)}-".encode()
        self.sent = 0

    def close(self):
        self.sock.close()

    def request(self, message):
        """(reply dict or None when none came in time, round trip in ns)."""
        self.sent += 1
        cookie = self.prefix + str(self.sent).encode()
        datagram = cookie + b" " + ngclient.bencode(message)
        self.sock.settimeout(REPLY_TIMEOUT_S)
        started = time.perf_counter_ns()
        self.sock.send(datagram)
        while True:
            try:
                got = self.sock.recv(65536)
            except socket.timeout:
                return None, time.perf_counter_ns() - started
            except ConnectionRefusedError as e:
                raise RuntimeError(f"ng port {self.sock.getpeername()[1]} unreachable") from e
            elapsed = time.perf_counter_ns() - started
            if got.startswith(cookie + b" "):
                break  # anything else is a late reply to an earlier request
        try:
            return ngclient.bdecode(got[len(cookie) + 1:]), elapsed
        except ngclient.BencodeError:
            return None, elapsed


def call(client, call_id, n, latencies):
    """Offer, answer, delete, as Kamailio's rtpengine module writes them; the round trip of
    each goes to latencies[command] (ns), and the number of commands that failed is
    returned."""
    port = SDP_PORT_BASE + (2 * n) % SDP_PORTS
    supports = ["load limit"]
    from_tag, to_tag = f"{call_id}-A", f"{call_id}-B"
    requests = [
        {"supports": supports, "sdp": sdp(port, n), "call-id": call_id, "from-tag": from_tag,
         "command": "offer", "sip-message-type": "sip-request"},
        {"supports": supports, "sdp": sdp(port + 2, n), "call-id": call_id,
         "from-tag": from_tag, "to-tag": to_tag, "command": "answer",
         "sip-message-type": "sip-response"},
        {"supports": supports, "call-id": call_id, "from-tag": from_tag, "to-tag": to_tag,
         "command": "delete", "sip-message-type": "sip-request"},
    ]
    failed = 0
    for message in requests:
        reply, ns = client.request(message)
        latencies[message["command"]].append(ns)
        if reply is None or reply.get(b"result") != b"ok":
            failed += 1
    return failed


class Process:
    """A daemon in the foreground, logging to a file."""

    def __init__(self, name, cmd, log_path):
        self.name, self.cmd, self.log_path = name, cmd, log_path
        self.proc = None

    def start(self):
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(self.cmd, stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL)

    def check(self):
        if self.proc.poll() is not None:
            raise RuntimeError(f"{self.name} exited with status {self.proc.returncode}; "
                               f"see {self.log_path}")

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def log_lines(self):
        try:
            with open(self.log_path, "rb") as f:
                return [l.decode(errors="replace").rstrip() for l in f if l.strip()]
        except OSError:
            return []


def wait_for(what, process, test):
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        process.check()
        if test():
            return
        time.sleep(0.05)
    raise RuntimeError(f"{what} within {START_TIMEOUT_S:g} s; see {process.log_path}")


def proxy_section(port):
    """The proxy's own part of its `statistics` reply, or None without a reply."""
    client = Client(port, "s")
    try:
        reply, _ = client.request({"command": "statistics"})
    finally:
        client.close()
    try:
        return reply[b"statistics"][PROXY_NAME.encode()]
    except (TypeError, KeyError):
        return None


def node_up(port):
    section = proxy_section(port)
    try:
        return section[b"nodes"][0][b"up"] == 1
    except (TypeError, KeyError, IndexError):
        return False


class CtlProxyRun:
    def __init__(self, args, node_command, ports):
        self.calls = QUICK_CALLS if args.quick else CALLS
        self.node_port, self.proxy_port = free_ports(ports, 2)
        proxy_binary = os.path.join(os.path.dirname(os.path.abspath(args.rtprelayd)), PROXY_NAME)
        self.node = Process("rtprelayd", node_command(self.node_port),
                            os.path.join(args.log_dir, "rtprelayd-ctlproxy.log"))
        self.proxy = Process(PROXY_NAME, [
            proxy_binary, "--config-file=none", "--log-stderr", "--log-level=4",
            f"--listen-ng=127.0.0.1:{self.proxy_port}",
            f"--node=n0/127.0.0.1:{self.node_port}", f"--forget-after={FORGET_AFTER_S}"],
            os.path.join(args.log_dir, f"{PROXY_NAME}-ctlproxy.log"))
        self.latencies = {mode: {c: [] for c in COMMANDS} for mode in ("direct", "proxied")}
        self.cpu = {mode: {"node": 0, "proxy": 0} for mode in self.latencies}
        self.commands = {mode: 0 for mode in self.latencies}
        self.errors = {mode: 0 for mode in self.latencies}

    def segment(self, clients, mode, first, count, measured=True):
        """`count` calls one after another, then SETTLE_S of quiet; CPU read around both."""
        gc.collect()
        gc.disable()
        try:
            before = (cpu_ticks(self.node.proc.pid), cpu_ticks(self.proxy.proc.pid))
            latencies = self.latencies[mode] if measured else {c: [] for c in COMMANDS}
            errors = 0
            for n in range(first, first + count):
                errors += call(clients[mode], f"ctlproxy-{os.getpid()}-{mode}-{n}", n,
                               latencies)
            time.sleep(SETTLE_S)
            after = (cpu_ticks(self.node.proc.pid), cpu_ticks(self.proxy.proc.pid))
        finally:
            gc.enable()
        self.node.check()
        self.proxy.check()
        if measured:
            self.cpu[mode]["node"] += after[0] - before[0]
            self.cpu[mode]["proxy"] += after[1] - before[1]
            self.commands[mode] += 3 * count
            self.errors[mode] += errors
        elif errors:
            raise RuntimeError(f"{errors} of {3 * count} warm-up commands {mode} failed")

    def run(self):
        clients = {}
        try:
            self.node.start()
            wait_for("rtprelayd did not answer ng ping", self.node,
                     lambda: ngclient.ping_once(("127.0.0.1", self.node_port)))
            self.proxy.start()
            wait_for(f"{PROXY_NAME} did not answer ng ping", self.proxy,
                     lambda: ngclient.ping_once(("127.0.0.1", self.proxy_port)))
            wait_for(f"{PROXY_NAME} did not report its node up", self.proxy,
                     lambda: node_up(self.proxy_port))
            clients = {"direct": Client(self.node_port, "d"),
                       "proxied": Client(self.proxy_port, "p")}
            self.segment(clients, "direct", 0, WARMUP_CALLS, measured=False)
            self.segment(clients, "proxied", 0, WARMUP_CALLS, measured=False)
            done = WARMUP_CALLS
            for r in range(ROUNDS):
                count = self.calls // ROUNDS + (1 if r < self.calls % ROUNDS else 0)
                for mode in (("direct", "proxied") if r % 2 == 0 else ("proxied", "direct")):
                    self.segment(clients, mode, done, count)
                done += count
            stats = proxy_section(self.proxy_port)
            return self.result(stats)
        finally:
            for c in clients.values():
                c.close()
            self.proxy.stop()
            self.node.stop()

    def result(self, stats):
        us = {}
        for mode, by_command in self.latencies.items():
            pooled = sorted(ns for values in by_command.values() for ns in values)
            us[mode] = {q: percentile(pooled, q) / 1000 for q in (50, 99)}
            for c, values in by_command.items():
                us[mode][c] = percentile(sorted(values), 50) / 1000
        tick_us = 1e6 / CLK_TCK

        def per_cmd(mode, who):
            return self.cpu[mode][who] * tick_us / self.commands[mode]

        proxy_cpu = per_cmd("proxied", "proxy")
        node_proxied = per_cmd("proxied", "node")
        node = (stats or {}).get(b"nodes", [{}])[0]
        result = {
            "calls": str(self.calls),
            "commands": str(self.commands["proxied"]),
            "direct_p50_us": f"{us['direct'][50]:.0f}",
            "direct_p99_us": f"{us['direct'][99]:.0f}",
            "proxied_p50_us": f"{us['proxied'][50]:.0f}",
            "proxied_p99_us": f"{us['proxied'][99]:.0f}",
            "added_p50_us": f"{us['proxied'][50] - us['direct'][50]:.0f}",
            "added_p99_us": f"{us['proxied'][99] - us['direct'][99]:.0f}",
            **{f"added_{c}_p50_us": f"{us['proxied'][c] - us['direct'][c]:.0f}"
               for c in COMMANDS},
            "proxy_cpu_us_per_cmd": f"{proxy_cpu:.1f}",
            "node_cpu_us_per_cmd_direct": f"{per_cmd('direct', 'node'):.1f}",
            "node_cpu_us_per_cmd_proxied": f"{node_proxied:.1f}",
            "proxy_node_cpu_ratio": f"{proxy_cpu / node_proxied:.2f}" if node_proxied else "-",
            # Each segment's difference of two tick counts is off by less than a tick.
            "cpu_resolution_us": f"{ROUNDS * tick_us / self.commands['proxied']:.1f}",
            "errors": str(self.errors["direct"] + self.errors["proxied"]),
            "proxy_forwarded": str(node.get(b"forwarded", "-")),
            "proxy_failed": str(node.get(b"failed", "-")),
            "proxy_rechecked": str((stats or {}).get(b"calls forgotten", "-")),
            "proxy_log_lines": str(len(self.proxy.log_lines())),
            "node_log_lines": str(len(self.node.log_lines())),
        }
        problems = []
        if int(result["errors"]):
            problems.append(f"{result['errors']} commands failed or got no reply in "
                            f"{REPLY_TIMEOUT_S:g} s (direct {self.errors['direct']}, "
                            f"proxied {self.errors['proxied']})")
        if stats is None:
            problems.append(f"{PROXY_NAME} did not answer statistics at the end")
        elif node.get(b"failed", 0):
            problems.append(f"{PROXY_NAME} counted {node[b'failed']} failed forwards")
        if problems:
            result["error"] = "; ".join(problems)
        if result["proxy_rechecked"] != str(WARMUP_CALLS + self.calls):
            result["note"] = (f"the proxy rechecked {result['proxy_rechecked']} of "
                              f"{WARMUP_CALLS + self.calls} deleted calls: its CPU figure "
                              "misses the rest")
        return result


def print_report(result, proxy_log_path=None):
    """The human block and the RESULT line, in rtpload's style."""
    def line(label, value):
        print(f"  {label} {'.' * max(1, 38 - len(label))} {value}")

    print(f"\n== ctlproxy: offer+answer+delete, one command in flight, {result['calls']} calls "
          f"each way in {ROUNDS} rounds ==")
    line("ng round trip direct p50/p99 µs", f"{result['direct_p50_us']} / "
         f"{result['direct_p99_us']}")
    line("ng round trip via proxy p50/p99 µs", f"{result['proxied_p50_us']} / "
         f"{result['proxied_p99_us']}")
    line("added by the proxy p50/p99 µs", f"{result['added_p50_us']} / "
         f"{result['added_p99_us']}")
    line("added p50 µs offer / answer / delete",
         " / ".join(result[f"added_{c}_p50_us"] for c in COMMANDS))
    line("proxy CPU µs / command", result["proxy_cpu_us_per_cmd"])
    line("node CPU µs / command direct", result["node_cpu_us_per_cmd_direct"])
    line("node CPU µs / command via proxy", result["node_cpu_us_per_cmd_proxied"])
    line("proxy CPU / node CPU (same window)", result["proxy_node_cpu_ratio"])
    line("CPU figures within µs / command", f"±{result['cpu_resolution_us']}")
    line("failed commands", result["errors"])
    line("proxy forwarded / failed / rechecked", f"{result['proxy_forwarded']} / "
         f"{result['proxy_failed']} / {result['proxy_rechecked']}")
    line("log lines proxy / node (level 4)", f"{result['proxy_log_lines']} / "
         f"{result['node_log_lines']}")
    if proxy_log_path and result["proxy_log_lines"] != "0":
        print(f"  see {proxy_log_path}")
    if "note" in result:
        print(f"  note: {result['note']}")
    print("RESULT " + " ".join(f"{k}={v}" for k, v in result.items()
                               if k not in ("error", "note")), flush=True)


def run_ctl_proxy(args, node_command, ports):
    """node_command(port): rtprelayd's command line with its ng on that port; ports: the range
    the node's and the proxy's ng ports come from."""
    os.makedirs(args.log_dir, exist_ok=True)
    run = CtlProxyRun(args, node_command, ports)
    if not os.access(run.proxy.cmd[0], os.X_OK):
        raise RuntimeError(f"{PROXY_NAME} not found at {run.proxy.cmd[0]}: run `make` first")
    result = run.run()
    print_report(result, run.proxy.log_path)
    return result
