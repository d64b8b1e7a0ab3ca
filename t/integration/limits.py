"""Helpers shared by test_limits, test_drain and test_systemd: media port ranges no other test
run holds, offers with and without Kamailio's `supports: ["load limit"]`, a SIP OPTIONS probe,
and waiting for what the relay samples or handles asynchronously (a signal, the once-a-second
load figures). Python 3 standard library only."""

import random
import socket
import time

from test_sip import options_request, parse_response

WAIT = 10.0  # seconds before a state the relay must reach counts as never reached


def port_range(pairs):
    """--port-min/--port-max for `pairs` even/odd pairs that are free on 127.0.0.1 now: a
    random place in the range, so parallel test runs (and other helpers) do not meet."""
    for _ in range(100):
        base = random.randrange(44000, 59000, 2)
        socks = []
        try:
            for port in range(base, base + 2 * pairs):
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                socks.append(s)
                s.bind(("127.0.0.1", port))
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
        return ["--port-min=%d" % base, "--port-max=%d" % (base + 2 * pairs - 1)]
    raise AssertionError("no free media port range found")


def offer(call_id, sdp, supports=True, from_tag="A"):
    m = {"command": "offer", "call-id": call_id, "from-tag": from_tag, "sdp": sdp}
    if supports:
        m["supports"] = ["load limit"]
    return m


def answer(call_id, sdp, from_tag="A", to_tag="B"):
    return {"command": "answer", "call-id": call_id, "from-tag": from_tag, "to-tag": to_tag,
            "sdp": sdp}


def options_status(client):
    """The status line the relay answers a SIP OPTIONS probe on its ng port with."""
    status, _ = parse_response(client.exchange(options_request()))
    return status


def admission(client):
    """statistics' `admission` dictionary (limits, sampled figures, refusals by reason)."""
    return client.request({"command": "statistics"})[b"statistics"][b"rtprelay"][b"admission"]


def until(test, what, predicate, timeout=WAIT):
    """Polls predicate() until it returns a true value, which it returns; fails the test with
    `what` if that takes longer than `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            test.fail("%s: not reached within %.0f s" % (what, timeout))
        time.sleep(0.1)
