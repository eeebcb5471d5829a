"""make bench: what kagent costs next to the floor, as one table.  Numbers,
not assertions; not part of make test.

    python3 tools/bench.py KAGENT [--lines N] [--runs R] [--ir-lines M] [--quick]
                           [--arm ARM_KAGENT --arm-floor F] [--mips MIPS_KAGENT --mips-floor F]
                           [--aarch64 AARCH64_KAGENT --aarch64-floor F]
                           [--floor-openssl F] [--floor-bearssl F]

The data: N (200,000) Apache combined-log lines, made the same way every time
(IPv4 and IPv6 clients, varied paths, queries, referers and user agents).

Rows: the floor tools (tools/floor.c: base64 each line into a PutRecordBatch
body, SHA-256 it once, seal it once; with OpenSSL's SHA-NI/AES-NI code, and
with BearSSL's portable code), then kagent --once delivering the file over
TLS to tools/endpoint.py: Firehose, Firehose with LOGTOJSON
COMBINEDAPACHELOG, Kinesis (RANDOM keys), Firehose with 4 requests in flight.

Columns:
  CPU        user+sys of the process (wait4), median of R runs
  us/line    CPU / N
  xfloor     CPU / the OpenSSL floor's CPU; xport: / the portable floor's
  wall       start to exit of kagent --once (all records accepted)
  ep CPU     the endpoint's own CPU over the run (/proc/PID/stat, all its
             threads); wall/ep: when near 1 the endpoint was the bottleneck
             (it is Python, effectively one core)
  RSS        peak RSS (wait4's ru_maxrss), KiB
  sys/1k     system calls per 1,000 lines, counted by `strace -f -c` in one
             more run (strace slows kagent down, so this is the count for
             that run's timing)
  ckpt       checkpoint writes (rename() calls in the strace run)
  Ir/line    instructions per line, `valgrind --tool=cachegrind`: the
             difference between runs over the first M (20,000) and M / 10
             lines, divided by the lines between (start and handshake out).
             Valgrind's CPU has no SHA extensions, VAES or VPCLMULQDQ:
             kagent and OpenSSL both run their code for a CPU without them
             (kagent's 128-bit GHASH, BearSSL's AES-NI), so this column is
             stable but does not show SHA-NI or the 256-bit AES-GCM.
With --arm and --mips (make bench gives them): the ARMv7 and the MIPS32r2
little-endian builds' instructions per line under qemu-arm -cpu cortex-a15
and qemu-mipsel (no AES, no SHA instructions: kagent offers
ChaCha20-Poly1305 first and the endpoint takes the client's order), as the
difference between runs over the first 1,300 and 300 lines (the start and
the TLS handshake left out), and the portable floor's built for each; the
ratio there is to that floor's instructions.  Counted from qemu's log
(-d in_asm,out_asm,exec,nochain): each translated block's instructions
times the runs of its host code, a block known by its host code's address
(a guest address may start several blocks, as Thumb-2 translated under
other flags).  On x86 (qemu-x86_64) this count is cachegrind's to 0.02 %.
With --aarch64, the AArch64 build the same way under qemu-aarch64's own
CPU, which has ARMv8's AES, PMULL and SHA-256 instructions: kagent offers
AES-GCM first and hashes with them, its portable floor does not, so that
ratio shows what the instructions buy (an ARMv8 router's CPU), not a goal.
Logged, qemu runs about two million instructions a second: kagent's and
the endpoint's TLS handshake timeouts are raised for these runs, and they
take a few minutes."""
import argparse
import collections
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
from harness import Endpoint, write_conf  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")
# An ARMv7 without the ARMv8 instructions (a router's CPU): portable SHA-256.
ARM_CPU = "cortex-a15"
# Builds counted under qemu: (name, option, qemu command).
QEMU_TARGETS = [("ARMv7", "arm", ["qemu-arm", "-cpu", ARM_CPU]), ("MIPS LE", "mips", ["qemu-mipsel"]),
                ("AArch64", "aarch64", ["qemu-aarch64"])]
# Counted, qemu runs a few million instructions a second: a TLS handshake
# takes longer than kagent and the endpoint wait for it by default.
QEMU_SLOW_ENDPOINT = 600
QEMU_SLOW = {"connectionTimeoutMillis": 600000, "tlsHandshakeTimeoutMillis": 600000,
             "socketTimeoutMillis": 600000}

# ---------------------------------------------------------------- the data

PATHS = ["/", "/index.html", "/favicon.ico", "/robots.txt", "/api/v1/items", "/api/v1/items/%d",
         "/api/v2/users/%d/orders", "/static/js/app.%x.js", "/static/css/main.%x.css",
         "/images/products/%d.jpg", "/search", "/login", "/logout", "/cart/add", "/checkout",
         "/blog/%d/%s", "/wp-login.php", "/.env", "/health", "/metrics"]
WORDS = ["router", "firmware", "update", "release-notes", "wifi", "mesh", "setup", "guide", "faq",
         "openwrt", "yocto", "kinesis", "logs", "agent"]
QUERIES = ["", "", "", "?q=%s", "?page=%d", "?id=%d&ref=home", "?utm_source=news&utm_medium=email&utm_campaign=%s",
           "?sort=price&order=asc&page=%d"]
AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.43 Mobile Safari/537.36",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "curl/7.88.1", "Wget/1.21.3", "python-requests/2.31.0", "Go-http-client/1.1", "-",
]
REFERERS = ["-", "-", "-", "https://www.google.com/", "https://www.example.com/", "https://www.example.com/blog/%d/%s",
            "https://duckduckgo.com/?q=%s", "http://localhost:8080/admin"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def fill(r, fmt):
    out = fmt
    while "%" in out:
        i = out.index("%")
        c = out[i + 1]
        v = {"d": str(r.randrange(1, 100000)), "x": "%x" % r.getrandbits(32), "s": r.choice(WORDS)}[c]
        out = out[:i] + v + out[i + 2:]
    return out


def client(r):
    k = r.random()
    if k < 0.78:
        return "%d.%d.%d.%d" % (r.randrange(1, 224), r.randrange(256), r.randrange(256), r.randrange(1, 255))
    if k < 0.95:
        groups = ["%x" % r.getrandbits(16) for _ in range(r.choice((4, 8)))]
        if len(groups) == 4:
            return "2001:db8:%s::%s" % (":".join(groups[:2]), ":".join(groups[2:]))
        return ":".join(groups)
    return "::ffff:192.168.%d.%d" % (r.randrange(256), r.randrange(1, 255))


def make_lines(n, seed=14):
    r = random.Random(seed)
    t = 1700000000
    out = []
    for _ in range(n):
        t += r.randrange(0, 3)
        tm = time.gmtime(t)
        date = "%02d/%s/%d:%02d:%02d:%02d +0000" % (tm.tm_mday, MONTHS[tm.tm_mon - 1], tm.tm_year,
                                                   tm.tm_hour, tm.tm_min, tm.tm_sec)
        method = r.choice(("GET",) * 8 + ("POST", "HEAD"))
        req = "%s %s%s HTTP/%s" % (method, fill(r, r.choice(PATHS)), fill(r, r.choice(QUERIES)),
                                   r.choice(("1.1", "1.1", "2.0", "1.0")))
        status = r.choice((200,) * 12 + (304, 304, 301, 404, 404, 500, 403))
        size = "-" if status in (304, 301) and r.random() < 0.7 else str(r.randrange(0, 250000))
        user = r.choice(("-",) * 15 + ("alice", "bob.smith"))
        out.append('%s - %s [%s] "%s" %d %s "%s" "%s"\n' % (client(r), user, date, req, status, size,
                                                           fill(r, r.choice(REFERERS)), r.choice(AGENTS)))
    return "".join(out).encode()

# ---------------------------------------------------------------- measuring


def proc_cpu(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def timed(cmd, **kw):
    """Runs cmd; (seconds of CPU, wall seconds, peak RSS KiB, status, stdout).
    GNU time starts it and tells its peak RSS (wait4's would count this big
    Python's from before exec); the CPU is wait4's (time's own is ~1 ms)."""
    fd, stats = tempfile.mkstemp(prefix="kagent-bench-time-")
    os.close(fd)
    t0 = time.monotonic()
    p = subprocess.Popen(["/usr/bin/time", "-f", "%M", "-o", stats] + cmd, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, **kw)
    out = p.stdout.read()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.monotonic() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    p.stdout.close()
    with open(stats) as f:
        rss = int(f.read().split()[-1])
    os.unlink(stats)
    return ru.ru_utime + ru.ru_stime, wall, rss, p.returncode, out


def cachegrind(cmd):
    r = subprocess.run(["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null"] + cmd,
                       capture_output=True, text=True)
    m = re.search(r"I\s+refs:\s+([\d,]+)", r.stderr)
    return int(m.group(1).replace(",", "")) if m else None


def strace_counts(cmd, tmp):
    out = os.path.join(tmp, "strace")
    subprocess.run(["strace", "-f", "-c", "-o", out] + cmd, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    calls = {}
    for line in open(out):
        f = line.split()
        if len(f) >= 5 and f[0][0].isdigit() and f[-1] != "total":
            calls[f[-1]] = int(f[3])
    return calls


def qemu_count(cmd, tmp):
    """Instructions executed by cmd (a qemu-user command line): each
    translated block's guest instructions (in_asm) times the times its host
    code ran (exec, nochain: every run is logged).  A block is known by the
    address of its host code (out_asm), which is one block's at a time,
    where one guest address may start several (Thumb-2 translated under
    other flags).  Read in large chunks: the log has a line per block run."""
    fifo = os.path.join(tmp, "qemu.fifo")
    if os.path.exists(fifo):
        os.unlink(fifo)
    os.mkfifo(fifo)
    p = subprocess.Popen([cmd[0], "-d", "in_asm,out_asm,exec,nochain", "-D", fifo] + cmd[1:],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    trace = re.compile(rb"^Trace \d+: 0x([0-9a-f]+) ", re.M)
    block = re.compile(rb"^IN:[^\n]*\n((?:0x[^\n]*\n)+)\nOUT: \[size=\d+\]\n(?:  --[^\n]*\n)?0x([0-9a-f]+):", re.M)
    # a line of bytes alone continues the instruction before it (x86)
    more = re.compile(rb"^0x[0-9a-f]+:  (?:[0-9a-f]{2} )*[0-9a-f]{2} *$", re.M)
    size, runs, total, rest, eof = {}, collections.Counter(), 0, b"", False
    with open(fifo, "rb") as f:
        while not eof:
            chunk = f.read(1 << 24)
            eof = not chunk
            chunk = rest + chunk
            cut = len(chunk) if eof else chunk.rfind(b"\nTrace ") + 1
            at = 0
            for m in block.finditer(chunk, 0, cut):
                # the runs before this block was translated, then the block;
                # host code written again over another block's ends that one
                runs.update(trace.findall(chunk, at, m.start()))
                total += runs.pop(m.group(2), 0) * size.get(m.group(2), 0)
                size[m.group(2)] = m.group(1).count(b"\n") - len(more.findall(m.group(1)))
                at = m.end()
            runs.update(trace.findall(chunk, at, cut))
            rest = chunk[cut:]
    p.wait()
    return total + sum(k * size.get(pc, 0) for pc, k in runs.items())


# ---------------------------------------------------------------- runs


def kagent_conf(tmp, ep, log, name, flow_extra, top_extra):
    conf = os.path.join(tmp, name + ".conf")
    flow = {"filePattern": log, "initialPosition": "START_OF_FILE"}
    flow.update(flow_extra)
    write_conf(conf, ep, [flow], checkpointFile=os.path.join(tmp, "ck-" + name), **top_extra)
    ck = os.path.join(tmp, "ck-" + name)
    if os.path.exists(ck):
        os.unlink(ck)
    return conf


def run_kagent(tmp, kagent, log, n, name, flow, wrapper=()):
    """One delivery of log; (cpu, wall, rss, endpoint cpu, records received)."""
    with Endpoint(tmp, tls=True) as ep:
        conf = kagent_conf(tmp, ep, log, name, flow, {})
        e0 = proc_cpu(ep.proc.pid)
        cpu, wall, rss, rc, _ = timed(list(wrapper) + [kagent, "--once=60", "-c", conf])
        time.sleep(0.05)
        e1 = proc_cpu(ep.proc.pid)
        got = sum(1 for _ in open(ep.out, "rb"))
    if rc != 0 or got < n:
        print("  (%s: status %d, %d of %d records arrived)" % (name, rc, got, n), file=sys.stderr)
    return cpu, wall, rss, e1 - e0, got


def measure_cmd(tmp, kagent, log, name, flow, fn, top_extra={}, **endpoint):
    with Endpoint(tmp, tls=True, **endpoint) as ep:
        conf = kagent_conf(tmp, ep, log, name, flow, top_extra)
        return fn([kagent, "--once=600", "-c", conf])


FLOWS = [
    ("Firehose", {"deliveryStream": "bench"}),
    ("Firehose LOGTOJSON", {"deliveryStream": "bench", "dataProcessingOptions": [
        {"optionName": "LOGTOJSON", "logFormat": "COMBINEDAPACHELOG"}]}),
    ("Kinesis", {"kinesisStream": "bench"}),
    ("Firehose, 4 in flight", {"deliveryStream": "bench", "maxInFlightRequests": 4}),
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("kagent")
    ap.add_argument("--lines", type=int, default=200000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--ir-lines", type=int, default=20000)
    ap.add_argument("--quick", action="store_true", help="no strace, valgrind or qemu runs")
    ap.add_argument("--floor-openssl", default=os.path.join(ROOT, "build/host/floor-openssl"))
    ap.add_argument("--floor-bearssl", default=os.path.join(ROOT, "build/host/floor-bearssl"))
    for name, opt, qemu in QEMU_TARGETS:
        ap.add_argument("--" + opt, help="the %s kagent, counted under %s" % (name, qemu[0]))
        ap.add_argument("--%s-floor" % opt, help="the %s portable floor" % name)
    ap.add_argument("--only", help="only the rows whose name contains this")
    ap.add_argument("--procbench", help="tools/procbench.c built: a table of each processor's cost")
    a = ap.parse_args()
    kagent = os.path.abspath(a.kagent)
    have_vg = not a.quick and subprocess.run(["sh", "-c", "command -v valgrind"],
                                             capture_output=True).returncode == 0
    have_strace = not a.quick and subprocess.run(["sh", "-c", "command -v strace"],
                                                 capture_output=True).returncode == 0
    rows = []
    with tempfile.TemporaryDirectory(prefix="kagent-bench-") as tmp:
        log = os.path.join(tmp, "access.log")
        data = make_lines(a.lines)
        with open(log, "wb") as f:
            f.write(data)
        # instructions: the difference between runs over the first M and
        # M / 10 lines, per line (the start and the TLS handshake left out)
        smalls = []
        for k in (a.ir_lines // 10, a.ir_lines):
            smalls.append(os.path.join(tmp, "access-%d.log" % k))
            with open(smalls[-1], "wb") as f:
                f.write(b"".join(data.splitlines(True)[:k]))

        def ir_per_line(fn):
            hi, lo = fn(smalls[1]), fn(smalls[0])
            return (hi - lo) / (a.ir_lines - a.ir_lines // 10) if hi and lo else None
        print("%d lines, %d bytes (%.1f bytes a line), TLS to tools/endpoint.py; median of %d runs"
              % (a.lines, len(data), len(data) / a.lines, a.runs))

        floors = {}
        for name, tool in (("floor (OpenSSL)", a.floor_openssl), ("floor (BearSSL portable)", a.floor_bearssl)):
            if not os.path.exists(tool):
                print("  (no %s: %s)" % (name, tool), file=sys.stderr)
                continue
            cpus = [timed([tool, log])[0] for _ in range(max(a.runs, 5))]
            cpu = statistics.median(cpus)
            floors[name] = cpu
            ir = ir_per_line(lambda log: cachegrind([tool, log])) if have_vg else None
            rows.append(dict(name=name, cpu=cpu, ir=ir))

        for name, flow in FLOWS:
            if a.only and a.only not in name:
                continue
            res = [run_kagent(tmp, kagent, log, a.lines, "k", flow) for _ in range(a.runs)]
            res.sort(key=lambda r: r[0])
            cpu, wall, rss, ecpu, got = res[len(res) // 2]
            row = dict(name=name, cpu=cpu, wall=wall, ecpu=ecpu, rss=max(r[2] for r in res), got=got)
            if have_strace:
                calls = measure_cmd(tmp, kagent, log, "k", flow, lambda c: strace_counts(c, tmp))
                row["sys"] = sum(calls.values()) * 1000.0 / a.lines
                row["ckpt"] = calls.get("rename", 0) + calls.get("renameat", 0) + calls.get("renameat2", 0)
            if have_vg:
                row["ir"] = ir_per_line(lambda log: measure_cmd(tmp, kagent, log, "k", flow, cachegrind))
            rows.append(row)

        # two runs, 300 and 1,300 lines: the difference is 1,000 lines' work
        # without the start (the TLS handshake is millions under qemu)
        few = []
        for k in (300, 1300):
            few.append(os.path.join(tmp, "access-few-%d.log" % k))
            with open(few[-1], "wb") as f:
                f.write(b"".join(data.splitlines(True)[:k]))

        def per_line(fn):
            return (fn(few[1]) - fn(few[0])) / 1000.0
        for target, opt, qemu in QEMU_TARGETS:
            build, floor = getattr(a, opt), getattr(a, opt + "_floor")
            if not build or a.quick:
                continue
            for name, flow in FLOWS[:3]:
                rows.append(dict(name=target + " " + name, target=target, qemu=qemu[0], irq=per_line(
                    lambda log: measure_cmd(tmp, os.path.abspath(build), log, opt, flow,
                                            lambda c: qemu_count(qemu + c, tmp),
                                            QEMU_SLOW, handshake_timeout=QEMU_SLOW_ENDPOINT))))
            if floor:
                rows.append(dict(name=target + " floor (BearSSL portable)", target=target, qemu=qemu[0],
                                 floor=True, irq=per_line(lambda log: qemu_count(qemu + [floor, log], tmp))))
        procs = processor_rows(a, tmp, data) if a.procbench else []

    fo = floors.get("floor (OpenSSL)")
    fp = floors.get("floor (BearSSL portable)")
    print()
    print("| run | CPU s | µs/line | × floor | × portable floor | wall s | endpoint CPU s | wall / endpoint CPU "
          "| peak RSS KiB | syscalls / 1k lines | checkpoint writes | instructions / line |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")

    def f(v, fmt):
        return fmt % v if v is not None else ""
    for r in rows:
        if "irq" in r:
            fl = [x["irq"] for x in rows if x.get("floor") and x["target"] == r["target"]]
            print("| %s | | | | %s | | | | | | | %.0f (%s) |" % (
                r["name"], "%.2f (instructions)" % (r["irq"] / fl[0]) if fl else "", r["irq"], r["qemu"]))
            continue
        cpu = r["cpu"]
        print("| %s | %.2f | %.2f | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            r["name"], cpu, cpu / a.lines * 1e6,
            f(cpu / fo if fo else None, "%.1f"), f(cpu / fp if fp else None, "%.1f"),
            f(r.get("wall"), "%.2f"), f(r.get("ecpu"), "%.2f"),
            f(r["wall"] / r["ecpu"] if r.get("ecpu") else None, "%.2f"),
            f(r.get("rss"), "%d"), f(r.get("sys"), "%.0f"), f(r.get("ckpt"), "%d"),
            f(r.get("ir"), "%.0f")))

    if procs:
        base = procs[0]
        print()
        print("One run of each processor over the first %d lines (tools/procbench.c; CPU: median of 5)"
              % a.ir_lines)
        print()
        print("| processor | µs/line | instructions / line | × LOGTOJSON COMBINEDAPACHELOG (instructions) |")
        print("| --- | ---: | ---: | ---: |")
        for name, us, ir in procs:
            print("| %s | %.3f | %s | %s |" % (name, us, f(ir, "%.0f"),
                                             f(ir / base[2] if ir and base[2] else None, "%.2f")))


PROCESSORS = [
    ("LOGTOJSON COMBINEDAPACHELOG", "apache", {"optionName": "LOGTOJSON", "logFormat": "COMBINEDAPACHELOG"}),
    ("LOGTOJSON COMMONAPACHELOG", "apache", {"optionName": "LOGTOJSON", "logFormat": "COMMONAPACHELOG"}),
    ("LOGTOJSON matchPattern", "apache", {
        "optionName": "LOGTOJSON", "logFormat": "COMMONAPACHELOG",
        "matchPattern": "^(\\S+) \\S+ (\\S+) \\[([^\\]]+)\\] \"(\\S+) ([^\"]*) (\\S+)\" (\\d{3}) (\\d+|-).*",
        "customFieldNames": ["client", "user", "time", "method", "path", "protocol", "status", "size"]}),
    ("LOGTOJSON matchPattern, lazy", "apache", {
        "optionName": "LOGTOJSON", "logFormat": "COMMONAPACHELOG",
        "matchPattern": "^(\\S+) \\S+ (\\S+) \\[(.*?)\\] \"(.*?)\" (\\d{3}) (\\S+) \"(.*?)\" \"(.*?)\"$",
        "customFieldNames": ["ip", "user", "time", "request", "status", "size", "referer", "agent"]}),
    ("CSVTOJSON", "csv", {"optionName": "CSVTOJSON", "customFieldNames": ["ip", "user", "time", "request",
                                                                          "status", "size", "referer", "agent"]}),
    ("CSVTOJSON regex delimiter", "tsv", {"optionName": "CSVTOJSON", "delimiter": "\\t+",
                                          "customFieldNames": ["ip", "user", "time", "request", "status",
                                                               "size", "referer", "agent"]}),
    ("CSVTOJSON delimiter \\s*,\\s*", "csvsp", {"optionName": "CSVTOJSON", "delimiter": "\\s*,\\s*",
                                        "customFieldNames": ["ip", "user", "time", "request", "status",
                                                             "size", "referer", "agent"]}),
    ("CSVTOJSON rfc4180", "csv", {"optionName": "CSVTOJSON", "quoting": "rfc4180",
                                  "customFieldNames": ["ip", "user", "time", "request", "status", "size",
                                                       "referer", "agent"]}),
    ("SINGLELINE", "apache", {"optionName": "SINGLELINE"}),
    ("ADDMETADATA", "apache", {"optionName": "ADDMETADATA", "timestamp": "true",
                               "metadata": {"host": "gw-0042", "site": {"region": "eu", "rack": 7}}}),
    ("ADDBRACKETS", "apache", {"optionName": "ADDBRACKETS"}),
    ("SELECTKEYS", "json", {"optionName": "SELECTKEYS", "data_keys": ["ip", "status", "agent"]}),
    ("ADDTIME", "json", {"optionName": "ADDTIME", "time_key": "ts"}),
    ("LOGTOJSON SYSLOG", "syslog", {"optionName": "LOGTOJSON", "logFormat": "SYSLOG"}),
    ("LOGTOJSON APACHEERRORLOG", "errorlog", {"optionName": "LOGTOJSON", "logFormat": "APACHEERRORLOG"}),
    ("LOGTOJSON OPENWRTLOG", "openwrt", {"optionName": "LOGTOJSON", "logFormat": "OPENWRTLOG"}),
    ("LOGTOJSON RFC5424SYSLOG", "rfc5424", {"optionName": "LOGTOJSON", "logFormat": "RFC5424SYSLOG"}),
]


def syslog_files(fields):
    """The same records as the other formats' lines write them: a web
    server's log line as syslog, Apache's error log, logread and RFC 5424."""
    out = {"syslog": [], "errorlog": [], "openwrt": [], "rfc5424": []}
    for k, f in enumerate(fields):
        tm = time.strptime(f[2].decode().split()[0], "%d/%b/%Y:%H:%M:%S")
        mon, day, hms = time.strftime("%b", tm), tm.tm_mday, time.strftime("%H:%M:%S", tm)
        wday, year, pid = time.strftime("%a", tm), tm.tm_year, 1000 + k % 9000
        msg = b"%s %s %s %s" % (f[0], f[3], f[4], f[5])
        out["syslog"].append(b"%s %2d %s gw-0042 httpd[%d]: %s\n" % (mon.encode(), day, hms.encode(), pid, msg))
        out["errorlog"].append(b"[%s %s %02d %s.%06d %d] [core:error] [pid %d:tid %d] [client %s:%d] %s\n" % (
            wday.encode(), mon.encode(), day, hms.encode(), k % 1000000, year, pid, 10000 + k, f[0],
            1024 + k % 60000, f[3]))
        out["openwrt"].append(b"%s %s %2d %s %d daemon.info httpd[%d]: %s\n" % (
            wday.encode(), mon.encode(), day, hms.encode(), year, pid, msg))
        out["rfc5424"].append(b"<134>1 %s gw-0042 httpd %d ID47 - %s\n" % (
            time.strftime("%Y-%m-%dT%H:%M:%SZ", tm).encode(), pid, msg))
    return {k: b"".join(v) for k, v in out.items()}


def processor_rows(a, tmp, data):
    """[(name, us per line, instructions per line or None)], LOGTOJSON first."""
    import json
    lines = data.splitlines(True)[:a.ir_lines]
    rx = re.compile(rb'^(\S+) \S+ (\S+) \[([^\]]+)\] "([^"]*)" (\d+) (\S+) "([^"]*)" "([^"]*)"')
    fields = [rx.match(l).groups() for l in lines]
    files = {"apache": b"".join(lines)}
    files["csv"] = b"".join(b'%s,%s,%s,"%s",%s,%s,"%s","%s"\n' % f for f in fields)
    files["tsv"] = b"".join(b"\t".join(f) + b"\n" for f in fields)
    files["csvsp"] = b"".join(b", ".join(x.replace(b",", b"") for x in f) + b"\n" for f in fields)
    keys = ["ip", "user", "time", "request", "status", "size", "referer", "agent"]
    files["json"] = b"".join(json.dumps(dict(zip(keys, (x.decode("latin-1") for x in f))),
                                        separators=(",", ":")).encode() + b"\n" for f in fields)
    files.update(syslog_files(fields))
    paths = {}
    for k, v in files.items():
        paths[k] = os.path.join(tmp, "proc-%s.log" % k)
        with open(paths[k], "wb") as fh:
            fh.write(v)
    rows = []
    for name, kind, opts in PROCESSORS:
        cmd = [a.procbench, paths[kind], json.dumps(opts)]
        ns = []
        for _ in range(5):
            out = subprocess.run(cmd + ["3"], capture_output=True, text=True)
            if out.returncode != 0:
                print("  (%s: %s)" % (name, out.stderr.strip()), file=sys.stderr)
                break
            ns.append(float(out.stdout.split()[1]))
            if out.stdout.split()[3] != "0":
                print("  (%s: %s of the lines dropped)" % (name, out.stdout.split()[3]), file=sys.stderr)
        ir = None
        if not a.quick and ns:
            total = cachegrind(cmd + ["1"])
            base = cachegrind(cmd + ["0"])
            if total and base:
                ir = (total - base) / len(lines)
        if ns:
            rows.append((name, statistics.median(ns) / 1000, ir))
    return rows


if __name__ == "__main__":
    main()
