"""Minimal ng protocol client: bencode codec and `cookie SP body` over UDP.

Python 3 standard library only.
"""

import json
import os
import select
import socket
import time

DEFAULT_TIMEOUT = 2.0  # seconds for a reply that must arrive
NO_REPLY_TIMEOUT = 0.3  # seconds to wait when no reply is expected


# --- bencode -------------------------------------------------------------------------------


class BencodeError(ValueError):
    pass


def bencode(value):
    """Encodes int, bytes, str (as UTF-8), list/tuple and dict (keys bytes or str, in the
    dict's own order) to bytes."""
    out = bytearray()
    _encode(value, out)
    return bytes(out)


def _encode(value, out):
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, int):
        out += b"i%de" % value
    elif isinstance(value, (bytes, bytearray)):
        out += b"%d:" % len(value)
        out += value
    elif isinstance(value, str):
        _encode(value.encode("utf-8"), out)
    elif isinstance(value, (list, tuple)):
        out += b"l"
        for item in value:
            _encode(item, out)
        out += b"e"
    elif isinstance(value, dict):
        out += b"d"
        for key, item in value.items():
            if isinstance(key, str):
                key = key.encode("utf-8")
            if not isinstance(key, (bytes, bytearray)):
                raise TypeError("bencode dictionary keys must be bytes or str")
            _encode(bytes(key), out)
            _encode(item, out)
        out += b"e"
    else:
        raise TypeError("cannot bencode %r" % type(value))


def bdecode(data):
    """Decodes one complete bencoded value; strings and keys come back as bytes. Raises
    BencodeError on malformed input or trailing data."""
    if not isinstance(data, (bytes, bytearray)):
        raise TypeError("bdecode needs bytes")
    value, pos = _decode(bytes(data), 0, 0)
    if pos != len(data):
        raise BencodeError("trailing data at offset %d" % pos)
    return value


def _decode_int(data, pos, terminator):
    end = data.find(terminator, pos)
    if end < 0:
        raise BencodeError("unterminated number at offset %d" % pos)
    text = data[pos:end]
    if not text or not (text.isdigit() or (text[:1] == b"-" and text[1:].isdigit())):
        raise BencodeError("bad number %r at offset %d" % (text, pos))
    return int(text), end + 1


def _decode(data, pos, depth):
    if depth > 100:
        raise BencodeError("nested too deep")
    if pos >= len(data):
        raise BencodeError("truncated at offset %d" % pos)
    c = data[pos:pos + 1]
    if c == b"i":
        return _decode_int(data, pos + 1, b"e")
    if c.isdigit():
        length, pos = _decode_int(data, pos, b":")
        if length < 0 or pos + length > len(data):
            raise BencodeError("string runs past the end")
        return data[pos:pos + length], pos + length
    if c == b"l":
        pos += 1
        items = []
        while True:
            if pos >= len(data):
                raise BencodeError("truncated list")
            if data[pos:pos + 1] == b"e":
                return items, pos + 1
            item, pos = _decode(data, pos, depth + 1)
            items.append(item)
    if c == b"d":
        pos += 1
        items = {}
        while True:
            if pos >= len(data):
                raise BencodeError("truncated dictionary")
            if data[pos:pos + 1] == b"e":
                return items, pos + 1
            key, pos = _decode(data, pos, depth + 1)
            if not isinstance(key, bytes):
                raise BencodeError("dictionary key is not a string")
            item, pos = _decode(data, pos, depth + 1)
            items[key] = item
    raise BencodeError("unexpected byte %r at offset %d" % (c, pos))


# --- framing -------------------------------------------------------------------------------


_cookie_counter = 0


def new_cookie(prefix="t"):
    """A cookie unique within this test run (the daemon caches replies by cookie)."""
    global _cookie_counter
    _cookie_counter += 1
    return ("%s%d-%d-%s" % (prefix, os.getpid(), _cookie_counter, os.urandom(3).hex())).encode()


def split_reply(datagram):
    """Splits `cookie SP body`; raises ValueError when there is no space."""
    space = datagram.find(b" ")
    if space <= 0:
        raise ValueError("reply without a cookie: %r" % datagram[:200])
    return datagram[:space], datagram[space + 1:]


class NoReply(AssertionError):
    pass


class NgClient:
    """One UDP socket talking to one ng address."""

    def __init__(self, address, family=None):
        host, port = address[0], address[1]
        if family is None:
            family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.family = family
        self.address = (host, port)
        self.sock = socket.socket(family, socket.SOCK_DGRAM)
        self.sock.bind(("::1", 0) if family == socket.AF_INET6 else ("127.0.0.1", 0))

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def send_raw(self, datagram):
        self.sock.sendto(datagram, self.address)

    def recv_raw(self, timeout=DEFAULT_TIMEOUT):
        """The next datagram as (data, source address), or None after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self.sock], [], [], left)
            if ready:
                try:
                    return self.sock.recvfrom(70000)
                except ConnectionRefusedError:
                    continue  # a stale ICMP error; keep waiting

    def drain(self):
        """Discards whatever is queued on the socket; returns how many datagrams."""
        n = 0
        while self.recv_raw(0.0001 if n else 0.05) is not None:
            n += 1
        return n

    def exchange(self, datagram, timeout=DEFAULT_TIMEOUT):
        """Sends a raw datagram and returns the raw reply; raises NoReply on timeout."""
        self.send_raw(datagram)
        got = self.recv_raw(timeout)
        if got is None:
            raise NoReply("no reply within %.1f s to %r" % (timeout, datagram[:200]))
        return got[0]

    def expect_no_reply(self, datagram, timeout=NO_REPLY_TIMEOUT):
        """Sends a datagram and returns the unexpected reply, or None if none came."""
        self.send_raw(datagram)
        got = self.recv_raw(timeout)
        return None if got is None else got[0]

    def request_raw(self, cookie, body, timeout=DEFAULT_TIMEOUT):
        """Sends `cookie SP body` (both bytes) and returns the reply body after checking that
        the reply carries the same cookie."""
        reply = self.exchange(cookie + b" " + body, timeout)
        got_cookie, reply_body = split_reply(reply)
        if got_cookie != cookie:
            raise AssertionError("reply cookie %r != request cookie %r" % (got_cookie, cookie))
        return reply_body

    def request(self, message, timeout=DEFAULT_TIMEOUT, cookie=None):
        """Sends a dict bencoded and returns the decoded reply dict (bytes keys/values)."""
        cookie = cookie or new_cookie()
        return bdecode(self.request_raw(cookie, bencode(message), timeout))

    def request_json(self, message, timeout=DEFAULT_TIMEOUT, cookie=None):
        """Sends a dict (or a raw JSON text) as JSON and returns the decoded reply."""
        cookie = cookie or new_cookie()
        body = message if isinstance(message, (bytes, str)) else json.dumps(message)
        if isinstance(body, str):
            body = body.encode()
        return json.loads(self.request_raw(cookie, body, timeout))

    def ping(self, timeout=DEFAULT_TIMEOUT):
        """True when a bencoded ping gets result=pong."""
        return self.request({"command": "ping"}, timeout).get(b"result") == b"pong"

    def ping_json(self, timeout=DEFAULT_TIMEOUT):
        return self.request_json({"command": "ping"}, timeout).get("result") == "pong"


def ping_once(address, timeout=0.2):
    """One ping attempt; True on pong, False on silence or anything else."""
    try:
        with NgClient(address) as c:
            return c.ping(timeout)
    except (OSError, ValueError, AssertionError):
        return False
