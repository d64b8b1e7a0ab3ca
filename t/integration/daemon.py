"""Starts and stops the real rtprelayd binary for the integration tests.

The binary is $RTPRELAYD (relative paths are taken from the repository root), default
build/rtprelayd. Each daemon's stderr goes to a temporary file, named in every failure
message; it is deleted after a clean stop unless RTPRELAYD_KEEP_LOGS is set.
$RTPRELAYD_START_TIMEOUT (seconds, default 5) bounds the wait for the first ping reply.
Python 3 standard library only.
"""

import os
import signal
import socket
import subprocess
import tempfile
import time

import ngclient

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

START_TIMEOUT = float(os.environ.get("RTPRELAYD_START_TIMEOUT", "5"))
STOP_TIMEOUT = 5.0
RUN_TIMEOUT = 10.0
BIND_RETRIES = 5

# Lines a sanitizer build prints when it finds a bug; a clean exit must not contain them.
SANITIZER_MARKERS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
                     "WARNING: AddressSanitizer", "ThreadSanitizer")


def binary():
    path = os.environ.get("RTPRELAYD", "build/rtprelayd")
    if not os.path.isabs(path):
        path = os.path.join(REPO_ROOT, path)
    return path


def media_io_args(extra):
    """--media-io=$RTPRELAYD_MEDIA_IO where the environment names an engine and the test does
    not choose one itself: make test runs the suites once on each (docs/architecture.md)."""
    engine = os.environ.get("RTPRELAYD_MEDIA_IO")
    if not engine or any(str(a).startswith("--media-io") for a in extra):
        return []
    return ["--media-io=" + engine]


def free_udp_port(host="127.0.0.1"):
    """A UDP port that was free a moment ago (bind to port 0, read it, close)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_DGRAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def ipv6_loopback_works():
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


def sanitizer_report(text):
    for marker in SANITIZER_MARKERS:
        if marker in text:
            return marker
    return None


def tail(text, lines=40):
    return "\n".join(text.splitlines()[-lines:])


class RunResult:
    def __init__(self, returncode, stdout, stderr):
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr

    def __repr__(self):
        return "RunResult(rc=%r, stdout=%r, stderr=%r)" % (
            self.returncode, self.stdout[-2000:], self.stderr[-2000:])


def run(args, timeout=RUN_TIMEOUT):
    """Runs the binary with `args` to completion; returns its exit code, stdout and stderr
    (text). The process is killed, and AssertionError raised, if it takes longer than
    `timeout` seconds."""
    cmd = [binary()] + list(args)
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        raise AssertionError("%s did not finish within %.0f s" % (cmd, timeout)) from e
    return RunResult(p.returncode, p.stdout.decode("utf-8", "replace"),
                     p.stderr.decode("utf-8", "replace"))


class DaemonError(AssertionError):
    pass


class Daemon:
    """One rtprelayd in the foreground, started with

        --config-file=CONFIG --table=-1 --foreground --log-stderr [--listen-ng=127.0.0.1:PORT]
        EXTRA...

    on a free port. `extra_args` is a list or a callable taking the port and returning a
    list (so extra ports can be picked again on a retry). `prepare(port)`, if given, runs
    before each attempt (to write a config file naming the port, for instance). With
    listen_ng=False no --listen-ng is passed and the caller's config must make the daemon
    listen on 127.0.0.1:PORT. `preexec_fn` runs in the child before the exec (a seccomp
    filter, for instance).

    Use as a context manager or call start()/stop(). stop() checks the exit code is 0."""

    def __init__(self, extra_args=(), listen_ng=True, config_file="none", prepare=None,
                 start_timeout=START_TIMEOUT, preexec_fn=None):
        self.extra_args = extra_args
        self.preexec_fn = preexec_fn
        self.listen_ng = listen_ng
        self.config_file = config_file
        self.prepare = prepare
        self.start_timeout = start_timeout
        self.proc = None
        self.port = None
        self.args = None
        self.stderr_path = None
        self._stderr_file = None
        self.returncode = None
        self.checked = False

    @property
    def address(self):
        return ("127.0.0.1", self.port)

    @property
    def pid(self):
        return self.proc.pid

    def client(self):
        return ngclient.NgClient(self.address)

    def command_line(self, port):
        extra = self.extra_args(port) if callable(self.extra_args) else list(self.extra_args)
        args = ["--config-file=%s" % self.config_file, "--table=-1", "--foreground",
                "--log-stderr"]
        if self.listen_ng:
            args.append("--listen-ng=127.0.0.1:%d" % port)
        return [binary()] + args + media_io_args(extra) + extra

    def start(self):
        last = ""
        for _attempt in range(BIND_RETRIES):
            port = free_udp_port()
            if self.prepare:
                self.prepare(port)
            self._open_stderr()
            self.port = port
            self.checked = False
            self.args = self.command_line(port)
            self.proc = subprocess.Popen(self.args, stdin=subprocess.DEVNULL,
                                         stdout=self._stderr_file, stderr=self._stderr_file,
                                         cwd=REPO_ROOT, preexec_fn=self.preexec_fn)
            outcome = self._wait_ready()
            if outcome == "ready":
                return self
            last = self.stderr_text()
            if outcome == "exited" and "cannot listen" in last and "bind" in last:
                continue  # somebody took the port in between; pick another
            break
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        raise DaemonError("rtprelayd did not become ready (%s; exit code %r)\ncommand: %s\n"
                          "stderr (%s):\n%s" % (outcome, self.proc.returncode,
                                                " ".join(self.args), self.stderr_path,
                                                tail(last)))

    def _open_stderr(self):
        if self._stderr_file:
            self._stderr_file.close()
            os.unlink(self.stderr_path)
        fd, self.stderr_path = tempfile.mkstemp(prefix="rtprelayd-", suffix=".stderr")
        self._stderr_file = os.fdopen(fd, "wb")

    def _wait_ready(self):
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return "exited"
            if ngclient.ping_once(self.address, timeout=0.2):
                return "ready"
            time.sleep(0.05)
        return "no ping reply within %.1f s" % self.start_timeout

    def stderr_text(self):
        if not self.stderr_path:
            return ""
        with open(self.stderr_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def send_signal(self, sig):
        self.proc.send_signal(sig)

    def wait(self, timeout=STOP_TIMEOUT):
        """Waits for the process to exit; returns the exit code or raises DaemonError."""
        try:
            self.returncode = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise DaemonError("rtprelayd did not exit within %.0f s\nstderr (%s):\n%s" % (
                timeout, self.stderr_path, tail(self.stderr_text())))
        return self.returncode

    def stop(self, sig=signal.SIGTERM, timeout=STOP_TIMEOUT):
        """Sends `sig` and checks the daemon exits with code 0 within `timeout` seconds and
        printed no sanitizer report. Idempotent."""
        if self.proc is None or self.checked:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        rc = self.wait(timeout)
        self.check_clean_exit(rc, "after %s" % signal.Signals(sig).name)

    def check_clean_exit(self, rc, when):
        self.checked = True
        text = self.stderr_text()
        if rc != 0:
            raise DaemonError("rtprelayd exited with %r %s\nstderr (%s):\n%s" % (
                rc, when, self.stderr_path, tail(text)))
        marker = sanitizer_report(text)
        if marker:
            raise DaemonError("rtprelayd printed %r\nstderr (%s):\n%s" % (
                marker, self.stderr_path, tail(text, 80)))
        self.cleanup_files()

    def kill(self):
        """Kills without checks (for clean-up after a failed test)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def cleanup_files(self):
        """Removes the stderr capture after a clean stop, unless RTPRELAYD_KEEP_LOGS is set."""
        if self._stderr_file and os.environ.get("RTPRELAYD_KEEP_LOGS"):
            self._stderr_file.close()
            self._stderr_file = None
        if self._stderr_file:
            self._stderr_file.close()
            self._stderr_file = None
            try:
                os.unlink(self.stderr_path)
            except OSError:
                pass

    def __enter__(self):
        return self.start()

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.stop()
        else:
            self.kill()
