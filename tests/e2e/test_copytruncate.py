"""copytruncate with a glob that matches the copies (filePattern app.log*,
the Java agent's own example form), end to end: a rotation every second
copies app.log to app.log.1 and truncates app.log while a writer keeps
app.log open (O_APPEND).  The copy replaces the previous one in place (the
same inode, its content replaced), or logrotate first renames app.log.1 to
app.log.2 and the copy is a new file.  A copy holds what was already read
from app.log: it must not be read again, and what was not read of app.log
before its truncation must be read from the copy, whichever kagent sees
first (the copy, or the truncation)."""
import collections
import os
import shutil
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import (Agent, Endpoint, append, count, flow, numbers, started, test, wait_until,  # noqa: E402
                     write_conf)

TOTAL = 30000


def copytruncate_every_second(tmp, shift):
    """The issue's workload: TOTAL lines at ~2,000 lines/s (15 s), one
    copytruncate a second (shift: logrotate's move of app.log.1 to
    app.log.2 first).  The writer is held while the file is copied and
    truncated (lines written between the two are lost by copytruncate
    itself, not by kagent).  Returns (the numbers received, rotations,
    stderr, the lines of copies under 1 KiB)."""
    log = tmp + "/app.log"
    short = set()

    def rotate(n):
        if shift and os.path.exists(log + ".1"):
            os.rename(log + ".1", log + ".2")
        shutil.copyfile(log, log + ".1")
        with open(log, "r+b") as f:
            f.truncate(0)
        with open(log + ".1", "rb") as f:
            copy = f.read()
        if 0 < len(copy) < 1024:
            short.update(numbers(copy.splitlines(True)))

    ep, n, err, _ = harness.rotated_every_second(tmp, TOTAL, rotate)
    return numbers(ep.records()), n, err, short


def every_line_once(recs, n, err, short):
    """Every line exactly once, but for the lines of a copy under 1 KiB
    (too short for a fingerprint that counts: read as a file of its own,
    so sent twice; the last rotation may copy what was written after the
    one before, when the writer has just ended): those at most twice."""
    got = set(recs)
    missing = sorted(set(range(TOTAL)) - got)
    counts = collections.Counter(recs)
    dup = sorted(k for k, c in counts.items() if c > 1)
    print("  %d rotations: %d records, %d missing, %d duplicates (%d lines in copies under 1 KiB)" % (
        n, len(recs), len(missing), len(recs) - len(got), len(short)))
    assert n >= 10, n
    assert not missing and got == set(range(TOTAL)) and set(dup) <= short and max(counts.values()) <= 2, \
        "%d rotations: %d missing (first %s), %d duplicates (first %s; %d lines in short copies)\n%s" % (
            n, len(missing), missing[:5], len(recs) - len(got), sorted(set(dup) - short)[:5], len(short),
            "\n".join(err.splitlines()[-30:]))


@test(timeout=120)
def copytruncate_every_second_copy_replaced_in_place(tmp):
    """cp app.log app.log.1 (the previous copy's inode, its content
    replaced) then truncate app.log, every second: every line once."""
    every_line_once(*copytruncate_every_second(tmp, shift=False))


@test(timeout=120)
def copytruncate_every_second_after_shifting_the_copy(tmp):
    """mv app.log.1 app.log.2 (replacing the one before), cp app.log
    app.log.1 (a new file), truncate app.log, every second: every line once."""
    every_line_once(*copytruncate_every_second(tmp, shift=True))


def joined(data, most):
    """The numbers of the lines in records data, a line that came in two
    records (a piece without its newline, then the rest) counted once; at
    most `most` such lines."""
    pieces = [d for d in data if not d.endswith(b"\n")]
    assert len(pieces) <= most, "%d lines in pieces: %r" % (len(pieces), pieces[:3])
    out = [d for d in data if d.endswith(b"\n") and len(d) == 9]
    rests = [d for d in data if d.endswith(b"\n") and len(d) != 9]
    assert len(rests) == len(pieces), (pieces, rests)
    for p, q in zip(pieces, rests):
        assert len(p + q) == 9, (p, q)
        out.append(p + q)
    return numbers(out)


def stalled_copytruncate(tmp, in_place, copy_first):
    """Lines not read yet at the truncation: the endpoint is down, so the
    ring (200 record slots: maxBufferSizeRecords 100) stops after the first
    64 KiB of a 90 KB backlog; app.log is copied (over the old app.log.1, or
    to a new app.log.1 after app.log.1 was moved to app.log.2) and
    truncated, then the endpoint comes back.  copy_first: the copy is there
    before kagent reads again; else it appears once kagent has seen the
    truncation (made aside, moved or copied into place after).  Returns the
    records received and kagent's stderr."""
    log = tmp + "/logs/app.log"
    os.mkdir(tmp + "/logs")
    os.mkdir(tmp + "/ep2")
    recs = []
    ep = Endpoint(tmp).start()
    port = ep.port
    conf = tmp + "/k.conf"
    write_conf(conf, ep, [flow(log + "*", maxBufferSizeRecords=100, retryInitialBackoffMillis=100,
                               retryMaxBackoffMillis=300)])
    with Agent(harness.kagent(), conf) as ag:
        started(ag)
        append(log, 0, 200)                    # a first copy, as the rotation makes it
        wait_until(lambda: count(ep) >= 200, 30)
        shutil.copyfile(log, log + ".1")
        with open(log, "r+b") as f:
            f.truncate(0)
        append(log, 200, 400)
        wait_until(lambda: count(ep) >= 400, 30)
        time.sleep(1.5)
        recs += ep.records()
        ep.stop()
        append(log, 400, 10400)                 # 90 KB: more than the 64 KiB read
        time.sleep(1)
        if not in_place:
            os.rename(log + ".1", log + ".2")
        if copy_first:
            shutil.copyfile(log, log + ".1")
        else:
            shutil.copyfile(log, tmp + "/aside")
        time.sleep(0.5)                         # a scan sees a new copy
        with open(log, "r+b") as f:
            f.truncate(0)
        append(log, 10400, 10500)
        ep = Endpoint(tmp + "/ep2", port=port).start()
        try:
            if not copy_first:
                wait_until(lambda: "truncated, reading it again from the start" in ag.stderr(), 20,
                           msg=ag.stderr()[-1500:])
                if in_place:
                    shutil.copyfile(tmp + "/aside", log + ".1")
                else:
                    os.rename(tmp + "/aside", log + ".1")
            wait_until(lambda: count(ep) >= 10500 - 400, 30, interval=0.2,
                       msg="%d of %d:\n%s" % (count(ep), 10100, ag.stderr()[-1500:]))
            time.sleep(2)
            ag.kill(signal.SIGTERM)
            assert ag.wait(10) == 0, ag.stderr()
            recs += ep.records()
        finally:
            ep.stop()
        return recs, ag.stderr()


@test(timeout=120)
def copytruncate_with_lines_unread_at_the_truncation(tmp):
    """The four orders (copy over the old one or a new file; seen before or
    after the truncation): the lines kagent had not read when app.log was
    truncated are read from the copy, none twice.  When the copy appears
    only after kagent has seen the truncation, the line it had read in part
    (its read stopped there) was sent as it was, and the copy carries on
    after it: that line comes in two records, nothing is lost."""
    for in_place in (True, False):
        for copy_first in (True, False):
            d = os.path.join(tmp, "%s-%s" % ("over" if in_place else "new", "copy" if copy_first else "trunc"))
            os.mkdir(d)
            data, err = stalled_copytruncate(d, in_place, copy_first)
            try:
                recs = joined(data, 0 if copy_first else 1)
            except AssertionError as e:
                raise AssertionError("%s: %s\n%s" % (d, e, "\n".join(err.splitlines()[-12:])))
            got = set(recs)
            missing = sorted(set(range(10500)) - got)
            assert not missing and len(recs) == 10500, "%s: %d missing (first %s), %d duplicates\n%s" % (
                d, len(missing), missing[:3], len(recs) - len(got), "\n".join(err.splitlines()[-12:]))


harness.run()
