#!/usr/bin/env python3
"""End-to-end tests: Kamailio (rtpengine module) + a relay + sipp caller/callee on loopback.

    python3 t/e2e/run.py [-q] [--transcript FILE] [--compare] [test name ...]

The relay under test is $E2E_RELAY: `rtprelayd` (default; binary $RTPRELAYD, default
build/rtprelayd) or `rtpengine` (Debian's rtpengine-daemon, the reference). Test names are
unittest names such as BasicCallTest, FailoverTest.test_failover or SrtpCallTest.

  --transcript FILE  write the ng requests and replies of the basic call (Kamailio's and the
                     test's own) to FILE as Markdown
  --compare          run the basic call against rtpengine and then rtprelayd and print, per
                     ng command, the reply keys rtpengine sends that rtprelayd does not

Other knobs: E2E_KEEP=1 keeps the temp dir; E2E_RELAY_ARGS adds relay options;
E2E_DELETE_DELAY (default 0) is passed as --delete-delay; E2E_RELAY_LOG_LEVEL (default 7);
E2E_SRTP_SUITE (default AES_CM_128_HMAC_SHA1_80) is the SRTP call's suite; E2E_VIA_CTL_PROXY=1
puts each relay behind its own rtprelay-ctl-proxy (from the relay's build folder), which
Kamailio and the tests then talk ng to; killing the relay kills its proxy too.
Needs root (sipp's play_pcap_audio and the media sniffer use raw sockets); packages:
t/e2e/install-deps.sh. The last line printed is `e2e: N passed, N failed`; the exit code is
non-zero when anything failed.
"""

import atexit
import difflib
import functools
import json
import os
import re
import shutil
import signal
import socket
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "integration"))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import harness as h  # noqa: E402
import media  # noqa: E402
import srtp  # noqa: E402  (libsrtp2 through ctypes, loaded at first use)

# Ports (see t/e2e/README.md): SIP 5070-5084, ng 2300-2399, relay media 31000-33999,
# sipp media (and the SRTP call's phone) 34000-35999.
BASIC = dict(sip=5070, uas=5072, uac=5073, uas_cp=5076, uac_cp=5077, ng=2301, ng_proxy=2351,
             media=(31000, 31999), uas_media=34100, uac_media=34000)
FAILOVER = dict(sip=5071, uas=5074, uac=5075, uas_cp=5078, uac_cp=5079, ng_a=2302, ng_b=2303,
                media_a=(32000, 32499), media_b=(32500, 32999),
                uas_media=34300, uac_media=34200)
SRTP_CALL = dict(sip=5080, uas=5081, uac=5082, uas_cp=5083, uac_cp=5084, ng=2304, ng_proxy=2352,
                 media=(33000, 33499), uas_media=34400, uac_media=34600, caller_rtp=34500)
FAILOVER_CALLS = 4
CALL_MS = 4000  # duration of the basic call (media plays all along)
FAILOVER_CALL_MS = 1500
SRTP_CALL_MS = 2000  # the SRTP call: its checks run while it is up (they take about 0.6 s)
SRTP_SUITE = os.environ.get("E2E_SRTP_SUITE", "AES_CM_128_HMAC_SHA1_80")
SRTP_TAG = 5  # the caller's a=crypto tag (not 1, so an answer that just says 1 shows)
SRTP_PACKETS = 40  # SRTP packets the caller sends, 10 ms apart
SRTP_FROM_CALLEE = 15  # SRTP packets of the callee's PCMA (one every 30 ms) the caller checks

STATE = {"relay": None, "run_dir": None, "keep": False, "recorded": {}, "live": []}


def fail_dump(fn):
    """On any failure of the test body, print every process's output and the ng transcript."""
    @functools.wraps(fn)
    def wrapper(self):
        try:
            fn(self)
        except BaseException:
            self.dump()
            raise
    return wrapper


class E2ECase(unittest.TestCase):
    relay = None  # set from STATE in setUp

    def setUp(self):
        self.relay = STATE["relay"]
        self.workdir = tempfile.mkdtemp(prefix=self.id().split(".")[-1] + "-",
                                        dir=STATE["run_dir"])
        self.procs = []
        self.exchanges = []  # ng exchanges of this test (recorder's and the test's own)
        self.recorders = []
        self.sniffer = None

    def tearDown(self):
        stray = []
        for proc in reversed(self.procs):
            proc.stop()
        for proc in self.procs:
            if h.group_alive(proc.pid):
                stray.append(proc.name)
                proc.kill()
            if proc in STATE["live"]:
                STATE["live"].remove(proc)
        for rec in self.recorders:
            rec.stop()
        if self.sniffer:
            self.sniffer.stop()
        self.assertEqual(stray, [], "processes left running after tear-down")

    # --- fixtures --------------------------------------------------------------------------

    def start(self, name, argv):
        proc = h.Proc(name, argv, self.workdir)
        self.procs.append(proc)
        STATE["live"].append(proc)
        return proc

    def start_relay(self, name, ng_port, media):
        binary = h.relay_binary(self.relay)
        if not os.access(binary, os.X_OK):
            self.fail("relay binary %s is not executable (E2E_RELAY=%s)" % (binary, self.relay))
        proxied = h.via_ctl_proxy()
        node_port = h.free_udp_port() if proxied else ng_port
        proc = self.start(name, h.relay_argv(self.relay, node_port, media[0], media[1]))
        self.wait_ng(proc, name, node_port)
        if proxied:
            front = self.start(name + "-ctl-proxy", h.ctl_proxy_argv(ng_port, node_port))
            proc.companions.append(front)
            # the proxy answers ping itself: wait until it has seen the node answer
            client = self.wait_ng(front, name + "-ctl-proxy", ng_port)
            h.wait_for(lambda: client.ok("statistics")["statistics"]["rtprelay-ctl-proxy"][
                "nodes"][0]["up"] == 1, 10, what="the proxy to see its node")
        proc.ng = h.NgClient(ng_port, log=self.exchanges, label="test -> %s" % name)
        proc.media = media
        return proc

    def wait_ng(self, proc, name, port):
        client = h.NgClient(port, log=self.exchanges, label="test -> %s" % name)
        deadline = time.monotonic() + 15
        while not client.alive():
            if not proc.running():
                self.fail("%s exited with %s at start-up" % (name, proc.popen.returncode))
            if time.monotonic() > deadline:
                self.fail("%s did not answer ng ping on %d within 15 s" % (name, port))
            time.sleep(0.1)
        return client

    def start_recorder(self, listen_port, relay_port):
        rec = h.NgRecorder(listen_port, relay_port)
        rec.start()
        self.recorders.append(rec)
        return rec

    def start_kamailio(self, name, sip_port, callee_port, sockets, defines=()):
        rundir = os.path.join(self.workdir, name + "-run")
        os.makedirs(rundir)
        proc = self.start(name, h.kamailio_argv(rundir, sip_port, callee_port, sockets,
                                                defines))
        proc.rundir = rundir
        deadline = time.monotonic() + 20
        while not h.sip_ping(sip_port):
            if not proc.running():
                self.fail("%s exited with %s at start-up" % (name, proc.popen.returncode))
            if time.monotonic() > deadline:
                self.fail("%s did not answer SIP on %d within 20 s" % (name, sip_port))
            time.sleep(0.1)
        return proc

    def start_sniffer(self, keep=None):
        self.sniffer = h.Sniffer(keep=keep)
        self.sniffer.start()
        return self.sniffer

    def start_uas(self, name, sip_port, control_port, media_port, calls):
        argv = h.sipp_argv("uas", name, self.workdir, sip_port, control_port, media_port, calls)
        proc = self.start(name, argv)
        proc.messages = os.path.join(self.workdir, name + "-messages.log")
        h.wait_for(lambda: h.udp_port_bound(sip_port) or not proc.running(), 10,
                   what="%s to bind 127.0.0.1:%d" % (name, sip_port))
        if not proc.running():
            self.fail("%s exited with %s at start-up" % (name, proc.popen.returncode))
        return proc

    def start_uac(self, name, sip_port, control_port, media_port, calls, proxy_port, call_ms,
                  cid, scenario="uac", keys=()):
        """keys: (keyword, value) pairs for sipp's -key, the scenario's [keyword]s."""
        extra = ["-d", str(call_ms), "-l", "1", "-s", "callee", "-cid_str", cid]
        for keyword, value in keys:
            extra += ["-key", keyword, str(value)]
        argv = h.sipp_argv(scenario, name, self.workdir, sip_port, control_port, media_port,
                           calls, extra + ["127.0.0.1:%d" % proxy_port])
        proc = self.start(name, argv)
        proc.messages = os.path.join(self.workdir, name + "-messages.log")
        return proc

    def wait_exit(self, proc, timeout, what):
        rc = proc.wait(timeout)
        if rc is None:
            self.fail("%s still running after %d s (%s)" % (proc.name, timeout, what))
        if rc != 0:
            got = ""
            if getattr(proc, "messages", None) and proc.name.startswith("uac"):
                got = "; final responses to INVITE: %r" % h.final_responses(proc.messages)
            self.fail("%s exited with %d (%s)%s" % (proc.name, rc, what, got))

    def wait_list_empty(self, relay):
        timeout = h.DELETE_DELAY + 5
        deadline = time.monotonic() + timeout
        while True:
            calls = relay.ng.ok("list").get("calls")
            if calls == []:
                return
            if time.monotonic() > deadline:
                self.fail("%s still lists calls %r %d s after the last BYE (delete-delay %d)"
                          % (relay.name, calls, timeout, h.DELETE_DELAY))
            time.sleep(0.2)

    # --- diagnostics -----------------------------------------------------------------------

    def all_exchanges(self):
        found = list(self.exchanges)
        for rec in self.recorders:
            found += rec.exchanges
        return sorted(found, key=lambda e: e.started)

    def dump(self):
        out = ["", "=" * 30 + " %s failed: output (dir %s) " % (self.id(), self.workdir)]
        for proc in self.procs:
            out.append(proc.output(tail=120))
            messages = getattr(proc, "messages", None)
            if messages and os.path.exists(messages):
                out.append("--- %s SIP messages (%s): see file" % (proc.name, messages))
        out.append("--- ng exchanges ---")
        for ex in self.all_exchanges():
            out.append("%s %s" % (ex.who, ex.request[:600].decode(errors="replace")))
            out.append("    -> %s" % (ex.reply[:600].decode(errors="replace")
                                      if ex.reply else "(no reply)"))
        if self.sniffer:
            out.append("--- UDP flows on lo (src -> dst: packets) ---")
            for (sip, sport, dip, dport), n in self.sniffer.flows():
                out.append("%s:%d -> %s:%d: %d" % (sip, sport, dip, dport, n))
        STATE["keep"] = True
        print("\n".join(out), flush=True)


def rtp_packets(query, tag):
    """Packets the relay received on the RTP streams of monologue `tag`, read from rtpengine's
    query reply shape: tags -> TAG -> medias[] -> streams[] -> stats -> packets (RTP streams are
    those flagged "RTP"; without flags the first stream of a media)."""
    mono = (query.get("tags") or {}).get(tag)
    if not isinstance(mono, dict):
        return None
    total = 0
    for media in mono.get("medias") or []:
        streams = media.get("streams") or []
        rtp = [s for s in streams if "RTP" in (s.get("flags") or [])] or streams[:1]
        for stream in rtp:
            total += int(((stream.get("stats") or {}).get("packets")) or 0)
    return total


class BasicCallTest(E2ECase):
    """One call through Kamailio and one relay, media both ways, checked over ng and on the
    wire."""

    @fail_dump
    def test_basic_call(self):
        p = BASIC
        relay = self.start_relay("relay", p["ng"], p["media"])
        self.start_recorder(p["ng_proxy"], p["ng"])  # Kamailio -> recorder -> relay
        kam_proc = self.start_kamailio("kamailio", p["sip"], p["uas"], [p["ng_proxy"]])
        sniffer = self.start_sniffer()
        uas = self.start_uas("uas", p["uas"], p["uas_cp"], p["uas_media"], 1)
        uac = self.start_uac("uac", p["uac"], p["uac_cp"], p["uac_media"], 1, p["sip"], CALL_MS,
                             "e2e-basic-%u-%p@127.0.0.1")

        # the call is up once the caller got its 200
        answers = h.wait_for(lambda: h.received_answers(uac.messages) or
                             (not uac.running() and ["exited"]), 15, what="the 200 at the caller")
        if answers == ["exited"]:
            self.fail("the caller exited (rc %s) before the call was answered; it got %r"
                      % (uac.popen.returncode, h.final_responses(uac.messages)))
        answer = answers[0]
        invites = h.received_invites(uas.messages)
        self.assertEqual(len({i["call_id"] for i in invites}), 1, "callee got one INVITE")
        invite = invites[0]
        call_id, from_tag, to_tag = invite["call_id"], invite["from_tag"], answer["to_tag"]

        # SDP seen by each side points at the relay, not at the other side
        lo, hi = p["media"]
        self.assertEqual(invite["addr"], "127.0.0.1", invite["message"])
        self.assertTrue(lo <= invite["port"] <= hi,
                        "callee's offer m= port %s not in relay range %d-%d"
                        % (invite["port"], lo, hi))
        self.assertNotEqual(invite["port"], p["uac_media"], "callee sees the caller's port")
        self.assertEqual(answer["addr"], "127.0.0.1", answer["message"])
        self.assertTrue(lo <= answer["port"] <= hi,
                        "caller's answer m= port %s not in relay range %d-%d"
                        % (answer["port"], lo, hi))
        self.assertNotEqual(answer["port"], invite["port"])

        # while the call is up: the relay lists it and counts RTP from both sides
        self.assertIn(call_id, relay.ng.ok("list").get("calls") or [])
        state = {}

        def flowing():
            q = relay.ng.ok("query", call_id=call_id, from_tag=from_tag)
            state["query"] = q
            caller, callee = rtp_packets(q, from_tag), rtp_packets(q, to_tag)
            total = (((q.get("totals") or {}).get("RTP") or {}).get("packets")) or 0
            state["counts"] = (caller, callee, total)
            return caller and callee and total and caller > 10 and callee > 10
        try:
            h.wait_for(flowing, CALL_MS / 1000.0 - 0.5, interval=0.2,
                       what="RTP counted both ways in the relay's query")
        except AssertionError as e:
            self.fail("%s: packets (caller tag, callee tag, totals.RTP) = %r; query reply %s"
                      % (e, state.get("counts"), json.dumps(state.get("query"))[:3000]))

        print("\n    relay counted RTP packets: from caller %d, from callee %d, totals %d"
              % state["counts"], flush=True)

        # on the wire: caller <-> relay <-> callee, symmetric ports, no bypass
        caller_port, callee_port = p["uac_media"], p["uas_media"]
        self.assertGreater(sniffer.count(dst_port=answer["port"]), 0, "caller -> relay")
        self.assertGreater(sniffer.count(dst_port=invite["port"]), 0, "callee -> relay")
        self.assertGreater(sniffer.count(src_port=answer["port"], dst_port=caller_port), 0,
                           "relay -> caller, from the port the caller was given")
        self.assertGreater(sniffer.count(src_port=invite["port"], dst_port=callee_port), 0,
                           "relay -> callee, from the port the callee was given")
        self.assertEqual(sniffer.count(src_port=caller_port, dst_port=callee_port), 0)
        self.assertEqual(sniffer.count(src_port=callee_port, dst_port=caller_port), 0)

        # BYE ends the call on both sides and on the relay
        self.wait_exit(uac, 30, "caller: 1 call, INVITE/200/ACK/BYE/200")
        self.wait_exit(uas, 10, "callee: 1 call")
        self.wait_list_empty(relay)

        # Kamailio's mos_* AVPs got real values from the delete reply's SSRC block. Only for
        # rtprelayd: rtpengine computes MOS from RTCP reports, which sipp does not send.
        if self.relay == "rtprelayd":
            with open(kam_proc.err_path, errors="replace") as f:
                mos = re.findall(r"e2e: MOS avg=([0-9.]+) min=([0-9.]+) max=([0-9.]+)", f.read())
            self.assertTrue(mos, "Kamailio's mos_* AVPs were not filled at BYE")
            self.assertGreaterEqual(float(mos[-1][0]), 1.0, mos)

        # what Kamailio's rtpengine module asked, and that every answer was ok
        kam = [e for e in self.all_exchanges() if e.who == "kamailio"]
        commands = [e.command for e in kam if e.command != "ping"]
        for wanted in ("offer", "answer", "delete"):
            self.assertIn(wanted, commands, "Kamailio sent %r" % commands)
        for ex in kam:
            self.assertIsNotNone(ex.reply, "no reply to %s" % ex.request[:200])
            req, rep = ex.decoded()
            self.assertIn(rep.get("result"), ("ok", "pong"), "%s -> %r" % (req, rep))
            if req.get("command") in ("offer", "answer"):
                self.assertIn("sdp", rep)

    def tearDown(self):
        try:
            super().tearDown()
        finally:  # for --transcript and --compare, whatever happened
            STATE["recorded"][self.relay] = self.all_exchanges()


class FailoverTest(E2ECase):
    """Two relays in one Kamailio set; one is SIGKILLed; new calls all land on the other and
    Kamailio marks the dead one disabled."""

    def show(self, kam):
        rc, text = h.kamcmd(kam.rundir, "rtpengine.show", "all")
        self.assertEqual(rc, 0, "kamcmd rtpengine.show all: %s" % text)
        nodes = {n["url"]: n for n in h.parse_rtpengine_show(text)}
        self.assertTrue(nodes, "no nodes in kamcmd output: %s" % text)
        return nodes, text

    @fail_dump
    def test_failover(self):
        p = FAILOVER
        relays = {"relay-a": self.start_relay("relay-a", p["ng_a"], p["media_a"]),
                  "relay-b": self.start_relay("relay-b", p["ng_b"], p["media_b"])}
        url = {name: "udp:127.0.0.1:%d" % r.ng.address[1] for name, r in relays.items()}
        kam = self.start_kamailio("kamailio", p["sip"], p["uas"], [p["ng_a"], p["ng_b"]])

        nodes, text = self.show(kam)
        for name in relays:
            self.assertEqual(nodes[url[name]].get("disabled"), "0", text)

        def landed(invite):
            for name, r in relays.items():
                if r.media[0] <= (invite["port"] or 0) <= r.media[1]:
                    return name
            return None

        # a probe call shows which relay the module picks for call-id CID-1 ...
        cid = "e2e-fo-%s-%%u@127.0.0.1" % os.urandom(4).hex()
        uas = self.start_uas("uas-probe", p["uas"], p["uas_cp"], p["uas_media"], 1)
        uac = self.start_uac("uac-probe", p["uac"], p["uac_cp"], p["uac_media"], 1, p["sip"],
                             500, cid)
        self.wait_exit(uac, 30, "probe call")
        self.wait_exit(uas, 10, "probe call")
        probe = h.received_invites(uas.messages)
        self.assertTrue(probe and landed(probe[0]), "probe INVITE not via a relay: %r"
                        % [(i["addr"], i["port"]) for i in probe])
        victim = landed(probe[0])
        survivor = "relay-b" if victim == "relay-a" else "relay-a"
        self.wait_list_empty(relays[victim])

        # ... so the first new call (same call-id hash) must hit the dead relay and fail over
        relays[victim].kill()
        self.assertFalse(relays[victim].running())

        uas = self.start_uas("uas", p["uas"], p["uas_cp"], p["uas_media"], FAILOVER_CALLS)
        uac = self.start_uac("uac", p["uac"], p["uac_cp"], p["uac_media"], FAILOVER_CALLS,
                             p["sip"], FAILOVER_CALL_MS, cid)
        seen = set()
        deadline = time.monotonic() + 60
        while uac.running() and time.monotonic() < deadline:
            try:
                seen.update(relays[survivor].ng.ok("list").get("calls") or [])
            except h.NgError:
                pass
            time.sleep(0.15)
        self.wait_exit(uac, 5, "%d calls after %s was killed" % (FAILOVER_CALLS, victim))
        self.wait_exit(uas, 10, "%d calls" % FAILOVER_CALLS)

        invites = h.received_invites(uas.messages)
        call_ids = sorted({i["call_id"] for i in invites})
        self.assertEqual(len(call_ids), FAILOVER_CALLS, call_ids)
        for invite in invites:
            self.assertEqual(landed(invite), survivor,
                             "call %s: callee's SDP %s:%s is not %s's (%d-%d)"
                             % (invite["call_id"], invite["addr"], invite["port"], survivor,
                                *relays[survivor].media))
        missing = [c for c in call_ids if c not in seen]
        self.assertEqual(missing, [], "calls never listed by %s (saw %r)" % (survivor, seen))
        self.wait_list_empty(relays[survivor])

        nodes, text = self.show(kam)
        self.assertEqual(nodes[url[victim]].get("disabled"), "1",
                         "Kamailio did not mark the dead %s disabled:\n%s" % (victim, text))
        self.assertEqual(nodes[url[survivor]].get("disabled"), "0", text)
        with open(kam.err_path, errors="replace") as f:
            log = [line.strip() for line in f if url[victim] in line and "ERROR" in line]
        self.assertTrue(log, "Kamailio logged no error about the dead %s" % url[victim])
        print("\n    failover: killed %s (%s), %d calls all on %s; Kamailio logged:\n      %s"
              "\n    kamcmd rtpengine.show all:\n      %s"
              % (victim, url[victim], FAILOVER_CALLS, survivor, "\n      ".join(log[:3]),
                 "\n      ".join(text.strip().splitlines())), flush=True)


class FixedParty(media.Party):
    """A media.Party on a given port (RTP) and the next one (RTCP): the caller's SDP is
    written by sipp from the command line, so the phone's port is fixed beforehand."""

    def __init__(self, port, host="127.0.0.1"):  # pylint: disable=super-init-not-called
        self.host, self.port = host, port
        self.rtp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.rtcp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            self.rtp.bind((host, port))
            self.rtcp.bind((host, port + 1))
        except OSError:
            self.close()
            raise


def streams_of(query, tag):
    """The RTP streams (flag "RTP") of monologue `tag` in a query reply, with their media."""
    mono = (query.get("tags") or {}).get(tag) or {}
    return [(media_, stream) for media_ in mono.get("medias") or []
            for stream in media_.get("streams") or [] if "RTP" in (stream.get("flags") or [])]


class SrtpCallTest(E2ECase):
    """An SDES-SRTP caller and a plain callee through Kamailio, whose offer asks the relay for
    plain RTP towards the callee (rtpengine_manage("RTP/AVP")). sipp does the SIP on both
    sides and the callee's media; the caller's media is the test's libsrtp2 phone
    (t/integration/srtp.py) on the port the caller's INVITE names, keyed with the key the
    INVITE offers and the one the relay answered."""

    @fail_dump
    def test_srtp_caller_plain_callee(self):
        p = SRTP_CALL
        lo, hi = p["media"]
        caller_port, callee_port = p["caller_rtp"], p["uas_media"]
        relay = self.start_relay("relay", p["ng"], p["media"])
        self.start_recorder(p["ng_proxy"], p["ng"])  # Kamailio -> recorder -> relay
        self.start_kamailio("kamailio", p["sip"], p["uas"], [p["ng_proxy"]],
                            ['OFFER_FLAGS="RTP/AVP"'])
        sniffer = self.start_sniffer(keep=lambda src, dst: dst == callee_port and
                                     lo <= src <= hi)
        phone = srtp.SrtpParty(SRTP_SUITE, tag=SRTP_TAG, party=FixedParty(caller_port))
        self.addCleanup(phone.close)
        offered = srtp.crypto_line(SRTP_TAG, SRTP_SUITE, phone.key)
        uas = self.start_uas("uas", p["uas"], p["uas_cp"], callee_port, 1)
        uac = self.start_uac("uac", p["uac"], p["uac_cp"], p["uac_media"], 1, p["sip"],
                             SRTP_CALL_MS, "e2e-srtp-%u-%p@127.0.0.1", scenario="uac-srtp",
                             keys=[("srtp_port", caller_port), ("crypto", offered)])

        answers = h.wait_for(lambda: h.received_answers(uac.messages) or
                             (not uac.running() and ["exited"]), 15, what="the 200 at the caller")
        if answers == ["exited"]:
            self.fail("the caller exited (rc %s) before the call was answered; it got %r"
                      % (uac.popen.returncode, h.final_responses(uac.messages)))
        answered = time.monotonic()
        answer, answer_sdp = answers[0], h.sip_body(answers[0]["message"])
        sent = [m for d, m in h.parse_sipp_messages(uac.messages)
                if d == "sent" and m.startswith("INVITE ")]
        self.assertIn("a=crypto:" + offered, sent[0], "sipp did not offer the phone's key")
        invites = h.received_invites(uas.messages)
        self.assertEqual(len({i["call_id"] for i in invites}), 1, "callee got one INVITE")
        invite, invite_sdp = invites[0], h.sip_body(invites[0]["message"])
        call_id, from_tag, to_tag = invite["call_id"], invite["from_tag"], answer["to_tag"]

        # the callee was offered plain RTP, at the relay
        self.assertEqual(srtp.media_proto(invite_sdp), "RTP/AVP", invite_sdp)
        self.assertEqual(srtp.all_crypto(invite_sdp), [], "a=crypto towards the plain callee")
        self.assertEqual(invite["addr"], "127.0.0.1", invite_sdp)
        self.assertTrue(lo <= invite["port"] <= hi, "callee's m= port %s not in %d-%d"
                        % (invite["port"], lo, hi))
        # the caller got SRTP: one a=crypto, its own tag and suite, the relay's key
        self.assertEqual(srtp.media_proto(answer_sdp), "RTP/SAVP", answer_sdp)
        lines = srtp.all_crypto(answer_sdp)
        self.assertEqual(len(lines), 1, "one a=crypto in the answer:\n" + answer_sdp)
        self.assertEqual(lines[0].tag, SRTP_TAG, answer_sdp)
        self.assertEqual(lines[0].suite.upper(), SRTP_SUITE.upper(), answer_sdp)
        self.assertNotEqual(lines[0].key_salt, phone.key, "the relay must send with its key")
        self.assertEqual(answer["addr"], "127.0.0.1", answer_sdp)
        self.assertTrue(lo <= answer["port"] <= hi, "caller's m= port %s not in %d-%d"
                        % (answer["port"], lo, hi))
        phone.accept(answer_sdp)
        to_relay = (answer["addr"], answer["port"])

        # caller -> relay as SRTP, relay -> callee the same packets as plain RTP
        sent = phone.send(to_relay, count=SRTP_PACKETS, start=65500, ssrc=0x5EC0CA11, pt=8,
                          interval=0.01)
        def leg():
            return sniffer.payloads(invite["port"], callee_port)
        h.wait_for(lambda: len(leg()) >= len(sent), 3, what="%d plain packets at the callee"
                   % len(sent))
        time.sleep(0.05)  # nothing more may come
        self.assertEqual(sorted(x.hex() for x in leg()), sorted(x.hex() for x in sent),
                         "relay -> callee: not the caller's packets, decrypted")

        # relay -> caller: the callee's PCMA (g711a.pcap) as SRTP under the relay's key
        pcap = {rtp[12:] for rtp in h.pcap_rtp()}
        tag_len = srtp.SUITES[srtp.suite_name(SRTP_SUITE)][2]
        got = phone.party.receive(timeout=3.0, want=SRTP_FROM_CALLEE)
        self.assertEqual(len(got), SRTP_FROM_CALLEE, "packets from the relay at the caller")
        for n, (data, source) in enumerate(got):
            self.assertEqual(source, to_relay, "packet %d not from the caller's relay port" % n)
            try:
                plain = phone.rx.unprotect(data)
            except srtp.SrtpError as e:
                self.fail("relay -> caller packet %d (%d bytes) does not decrypt with the "
                          "answer's key: %s" % (n, len(data), e))
            self.assertEqual(len(data), len(plain) + tag_len, "packet %d" % n)
            self.assertEqual(plain[1] & 0x7F, 8, "packet %d: not PCMA" % n)
            self.assertIn(plain[12:], pcap, "packet %d: not the callee's audio" % n)
            self.assertNotEqual(data[12:len(plain)], plain[12:], "packet %d in the clear" % n)

        # the relay's view: the caller's streams are SRTP, the callee's plain
        q = relay.ng.ok("query", call_id=call_id, from_tag=from_tag)
        caller, callee = streams_of(q, from_tag), streams_of(q, to_tag)
        self.assertTrue(caller and callee, "query: no RTP streams for %s / %s: %s"
                        % (from_tag, to_tag, json.dumps(q)[:3000]))
        for media_, stream in caller:
            self.assertEqual(media_.get("protocol"), "RTP/SAVP", media_)
            self.assertEqual(stream.get("crypto suite"), srtp.suite_name(SRTP_SUITE), stream)
        for media_, stream in callee:
            self.assertEqual(media_.get("protocol"), "RTP/AVP", media_)
            self.assertNotIn("crypto suite", stream)
        self.assertGreaterEqual(rtp_packets(q, from_tag), len(sent), "SRTP counted from caller")
        self.assertTrue(uac.running(), "the call ended before its checks were done "
                        "(SRTP_CALL_MS %d too short?)" % SRTP_CALL_MS)
        print("\n    %s tag %d: caller -> callee %d packets, callee -> caller %d checked; "
              "query: caller crypto suite %s; checks done %.2f s after the 200 (call %d ms)"
              % (SRTP_SUITE, SRTP_TAG, len(sent), len(got), caller[0][1].get("crypto suite"),
                 time.monotonic() - answered, SRTP_CALL_MS), flush=True)

        # BYE: the call is gone
        self.wait_exit(uac, 30, "SRTP caller: 1 call, INVITE/200/ACK/BYE/200")
        self.wait_exit(uas, 10, "callee: 1 call")
        self.wait_list_empty(relay)

        # Kamailio's offer asked for plain RTP towards the callee; every answer was ok
        kam = [e.decoded() for e in self.all_exchanges() if e.who == "kamailio"]
        offers = [req for req, rep in kam if req.get("command") == "offer"]
        self.assertEqual(len(offers), 1, [req.get("command") for req, rep in kam])
        self.assertEqual(offers[0].get("transport-protocol"), "RTP/AVP", offers[0])
        commands = [req.get("command") for req, rep in kam]
        for wanted in ("answer", "delete"):
            self.assertIn(wanted, commands)
        for req, rep in kam:
            self.assertIn((rep or {}).get("result"), ("ok", "pong"), "%s -> %r" % (req, rep))


# --- transcript and comparison -----------------------------------------------------------


def pretty(data):
    if data is None:
        return "(no reply)"
    cookie, body = h.split_datagram(data)
    return json.dumps(h.decode_body(body), indent=2, ensure_ascii=False)


def raw(data):
    """A datagram on one line: CR and LF (inside SDP) shown as \\r and \\n."""
    return data.decode(errors="replace").replace("\r", "\\r").replace("\n", "\\n")


def write_transcript(path, exchanges, relay):
    lines = ["# ng transcript: one call through Kamailio and %s" % relay, "",
             "Recorded by `t/e2e/run.py --transcript` (basic call test): every ng datagram "
             "Kamailio's rtpengine module sent (through the test's recording proxy) and "
             "those the test sent itself (`query`, `list`; of each run of polls the last), each "
             "with the relay's reply, raw (bencode on one line, CR LF shown as `\\r\\n`) "
             "and decoded.", ""]
    kept = []
    for ex in exchanges:  # of a run of polls (query, list), the last one
        if kept and ex.command in ("query", "list") and kept[-1].command == ex.command \
                and kept[-1].who == ex.who:
            kept[-1] = ex
        else:
            kept.append(ex)
    for n, ex in enumerate(kept, 1):
        req, _ = ex.decoded()
        lines += ["## %d. `%s` (%s)" % (n, req.get("command"), ex.who), "",
                  "Request:", "", "```", raw(ex.request), "```", "",
                  "```json", pretty(ex.request), "```", "",
                  "Reply:", "", "```", raw(ex.reply) if ex.reply else "(none)", "```", "",
                  "```json", pretty(ex.reply), "```", ""]
    with open(path, "w") as f:
        f.write("\n".join(lines))


def shape(value, prefix=""):
    """Key paths of a decoded ng value: dict keys by name, lists as [], call-specific keys
    (tags, SSRCs) as *."""
    paths = set()
    if isinstance(value, dict):
        for key, item in value.items():
            name = key
            if prefix in ("tags", "SSRC"):
                name = "*"
            path = "%s.%s" % (prefix, name) if prefix else name
            paths.add(path)
            paths |= shape(item, path)
    elif isinstance(value, list):
        for item in value:
            paths |= shape(item, prefix + "[]")
    return paths


def compare(recorded):
    base, other = recorded.get("rtpengine"), recorded.get("rtprelayd")
    if not base or not other:
        print("compare: missing a run (rtpengine %s, rtprelayd %s)"
              % (bool(base), bool(other)))
        return
    def by_command(exchanges):
        out = {}
        for ex in exchanges:
            req, rep = ex.decoded()
            out.setdefault(req.get("command"), [set(), set()])
            out[req["command"]][0] |= shape(req)
            out[req["command"]][1] |= shape(rep) if rep else {"(no reply)"}
        return out
    a, b = by_command(base), by_command(other)
    print("compare: SDP in offer/answer replies, ports as PORT (- rtpengine, + rtprelayd)")
    for command in ("offer", "answer"):
        sdps = []
        for exchanges in (base, other):
            found = [ex.decoded()[1] for ex in exchanges if ex.command == command and ex.reply]
            sdp = (found[0] or {}).get("sdp", "") if found else ""
            sdps.append([re.sub(r"^(m=\w+ |a=rtcp:)\d+", r"\1PORT", line)
                         for line in sdp.splitlines()])
        diff = list(difflib.unified_diff(sdps[0], sdps[1], lineterm="", n=0))[2:]
        print("  %s: %s" % (command, "same" if not diff else ""))
        for line in diff:
            if not line.startswith("@@"):
                print("      " + line)
    print("compare: ng reply keys, rtpengine vs rtprelayd")
    for command in sorted(set(a) | set(b)):
        if command not in b:
            print("  %s: rtprelayd never got it" % command)
            continue
        if command not in a:
            print("  %s: only rtprelayd got it" % command)
            continue
        missing = sorted(a[command][1] - b[command][1])
        extra = sorted(b[command][1] - a[command][1])
        print("  %s: %d missing, %d extra" % (command, len(missing), len(extra)))
        for path in missing:
            print("      - %s" % path)
        for path in extra:
            print("      + %s" % path)


# --- main ----------------------------------------------------------------------------------


def cleanup_all():
    for proc in list(STATE["live"]):
        proc.stop(grace=2)
    STATE["live"].clear()


def preflight(kind):
    problems = []
    if os.geteuid() != 0:
        problems.append("must run as root (sipp play_pcap_audio and the sniffer use raw "
                        "sockets)")
    for tool in ("kamailio", "kamcmd", "sipp"):
        if not shutil.which(tool):
            problems.append("%s not found (run t/e2e/install-deps.sh)" % tool)
    if not os.path.exists(h.PCAP):
        problems.append("%s missing (package sip-tester)" % h.PCAP)
    binary = h.relay_binary(kind)
    if not os.access(binary, os.X_OK):
        problems.append("relay binary %s not executable (E2E_RELAY=%s)" % (binary, kind))
    ports = [v for p in (BASIC, FAILOVER, SRTP_CALL) for k, v in p.items()
             if isinstance(v, int) and not k.endswith("media")]
    busy = [port for port in ports if h.udp_port_bound(port, host=None)]
    if busy:
        problems.append("UDP ports %s on 127.0.0.1 are taken (a stray kamailio, sipp or "
                        "relay from an earlier run?)" % busy)
    return problems


def run_suite(kind, names, verbosity):
    STATE["relay"] = kind
    print("e2e: relay %s (%s)" % (kind, h.relay_binary(kind)), flush=True)
    problems = preflight(kind)
    if problems:
        for p in problems:
            print("e2e: " + p)
        return 0, 1
    loader = unittest.TestLoader()
    module = sys.modules[__name__]
    if names:
        suite = loader.loadTestsFromNames(names, module)
    else:
        suite = loader.loadTestsFromTestCase(BasicCallTest)
        suite.addTests(loader.loadTestsFromTestCase(FailoverTest))
        suite.addTests(loader.loadTestsFromTestCase(SrtpCallTest))
    result = unittest.TextTestRunner(stream=sys.stdout, verbosity=verbosity).run(suite)
    bad = {}
    for test, _ in result.failures + result.errors:
        owner = getattr(test, "test_case", test)
        bad[owner.id()] = isinstance(owner, unittest.TestCase)
    failed = len(bad) + len(result.unexpectedSuccesses)
    passed = max(0, result.testsRun - sum(bad.values()) - len(result.skipped)
                 - len(result.unexpectedSuccesses))
    if result.testsRun == 0:
        failed = max(failed, 1)
    return passed, failed


def main(argv):
    verbosity, names, transcript, do_compare = 2, [], None, False
    args = list(argv)
    while args:
        arg = args.pop(0)
        if arg in ("-q", "--quiet"):
            verbosity = 1
        elif arg in ("-h", "--help"):
            print(__doc__.strip())
            return 0
        elif arg == "--transcript":
            transcript = os.path.abspath(args.pop(0))
        elif arg == "--compare":
            do_compare = True
        else:
            names.append(arg)

    def on_signal(signum, frame):
        raise KeyboardInterrupt("signal %d" % signum)
    signal.signal(signal.SIGTERM, on_signal)
    atexit.register(cleanup_all)

    os.chdir(h.ROOT)
    STATE["run_dir"] = tempfile.mkdtemp(prefix="rtprelay-e2e-")
    STATE["keep"] = os.environ.get("E2E_KEEP") == "1"
    started = time.monotonic()
    passed = failed = 0
    try:
        kinds = ["rtpengine", "rtprelayd"] if do_compare else [h.relay_kind()]
        for kind in kinds:
            p, f = run_suite(kind, names or (["BasicCallTest"] if do_compare else []),
                             verbosity)
            passed, failed = passed + p, failed + f
        if transcript:
            kind = kinds[-1] if not do_compare else "rtpengine"
            if STATE["recorded"].get(kind):
                write_transcript(transcript, STATE["recorded"][kind], kind)
                print("e2e: transcript written to %s" % transcript)
            else:
                print("e2e: no transcript recorded (the basic call did not run)")
        if do_compare:
            compare(STATE["recorded"])
    except KeyboardInterrupt:
        print("e2e: interrupted")
        failed += 1
    finally:
        cleanup_all()
        if STATE["keep"] or failed:
            print("e2e: logs kept in %s" % STATE["run_dir"])
        else:
            shutil.rmtree(STATE["run_dir"], ignore_errors=True)
    print("e2e: %.1f s" % (time.monotonic() - started))
    sys.stdout.flush()
    print("e2e: %d passed, %d failed" % (passed, failed), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
