"""rtprelay-ctl-proxy for the integration tests: started like a Daemon (same readiness check,
same clean-exit and sanitizer checks), from the same build folder as the rtprelayd under test
(build/asan/rtprelay-ctl-proxy beside build/asan/rtprelayd), in front of the given nodes."""

import os

import daemon


def binary():
    return os.path.join(os.path.dirname(daemon.binary()), "rtprelay-ctl-proxy")


class Proxy(daemon.Daemon):
    """`nodes` are --node values; `extra` more options. The ng port is picked like a
    daemon's, and kept across restart() so that clients can stay."""

    def __init__(self, nodes, extra=()):
        super().__init__()
        self.nodes = list(nodes)
        self.extra = list(extra)
        self.fixed_port = None

    def command_line(self, port):
        if self.fixed_port:
            port = self.port = self.fixed_port
        return [binary(), "--config-file=none", "--log-stderr", "--log-level=7",
                "--listen-ng=127.0.0.1:%d" % port] + \
            ["--node=" + n for n in self.nodes] + self.extra

    def restart(self):
        self.stop()
        self.fixed_port = self.port
        return self.start()
