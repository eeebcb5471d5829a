"""A crash loop shorter than a few seconds, end to end: kagent killed with
SIGKILL every 0.3-1.2 s and started again at once, while 3,000 lines/s go
to app.log, rotated every second (rename and create, five old generations
kept, the oldest deleted: a rotated file lives 5 s).  Each run must make
durable progress however short it is: nothing is lost, and what comes twice
is what was accepted after the last checkpoint write, or on the wire, at
each kill."""
import os
import random
import signal
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Agent, Endpoint, flow, lines, numbers, test, write_conf  # noqa: E402

RATE = 3000             # lines a second
SECONDS = 20
KEEP = 5                # old generations kept


class RateWriter(threading.Thread):
    """Appends numbered lines [0, total) to path at rate lines a second, in
    chunks of 1/100 s; opens, appends and closes per chunk (a logger that
    reopens its file), under lock, so a rotation never falls in a chunk."""

    def __init__(self, path, total, rate, lock):
        super().__init__(daemon=True)
        self.path, self.total, self.rate, self.lock = path, total, rate, lock

    def run(self):
        t0 = time.monotonic()
        done = 0
        while done < self.total:
            due = min(self.total, int((time.monotonic() - t0) * self.rate) + self.rate // 100)
            if due > done:
                with self.lock:
                    with open(self.path, "ab") as f:
                        f.write(b"".join(lines(done, due)))
                done = due
            time.sleep(0.01)


def rotate(log, lock, stop, rotations):
    """Every second: app.log.5 deleted, .4 -> .5 ... app.log -> .1, a new app.log."""
    while not stop.wait(1):
        with lock:
            if os.path.exists("%s.%d" % (log, KEEP)):
                os.unlink("%s.%d" % (log, KEEP))
            for k in range(KEEP - 1, 0, -1):
                if os.path.exists("%s.%d" % (log, k)):
                    os.rename("%s.%d" % (log, k), "%s.%d" % (log, k + 1))
            os.rename(log, log + ".1")
            open(log, "wb").close()
            rotations.append(time.time())


def accepted_unsaved(requests, first_on_conn, save, kill, latency, counted):
    """Records the endpoint accepted after the checkpoint write at save that
    a run killed at kill may not have saved: those accepted up to the kill
    (a request's records are accepted latency after it arrived), and those
    the endpoint read late, after the kill, on a connection already in use
    before it (a new run opens its own), as a loaded endpoint does.  Each
    request counts for one kill at most (counted: the indexes taken)."""
    n = 0
    for i, r in enumerate(requests):
        done = r["t"] + latency
        if i in counted or r["status"] != 200 or done <= save - 0.01:
            continue
        if done <= kill + latency + 0.02 or (first_on_conn[r["conn"]] < kill and r["t"] < kill + 5):
            counted.add(i)
            n += r["records"] - r["failed"]
    return n


class SaveWatcher(threading.Thread):
    """Notes when the checkpoint file is replaced (each save renames a new
    file over it): its inode or modification time changes."""

    def __init__(self, path):
        super().__init__(daemon=True)
        self.path, self.saves, self.stop = path, [], threading.Event()

    def run(self):
        last = None
        while not self.stop.is_set():
            try:
                st = os.stat(self.path)
                cur = (st.st_ino, st.st_mtime_ns)
            except FileNotFoundError:
                cur = None
            if cur != last and cur is not None:
                self.saves.append(time.time())
            last = cur
            time.sleep(0.002)


def crash_loop(tmp, seed, interval_ms, latency):
    """The workload for SECONDS, kagent killed every 0.3-1.2 s (seeded) and
    started again at once, then one --once run to take up the rest.  The
    duplicates' bound: at each kill, what the endpoint accepted after the
    last checkpoint write (seen by a watcher) and what was on the wire (the
    endpoint accepts a request latency after it arrives).  Returns (lines
    missing, duplicates, bound, kills)."""
    log = tmp + "/app.log"
    open(log, "wb").close()
    total = RATE * SECONDS
    lock = threading.Lock()
    stop = threading.Event()
    rotations, kills = [], []
    rnd = random.Random(seed)
    saves = SaveWatcher(tmp + "/checkpoints")
    saves.start()
    with Endpoint(tmp, latency=latency) as ep:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow(log + "*")], checkpointIntervalMillis=interval_ms)
        w = RateWriter(log, total, RATE, lock)
        rot = threading.Thread(target=rotate, args=(log, lock, stop, rotations), daemon=True)
        w.start()
        rot.start()
        while w.is_alive():
            with Agent(harness.kagent(), conf) as ag:
                time.sleep(rnd.uniform(0.3, 1.2))
                assert ag.alive(), ag.stderr()
                ag.kill(signal.SIGKILL)
                kills.append(time.time())
                ag.wait(10)
        stop.set()
        rot.join()
        saves.stop.set()
        saves.join()
        with Agent(harness.kagent(), conf, args=["--once=10"]) as ag:
            assert ag.wait(60) == 0, ag.stderr()[-2000:]
        recs = numbers(ep.records())
        reqs = ep.requests()
    got = set(recs)
    missing = sorted(set(range(total)) - got)
    dups = len(recs) - len(got)
    first_on_conn = {}
    for r in reqs:
        first_on_conn[r["conn"]] = min(r["t"], first_on_conn.get(r["conn"], r["t"]))
    bound, counted = 0, set()
    for k in kills:
        last = max([t for t in saves.saves if t < k] or [0])
        bound += accepted_unsaved(reqs, first_on_conn, last, k, latency, counted)
    print("  %d kills, %d rotations: %d records, %d missing, %d duplicates (bound %d)" % (
        len(kills), len(rotations), len(recs), len(missing), dups, bound))
    return missing, dups, bound, len(kills)


@test(timeout=300)
def crash_loop_every_third_of_a_second_to_a_second(tmp):
    """The default checkpointIntervalMillis (1,000: longer than most runs)
    and an endpoint 50 ms away (a request of 500 records a round trip)."""
    missing, dups, bound, kills = crash_loop(tmp, 12, 1000, 0.05)
    assert not missing, "%d lines lost (first %s)" % (len(missing), missing[:5])
    assert dups <= bound, "%d duplicates, more than was accepted unsaved at the kills (%d)" % (dups, bound)
    assert kills >= 10, kills


harness.run()
