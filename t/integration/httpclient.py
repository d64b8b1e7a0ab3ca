"""HTTP helpers for the tests of --listen-http: a daemon with an HTTP port, plain requests
and a Prometheus text parser. Python 3 standard library only."""

import http.client
import re
import socket


def free_tcp_port(host="127.0.0.1"):
    """A TCP port that was free a moment ago (bind to port 0, read it, close)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


class HttpArgs:
    """extra_args for daemon.Daemon: picks a new free HTTP port on every start attempt and
    remembers it."""

    def __init__(self, *extra):
        self.extra = list(extra)
        self.port = None

    def __call__(self, _ng_port):
        self.port = free_tcp_port()
        return ["--listen-http=127.0.0.1:%d" % self.port] + self.extra


def request(port, method, path, body=None, headers=None, timeout=5):
    """(status, headers dict with lower-case names, body bytes)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        conn.close()


SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse_metrics(text):
    """{(name, frozenset of (label, value)): float} of every sample, plus the families as
    {name: (type, help)} in the order they came."""
    samples, families = {}, {}
    for line in text.splitlines():
        if line.startswith("# HELP "):
            name, _, help_text = line[7:].partition(" ")
            families.setdefault(name, [None, help_text])[1] = help_text
        elif line.startswith("# TYPE "):
            name, _, kind = line[7:].partition(" ")
            families.setdefault(name, [kind, None])[0] = kind
        elif line and not line.startswith("#"):
            m = SAMPLE.match(line)
            if not m:
                raise AssertionError("not a sample line: %r" % line)
            labels = frozenset(LABEL.findall(m.group(3) or ""))
            samples[(m.group(1), labels)] = float(m.group(4))
    return samples, {k: tuple(v) for k, v in families.items()}


def value(samples, name, **labels):
    """The sample of `name` whose labels include `labels`, summed over the others."""
    want = set(labels.items())
    return sum(v for (n, ls), v in samples.items() if n == name and want <= set(ls))
