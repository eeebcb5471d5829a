"""Durable tailing, end to end against the local Firehose endpoint: rotation
(rename-and-create, copytruncate, a partial last line), the checkpoint file
(corrupt, cut, unwritable, how often it is written), offsets past 4 GiB on
32-bit ARM under qemu-arm, and memory with a backlog behind a dead endpoint."""
import glob
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import (Agent, Endpoint, Writer, ckpt_complete, ckpt_entry, ckpt_text, count,  # noqa: E402
                     flow, lines, numbers, read_ckpt, started, test, wait_until, write_conf)

GIB = 1 << 30
ARM = "arm-linux-musleabihf"
BAD_CKPT = ("kagent: warning: checkpoint %s: not a complete kagent checkpoint (corrupt, cut or "
            "of another version), starting without it")


def same_records(ep, n, what):
    """Every line 0..n-1 arrived exactly once, in file order."""
    recs = numbers(ep.records())
    got = set(recs)
    missing = sorted(set(range(n)) - got)
    assert not missing and len(recs) == n, "%s: %d missing (first %s), %d repeated, %d records" % (
        what, len(missing), missing[:5], len(recs) - len(got), len(recs))
    assert recs == list(range(n)), "%s: every line once, but not in file order" % what


def warning_lines(err, text):
    return [l for l in err.splitlines() if text in l]

# ---------------------------------------------------------------- rotation


@test(timeout=60)
def rename_and_create_every_second_under_load(tmp):
    """30 s of ~2,000 lines/s, the file renamed away (app.log.N) and created
    anew every second: every line arrives exactly once, in order.  The
    writer opens, appends and closes per chunk under a lock the rotation
    also takes, so no chunk is still going into the old file after the
    rename (that loss would be the writer's, not the agent's)."""
    log = tmp + "/app.log"
    total = 60000

    def rotate(n):
        os.rename(log, "%s.%d" % (log, n))
        open(log, "wb").close()

    ep, n, _, took = harness.rotated_every_second(tmp, total, rotate, reopen=True, pattern="")
    # the rotations themselves lost nothing: the files hold every line once
    files = ["%s.%d" % (log, i) for i in range(1, n + 1)] + [log]
    data = [open(p, "rb").read() for p in files]
    assert b"".join(data) == b"".join(lines(0, total))
    assert n >= 25 and took < 40, (n, took)
    got = set(numbers(ep.records()))
    never = ["%s (%d lines)" % (os.path.basename(p), len(d) // 9) for p, d in zip(files, data)
             if d and not got & set(numbers(d.splitlines()))]
    assert not never, "files never read: %s" % ", ".join(never)
    same_records(ep, total, "%d rotations" % n)
    # the files rotated away that are still read (for a writer that
    # keeps writing them) are remembered at their ends too
    ckpt_complete(tmp + "/checkpoints", files, name=log)
    print("  %d rotations in %.1f s" % (n, took))


@test(timeout=60)
def copytruncate_a_few_times_under_load(tmp):
    """logrotate's copytruncate four times while a writer keeps its file
    open (O_APPEND) at ~2,000 lines/s: the agent finishes the old
    content's records, then reads the file again from its start, so every
    line arrives exactly once.  The writer is paused during copy and
    truncate (lines written between the two are lost by copytruncate
    itself), and the agent is let catch up before it (lines not yet read
    at the truncation are only in the copy): neither is what is measured
    here."""
    log = tmp + "/app.log"
    total = 20000
    open(log, "wb").close()
    lock = threading.Lock()
    with Endpoint(tmp) as ep:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow(log)])
        with Agent(harness.kagent(), conf) as ag:
            started(ag)
            w = Writer(log, 0, total, chunk=20, pause=0.01, lock=lock)
            w.start()
            for n in range(1, 5):
                time.sleep(2)
                with lock:
                    # lines the agent has not read yet when the file is
                    # truncated exist only in the copy, which kagent does not
                    # follow (one file per flow): let it catch up first
                    written = sum(os.path.getsize(p) for p in [log] + glob.glob(log + ".*")) // 9
                    wait_until(lambda: count(ep) >= written, 5,
                               msg="%d of %d lines arrived" % (count(ep), written))
                    shutil.copyfile(log, "%s.%d" % (log, n))
                    with open(log, "r+b") as f:
                        f.truncate(0)
            w.join()
            wait_until(lambda: count(ep) >= total, 15, interval=0.2,
                       msg="%d of %d lines arrived:\n%s" % (count(ep), total, ag.stderr()[-1500:]))
            time.sleep(1.5)
            ag.kill(signal.SIGTERM)
            assert ag.wait(10) == 0, ag.stderr()
            err = ag.stderr()
        data = b"".join(open("%s.%d" % (log, i), "rb").read() for i in range(1, 5))
        assert data + open(log, "rb").read() == b"".join(lines(0, total))
        assert os.path.getsize(log) > 0, "the writer ended before the last truncation"
        said = warning_lines(err, "truncated, reading it again from the start")
        assert len(said) == 4, err
        same_records(ep, total, "4 truncations")
        assert read_ckpt(tmp + "/checkpoints") == [ckpt_entry(log, os.path.getsize(log))]


@test(timeout=60)
def partial_last_line_goes_as_it_is_at_rotation(tmp):
    """A file renamed away while its last line has no newline: that line
    waits while the file may still be written, and goes as it is (no newline
    added) once it has been gone from the pattern and unchanged for 5 s
    (TAIL_LINGER_MS), after the new file's first lines; a last line ending in
    \\r of a file that was already quiet that long goes at once."""
    log = tmp + "/app.log"
    with open(log, "wb") as f:
        f.write(b"".join(lines(0, 1000)) + b"partial without newline")
    with Endpoint(tmp) as ep:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow(log)])
        with Agent(harness.kagent(), conf) as ag:
            wait_until(lambda: count(ep) >= 1000, 10)
            time.sleep(1.5)             # past maxBufferAgeMillis: still waiting for its newline
            assert ep.records() == lines(0, 1000)
            os.rename(log, log + ".1")
            with open(log, "wb") as f:
                f.write(b"".join(lines(1000, 1500)) + b"second partial\r")
            wait_until(lambda: count(ep) >= 1501, 15)
            time.sleep(1.5)
            assert count(ep) == 1501
            assert ep.records() == (lines(0, 1000) + lines(1000, 1500) + [b"partial without newline"])
            os.rename(log, log + ".2")
            with open(log, "wb") as f:
                f.write(b"".join(lines(1500, 2000)))
            wait_until(lambda: count(ep) >= 2002, 15)
            time.sleep(1.5)
            ag.kill(signal.SIGTERM)
            assert ag.wait(10) == 0, ag.stderr()
        # the second file was unchanged for 5 s already when it was renamed:
        # let go at once, its last line before the new file's
        assert ep.records() == (lines(0, 1000) + lines(1000, 1500) + [b"partial without newline"] +
                                [b"second partial\r"] + lines(1500, 2000))
        assert read_ckpt(tmp + "/checkpoints") == [ckpt_entry(log, 500 * 9)]

TRACE = (b"2024-01-01 10:00:00 ERROR request failed\n"
         b"java.lang.IllegalStateException: no connection\n"
         b"\tat com.example.Pool.get(Pool.java:42)\n")


@test(timeout=60)
def once_sends_every_files_last_multiline_record(tmp):
    """--once with multiLineStartPattern: the last record of a file (not
    followed by a start line) is sent before the exit, also when it is the
    only record read (nothing else to send when the files are at their end),
    and for each of several files; the checkpoints end at the files' ends."""
    one = tmp + "/one.log"
    with open(one, "wb") as f:
        f.write(TRACE)
    with Endpoint(tmp) as ep:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow(one, multiLineStartPattern="^\\d{4}-")])
        with Agent(harness.kagent(), conf, args=["--once=5"]) as ag:
            assert ag.wait(20) == 0, ag.stderr()
        assert ep.records() == [TRACE], ep.records()
        # resumed: the one record appended is the last one again
        with open(one, "ab") as f:
            f.write(TRACE.replace(b"10:00:00", b"10:00:01"))
        with Agent(harness.kagent(), conf, args=["--once=5"]) as ag:
            assert ag.wait(20) == 0, ag.stderr()
        assert ep.records() == [TRACE, TRACE.replace(b"10:00:00", b"10:00:01")], ep.records()
        assert read_ckpt(tmp + "/checkpoints") == [ckpt_entry(one, 2 * len(TRACE))]
    d = tmp + "/many"
    os.makedirs(d + "/logs")
    names = [d + "/logs/" + n for n in ("a.log", "b.log", "c.log")]
    for k, name in enumerate(names):
        with open(name, "wb") as f:
            f.write(TRACE + TRACE.replace(b"ERROR", b"ERR%d" % k))
    with Endpoint(d) as ep:
        conf = d + "/k.conf"
        write_conf(conf, ep, [flow(d + "/logs/*.log", multiLineStartPattern="^\\d{4}-")])
        with Agent(harness.kagent(), conf, args=["--once=5"]) as ag:
            assert ag.wait(20) == 0, ag.stderr()
        want = [TRACE] * 3 + [TRACE.replace(b"ERROR", b"ERR%d" % k) for k in range(3)]
        assert sorted(ep.records()) == sorted(want), ep.records()
        ents = sorted(read_ckpt(d + "/checkpoints"), key=lambda e: e[5])
        assert ents == [ckpt_entry(n, os.path.getsize(n)) for n in names], ents


# ---------------------------------------------------------------- checkpoint file


@test(timeout=60)
def corrupt_or_cut_checkpoint_is_said_once_and_ignored(tmp):
    """A checkpoint file of garbage, and a valid one cut short: the agent
    says so once, starts as if there were none (END_OF_FILE: what the
    file holds now is not sent, although the file's checkpoint said
    offset 0), keeps running, exits 0 on TERM and writes a good one."""
    rnd = random.Random(5)
    for kind in ("garbage", "cut"):
        d = os.path.join(tmp, kind)
        os.mkdir(d)
        log = d + "/app.log"
        ck = d + "/checkpoints"
        with open(log, "wb") as f:
            f.write(b"".join(lines(0, 100)))
        good = ckpt_text([ckpt_entry(log, 0)]).encode()
        with open(ck, "wb") as f:
            # garbage that starts like a checkpoint, or the good one without its "end" line
            f.write(good[:20] + bytes(rnd.randrange(256) for _ in range(300)) if kind == "garbage"
                    else good[:good.index(b"end")])
        with Endpoint(d) as ep:
            conf = d + "/k.conf"
            write_conf(conf, ep, [flow(log, initialPosition="END_OF_FILE")])
            with Agent(harness.kagent(), conf) as ag:
                started(ag)
                with open(log, "ab") as f:
                    f.write(b"".join(lines(100, 200)))
                wait_until(lambda: count(ep) >= 100, 10)
                time.sleep(1.5)
                assert ag.alive(), ag.stderr()
                ag.kill(signal.SIGTERM)
                assert ag.wait(10) == 0, ag.stderr()
                err = ag.stderr()
            assert ep.records() == lines(100, 200), kind
            assert [l for l in err.splitlines() if "checkpoint" in l] == [BAD_CKPT % ck], err
            with open(ck) as f:
                assert f.read() == ckpt_text([ckpt_entry(log, 200 * 9)]), kind


@test(timeout=60)
def checkpoint_cut_anywhere_is_refused(tmp):
    """The same checkpoint cut at every length: each is refused (the agent
    would otherwise resend the file from offset 0); the whole file without
    its last newline is still complete, and is honoured."""
    log = tmp + "/app.log"
    ck = tmp + "/checkpoints"
    with open(log, "wb") as f:
        f.write(b"".join(lines(0, 100)))
    good = ckpt_text([ckpt_entry(log, 0)]).encode()
    with Endpoint(tmp) as ep:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow(log, initialPosition="END_OF_FILE")])
        for cut in range(len(good) - 1):
            with open(ck, "wb") as f:
                f.write(good[:cut])
            with Agent(harness.kagent(), conf, args=["--once=5"]) as ag:
                assert ag.wait(10) == 0, ag.stderr()
                err = ag.stderr()
            assert [l for l in err.splitlines() if "warning" in l] == [BAD_CKPT % ck], (cut, err)
            assert count(ep) == 0, "checkpoint cut to %d bytes was used: %r" % (cut, good[:cut])
        with open(ck, "wb") as f:
            f.write(good[:-1])
        with Agent(harness.kagent(), conf, args=["--once=5"]) as ag:
            assert ag.wait(10) == 0, ag.stderr()
            assert "checkpoint" not in ag.stderr(), ag.stderr()
        assert ep.records() == lines(0, 100)
        assert open(ck).read() == ckpt_text([ckpt_entry(log, 900)])


@test(timeout=60)
def unwritable_checkpoint_is_said_once_and_lines_still_flow(tmp):
    """checkpointFile under a regular file (tmp/notadir/checkpoints): open()
    fails with ENOTDIR even for root, who passes any permission bits (a
    chmod 0555 directory would not stop these tests, run as root).  The
    agent says it cannot save once, however often it tries, delivers every
    line, and on TERM exits 1 (main.c: a failed final save is a failure at
    run time)."""
    log = tmp + "/app.log"
    open(log, "wb").close()
    with open(tmp + "/notadir", "w") as f:
        f.write("a file, not a directory\n")
    ck = tmp + "/notadir/checkpoints"
    with Endpoint(tmp) as ep:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow(log)], checkpointFile=ck, checkpointIntervalMillis=300)
        with Agent(harness.kagent(), conf) as ag:
            started(ag)
            w = Writer(log, 0, 10000, chunk=100, pause=0.03)
            w.start()
            w.join()                    # about 3 s: some ten save attempts
            wait_until(lambda: count(ep) >= 10000, 15)
            time.sleep(1.5)
            assert ag.alive(), ag.stderr()
            ag.kill(signal.SIGTERM)
            assert ag.wait(10) == 1, ag.stderr()
            err = ag.stderr()
        assert ep.records() == lines(0, 10000)
        assert [l for l in err.splitlines() if "checkpoint" in l] == [
            "kagent: warning: checkpoint %s: cannot read, starting without it: Not a directory" % ck,
            "kagent: warning: checkpoint %s: cannot save (will keep trying): Not a directory" % ck,
        ], err
        assert os.path.isfile(tmp + "/notadir")


def checkpoint_writes(tmp, interval_ms, seconds):
    """How many times the checkpoint file was replaced during its first
    interval after the start (src/ckpt.c: up to 8 times as often then), and
    during `seconds` of constant load after that (~2,000 lines/s, so records
    are accepted all the time).  Each save renames a new file over it: a new
    inode (the new file is created while the old one still exists, so the
    number differs)."""
    log = tmp + "/app.log"
    ck = tmp + "/checkpoints"
    open(log, "wb").close()
    with Endpoint(tmp) as ep:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow(log)], checkpointIntervalMillis=interval_ms)
        with Agent(harness.kagent(), conf) as ag:
            started(ag)
            total = int((seconds + 4) * 2000)
            w = Writer(log, 0, total, chunk=20, pause=0.01)
            w.start()
            wait_until(lambda: os.path.exists(ck), 5)
            ino, changes = os.stat(ck).st_ino, 0
            end = time.monotonic() + interval_ms / 1000
            while time.monotonic() < end:
                time.sleep(0.005)
                i = os.stat(ck).st_ino
                if i != ino:
                    ino, changes = i, changes + 1
            early, changes = changes, 0
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                time.sleep(0.02)
                i = os.stat(ck).st_ino
                if i != ino:
                    ino, changes = i, changes + 1
            assert w.is_alive(), "the load stopped before the measurement did"
            w.join()
            wait_until(lambda: count(ep) >= total, 15)
            # once every record is accepted and saved, nothing more is written
            time.sleep(interval_ms / 1000 + 1.2)
            ino = os.stat(ck).st_ino
            idle_end = time.monotonic() + 2
            while time.monotonic() < idle_end:
                time.sleep(0.02)
                assert os.stat(ck).st_ino == ino, "checkpoint written with nothing new accepted"
            ag.kill(signal.SIGTERM)
            assert ag.wait(10) == 0, ag.stderr()
        same_records(ep, total, "under load")
        assert read_ckpt(ck) == [ckpt_entry(log, total * 9)]
    return early, changes


@test(timeout=60)
def checkpoint_written_once_a_second_under_load(tmp):
    seconds = 8
    early, n = checkpoint_writes(tmp, 1000, seconds)
    assert seconds - 2 <= n <= seconds + 2, "%d checkpoint writes in %d s at 1000 ms" % (n, seconds)
    assert early <= 8 + 1, "%d checkpoint writes in the first second" % early
    print("  %d checkpoint writes in the first second, then %d in %d s" % (early, n, seconds))


@test(timeout=60)
def checkpoint_written_once_in_three_seconds_under_load(tmp):
    seconds = 8
    early, n = checkpoint_writes(tmp, 3000, seconds)
    assert seconds / 3 - 2 <= n <= seconds / 3 + 2 and n >= 1, \
        "%d checkpoint writes in %d s at 3000 ms" % (n, seconds)
    assert early <= 8 + 1, "%d checkpoint writes in the first 3 s" % early
    print("  %d checkpoint writes in the first 3 s, then %d in %d s" % (early, n, seconds))

# ---------------------------------------------------------------- offsets past 4 GiB


def arm_binary():
    """build/arm-linux-musleabihf/kagent, built first when it is missing or
    older than a source file.  A missing qemu-arm or cross compiler is a
    failure: this test must not pass without running."""
    if not shutil.which("qemu-arm"):
        raise AssertionError("qemu-arm not found: install it (tools/deps.sh cross, package qemu-user)")
    if not shutil.which(ARM + "-gcc"):
        raise AssertionError("%s-gcc not found: install the cross compiler (tools/deps.sh cross)" % ARM)
    binary = os.path.join(harness.ROOT, "build", ARM, "kagent")
    srcs = [os.path.join(dp, f) for dp, _, fs in os.walk(os.path.join(harness.ROOT, "src"))
            for f in fs if f.endswith((".c", ".h"))]
    newest = max(os.path.getmtime(p) for p in srcs)
    if not os.path.exists(binary) or os.path.getmtime(binary) < newest:
        r = subprocess.run(["make", "-s", "CROSS=%s-" % ARM, os.path.relpath(binary, harness.ROOT)],
                           cwd=harness.ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=600)
        if r.returncode != 0 or not os.path.exists(binary):
            raise AssertionError("make CROSS=%s- failed (%d):\n%s"
                                 % (ARM, r.returncode, r.stdout.decode(errors="replace")[-2000:]))
    return binary


def past_4gib(tmp, binary, wrapper=()):
    """A sparse file of 5 GiB with lines after the hole.  1: a checkpoint
    at 5 GiB (written here) is honoured, the lines after it arrive and the
    checkpoint ends exactly at the end of the file.  2: without a
    checkpoint, END_OF_FILE begins at 5 GiB + what is there, and lines
    appended later arrive."""
    log = tmp + "/big.log"
    ck = tmp + "/checkpoints"
    with open(log, "wb") as f:
        f.truncate(5 * GIB)
    with open(log, "ab") as f:
        f.write(b"".join(lines(0, 1000)))
    assert os.stat(log).st_blocks * 512 < 64 << 20, "not sparse"
    with open(ck, "w") as f:
        f.write(ckpt_text([ckpt_entry(log, 5 * GIB)]))
    with Endpoint(tmp, tls=False) as ep:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow(log, initialPosition="END_OF_FILE")])
        with Agent(binary, conf, args=["--once=20"], wrapper=wrapper) as ag:
            assert ag.wait(40) == 0, ag.stderr()
        assert ep.records() == lines(0, 1000), "records after a 5 GiB checkpoint: %r" % ep.records()[:3]
        assert read_ckpt(ck) == [ckpt_entry(log, 5 * GIB + 9000)]

        os.unlink(ck)
        with Agent(binary, conf, wrapper=wrapper) as ag:
            started(ag)
            with open(log, "ab") as f:
                f.write(b"".join(lines(1000, 1100)))
            wait_until(lambda: count(ep) >= 1100, 20, msg=ag.stderr()[-1500:])
            time.sleep(1.2)
            ag.kill(signal.SIGTERM)
            assert ag.wait(20) == 0, ag.stderr()
        assert ep.records() == lines(0, 1100)
        assert read_ckpt(ck) == [ckpt_entry(log, 5 * GIB + 9900)]


@test(timeout=600)      # only a build of the ARM binary takes long; the test itself ~10 s
def past_4gib_on_32_bit_arm_under_qemu(tmp):
    binary = arm_binary()
    v = subprocess.run(["qemu-arm", binary, "-V"], stdout=subprocess.PIPE, timeout=20)
    out = v.stdout.decode()
    assert v.returncode == 0 and "32-bit, 64-bit file offsets" in out, out
    past_4gib(tmp, binary, wrapper=["qemu-arm"])


@test(timeout=60)
def past_4gib_on_the_host(tmp):
    past_4gib(tmp, harness.kagent())

# ---------------------------------------------------------------- memory


@test(timeout=60)
def backlog_behind_a_dead_endpoint_takes_no_more_memory(tmp):
    """256 MiB of lines waiting behind an endpoint that is not there: the
    agent fills its 1 MiB ring and stops reading (the file is the buffer),
    so its RSS stays under 4 MiB and within 1.5 MiB of an idle agent's.
    The lines are 4 KiB long, so the ring's bytes (not its 1,000 record
    slots) are what fills."""
    ep = Endpoint(tmp)
    ep.start()
    port = ep.port
    ep.stop()                           # nothing listens there any more
    url = "http://127.0.0.1:%d" % port
    block = b"".join(b"%08d " % i + b"x" * 4086 + b"\n" for i in range(256))     # 1 MiB
    agents = {}
    for kind in ("idle", "backlog"):
        d = os.path.join(tmp, kind)
        os.mkdir(d)
        log = d + "/app.log"
        with open(log, "wb") as f:
            for _ in range(256 if kind == "backlog" else 0):
                f.write(block)
        conf = d + "/k.conf"
        write_conf(conf, None, [flow(log)], **{"firehose.endpoint": url})
        agents[kind] = Agent(harness.kagent(), conf).start()
    try:
        time.sleep(3)
        rss = {}
        for kind, ag in agents.items():
            assert ag.alive(), ag.stderr()
            rss[kind] = harness.proc_status(ag.pid, "VmRSS")
        ag = agents["backlog"]
        ag.kill(signal.SIGUSR1)
        stats = wait_until(lambda: [l for l in ag.stderr().splitlines() if "read " in l], 5)
        read = int(stats[0].split("read ")[1].split()[0])
        # the ring is full (1 MiB: 256 lines of 4 KiB), nothing accepted, nothing more read
        assert 240 <= read <= 256 and ", sent 0," in stats[0], stats
        assert "Connection refused" in ag.stderr(), ag.stderr()
        print("  RSS: idle %d KiB, with a 256 MiB backlog %d KiB" % (rss["idle"], rss["backlog"]))
        assert rss["backlog"] < 4096 or harness.SANITIZED, rss     # ASan's shadow memory is RSS too
        assert rss["backlog"] <= rss["idle"] + 1536, rss
    finally:
        for ag in agents.values():
            ag.__exit__(None, None, None)


harness.run()
