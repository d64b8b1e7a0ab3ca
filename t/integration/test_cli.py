"""The CLI on --listen-cli over its real TCP socket: every command with a call up (real
offer/answer and RTP) and after terminate, Debian's rtpengine-ctl itself against it, the
input limits and unknown commands. Python 3 standard library only."""

import json
import os
import re
import socket
import subprocess
import time
import unittest

import common
import daemon
import media
from media import Party
from test_calls import answer_msg, offer_msg

PORTS = ["--port-min=38600", "--port-max=38699"]
RTPENGINE_CTL = "/usr/bin/rtpengine-ctl"
# [A] 10 RTP packets of 172 bytes (12 header + 160 payload), B 7.
A_PACKETS, B_PACKETS, PACKET_BYTES = 10, 7, 172

PORT_LINE = re.compile(r"^-------- Port\s+127\.0\.0\.1:(\d+) <>\s+(\S+?)( \(RTCP\))?, SSRC (\w+), "
                       r"(\d+) p, (\d+) b, (\d+) e, (\d+) ts, (kernel|userspace)$", re.M)
SESSION_LINE = re.compile(r"^callid:\s+(\S+) \| deletionmark:\s+(\w+) \| created:\s+(\d+) \| "
                          r"proxy:\S* \| redis_keyspace:\d+ \| foreign:(\w+)$", re.M)


def free_tcp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cli_args(holder):
    """extra_args for Daemon: a fresh --listen-cli port per start attempt, kept in holder."""
    def args(_ng_port):
        holder["port"] = free_tcp_port()
        return PORTS + ["--delete-delay=0", "--listen-cli=127.0.0.1:%d" % holder["port"]]
    return args


def cli(port, line, timeout=5.0):
    """Sends one raw line as rtpengine-ctl does and reads until the server closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        try:
            s.sendall(line.encode() + b"\n")
        except (BrokenPipeError, ConnectionResetError):
            return ""
        return read_all(s).decode()


def read_all(s):
    out = b""
    while True:
        try:
            chunk = s.recv(65536)
        except ConnectionResetError:  # closed with our line unread: refused
            return out
        if not chunk:
            return out
        out += chunk


def field(text, name):
    """The value of a `list totals` line " name<padding>:value"."""
    m = re.search(r"^ %s\s*:(.*)$" % re.escape(name), text, re.M)
    if not m:
        raise AssertionError("no line %r in:\n%s" % (name, text))
    return m.group(1)


def find_key(tree, key):
    """Every value under `key` anywhere in a decoded JSON tree."""
    found = []
    if isinstance(tree, dict):
        for k, v in tree.items():
            if k == key:
                found.append(v)
            found.extend(find_key(v, key))
    elif isinstance(tree, list):
        for v in tree:
            found.extend(find_key(v, key))
    return found


class CliTestCase(common.DaemonTestCase):
    def setUp(self):
        self.holder = {}
        self.d = self.start_daemon(cli_args(self.holder))
        self.port = self.holder["port"]
        self.c = self.client(self.d)
        self.parties = []

    def tearDown(self):
        for p in self.parties:
            p.close()

    def cli(self, line):
        return cli(self.port, line)

    def call_with_media(self, cid):
        a, b = Party(), Party()
        self.parties += [a, b]
        r1 = self.c.request(offer_msg(cid, "A", a.sdp()))
        r2 = self.c.request(answer_msg(cid, "A", "B", b.sdp()))
        self.assertEqual((r1[b"result"], r2[b"result"]), (b"ok", b"ok"), (r1, r2))
        port_a = media.media_port(r2[b"sdp"].decode())
        port_b = media.media_port(r1[b"sdp"].decode())
        a.send(("127.0.0.1", port_a), count=A_PACKETS)
        b.send(("127.0.0.1", port_b), count=B_PACKETS)
        self.assertEqual(len(b.receive(want=A_PACKETS)), A_PACKETS)
        self.assertEqual(len(a.receive(want=B_PACKETS)), B_PACKETS)
        return a, b, port_a, port_b


class CommandsTest(CliTestCase):
    def test_sessions_totals_and_terminate(self):
        self.assertIn("Current sessions total: 0\n", self.cli("list numsessions"))
        self.assertEqual(self.cli("list sessions all"), "No sessions on this media relay.\n")
        a, b, port_a, port_b = self.call_with_media("cli-call-1")

        num = self.cli("list numsessions")
        self.assertIn("Current sessions own: 1\n", num)
        self.assertIn("Current sessions total: 1\n", num)
        self.assertIn("Current sessions ipv4 only media: 1\n", num)

        for which in ("all", "own"):
            lines = SESSION_LINE.findall(self.cli("list sessions " + which))
            self.assertEqual(len(lines), 1, which)
            self.assertEqual(lines[0][0], "cli-call-1")
            self.assertLessEqual(abs(int(lines[0][2]) - time.time()), 60)
        self.assertEqual(self.cli("list sessions foreign"),
                         "No foreign sessions on this media relay.\n")

        detail = self.cli("list sessions cli-call-1")
        self.assertIn("\ncallid: cli-call-1\n", detail)
        self.assertIn("--- Tag 'A', type: FROM_TAG", detail)
        self.assertIn("--- Tag 'B', type: TO_TAG", detail)
        self.assertIn("---     subscribed to 'B'", detail)
        self.assertIn("------ Media #1 (audio over RTP/AVP)", detail)
        ports = {int(m[0]): m for m in PORT_LINE.findall(detail)}
        self.assertEqual(len(ports), 4, detail)  # RTP and RTCP for each party
        rtp_a = ports[port_a]
        self.assertEqual(rtp_a[1], "127.0.0.1:%d" % a.port)
        self.assertEqual((rtp_a[2], rtp_a[3], rtp_a[4], rtp_a[5], rtp_a[6]),
                         ("", "1234", str(A_PACKETS), str(A_PACKETS * PACKET_BYTES), "0"))
        self.assertEqual(rtp_a[8], "userspace")
        rtp_b = ports[port_b]
        self.assertEqual((rtp_b[4], rtp_b[5]), (str(B_PACKETS), str(B_PACKETS * PACKET_BYTES)))
        self.assertEqual(ports[port_a + 1][2], " (RTCP)")

        # Both parties' RTP streams carried packets in userspace (counted once a second).
        deadline = time.monotonic() + 5
        while field(self.cli("list totals"), "Userspace-only media streams") != "2":
            self.assertLess(time.monotonic(), deadline, self.cli("list totals"))
            time.sleep(0.05)
        totals = self.cli("list totals")
        self.assertEqual(field(totals, "Total sessions"), "1")
        self.assertEqual(field(totals, "Total number of 1-way streams"), "0")
        # Counted when a call ends, as rtpengine counts it: none yet.
        self.assertEqual(field(totals, "Total managed sessions"), "0")
        self.assertEqual(field(totals, "Total relayed packets"), str(A_PACKETS + B_PACKETS))
        self.assertEqual(field(totals, "Forwarding"), "userspace")

        stats = json.loads(self.cli("list jsonstats"))
        self.assertEqual(find_key(stats, "sessionstotal"), [1], stats)
        self.assertNotIn("result", stats)

        self.assertEqual(self.cli("terminate cli-call-1"),
                         "\nCall Id (cli-call-1) successfully terminated by operator.\n\n")
        self.assertIn("Current sessions total: 0\n", self.cli("list numsessions"))
        self.assertEqual(self.cli("list sessions cli-call-1"),
                         "\nCall ID not found (cli-call-1).\n\n")
        self.assertEqual(self.cli("terminate cli-call-1"),
                         "\nCall Id not found (cli-call-1).\n\n")
        q = self.c.request({"command": "query", "call-id": "cli-call-1"})
        self.assertEqual(q[b"result"], b"error")
        totals = self.cli("list totals")
        self.assertEqual(field(totals, "Total sessions"), "0")
        self.assertEqual(field(totals, "Total forced terminated sessions"), "1")
        self.assertEqual(field(totals, "Total managed sessions"), "1")
        self.assertEqual(find_key(json.loads(self.cli("list jsonstats")), "sessionstotal"), [0])
        # The ports went back to the pool: the relay no longer forwards.
        a.send(("127.0.0.1", port_a), count=3)
        self.assertEqual(b.receive(timeout=0.3), [])

    def test_terminate_all(self):
        self.call_with_media("cli-all-1")
        self.call_with_media("cli-all-2")
        self.assertEqual(len(SESSION_LINE.findall(self.cli("list sessions all"))), 2)
        self.assertEqual(self.cli("terminate all"), "All calls terminated by operator.\n")
        self.assertEqual(self.cli("list sessions all"), "No sessions on this media relay.\n")
        self.assertEqual(field(self.cli("list totals"), "Total forced terminated sessions"),
                         "2")

    def test_interfaces_count_ports(self):
        out = self.cli("list interfaces")
        self.assertIn("Interface 'default' address '127.0.0.1' (IPv4)\n", out)
        self.assertIn(" Port range: 38600 - 38699\n", out)
        self.assertRegex(out, r" Ports used:\s+0 /\s+100 \(\s*0\.0%\)\n Ports free:\s+100\n")
        self.call_with_media("cli-ports")
        self.assertRegex(self.cli("list interfaces"),
                         r" Ports used:\s+4 /\s+100 \(\s*4\.0%\)\n Ports free:\s+96\n")
        self.cli("terminate all")
        # The call's media loop closes its sockets after the terminate answer: wait for it.
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and \
                not re.search(r" Ports used:\s+0 /", self.cli("list interfaces")):
            time.sleep(0.05)
        self.assertRegex(self.cli("list interfaces"), r" Ports used:\s+0 /\s+100")

    def test_limits_and_timeouts(self):
        self.assertEqual(self.cli("list maxsessions"),
                         "Maximum sessions configured on rtpengine: -1\n")
        self.assertEqual(self.cli("set maxsessions 5"), "Success setting maxsessions to 5\n")
        self.assertEqual(self.cli("get maxsessions"),
                         "Maximum sessions configured on rtpengine: 5\n")
        self.assertIn("Fail setting maxsessions", self.cli("set maxsessions -5"))
        self.assertIn("Fail setting maxsessions", self.cli("set maxsessions lots"))
        self.assertEqual(self.cli("set maxsessions -1"),
                         "Success setting maxsessions to -1; disable feature\n")
        self.assertRegex(self.cli("list maxopenfiles"),
                         r"^Maximum open-files configured on rtpengine: \d+; "
                         r"cat /proc/%d/limits\n$" % self.d.pid)
        self.assertEqual(self.cli("list timeout"), "TIMEOUT=60\n")
        self.assertEqual(self.cli("list silenttimeout"), "SILENT_TIMEOUT=3600\n")
        self.assertEqual(self.cli("list finaltimeout"), "FINAL_TIMEOUT=0\n")
        self.assertEqual(self.cli("list offertimeout"), "OFFER_TIMEOUT=3600\n")
        self.assertEqual(self.cli("list deletedelay"), "0\n")
        self.assertEqual(self.cli("list controltos"), "0\n")
        self.assertIn("Fail setting timeout", self.cli("set timeout soon"))
        self.assertIn("Fail setting timeout", self.cli("set timeout -3"))
        self.assertEqual(self.cli("list timeout"), "TIMEOUT=60\n")

        # A lower timeout ends a call that is already up and silent.
        self.call_with_media("cli-timeout")
        self.assertEqual(self.cli("set timeout 1"), "Success setting timeout to 1\n")
        self.assertEqual(self.cli("list timeout"), "TIMEOUT=1\n")
        deadline = time.monotonic() + 10
        while "Current sessions total: 1" in self.cli("list numsessions"):
            self.assertLess(time.monotonic(), deadline, "the call did not time out")
            time.sleep(0.1)
        self.assertEqual(field(self.cli("list totals"), "Total timed-out sessions via TIMEOUT"),
                         "1")

    def test_load_limits(self):
        self.assertEqual(self.cli("list maxload"),
                         "Maximum load average configured on rtpengine: 0.00\n")
        self.assertEqual(self.cli("list maxcpu"),
                         "Maximum CPU usage configured on rtpengine: 0.0\n")
        self.assertEqual(self.cli("list maxbw"), "Maximum bandwidth configured on rtpengine: 0\n")
        self.assertEqual(self.cli("set maxcpu 55.5"), "Success setting maxcpu to 55.5\n")
        self.assertEqual(self.cli("get maxcpu"),
                         "Maximum CPU usage configured on rtpengine: 55.5\n")
        self.assertEqual(self.cli("set maxbw 12345"), "Success setting maxbw to 12345\n")
        self.assertEqual(self.cli("list maxbw"),
                         "Maximum bandwidth configured on rtpengine: 12345\n")
        self.assertEqual(self.cli("set maxload"), "More parameters required.\n")
        for bad in ("set maxload lots", "set maxcpu -1", "set maxbw -1", "set maxbw 1e300",
                    "set maxcpu nan"):
            self.assertIn("Fail setting max", self.cli(bad), bad)
        self.assertEqual(self.cli("list maxbw"),
                         "Maximum bandwidth configured on rtpengine: 12345\n")
        self.assertEqual(self.cli("set maxcpu 0"), "Success setting maxcpu to 0.0\n")
        self.assertEqual(self.cli("set maxbw 0"), "Success setting maxbw to 0\n")

        # `set maxload` changes what admission enforces: a limit under the machine's load
        # average refuses new calls once the next sample sees it; 0 lifts it.
        def admission():
            return self.c.request({"command": "statistics"})[b"statistics"][b"rtprelay"][
                b"admission"]
        deadline = time.monotonic() + 5
        while float(admission()[b"load average"]) < 0.01:
            if time.monotonic() > deadline:
                self.skipTest("the machine's load average reads 0.00")
            time.sleep(0.1)
        self.assertEqual(self.cli("set maxload 0.01"), "Success setting maxload to 0.01\n")
        self.assertEqual(self.cli("list maxload"),
                         "Maximum load average configured on rtpengine: 0.01\n")
        a = Party()
        self.parties.append(a)
        r = self.c.request(offer_msg("cli-load", "A", a.sdp()))
        self.assertNotEqual(r[b"result"], b"ok", r)
        self.assertEqual(admission()[b"refused"][b"load"], 1)
        self.assertEqual(self.cli("set maxload 0"), "Success setting maxload to 0.00\n")
        r = self.c.request(offer_msg("cli-load", "A", a.sdp()))
        self.assertEqual(r[b"result"], b"ok", r)

    def test_loglevels(self):
        self.assertEqual([line.split(" - ")[0] for line in
                          self.cli("list loglevels").splitlines()], ["core", "control"])

    def test_loglevel(self):
        self.assertEqual(self.cli("get loglevel"), "core = 6\ncontrol = 6\n")
        self.assertEqual(self.cli("list loglevel control"), "6\n")
        self.assertEqual(self.cli("set loglevel 7"), "Success setting loglevel to 7\n")
        self.assertEqual(self.cli("get loglevel"), "core = 7\ncontrol = 7\n")
        self.assertEqual(self.cli("set loglevel core 5"), "Success setting loglevel to 5\n")
        self.assertEqual(self.cli("get loglevel"), "core = 5\ncontrol = 7\n")
        self.assertIn("Fail setting loglevel", self.cli("set loglevel 9"))
        self.assertIn("Subsystem not found", self.cli("set loglevel media 5"))
        self.assertEqual(self.cli("get loglevel"), "core = 5\ncontrol = 7\n")
        # The new level applies: control's debug lines (each CLI command) now reach the log.
        self.cli("list numsessions")
        self.assertIn("CLI command: list numsessions", self.d.stderr_text())

    def test_unknown_and_incomplete_commands(self):
        self.assertEqual(self.cli("bogus"), "Unknown or incomplete command::bogus\n")
        self.assertEqual(self.cli("list bogus"), "Unknown or incomplete command::list bogus\n")
        self.assertEqual(self.cli("LIST numsessions"),
                         "Unknown or incomplete command::LIST numsessions\n")
        for line in ("", "list sessions", "terminate", "set maxsessions", "set timeout"):
            self.assertEqual(self.cli(line), "More parameters required.\n", line)
        self.assertIn("Current sessions total:", self.cli("  list \t numsessions \r"))


class InputLimitsTest(CliTestCase):
    def test_long_line_is_refused(self):
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as s:
            s.sendall(b"list " + b"x" * 10000)
            self.assertEqual(read_all(s), b"Command too long (more than 4096 bytes).\n")
        self.assertStillServing(self.d)

    def test_line_without_newline_is_taken_at_end_of_input(self):
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as s:
            s.sendall(b"list timeout")
            s.shutdown(socket.SHUT_WR)
            self.assertEqual(read_all(s), b"TIMEOUT=60\n")

    def test_silent_clients_do_not_block_others_and_are_dropped(self):
        idle = [socket.create_connection(("127.0.0.1", self.port), timeout=15)
                for _ in range(10)]
        try:
            idle[0].sendall(b"list num")  # half a line
            self.assertEqual(self.cli("list timeout"), "TIMEOUT=60\n")
            for s in idle:
                self.assertEqual(read_all(s), b"")  # closed by the server's idle timeout
        finally:
            for s in idle:
                s.close()

    def test_connections_over_the_cap_are_closed(self):
        cap = 64
        held = [socket.create_connection(("127.0.0.1", self.port), timeout=5)
                for _ in range(cap)]
        try:
            # Accepted in order, the held ones fill the cap; the next is closed unanswered.
            self.assertEqual(cli(self.port, "list timeout"), "")
        finally:
            for s in held:
                s.close()
        # The server sees the closes on its next turns of the loop, not at once: a connection
        # made in between still finds the cap full. Served again once they are seen.
        deadline = time.monotonic() + 5
        while cli(self.port, "list timeout") == "" and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertEqual(self.cli("list timeout"), "TIMEOUT=60\n")
        self.assertIn("connections open; refused another", self.d.stderr_text())

    def test_client_leaving_early_is_harmless(self):
        self.call_with_media("cli-leave")
        for _ in range(20):
            with socket.create_connection(("127.0.0.1", self.port), timeout=5) as s:
                s.sendall(b"list sessions all\n")
        self.assertEqual(len(SESSION_LINE.findall(self.cli("list sessions all"))), 1)
        self.assertStillServing(self.d)


@unittest.skipUnless(os.access(RTPENGINE_CTL, os.X_OK), "rtpengine-utils not installed")
class RtpengineCtlTest(CliTestCase):
    """Debian's rtpengine-ctl (rtpengine-utils), unchanged, against our CLI port."""

    def ctl(self, *words):
        p = subprocess.run([RTPENGINE_CTL, "-ip", "127.0.0.1", "-port", str(self.port)] +
                           list(words), capture_output=True, text=True, timeout=20)
        self.assertEqual(p.returncode, 0, p)
        return p.stdout

    def test_every_command(self):
        a, b, port_a, _ = self.call_with_media("ctl-call")
        self.assertIn("Current sessions total: 1\n", self.ctl("list", "numsessions"))
        self.assertEqual(SESSION_LINE.findall(self.ctl("list", "sessions", "all"))[0][0],
                         "ctl-call")
        self.assertEqual(len(SESSION_LINE.findall(self.ctl("list", "sessions", "own"))), 1)
        self.assertIn("No foreign sessions", self.ctl("list", "sessions", "foreign"))
        ports = {int(m[0]): m for m in PORT_LINE.findall(self.ctl("list", "sessions",
                                                                  "ctl-call"))}
        self.assertEqual(ports[port_a][4], str(A_PACKETS))
        self.assertEqual(field(self.ctl("list", "totals"), "Total sessions"), "1")
        self.assertEqual(find_key(json.loads(self.ctl("list", "jsonstats")), "sessionstotal"),
                         [1])
        self.assertEqual(self.ctl("set", "maxsessions", "10"),
                         "Success setting maxsessions to 10\n")
        self.assertEqual(self.ctl("list", "maxsessions"),
                         "Maximum sessions configured on rtpengine: 10\n")
        self.assertIn("Maximum open-files configured on rtpengine:",
                      self.ctl("list", "maxopenfiles"))
        self.assertEqual(self.ctl("set", "timeout", "90"), "Success setting timeout to 90\n")
        self.assertEqual(self.ctl("list", "timeout"), "TIMEOUT=90\n")
        self.assertEqual(self.ctl("set", "maxload", "3.25"), "Success setting maxload to 3.25\n")
        self.assertEqual(self.ctl("list", "maxload"),
                         "Maximum load average configured on rtpengine: 3.25\n")
        self.assertEqual(self.ctl("set", "maxcpu", "80"), "Success setting maxcpu to 80.0\n")
        self.assertEqual(self.ctl("list", "maxcpu"),
                         "Maximum CPU usage configured on rtpengine: 80.0\n")
        self.assertEqual(self.ctl("set", "maxbw", "1000000"),
                         "Success setting maxbw to 1000000\n")
        self.assertEqual(self.ctl("list", "maxbw"),
                         "Maximum bandwidth configured on rtpengine: 1000000\n")
        self.assertRegex(self.ctl("list", "loglevels"), r"^core - .+\ncontrol - .+\n$")
        self.assertEqual(self.ctl("set", "loglevel", "5"), "Success setting loglevel to 5\n")
        self.assertEqual(self.ctl("get", "loglevel"), "core = 5\ncontrol = 5\n")
        self.assertIn("Ports used:     4 /   100", self.ctl("list", "interfaces"))
        self.assertEqual(self.ctl("list", "controltos"), "0\n")
        self.assertEqual(self.ctl("bogus"), "Unknown or incomplete command::bogus\n")
        self.assertIn("successfully terminated", self.ctl("terminate", "ctl-call"))
        self.assertIn("Current sessions total: 0\n", self.ctl("list", "numsessions"))
        self.assertEqual(self.ctl("terminate", "all"), "All calls terminated by operator.\n")


if __name__ == "__main__":
    unittest.main()
