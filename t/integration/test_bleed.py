"""RTP Bleed: a stranger who aims RTP/RTCP at a call's relay ports never receives the call's
media, in every learning mode (docs/security.md, "Endpoint learning").

The ringing attack: after the offer a stranger sends two packets to the caller-facing RTP and
RTCP ports, waits three seconds (the old learning window), sends two more; the caller stays
silent. The racing attack: both parties already talk, the caller from behind a NAT (another
address than its SDP names), while a stranger floods the caller-facing port with short bursts.
The stranger lives on 127.0.0.2 and the caller's NAT on 127.0.0.3, so neither shares the SDP's
host. Each attack runs against one daemon per mode at once (the scenarios are mostly waiting),
each mode a subtest."""

import threading
import time

import common
import media
from media import Party, rtcp_packet
from test_calls import CallTestCase, PORTS, answer_msg, offer_msg  # noqa: F401 (PORTS)


class Mode:
    """One learning mode under attack: its daemon, its client, and what it should learn."""

    def __init__(self, name, args, flags=(), learns_nat=True):
        self.name = name
        self.args = args
        self.flags = list(flags)
        self.learns_nat = learns_nat
        self.client = None
        self.parties = []

    def party(self, host="127.0.0.1"):
        p = Party(host=host)
        self.parties.append(p)
        return p

    def ok(self, msg):
        r = self.client.request(msg)
        assert r.get(b"result") == b"ok", r
        return r

    def offer(self, cid, a):
        extra = {"flags": self.flags} if self.flags else {}
        r = self.ok(offer_msg(cid, "A", a.sdp(), **extra))
        return media.media_port(r[b"sdp"].decode())

    def answer(self, cid, b):
        self.ok(answer_msg(cid, "A", "B", b.sdp()))

    def caller_stream(self, cid, index=0):
        q = self.ok({"command": "query", "call-id": cid})
        return q[b"tags"][b"A"][b"medias"][0][b"streams"][index]

    def endpoint(self, cid, index=0):
        ep = self.caller_stream(cid, index).get(b"endpoint", {})
        return ep.get(b"address"), ep.get(b"port")


def ringing_attack(m):
    a, b, x = m.party(), m.party(), m.party("127.0.0.2")
    cid = "ringing-%s-%f" % (m.name, time.time())
    port_b = m.offer(cid, a)  # the port the callee will send to
    port_a = m.caller_stream(cid)[b"local port"]  # the port the stranger guesses
    for burst in range(2):
        if burst:
            time.sleep(3.1)
        x.send(("127.0.0.1", port_a), count=2, start=100 + 2 * burst)
        x.send(("127.0.0.1", port_a + 1), count=2, sock=x.rtcp, packet=rtcp_packet)
    m.answer(cid, b)
    b.send(("127.0.0.1", port_b), count=10)
    b.send(("127.0.0.1", port_b + 1), count=3, sock=b.rtcp, packet=rtcp_packet)
    assert len(a.receive(want=10)) == 10, "the caller did not get the media"
    assert len(a.receive(sock=a.rtcp, want=3)) == 3, "nor the RTCP"
    assert x.receive(timeout=0.3) == [], "the stranger got RTP"
    assert x.receive(sock=x.rtcp, timeout=0.1) == [], "the stranger got RTCP"
    assert m.endpoint(cid, 0)[0] != b"127.0.0.2", m.endpoint(cid, 0)
    assert m.endpoint(cid, 1)[0] != b"127.0.0.2", m.endpoint(cid, 1)


def racing_attack(m):
    a, b, x = m.party(), m.party(), m.party("127.0.0.2")
    nat = m.party("127.0.0.3")  # where the caller's packets really come from
    cid = "racing-%s-%f" % (m.name, time.time())
    port_b = m.offer(cid, a)
    port_a = m.caller_stream(cid)[b"local port"]
    stop_flood = threading.Event()

    def flood():
        seq = 1000
        while not stop_flood.is_set():
            x.send(("127.0.0.1", port_a), count=2, start=seq)
            seq += 2
            time.sleep(0.005)

    # The old learning window ran 3 s from the first packet (the NAT's, just before the
    # answer): the flood covers it, then stops so that the NAT may be learned.
    threads = [threading.Thread(target=nat.talk, args=(("127.0.0.1", port_a), 5.6)),
               threading.Thread(target=flood)]
    for t in threads:
        t.start()
    try:
        time.sleep(0.2)
        m.answer(cid, b)
        talk_b = threading.Thread(target=b.talk, args=(("127.0.0.1", port_b), 5.2))
        talk_b.start()
        time.sleep(3.0)
        stop_flood.set()
        talk_b.join()
    finally:
        stop_flood.set()
        for t in threads:
            t.join()
    assert x.receive(timeout=0.3) == [], "the stranger got the callee's media"
    stream = m.caller_stream(cid)
    endpoint = m.endpoint(cid)
    assert endpoint[0] != b"127.0.0.2", endpoint
    if m.learns_nat:
        assert stream[b"learning contested"] > 0, "the race went unnoticed"
        assert len(nat.receive(timeout=0.3)) > 0, "the caller's NAT address was never learned"
        assert endpoint == (b"127.0.0.3", nat.port), endpoint
    else:
        assert len(a.receive(timeout=0.3)) > 0, "the caller's SDP address got nothing"


class BleedTest(common.DaemonTestCase):
    def modes(self):
        base = ["--delete-delay=0"]
        modes = [Mode("delayed", base + ["--endpoint-learning=delayed"]),
                 Mode("immediate", base + ["--endpoint-learning=immediate"]),
                 Mode("heuristic", base + ["--endpoint-learning=heuristic"]),
                 Mode("strict-source", base, flags=["strict-source"]),
                 Mode("off", base + ["--endpoint-learning=off"], learns_nat=False)]
        for i, m in enumerate(modes):
            low = 37000 + 200 * i
            d = self.start_daemon(m.args + ["--port-min=%d" % low, "--port-max=%d" % (low + 199)])
            m.client = self.client(d)
            self.addCleanup(lambda m=m: [p.close() for p in m.parties])
        return modes

    def attack_every_mode(self, scenario):
        modes = self.modes()
        failures = {}

        def run(m):
            try:
                scenario(m)
            except Exception as e:  # pylint: disable=broad-except; reported per mode below
                failures[m.name] = e

        threads = [threading.Thread(target=run, args=(m,)) for m in modes]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for m in modes:
            with self.subTest(mode=m.name):
                if m.name in failures:
                    raise failures[m.name]

    def test_ringing_attack(self):
        self.attack_every_mode(ringing_attack)

    def test_racing_attack(self):
        self.attack_every_mode(racing_attack)


class PortAllocationTest(CallTestCase):
    daemon_args = PORTS + ["--delete-delay=0"]

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
