"""Many clients signalling at once while media flows and calls time out: the daemon must
answer every request correctly and stop cleanly (run under ThreadSanitizer by make test, this
is what looks for races between the control thread and the media threads)."""

import threading
import time

import common
import media
import ngclient
from media import Party
from test_calls import answer_msg, offer_msg

PORTS = ["--port-min=20000", "--port-max=29999"]


class StressTest(common.DaemonTestCase):
    def test_concurrent_signalling_media_and_timeouts(self):
        d = self.start_daemon(PORTS + ["--delete-delay=0", "--timeout=1", "--offer-timeout=1"])
        errors = []
        counts = []

        def worker(n):
            c = ngclient.NgClient(d.address)
            a, b = Party(), Party()
            done = 0
            try:
                deadline = time.monotonic() + 2
                i = 0
                while time.monotonic() < deadline:
                    i += 1
                    cid = "w%d-%d" % (n, i)
                    r1 = c.request(offer_msg(cid, "A", a.sdp()))
                    r2 = c.request(answer_msg(cid, "A", "B", b.sdp()))
                    if r1[b"result"] != b"ok" or r2[b"result"] != b"ok":
                        errors.append((cid, r1, r2))
                        continue
                    port_a = media.media_port(r2[b"sdp"].decode())
                    a.send(("127.0.0.1", port_a), count=2)
                    if i % 3 == 0:
                        continue  # left to time out
                    q = c.request({"command": "query", "call-id": cid})
                    if q[b"result"] != b"ok":
                        errors.append((cid, q))
                    r = c.request({"command": "delete", "call-id": cid})
                    if r[b"result"] != b"ok":
                        errors.append((cid, r))
                    done += 1
                    c.request({"command": "offer", "call-id": "u%d-%d" % (n, i), "from-tag": "A",
                               "sdp": a.sdp()})  # never answered
            except Exception as e:  # reported below, with the others
                errors.append(repr(e))
            finally:
                counts.append(done)
                c.close()
                a.close()
                b.close()

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        self.assertGreater(sum(counts), 20)
        c = self.client(d)
        deadline = time.monotonic() + 6
        while time.monotonic() < deadline and c.request({"command": "list"})[b"calls"]:
            time.sleep(0.3)
        self.assertEqual(c.request({"command": "list"})[b"calls"], [], "calls did not time out")
        self.assertStillServing(d)
