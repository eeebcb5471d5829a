"""make bench: numbers, not assertions.  Prints kagent's stripped size, and
for N lines sent with --once to the local endpoint (no faults): wall time,
records/s, kagent's CPU time per record and its peak RSS.
Usage: python3 tools/bench.py KAGENT [LINES]"""
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
from harness import Endpoint, write_conf  # noqa: E402


def run(kagent, tmp, tls, n, line_len):
    log = os.path.join(tmp, "bench-%d-%d.log" % (tls, line_len))
    body = b"x" * (line_len - 9)
    with open(log, "wb") as f:
        f.write(b"".join(b"%08d" % i + body + b"\n" for i in range(n)))
    with Endpoint(tmp, tls=tls) as ep:
        conf = os.path.join(tmp, "bench.conf")
        write_conf(conf, ep, [{"filePattern": log, "deliveryStream": "bench",
                               "initialPosition": "START_OF_FILE"}],
                   checkpointFile=os.path.join(tmp, "ck-%d-%d" % (tls, line_len)))
        # GNU time, so the peak RSS is kagent's own, not a forked Python's
        stats = os.path.join(tmp, "time")
        p = subprocess.run(["/usr/bin/time", "-o", stats, "-f", "%e %U %S %M", kagent, "--once=30",
                            "-c", conf], stderr=subprocess.DEVNULL)
        wall, user, sys_, rss = open(stats).read().split()[-4:]
        wall, cpu = float(wall), float(user) + float(sys_)
        got = sum(1 for _ in open(ep.out, "rb"))
    print("%-5s %4d-byte lines: %7d records in %5.2f s = %7.0f records/s (%5.1f MB/s), "
          "kagent CPU %.2f s = %.2f us/record, peak RSS %s KiB%s"
          % ("https" if tls else "http", line_len, got, wall, got / wall, got * line_len / wall / 1e6,
             cpu, cpu / max(got, 1) * 1e6, rss,
             "" if got == n and p.returncode == 0 else "  (INCOMPLETE: status %d)" % p.returncode))


def main():
    kagent = os.path.abspath(sys.argv[1])
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 200000
    sizes = subprocess.run(["make", "-s", "size"], cwd=ROOT, capture_output=True, text=True).stdout
    print("stripped static binaries:\n" + sizes.rstrip())
    with tempfile.TemporaryDirectory(prefix="kagent-bench-") as tmp:
        for tls, line_len in ((1, 100), (0, 100), (1, 1000)):
            run(kagent, tmp, tls, n if line_len == 100 else n // 10, line_len)
    print("(the endpoint is Python: the numbers above bound kagent from below)")


if __name__ == "__main__":
    main()
