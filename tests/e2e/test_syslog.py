"""kagent's log: to syslog (-s / --syslog=SOCKET) in the classic format
busybox syslogd and OpenWrt's logd read, each kind of line with its
severity, never blocking on a full or missing socket; and text from outside
(a server's message, a file name) never forges a line, on stderr or syslog."""
import http.server
import json
import os
import re
import resource
import signal
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import (Agent, Endpoint, Writer, append, count, flow, lines, numbers,  # noqa: E402
                     test, wait_until)

# <PRI>Mmm dd hh:mm:ss kagent[pid]: message\n, one line, nothing after
LINE = re.compile(rb"<(\d{1,3})>kagent\[(\d+)\]: ([^\n]*)\n\Z")
DAEMON = 3
ERR, WARNING, INFO, DEBUG = 3, 4, 6, 7


def write_conf(path, endpoint, flows, **top):
    """harness.write_conf, the file then made 0600: it holds the secret key,
    and kagent says on stderr when others may read it (these tests want
    nothing there)."""
    harness.write_conf(path, endpoint, flows, **top)
    os.chmod(path, 0o600)


def allocs_binary():
    return os.path.join(harness.build_dir(), "kagent-allocs")


def listen(path):
    """A datagram socket bound at path, as busybox syslogd and logd make."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(path)
    return s


def drain(s):
    """Every datagram waiting on s."""
    got = []
    while True:
        try:
            got.append(s.recv(65536, socket.MSG_DONTWAIT))
        except BlockingIOError:
            return got


class Reader(threading.Thread):
    """Reads the datagrams of s as they come (a syslog daemon that keeps up)."""

    def __init__(self, s):
        super().__init__(daemon=True)
        self.s, self.got, self.done = s, [], False
        s.settimeout(0.05)
        self.start()

    def run(self):
        while not self.done:
            try:
                self.got.append(self.s.recv(65536))
            except socket.timeout:
                pass

    def stop(self):
        self.done = True
        self.join()
        self.s.setblocking(True)
        return self.got + drain(self.s)


def parse(datagrams, pid):
    """[(severity, message)] of datagrams, each checked: the format (no
    timestamp: the daemon adds its own), facility daemon, kagent's pid."""
    out = []
    for d in datagrams:
        m = LINE.match(d)
        assert m, "not a syslog line: %r" % d
        pri = int(m.group(1))
        assert pri >> 3 == DAEMON, d
        assert int(m.group(2)) == pid, (d, pid)
        msg = m.group(3).decode()
        assert not msg.startswith("kagent"), "the name twice: %r" % d
        out.append((pri & 7, msg))
    return out


def severity_of(parsed, pattern):
    """The severities of the messages matching pattern (at least one)."""
    sev = [s for s, m in parsed if re.search(pattern, m)]
    assert sev, "no line matches %r in %r" % (pattern, parsed)
    return set(sev)


def usr1_then_stop(ag):
    """A USR1 line, then TERM: kagent exits 0 having written nothing on stderr."""
    ag.kill(signal.SIGUSR1)
    time.sleep(0.3)
    ag.kill(signal.SIGTERM)
    assert ag.wait(10) == 0, ag.stderr()
    assert ag.stderr() == "", ag.stderr()


def allocs_after(parsed):
    m = [re.search(r"allocator calls: (\d+) during start-up, (\d+) after start-up", msg) for _, msg in parsed]
    m = [x for x in m if x]
    assert m, parsed[-5:]
    return int(m[-1].group(1)), int(m[-1].group(2))


@test(timeout=60)
def syslog_lines_format_facility_severity(tmp):
    """Each kind of line, in the format and with the severity logd shows as
    daemon.info / daemon.warn / daemon.debug; nothing on stderr."""
    log = tmp + "/app.log"
    reader = Reader(listen(tmp + "/log"))
    open(log, "wb").close()
    with Endpoint(tmp, tls=False, partial=0.5, seed=3) as ep:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow(log), flow(tmp + "/missing.log")])
        with Agent(allocs_binary(), conf, args=["-v", "--syslog=" + tmp + "/log"]) as ag:
            append(log, 0, 300)
            wait_until(lambda: count(ep) >= 300, 30, msg=ag.stderr())
            usr1_then_stop(ag)
            parsed = parse(reader.stop(), ag.pid)
        assert sorted(numbers(ep.records())) == list(range(300))
    assert severity_of(parsed, r"^started: 2 flow\(s\)") == {INFO}
    assert severity_of(parsed, r"missing\.log: cannot open, waiting for it$") == {WARNING}
    assert severity_of(parsed, r"^s1: \d+ of \d+ records failed \(.*\), retrying them$") == {DEBUG}
    assert severity_of(parsed, r"^s1: read \d+ records, sent") == {INFO}
    assert severity_of(parsed, r"^stopping: sending what is buffered") == {INFO}
    assert allocs_after(parsed)[1] == 0


@test(timeout=60, sanitize=False)
def syslog_error_line(tmp):
    """fatalx (here: the memory for a 64 MiB ring refused) is daemon.err;
    the pidfile goes at that exit too."""
    sock = listen(tmp + "/log")
    conf = tmp + "/k.conf"
    write_conf(conf, None, [flow(tmp + "/app.log", ringSizeBytes=64 << 20)],
               **{"firehose.endpoint": "http://127.0.0.1:9"})
    limit = 48 << 20

    def small():
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    p = subprocess.Popen([harness.kagent(), "-c", conf, "-s", "--syslog=" + tmp + "/log", "-p", tmp + "/pid"],
                         preexec_fn=small, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = p.communicate(timeout=20)
    assert p.returncode == 1, (p.returncode, err)
    assert err == b"", err
    parsed = parse(drain(sock), p.pid)
    assert [(s, m) for s, m in parsed if s == ERR] == [(ERR, "out of memory taking %d bytes" % (64 << 20))], parsed
    assert not os.path.exists(tmp + "/pid")


@test(timeout=90)
def syslog_missing_socket_then_back(tmp):
    """No socket at the path: lines are dropped and counted, records are
    delivered all the same; once a reader binds it, the next line is
    preceded by how many were dropped, and the exit says the total."""
    log = tmp + "/app.log"
    path = tmp + "/log"
    open(log, "wb").close()
    with Endpoint(tmp, tls=False) as ep:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow(log)])
        with Agent(allocs_binary(), conf, args=["--syslog=" + path, "-p", tmp + "/pid"]) as ag:
            wait_until(lambda: os.path.exists(tmp + "/pid"), 5)
            assert open(tmp + "/pid").read() == "%d\n" % ag.pid
            append(log, 0, 1000)
            ag.kill(signal.SIGUSR1)             # a line with nobody there
            wait_until(lambda: count(ep) >= 1000, 20, msg=ag.stderr())
            reader = Reader(listen(path))
            append(log, 1000, 2000)
            wait_until(lambda: count(ep) >= 2000, 20, msg=ag.stderr())
            usr1_then_stop(ag)
            parsed = parse(reader.stop(), ag.pid)
        assert numbers(ep.records()) == list(range(2000))
    assert not os.path.exists(tmp + "/pid")
    # the first line through says what went before it, the exit the total
    assert parsed[0][0] == WARNING, parsed[:2]
    m = re.fullmatch(r"(\d+) log lines dropped: the syslog socket (.*) did not take them "
                     r"\(No such file or directory\)", parsed[0][1])
    assert m and m.group(2) == path and int(m.group(1)) >= 2, parsed[0]   # "started:", the USR1 line
    # (the endpoint keeps the records before it answers: "sent" may lag)
    assert parsed[1][0] == INFO and parsed[1][1].startswith("s1: read 2000 records, sent "), parsed[1]
    total = [msg for s, msg in parsed if msg.startswith("syslog: ")]
    assert total == ["syslog: %s log lines dropped since the start (%s did not take them: "
                     "No such file or directory)" % (m.group(1), path)] * 2, total
    assert allocs_after(parsed)[1] == 0


def dgram_qlen():
    with open("/proc/sys/net/unix/max_dgram_qlen") as f:
        return int(f.read())


@test(timeout=180)
def syslog_full_socket_never_blocks(tmp):
    """A reader that reads nothing (its queue full, a small receive buffer):
    the loop goes on (every record delivered meanwhile), the lines it could
    not send are counted, and the count is said once the reader reads."""
    log = tmp + "/app.log"
    path = tmp + "/log"
    sock = listen(path)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
    open(log, "wb").close()
    with Endpoint(tmp, tls=False) as ep:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow(log, maxBufferAgeMillis=1000)])
        with Agent(allocs_binary(), conf, args=["--syslog=" + path]) as ag:
            time.sleep(0.3)
            w = Writer(log, 0, 30000, chunk=100, pause=0.01)
            w.start()
            # more lines than the socket's queue holds: one per USR1
            for _ in range(dgram_qlen() + 40):
                ag.kill(signal.SIGUSR1)
                time.sleep(0.01)
            w.join()
            wait_until(lambda: count(ep) >= 30000, 60, msg=ag.stderr())
            assert ag.alive()
            got = drain(sock)                   # the reader wakes up
            assert len(got) <= dgram_qlen() + 1, len(got)
            usr1_then_stop(ag)
            before = parse(got, ag.pid)
            after = parse(drain(sock), ag.pid)
        assert numbers(ep.records()) == list(range(30000))
    # (http:// to the endpoint: said once, at the start)
    assert all(msg.startswith(("started:", "s1: read ", "s1: http://127.0.0.1:%d: no TLS" % ep.port))
               for _, msg in before), before
    assert after[0][0] == WARNING, after[0]
    m = re.fullmatch(r"(\d+) log lines dropped: the syslog socket (.*) did not take them "
                     r"\(Resource temporarily unavailable\)", after[0][1])
    assert m and int(m.group(1)) > 0, after[0]
    # every line kagent wrote was either received or counted
    said = [msg for _, msg in before + after if msg.startswith("s1: read ")]
    assert len(said) + int(m.group(1)) >= dgram_qlen() + 40 - 5, (len(said), m.group(1))
    total = [msg for _, msg in after if msg.startswith("syslog: ")]
    assert total and all(t.startswith("syslog: %s log lines dropped since the start" % m.group(1))
                         for t in total), (total, m.group(1))
    assert allocs_after(after)[1] == 0


class Liar(http.server.BaseHTTPRequestHandler):
    """Answers every request 500, with a message made to look like a log
    line of its own and a terminal escape."""
    MESSAGE = "boom\n2026-01-01T00:00:00 kagent: s1: delivering again\x1b[2J\x1b[31m\x9b1m\x7f"

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = json.dumps({"__type": "InternalFailure", "message": self.MESSAGE}).encode()
        self.send_response(500)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


ESCAPED = r"boom\n2026-01-01T00:00:00 kagent: s1: delivering again\x1b[2J\x1b[31m\xc2\x9b1m\x7f"


def liar():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Liar)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


@test(timeout=60)
def log_injection_stays_one_line(tmp):
    """A server's message with a newline, a forged line and escapes, and a
    file name with the same: each is one line on stderr, the bytes shown
    escaped."""
    d = tmp + "/logs"
    os.mkdir(d)
    evil = d + "/x\n2026-01-01T00:00:00 kagent: forged\x1b]0;owned\x07.log"
    srv = liar()
    conf = tmp + "/k.conf"
    write_conf(conf, None, [flow(evil, maxBufferAgeMillis=1000)],
               **{"firehose.endpoint": "http://127.0.0.1:%d" % srv.server_address[1]})
    try:
        with Agent(harness.kagent(), conf) as ag:
            wait_until(lambda: "waiting for it" in ag.stderr(), 20, msg=ag.stderr())
            with open(evil, "wb") as f:
                f.write(b"a line\n")
            wait_until(lambda: "delivery failing" in ag.stderr(), 20, msg=ag.stderr())
            ag.kill(signal.SIGTERM)
            ag.wait(15)
            with open(ag.stderr_path, "rb") as f:
                err = f.read()
    finally:
        srv.shutdown()
    out = err.decode("utf-8")
    assert all(l.startswith("kagent: ") for l in out.splitlines()), out
    assert not re.search(rb"[\x00-\x09\x0b-\x1f\x7f]|\xc2[\x80-\x9f]", err), err
    shown = d + "/x\\n2026-01-01T00:00:00 kagent: forged\\x1b]0;owned\\x07.log"
    assert "kagent: warning: %s: cannot open, waiting for it\n" % shown in out, out
    assert "kagent: %s: found\n" % shown in out, out
    assert ("kagent: warning: s1: delivery failing (InternalFailure: %s); retrying with backoff\n" % ESCAPED) in out, out


@test(timeout=60)
def log_injection_syslog_one_datagram_one_line(tmp):
    """The same server message through syslog: busybox syslogd would split
    a datagram at its newlines; there are none but the last."""
    sock = listen(tmp + "/log")
    srv = liar()
    conf = tmp + "/k.conf"
    append(tmp + "/app.log", 0, 1)
    write_conf(conf, None, [flow(tmp + "/app.log", maxBufferAgeMillis=1000)],
               **{"firehose.endpoint": "http://127.0.0.1:%d" % srv.server_address[1]})
    try:
        with Agent(harness.kagent(), conf, args=["-s", "--syslog=" + tmp + "/log"]) as ag:
            got = []
            wait_until(lambda: got.extend(drain(sock)) or any(b"delivery failing" in d for d in got), 20)
            ag.kill(signal.SIGTERM)
            ag.wait(15)
            got += drain(sock)
            parsed = parse(got, ag.pid)
    finally:
        srv.shutdown()
    assert (WARNING, "s1: delivery failing (InternalFailure: %s); retrying with backoff" % ESCAPED) in parsed, parsed


harness.run()
