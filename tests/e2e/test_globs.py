"""Following many files at once, end to end: a glob (with a wildcard in a
directory part) matching 200 files that appear over time, rotation within a
glob (renamed files recognised, copies of copytruncate not read twice),
rotation while the agent was stopped, inode reuse told by the fingerprint,
fileFooterPattern, and kill -9 twenty times while writing and rotating."""
import errno
import os
import random
import re
import shutil
import signal
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import (Agent, Endpoint, append, ckpt_entry, ckpt_text, count, flow, lines, numbers,  # noqa: E402
                     read_ckpt, started, test, wait_until, write_conf)


def exactly_once(ep, want, what):
    recs = numbers(ep.records())
    got = set(recs)
    missing = sorted(set(want) - got)
    extra = sorted(got - set(want))
    assert not missing and not extra and len(recs) == len(got), \
        "%s: %d missing (first %s), %d unexpected, %d repeated" % (
            what, len(missing), missing[:5], len(extra), len(recs) - len(got))


@test(timeout=120)
def two_hundred_files_appear_over_time(tmp):
    """/d*/f*.log: 20 directories, 10 files each, created over ~8 s and
    each written in 3 pieces (50 lines) while others appear.  More files
    match than the 16 followed at once: the agent says so once, reads the
    oldest first and the rest as slots free up; every line arrives once.
    The allocation-counting build shows that the scans (directories listed
    some hundred times) and the inotify events take no heap."""
    base = tmp + "/logs"
    os.mkdir(base)
    pattern = base + "/d*/f*.log"
    with Endpoint(tmp) as ep:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow(pattern)])
        with Agent(os.path.join(harness.build_dir(), "kagent-allocs"), conf) as ag:
            started(ag)
            paths = []
            for i in range(200):
                d = "%s/d%02d" % (base, i // 10)
                os.makedirs(d, exist_ok=True)
                p = "%s/f%03d.log" % (d, i)
                paths.append(p)
                append(p, i * 50, i * 50 + 20)
                if i >= 10:             # an older file gets more
                    j = i - 10
                    append(paths[j], j * 50 + 20, j * 50 + 50)
                time.sleep(0.04)
            for j in range(190, 200):
                append(paths[j], j * 50 + 20, j * 50 + 50)
            wait_until(lambda: count(ep) >= 10000, 60, interval=0.5,
                       msg="%d of 10000 lines:\n%s" % (count(ep), ag.stderr()[-2000:]))
            time.sleep(1.5)
            assert ag.alive(), ag.stderr()
            ag.kill(signal.SIGTERM)
            assert ag.wait(10) == 0, ag.stderr()
            err = ag.stderr()
        exactly_once(ep, range(10000), "200 files")
        said = [l for l in err.splitlines() if "more files match than the 16 followed at once" in l]
        assert len(said) >= 1, err
        m = re.search(r"allocator calls: (\d+) during start-up, (\d+) after start-up", err)
        assert m and int(m.group(1)) > 0 and int(m.group(2)) == 0, err
        # each file's checkpoint is at its end
        ents = {e[5]: e for e in read_ckpt(tmp + "/checkpoints")}
        assert sorted(ents) == sorted(paths), sorted(set(paths) - set(ents))[:5]
        for p in paths:
            assert ents[p] == ckpt_entry(p, 450), ents[p]


@test(timeout=90)
def rotation_within_the_glob_is_recognised(tmp):
    """app.log* with logrotate-style renames (app.log.2 -> .3, .1 -> .2,
    app.log -> .1, a new app.log) every second while lines are written:
    renamed files are the same files, not read again; every line once."""
    log = tmp + "/app.log"
    total = 30000

    def rotate(n):
        for k in range(n - 1, 0, -1):
            os.rename("%s.%d" % (log, k), "%s.%d" % (log, k + 1))
        os.rename(log, log + ".1")
        open(log, "wb").close()

    ep, n, _, _ = harness.rotated_every_second(tmp, total, rotate, reopen=True)
    exactly_once(ep, range(total), "%d rotations" % n)
    ents = read_ckpt(tmp + "/checkpoints")
    files = [log] + ["%s.%d" % (log, k) for k in range(1, n + 1)]
    assert sorted(e[5] for e in ents) == sorted(files), (sorted(e[5] for e in ents), sorted(files))
    for e in ents:
        assert e == ckpt_entry(e[5], os.path.getsize(e[5])), e


@test(timeout=60)
def copytruncate_copy_in_the_glob_is_not_read_again(tmp):
    """app.log* while logrotate's copytruncate makes app.log.1: the copy has
    the original's first bytes, so it waits for the original's truncation
    and then only carries its old content on: every line once."""
    log = tmp + "/app.log"
    with Endpoint(tmp) as ep:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow(log + "*")])
        with Agent(harness.kagent(), conf) as ag:
            started(ag)
            append(log, 0, 1000)
            wait_until(lambda: count(ep) >= 1000, 10)
            append(log, 1000, 1200)
            shutil.copyfile(log, log + ".1")
            time.sleep(0.3)             # the agent may see the copy first
            with open(log, "r+b") as f:
                f.truncate(0)
            append(log, 1200, 1300)
            wait_until(lambda: count(ep) >= 1300, 15)
            time.sleep(2)
            ag.kill(signal.SIGTERM)
            assert ag.wait(10) == 0, ag.stderr()
            err = ag.stderr()
        exactly_once(ep, range(1300), "copytruncate")
        assert "truncated" in err, err


@test(timeout=60)
def copytruncate_while_stopped_resumes_in_the_copy(tmp):
    """Stopped with lines unsent, the file copied to app.log.1 and truncated,
    new lines written: at the next start the rest of the old content comes
    from the copy (found by its fingerprint) and the new file from its start."""
    log = tmp + "/app.log"
    append(log, 0, 1000)
    with Endpoint(tmp) as ep:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow(log + "*")])
        with Agent(harness.kagent(), conf) as ag:
            wait_until(lambda: count(ep) >= 1000, 10)
            time.sleep(1.5)
            ag.kill(signal.SIGTERM)
            assert ag.wait(10) == 0, ag.stderr()
        append(log, 1000, 1500)
        shutil.copyfile(log, log + ".1")
        with open(log, "r+b") as f:
            f.truncate(0)
        append(log, 1500, 1600)
        with Agent(harness.kagent(), conf, args=["--once=10"]) as ag:
            assert ag.wait(20) == 0, ag.stderr()
            err = ag.stderr()
        exactly_once(ep, range(1600), "copytruncate while stopped")
        assert "app.log.1: a copy of %s made while stopped: resuming at byte 9000" % log in err, err


@test(timeout=60)
def rename_while_stopped_is_finished(tmp):
    """A literal filePattern, the file renamed to app.log.1 while the agent
    was stopped with lines unsent: the rest is read from app.log.1, then the
    new app.log from its start; every line once."""
    log = tmp + "/app.log"
    append(log, 0, 1000)
    with Endpoint(tmp) as ep:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow(log)])
        with Agent(harness.kagent(), conf) as ag:
            wait_until(lambda: count(ep) >= 1000, 10)
            time.sleep(1.5)
            ag.kill(signal.SIGTERM)
            assert ag.wait(10) == 0, ag.stderr()
        append(log, 1000, 1500)
        os.rename(log, log + ".1")
        append(log, 1500, 1600)
        with Agent(harness.kagent(), conf, args=["--once=10"]) as ag:
            assert ag.wait(20) == 0, ag.stderr()
            err = ag.stderr()
        exactly_once(ep, range(1600), "renamed while stopped")
        assert "%s: rotated to %s.1 while stopped: reading its rest" % (log, log) in err, err


@test(timeout=60)
def reused_inode_is_a_new_file(tmp):
    """A checkpoint entry with this file's device and inode but another
    fingerprint (the file it described was deleted and its inode reused):
    the file is new, read from its start, not from the entry's offset."""
    log = tmp + "/app.log"
    append(log, 0, 500)
    st = os.stat(log)
    with open(tmp + "/checkpoints", "w") as f:
        f.write(ckpt_text([(st.st_dev, st.st_ino, 1024, "0123456789abcdef", 3000, log)]))
    with Endpoint(tmp) as ep:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow(log, initialPosition="END_OF_FILE")])
        with Agent(harness.kagent(), conf, args=["--once=10"]) as ag:
            assert ag.wait(20) == 0, ag.stderr()
        exactly_once(ep, range(500), "reused inode")
        assert read_ckpt(tmp + "/checkpoints") == [ckpt_entry(log, 4500)]
        # and the same content's entry is honoured: nothing is sent again
        append(log, 500, 600)
        with Agent(harness.kagent(), conf, args=["--once=10"]) as ag:
            assert ag.wait(20) == 0, ag.stderr()
        exactly_once(ep, range(600), "resumed")


@test(timeout=60)
def footer_ends_the_file(tmp):
    """fileFooterPattern: the lines before the footer are sent, the footer
    and anything after it are not, and the checkpoint passes the footer."""
    log = tmp + "/report.log"
    with open(log, "wb") as f:
        f.write(b"".join(lines(0, 100)) + b"#END of report\r\n" + b"".join(lines(100, 110)))
    with Endpoint(tmp) as ep:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow(log, fileFooterPattern="#END.*")])
        with Agent(harness.kagent(), conf) as ag:
            wait_until(lambda: count(ep) >= 100, 10)
            want = ckpt_entry(log, 900 + 16)    # fingerprint: what was read
            append(log, 110, 120)
            time.sleep(2)
            ag.kill(signal.SIGTERM)
            assert ag.wait(10) == 0, ag.stderr()
        assert ep.records() == lines(0, 100)
        assert read_ckpt(tmp + "/checkpoints") == [want]


def a_log(tmp):
    """tmp/logs/a.log holding lines 0..9: (the folder, the file)."""
    logs = tmp + "/logs"
    os.mkdir(logs)
    append(logs + "/a.log", 0, 10)
    return logs, logs + "/a.log"


def write_beside(pid, f):
    """Appends 2,000 lines to file f, one write each, about 1 ms apart;
    returns the wake-ups of process pid meanwhile (the context switches it
    made waiting)."""
    before = harness.proc_status(pid, "voluntary_ctxt_switches")
    for i in range(2000):
        f.write("another program's line %d\n" % i)
        f.flush()
        time.sleep(0.001)
    return harness.proc_status(pid, "voluntary_ctxt_switches") - before


@test(timeout=60)
def inotify_says_when_to_read(tmp):
    """With inotify, a file at its end is looked at again only every 10 s
    (TAIL_RESCAN_WATCHED_MS) unless inotify reports a change: lines
    appended to a followed file and a new file matching the glob each
    arrive within about maxBufferAgeMillis (1 s), three times in a row.
    Before that, another program's log in the same directory, written
    2,000 times over about 2 s, wakes the agent a few times at most (each
    file followed has a watch of its own; the directory's says only what
    comes and goes), and so does the followed file once the agent has let
    it go (deleted, still written: its watch went with it)."""
    logs, log = a_log(tmp)
    with Endpoint(tmp) as ep:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow(logs + "/*.log", minTimeBetweenFilePollsMillis=600000)])
        with Agent(harness.kagent(), conf) as ag:
            wait_until(lambda: count(ep) >= 10, 10)
            last_growth = time.monotonic()
            with open(logs + "/other.txt", "a") as other:
                time.sleep(1.5)         # the first answer, the checkpoint and the new file's rescan are behind it
                woke = write_beside(ag.pid, other)
            assert woke < 20, "%d wake-ups for 2,000 writes beside the followed file" % woke
            # deleted while a writer holds it, quiet for longer than
            # TAIL_LINGER_MS (5 s): let go at once, its watch with it
            with open(log, "a") as gone:
                time.sleep(max(0, last_growth + 6 - time.monotonic()))
                os.unlink(log)
                time.sleep(1)
                woke = write_beside(ag.pid, gone)
            assert woke < 20, "%d wake-ups for 2,000 writes to a file let go" % woke
            for k in range(3):
                time.sleep(2.5)
                t0 = time.monotonic()
                append(log, 10 + 20 * k, 20 + 20 * k)
                wait_until(lambda: count(ep) >= 20 + 20 * k, 4,
                           msg="appended lines took longer than 4 s")
                append("%s/new%d.log" % (logs, k), 20 + 20 * k, 30 + 20 * k)
                wait_until(lambda: count(ep) >= 30 + 20 * k, 4, msg="a new file took longer than 4 s")
                took = time.monotonic() - t0
                assert took < 6, took
            ag.kill(signal.SIGTERM)
            assert ag.wait(10) == 0, ag.stderr()
            assert "inotify" not in ag.stderr(), ag.stderr()
        exactly_once(ep, range(70), "inotify")


@test(timeout=60)
def flows_following_one_file_share_its_watch(tmp):
    """Two flows follow a.log (*.log and a*); renamed to a.old it is gone
    from the first flow's glob, which lets it go (it has been quiet longer
    than TAIL_LINGER_MS) while the second goes on: lines appended then still
    reach the second flow within about a second (the inode's one watch
    stays while a flow follows it), and once the second flow lets go too
    (deleted), writes to it wake the agent no more."""
    logs, log = a_log(tmp)
    with Endpoint(tmp) as ep:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow(logs + "/*.log", "s1", minTimeBetweenFilePollsMillis=600000),
                              flow(logs + "/a*", "s2", minTimeBetweenFilePollsMillis=600000)])
        with Agent(harness.kagent(), conf) as ag:
            wait_until(lambda: count(ep) >= 20, 10)
            time.sleep(6)
            with open(log, "a") as f:
                os.rename(log, logs + "/a.old")
                time.sleep(1)
                # a file that comes starts a turn, in which the first flow's
                # slot is freed (its watch let go)
                open(logs + "/x.txt", "w").close()
                time.sleep(0.5)
                f.write("".join(l.decode() for l in lines(10, 20)))
                f.flush()
                wait_until(lambda: count(ep) >= 30, 4, msg="lines after the rename took longer than 4 s")
                time.sleep(6)
                os.unlink(logs + "/a.old")
                time.sleep(1)
                woke = write_beside(ag.pid, f)
            assert woke < 20, "%d wake-ups for 2,000 writes to a file both flows let go" % woke
            ag.kill(signal.SIGTERM)
            assert ag.wait(10) == 0, ag.stderr()
        assert sorted(numbers(ep.records("s1"))) == list(range(10))
        assert sorted(numbers(ep.records("s2"))) == list(range(20))


@test(timeout=60, sanitize=False)
def without_proc_files_are_watched_through_their_directory(tmp):
    """/proc unmounted in the agent's own mount namespace: a file cannot be
    watched by its descriptor, so the agent says so once and watches the
    directory for writes as well; lines appended to a followed file, to a
    file renamed within the glob, and to a new file each arrive within
    about a second, not at the 10-s look.  (Not against the ASan build:
    its run-time reads /proc, and fails at exit without it.)"""
    logs, log = a_log(tmp)
    wrapper = ["unshare", "-m", "sh", "-c", 'umount -l /proc && exec "$@"', "sh"] + harness.RUN
    with Endpoint(tmp) as ep:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow(logs + "/*.log", minTimeBetweenFilePollsMillis=600000)])
        with Agent(harness.kagent(), conf, wrapper=wrapper) as ag:
            wait_until(lambda: count(ep) >= 10, 10, msg=ag.stderr())
            time.sleep(2.5)
            append(log, 10, 20)
            wait_until(lambda: count(ep) >= 20, 4, msg="appended lines took longer than 4 s")
            os.rename(log, logs + "/b.log")
            time.sleep(0.5)
            append(logs + "/b.log", 20, 30)
            wait_until(lambda: count(ep) >= 30, 4, msg="lines of the renamed file took longer than 4 s")
            append(logs + "/c.log", 30, 40)
            wait_until(lambda: count(ep) >= 40, 4, msg="a new file took longer than 4 s")
            time.sleep(2.5)
            append(logs + "/c.log", 40, 50)
            wait_until(lambda: count(ep) >= 50, 4, msg="lines appended to the new file took longer than 4 s")
            ag.kill(signal.SIGTERM)
            assert ag.wait(10) == 0, ag.stderr()
            err = ag.stderr()
        exactly_once(ep, range(50), "without /proc")
    assert err.count("a.log: no inotify watch of its own (No such file or directory): "
                     "its directory's is used\n") == 1, err
    assert err.count("no inotify watch of its own") == 1, err


NOBODY = 65534


def use_up_inotify(uid):
    """A child process of user uid holding every inotify instance that user
    may have (fs.inotify.max_user_instances): kagent run as uid then has
    none, as on a kernel without inotify.  Returns the child's pid."""
    import ctypes
    with open("/proc/sys/fs/inotify/max_user_instances") as f:
        limit = int(f.read())
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
            libc = ctypes.CDLL(None, use_errno=True)
            n = 0
            while n < limit and libc.inotify_init() >= 0:
                n += 1
            os.write(w, b"%d" % n)
            os.close(w)
            time.sleep(3600)
        finally:
            os._exit(0)
    os.close(w)
    held = int(os.read(r, 32) or b"0")
    os.close(r)
    assert held > 0, "could not take inotify instances as uid %d" % uid
    return pid


@test(timeout=60)
def without_inotify_files_are_polled(tmp):
    """kagent as a user with no inotify instance left (EMFILE, in musl's
    words): it says so, polls
    files and the pattern every minTimeBetweenFilePollsMillis (300), and
    lines appended and a new file still arrive, each within a few seconds."""
    logs = tmp + "/logs"
    os.mkdir(logs)
    os.chmod(tmp, 0o777)
    os.chmod(logs, 0o777)
    log = logs + "/a.log"
    append(log, 0, 10)
    hog = use_up_inotify(NOBODY)
    try:
        with Endpoint(tmp, tls=False) as ep:   # the test CA's folder is root's
            conf = tmp + "/k.conf"
            write_conf(conf, ep, [flow(logs + "/*.log", minTimeBetweenFilePollsMillis=300)])
            os.chmod(conf, 0o644)
            with Agent(harness.kagent(), conf, user=NOBODY) as ag:
                wait_until(lambda: count(ep) >= 10, 10, msg=ag.stderr())
                append(log, 10, 20)
                wait_until(lambda: count(ep) >= 20, 4, msg="appended lines took longer than 4 s")
                append(logs + "/b.log", 20, 30)
                wait_until(lambda: count(ep) >= 30, 4, msg="a new file took longer than 4 s")
                ag.kill(signal.SIGTERM)
                assert ag.wait(10) == 0, ag.stderr()
                err = ag.stderr()
    finally:
        os.kill(hog, signal.SIGKILL)
        os.waitpid(hog, 0)
    exactly_once(ep, range(30), "polled")
    emfile = "No file descriptors available"  # errstr.c: musl's words on every build
    assert "kagent: no inotify (%s): files are polled every 300 ms" % emfile in err, err


@test(timeout=300)
def kill9_twenty_times_while_writing_and_rotating(tmp):
    """app.log* written at ~2,000 lines/s and rotated (renames shifting
    .N -> .N+1) about every 0.7 s, the agent killed with SIGKILL at random
    moments 20 times, each time started again: at the end every line has
    arrived (a line may come twice: what was in flight at a kill)."""
    log = tmp + "/app.log"
    open(log, "wb").close()
    rnd = random.Random(9)
    total = 60000
    lock = threading.Lock()
    stop = threading.Event()
    rotations = [0]

    def rotate():
        while not stop.wait(0.7):
            with lock:
                rotations[0] += 1
                n = rotations[0]
                for k in range(n - 1, 0, -1):
                    os.rename("%s.%d" % (log, k), "%s.%d" % (log, k + 1))
                os.rename(log, log + ".1")
                open(log, "wb").close()

    with Endpoint(tmp) as ep:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow(log + "*", maxBufferAgeMillis=1000)], checkpointIntervalMillis=200)
        w = harness.Writer(log, 0, total, chunk=20, pause=0.01, reopen=True, lock=lock)
        rot = threading.Thread(target=rotate, daemon=True)
        w.start()
        rot.start()
        for k in range(20):
            with Agent(harness.kagent(), conf) as ag:
                time.sleep(rnd.uniform(0.3, 1.5))
                assert ag.alive(), ag.stderr()
                ag.kill(signal.SIGKILL)
                ag.wait(10)
        w.join()
        stop.set()
        rot.join()
        with Agent(harness.kagent(), conf, args=["--once=10"]) as ag:
            assert ag.wait(60) == 0, ag.stderr()[-2000:]
        got = set(numbers(ep.records()))
        missing = sorted(set(range(total)) - got)
        assert not missing, "%d lines missing (first %s) after 20 kills and %d rotations" % (
            len(missing), missing[:5], rotations[0])
        print("  %d rotations, %d records for %d lines" % (rotations[0], count(ep), total))


harness.run()
