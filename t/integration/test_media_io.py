"""The media loops' I/O engine (--media-io): io_uring where the kernel and the process allow
it, epoll otherwise or when asked; `statistics` names the one running and why; a seccomp filter
like a container runtime's makes auto fall back to epoll with the refusal as its reason, and
makes a forced io_uring refuse to start; on both engines a port that goes back to the pool
reaches the next call with nothing of the old call's still reading it; and on io_uring a burst
larger than the loop's provided buffers ends the socket's multishot receive, which the loop arms
again, so the burst and what follows are relayed whole."""

import resource
import signal
import subprocess
import unittest

import common
import daemon
import seccomp
from media import Party, media_port

PACKETS = 40
# Streams bursting at once, and datagrams each: a receive takes at most 32 per pass (the
# kernel's retry limit), and BURST_CALLS times that is more than a media loop's buffer ring
# holds (UringEngine::kBuffers, 1024).
BURST_CALLS = 48
BURST = 64
IO_URING_CALLS = ["io_uring_setup", "io_uring_enter", "io_uring_register"]


def stats(c):
    return c.request({"command": "statistics"})[b"statistics"][b"rtprelay"]


class MediaIoTest(common.DaemonTestCase):
    def call(self, c, call_id, a, b):
        """Offer and answer; returns the relay's ports for A and for B."""
        r = c.request({"command": "offer", "call-id": call_id, "from-tag": "A", "sdp": a.sdp()})
        self.assertEqual(r[b"result"], b"ok", r)
        to_a = media_port(r[b"sdp"].decode())
        r = c.request({"command": "answer", "call-id": call_id, "from-tag": "A", "to-tag": "B",
                       "sdp": b.sdp()})
        self.assertEqual(r[b"result"], b"ok", r)
        return to_a, media_port(r[b"sdp"].decode())

    def parties(self):
        a, b = Party(), Party()
        self.addCleanup(a.close)
        self.addCleanup(b.close)
        return a, b

    def assertRelays(self, c, call_id):
        """A call whose PACKETS RTP packets each way all arrive, each from the relay's port
        facing its receiver (the port that receiver sends to); returns its ports and
        parties."""
        a, b = self.parties()
        to_a, to_b = self.call(c, call_id, a, b)
        for n in range(PACKETS):  # one at a time: learning sees them in order
            a.send(("127.0.0.1", to_b), count=1, start=n)
            self.assertEqual([src for _, src in b.receive(want=1)], [("127.0.0.1", to_a)],
                             "A -> B packet %d" % n)
            b.send(("127.0.0.1", to_a), count=1, start=n)
            self.assertEqual([src for _, src in a.receive(want=1)], [("127.0.0.1", to_b)],
                             "B -> A packet %d" % n)
        return (to_a, to_b), (a, b)

    def test_auto_takes_io_uring_where_the_kernel_allows_it(self):
        d = self.start_daemon(["--media-io=auto"])
        c = self.client(d)
        st = stats(c)
        if st[b"media io"] == b"epoll":  # this machine refuses it: auto must say why
            self.assertTrue(st[b"media io reason"].startswith(b"io_uring unavailable: "), st)
        else:
            self.assertEqual((st[b"media io"], st[b"media io reason"]),
                             (b"io_uring", b"available"))
        self.assertRelays(c, "auto")
        self.assertIn("media I/O: %s" % st[b"media io"].decode(), d.stderr_text())

    def test_forced_epoll_relays_and_says_so(self):
        d = self.start_daemon(["--media-io=epoll"])
        c = self.client(d)
        self.assertEqual((stats(c)[b"media io"], stats(c)[b"media io reason"]),
                         (b"epoll", b"--media-io=epoll"))
        self.assertRelays(c, "epoll")

    def test_forced_io_uring_relays_and_says_so(self):
        probe = self.start_daemon(["--media-io=auto"])
        if stats(self.client(probe))[b"media io"] != b"io_uring":
            self.skipTest("io_uring is not available here")
        d = self.start_daemon(["--media-io=io_uring"])
        c = self.client(d)
        self.assertEqual((stats(c)[b"media io"], stats(c)[b"media io reason"]),
                         (b"io_uring", b"--media-io=io_uring"))
        self.assertRelays(c, "uring")
        totals = c.request({"command": "statistics"})[b"statistics"][b"totalstatistics"]
        self.assertEqual(totals[b"relayedpackets_user"], 2 * PACKETS)
        self.assertEqual(totals[b"relayedpacketerrors"], 0)

    @unittest.skipUnless(seccomp.supported(), "the seccomp filter is written for x86-64")
    def test_a_seccomp_refusal_falls_back_to_epoll_with_its_reason(self):
        d = self.start_daemon(["--media-io=auto"], preexec_fn=seccomp.deny(IO_URING_CALLS))
        c = self.client(d)
        st = stats(c)
        self.assertEqual(st[b"media io"], b"epoll", st)
        self.assertIn(b"io_uring_setup refused", st[b"media io reason"])
        self.assertIn(b"Operation not permitted", st[b"media io reason"])
        self.assertIn("media I/O: epoll (io_uring unavailable: io_uring_setup refused",
                      d.stderr_text())
        self.assertRelays(c, "fallback")

    @unittest.skipUnless(seccomp.supported(), "the seccomp filter is written for x86-64")
    def test_forced_io_uring_under_a_seccomp_refusal_does_not_start(self):
        cmd = [daemon.binary(), "--config-file=none", "--table=-1", "--foreground",
               "--log-stderr", "--interface=127.0.0.1", "--media-io=io_uring",
               "--listen-ng=127.0.0.1:%d" % daemon.free_udp_port()]
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=10,
                           preexec_fn=seccomp.deny(IO_URING_CALLS))
        self.assertNotEqual(p.returncode, 0)
        self.assertIn(b"--media-io=io_uring: io_uring_setup refused", p.stderr)

    def reuse_ports(self, engine, park):
        """Two pairs of ports only: each call takes both, so the second call gets the
        first's ports the moment the first is deleted: its sockets, parked, or new ones
        bound where the old were closed, which a request left armed on them would keep
        bound. On io_uring the parked sockets come back in other places of the loop's file
        table: a place left to its former socket would send from the wrong port. Parking
        needs an open-files limit above the range plus 64, which `park` False takes away."""
        def few_files():
            resource.setrlimit(resource.RLIMIT_NOFILE, (67, 67))
        first = 41000 if park else 41004  # the daemon of the other case still holds its own
        d = self.start_daemon(["--media-io=" + engine, "--delete-delay=0",
                               "--port-min=%d" % first, "--port-max=%d" % (first + 3)],
                              preexec_fn=None if park else few_files)
        self.assertEqual("stops it from reusing the sockets" not in d.stderr_text(), park,
                         d.stderr_text())
        c = self.client(d)
        ports, (old_a, old_b) = self.assertRelays(c, "first")
        self.assertEqual(c.request({"command": "delete", "call-id": "first"})[b"result"], b"ok")
        # The call, and its ports with it, goes on its media loop after the reply.
        common.wait_for(lambda: c.request({"command": "statistics"})[b"statistics"]
                        [b"interfaces"][0][b"ports"][b"used"] == 0)
        again, _ = self.assertRelays(c, "second")
        self.assertEqual(sorted(again), sorted(ports))
        # Nothing of the second call reached the first call's phones.
        self.assertEqual(old_a.receive(timeout=0.2) + old_b.receive(timeout=0.2), [])
        st = c.request({"command": "statistics"})[b"statistics"][b"totalstatistics"]
        self.assertEqual(st[b"relayedpackets_user"], 4 * PACKETS)

    def test_a_port_reaches_the_next_call_whole_on_io_uring(self):
        probe = self.start_daemon(["--media-io=auto"])
        if stats(self.client(probe))[b"media io"] != b"io_uring":
            self.skipTest("io_uring is not available here")
        self.reuse_ports("io_uring", park=True)
        self.reuse_ports("io_uring", park=False)

    def test_a_burst_beyond_the_buffer_ring_is_relayed_whole_on_io_uring(self):
        """The relay is stopped (SIGSTOP) while BURST datagrams queue on each of BURST_CALLS
        sockets. Resumed, its loop's receives take up to 32 datagrams each per pass, more
        than the buffer ring holds together: the receives that find it dry end (ENOBUFS).
        Only receives armed again relay the rest of each burst and the packets after it."""
        probe = self.start_daemon(["--media-io=auto"])
        if stats(self.client(probe))[b"media io"] != b"io_uring":
            self.skipTest("io_uring is not available here")
        d = self.start_daemon(["--media-io=io_uring", "--socket-rcvbuf=%d" % (1 << 20)])
        c = self.client(d)
        calls = []
        for n in range(BURST_CALLS):
            a, b = self.parties()
            _, to_b = self.call(c, "burst-%d" % n, a, b)
            calls.append((a, b, to_b))
        d.send_signal(signal.SIGSTOP)
        try:
            for a, _, to_b in calls:
                a.send(("127.0.0.1", to_b), count=BURST)
        finally:
            d.send_signal(signal.SIGCONT)
        for n, (_, b, _) in enumerate(calls):
            self.assertEqual(len(b.receive(want=BURST, timeout=5)), BURST, "call %d" % n)
        for n, (a, b, to_b) in enumerate(calls):
            a.send(("127.0.0.1", to_b), count=1, start=BURST)
            self.assertEqual(len(b.receive(want=1)), 1, "call %d after the burst" % n)

    def test_a_port_reaches_the_next_call_whole_on_epoll(self):
        self.reuse_ports("epoll", park=True)
        self.reuse_ports("epoll", park=False)


if __name__ == "__main__":
    unittest.main()
