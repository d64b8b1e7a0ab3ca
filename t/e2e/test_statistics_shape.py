#!/usr/bin/env python3
"""The ng `statistics` reply of rtprelayd against Debian's rtpengine 10.5, key path by key path.

    python3 t/e2e/test_statistics_shape.py [-q] [test name ...]

Both relays start with t/e2e/harness.py's relay_argv() (userspace, one interface on
127.0.0.1), each on a free ng port and a free media range, and go through the same small flow:
a call offered, answered and carrying RTP both ways, query, list, a second call offered,
the first deleted. Then each answers `statistics`. A key path is the chain of dictionary keys
from the top, with `[]` for "an element of this list" (statistics.controlstatistics.proxies[].
offercount). The test fails on any path rtpengine answers with that rtprelayd lacks, on a path
whose value is of another type (integer, string, list, dictionary) in the two replies, and on a
path only rtprelayd has outside statistics.rtprelay, its own sub-key. It also checks that
figures the flow fixes (sessions, commands counted) agree between the two.

Relays: $RTPENGINE (default /usr/bin/rtpengine) and $RTPRELAYD (default build/rtprelayd).
The last line is `statistics-shape: N passed, N failed`; the exit code is non-zero on failure.
"""

import os
import random
import shutil
import socket
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "integration"))
import harness as h  # noqa: E402
import media  # noqa: E402

MEDIA_PORTS = 100  # per relay: plenty for two calls
OURS = "statistics.rtprelay"


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bound_udp_ports():
    """Local ports of every UDP socket, read once (the tables can be long on a busy box)."""
    ports = set()
    for path in ("/proc/net/udp", "/proc/net/udp6"):
        try:
            with open(path) as f:
                for line in f.readlines()[1:]:
                    ports.add(int(line.split()[1].rsplit(":", 1)[1], 16))
        except OSError:
            pass
    return ports


def free_media_range(taken):
    """An even first port of MEDIA_PORTS ports that nothing has bound and that does not
    overlap `taken` (ranges chosen already)."""
    bound = bound_udp_ports()
    for _ in range(200):
        first = random.randrange(20000, 60000 - MEDIA_PORTS, 2)
        last = first + MEDIA_PORTS - 1
        if any(first <= t_last and t_first <= last for t_first, t_last in taken):
            continue
        if not bound.intersection(range(first, last + 1)):
            return first, last
    raise AssertionError("no free range of %d UDP ports" % MEDIA_PORTS)


def text(v):
    return v.decode() if isinstance(v, bytes) else v


def kind_of(v):
    if isinstance(v, dict):
        return "dictionary"
    if isinstance(v, list):
        return "list"
    if isinstance(v, int):
        return "integer"
    return "string"


def key_paths(value, prefix="", out=None):
    """{path: type name} for every dictionary key and list element below `value`."""
    out = {} if out is None else out
    if isinstance(value, dict):
        for k, v in value.items():
            path = "%s.%s" % (prefix, text(k)) if prefix else text(k)
            out[path] = kind_of(v)
            key_paths(v, path, out)
    elif isinstance(value, list):
        for v in value:
            out[prefix + "[]"] = kind_of(v)
            key_paths(v, prefix + "[]", out)
    return out


class Relay:
    def __init__(self, kind, workdir, taken):
        self.kind = kind
        self.ng_port = free_udp_port()
        self.media = free_media_range(taken)
        taken.append(self.media)
        self.proc = h.Proc(kind, h.relay_argv(kind, self.ng_port, *self.media), workdir)
        self.ng = h.NgClient(self.ng_port, label="test -> " + kind)
        h.wait_for(lambda: not self.proc.running() or self.ng.alive(), 15,
                   what="%s to answer ping on %d" % (kind, self.ng_port))
        if not self.proc.running():
            raise AssertionError("%s exited at start-up\n%s" % (kind, self.proc.output(40)))

    def statistics_after_flow(self):
        """The `statistics` reply after the flow in the module's docstring."""
        ng = self.ng
        a, b = media.Party(), media.Party()
        try:
            offer = ng.ok("offer", call_id="shape-1", from_tag="A", sdp=a.sdp())
            a_side = media.media_port(text(offer["sdp"]))
            answer = ng.ok("answer", call_id="shape-1", from_tag="A", to_tag="B", sdp=b.sdp())
            b_side = media.media_port(text(answer["sdp"]))
            for n in range(3):  # each way, waiting for arrival so both have relayed them
                a.send(("127.0.0.1", b_side), count=1, start=n)
                b.send(("127.0.0.1", a_side), count=1, start=n)
                if len(b.receive(want=1)) != 1 or len(a.receive(want=1)) != 1:
                    raise AssertionError("%s did not relay RTP packet %d" % (self.kind, n))
            ng.ok("query", call_id="shape-1")
            ng.ok("list")
            ng.ok("offer", call_id="shape-2", from_tag="A", sdp=a.sdp())
            ng.ok("delete", call_id="shape-1")
            return ng.ok("statistics")
        finally:
            a.close()
            b.close()

    def stop(self):
        self.proc.stop()


class StatisticsShapeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.workdir = tempfile.mkdtemp(prefix="statistics-shape-")
        cls.replies, relays, taken = {}, [], []
        try:
            for kind in ("rtpengine", "rtprelayd"):
                relays.append(Relay(kind, cls.workdir, taken))
            for relay in relays:
                cls.replies[relay.kind] = relay.statistics_after_flow()
        except BaseException:
            for relay in relays:
                print(relay.proc.output(tail=30))
            raise
        finally:
            for relay in relays:
                relay.stop()
        shutil.rmtree(cls.workdir, ignore_errors=True)

    def paths(self, kind):
        return key_paths(self.replies[kind])

    def test_every_rtpengine_path_is_there(self):
        ours, theirs = self.paths("rtprelayd"), self.paths("rtpengine")
        missing = sorted(set(theirs) - set(ours))
        self.assertEqual(missing, [], "rtprelayd lacks %d of rtpengine's %d key paths" %
                         (len(missing), len(theirs)))

    def test_values_have_rtpengine_types(self):
        ours, theirs = self.paths("rtprelayd"), self.paths("rtpengine")
        differ = ["%s: %s, rtpengine %s" % (p, ours[p], t) for p, t in sorted(theirs.items())
                  if p in ours and ours[p] != t]
        self.assertEqual(differ, [])

    def test_extra_paths_only_under_our_key(self):
        ours, theirs = self.paths("rtprelayd"), self.paths("rtpengine")
        stray = sorted(p for p in set(ours) - set(theirs)
                       if p != OURS and not p.startswith(OURS + "."))
        self.assertEqual(stray, [])
        self.assertIn(OURS + ".forwarding", ours)
        self.assertIn(OURS + ".ng.retransmissions", ours)

    def test_the_flow_counts_alike(self):
        def figures(kind):
            st = self.replies[kind]["statistics"]
            control = st["controlstatistics"]
            proxy = control["proxies"][0]
            return {
                "sessions": st["currentstatistics"]["sessionstotal"],
                "managed": st["totalstatistics"]["managedsessions"],
                "deleted": st["totalstatistics"]["regularterminatedsessions"],
                "relayed": st["totalstatistics"]["relayedpackets"],
                "user": st["totalstatistics"]["relayedpackets_user"],
                # not pings: both were pinged until they answered at start-up
                "commands": {k: control[k] for k in ("totaloffercount",
                                                     "totalanswercount", "totalquerycount",
                                                     "totallistcount", "totaldeletecount",
                                                     "totalstatscount")},
                "proxy": text(proxy["proxy"]),
                "proxy offers": proxy["offercount"],
                "proxies": len(control["proxies"]),
                "interfaces": len(st["interfaces"]),
            }
        ours, theirs = figures("rtprelayd"), figures("rtpengine")
        self.assertEqual(ours, theirs)
        self.assertEqual(ours["relayed"], 6)


def main(argv):
    verbosity, names = 2, []
    for arg in argv:
        if arg in ("-q", "--quiet"):
            verbosity = 1
        elif arg in ("-h", "--help"):
            print(__doc__.strip())
            return 0
        else:
            names.append(arg)
    os.chdir(h.ROOT)
    loader = unittest.TestLoader()
    module = sys.modules[__name__]
    suite = loader.loadTestsFromNames(names, module) if names else \
        loader.loadTestsFromModule(module)
    started = time.monotonic()
    result = unittest.TextTestRunner(stream=sys.stdout, verbosity=verbosity).run(suite)
    failed = len(result.failures) + len(result.errors)
    passed = result.testsRun - failed - len(result.skipped)
    if result.testsRun == 0:
        failed = max(failed, 1)
    print("statistics-shape: %.1f s" % (time.monotonic() - started))
    print("statistics-shape: %d passed, %d failed" % (passed, failed), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
