"""A real redis-server from Debian's package for the HA tests: on a free loopback TCP port,
without persistence, in its own temporary directory; stopped and started again on the same
port to play Redis going away. `cli(*args)` runs redis-cli against it."""

import os
import shutil
import socket
import subprocess
import tempfile
import time

SERVER = "/usr/bin/redis-server"
CLI = "/usr/bin/redis-cli"


def free_tcp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    def __init__(self, password=None):
        if not os.path.exists(SERVER):
            raise AssertionError("%s missing: install redis-server (make deps)" % SERVER)
        self.port = free_tcp_port()
        self.password = password
        self.dir = tempfile.mkdtemp(prefix="rtprelay-redis-")
        self.proc = None

    def spec(self, db=0):
        """--redis's value for database `db`."""
        auth = self.password + "@" if self.password else ""
        return "%s127.0.0.1:%d/%d" % (auth, self.port, db)

    def start(self):
        args = [SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no", "--dir", self.dir, "--daemonize", "no",
                "--notify-keyspace-events", "KA"]
        if self.password:
            args += ["--requirepass", self.password]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                if self.cli("PING").strip() == "PONG":
                    return self
            except subprocess.CalledProcessError:
                pass
            time.sleep(0.05)
        raise AssertionError("redis-server did not answer on port %d" % self.port)

    def stop(self):
        if self.proc:
            self.proc.kill()
            self.proc.wait()
            self.proc = None

    def close(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def cli(self, *args, db=0):
        cmd = [CLI, "-p", str(self.port), "-n", str(db)]
        if self.password:
            cmd += ["--no-auth-warning", "-a", self.password]
        return subprocess.run(cmd + list(args), check=True, capture_output=True, text=True,
                              timeout=5).stdout

    def keys(self, pattern="*", db=0):
        return sorted(k for k in self.cli("--scan", "--pattern", pattern, db=db).split() if k)

    def get(self, key, db=0):
        return self.cli("GET", key, db=db).rstrip("\n")
