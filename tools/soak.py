"""make soak (not in CI): a long run with faults, to show that nothing
grows and nothing is lost.

RECORDS numbered lines (half to a Firehose flow, half to a Kinesis flow)
are written at a steady rate into two files, each renamed away and created
anew every ROTATE seconds, while kagent delivers them over TLS to the local
endpoint, which fails records (--partial), throttles whole requests
(--throttle), drops connections before answering (--drop) and after
accepting (--drop-after: those records are sent again, so they arrive
twice).  Once a second the driver samples kagent's VmRSS and its open file
descriptors (/proc/PID/fd); a thread watches the checkpoint file's inode
(every save renames a new file over it) to count checkpoint writes per
minute.  At the end it asserts:

  - every record arrived (at least once; duplicates are counted, and only
    drop-after faults may cause them: at most the records of those requests);
  - flat memory: the last quarter's largest VmRSS is at most the first
    half's plus 2 % (RSS grows while the rings, 1 MiB a flow, are written
    through the first time: about two minutes at the default rate; after
    that nothing may grow);
  - flat descriptors: leaving the followed files aside (a file rotated
    away stays open until it is read to its end, so their number follows
    the backlog), the last quarter's most open descriptors are at most the
    first half's (connections come and go; a leak only grows); once all is
    delivered, within LET_GO_S only the two live files are open;
  - flat checkpoint writes: no minute has more than 60,000 /
    checkpointIntervalMillis + 1 writes, and the last quarter's busiest
    minute has no more than the first half's busiest;
  - the log does not flood: no minute has more than LOG_PER_MIN lines;
  - the allocation-counting build made 0 allocator calls after start-up.

Prints the figures (the README's "Soak" paragraph quotes a run) and exits
1 if an assertion failed.

Usage: python3 tools/soak.py BUILD_DIR [--records N] [--rate LINES_PER_S]
       [--rotate SECONDS] [--keep]"""
import argparse
import base64
import json
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
from harness import Agent, Endpoint, Writer, flow, kflow, proc_status, started, write_conf  # noqa: E402

K = 10 ** 8                     # the Kinesis file's first line number
FAULTS = {"partial": 0.01, "throttle": 0.01, "drop": 0.005, "drop_after": 0.005}
LOG_PER_MIN = 120
JUDGE_S = 240           # a shorter run is too short to say what stays flat
LET_GO_S = 20           # after the last record, the rotated files are closed within this
CKPT_MS = 1000


class CkptWatch(threading.Thread):
    """Counts checkpoint writes: each one renames a new file (a new inode)
    over the checkpoint.  Polled every 20 ms: writes are at least
    checkpointIntervalMillis apart, so none is missed."""

    def __init__(self, path):
        super().__init__(daemon=True)
        self.path, self.times, self.stop = path, [], threading.Event()

    def run(self):
        ino = None
        while not self.stop.wait(0.02):
            try:
                i = os.stat(self.path).st_ino
            except FileNotFoundError:
                continue
            if i != ino:
                if ino is not None or not self.times:
                    self.times.append(time.monotonic())
                ino = i


class Arrivals:
    """The endpoint's output, read as it grows: how many times each record
    arrived (Firehose's line n at n, Kinesis's K + n at half + n)."""

    def __init__(self, path, half):
        self.path, self.off, self.half = path, 0, half
        self.times = bytearray(2 * half)
        self.distinct = self.total = self.strange = 0

    def read(self):
        """Takes what arrived since the last call; returns the number of
        distinct records arrived so far."""
        with open(self.path, "rb") as f:
            f.seek(self.off)
            data = f.read()
        end = data.rfind(b"\n") + 1
        self.off += end
        for line in data[:end].splitlines():
            n = int(base64.b64decode(json.loads(line)["data"]))
            i = n if n < self.half else n - K + self.half
            if not (0 <= n < self.half or 0 <= n - K < self.half):
                self.strange += 1
                continue
            self.total += 1
            self.distinct += self.times[i] == 0
            self.times[i] = min(255, self.times[i] + 1)
        return self.distinct


def cpu_s(pid):
    """utime + stime of pid, in seconds."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def fds(pid, tmp):
    """(descriptors open, those of them on the followed files)."""
    d = "/proc/%d/fd" % pid
    names = []
    for fd in os.listdir(d):
        try:
            names.append(os.readlink(os.path.join(d, fd)))
        except FileNotFoundError:
            pass
    return len(names), sum(1 for n in names if n.startswith((tmp + "/fh/", tmp + "/k/")))


def first_half(samples, t0, t1):
    """The values of (t, v) samples in the first half of [t0, t1]."""
    return [v for t, v in samples if t <= t0 + (t1 - t0) / 2]


def last_quarter(samples, t0, t1):
    return [v for t, v in samples if t >= t1 - (t1 - t0) / 4]


def per_minute(times, t0, t1):
    """Counts of times in each whole minute from t0 (the last one partial is left out)."""
    n = int((t1 - t0) // 60)
    counts = [0] * n
    for t in times:
        m = int((t - t0) // 60)
        if 0 <= m < n:
            counts[m] += 1
    return counts


def rotate(path, n, lock):
    with lock:
        os.rename(path, "%s.%d" % (path, n))
        open(path, "wb").close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("build", help="the build directory (kagent-allocs is run)")
    ap.add_argument("--records", type=int, default=1000000)
    ap.add_argument("--rate", type=int, default=800, help="lines a second into each file")
    ap.add_argument("--rotate", type=float, default=5.0, help="seconds between rotations")
    ap.add_argument("--keep", action="store_true", help="keep the run's directory")
    a = ap.parse_args()
    binary = os.path.join(a.build, "kagent-allocs")
    half = a.records // 2
    tmp = tempfile.mkdtemp(prefix="kagent-soak-")
    fails = []

    def check(ok, what):
        print("  %s %s" % ("ok  " if ok else "FAIL", what), flush=True)
        if not ok:
            fails.append(what)

    os.mkdir(tmp + "/fh")
    os.mkdir(tmp + "/k")
    fh, kl = tmp + "/fh/app.log", tmp + "/k/app.log"
    open(fh, "wb").close()
    open(kl, "wb").close()
    locks = {fh: threading.Lock(), kl: threading.Lock()}
    print("soak: %d records (%d Firehose, %d Kinesis) at %d lines/s a file, a rotation every %g s, "
          "faults %s; in %s" % (2 * half, half, half, a.rate, a.rotate,
                                ", ".join("%s %g" % kv for kv in FAULTS.items()), tmp), flush=True)
    samples_rss, samples_fd, samples_files = [], [], []
    with Endpoint(tmp, seed=7, **FAULTS) as ep:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow(fh, "s1", retryMaxBackoffMillis=1000),
                              kflow(kl, "k1", retryMaxBackoffMillis=1000)],
                   checkpointIntervalMillis=CKPT_MS)
        arrivals = Arrivals(ep.out, half)
        with Agent(binary, conf) as ag:
            started(ag)
            watch = CkptWatch(tmp + "/checkpoints")
            watch.start()
            chunk = max(1, a.rate // 20)
            writers = [Writer(fh, 0, half, chunk=chunk, pause=0.05, reopen=True, lock=locks[fh]),
                       Writer(kl, K, K + half, chunk=chunk, pause=0.05, reopen=True, lock=locks[kl])]
            t0 = time.monotonic()
            for w in writers:
                w.start()
            deadline = t0 + 3 * a.records / a.rate + 300
            nrot, next_rot, last = 0, t0 + a.rotate, -1
            while True:
                time.sleep(1)
                now = time.monotonic()
                if not ag.alive():
                    fails.append("kagent exited: " + ag.stderr()[-1000:])
                    break
                samples_rss.append((now, proc_status(ag.pid, "VmRSS")))
                nfd, nfiles = fds(ag.pid, tmp)
                samples_fd.append((now, nfd - nfiles))
                samples_files.append((now, nfiles))
                got = arrivals.read()
                if any(w.is_alive() for w in writers) and now >= next_rot:
                    nrot += 1
                    rotate(fh, nrot, locks[fh])
                    rotate(kl, nrot, locks[kl])
                    next_rot += a.rotate
                if int(now - t0) // 30 != last:
                    last = int(now - t0) // 30
                    print("  %4.0f s: %8d arrived, VmRSS %d kB, %d fds (%d of them the files), "
                          "%d checkpoint writes" % (now - t0, got, samples_rss[-1][1], nfd, nfiles,
                                                    len(watch.times)), flush=True)
                if got >= 2 * half and not any(w.is_alive() for w in writers):
                    break
                if now > deadline:
                    fails.append("not every record arrived in %.0f s" % (now - t0))
                    break
            t1 = time.monotonic()
            time.sleep(2)               # a record sent twice arrives now
            watch.stop.set()
            # the files rotated away are let go once read to their end and
            # quiet for TAIL_LINGER_MS (5 s): only the live ones stay open
            let_go = None
            while ag.alive() and time.monotonic() < t1 + LET_GO_S:
                if fds(ag.pid, tmp)[1] <= 2:
                    let_go = time.monotonic() - t1
                    break
                time.sleep(0.2)
            end_files = fds(ag.pid, tmp)[1] if ag.alive() else -1
            cpu = cpu_s(ag.pid) if ag.alive() else 0.0
            ag.kill(signal.SIGTERM)
            status = ag.wait(15)
            err = ag.stderr()
    took = t1 - t0
    print("soak: %.0f s, %d rotations; kagent CPU %.1f s (%.1f us a record)" % (
        took, nrot, cpu, cpu / max(1, 2 * half) * 1e6), flush=True)

    # records: each line once at least
    arrivals.read()
    missing = arrivals.times.count(0)
    dups = arrivals.total - arrivals.distinct
    reqs = ep.requests()
    faults = {}
    for e in reqs:
        if e["fault"]:
            faults[e["fault"]] = faults.get(e["fault"], 0) + 1
    after_drop = sum(e["records"] for e in reqs if e["fault"] == "drop-after")
    check(status == 0, "kagent stopped with status %s" % status)
    check(missing == 0 and not arrivals.strange, "every record arrived: %d of %d missing, %d not ours" % (
        missing, 2 * half, arrivals.strange))
    check(dups <= after_drop, "%d duplicates, at most the %d records of the %d requests dropped after "
          "they were accepted" % (dups, after_drop, faults.get("drop-after", 0)))
    print("  requests %d; faults %s" % (len(reqs), ", ".join("%s %d" % kv for kv in sorted(faults.items()))))

    # memory, descriptors: judged over a run long enough for the rings to be
    # written through in its first half
    judge = took >= JUDGE_S
    if not judge:
        print("  (a run of %.0f s: too short to judge what stays flat, %d s at least)" % (took, JUDGE_S))

    def flat(ok, what):
        if judge:
            check(ok, what)
        else:
            print("  --   %s (not judged)" % what)

    r1, r4 = first_half(samples_rss, t0, t1), last_quarter(samples_rss, t0, t1)
    flat(r1 and r4 and max(r4) <= max(r1) * 1.02,
          "VmRSS flat: the first half's most %d kB, the last quarter's %d kB (at most +2 %%)" % (
              max(r1 or [0]), max(r4 or [0])))
    f1, f4 = first_half(samples_fd, t0, t1), last_quarter(samples_fd, t0, t1)
    flat(f1 and f4 and max(f4) <= max(f1),
          "descriptors flat (the followed files aside): the first half %d..%d, the last quarter %d..%d" % (
              min(f1 or [0]), max(f1 or [0]), min(f4 or [0]), max(f4 or [0])))
    files = [v for _, v in samples_files]
    check(let_go is not None, "followed files open: %d..%d while delivering (rotated files wait their "
          "turn); %s" % (min(files or [0]), max(files or [0]), "the live ones alone %.1f s after the last "
                         "record arrived" % let_go if let_go is not None else "%d still %d s after the last "
                         "record arrived" % (end_files, LET_GO_S)))

    # checkpoint writes and log lines per minute
    cw = per_minute(watch.times, t0, t1)
    most = 60000 // CKPT_MS + 1
    c1, c4 = cw[:max(1, len(cw) // 2)], cw[-max(1, len(cw) // 4):]
    flat(cw and max(cw) <= most and max(c4) <= max(c1),
          "checkpoint writes a minute %s: none over %d, the last quarter's most (%d) at most the "
          "first half's (%d)" % (cw, most, max(c4 or [0]), max(c1 or [0])))
    logs = len(err.splitlines())
    check(logs <= LOG_PER_MIN * (took / 60 + 1), "%d log lines in %.0f s (at most %d a minute)" % (
        logs, took, LOG_PER_MIN))
    m = re.search(r"allocator calls: (\d+) during start-up, (\d+) after start-up", err)
    check(m and m.group(2) == "0", "allocator calls after start-up: %s" % (m.group(2) if m else "not said"))
    for fl in ("s1", "k1"):
        stats = [l for l in err.splitlines() if l.startswith("kagent: %s: read " % fl)]
        print("  " + (stats[-1] if stats else "%s: no counters" % fl))
    if a.keep or fails:
        print("soak: files kept in %s" % tmp)
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    print("soak: %s" % ("FAILED: " + "; ".join(fails) if fails else "passed"), flush=True)
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
