"""RTP Bleed: a stranger who aims RTP/RTCP at a call's relay ports never receives the call's
media, in every learning mode (docs/security.md, "Endpoint learning").

The ringing attack: after the offer a stranger sends two packets to the caller-facing port,
waits three seconds (the old learning window), sends two more; the caller stays silent. The
racing attack: both parties already talk, the caller from behind a NAT (another address than
its SDP names), while a stranger floods the caller-facing port with short bursts. The stranger
lives on 127.0.0.2 and the caller's NAT on 127.0.0.3, so neither shares the SDP's host."""

import threading
import time

import media
from media import Party, rtcp_packet
from test_calls import CallTestCase, PORTS, answer_msg, offer_msg


class BleedTests:
    """Mixed into one class per learning mode: `mode` for --endpoint-learning, `flags` for
    the offer, `learns_nat` whether the caller's NAT address is learned at all."""

    mode = "delayed"
    flags = []
    learns_nat = True

    def stranger(self):
        p = Party(host="127.0.0.2")
        self.parties.append(p)
        return p

    def offer(self, cid, a):
        extra = {"flags": self.flags} if self.flags else {}
        return media.media_port(self.sdp_of(self.ok(offer_msg(cid, "A", a.sdp(), **extra))))

    def answer(self, cid, b):
        return media.media_port(self.sdp_of(self.ok(answer_msg(cid, "A", "B", b.sdp()))))

    def endpoint(self, cid, tag, index):
        q = self.ok({"command": "query", "call-id": cid})
        stream = q[b"tags"][tag][b"medias"][0][b"streams"][index]
        ep = stream.get(b"endpoint", {})
        return ep.get(b"address"), ep.get(b"port")

    def test_ringing_attack(self):
        a, b, x = self.party(), self.party(), self.stranger()
        cid = self.call_id()
        port_b = self.offer(cid, a)  # the port the callee will send to
        # The caller-facing port, which the stranger guesses (the test asks for it).
        q = self.ok({"command": "query", "call-id": cid})
        port_a = q[b"tags"][b"A"][b"medias"][0][b"streams"][0][b"local port"]
        for _ in range(2):
            x.send(("127.0.0.1", port_a), count=2, start=100)
            x.send(("127.0.0.1", port_a + 1), count=2, sock=x.rtcp, packet=rtcp_packet)
            time.sleep(3.1)
        self.assertEqual(self.answer(cid, b), port_a)
        b.send(("127.0.0.1", port_b), count=10)
        b.send(("127.0.0.1", port_b + 1), count=3, sock=b.rtcp, packet=rtcp_packet)
        self.assertEqual(len(a.receive(want=10)), 10, "the caller did not get the media")
        self.assertEqual(len(a.receive(sock=a.rtcp, want=3)), 3, "nor the RTCP")
        self.assertEqual(x.receive(timeout=0.3), [], "the stranger got RTP")
        self.assertEqual(x.receive(sock=x.rtcp, timeout=0.1), [], "the stranger got RTCP")
        self.assertNotEqual(self.endpoint(cid, b"A", 0), (b"127.0.0.2", x.port))
        self.assertNotEqual(self.endpoint(cid, b"A", 1), (b"127.0.0.2", x.port + 1))

    def test_racing_attack(self):
        a, b, x = self.party(), self.party(), self.stranger()
        nat = Party(host="127.0.0.3")  # where the caller's packets really come from
        self.parties.append(nat)
        cid = self.call_id()
        port_b = self.offer(cid, a)
        q = self.ok({"command": "query", "call-id": cid})
        port_a = q[b"tags"][b"A"][b"medias"][0][b"streams"][0][b"local port"]
        stop_flood = threading.Event()

        def flood():
            seq = 1000
            while not stop_flood.is_set():
                x.send(("127.0.0.1", port_a), count=2, start=seq)
                seq += 2
                time.sleep(0.005)

        threads = [threading.Thread(target=nat.talk, args=(("127.0.0.1", port_a), 6.0)),
                   threading.Thread(target=flood)]
        for t in threads:
            t.start()
        try:
            time.sleep(0.2)
            self.answer(cid, b)
            talk_b = threading.Thread(target=b.talk, args=(("127.0.0.1", port_b), 5.6))
            talk_b.start()
            time.sleep(3.0)
            stop_flood.set()
            talk_b.join()
        finally:
            stop_flood.set()
            for t in threads:
                t.join()
        self.assertEqual(x.receive(timeout=0.3), [], "the stranger got the callee's media")
        endpoint = self.endpoint(cid, b"A", 0)
        self.assertNotEqual(endpoint[0], b"127.0.0.2")
        q = self.ok({"command": "query", "call-id": cid})
        contested = q[b"tags"][b"A"][b"medias"][0][b"streams"][0][b"learning contested"]
        if self.learns_nat:
            self.assertGreater(contested, 0, "the race went unnoticed")
        if self.learns_nat:
            self.assertGreater(len(nat.receive(timeout=0.3)), 0,
                               "the caller's NAT address was never learned")
            self.assertEqual(endpoint, (b"127.0.0.3", nat.port))
        else:
            self.assertGreater(len(a.receive(timeout=0.3)), 0)


class DelayedLearningBleedTest(BleedTests, CallTestCase):
    daemon_args = PORTS + ["--delete-delay=0", "--endpoint-learning=delayed"]


class ImmediateLearningBleedTest(BleedTests, CallTestCase):
    daemon_args = PORTS + ["--delete-delay=0", "--endpoint-learning=immediate"]


class HeuristicLearningBleedTest(BleedTests, CallTestCase):
    daemon_args = PORTS + ["--delete-delay=0", "--endpoint-learning=heuristic"]


class StrictSourceBleedTest(BleedTests, CallTestCase):
    daemon_args = PORTS + ["--delete-delay=0"]
    flags = ["strict-source"]


class NoLearningBleedTest(BleedTests, CallTestCase):
    daemon_args = PORTS + ["--delete-delay=0", "--endpoint-learning=off"]
    learns_nat = False


class PortAllocationTest(CallTestCase):
    def test_ports_are_not_handed_out_in_order(self):
        """Sequential ports let a stranger guess the next call's port; random ones do not."""
        a = self.party()
        ports = []
        for _ in range(12):
            r = self.ok(offer_msg(self.call_id(), "A", a.sdp()))
            ports.append(media.media_port(self.sdp_of(r)))
        steps = {later - earlier for earlier, later in zip(ports, ports[1:])}
        self.assertFalse(steps <= {2, 4}, "ports in order: %r" % ports)
        self.assertTrue(all(p % 2 == 0 and 37000 <= p <= 37998 for p in ports), ports)
