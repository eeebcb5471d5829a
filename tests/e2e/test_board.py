"""What flashing kagent into an image needs (board/), run as far as this
machine allows:

- board/sysvinit/kagent in a temporary root (chroot, its own mount
  namespace), with busybox's start-stop-daemon and with Debian's: start,
  status, a line reaching the local endpoint, reload (HUP) with nothing lost,
  stop (TERM: what is buffered is sent, the checkpoint written), restart;
  a shell or another kagent is never taken for the one it started.
- board/openwrt/files/kagent.init under busybox sh with stub rc.common,
  functions.sh and procd functions that record what it asks procd for.
- board/systemd/kagent.service through systemd-analyze verify.

busybox is Debian's busybox-static, unpacked into build/busybox by
tools/busybox-static.sh (never installed).  Needs root (chroot, mounts)."""
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Endpoint, append, count, flow, lines, numbers, test, wait_until, write_conf  # noqa: E402

ROOT = harness.ROOT
SYSV = os.path.join(ROOT, "board", "sysvinit", "kagent")
PROCD = os.path.join(ROOT, "board", "openwrt", "files", "kagent.init")
STUBS = os.path.join(ROOT, "tests", "e2e", "openwrt")
PATH = "/bin:/sbin:/usr/bin:/usr/sbin"

_busybox = None


def busybox():
    global _busybox
    if _busybox is None:
        p = subprocess.run(["sh", os.path.join(ROOT, "tools", "busybox-static.sh"),
                            os.path.join(ROOT, "build", "busybox")],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
        assert p.returncode == 0, "no busybox-static: %s" % p.stderr.decode()
        _busybox = os.path.join(ROOT, p.stdout.decode().strip())
    return _busybox


def copy_with_libs(binary, root, dest):
    """binary (dynamically linked) into root at dest, with what ldd lists."""
    os.makedirs(os.path.dirname(root + dest), exist_ok=True)
    shutil.copy2(binary, root + dest)
    out = subprocess.run(["ldd", binary], stdout=subprocess.PIPE, check=True).stdout.decode()
    for lib in re.findall(r"(/\S+) \(0x", out):
        os.makedirs(os.path.dirname(root + lib), exist_ok=True)
        shutil.copy2(lib, root + lib)


class Chroot:
    """A root with busybox, the static kagent and the init script, in a mount
    namespace of its own (proc, /dev/null) kept by a holder process; every
    command runs in it through nsenter + chroot.  ssd: "busybox" or "debian"
    (Debian's start-stop-daemon and dash as /bin/sh)."""

    def __init__(self, tmp, ssd):
        self.dir = r = tmp + "/root"
        for d in ("bin", "sbin", "usr/bin", "usr/sbin", "etc/init.d", "var/run", "var/lib/kagent",
                  "var/log", "proc", "dev", "tmp"):
            os.makedirs(os.path.join(r, d), exist_ok=True)
        shutil.copy2(busybox(), r + "/bin/busybox")
        applets = subprocess.run([busybox(), "--list-full"], stdout=subprocess.PIPE, check=True).stdout.split()
        for a in applets:
            a = a.decode()
            if not os.path.lexists(os.path.join(r, a)):
                os.symlink("/bin/busybox", os.path.join(r, a))
        if ssd == "debian":
            for a in ("sbin/start-stop-daemon", "bin/sh"):
                os.unlink(os.path.join(r, a))
            copy_with_libs(shutil.which("start-stop-daemon"), r, "/sbin/start-stop-daemon")
            copy_with_libs("/bin/dash", r, "/bin/sh")
        shutil.copy2(harness.kagent(), r + "/usr/bin/kagent")
        shutil.copy2(SYSV, r + "/etc/init.d/kagent")
        open(r + "/dev/null", "w").close()
        ready = tmp + "/ns.ready"
        self.holder = subprocess.Popen(
            ["unshare", "-m", "--propagation", "private", "sh", "-c",
             'mount -t proc proc "$1/proc" && mount --bind /dev/null "$1/dev/null" && touch "$2" && '
             'exec sleep 100000', "holder", r, ready])
        wait_until(lambda: os.path.exists(ready) or self.holder.poll() is not None, 10)
        assert self.holder.poll() is None, "cannot make the mount namespace (unshare, mount)"

    def cmd(self, *argv, env=()):
        return ["nsenter", "-t", str(self.holder.pid), "-m", "--", "chroot", self.dir, "/usr/bin/env", "-i",
                "PATH=" + PATH] + list(env) + list(argv)

    def run(self, *argv, timeout=60, env=()):
        """(status, stdout + stderr) of argv run in the root; env: NAME=VALUE..."""
        p = subprocess.run(self.cmd(*argv, env=env), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=timeout)
        return p.returncode, p.stdout.decode("utf-8", "replace")

    def init(self, action):
        return self.run("/bin/sh", "/etc/init.d/kagent", action)

    def spawn(self, *argv):
        return subprocess.Popen(self.cmd(*argv), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def kagents(self):
        """Pids of the processes running this root's kagent binary."""
        st = os.stat(self.dir + "/usr/bin/kagent")
        pids = []
        for p in os.listdir("/proc"):
            if not p.isdigit():
                continue
            try:
                s = os.stat("/proc/%s/exe" % p)
            except OSError:
                continue
            if (s.st_dev, s.st_ino) == (st.st_dev, st.st_ino):
                pids.append(int(p))
        return sorted(pids)

    def pidfile(self):
        with open(self.dir + "/var/run/kagent.pid") as f:
            return int(f.read())

    def close(self):
        for pid in self.kagents():
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.holder.kill()
        self.holder.wait()


class Syslog(threading.Thread):
    """A syslog daemon at path that keeps every datagram."""

    def __init__(self, path):
        super().__init__(daemon=True)
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.s.bind(path)
        self.s.settimeout(0.05)
        self.got, self.done = [], False
        self.start()

    def run(self):
        while not self.done:
            try:
                self.got.append(self.s.recv(65536).decode("utf-8", "replace"))
            except socket.timeout:
                pass

    def text(self):
        return "".join(self.got)

    def close(self):
        self.done = True
        self.join()
        self.s.close()


def checkpoint_offset(root, path):
    with open(root + "/var/lib/kagent/checkpoints") as f:
        for line in f:
            parts = line.split(" ")
            if len(parts) == 6 and parts[5].rstrip("\n") == path:
                return int(parts[4])
    return None


def wait_read(ch, syslog, n):
    """Until the running kagent says (USR1) it has read n records.  A file
    read to its end before a start is looked at again by the pattern's
    rescan (10 s), not at once."""
    def done():
        os.kill(ch.pidfile(), signal.SIGUSR1)
        time.sleep(0.3)
        said = re.findall(r"s1: read (\d+) records", syslog.text())
        return said and int(said[-1]) >= n
    wait_until(done, 20, msg=syslog.text()[-2000:])


def sysvinit_cycle(tmp, ssd):
    ch = Chroot(tmp, ssd)
    log = ch.dir + "/var/log/app.log"
    open(log, "wb").close()
    syslog = Syslog(ch.dir + "/dev/log")
    decoy_sh = decoy_kagent = None
    try:
        with Endpoint(tmp, tls=False) as ep:
            # batches (fewer than 500 lines) wait a minute: only a flush (HUP, TERM)
            # sends them early
            write_conf(ch.dir + "/etc/kagent.conf", ep, [flow("/var/log/app.log", maxBufferAgeMillis=60000)],
                       checkpointFile="/var/lib/kagent/checkpoints", checkpointIntervalMillis=200)
            write_conf(ch.dir + "/etc/decoy.conf", None, [flow("/var/log/decoy.log")],
                       checkpointFile="/var/lib/kagent/decoy")
            open(ch.dir + "/var/log/decoy.log", "w").close()
            # what the old script took for kagent: any shell, any kagent
            decoy_sh = ch.spawn("/bin/sh", "-c", "sleep 1000")
            decoy_kagent = ch.spawn("/usr/bin/kagent", "-n", "-c", "/etc/decoy.conf")
            wait_until(lambda: len(ch.kagents()) == 1, 10)
            decoy = ch.kagents()[0]

            rc, out = ch.init("status")
            assert (rc, out) == (3, "kagent is not running\n"), (rc, out)
            rc, out = ch.init("start")
            assert rc == 0, out
            pid = ch.pidfile()
            assert out == "kagent started (pid %d)\n" % pid, out
            assert ch.kagents() == sorted([decoy, pid]), (ch.kagents(), decoy, pid)
            rc, out = ch.init("status")
            assert (rc, out) == (0, "kagent is running (pid %d)\n" % pid), (rc, out)
            rc, out = ch.init("start")
            assert (rc, out) == (0, "kagent is already running (pid %d)\n" % pid), (rc, out)
            assert ch.kagents() == sorted([decoy, pid])
            wait_until(lambda: "started: 1 flow(s)" in syslog.text(), 10, msg=syslog.text())

            # a line written reaches the endpoint (here at the flush of a reload)
            append(log, 0, 300)
            time.sleep(0.5)
            assert count(ep) == 0                   # still buffered
            rc, out = ch.init("reload")
            assert (rc, out) == (0, "kagent reloading /etc/kagent.conf\n"), (rc, out)
            wait_until(lambda: count(ep) >= 300, 15, msg=syslog.text())
            wait_until(lambda: syslog.text().count("started: 1 flow(s)") == 2, 15, msg=syslog.text())
            assert ch.pidfile() == pid and ch.kagents() == sorted([decoy, pid])   # the same process
            assert re.search(r"kagent\[%d\]: reloading /etc/kagent.conf\n" % pid, syslog.text()), syslog.text()
            append(log, 300, 600)
            wait_read(ch, syslog, 300)

            # a configuration that became bad: reload refuses, kagent keeps on
            with open(ch.dir + "/etc/kagent.conf") as f:
                good = f.read()
            with open(ch.dir + "/etc/kagent.conf", "w") as f:
                f.write("{ \"flows\": [ }")
            rc, out = ch.init("reload")
            assert rc == 1 and out.endswith("kagent: /etc/kagent.conf is not valid (see above)\n"), (rc, out)
            assert ch.pidfile() == pid and ch.kagents() == sorted([decoy, pid])
            with open(ch.dir + "/etc/kagent.conf", "w") as f:
                f.write(good)

            # stop: what is buffered is sent, the checkpoint written
            rc, out = ch.init("stop")
            assert (rc, out) == (0, "kagent stopped\n"), (rc, out)
            assert ch.kagents() == [decoy], ch.kagents()
            assert numbers(ep.records()) == list(range(600)), "lost or repeated across reload and stop:\n" + syslog.text()
            assert checkpoint_offset(ch.dir, "/var/log/app.log") == os.path.getsize(log)
            assert not os.path.exists(ch.dir + "/var/run/kagent.pid")
            rc, out = ch.init("status")
            assert (rc, out) == (3, "kagent is not running\n"), (rc, out)
            rc, out = ch.init("stop")
            assert (rc, out) == (0, "kagent is not running\n"), (rc, out)

            # restart, from stopped and from running: resumes at its checkpoint
            rc, out = ch.init("restart")
            assert rc == 0 and out.startswith("kagent is not running\nkagent started (pid "), (rc, out)
            first = ch.pidfile()
            append(log, 600, 900)
            wait_read(ch, syslog, 300)
            rc, out = ch.init("restart")
            assert rc == 0 and out.startswith("kagent stopped\nkagent started (pid "), (rc, out)
            second = ch.pidfile()
            assert second != first and ch.kagents() == sorted([decoy, second]), (first, second, ch.kagents())
            assert numbers(ep.records()) == list(range(900))
            append(log, 900, 1200)
            wait_read(ch, syslog, 300)
            rc, out = ch.init("stop")
            assert rc == 0, out
            assert numbers(ep.records()) == list(range(1200))
            assert checkpoint_offset(ch.dir, "/var/log/app.log") == os.path.getsize(log)
            assert decoy_sh.poll() is None and ch.kagents() == [decoy]

            # a kagent killed without a word: status says so, start cleans up
            rc, out = ch.init("start")
            assert rc == 0, out
            os.kill(ch.pidfile(), signal.SIGKILL)
            wait_until(lambda: len(ch.kagents()) == 1, 10)
            rc, out = ch.init("status")
            assert (rc, out) == (1, "kagent is not running, but /var/run/kagent.pid is there\n"), (rc, out)
            rc, out = ch.init("start")
            assert rc == 0 and out.startswith("kagent started"), out
            rc, out = ch.init("stop")
            assert rc == 0, out

            # every line of kagent's went to syslog, as daemon.*, its name once
            for line in syslog.got:
                assert re.match(r"<(2[4-9]|3[01])>kagent\[\d+\]: [^\n]*\n\Z",
                                line), line
    finally:
        for p in (decoy_sh, decoy_kagent):
            if p:
                p.kill()
                p.wait()
        syslog.close()
        ch.close()


PROCD_START = [
    "procd_open_service|kagent|/etc/init.d/kagent",
    "procd_open_instance",
    "procd_set_param|command|/usr/bin/kagent|-s|-c|/etc/kagent.conf",
    "procd_set_param|file|/etc/kagent.conf",
    "procd_set_param|reload_signal|HUP",
    "procd_set_param|respawn|3600|5|0",
    "procd_set_param|stderr|1",
    "procd_set_param|term_timeout|15",
    "procd_close_instance",
    "procd_add_reload_trigger|kagent",
    "procd_close_service|set",
]


@test(timeout=120, sanitize=False)
def openwrt_init_script_under_busybox_with_procd_stubs(tmp):
    """board/openwrt/files/kagent.init run as OpenWrt runs it (#!/bin/sh
    /etc/rc.common, busybox ash) with stub rc.common, functions.sh and procd
    functions that record what it asks procd for; then the command it gives
    procd is run, and sent procd's reload signal and TERM."""
    ch = Chroot(tmp, "busybox")
    r = ch.dir
    os.makedirs(r + "/lib", exist_ok=True)
    os.makedirs(r + "/etc/config", exist_ok=True)
    shutil.copy2(os.path.join(STUBS, "rc.common"), r + "/etc/rc.common")
    shutil.copy2(os.path.join(STUBS, "functions.sh"), r + "/lib/functions.sh")
    shutil.copy2(PROCD, r + "/etc/init.d/kagent")
    os.chmod(r + "/etc/init.d/kagent", 0o755)
    shutil.copy2(os.path.join(ROOT, "board", "openwrt", "files", "kagent.config"), r + "/etc/config/kagent")
    log = r + "/var/log/app.log"
    append(log, 0, 100)
    syslog = Syslog(r + "/dev/log")
    env = ["PROCD_LOG=/tmp/procd.log"]

    def action(name):
        if os.path.exists(r + "/tmp/procd.log"):
            os.unlink(r + "/tmp/procd.log")
        rc, out = ch.run("/etc/init.d/kagent", name, env=env)
        calls = open(r + "/tmp/procd.log").read().splitlines() if os.path.exists(r + "/tmp/procd.log") else []
        return rc, out, calls

    try:
        with Endpoint(tmp, tls=False) as ep:
            write_conf(r + "/etc/kagent.conf", ep, [flow("/var/log/app.log")],
                       checkpointFile="/var/lib/kagent/checkpoints")
            with open(r + "/etc/kagent.conf") as f:
                good = f.read()
            rc, out, calls = action("start")
            assert (rc, out) == (0, ""), (rc, out)
            assert calls == PROCD_START, calls
            rc, out, calls = action("reload")
            assert (rc, out, calls) == (0, "", PROCD_START), (rc, out, calls)

            # configDir's files are the configuration too
            os.makedirs(r + "/etc/kagent.d")
            for n in ("b.json", "a.json"):
                open(r + "/etc/kagent.d/" + n, "w").write('{"flows": []}\n')
            rc, out, calls = action("start")
            want = PROCD_START[:4] + ["procd_append_param|file|/etc/kagent.d/a.json",
                                      "procd_append_param|file|/etc/kagent.d/b.json"] + PROCD_START[4:]
            assert (rc, out, calls) == (0, "", want), (rc, out, calls)
            shutil.rmtree(r + "/etc/kagent.d")

            # a file kagent refuses: reload leaves procd (and kagent) alone
            with open(r + "/etc/kagent.conf", "w") as f:
                f.write('{ "flows": [ }')
            rc, out, calls = action("reload")
            assert rc == 1 and calls == [], (rc, out, calls)
            assert out.endswith("kagent: /etc/kagent.conf is not valid (see above)\n"), out
            # ... and start gives procd no instance, saying why in the log
            rc, out, calls = action("start")
            assert rc == 1 and calls == [PROCD_START[0], "procd_add_reload_trigger|kagent",
                                         "procd_close_service|set"], (rc, out, calls)
            wait_until(lambda: re.search(r"<27>\w{3} [ \d]\d \d\d:\d\d:\d\d kagent: /etc/kagent.conf is not valid",
                                         syslog.text()), 5, msg=syslog.text())
            with open(r + "/etc/kagent.conf", "w") as f:
                f.write(good)

            # uci: enabled 0 gives procd no instance (it stops kagent)
            with open(r + "/etc/config/kagent", "a") as f:
                f.write("\toption enabled '0'\n")
            with open(r + "/etc/config/kagent") as f:
                uci = f.read().replace("\toption enabled '1'\n", "")
            with open(r + "/etc/config/kagent", "w") as f:
                f.write(uci)
            rc, out, calls = action("start")
            assert (rc, out) == (0, "") and calls == [PROCD_START[0], "procd_add_reload_trigger|kagent",
                                                      "procd_close_service|set"], (rc, out, calls)
            rc, out, calls = action("stop")
            assert (rc, calls) == (0, ["procd_kill|kagent|"]), (rc, out, calls)

            # the command procd would run: it logs to syslog, reloads on the
            # reload signal, and stops on TERM within term_timeout
            argv = PROCD_START[2].split("|")[2:]
            agent = ch.spawn(*argv)
            wait_until(lambda: len(ch.kagents()) == 1, 10)
            pid = ch.kagents()[0]
            wait_until(lambda: count(ep) >= 100, 15, msg=syslog.text())
            os.kill(pid, signal.SIGHUP)
            wait_until(lambda: syslog.text().count("kagent[%d]: started: 1 flow(s)" % pid) == 2, 15,
                       msg=syslog.text())
            os.kill(pid, signal.SIGTERM)
            assert agent.wait(15) == 0
            assert numbers(ep.records()) == list(range(100))
    finally:
        syslog.close()
        ch.close()


@test(timeout=60, sanitize=False)
def busybox_syslogd_reads_kagents_lines(tmp):
    """busybox's own syslogd on the chroot's /dev/log: it takes each of
    kagent's lines with its facility and severity, the name once."""
    ch = Chroot(tmp, "busybox")
    r = ch.dir
    syslogd = ch.spawn("/sbin/syslogd", "-n", "-l", "8", "-O", "/var/log/messages")
    try:
        wait_until(lambda: os.path.exists(r + "/dev/log"), 10)
        write_conf(r + "/etc/kagent.conf", None, [flow("/var/log/missing.log")],
                   **{"firehose.endpoint": "http://127.0.0.1:9", "checkpointFile": "/var/lib/kagent/checkpoints"})
        agent = ch.spawn("/usr/bin/kagent", "-v", "-s", "-c", "/etc/kagent.conf")
        wait_until(lambda: len(ch.kagents()) == 1, 10)
        pid = ch.kagents()[0]
        # signals once it takes them (its pidfile, had it one, says when);
        # not on syslogd's own "syslogd started: BusyBox": kagent's line
        wait_until(lambda: os.path.exists(r + "/var/log/messages") and
                   "kagent[%d]: started:" % pid in open(r + "/var/log/messages").read(), 10)
        os.kill(pid, signal.SIGUSR1)
        time.sleep(0.5)
        os.kill(pid, signal.SIGTERM)
        rc = agent.wait(15)
        assert rc == 0, "kagent exited %s; syslogd wrote: %r" % (rc, open(r + "/var/log/messages").read())
        want = [r"daemon\.warn kagent\[%d\]: /var/log/missing\.log: cannot open, waiting for it$",
                r"daemon\.info kagent\[%d\]: started: 1 flow\(s\), \d+ bytes of memory taken$",
                r"daemon\.info kagent\[%d\]: s1: read 0 records, sent 0"]

        def logged():
            text = open(r + "/var/log/messages").read() if os.path.exists(r + "/var/log/messages") else ""
            return all(re.search(w % pid, text, re.M) for w in want) and text
        text = wait_until(logged, 10, msg="busybox syslogd wrote: %r" % (
            open(r + "/var/log/messages").read() if os.path.exists(r + "/var/log/messages") else ""))
        kagents = [l for l in text.splitlines() if "kagent" in l]
        assert kagents and all(re.match(r"\w{3} [ \d]\d \d\d:\d\d:\d\d \S+ daemon\.(info|warn|debug) kagent\[%d\]: (?!kagent)"
                            % pid, l) for l in kagents), kagents
    finally:
        syslogd.kill()
        syslogd.wait()
        ch.close()


@test(timeout=60, sanitize=False)
def log_target_and_pid_file_keys(tmp):
    """"logTarget": "syslog" and "pidFile" in the configuration do what -s
    and -p do: busybox syslogd gets kagent's lines, the pidfile holds its
    pid and goes at exit; -t shows them, and -s and -p win over them."""
    ch = Chroot(tmp, "busybox")
    r = ch.dir
    syslogd = ch.spawn("/sbin/syslogd", "-n", "-l", "8", "-O", "/var/log/messages")
    try:
        wait_until(lambda: os.path.exists(r + "/dev/log"), 10)
        top = {"firehose.endpoint": "http://127.0.0.1:9", "checkpointFile": "/var/lib/kagent/checkpoints"}
        write_conf(r + "/etc/plain.conf", None, [flow("/var/log/missing.log")], **top)
        write_conf(r + "/etc/kagent.conf", None, [flow("/var/log/missing.log")], logTarget="syslog",
                   pidFile="/var/run/k.pid", **top)
        rc, out = ch.run("/usr/bin/kagent", "-t", "-c", "/etc/plain.conf")
        assert rc == 0 and "\nlogTarget = stderr\npidFile = (none)\n" in out, out
        rc, out = ch.run("/usr/bin/kagent", "-t", "-s", "-p", "/tmp/p", "-c", "/etc/plain.conf")
        assert rc == 0 and "\nlogTarget = syslog\npidFile = /tmp/p\n" in out, out
        rc, out = ch.run("/usr/bin/kagent", "-t", "-c", "/etc/kagent.conf")
        assert rc == 0 and "\nlogTarget = syslog\npidFile = /var/run/k.pid\n" in out, out
        rc, out = ch.run("/usr/bin/kagent", "-t", "-p", "/tmp/p", "-c", "/etc/kagent.conf")
        assert rc == 0 and "\nlogTarget = syslog\npidFile = /tmp/p\n" in out, out

        agent = ch.spawn("/usr/bin/kagent", "-c", "/etc/kagent.conf")
        wait_until(lambda: len(ch.kagents()) == 1 and os.path.exists(r + "/var/run/k.pid"), 10)
        pid = ch.kagents()[0]
        assert open(r + "/var/run/k.pid").read() == "%d\n" % pid
        wait_until(lambda: os.path.exists(r + "/var/log/messages") and
                   re.search(r"daemon\.info kagent\[%d\]: started: 1 flow\(s\)" % pid,
                             open(r + "/var/log/messages").read()), 10)
        os.kill(pid, signal.SIGTERM)
        assert agent.wait(15) == 0
        assert not os.path.exists(r + "/var/run/k.pid")
    finally:
        syslogd.kill()
        syslogd.wait()
        ch.close()


@test(timeout=180, sanitize=False)
def sysvinit_script_with_busybox(tmp):
    sysvinit_cycle(tmp, "busybox")


@test(timeout=180, sanitize=False)
def sysvinit_script_with_debian_start_stop_daemon(tmp):
    if not shutil.which("start-stop-daemon"):
        raise AssertionError("no start-stop-daemon on this machine (dpkg's)")
    sysvinit_cycle(tmp, "debian")


harness.run()
