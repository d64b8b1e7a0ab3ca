"""Process and protocol plumbing for the rtprelay end-to-end suite (Python 3 stdlib only).

- bencode codec and an ng client (`cookie SP dictionary` over UDP),
- a recording ng proxy (Kamailio -> proxy -> relay) that keeps every request and reply,
- a loopback media sniffer (AF_PACKET on lo) counting UDP packets per 4-tuple,
- process management: every child runs in its own session with stdout/stderr in files under
  the run's temp dir, and is killed with its whole process group at tear-down,
- sipp message-log and SDP parsing, relay/Kamailio/sipp command lines.
"""

import json
import os
import re
import select
import shlex
import signal
import socket
import struct
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PCAP = "/usr/share/sip-tester/g711a.pcap"


def env_int(name, default):
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


DELETE_DELAY = env_int("E2E_DELETE_DELAY", 0)  # passed to the relay as --delete-delay


# --- bencode -------------------------------------------------------------------------------


class BencodeError(ValueError):
    pass


def bencode(value):
    out = bytearray()
    _benc(value, out)
    return bytes(out)


def _benc(value, out):
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, int):
        out += b"i%de" % value
    elif isinstance(value, (bytes, bytearray)):
        out += b"%d:" % len(value) + bytes(value)
    elif isinstance(value, str):
        _benc(value.encode(), out)
    elif isinstance(value, (list, tuple)):
        out += b"l"
        for item in value:
            _benc(item, out)
        out += b"e"
    elif isinstance(value, dict):
        out += b"d"
        for key, item in value.items():
            _benc(key.encode() if isinstance(key, str) else key, out)
            _benc(item, out)
        out += b"e"
    else:
        raise TypeError("cannot bencode %r" % type(value))


def bdecode(data):
    """Decodes one bencoded value; byte strings come back as str when they are UTF-8."""
    value, pos = _bdec(bytes(data), 0)
    if pos != len(data):
        raise BencodeError("trailing data at offset %d" % pos)
    return value


def _text(raw):
    try:
        return raw.decode()
    except UnicodeDecodeError:
        return raw


def _bdec(data, pos):
    if pos >= len(data):
        raise BencodeError("truncated at offset %d" % pos)
    c = data[pos:pos + 1]
    if c == b"i":
        end = data.index(b"e", pos)
        return int(data[pos + 1:end]), end + 1
    if c.isdigit():
        colon = data.index(b":", pos)
        n = int(data[pos:colon])
        if colon + 1 + n > len(data):
            raise BencodeError("string runs past the end at offset %d" % pos)
        return _text(data[colon + 1:colon + 1 + n]), colon + 1 + n
    if c in (b"l", b"d"):
        pos += 1
        items = []
        while True:
            if pos >= len(data):
                raise BencodeError("truncated container")
            if data[pos:pos + 1] == b"e":
                pos += 1
                break
            item, pos = _bdec(data, pos)
            items.append(item)
        if c == b"l":
            return items, pos
        if len(items) % 2:
            raise BencodeError("dictionary with an odd number of items")
        return dict(zip(items[0::2], items[1::2])), pos
    raise BencodeError("unexpected byte %r at offset %d" % (c, pos))


def split_datagram(data):
    space = data.find(b" ")
    if space <= 0:
        raise ValueError("datagram without a cookie: %r" % data[:80])
    return data[:space], data[space + 1:]


def decode_body(body):
    """An ng dictionary in either encoding, as Python values."""
    if body[:1] == b"{":
        return json.loads(body)
    return bdecode(body)


# --- ng client -----------------------------------------------------------------------------


class NgError(AssertionError):
    pass


class NgClient:
    """Talks bencode to one relay's ng address; retransmits with the same cookie (the relay's
    reply cache makes that safe). Every exchange is appended to `log` when given."""

    _counter = 0

    def __init__(self, port, host="127.0.0.1", log=None, label=""):
        self.address = (host, port)
        self.log = log
        self.label = label or "test -> %s:%d" % self.address

    def command(self, command, timeout=2.0, tries=3, record=True, **keys):
        NgClient._counter += 1
        cookie = ("e2e%d_%d" % (os.getpid(), NgClient._counter)).encode()
        message = {"command": command}
        message.update({k.replace("_", "-"): v for k, v in keys.items()})
        request = cookie + b" " + bencode(message)
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            sock.bind(("127.0.0.1", 0))
            for _ in range(tries):
                sock.sendto(request, self.address)
                deadline = time.monotonic() + timeout / tries
                while True:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        break
                    ready, _, _ = select.select([sock], [], [], left)
                    if not ready:
                        break
                    try:
                        data = sock.recv(65536)
                    except ConnectionRefusedError:
                        continue
                    got_cookie, body = split_datagram(data)
                    if got_cookie != cookie:
                        continue
                    if self.log is not None and record:
                        self.log.append(Exchange(self.label, request, data))
                    return decode_body(body)
        finally:
            sock.close()
        if self.log is not None and record:
            self.log.append(Exchange(self.label, request, None))
        raise NgError("no reply from %s:%d to %r within %.1f s" %
                      (self.address + (command, timeout)))

    def ok(self, command, **keys):
        reply = self.command(command, **keys)
        if reply.get("result") != "ok":
            raise NgError("%s: %r" % (command, reply))
        return reply

    def alive(self):
        try:
            reply = self.command("ping", timeout=0.5, tries=1, record=False)
            return reply.get("result") == "pong"
        except (NgError, OSError, ValueError):
            return False


class Exchange:
    """One ng request and its reply (raw datagrams; reply None when none came)."""

    def __init__(self, who, request, reply, started=None, elapsed=None):
        self.who = who
        self.request = request
        self.reply = reply
        self.started = started if started is not None else time.time()
        self.elapsed = elapsed

    def decoded(self):
        req = decode_body(split_datagram(self.request)[1])
        rep = decode_body(split_datagram(self.reply)[1]) if self.reply else None
        return req, rep

    @property
    def command(self):
        try:
            return self.decoded()[0].get("command")
        except (ValueError, KeyError, BencodeError):
            return None


class NgRecorder(threading.Thread):
    """A transparent ng proxy: listens on `listen_port`, forwards each datagram to the relay at
    `relay_port` and each reply back to the request's sender (matched by cookie), recording
    both in `self.exchanges`."""

    def __init__(self, listen_port, relay_port, label="kamailio"):
        super().__init__(daemon=True, name="ng-recorder")
        self.relay = ("127.0.0.1", relay_port)
        self.label = label
        self.front = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.front.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.front.bind(("127.0.0.1", listen_port))
        self.back = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.back.bind(("127.0.0.1", 0))
        self.pending = {}  # cookie -> (client address, request, time)
        self.exchanges = []
        self.lock = threading.Lock()
        self.stopping = False

    def run(self):
        while not self.stopping:
            try:
                ready, _, _ = select.select([self.front, self.back], [], [], 0.2)
            except (OSError, ValueError):
                return
            for sock in ready:
                try:
                    data, addr = sock.recvfrom(65536)
                except (ConnectionRefusedError, BlockingIOError):
                    continue
                except OSError:
                    return
                try:
                    cookie, _ = split_datagram(data)
                except ValueError:
                    continue
                if sock is self.front:
                    with self.lock:
                        if cookie not in self.pending:
                            self.pending[cookie] = (addr, data, time.time())
                    try:
                        self.back.sendto(data, self.relay)
                    except OSError:
                        pass
                else:
                    with self.lock:
                        entry = self.pending.pop(cookie, None)
                    if entry is None:
                        continue
                    client, request, started = entry
                    self.exchanges.append(Exchange(self.label, request, data, started,
                                                   time.time() - started))
                    try:
                        self.front.sendto(data, client)
                    except OSError:
                        pass

    def stop(self):
        self.stopping = True
        self.join(2)
        with self.lock:
            for cookie, (client, request, started) in self.pending.items():
                self.exchanges.append(Exchange(self.label, request, None, started))
            self.pending.clear()
        self.front.close()
        self.back.close()


# --- media sniffer -------------------------------------------------------------------------


class Sniffer(threading.Thread):
    """Counts IPv4 UDP packets on lo per (src ip, src port, dst ip, dst port), each packet once
    (the outgoing copy that lo also shows is skipped). Needs CAP_NET_RAW. With `keep` (a
    function of (src port, dst port)), the UDP payloads of the flows it accepts are kept too,
    in order: payloads()."""

    PACKET_OUTGOING = 4

    def __init__(self, ports=(31000, 35999), keep=None):
        super().__init__(daemon=True, name="sniffer")
        self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        self._filter = self._attach_filter(ports)
        self.sock.bind(("lo", 0))
        self.counts = {}
        self.keep = keep
        self.kept = {}  # (src port, dst port) -> [payload, ...]
        self.stopping = False
        self.lock = threading.Lock()

    def _attach_filter(self, ports):
        """A classic BPF filter so the kernel passes only UDP packets with a source or
        destination port in `ports` (other engineers' traffic on lo stays out of Python):
        udp and not fragment and (src portrange LO-HI or dst portrange LO-HI)."""
        lo, hi = ports
        prog = [
            (0x28, 0, 0, 12),        # 0  ldh [12]            ethertype
            (0x15, 0, 12, 0x0800),   # 1  jeq IPv4 ? 2 : drop
            (0x30, 0, 0, 23),        # 2  ldb [23]            IP protocol
            (0x15, 0, 10, 17),       # 3  jeq UDP ? 4 : drop
            (0x28, 0, 0, 20),        # 4  ldh [20]            fragment offset
            (0x45, 8, 0, 0x1fff),    # 5  jset ? drop : 6
            (0xb1, 0, 0, 14),        # 6  ldxb 4*([14]&0xf)  IP header length
            (0x48, 0, 0, 14),        # 7  ldh [x+14]          source port
            (0x35, 0, 1, lo),        # 8  jge lo ? 9 : 10
            (0x25, 0, 3, hi),        # 9  jgt hi ? 10 : accept
            (0x48, 0, 0, 16),        # 10 ldh [x+16]          destination port
            (0x35, 0, 2, lo),        # 11 jge lo ? 12 : drop
            (0x25, 1, 0, hi),        # 12 jgt hi ? drop : accept
            (0x06, 0, 0, 0xffff),    # 13 accept
            (0x06, 0, 0, 0),         # 14 drop
        ]
        try:
            import ctypes
            code = ctypes.create_string_buffer(b"".join(struct.pack("HBBI", *i) for i in prog))
            fprog = struct.pack("HP", len(prog), ctypes.addressof(code))
            self.sock.setsockopt(socket.SOL_SOCKET, 26, fprog)  # SO_ATTACH_FILTER
            return code  # the kernel copied it; kept only for clarity
        except (OSError, ImportError):
            return None  # unfiltered: slower, same counts

    def run(self):
        while not self.stopping:
            ready, _, _ = select.select([self.sock], [], [], 0.2)
            if not ready:
                continue
            try:
                frame, addr = self.sock.recvfrom(65536)
            except OSError:
                return
            if addr[2] == self.PACKET_OUTGOING:
                continue
            ip = frame[14:]
            if len(ip) < 28 or ip[0] >> 4 != 4 or ip[9] != 17:
                continue
            ihl = (ip[0] & 15) * 4
            sport, dport, length = struct.unpack("!HHH", ip[ihl:ihl + 6])
            key = (socket.inet_ntoa(ip[12:16]), sport, socket.inet_ntoa(ip[16:20]), dport)
            with self.lock:
                self.counts[key] = self.counts.get(key, 0) + 1
                if self.keep and self.keep(sport, dport):
                    self.kept.setdefault((sport, dport), []).append(
                        bytes(ip[ihl + 8:ihl + length]))

    def count(self, src_port=None, dst_port=None, src_range=None):
        total = 0
        with self.lock:
            for (sip, sport, dip, dport), n in self.counts.items():
                if src_port is not None and sport != src_port:
                    continue
                if dst_port is not None and dport != dst_port:
                    continue
                if src_range is not None and not src_range[0] <= sport <= src_range[1]:
                    continue
                total += n
        return total

    def payloads(self, src_port, dst_port):
        """The UDP payloads seen from src_port to dst_port so far (flows `keep` accepted)."""
        with self.lock:
            return list(self.kept.get((src_port, dst_port), []))

    def flows(self, port_filter=None):
        with self.lock:
            items = sorted(self.counts.items())
        return [(k, n) for k, n in items if port_filter is None or port_filter(k)]

    def stop(self):
        self.stopping = True
        self.join(2)
        self.sock.close()


# --- processes -----------------------------------------------------------------------------


GUARD_CODE = r"""
import os, signal, sys
groups = set()
with os.fdopen(0, "rb") as pipe:  # lines "+PGID" / "-PGID" until the runner's end closes
    for line in pipe:
        line = line.strip()
        if line[:1] == b"+":
            groups.add(int(line[1:]))
        elif line[:1] == b"-":
            groups.discard(int(line[1:]))
for pgid in groups:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except OSError:
        pass
"""


class Guard:
    """A watchdog process that SIGKILLs every process group still registered when the test
    runner goes away, however it goes (Kamailio's children outlive their main process, and
    a killed runner cannot clean up). The runner unregisters groups it stopped itself."""

    _pipe = None

    @classmethod
    def register(cls, pgid):
        cls._send(b"+%d\n" % pgid)

    @classmethod
    def unregister(cls, pgid):
        cls._send(b"-%d\n" % pgid)

    @classmethod
    def _send(cls, line):
        if cls._pipe is None:
            guard = subprocess.Popen([sys.executable, "-c", GUARD_CODE], stdin=subprocess.PIPE,
                                     stdout=subprocess.DEVNULL, start_new_session=True)
            cls._pipe = guard.stdin
        try:
            cls._pipe.write(line)
            cls._pipe.flush()
        except (BrokenPipeError, ValueError):
            pass


def _die_with_parent():
    """In the child before exec: SIGKILL it when the test runner dies, even by SIGKILL."""
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class Proc:
    """A child process in its own session, output in `<dir>/<name>.out` / `.err`."""

    def __init__(self, name, argv, workdir, env=None):
        self.name = name
        self.argv = argv
        self.out_path = os.path.join(workdir, name + ".out")
        self.err_path = os.path.join(workdir, name + ".err")
        with open(self.out_path, "wb") as out, open(self.err_path, "wb") as err:
            out.write(("$ " + " ".join(shlex.quote(a) for a in argv) + "\n").encode())
            out.flush()
            self.popen = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out,
                                          stderr=err, cwd=workdir, env=env,
                                          start_new_session=True, preexec_fn=_die_with_parent)
        self.pid = self.popen.pid
        Guard.register(self.pid)
        # Processes that are one with this one for the test (a relay's rtprelay-ctl-proxy):
        # kill() takes them too.
        self.companions = []

    def running(self):
        return self.popen.poll() is None

    def wait(self, timeout):
        """Exit code, or None if still running after `timeout` seconds."""
        try:
            return self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def signal_group(self, sig):
        try:
            os.killpg(self.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass

    def stop(self, grace=5.0):
        """SIGTERM to the whole process group, SIGKILL after `grace` seconds; also kills any
        leftover of the group once the leader is gone."""
        if self.running():
            self.signal_group(signal.SIGTERM)
            if self.wait(grace) is None:
                self.signal_group(signal.SIGKILL)
                self.wait(5)
        self.signal_group(signal.SIGKILL)  # stragglers (Kamailio children, ...)
        if not group_alive(self.pid):
            Guard.unregister(self.pid)
        return self.popen.returncode

    def kill(self):
        self.signal_group(signal.SIGKILL)
        self.wait(5)
        for other in self.companions:
            other.kill()

    def output(self, tail=None):
        parts = []
        for path in (self.out_path, self.err_path):
            try:
                with open(path, "rb") as f:
                    text = f.read().decode(errors="replace")
            except OSError:
                continue
            lines = text.splitlines()
            if tail and len(lines) > tail:
                lines = ["... (%d lines before)" % (len(lines) - tail)] + lines[-tail:]
            parts.append("--- %s (%s) ---\n%s" % (os.path.basename(path), path, "\n".join(lines)))
        return "\n".join(parts)


def group_alive(pgid):
    """True while any process of the group is alive (zombies not counted)."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry) as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2:].split()
        if fields[0] != "Z" and int(fields[2]) == pgid:
            return True
    return False


def udp_port_bound(port, host="127.0.0.1"):
    """Whether an IPv4 UDP socket is bound to host:port (host None: any address)."""
    want = ":%04X" % port
    if host is not None:
        want = "".join("%02X" % b for b in reversed(socket.inet_aton(host))) + want
    try:
        with open("/proc/net/udp") as f:
            return any(line.split()[1].endswith(want) if host is None else
                       line.split()[1] == want for line in f.readlines()[1:])
    except OSError:
        return False


def wait_for(predicate, timeout, interval=0.05, what="condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError("timed out after %.1f s waiting for %s" % (timeout, what))
        time.sleep(interval)


def pcap_rtp(path=PCAP):
    """The RTP packets (UDP payloads) of a pcap file of Ethernet or raw IPv4 frames, as
    play_pcap_audio would send them."""
    with open(path, "rb") as f:
        data = f.read()
    magic = data[:4]
    order = {b"\xd4\xc3\xb2\xa1": "<", b"\xa1\xb2\xc3\xd4": ">"}.get(magic)
    if order is None:
        raise ValueError("%s: not a (microsecond) pcap file" % path)
    link = struct.unpack(order + "I", data[20:24])[0]
    packets, pos = [], 24
    while pos + 16 <= len(data):
        caplen = struct.unpack(order + "I", data[pos + 8:pos + 12])[0]
        frame = data[pos + 16:pos + 16 + caplen]
        pos += 16 + caplen
        ip = frame[14:] if link == 1 else frame
        if len(ip) < 28 or ip[0] >> 4 != 4 or ip[9] != 17:
            continue
        ihl = (ip[0] & 15) * 4
        length = struct.unpack("!H", ip[ihl + 4:ihl + 6])[0]
        packets.append(bytes(ip[ihl + 8:ihl + length]))
    return packets


# --- relays --------------------------------------------------------------------------------


def relay_kind():
    kind = os.environ.get("E2E_RELAY", "rtprelayd")
    if kind not in ("rtprelayd", "rtpengine"):
        raise SystemExit("E2E_RELAY must be rtprelayd or rtpengine, not %r" % kind)
    return kind


def relay_binary(kind):
    if kind == "rtpengine":
        return os.environ.get("RTPENGINE", "/usr/bin/rtpengine")
    path = os.environ.get("RTPRELAYD", "build/rtprelayd")
    return path if os.path.isabs(path) else os.path.join(ROOT, path)


def via_ctl_proxy():
    """E2E_VIA_CTL_PROXY=1: every relay sits behind its own rtprelay-ctl-proxy, which is
    what Kamailio and the tests talk ng to."""
    return os.environ.get("E2E_VIA_CTL_PROXY") == "1"


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ctl_proxy_argv(ng_port, node_port):
    """rtprelay-ctl-proxy from the relay's build folder on ng_port, one node on node_port."""
    binary = os.path.join(os.path.dirname(relay_binary("rtprelayd")), "rtprelay-ctl-proxy")
    return [binary, "--config-file=none", "--log-stderr", "--log-level=7",
            "--listen-ng=127.0.0.1:%d" % ng_port, "--node=relay/127.0.0.1:%d" % node_port]


def relay_argv(kind, ng_port, port_min, port_max):
    """The same rtpengine-style command line for both relays: userspace forwarding, one media
    interface on 127.0.0.1, ng on 127.0.0.1:ng_port, foreground, logs on stderr."""
    argv = [relay_binary(kind), "--config-file=none", "--table=-1", "--interface=127.0.0.1",
            "--listen-ng=127.0.0.1:%d" % ng_port, "--port-min=%d" % port_min,
            "--port-max=%d" % port_max, "--foreground", "--log-stderr",
            "--log-level=%d" % env_int("E2E_RELAY_LOG_LEVEL", 7),
            "--delete-delay=%d" % DELETE_DELAY, "--num-threads=2"]
    argv += shlex.split(os.environ.get("E2E_RELAY_ARGS", ""))
    return argv


# --- Kamailio ------------------------------------------------------------------------------


def kamailio_argv(rundir, sip_port, callee_port, sockets, extra_defines=()):
    cfg = os.environ.get("E2E_KAMAILIO_CFG", os.path.join(HERE, "kamailio.cfg"))
    argv = ["kamailio", "-f", cfg, "-DD", "-E", "-Y", rundir,
            "-P", os.path.join(rundir, "kamailio.pid"),
            "-A", "SIP_LISTEN=udp:127.0.0.1:%d" % sip_port,
            "-A", 'CALLEE_URI="sip:127.0.0.1:%d"' % callee_port,
            "-A", 'RTPENGINE_SOCK="%s"' % " ".join("udp:127.0.0.1:%d" % p for p in sockets),
            "-A", 'CTL_SOCK="unix:%s"' % ctl_socket(rundir)]
    for define in extra_defines:
        argv += ["-A", define]
    return argv


def ctl_socket(rundir):
    return os.path.join(rundir, "kamailio_ctl")


def kamcmd(rundir, *args, timeout=5):
    result = subprocess.run(["kamcmd", "-s", "unix:" + ctl_socket(rundir)] + list(args),
                            stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)
    return result.returncode, (result.stdout + result.stderr).decode(errors="replace")


def parse_rtpengine_show(text):
    """`kamcmd rtpengine.show all` output -> list of dicts (url, set, index, weight, disabled,
    recheck_ticks)."""
    nodes = []
    current = None
    for line in text.splitlines():
        m = re.match(r"\s*(\w+):\s*(.*?)\s*$", line)
        if not m:
            continue
        key, value = m.group(1), m.group(2)
        if key == "url":
            current = {"url": value}
            nodes.append(current)
        elif current is not None:
            current[key] = value
    return nodes


def sip_ping(port, timeout=0.3):
    """Sends a SIP OPTIONS to 127.0.0.1:port; True when any SIP response comes back."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        sock.bind(("127.0.0.1", 0))
        lport = sock.getsockname()[1]
        branch = "z9hG4bK-e2e-%d-%f" % (os.getpid(), time.time())
        msg = ("OPTIONS sip:127.0.0.1:%d SIP/2.0\r\n"
               "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=%s\r\n"
               "Max-Forwards: 70\r\n"
               "From: <sip:probe@127.0.0.1:%d>;tag=probe\r\n"
               "To: <sip:127.0.0.1:%d>\r\n"
               "Call-ID: probe-%s@127.0.0.1\r\n"
               "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"
               % (port, lport, branch, lport, port, branch)).encode()
        sock.sendto(msg, ("127.0.0.1", port))
        ready, _, _ = select.select([sock], [], [], timeout)
        if not ready:
            return False
        try:
            return sock.recv(65536).startswith(b"SIP/2.0 ")
        except ConnectionRefusedError:
            return False
    finally:
        sock.close()


# --- sipp ----------------------------------------------------------------------------------


def sipp_argv(role, name, workdir, sip_port, control_port, media_port, calls, extra=()):
    """sipp binds its SIP port, media_port and media_port + 2 on 127.0.0.1, and its UDP
    control port (-cp, default 8888) on all addresses."""
    scenario = os.path.join(HERE, "%s.xml" % role)
    argv = ["sipp", "-sf", scenario, "-i", "127.0.0.1", "-p", str(sip_port),
            "-cp", str(control_port),
            "-mi", "127.0.0.1", "-mp", str(media_port), "-m", str(calls), "-nostdin",
            "-trace_msg", "-message_file", os.path.join(workdir, "%s-messages.log" % name),
            "-trace_err", "-error_file", os.path.join(workdir, "%s-errors.log" % name),
            "-trace_logs", "-log_file", os.path.join(workdir, "%s-logs.log" % name),
            "-timeout", "60s", "-timeout_error"]
    return argv + list(extra)


def parse_sipp_messages(path):
    """sipp -trace_msg log -> list of (direction 'sent'|'received', message text)."""
    try:
        with open(path, "rb") as f:
            text = f.read().decode(errors="replace")
    except OSError:
        return []
    messages = []
    for chunk in re.split(r"^-{20,}.*$", text, flags=re.M):
        m = re.match(r"\s*UDP message (sent|received)[^\n]*\n\n?", chunk)
        if not m:
            continue
        messages.append((m.group(1), chunk[m.end():].strip("\n").replace("\r\n", "\n")))
    return messages


def sip_header(message, name):
    m = re.search(r"^%s\s*:\s*(.*)$" % re.escape(name), message, flags=re.M | re.I)
    return m.group(1).strip() if m else None


def sip_body(message):
    parts = re.split(r"\n\s*\n", message, maxsplit=1)
    return parts[1] if len(parts) > 1 else ""


def sdp_media(body):
    """(connection address, audio port) of an SDP body (session or media-level c=)."""
    addr = port = None
    for line in body.splitlines():
        line = line.strip()
        if line.startswith("c=IN IP4 ") or line.startswith("c=IN IP6 "):
            addr = line.split()[2]
        elif line.startswith("m=audio "):
            port = int(line.split()[1])
    return addr, port


def tag_of(header):
    m = re.search(r";\s*tag=([^;>\s]+)", header or "")
    return m.group(1) if m else None


def received_invites(path):
    """The INVITEs a sipp instance received, as dicts (call-id, from-tag, sdp address/port)."""
    invites = []
    for direction, msg in parse_sipp_messages(path):
        if direction == "received" and msg.startswith("INVITE "):
            addr, port = sdp_media(sip_body(msg))
            invites.append({"call_id": sip_header(msg, "Call-ID"),
                            "from_tag": tag_of(sip_header(msg, "From")),
                            "addr": addr, "port": port, "message": msg})
    return invites


def final_responses(path):
    """Status lines of the final responses to INVITE a sipp caller received."""
    return [msg.splitlines()[0] for direction, msg in parse_sipp_messages(path)
            if direction == "received" and msg.startswith("SIP/2.0 ")
            and not msg.startswith("SIP/2.0 1") and "INVITE" in (sip_header(msg, "CSeq") or "")]


def received_answers(path):
    """The 200s to INVITE a sipp caller received, as dicts like received_invites()."""
    answers = []
    for direction, msg in parse_sipp_messages(path):
        if direction == "received" and msg.startswith("SIP/2.0 200") and \
                "INVITE" in (sip_header(msg, "CSeq") or ""):
            addr, port = sdp_media(sip_body(msg))
            answers.append({"call_id": sip_header(msg, "Call-ID"),
                            "to_tag": tag_of(sip_header(msg, "To")),
                            "addr": addr, "port": port, "message": msg})
    return answers
