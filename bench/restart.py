"""The restart scenario of `make bench` (bench/run.py): a relay keeping its calls in Redis is
killed with SIGKILL under CALLS established calls (10,000, or fewer where the open-files
limit cannot be raised that far: a call holds 4 sockets), MEDIA_CALLS of them carrying RTP both ways
at 50 pps, and started again at once with the same options. Measured per relay:

- restore_ms: from the new process's exec to its first ng ping answer (both relays rebuild
  their calls from Redis before they serve ng), and the calls it then reports (statistics);
- gap_p50_ms / gap_max_ms: over the media streams, the longest time between two packets
  received, around the restart (20 ms when nothing was lost);
- redis_kb_per_call / redis_cmds_per_call: what setting up a call (offer, answer) cost Redis:
  bytes received by it and commands run, from INFO stats.

Python 3 stdlib only; the ng client is the integration tests' (t/integration/ngclient.py)."""

import os
import resource
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "t", "integration"))
import ngclient  # noqa: E402  pylint: disable=wrong-import-position

WANTED_CALLS = 10000
MEDIA_CALLS = 50
PPS = 50
PARTY_PORT_BASE = 61000


def open_files_limit():
    """The most open files a relay started here may have: the hard limit, or more where this
    process may raise it (CAP_SYS_RESOURCE)."""
    want = 4 * WANTED_CALLS + 10000
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, want))
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, want))
        return want
    except (ValueError, OSError):
        return hard


NOFILE = open_files_limit()
# A call holds 4 sockets (two parties, RTP and RTCP each); the relay needs some more files.
CALLS = min(WANTED_CALLS, (NOFILE - 1000) // 4 // 1000 * 1000)
# Its ports, away from the media parties' ports.
PORT_MIN, PORT_MAX = 12000, 12000 + 4 * CALLS + 999


def redis_cli(port, *args):
    return subprocess.run(["redis-cli", "-p", str(port)] + list(args), check=True,
                          capture_output=True, text=True, timeout=10).stdout


def redis_stats(port):
    out = {}
    for line in redis_cli(port, "INFO", "stats").splitlines():
        key, _, value = line.partition(":")
        if value.strip().isdigit():
            out[key] = int(value)
    return out


def raise_nofile():
    resource.setrlimit(resource.RLIMIT_NOFILE, (NOFILE, NOFILE))


def free_port(kind=socket.SOCK_DGRAM):
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sdp(port):
    return ("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            "m=audio %d RTP/AVP 0\r\n" % port)


def media_port(reply):
    for line in reply[b"sdp"].decode().split("\r\n"):
        if line.startswith("m=audio "):
            return int(line.split()[1])
    raise RuntimeError("no m=audio in the relay's SDP")


class Media:
    """RTP both ways on MEDIA_CALLS calls from a sender thread, and the receivers' longest
    silence between two packets, each stream on its own."""

    def __init__(self):
        self.flows = []  # (sending socket, relay address, receiving socket)
        self.last = {}
        self.gap = {}
        self.received = 0
        self._stop = threading.Event()
        self._threads = []

    def add(self, a, pa, b, pb):
        self.flows.append((a, ("127.0.0.1", pa), b))
        self.flows.append((b, ("127.0.0.1", pb), a))

    def start(self):
        for fn in (self._send, self._receive):
            t = threading.Thread(target=fn, daemon=True)
            t.start()
            self._threads.append(t)

    def stop(self):
        self._stop.set()
        for t in self._threads:
            t.join()

    def reset(self):
        """Measure from now on."""
        self.gap = {}

    def _send(self):
        seq = 0
        due = time.monotonic()
        while not self._stop.is_set():
            seq = (seq + 1) & 0xFFFF
            for s, to, _ in self.flows:
                packet = bytes([0x80, 0]) + seq.to_bytes(2, "big") + bytes(8) + bytes(160)
                try:
                    s.sendto(packet, to)
                except OSError:
                    pass  # the relay is away: ICMP unreachable comes back as an error
            due += 1.0 / PPS
            time.sleep(max(0.0, due - time.monotonic()))

    def _receive(self):
        sel = selectors.DefaultSelector()
        for _, _, r in self.flows:
            sel.register(r, selectors.EVENT_READ)
        while not self._stop.is_set():
            for key, _ in sel.select(0.1):
                now = time.monotonic()
                while True:
                    try:
                        key.fileobj.recv(2048)
                    except (BlockingIOError, ConnectionRefusedError):
                        break
                    self.received += 1
                    fd = key.fileobj.fileno()
                    if fd in self.last:
                        self.gap[fd] = max(self.gap.get(fd, 0.0), now - self.last[fd])
                    self.last[fd] = now


class RestartRun:
    def __init__(self, args, relay, log_dir):
        self.args = args
        self.relay = relay
        self.log_dir = log_dir
        self.dir = tempfile.mkdtemp(prefix="bench-redis-")
        self.redis_port = free_port(socket.SOCK_STREAM)
        self.redis = None
        self.proc = None
        self.ng_port = free_port()
        self.sockets = []

    def command(self):
        binary = self.args.rtprelayd if self.relay == "rtprelayd" else self.args.rtpengine
        return [binary, "--config-file=none", "--table=-1", "--foreground",
                "--interface=127.0.0.1", f"--listen-ng=127.0.0.1:{self.ng_port}",
                f"--port-min={PORT_MIN}", f"--port-max={PORT_MAX}", "--log-stderr",
                "--log-level=5", "--delete-delay=0", f"--redis=127.0.0.1:{self.redis_port}/1"]

    def start_relay(self, n):
        log = open(os.path.join(self.log_dir, f"{self.relay}-restart-{n}.log"), "wb")
        started = time.monotonic()
        self.proc = subprocess.Popen(self.command(), stdout=log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, preexec_fn=raise_nofile)
        log.close()
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(0.002)
            while time.monotonic() - started < 120:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"{self.relay} exited at start (see {log.name})")
                try:
                    s.sendto(b"r d7:command4:pinge", ("127.0.0.1", self.ng_port))
                    if b"pong" in s.recv(4096):
                        return time.monotonic() - started
                except OSError:
                    pass
        raise RuntimeError(f"{self.relay} did not answer ng ping")

    def party(self, i):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", PARTY_PORT_BASE + 2 * i))
        s.setblocking(False)
        self.sockets.append(s)
        return s

    def setup(self, c, media):
        for i in range(CALLS):
            cid = f"restart-{i}"
            with_media = i < MEDIA_CALLS
            a = self.party(2 * i) if with_media else None
            b = self.party(2 * i + 1) if with_media else None
            offer = c.request({"command": "offer", "call-id": cid, "from-tag": "A",
                               "sdp": sdp(a.getsockname()[1] if a else 9)})
            answer = c.request({"command": "answer", "call-id": cid, "from-tag": "A",
                                "to-tag": "B", "sdp": sdp(b.getsockname()[1] if b else 9)})
            if offer.get(b"result") != b"ok" or answer.get(b"result") != b"ok":
                raise RuntimeError(f"call {i}: {offer} / {answer}")
            if with_media:
                media.add(a, media_port(answer), b, media_port(offer))

    def calls(self):
        c = ngclient.NgClient(("127.0.0.1", self.ng_port))
        try:
            s = c.request({"command": "statistics"})
            return int(s[b"statistics"][b"currentstatistics"][b"sessionsown"])
        finally:
            c.close()

    def run(self):
        self.redis = subprocess.Popen(
                ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1",
                 "--save", "", "--appendonly", "no", "--dir", self.dir],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        media = Media()
        try:
            for _ in range(100):
                try:
                    redis_cli(self.redis_port, "PING")
                    break
                except subprocess.CalledProcessError:
                    time.sleep(0.05)
            self.start_relay(1)
            before = redis_stats(self.redis_port)
            c = ngclient.NgClient(("127.0.0.1", self.ng_port))
            started = time.monotonic()
            self.setup(c, media)
            setup_s = time.monotonic() - started
            c.close()
            time.sleep(1)  # the last documents written
            after = redis_stats(self.redis_port)
            media.start()
            time.sleep(1.5)
            media.reset()
            self.proc.kill()
            self.proc.wait()
            restore_s = self.start_relay(2)
            time.sleep(2)
            media.stop()
            restored = self.calls()
            gaps = sorted(media.gap.get(r.fileno(), float("inf")) for _, _, r in media.flows)
            return {
                "calls": str(CALLS), "restored": str(restored),
                "setup_s": f"{setup_s:.1f}",
                "restore_ms": f"{restore_s * 1000:.0f}",
                "gap_p50_ms": f"{gaps[len(gaps) // 2] * 1000:.0f}",
                "gap_max_ms": f"{gaps[-1] * 1000:.0f}",
                "redis_kb_per_call": f"{(after['total_net_input_bytes'] - before['total_net_input_bytes']) / CALLS / 1024:.2f}",
                "redis_cmds_per_call": f"{(after['total_commands_processed'] - before['total_commands_processed']) / CALLS:.1f}",
            }
        finally:
            media.stop()
            if self.proc and self.proc.poll() is None:
                self.proc.send_signal(signal.SIGTERM)
                try:
                    self.proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
            self.redis.kill()
            self.redis.wait()
            for s in self.sockets:
                s.close()
            shutil.rmtree(self.dir, ignore_errors=True)


def run_restart(args, relay):
    os.makedirs(args.log_dir, exist_ok=True)
    return RestartRun(args, relay, args.log_dir).run()
