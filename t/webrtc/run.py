#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A real browser through rtprelayd: Debian's chromium, headless, with its fake microphone
(and camera), calls a plain RTP phone through the relay, in a network namespace this script
creates (10.77.0.1 on a veth pair for media, loopback for the page and ng).

The page (page.html) signals through this script's HTTP server, which turns its SDP into ng
offer/answer commands with the flags a SIP proxy would send, and answers or offers for the
plain phone (plain RTP/AVP, PCMU, a 440 Hz tone). Per scenario it checks: ICE and DTLS
connected in the browser, audio packets and decoded audio energy in the browser's getStats(),
RTP at the plain phone with the negotiated payload type, RTCP both ways (the phone receives the
browser's, the browser reports the phone's as remote-inbound-rtp), the relay's own view of the
call (query) and that `delete` leaves no call.

Usage: t/webrtc/run.py [SCENARIO...]   (root; RTPRELAYD=path overrides build/rtprelayd)
Ends with "webrtc: N passed, N failed".
       t/webrtc/run.py --bench=N     (make bench: N calls through rtprelayd and through
Debian's rtpengine, taking turns; prints BENCH WEBRTC lines, see docs/performance.md)
WEBRTC_DEBUG=1 also prints each stream's non-zero drop counters from `query`.
"""

import json
import re
import math
import os
import random
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "t", "integration"))
import ngclient  # noqa: E402  pylint: disable=wrong-import-position

MEDIA_IP = "10.77.0.1"
MEDIA_IP6 = "fd77::1"
# The suite's relay has both addresses, so it offers a host candidate on each; the bench's
# relays only MEDIA_IP (the on-wire capture reads IPv4).
RELAY_ADDRESSES = (MEDIA_IP, MEDIA_IP6)
NS = "rtprelay-webrtc-%d" % os.getpid()

# What Kamailio's rtpengine module sends for a browser, as rtpengine's documentation sets
# WebRTC up, and the minimal form ("ICE=remove RTP/AVP" towards the PBX, nothing back).
FLAGS = {
    "webrtc": {
        "to_sip": {"ICE": "remove", "transport-protocol": "RTP/AVP",
                   "rtcp-mux": ["demux"], "replace": ["origin"]},
        "to_browser": {"ICE": "force", "transport-protocol": "UDP/TLS/RTP/SAVPF",
                       "rtcp-mux": ["offer", "require"], "replace": ["origin"]},
    },
    "minimal": {
        "to_sip": {"ICE": "remove", "transport-protocol": "RTP/AVP"},
        "to_browser": {"ICE": "force", "transport-protocol": "UDP/TLS/RTP/SAVPF"},
    },
}

# name: (offer from, video, bundle policy, flags, DTLS role asked of the relay, ICE restart
# after this many seconds or None, seconds of media)
SCENARIOS = {
    "browser-offer": ("browser", False, "balanced", "webrtc", None, None, 6),
    "browser-offer-max-bundle-minimal": ("browser", False, "max-bundle", "minimal", None, None, 6),
    "browser-offer-relay-active": ("browser", False, "balanced", "webrtc", "active", None, 6),
    "sip-offer": ("sip", False, "balanced", "webrtc", None, None, 6),
    "sip-offer-relay-active": ("sip", False, "balanced", "webrtc", "active", None, 6),
    "sip-offer-relay-passive": ("sip", False, "balanced", "minimal", "passive", None, 6),
    "browser-offer-video": ("browser", True, "balanced", "webrtc", None, None, 6),
    "browser-offer-video-max-bundle": ("browser", True, "max-bundle", "webrtc", None, None, 6),
    "sip-offer-video-max-bundle": ("sip", True, "max-bundle", "webrtc", None, None, 6),
    "ice-restart": ("browser", False, "balanced", "webrtc", None, 4, 10),
    # After 3 s the SIP side re-offers (a re-INVITE from the PBX) to the browser that offered.
    "sip-reoffer-video-max-bundle": ("browser", True, "max-bundle", "webrtc", None, 3, 8),
    "consent-40s": ("browser", False, "balanced", "webrtc", None, None, 40),
    # The harness changes the browser's a=fingerprint: the relay must refuse its certificate.
    "wrong-fingerprint": ("browser", False, "balanced", "webrtc", None, None, 5),
    # The harness keeps only the relay's IPv6 candidate in the answer, as if IPv4 did not
    # reach it: media must go through the relay's second address, not the one in c=.
    "browser-offer-ipv6-path": ("browser", False, "balanced", "webrtc", None, None, 6),
}
SIP_REOFFERS = {"sip-reoffer-video-max-bundle"}
IPV6_PATH = {"browser-offer-ipv6-path"}
# The phone rejects audio (port 0), the first m= line of the browser's BUNDLE group, whose
# transport then carries only video.
NO_AUDIO = {"browser-offer-video-max-bundle-no-audio", "firefox-video-max-bundle-no-audio"}
SCENARIOS["browser-offer-video-max-bundle-no-audio"] = SCENARIOS["browser-offer-video-max-bundle"]
# The same with Debian's Firefox ESR, headless, as the second browser.
FIREFOX = {"firefox-browser-offer": "browser-offer", "firefox-sip-offer": "sip-offer",
           "firefox-video-max-bundle": "browser-offer-video-max-bundle",
           "firefox-sip-offer-video-max-bundle": "sip-offer-video-max-bundle",
           "firefox-video-max-bundle-no-audio": "browser-offer-video-max-bundle-no-audio"}
SCENARIOS.update({name: SCENARIOS[base] for name, base in FIREFOX.items()})

# Firefox's preferences for a page that needs no one: fake devices, no prompt, autoplay, and
# host candidates with their addresses (not mDNS names).
FIREFOX_PREFS = """user_pref("media.navigator.streams.fake", true);
user_pref("media.navigator.permission.disabled", true);
user_pref("media.autoplay.default", 0);
user_pref("media.peerconnection.ice.obfuscate_host_addresses", false);
user_pref("browser.shell.checkDefaultBrowser", false);
user_pref("datareporting.policy.dataSubmissionEnabled", false);
user_pref("toolkit.telemetry.reportingpolicy.firstRun", false);
"""


def browser_argv(name, profile, url):
    """Chromium, or Firefox ESR for the firefox- scenarios, headless on `url`."""
    if name in FIREFOX:
        with open(os.path.join(profile, "user.js"), "w") as f:
            f.write(FIREFOX_PREFS)
        return ["firefox-esr", "--headless", "--no-remote", "--profile", profile, url]
    return ["chromium", "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--user-data-dir=" + profile, "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream", "--autoplay-policy=no-user-gesture-required",
            "--disable-features=WebRtcHideLocalIpsWithMdns", url]


def ulaw(sample):
    """G.711 mu-law of a 16-bit sample."""
    sign = 0x80 if sample < 0 else 0
    sample = min(abs(sample), 32635) + 0x84
    exponent, mask = 7, 0x4000
    while exponent > 0 and not sample & mask:
        exponent -= 1
        mask >>= 1
    mantissa = (sample >> (exponent + 3)) & 0x0F
    return ~(sign | exponent << 4 | mantissa) & 0xFF


TONE = bytes(ulaw(int(8000 * math.sin(2 * math.pi * 440 * i / 8000))) for i in range(8000))


class PlainPhone:
    """A SIP phone's media: plain RTP/AVP, PCMU (and VP8 for video), a socket pair per m= line
    on MEDIA_IP. Sends a tone and an RTCP SR with a report block every second, and with video
    ten VP8 packets a second (a key frame's first bytes: the browser counts them, and asks for
    a better one by RTCP); counts what arrives by payload type, and RTCP by m= line."""

    def __init__(self, video, audio=True):
        self.kinds = (["audio"] if audio else []) + (["video"] if video else [])
        self.socks = {}
        for kind in self.kinds:
            while True:
                rtp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                rtp.bind((MEDIA_IP, 0))
                port = rtp.getsockname()[1]
                if port % 2 == 0 and port < 65000:
                    rtcp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                    try:
                        rtcp.bind((MEDIA_IP, port + 1))
                        break
                    except OSError:
                        rtcp.close()
                rtp.close()
            self.socks[kind] = (rtp, rtcp, port)
        self.relay = {}  # kind -> (rtp address, rtcp address) to send to
        self.pts = {"audio": 0, "video": 96}
        self.rtp_by_pt = {}
        self.rtcp_in = 0
        self.rtcp_by_kind = {}
        self.browser_ssrc = {}
        self.highest_seq = {}
        self.video_ssrc = random.getrandbits(32)
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self.send_loop, daemon=True)]
        for kind in self.kinds:
            for i in (0, 1):
                self.threads.append(threading.Thread(target=self.recv_loop,
                                                     args=(kind, i), daemon=True))
        for t in self.threads:
            t.start()

    def close(self):
        self.stop.set()
        for rtp, rtcp, _ in self.socks.values():
            rtp.close()
            rtcp.close()

    def sdp(self, offer_sdp=None):
        """The phone's SDP: an answer choosing from `offer_sdp`, or an offer."""
        out = ["v=0", "o=- 4242 1 IN IP4 %s" % MEDIA_IP, "s=phone", "c=IN IP4 %s" % MEDIA_IP,
               "t=0 0"]
        kinds = self.kinds
        if offer_sdp:
            kinds = [line.split()[0][2:] for line in offer_sdp.split("\r\n")
                     if line.startswith("m=")]
        for kind in kinds:
            if kind not in self.socks:
                out += ["m=%s 0 RTP/AVP 0" % kind]
                continue
            pt = self.pts[kind]
            if kind == "video" and offer_sdp:
                pt = self.pts["video"] = vp8_pt(offer_sdp)
            if kind == "audio":
                fmt = "0" if offer_sdp else "0 8"
                out += ["m=audio %d RTP/AVP %s" % (self.socks[kind][2], fmt),
                        "a=rtpmap:0 PCMU/8000", "a=sendrecv"]
            else:
                out += ["m=video %d RTP/AVP %d" % (self.socks[kind][2], pt),
                        "a=rtpmap:%d VP8/90000" % pt, "a=sendrecv"]
        return "\r\n".join(out) + "\r\n"

    def learn(self, relay_sdp):
        """Where the relay wants this phone's media: its SDP to the phone (c= at session or
        media level, a=rtcp or the next port)."""
        session_conn, sections = None, []
        for line in relay_sdp.split("\r\n"):
            if line.startswith("m="):
                sections.append({"kind": line[2:].split()[0], "port": int(line.split()[1])})
            elif line.startswith("c=IN IP4 "):
                if sections:
                    sections[-1]["conn"] = line.split()[2]
                else:
                    session_conn = line.split()[2]
            elif line.startswith("a=rtcp:") and sections:
                sections[-1]["rtcp"] = int(line[7:].split()[0])
        for m in sections:
            conn = m.get("conn", session_conn)
            self.relay[m["kind"]] = [(conn, m["port"]), (conn, m.get("rtcp", m["port"] + 1))]

    def send_loop(self):
        seq, ts, ssrc, n = random.randrange(65536), 0, random.getrandbits(32), 0
        while not self.stop.wait(0.02):
            if not any(kind in self.relay for kind in self.socks):
                continue
            try:
                if "audio" in self.relay and "audio" in self.socks:
                    rtp, rtcp, _ = self.socks["audio"]
                    off = (ts % 8000)
                    payload = (TONE + TONE)[off:off + 160]
                    rtp.sendto(struct.pack("!BBHII", 0x80, 0, seq & 0xFFFF, ts, ssrc) + payload,
                               self.relay["audio"][0])
                    if n % 50 == 0:
                        rtcp.sendto(self.sender_report(ssrc, n, ts), self.relay["audio"][1])
                if n % 5 == 0 and "video" in self.relay and "video" in self.socks:
                    self.send_video(n // 5)
            except OSError:
                return
            seq, ts, n = seq + 1, ts + 160, n + 1

    def send_video(self, i):
        rtp = self.socks["video"][0]
        # VP8 payload descriptor (start of partition 0), then a key frame's header.
        payload = bytes([0x10, 0x50, 0x05, 0x00, 0x9d, 0x01, 0x2a, 0x40, 0x01, 0xf0, 0x00])
        header = struct.pack("!BBHII", 0x80, 0x80 | self.pts["video"], i & 0xFFFF, i * 9000,
                             self.video_ssrc)
        rtp.sendto(header + payload + bytes(100), self.relay["video"][0])

    def sender_report(self, ssrc, n, ts):
        """An SR with a report block for the browser's audio, if it has sent any."""
        theirs = self.browser_ssrc.get("audio")
        now = time.time() + 2208988800
        sr = struct.pack("!IIIIII", ssrc, int(now), int((now % 1) * 2 ** 32), ts, n, n * 160)
        blocks = b""
        if theirs is not None:
            blocks = struct.pack("!IIIIII", theirs, 0, self.highest_seq["audio"], 0, 0, 0)
        rc = 1 if blocks else 0
        length = (4 + len(sr) + len(blocks)) // 4 - 1
        return struct.pack("!BBH", 0x80 | rc, 200, length) + sr + blocks

    def recv_loop(self, kind, which):
        sock = self.socks[kind][which]
        while not self.stop.is_set():
            try:
                data, _ = sock.recvfrom(4096)
            except OSError:
                return
            if which == 1 or (len(data) > 1 and 192 <= data[1] <= 223):
                self.rtcp_in += 1
                self.rtcp_by_kind[kind] = self.rtcp_by_kind.get(kind, 0) + 1
                continue
            if len(data) >= 12:
                pt = data[1] & 0x7F
                self.rtp_by_pt[(kind, pt)] = self.rtp_by_pt.get((kind, pt), 0) + 1
                self.browser_ssrc[kind] = struct.unpack("!I", data[8:12])[0]
                self.highest_seq[kind] = struct.unpack("!H", data[2:4])[0]


def media_port(sdp):
    """The port of the first m= line."""
    return int(re.search(r"^m=\S+ (\d+)", sdp, re.M).group(1))


def vp8_pt(sdp):
    for line in sdp.split("\r\n"):
        if line.startswith("a=rtpmap:") and "VP8/90000" in line:
            return int(line[9:].split()[0])
    return 96


class Call:
    """One scenario's call: the ng side of the page's signalling, and the phone."""

    def __init__(self, ng, scenario):
        self.ng = ng
        self.name = scenario
        self.frm, self.video, self.bundle, flags, self.dtls, self.restart_at, self.seconds = \
            SCENARIOS[scenario]
        self.flags = FLAGS[flags]
        self.phone = PlainPhone(self.video, audio=scenario not in NO_AUDIO)
        self.call_id = "webrtc-%s-%d" % (scenario, time.time())
        self.browser, self.sip = "browser-tag", "sip-tag"
        self.established = False
        self.states = []
        self.errors = []
        self.restarts = 0
        self.timing = {}  # connected_ms, media_ms: from the relay's answer, in the page
        self.answered = None  # (time.time() of the relay's answer, its SDP)
        self.last_to_browser = None  # the relay's last SDP for the browser
        self.on_connected = None

    def request(self, msg):
        msg.update({"call-id": self.call_id})
        reply = self.ng.request(msg)
        if os.environ.get("WEBRTC_DEBUG"):
            print("--- %s in:\n%s\n--- out:\n%s" % (msg["command"], msg.get("sdp", ""),
                                                   reply.get(b"sdp", b"").decode()))
        if reply.get(b"result") != b"ok":
            raise RuntimeError("ng %s: %r" % (msg["command"], reply))
        return reply[b"sdp"].decode() if b"sdp" in reply else ""

    def relay_default(self):
        """The address in the c= of the relay's last SDP to the browser."""
        m = re.search(r"^c=IN IP[46] (\S+)", self.last_to_browser or "", re.M)
        return m.group(1) if m else None

    def dtls_flag(self):
        return {"DTLS": self.dtls} if self.dtls else {}

    def offer_from_browser(self, sdp):
        if self.established:
            self.restarts += 1
        if self.name == "wrong-fingerprint":  # its first byte, changed
            sdp = re.sub(r"(a=fingerprint:\S+ )([0-9A-Fa-f]{2})",
                         lambda m: m.group(1) + ("00" if m.group(2) != "00" else "11"), sdp)
        offer = {"command": "offer", "from-tag": self.browser, "sdp": sdp,
                 **self.flags["to_sip"]}
        if self.established:
            offer["to-tag"] = self.sip
        to_phone = self.request(offer)
        self.phone.learn(to_phone)
        answer = {"command": "answer", "from-tag": self.browser, "to-tag": self.sip,
                  "sdp": self.phone.sdp(to_phone), **self.dtls_flag()}
        to_browser = self.request(answer)
        self.answered = (time.time(), to_browser)  # for the bench's capture
        if self.name in IPV6_PATH:
            to_browser = re.sub(r"a=candidate:\S+ \d+ UDP \d+ %s .*\r\n" % re.escape(MEDIA_IP),
                                "", to_browser)
        self.established = True
        self.last_to_browser = to_browser
        return to_browser

    def offer_from_sip(self):
        offer = {"command": "offer", "from-tag": self.sip, "sdp": self.phone.sdp(),
                 **self.flags["to_browser"], **self.dtls_flag()}
        self.last_to_browser = self.request(offer)
        return self.last_to_browser

    def reoffer_from_sip(self):
        """The PBX's re-INVITE to the browser: the phone's SDP again, as an offer."""
        self.restarts += 1
        offer = {"command": "offer", "from-tag": self.sip, "to-tag": self.browser,
                 "sdp": self.phone.sdp(), **self.flags["to_browser"]}
        return self.request(offer)

    def answer_from_browser(self, sdp):
        to_phone = self.request({"command": "answer", "from-tag": self.sip,
                                 "to-tag": self.browser, "sdp": sdp})
        self.phone.learn(to_phone)
        self.established = True

    def page_url(self, port):
        return "http://127.0.0.1:%d/page.html?from=%s&video=%d&bundle=%s" % (
            port, self.frm, int(self.video), self.bundle)


def handler_for(call):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def reply(self, obj, ctype="application/json"):
            body = obj if isinstance(obj, bytes) else json.dumps(obj).encode()
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):  # noqa: N802  pylint: disable=invalid-name
            with open(os.path.join(HERE, "page.html"), "rb") as f:
                self.reply(f.read(), "text/html")

        def do_POST(self):  # noqa: N802  pylint: disable=invalid-name
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"{}")
            try:
                if self.path == "/offer":
                    self.reply({"sdp": call.offer_from_browser(body["sdp"])})
                elif self.path == "/remote-offer":
                    self.reply({"sdp": call.offer_from_sip()})
                elif self.path == "/answer":
                    call.answer_from_browser(body["sdp"])
                    self.reply({})
                elif self.path == "/timing":
                    call.timing.update(body)
                    if "connected_ms" in body and call.on_connected:
                        call.on_connected()
                    self.reply({})
                elif self.path == "/state":
                    if "error" in body:
                        call.errors.append(body["error"])
                    else:
                        call.states.append(body)
                    due = call.restart_at is not None and body.get("seconds", 0) >= call.restart_at
                    if due and call.name in SIP_REOFFERS and not call.restarts:
                        self.reply({"reoffer": call.reoffer_from_sip()})
                    else:
                        self.reply({"restart": due and call.name not in SIP_REOFFERS})
                else:
                    self.reply({"error": "no such path"})
            except Exception as e:  # pylint: disable=broad-except
                call.errors.append("%s: %s" % (self.path, e))
                self.reply({"error": str(e)})
    return Handler


def dtls_failed(ng):
    """The relay's count of failed DTLS handshakes (statistics; 0 from rtpengine, which has
    no such count, in the bench)."""
    reply = ng.request({"command": "statistics"})
    return reply[b"statistics"].get(b"rtprelay", {}).get(b"dtls failed", 0)


def end_call(call, ng, out):
    d = ng.request({"command": "delete", "call-id": call.call_id})
    out.append(("delete", d.get(b"result") == b"ok", d.get(b"error-reason")))
    q = ng.request({"command": "query", "call-id": call.call_id})
    out.append(("no call after delete", q.get(b"result") == b"error", q.get(b"result")))
    return out


def check_refused(call, ng, failed_before):
    """wrong-fingerprint: ICE connects, the relay refuses the browser's certificate during the
    handshake (the browser sees its DTLS fail), the failure is counted once, and no media
    passes either way."""
    st = call.states[-1] if call.states else {}
    out = [("no error in the page or the signalling", not call.errors, "; ".join(call.errors))]
    out.append(("ICE connected", st.get("ice") in ("connected", "completed"), st.get("ice")))
    dtls = [t.get("dtls") for t in st.get("transports", [])]
    out.append(("the browser's DTLS failed", bool(dtls) and all(d == "failed" for d in dtls),
                dtls))
    out.append(("statistics count one failed DTLS handshake",
                dtls_failed(ng) - failed_before == 1, dtls_failed(ng) - failed_before))
    packets = sum(i["packets"] for i in st.get("inbound", []))
    out.append(("nothing reaches the browser", packets == 0, packets))
    out.append(("nothing reaches the phone", not call.phone.rtp_by_pt, call.phone.rtp_by_pt))
    return end_call(call, ng, out)


def check(call, ng, name, failed_before):
    """The scenario's verdicts, as (what, ok, detail) triples."""
    if name == "wrong-fingerprint":
        return check_refused(call, ng, failed_before)
    st = call.states[-1] if call.states else {}
    out = [("no error in the page or the signalling", not call.errors, "; ".join(call.errors))]
    out.append(("ICE connected", st.get("ice") in ("connected", "completed"), st.get("ice")))
    dtls = [t.get("dtls") for t in st.get("transports", [])]
    out.append(("DTLS connected", bool(dtls) and all(d == "connected" for d in dtls), dtls))
    roles = [t.get("role") for t in st.get("transports", [])]
    want = "server" if call.dtls == "active" else "client"  # the browser's, opposite ours
    out.append(("the browser is the DTLS %s" % want, bool(roles) and set(roles) == {want}, roles))
    pairs = st.get("pairs", [])
    if call.name in IPV6_PATH:
        out.append(("the browser nominated the relay's IPv6 candidate",
                    bool(pairs) and all(p["remote"] == MEDIA_IP6 for p in pairs), pairs))
    else:  # its first, in the family of the SDP it answers or offers with c=
        out.append(("the browser nominated the relay's first candidate, in c=",
                    bool(pairs) and all(p["remote"] == call.relay_default() for p in pairs),
                    (pairs, call.relay_default())))
    audio_in = [i for i in st.get("inbound", []) if i["kind"] == "audio"]
    packets = sum(i["packets"] for i in audio_in)
    if call.name in NO_AUDIO:
        out.append(("the phone rejected audio: the browser gets none", packets == 0, packets))
    else:
        out.append(("audio reaches the browser", packets >= 25 * call.seconds, packets))
        energy = sum(i["energy"] for i in audio_in)
        out.append(("the browser decodes the tone", energy > 0.1, energy))
        got = call.phone.rtp_by_pt.get(("audio", 0), 0)
        out.append(("PCMU reaches the phone", got >= 25 * call.seconds, call.phone.rtp_by_pt))
        remote = [r for r in st.get("remote_inbound", []) if r["kind"] == "audio"]
        out.append(("the browser receives the phone's RTCP", bool(remote), remote))
    out.append(("the phone receives RTCP", call.phone.rtcp_in > 0, call.phone.rtcp_in))
    if call.video:
        pt = call.phone.pts["video"]
        vgot = call.phone.rtp_by_pt.get(("video", pt), 0)
        out.append(("VP8 reaches the phone", vgot > 0, call.phone.rtp_by_pt))
        video_in = sum(i["packets"] for i in st.get("inbound", []) if i["kind"] == "video")
        out.append(("the phone's video reaches the browser", video_in > 0, video_in))
        vrtcp = call.phone.rtcp_by_kind.get("video", 0)
        out.append(("the browser's video RTCP reaches the phone's video port", vrtcp > 0,
                    call.phone.rtcp_by_kind))
    if call.restart_at is not None:
        what = "re-offer" if call.name in SIP_REOFFERS else "ICE restart"
        out.append(("the %s was signalled" % what, call.restarts == 1, call.restarts))
    q = ng.request({"command": "query", "call-id": call.call_id})
    out.append(("query knows the call", q.get(b"result") == b"ok", q.get(b"error-reason")))
    if os.environ.get("WEBRTC_DEBUG"):
        print("    nominated pairs", pairs)
        for tag, t in q.get(b"tags", {}).items():
            for m in t.get(b"medias", []):
                for st in m.get(b"streams", []):
                    print("   ", tag, {k: v for k, v in st.get(b"drops", {}).items() if v})
    return end_call(call, ng, out)


def run_scenario(name, ng, profile_root, seconds=None, on_connected=None):
    """One call with a fresh browser; returns its verdicts and the call."""
    call = Call(ng, name)
    if seconds:
        call.seconds = seconds
    call.on_connected = on_connected
    failed_before = dtls_failed(ng)
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(call))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    profile = tempfile.mkdtemp(prefix="profile-", dir=profile_root)
    browser = subprocess.Popen(browser_argv(name, profile, call.page_url(port)),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + call.seconds + 30
        while time.time() < deadline and not call.errors:
            if call.states and call.states[-1].get("seconds", 0) >= call.seconds:
                break
            time.sleep(0.5)
        results = check(call, ng, name, failed_before)
    finally:
        browser.terminate()
        try:
            browser.wait(10)
        except subprocess.TimeoutExpired:
            browser.kill()
        server.shutdown()
        call.phone.close()
    return results, call


def start_relay(kind, work, ng_port, port_min, addresses=(MEDIA_IP,)):
    """rtprelayd or Debian's rtpengine, the same rtpengine-style command line, userspace only,
    an --interface per address; returns (process, ng client, log path)."""
    binary = (os.environ.get("RTPRELAYD", os.path.join(REPO, "build", "rtprelayd"))
              if kind == "rtprelayd" else os.environ.get("RTPENGINE", "/usr/bin/rtpengine"))
    path = os.path.join(work, kind + ".log")
    argv = [binary, "--config-file=none", "--table=-1", "--foreground", "--log-stderr",
            "--listen-ng=127.0.0.1:%d" % ng_port, "--port-min=%d" % port_min,
            "--port-max=%d" % (port_min + 999), "--delete-delay=0", "--num-threads=2"]
    with open(path, "w") as log:
        relay = subprocess.Popen(argv + ["--interface=%s" % a for a in addresses],
                                 stdout=log, stderr=subprocess.STDOUT)
    ng = ngclient.NgClient(("127.0.0.1", ng_port))
    for _ in range(100):
        try:
            if ng.request({"command": "ping"}, timeout=0.2).get(b"result") == b"pong":
                break
        except Exception:  # pylint: disable=broad-except
            time.sleep(0.1)
    return relay, ng, path


def cpu_ms(pid):
    """User and system CPU of a process so far, in ms."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def median(values):
    v = sorted(values)
    return v[(len(v) - 1) // 2] if v else None


class Capture:
    """The namespace's loopback, where the browser and the relay talk (both on MEDIA_IP), seen
    from an AF_PACKET socket: (time, source port, destination port, first payload byte) of every
    UDP datagram to or from MEDIA_IP, until stop()."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x0800))
        self.sock.bind(("lo", 0x0800))
        self.sock.settimeout(0.1)
        self.seen = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        ip = socket.inet_aton(MEDIA_IP)
        while not self.stopping.is_set():
            try:
                data = self.sock.recv(2048)
            except socket.timeout:
                continue
            now = time.time()
            if len(data) < 29 or data[9] != 17 or data[12:16] != ip:
                continue
            ihl = (data[0] & 0x0F) * 4
            sport, dport = struct.unpack("!HH", data[ihl:ihl + 4])
            if len(data) > ihl + 8:
                self.seen.append((now, sport, dport, data[ihl + 8]))

    def stop(self):
        self.stopping.set()
        self.thread.join()
        self.sock.close()

    def timing(self, answered, relay_port):
        """From the wire, in ms: the relay's answer to its first SRTP datagram to the browser,
        and the last DTLS datagram of the handshake (either way: whoever finished it, the
        keys exist from then) to that first SRTP datagram; None where not seen."""
        to_browser = [(t, b) for t, s, d, b in self.seen if s == relay_port and d != relay_port
                      and t >= answered]
        first_srtp = next((t for t, b in to_browser if 128 <= b <= 191), None)
        if first_srtp is None:
            return None, None
        dtls = [t for t, s, d, b in self.seen if relay_port in (s, d) and 20 <= b <= 63
                and answered <= t <= first_srtp]
        return ((first_srtp - answered) * 1000,
                (first_srtp - dtls[-1]) * 1000 if dtls else None)


def bench(runs):
    """--bench N: the browser-offer call N times through each relay, taking turns: from the
    relay's answer to DTLS connected and to the first audio packet (in the browser); on the
    wire (Capture), from the answer to the relay's first SRTP datagram to the browser, and from
    the handshake's last datagram to it; and the relay's CPU from the offer to DTLS connected.
    Prints BENCH WEBRTC lines."""
    work = tempfile.mkdtemp(prefix="rtprelay-webrtc-bench-")
    relays = {kind: start_relay(kind, work, port, pmin) for kind, port, pmin in
              (("rtprelayd", 22222, 40000), ("rtpengine", 22223, 42000))}
    got = {kind: {"connected_ms": [], "media_ms": [], "cpu_ms": [], "wire_media_ms": [],
                  "keys_to_media_ms": []} for kind in relays}
    failed = 0
    try:
        for i in range(runs):
            for kind, (proc, ng, _) in relays.items():
                before = cpu_ms(proc.pid)
                cpu = {}

                def connected(proc=proc, before=before, cpu=cpu):
                    cpu["ms"] = cpu_ms(proc.pid) - before
                capture = Capture()
                try:
                    results, call = run_scenario("browser-offer", ng, work, seconds=3,
                                                 on_connected=connected)
                finally:
                    capture.stop()
                wire = (None, None)
                if call.answered:
                    wire = capture.timing(call.answered[0], media_port(call.answered[1]))
                # Each relay takes the DTLS role it prefers (rtpengine: active).
                bad = [r[0] for r in results
                       if not r[1] and not r[0].startswith("the browser is the DTLS")]
                t = call.timing
                if bad or "connected_ms" not in t or "media_ms" not in t:
                    failed += 1
                    print("  run %d %s failed: %s %s" % (i + 1, kind, bad, t), flush=True)
                    continue
                got[kind]["connected_ms"].append(t["connected_ms"])
                got[kind]["media_ms"].append(t["media_ms"])
                got[kind]["cpu_ms"].append(cpu.get("ms", 0))
                for key, v in zip(("wire_media_ms", "keys_to_media_ms"), wire):
                    if v is not None:
                        got[kind][key].append(v)
                print("  run %d %s: connected %.0f ms, first audio %.0f ms, relay CPU %.0f ms;"
                      " on the wire: first SRTP to the browser %s ms after the answer, %s ms"
                      " after the handshake's last datagram"
                      % (i + 1, kind, t["connected_ms"], t["media_ms"], cpu.get("ms", 0),
                         *("-" if v is None else "%.1f" % v for v in wire)), flush=True)
    finally:
        for proc, ng, _ in relays.values():
            proc.terminate()
            proc.wait(10)
            ng.close()
        shutil.rmtree(work, ignore_errors=True)
    for kind, g in got.items():
        line = "BENCH WEBRTC relay=%s runs=%d" % (kind, len(g["connected_ms"]))
        for key in ("connected_ms", "media_ms", "wire_media_ms", "keys_to_media_ms"):
            if g[key]:
                line += " %s=%.1f (%.1f..%.1f)" % (key, median(g[key]), min(g[key]),
                                                   max(g[key]))
        # The kernel counts CPU in clock ticks (10 ms): the setups' sum, per setup.
        if g["cpu_ms"]:
            line += " setup_cpu_ms=%.1f" % (sum(g["cpu_ms"]) / len(g["cpu_ms"]))
        print(line, flush=True)
    for key in ("connected_ms", "media_ms", "wire_media_ms", "keys_to_media_ms"):
        a, b = median(got["rtprelayd"][key]), median(got["rtpengine"][key])
        if a and b:
            print("BENCH WEBRTC ratio %s rtprelayd/rtpengine=%.2f" % (key, a / b), flush=True)
    print("webrtc bench: %d failed runs" % failed)
    return failed


def inside(names):
    """Runs in the namespace: the relay, then each scenario with a fresh browser."""
    work = tempfile.mkdtemp(prefix="rtprelay-webrtc-")
    relay, ng, log_path = start_relay("rtprelayd", work, 22222, 40000, RELAY_ADDRESSES)
    passed = failed = 0
    try:
        for name in names:
            t0 = time.time()
            try:
                results, _ = run_scenario(name, ng, work)
            except Exception:  # pylint: disable=broad-except
                results = [("scenario ran", False, traceback.format_exc())]
            bad = [r for r in results if not r[1]]
            for what, ok, detail in results:
                print("  %s %s: %s%s" % ("ok" if ok else "FAIL", name, what,
                                         "" if ok else " (%s)" % (detail,)), flush=True)
            print("%s %s (%.1f s)" % ("ok" if not bad else "not ok", name, time.time() - t0),
                  flush=True)
            passed, failed = passed + (not bad), failed + bool(bad)
        if relay.poll() is not None:
            print("not ok rtprelayd exited (%s)" % relay.returncode)
            failed += 1
    finally:
        relay.terminate()
        relay.wait(10)
        if failed:
            with open(log_path) as f:
                tail = f.read().splitlines()[-40:]
            print("rtprelayd log, last lines:\n  " + "\n  ".join(tail))
        shutil.rmtree(work, ignore_errors=True)
    return passed, failed


def main(argv):
    if "--inside" in argv:
        names = [a for a in argv if a != "--inside"]
        if names and names[0].startswith("--bench="):
            return 1 if bench(int(names[0][8:])) else 0
        passed, failed = inside(names)
        print("webrtc: %d passed, %d failed" % (passed, failed))
        return 1 if failed else 0
    names = argv or list(SCENARIOS)
    unknown = [n for n in names if n not in SCENARIOS and not n.startswith("--bench=")]
    if unknown or os.geteuid() != 0 or not shutil.which("chromium"):
        why = ("unknown scenario %s" % unknown if unknown else
               "needs root (a network namespace)" if os.geteuid() != 0 else
               "chromium is not installed (make deps)")
        print("webrtc: %s\nwebrtc: 0 passed, 1 failed" % why)
        return 1
    subprocess.run(["ip", "netns", "add", NS], check=True)
    try:
        for cmd in (["ip", "link", "set", "lo", "up"],
                    ["ip", "link", "add", "media0", "type", "veth", "peer", "name", "media1"],
                    ["ip", "addr", "add", MEDIA_IP + "/24", "dev", "media0"],
                    ["ip", "addr", "add", MEDIA_IP6 + "/64", "dev", "media0", "nodad"],
                    ["ip", "link", "set", "media0", "up"],
                    ["ip", "link", "set", "media1", "up"],
                    # Firefox gathers no candidates without a default route.
                    ["ip", "route", "add", "default", "dev", "media0"],
                    ["ip", "-6", "route", "add", "default", "dev", "media0"]):
            subprocess.run(["ip", "netns", "exec", NS] + cmd, check=True)
        return subprocess.run(["ip", "netns", "exec", NS, sys.executable,
                               os.path.abspath(__file__), "--inside"] + names).returncode
    finally:
        subprocess.run(["ip", "netns", "del", NS], check=False)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
