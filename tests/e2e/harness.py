"""What kagent's end-to-end tests share: a tiny test registry, the local
Firehose endpoint (tools/endpoint.py) and the agent as subprocesses, and a
config writer.  Python 3 standard library only.

A test script:

    import harness
    from harness import test, Endpoint, Agent, write_conf, wait_until

    @test
    def delivers_lines(tmp):             # tmp: a fresh directory (optional)
        with Endpoint(tmp) as ep:
            ...
            conf = tmp + "/kagent.conf"
            write_conf(conf, ep, [{"filePattern": .., "deliveryStream": "s1"}])
            with Agent(harness.kagent(), conf) as ag:
                wait_until(lambda: len(ep.records()) == 3, 10)

    harness.run()

Run as `python3 tests/e2e/test_x.py BUILD_DIR [NAME...]` from the repo root;
BUILD_DIR (e.g. build/host) holds the kagent binary; NAMEs, when given, pick
tests by substring.  KAGENT_RUN, when set, is a command prefix every agent is
started through (`KAGENT_RUN=qemu-mips` runs a big-endian MIPS build under
qemu-user; tests/run.sh sets it for `make test CROSS=...`).  Output: `ok NAME` or `FAIL NAME: reason` per test, then
`N passed, N failed`; exit status 1 if anything failed.  A failed test's
directory is kept and its path printed.
"""
import atexit
import base64
import inspect
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ENDPOINT = os.path.join(ROOT, "tools", "endpoint.py")
STS = os.path.join(ROOT, "tools", "sts.py")
IOTCREDS = os.path.join(ROOT, "tools", "iotcreds.py")
TESTCA = os.path.join(ROOT, "tools", "testca.sh")

# The command prefix agents run through (see above); a static binary needs
# no -L for qemu-user.
RUN = os.environ.get("KAGENT_RUN", "").split()
# KAGENT_SANITIZED=1 (tests/run.sh, `make test SANITIZE=1`): the agent is an
# ASan+UBSan build on glibc, so its RSS holds the sanitizers' shadow memory
# and its error texts are glibc's.
SANITIZED = os.environ.get("KAGENT_SANITIZED") == "1"

# Credentials the endpoint accepts and write_conf() puts in the config.
ACCESS_KEY = "AKIDKAGENTE2ETEST"
SECRET_KEY = "kagent/e2e+SecretKey0123456789abcdefghij"
REGION = "us-east-1"

# ---------------------------------------------------------------- registry

_tests = []


def test(fn=None, *, timeout=120, sanitize=True):
    """Registers a test: @test or @test(timeout=S).  A test taking one
    argument gets a fresh temporary directory.  sanitize=False: a test of
    what only the static binary can do (run under RLIMIT_AS, inside a
    chroot, as a package), not run against the ASan build."""
    def reg(f):
        if sanitize or not SANITIZED:
            _tests.append((f.__name__, f, timeout))
        return f
    return reg(fn) if fn is not None else reg


class _Timeout(Exception):
    pass


def _on_alarm(signum, frame):
    raise _Timeout("test took too long")


def build_dir():
    return sys.argv[1] if len(sys.argv) > 1 else os.path.join("build", "host")


def kagent():
    """Path of the kagent binary under test (BUILD_DIR/kagent)."""
    return os.path.join(build_dir(), "kagent")


def command(binary, *args):
    """The command line that runs binary with args (through KAGENT_RUN)."""
    return RUN + [binary] + list(args)


def run():
    """Runs the registered tests (or those named on the command line after
    BUILD_DIR) and exits: 0 if all passed, 1 otherwise."""
    picks = sys.argv[2:]
    passed = failed = 0
    signal.signal(signal.SIGALRM, _on_alarm)
    for name, fn, timeout in _tests:
        if picks and not any(p in name for p in picks):
            continue
        tmp = None
        try:
            args = ()
            if len(inspect.signature(fn).parameters) >= 1:
                tmp = tempfile.mkdtemp(prefix="kagent-e2e-%s-" % name)
                args = (tmp,)
            signal.alarm(timeout)
            try:
                fn(*args)
            finally:
                signal.alarm(0)
        except Exception as e:
            failed += 1
            reason = str(e).splitlines()[0] if str(e) else type(e).__name__
            print("FAIL %s: %s" % (name, reason), flush=True)
            traceback.print_exc(file=sys.stdout)
            if tmp:
                print("  (files kept in %s)" % tmp)
            sys.stdout.flush()
            continue
        passed += 1
        print("ok %s" % name, flush=True)
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed), flush=True)
    sys.exit(1 if failed else 0)


def wait_until(pred, timeout, interval=0.05, msg=None):
    """Polls pred() until it returns something true, and returns that.
    Raises AssertionError after timeout seconds, so a forgotten assert
    cannot turn a timeout into a pass."""
    end = time.monotonic() + timeout
    while True:
        v = pred()
        if v:
            return v
        if time.monotonic() >= end:
            raise AssertionError(msg or "condition not met within %gs" % timeout)
        time.sleep(interval)

# ---------------------------------------------------------------- lines


def lines(a, b):
    """Numbered lines [a, b): b"%08d\n" each, 9 bytes a line."""
    return [b"%08d\n" % i for i in range(a, b)]


def flow(path, stream="s1", **kw):
    """A flow (config dict) following path from its start, a batch going
    once its oldest record is 1 s old; kw adds or overrides keys."""
    f = {"filePattern": path, "deliveryStream": stream, "initialPosition": "START_OF_FILE",
         "maxBufferAgeMillis": 1000}
    f.update(kw)
    return f


def append(path, a, b):
    with open(path, "ab") as f:
        f.write(b"".join(lines(a, b)))


def kflow(path, stream, **kw):
    """A Kinesis flow following path from its start."""
    f = {"filePattern": path, "kinesisStream": stream, "initialPosition": "START_OF_FILE",
         "maxBufferAgeMillis": 1000}
    f.update(kw)
    return f


def stats_line(err, stream):
    """The last USR1 / exit counters line of a flow."""
    ls = [l for l in err.splitlines() if l.startswith("kagent: %s: read " % stream)]
    assert ls, err
    return ls[-1]


def failed_out(path):
    """The endpoint's --failed-out lines, data decoded."""
    with open(path, "rb") as f:
        recs = [json.loads(l) for l in f.read().split(b"\n")[:-1]]
    for r in recs:
        r["data"] = base64.b64decode(r["data"])
    return recs


def numbers(recs):
    """The numbers of records made by lines()."""
    return [int(r) for r in recs]


def count(ep):
    """How many records endpoint ep has accepted so far (cheap: counts
    the lines of its output file)."""
    with open(ep.out, "rb") as f:
        return f.read().count(b"\n")


class Writer(threading.Thread):
    """Appends numbered lines [a, b) to path in chunks, at a high rate.

    reopen: open, append and close per chunk (as a logger that reopens its
    file does), so after a rename the next chunk goes to a new file at
    path; otherwise the file stays open (O_APPEND: after a truncation the
    writer goes on at the new end).  lock: held while a chunk is written,
    so a rotation done under it never falls in the middle of one.  The
    chunks keep to a schedule (chunk k at k * pause, the time spent waiting
    for the lock left out), not to pauses after each, so a loaded machine's
    late wake-ups do not slow the rate."""

    def __init__(self, path, a, b, chunk=1000, pause=0.005, reopen=False, lock=None):
        super().__init__(daemon=True)
        self.path, self.a, self.b, self.chunk, self.pause = path, a, b, chunk, pause
        self.reopen = reopen
        self.lock = lock or threading.Lock()

    def run(self):
        f = None if self.reopen else open(self.path, "ab")
        t0 = time.monotonic()
        try:
            for k, i in enumerate(range(self.a, self.b, self.chunk)):
                data = b"".join(lines(i, min(i + self.chunk, self.b)))
                waited = time.monotonic()
                with self.lock:
                    t0 += time.monotonic() - waited
                    if self.reopen:
                        with open(self.path, "ab") as g:
                            g.write(data)
                    else:
                        f.write(data)
                        f.flush()
                time.sleep(max(0.0, t0 + (k + 1) * self.pause - time.monotonic()))
        finally:
            if f:
                f.close()


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on (for an endpoint that
    is down now and comes up later at the same address)."""
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_status(pid, key):
    """A number of /proc/PID/status: VmRSS, VmHWM (KiB), voluntary_ctxt_switches, ..."""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise AssertionError("/proc/%d/status has no %s" % (pid, key))

# ---------------------------------------------------------------- certificates

_certdir = None


def certdir():
    """Directory with ca.pem, server.pem, server.key, other-ca.pem; made
    once per run by tools/testca.sh."""
    global _certdir
    if _certdir is None:
        d = tempfile.mkdtemp(prefix="kagent-e2e-ca-")
        atexit.register(shutil.rmtree, d, True)
        subprocess.run(["sh", TESTCA, d], check=True, stdout=subprocess.DEVNULL)
        _certdir = d
    return _certdir

# ---------------------------------------------------------------- endpoint


class Endpoint:
    """tools/endpoint.py as a subprocess.

        Endpoint(tmpdir, tls=True, streams=None, **faults)

    faults are endpoint options with '_' for '-': partial=0.3, throttle=,
    unavailable=, error500=, drop=, drop_after=, slow=(P, SECONDS),
    clock_offset=, record_id_len=, seed=, idle_timeout=, max_requests=.
    Use as a context manager (or start()/stop())."""

    def __init__(self, tmpdir, tls=True, streams=None, port=0, **faults):
        self.tmpdir = tmpdir
        self.tls = tls
        self.want_port = port
        self.streams = list(streams) if streams else None
        self.faults = faults
        self.access_key, self.secret, self.region = ACCESS_KEY, SECRET_KEY, REGION
        self.out = os.path.join(tmpdir, "endpoint.out")
        self.log = os.path.join(tmpdir, "endpoint.log")
        self.metrics_out = os.path.join(tmpdir, "endpoint.metrics")
        self.stderr_path = os.path.join(tmpdir, "endpoint.stderr")
        self.ready = os.path.join(tmpdir, "endpoint.ready")
        self.ca = os.path.join(certdir(), "ca.pem") if tls else None
        self.other_ca = os.path.join(certdir(), "other-ca.pem") if tls else None
        self.proc = None
        self.port = None

    @property
    def url(self):
        if self.tls:
            return "https://localhost:%d" % self.port
        return "http://127.0.0.1:%d" % self.port

    @property
    def host(self):
        return "localhost" if self.tls else "127.0.0.1"

    def start(self, timeout=10):
        for p in (self.out, self.log, self.ready, self.metrics_out):
            if os.path.exists(p):
                os.unlink(p)
        cmd = [sys.executable, ENDPOINT, "--port", str(self.want_port), "--out", self.out,
               "--log", self.log, "--ready-file", self.ready, "--metrics-out", self.metrics_out,
               "--access-key", self.access_key, "--secret", self.secret,
               "--region", self.region]
        if self.tls:
            cmd += ["--tls", certdir()]
        if self.streams:
            cmd += ["--streams", ",".join(self.streams)]
        for k, v in self.faults.items():
            if isinstance(v, (tuple, list)):
                v = ":".join(str(x) for x in v)
            cmd += ["--" + k.replace("_", "-"), str(v)]
        open(self.out, "a").close()
        open(self.log, "a").close()
        self._errf = open(self.stderr_path, "w")
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=self._errf)
        end = time.monotonic() + timeout
        while not os.path.exists(self.ready):
            if self.proc.poll() is not None:
                raise RuntimeError("endpoint exited (%d): %s" % (self.proc.returncode,
                                   self.stderr().strip()))
            if time.monotonic() >= end:
                self.stop()
                raise RuntimeError("endpoint not ready within %gs" % timeout)
            time.sleep(0.02)
        with open(self.ready) as f:
            self.port = int(f.read())
        return self

    def stop(self, timeout=5):
        """Stops the endpoint (SIGTERM, then SIGKILL); returns its status."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._errf.close()
        return self.proc.returncode

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def _lines(self, path):
        with open(path, "rb") as f:
            data = f.read()
        # A line still being written has no newline yet: leave it out.
        return [json.loads(l) for l in data.split(b"\n")[:-1] if l]

    def records(self, stream=None):
        """Accepted records' data (bytes), in arrival order; only those of
        stream when given."""
        return [base64.b64decode(r["data"]) for r in self._lines(self.out)
                if stream is None or r["stream"] == stream]

    def metric_calls(self):
        """The accepted PutMetricData calls: {"t", "Namespace", "MetricData"}."""
        return self._lines(self.metrics_out) if os.path.exists(self.metrics_out) else []

    def record_entries(self):
        """Accepted records as (stream, data bytes)."""
        return [(r["stream"], base64.b64decode(r["data"])) for r in self._lines(self.out)]

    def requests(self):
        """The request log: one dict per request (t, status, records,
        failed, fault, error, bytes, conn)."""
        return self._lines(self.log)

    def stderr(self):
        with open(self.stderr_path, errors="replace") as f:
            return f.read()

class Service:
    """A server of tools/ (sts.py, iotcreds.py, proxy.py, dnsserver.py) as a subprocess, started
    with args (a list) plus --port, --ready-file and --log; ready once it
    wrote its port.  Use as a context manager; port=P restarts it where it
    was."""

    def __init__(self, tmpdir, script, name, args, port=0):
        self.script, self.args, self.want_port = script, list(args), port
        self.log = os.path.join(tmpdir, name + ".log")
        self.ready = os.path.join(tmpdir, name + ".ready")
        self.stderr_path = os.path.join(tmpdir, name + ".stderr")
        self.proc = None
        self.port = None

    def start(self, timeout=10):
        if os.path.exists(self.ready):
            os.unlink(self.ready)
        self._errf = open(self.stderr_path, "a")
        self.proc = subprocess.Popen([sys.executable, self.script, "--port", str(self.want_port),
                                      "--ready-file", self.ready, "--log", self.log] + self.args,
                                     stdout=subprocess.DEVNULL, stderr=self._errf)
        wait_until(lambda: os.path.exists(self.ready) or self.proc.poll() is not None, timeout)
        if self.proc.poll() is not None:
            raise RuntimeError("%s exited: %s" % (self.script, open(self.stderr_path).read()))
        with open(self.ready) as f:
            self.port = self.want_port = int(f.read())
        return self

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc:
            self._errf.close()

    def entries(self):
        """Its --log lines."""
        if not os.path.exists(self.log):
            return []
        with open(self.log, "rb") as f:
            return [json.loads(l) for l in f.read().split(b"\n")[:-1] if l]

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def issued(path):
    """The credentials a fake (sts.py, iotcreds.py) issued: its --issued lines."""
    if not os.path.exists(path):
        return []
    with open(path, "rb") as f:
        return [json.loads(l) for l in f.read().split(b"\n")[:-1] if l]

# ---------------------------------------------------------------- agent


class Agent:
    """kagent as a subprocess: `WRAPPER... binary -c conf_path ARGS...`
    (wrapper: e.g. ["qemu-arm"] for a binary of another architecture;
    KAGENT_RUN's prefix when not given).

    env: extra environment variables (the AWS_* and proxy ones of the
    caller's environment are removed first, so a developer's credentials or
    proxy never leak into a test).  stdout and stderr go to files next to the config."""

    def __init__(self, binary, conf_path, args=(), env=None, wrapper=(), user=None):
        self.cmd = (list(wrapper) or RUN) + [binary, "-c", conf_path] + list(args)
        self.user = user
        base = {k: v for k, v in os.environ.items()
                if not k.startswith("AWS_") and k.lower() not in ("https_proxy", "no_proxy")}
        base.update(env or {})
        self.env = base
        d = os.path.dirname(os.path.abspath(conf_path))
        n = 0
        while os.path.exists(os.path.join(d, "agent%d.stderr" % n)):
            n += 1
        self.stderr_path = os.path.join(d, "agent%d.stderr" % n)
        self.stdout_path = os.path.join(d, "agent%d.stdout" % n)
        self.proc = None

    def start(self):
        self._out = open(self.stdout_path, "wb")
        self._err = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen(self.cmd, env=self.env, stdin=subprocess.DEVNULL,
                                     stdout=self._out, stderr=self._err, user=self.user)
        return self

    @property
    def pid(self):
        return self.proc.pid

    def alive(self):
        return self.proc.poll() is None

    def wait(self, timeout):
        """Waits for the agent to exit; returns its status (negative: killed
        by that signal).  Raises AssertionError if it is still running."""
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError("kagent still running after %gs; stderr:\n%s"
                                 % (timeout, self.stderr()[-2000:]))

    def kill(self, sig=signal.SIGTERM):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)

    def stderr(self):
        with open(self.stderr_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def stdout(self):
        with open(self.stdout_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self._out.close()
        self._err.close()

# ---------------------------------------------------------------- config


def write_conf(path, endpoint, flows, **top):
    """Writes a kagent config (the Kinesis Agent's agent.json keys) for
    endpoint and returns it as a dict.  top adds or overrides top-level keys
    (pass **{"firehose.endpoint": ...} for dotted names); a value of None
    removes the key.  endpoint may be None (no endpoint keys)."""
    d = os.path.dirname(os.path.abspath(path))
    conf = {
        "awsAccessKeyId": ACCESS_KEY,
        "awsSecretAccessKey": SECRET_KEY,
        "awsRegion": REGION,
        "checkpointFile": os.path.join(d, "checkpoints"),
    }
    if endpoint is not None:
        conf["awsAccessKeyId"] = endpoint.access_key
        conf["awsSecretAccessKey"] = endpoint.secret
        conf["awsRegion"] = endpoint.region
        conf["firehose.endpoint"] = endpoint.url
        conf["kinesis.endpoint"] = endpoint.url     # the local endpoint answers both APIs
        if endpoint.ca:
            conf["caFile"] = endpoint.ca
    conf["flows"] = list(flows)
    conf["cloudwatch.emitMetrics"] = False
    if top.pop("metrics", False):
        conf["cloudwatch.emitMetrics"] = True
        conf["cloudwatch.endpoint"] = endpoint.url
    for k, v in top.items():
        if v is None:
            conf.pop(k, None)
        else:
            conf[k] = v
    tmp = path + ".tmp"
    # 0600, as make install and the packages leave it: it holds a secret
    with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
        json.dump(conf, f, indent=2)
        f.write("\n")
    os.replace(tmp, path)
    return conf


# ---------------------------------------------------------------- checkpoints

def fingerprint(path):
    """src/tail.c's fingerprint: FNV-1a (64 bits) of the first 1,024 bytes."""
    with open(path, "rb") as f:
        data = f.read(1024)
    h = 14695981039346656037
    for b in data:
        h = ((h ^ b) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return len(data), "%016x" % h


def ckpt_text(entries):
    """A checkpoint file as src/ckpt.c writes it; entries: (dev, ino, fplen, fphash, off, path)."""
    return "kagent-checkpoint 2\n%send %d\n" % (
        "".join("%d %d %d %s %d %s\n" % e for e in entries), len(entries))


def ckpt_entry(path, off, name=None):
    st = os.stat(path)
    return (st.st_dev, st.st_ino) + fingerprint(path) + (off, name or path)


def deliver_once(tmp, data, flow_of, binary=None, ep_faults=None, **kw):
    """Writes data to tmp/app.log, sends it through one flow (flow_of(path,
    **kw): flow or a Kinesis flow of stream k1) to a local endpoint with
    ep_faults, and exits (--once); asserts kagent exited 0 with the file's
    end checkpointed.  Returns the endpoint (stopped) and kagent's stderr."""
    log = tmp + "/app.log"
    with open(log, "wb") as f:
        f.write(data)
    ep = Endpoint(tmp, **(ep_faults or {}))
    with ep:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow_of(log, **kw)])
        with Agent(binary or kagent(), conf, args=["--once=60"]) as ag:
            assert ag.wait(120) == 0, ag.stderr()[-2000:]
            err = ag.stderr()
    ck = read_ckpt(tmp + "/checkpoints")
    assert [e[4] for e in ck] == [len(data)], ck
    return ep, err


def read_ckpt(path):
    """The entries of a complete checkpoint file (asserts that it is one)."""
    with open(path) as f:
        text = f.read()
    ls = text.split("\n")
    assert len(ls) >= 3 and ls[0] == "kagent-checkpoint 2" and ls[-1] == "" and \
        ls[-2] == "end %d" % (len(ls) - 3), "not a complete checkpoint: %r" % text
    ents = []
    for l in ls[1:-2]:
        dev, ino, fplen, fphash, off, p = l.split(" ", 5)
        ents.append((int(dev), int(ino), int(fplen), fphash, int(off), p))
    return ents


def ckpt_complete(ck, files, name=None):
    """The checkpoint holds each of files that it names, at its whole size
    (files rotated away are named by the name they were followed under);
    the last of files, the one followed now, is there."""
    ents = read_ckpt(ck)
    by_ino = {os.stat(p).st_ino: p for p in files}
    for e in ents:
        assert e[1] in by_ino, "an entry of no file: %r" % (e,)
        p = by_ino[e[1]]
        assert e == ckpt_entry(p, os.path.getsize(p), name or p), (e, p)
    assert os.stat(files[-1]).st_ino in [e[1] for e in ents], ents


def poisoned(tmp, bad, n=2000):
    """Two files in tmp of n numbered lines, one for a Firehose flow (lines
    from 0) and one for a Kinesis flow (from 1,000,000); the lines at the
    indexes in bad say POISON, which the endpoint refuses with reject_data.
    Returns (Firehose path, its lines, Kinesis path, its lines)."""
    out = []
    for name, base in (("fh.log", 0), ("k.log", 1000000)):
        ls = [b"%08d POISON\n" % (base + i) if i in bad else b"%08d\n" % (base + i) for i in range(n)]
        with open(os.path.join(tmp, name), "wb") as f:
            f.write(b"".join(ls))
        out += [os.path.join(tmp, name), ls]
    return tuple(out)


def started(ag):
    """Waits until the agent has loaded its checkpoint and opened its files."""
    wait_until(lambda: "kagent: started:" in ag.stderr(), 10,
               msg="kagent did not start:\n" + ag.stderr()[-1500:])


def rotated_every_second(tmp, total, rotate, reopen=False, pattern="*"):
    """kagent following tmp/app.log + pattern from its start while a Writer
    appends lines [0, total) to tmp/app.log at ~2,000 lines/s (reopen:
    opening it per chunk) and rotate(n) runs every second under the
    writer's lock, n counting from 1; then kagent has 20 s to deliver them
    all, 2 s more for a repeat to show, and a TERM.  Returns (the endpoint,
    stopped; the rotations; kagent's stderr; the seconds the writer took)."""
    log = tmp + "/app.log"
    open(log, "wb").close()
    lock = threading.Lock()
    with Endpoint(tmp) as ep:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow(log + pattern)])
        with Agent(kagent(), conf) as ag:
            started(ag)
            w = Writer(log, 0, total, chunk=20, pause=0.01, reopen=reopen, lock=lock)
            t0 = time.monotonic()
            w.start()
            n = 0
            while w.is_alive():
                time.sleep(1)
                with lock:
                    n += 1
                    rotate(n)
            took = time.monotonic() - t0
            w.join()
            try:
                wait_until(lambda: count(ep) >= total, 20, interval=0.2)
            except AssertionError:
                pass                    # the caller says what is missing
            time.sleep(2)
            assert ag.alive(), ag.stderr()
            ag.kill(signal.SIGTERM)
            assert ag.wait(10) == 0, ag.stderr()
            return ep, n, ag.stderr(), took
