"""SDES-keyed SRTP for the tests, done by the system libsrtp2 (not by rtprelayd's code).

A ctypes binding of libsrtp2.so.1 (Debian package libsrtp2-1; the layouts below follow
/usr/include/srtp2/srtp.h of libsrtp 2.5 on x86_64 and are checked at import), the RFC 4568
a=crypto attribute (write and parse), and SrtpParty: a media.Party that sends SRTP/SRTCP with
its own key and decrypts what it receives with the key the other side put in its SDP.

    tx = Srtp("AES_CM_128_HMAC_SHA1_80", key, inbound=False)
    rx = Srtp("AES_CM_128_HMAC_SHA1_80", key, inbound=True)
    rx.unprotect(tx.protect(rtp)) == rtp

Python 3 standard library plus ctypes only.
"""

import base64
import ctypes
import ctypes.util
import os
import re
import struct
import time
from collections import namedtuple

import media

# name -> (master key bytes, master salt bytes, SRTP auth tag bytes); RFC 4568 6.2 (AES-CM
# 128, NULL), RFC 6188 (AES-192/256 CM), RFC 7714 (AEAD GCM: the tag is the 16-byte GCM tag).
SUITES = {
    "AES_CM_128_HMAC_SHA1_80": (16, 14, 10),
    "AES_CM_128_HMAC_SHA1_32": (16, 14, 4),
    "AES_192_CM_HMAC_SHA1_80": (24, 14, 10),
    "AES_192_CM_HMAC_SHA1_32": (24, 14, 4),
    "AES_256_CM_HMAC_SHA1_80": (32, 14, 10),
    "AES_256_CM_HMAC_SHA1_32": (32, 14, 4),
    "AEAD_AES_128_GCM": (16, 12, 16),
    "AEAD_AES_256_GCM": (32, 12, 16),
    "NULL_HMAC_SHA1_80": (16, 14, 10),
    "NULL_HMAC_SHA1_32": (16, 14, 4),
}

# The SRTCP tag: 80 bits for every HMAC-SHA1 suite, the _32 ones included (RFC 4568 6.2).
SRTCP_TAG = {name: (16 if name.startswith("AEAD") else 10) for name in SUITES}

STATUS = {
    0: "ok", 1: "fail", 2: "bad_param", 3: "alloc_fail", 4: "dealloc_fail", 5: "init_fail",
    6: "terminus", 7: "auth_fail", 8: "cipher_fail", 9: "replay_fail", 10: "replay_old",
    11: "algo_fail", 12: "no_such_op", 13: "no_ctx", 14: "cant_check", 15: "key_expired",
    16: "socket_err", 17: "signal_err", 18: "nonce_bad", 19: "read_fail", 20: "write_fail",
    21: "parse_err", 22: "encode_err", 23: "semaphore_err", 24: "pfkey_err", 25: "bad_mki",
    26: "pkt_idx_old", 27: "pkt_idx_adv",
}

SSRC_SPECIFIC, SSRC_ANY_INBOUND, SSRC_ANY_OUTBOUND = 1, 2, 3
MAX_TRAILER = 16 + 128 + 4  # SRTP_MAX_TAG_LEN + SRTP_MAX_MKI_LEN + the SRTCP E||index word


class NonstandardSuite(ValueError):
    """The suite is known to come out of this libsrtp2 differently from its RFC."""


class SrtpError(Exception):
    """A libsrtp2 call failed: `.code` is the srtp_err_status_t value, `.status` its name
    without the srtp_err_status_ prefix ('auth_fail', 'replay_fail', 'replay_old', ...)."""

    def __init__(self, what, code):
        self.code = code
        self.status = STATUS.get(code, "unknown")
        super().__init__("%s: srtp_err_status_%s (%d)" % (what, self.status, code))


# --- libsrtp2 -------------------------------------------------------------------------------


class CryptoPolicy(ctypes.Structure):  # srtp_crypto_policy_t
    _fields_ = [("cipher_type", ctypes.c_uint32), ("cipher_key_len", ctypes.c_int),
                ("auth_type", ctypes.c_uint32), ("auth_key_len", ctypes.c_int),
                ("auth_tag_len", ctypes.c_int), ("sec_serv", ctypes.c_int)]


class SsrcSpec(ctypes.Structure):  # srtp_ssrc_t
    _fields_ = [("type", ctypes.c_int), ("value", ctypes.c_uint)]


class Policy(ctypes.Structure):  # srtp_policy_t
    pass


Policy._fields_ = [
    ("ssrc", SsrcSpec), ("rtp", CryptoPolicy), ("rtcp", CryptoPolicy),
    ("key", ctypes.POINTER(ctypes.c_ubyte)), ("keys", ctypes.c_void_p),
    ("num_master_keys", ctypes.c_ulong), ("deprecated_ekt", ctypes.c_void_p),
    ("window_size", ctypes.c_ulong), ("allow_repeat_tx", ctypes.c_int),
    ("enc_xtn_hdr", ctypes.POINTER(ctypes.c_int)), ("enc_xtn_hdr_count", ctypes.c_int),
    ("next", ctypes.POINTER(Policy)),
]

# sizeof / offsetof as gcc reports them for srtp.h on x86_64 (LP64).
if ctypes.sizeof(ctypes.c_void_p) == 8:
    assert ctypes.sizeof(CryptoPolicy) == 24 and ctypes.sizeof(SsrcSpec) == 8
    assert ctypes.sizeof(Policy) == 128, ctypes.sizeof(Policy)
    assert (Policy.rtp.offset, Policy.rtcp.offset, Policy.key.offset, Policy.window_size.offset,
            Policy.allow_repeat_tx.offset, Policy.next.offset) == (8, 32, 56, 88, 96, 120)

_lib = None


def lib():
    """libsrtp2, loaded and srtp_init()ed once."""
    global _lib
    if _lib is None:
        name = os.environ.get("LIBSRTP2", "libsrtp2.so.1")
        try:
            handle = ctypes.CDLL(name)
        except OSError:
            found = ctypes.util.find_library("srtp2")
            if not found:
                raise
            handle = ctypes.CDLL(found)
        status = ctypes.c_int
        handle.srtp_init.restype = status
        handle.srtp_create.argtypes = [ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(Policy)]
        handle.srtp_create.restype = status
        handle.srtp_add_stream.argtypes = [ctypes.c_void_p, ctypes.POINTER(Policy)]
        handle.srtp_add_stream.restype = status
        handle.srtp_dealloc.argtypes = [ctypes.c_void_p]
        handle.srtp_dealloc.restype = status
        for fn in ("srtp_protect", "srtp_unprotect", "srtp_protect_rtcp",
                   "srtp_unprotect_rtcp"):
            getattr(handle, fn).argtypes = [ctypes.c_void_p, ctypes.c_void_p,
                                            ctypes.POINTER(ctypes.c_int)]
            getattr(handle, fn).restype = status
        handle.srtp_get_stream_roc.argtypes = [ctypes.c_void_p, ctypes.c_uint32,
                                               ctypes.POINTER(ctypes.c_uint32)]
        handle.srtp_get_stream_roc.restype = status
        handle.srtp_set_stream_roc.argtypes = [ctypes.c_void_p, ctypes.c_uint32,
                                               ctypes.c_uint32]
        handle.srtp_set_stream_roc.restype = status
        for fn in _POLICY_SETTERS:
            getattr(handle, fn).argtypes = [ctypes.POINTER(CryptoPolicy)]
            getattr(handle, fn).restype = None
        _check("srtp_init", handle.srtp_init())
        _lib = handle
    return _lib


_POLICY_SETTERS = (
    "srtp_crypto_policy_set_rtp_default",  # = ..._aes_cm_128_hmac_sha1_80 (a macro)
    "srtp_crypto_policy_set_aes_cm_192_hmac_sha1_80",
    "srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80",
    "srtp_crypto_policy_set_aes_gcm_128_16_auth",
    "srtp_crypto_policy_set_aes_gcm_256_16_auth",
    "srtp_crypto_policy_set_null_cipher_hmac_sha1_80",
)

# suite -> libsrtp2 setter used for both SRTP and SRTCP; the _32 suites then shorten only the
# SRTP tag to 4 bytes (SRTCP keeps 80 bits).
_SETTER = {
    "AES_CM_128_HMAC_SHA1_80": "srtp_crypto_policy_set_rtp_default",
    "AES_CM_128_HMAC_SHA1_32": "srtp_crypto_policy_set_rtp_default",
    "AES_192_CM_HMAC_SHA1_80": "srtp_crypto_policy_set_aes_cm_192_hmac_sha1_80",
    "AES_192_CM_HMAC_SHA1_32": "srtp_crypto_policy_set_aes_cm_192_hmac_sha1_80",
    "AES_256_CM_HMAC_SHA1_80": "srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80",
    "AES_256_CM_HMAC_SHA1_32": "srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80",
    "AEAD_AES_128_GCM": "srtp_crypto_policy_set_aes_gcm_128_16_auth",
    "AEAD_AES_256_GCM": "srtp_crypto_policy_set_aes_gcm_256_16_auth",
    "NULL_HMAC_SHA1_80": "srtp_crypto_policy_set_null_cipher_hmac_sha1_80",
    "NULL_HMAC_SHA1_32": "srtp_crypto_policy_set_null_cipher_hmac_sha1_80",
}


def _check(what, code):
    if code != 0:
        raise SrtpError(what, code)


# libsrtp2 before the fix of cisco/libsrtp#763 (2025; Debian bookworm's 2.5.0 has the bug)
# derives AES-192 session keys with the AES-256 PRF over the key, the salt and zero padding,
# not with AES-192 as RFC 6188 says, so its AES_192_CM suites interoperate with no RFC 6188
# implementation (rtpengine's among them). A known answer, computed by an implementation of
# RFC 6188 (t/integration/test_srtp_peer.py) over key = bytes(range(38)), tells which one
# this libsrtp2 is.
_AES192_KAT = ("80000001000000a00000123400000000000000000000000000000000",
               "80000001000000a000001234fa9f6c543bfde650ee1171aabc7ef14e4b18986897979ec17dd1")
_aes192_ok = None


def aes192_conforms():
    """True when this libsrtp2's AES_192_CM suites follow RFC 6188 (checked once)."""
    global _aes192_ok
    if _aes192_ok is None:
        with Srtp("AES_192_CM_HMAC_SHA1_80", bytes(range(38)), inbound=False,
                  nonstandard_ok=True) as tx:
            _aes192_ok = tx.protect(bytes.fromhex(_AES192_KAT[0])).hex() == _AES192_KAT[1]
    return _aes192_ok


def standard(suite):
    """Whether `suite` done by this libsrtp2 is what its RFC says."""
    return not suite_name(suite).startswith("AES_192") or aes192_conforms()


def suite_name(suite):
    """The canonical spelling of a suite name (SDP compares them case-insensitively)."""
    for name in SUITES:
        if name.upper() == str(suite).upper():
            return name
    raise ValueError("unknown SRTP suite %r" % (suite,))


def fill_policy(policy, suite):
    """Sets policy.rtp and policy.rtcp for `suite` the way an SDES endpoint must."""
    suite = suite_name(suite)
    setter = getattr(lib(), _SETTER[suite])
    setter(ctypes.byref(policy.rtp))
    setter(ctypes.byref(policy.rtcp))
    policy.rtp.auth_tag_len = SUITES[suite][2]
    policy.rtcp.auth_tag_len = SRTCP_TAG[suite]


class Srtp:
    """One libsrtp2 session for one direction: inbound=True unprotects (any SSRC, each gets
    its own replay window and ROC), inbound=False protects. `key_salt` is the master key
    followed by the master salt, as in the a=crypto inline: parameter. A suite this libsrtp2
    gets wrong (see standard()) raises NonstandardSuite unless nonstandard_ok."""

    def __init__(self, suite, key_salt, inbound, window=128, allow_repeat_tx=False,
                 nonstandard_ok=False):
        self.suite = suite_name(suite)
        if not nonstandard_ok and not standard(self.suite):
            raise NonstandardSuite(
                "%s: this libsrtp2 derives AES-192 keys with the AES-256 PRF (cisco/libsrtp"
                "#763), so no RFC 6188 peer would understand it; nonstandard_ok=True to use "
                "it anyway" % self.suite)
        key_len, salt_len, self.tag_len = SUITES[self.suite]
        if len(key_salt) != key_len + salt_len:
            raise ValueError("%s needs %d bytes of key and salt, got %d" % (
                self.suite, key_len + salt_len, len(key_salt)))
        self.inbound = inbound
        self.window = window
        self.allow_repeat_tx = allow_repeat_tx
        # libsrtp reads the key through policy.key; it is kept for srtp_add_stream too.
        self._key = (ctypes.c_ubyte * len(key_salt)).from_buffer_copy(bytes(key_salt))
        self._lib = lib()
        self._session = ctypes.c_void_p()
        policy = self._policy(SSRC_ANY_INBOUND if inbound else SSRC_ANY_OUTBOUND, 0)
        _check("srtp_create", self._lib.srtp_create(ctypes.byref(self._session),
                                                    ctypes.byref(policy)))

    def _policy(self, ssrc_type, ssrc_value):
        policy = Policy()
        fill_policy(policy, self.suite)
        policy.ssrc.type = ssrc_type
        policy.ssrc.value = ssrc_value
        policy.key = ctypes.cast(self._key, ctypes.POINTER(ctypes.c_ubyte))
        policy.window_size = self.window
        policy.allow_repeat_tx = int(bool(self.allow_repeat_tx))
        policy.next = None
        return policy

    def _run(self, fn, data):
        if not self._session:
            raise ValueError("SRTP session already closed")
        data = bytes(data)
        buf = ctypes.create_string_buffer(data, len(data) + MAX_TRAILER)
        length = ctypes.c_int(len(data))
        _check(fn, getattr(self._lib, fn)(self._session, buf, ctypes.byref(length)))
        return buf.raw[:length.value]

    def protect(self, rtp):
        return self._run("srtp_protect", rtp)

    def unprotect(self, srtp):
        return self._run("srtp_unprotect", srtp)

    def protect_rtcp(self, rtcp):
        return self._run("srtp_protect_rtcp", rtcp)

    def unprotect_rtcp(self, srtcp):
        return self._run("srtp_unprotect_rtcp", srtcp)

    def roc(self, ssrc):
        """The rollover counter of the stream of `ssrc` (SrtpError bad_param: no such stream
        yet, as for an inbound SSRC nothing came from)."""
        value = ctypes.c_uint32()
        _check("srtp_get_stream_roc",
               self._lib.srtp_get_stream_roc(self._session, ssrc, ctypes.byref(value)))
        return value.value

    def set_roc(self, ssrc, roc):
        """Sets the ROC of the stream of `ssrc`, creating that stream (an ssrc_specific copy
        of this session's policy) if no packet made one yet. libsrtp applies it from the
        next packet of that stream on."""
        probe = ctypes.c_uint32()
        if self._lib.srtp_get_stream_roc(self._session, ssrc, ctypes.byref(probe)) != 0:
            policy = self._policy(SSRC_SPECIFIC, ssrc)
            _check("srtp_add_stream", self._lib.srtp_add_stream(self._session,
                                                                ctypes.byref(policy)))
        _check("srtp_set_stream_roc", self._lib.srtp_set_stream_roc(self._session, ssrc, roc))

    def close(self):
        if self._session:
            self._lib.srtp_dealloc(self._session)
            self._session = ctypes.c_void_p()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:  # pylint: disable=broad-except; interpreter shutdown
            pass


# --- SDES: the a=crypto attribute (RFC 4568) ------------------------------------------------


def new_key(suite):
    """Fresh random master key + salt for `suite`."""
    key_len, salt_len, _ = SUITES[suite_name(suite)]
    return os.urandom(key_len + salt_len)


def crypto_line(tag, suite, key_salt, pad=False, lifetime=None, mki=None, params=()):
    """The value of an a=crypto attribute: `<tag> <suite> inline:<base64>[|lifetime][|mki:len]`
    followed by any session parameters. Base64 without '=' padding unless `pad` (that is what
    rtpengine writes). lifetime: an int (powers of two as 2^n) or a string; mki: (value, length)
    or "value:length"."""
    key = base64.b64encode(bytes(key_salt)).decode()
    if not pad:
        key = key.rstrip("=")
    line = "%d %s inline:%s" % (int(tag), suite, key)
    if lifetime is not None:
        if isinstance(lifetime, int) and lifetime > 0 and lifetime & (lifetime - 1) == 0:
            lifetime = "2^%d" % (lifetime.bit_length() - 1)
        line += "|%s" % lifetime
    if mki is not None:
        line += "|%s" % (mki if isinstance(mki, str) else "%d:%d" % tuple(mki))
    for param in params:
        line += " " + param
    return line


Crypto = namedtuple("Crypto", "tag suite key_salt params")
Crypto.__doc__ = """One a=crypto line: tag (int), suite (as written), key_salt (bytes of the first
inline: key), params (dict: lifetime (str or None), mki (str 'value:len' or None),
session (list of session parameters), keys (every inline key, as bytes))."""

_CRYPTO_RE = re.compile(r"^a=crypto:(\d+)\s+(\S+)\s+(\S+)(.*)$")


def parse_crypto_line(value):
    """A Crypto from an attribute value or a whole `a=crypto:` line."""
    line = value.strip()
    if not line.startswith("a=crypto:"):
        line = "a=crypto:" + line
    m = _CRYPTO_RE.match(line)
    if not m:
        raise ValueError("not an a=crypto line: %r" % value)
    tag, suite, key_params, rest = m.groups()
    keys, lifetime, mki = [], None, None
    for n, key_param in enumerate(key_params.split(";")):
        if not key_param.startswith("inline:"):
            raise ValueError("key method other than inline: in %r" % value)
        parts = key_param[len("inline:"):].split("|")
        text = parts[0]
        keys.append(base64.b64decode(text + "=" * (-len(text) % 4), validate=True))
        for part in parts[1:]:
            if ":" in part:
                mki = mki if n else part
            else:
                lifetime = lifetime if n else part
    return Crypto(int(tag), suite, keys[0], {"lifetime": lifetime, "mki": mki,
                                               "session": rest.split(), "keys": keys})


def parse_crypto(sdp):
    """The a=crypto lines of an SDP, one list per m= section in order (lines before the first
    m= are not media attributes and are ignored)."""
    sections = []
    for line in re.split(r"\r?\n", sdp):
        if line.startswith("m="):
            sections.append([])
        elif line.startswith("a=crypto:") and sections:
            sections[-1].append(parse_crypto_line(line))
    return sections


def all_crypto(sdp):
    """Every a=crypto line of an SDP, all m= sections together."""
    return [c for section in parse_crypto(sdp) for c in section]


def media_proto(sdp, index=0):
    """The transport protocol of the index-th m= line (RTP/AVP, RTP/SAVP, ...)."""
    protos = re.findall(r"^m=\S+ \d+(?:/\d+)? (\S+)", sdp, re.M)
    return protos[index]


# --- an SRTP phone -------------------------------------------------------------------------


class SrtpParty:
    """A media.Party that speaks SDES-keyed SRTP: it sends with its own key (`self.key`,
    offered or answered in its SDP as tag `self.tag`) and decrypts with the key the other
    side's SDP gave (`accept()`). Composes a Party (`self.party`, created unless given)."""

    def __init__(self, suite="AES_CM_128_HMAC_SHA1_80", tag=1, key=None, party=None,
                 host="127.0.0.1", nonstandard_ok=False):
        self.party = party or media.Party(host)
        self.nonstandard_ok = nonstandard_ok
        self.tx = self.rx = None
        self.errors = []  # SrtpError of every datagram receive() could not decrypt
        try:
            self.set_local(suite, tag, key)
        except BaseException:
            if party is None:
                self.party.close()
            raise

    # -- keys and SDP --

    def set_local(self, suite, tag, key=None):
        """(Re)keys the sending side: suite, tag and master key (new random one if None)."""
        self.suite = suite_name(suite)
        self.tag = tag
        self.key = key or new_key(self.suite)
        if self.tx:
            self.tx.close()
        self.tx = Srtp(self.suite, self.key, inbound=False, nonstandard_ok=self.nonstandard_ok)

    @property
    def port(self):
        return self.party.port

    def crypto(self, **kwargs):
        """This side's a=crypto attribute line (with CRLF); kwargs go to crypto_line()."""
        return "a=crypto:%s\r\n" % crypto_line(self.tag, self.suite, self.key, **kwargs)

    def sdp(self, proto="RTP/SAVP", pts="0 8", extra="", version=1, **kwargs):
        return self.party.sdp(media="m=audio {port} %s %s\r\n" % (proto, pts),
                              extra=self.crypto(**kwargs) + extra, version=version)

    def accept(self, sdp, section=0, suite=None):
        """Takes the receiving key from the other side's SDP: the line for `suite` (default:
        this side's suite, else the first line) in m= section `section`. Returns the Crypto."""
        lines = parse_crypto(sdp)[section]
        if not lines:
            raise ValueError("no a=crypto in m= section %d of:\n%s" % (section, sdp))
        want = suite_name(suite or self.suite)
        chosen = next((c for c in lines if c.suite.upper() == want.upper()), None)
        if chosen is None:
            if suite is not None:
                raise ValueError("no %s line among %r" % (want, [c.suite for c in lines]))
            chosen = lines[0]
        if self.rx:
            self.rx.close()
        self.rx = Srtp(chosen.suite, chosen.key_salt, inbound=True,
                       nonstandard_ok=self.nonstandard_ok)
        self.peer = chosen
        return chosen

    def answer(self, offer_sdp, suite=None, section=0, **kwargs):
        """As the answerer: picks the offered line for `suite` (default: the first offered
        line of a suite libsrtp2 does right, see standard()), keys reception with it, re-keys
        sending with the same suite and tag, and returns the answer SDP."""
        if suite is None:
            known = [c for c in parse_crypto(offer_sdp)[section]
                     if c.suite.upper() in (s.upper() for s in SUITES) and
                     (self.nonstandard_ok or standard(c.suite))]
            if not known:
                raise ValueError("no usable a=crypto in the offer:\n%s" % offer_sdp)
            suite = known[0].suite
        chosen = self.accept(offer_sdp, section, suite=suite)
        self.set_local(chosen.suite, chosen.tag)
        return self.sdp(**kwargs)

    # -- media --

    def send(self, to, count=5, start=0, ssrc=0x1234, payload=None, interval=0.0, pt=0):
        """`count` SRTP packets (RTP sequence from `start`) to `to`; returns the plain RTP."""
        sent = []
        for i in range(count):
            if i and interval:
                time.sleep(interval)
            body = payload if payload is not None else struct.pack("!I", start + i) * 40
            plain = media.rtp_packet(start + i, ssrc=ssrc, pt=pt, payload=body)
            self.party.rtp.sendto(self.tx.protect(plain), to)
            sent.append(plain)
        return sent

    def send_rtcp(self, to, rtcp=None, ssrc=0x1234):
        """One SRTCP packet (default: an empty receiver report) to `to`; returns the plain."""
        plain = rtcp if rtcp is not None else media.rtcp_packet(ssrc)
        self.party.rtcp.sendto(self.tx.protect_rtcp(plain), to)
        return plain

    def receive(self, timeout=1.0, want=None, rtcp=False):
        """(plain packet, source) for every datagram that decrypts, until `want` of them came
        or `timeout` passed; failures are appended to self.errors."""
        sock = self.party.rtcp if rtcp else self.party.rtp
        got = []
        deadline = time.monotonic() + timeout
        while want is None or len(got) < want:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            for data, source in self.party.receive(sock=sock, timeout=left, want=1):
                try:
                    plain = self.rx.unprotect_rtcp(data) if rtcp else self.rx.unprotect(data)
                except SrtpError as e:
                    self.errors.append(e)
                    continue
                got.append((plain, source))
        return got

    def close(self):
        for ctx in (self.tx, self.rx):
            if ctx:
                ctx.close()
        self.party.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
