"""make demo: kagent's main job against the local Firehose endpoint.

Starts tools/endpoint.py (TLS with a test CA, SigV4 checked, a few faults
injected), writes a sample access log, runs kagent on it while more lines
are appended, and shows what arrived.  Usage: python3 tools/demo.py KAGENT"""
import os
import random
import signal
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
from harness import Agent, Endpoint, wait_until, write_conf  # noqa: E402


def access_line(i):
    ip = "192.168.1.%d" % (i % 250 + 2)
    path = random.choice(["/", "/cgi-bin/luci", "/status", "/favicon.ico", "/api/v1/clients"])
    return ('%s - - [23/Nov/2026:10:%02d:%02d +0000] "GET %s HTTP/1.1" %d %d\n'
            % (ip, i // 60 % 60, i % 60, path, random.choice([200, 200, 200, 304, 404]),
               random.randint(100, 9000))).encode()


def main():
    kagent = os.path.abspath(sys.argv[1])
    d = os.path.join(ROOT, "build", "demo")
    os.makedirs(d, exist_ok=True)
    for f in os.listdir(d):
        os.unlink(os.path.join(d, f))
    random.seed(1)
    log = os.path.join(d, "access.log")
    with open(log, "wb") as f:
        f.write(b"".join(access_line(i) for i in range(1000)))

    with Endpoint(d, partial=0.05, throttle=0.05, seed=1) as ep:
        conf = os.path.join(d, "kagent.conf")
        write_conf(conf, ep, [{"filePattern": log, "deliveryStream": "router-logs",
                               "initialPosition": "START_OF_FILE", "maxBufferAgeMillis": 1000}])
        print("endpoint: %s (TLS, test CA, SigV4 verified; 5 %% of records fail, 5 %% of "
              "requests throttled)" % ep.url)
        print("config:   %s" % conf)
        with Agent(kagent, conf) as ag:
            print("kagent:   pid %d, following %s (1000 lines), appending 500 more..." % (ag.pid, log))
            with open(log, "ab") as f:
                for i in range(1000, 1500, 50):
                    f.write(b"".join(access_line(j) for j in range(i, i + 50)))
                    f.flush()
                    time.sleep(0.1)
            wait_until(lambda: len(ep.records()) >= 1500, 60)
            ag.kill(signal.SIGTERM)
            ag.wait(10)
            print("\n--- kagent's log")
            sys.stdout.write(ag.stderr())
        recs = ep.records("router-logs")
        reqs = ep.requests()
        with open(log, "rb") as f:
            want = f.read().splitlines(keepends=True)
        print("--- what arrived at the endpoint")
        print("records accepted: %d of %d lines, %d missing, %d twice"
              % (len(recs), len(want), len(set(want) - set(recs)), len(recs) - len(set(recs))))
        print("requests: %d (%d throttled, %d with partial failures)"
              % (len(reqs), sum(r["fault"] == "throttle" for r in reqs),
                 sum(r["fault"] == "partial" for r in reqs)))
        print("first records:")
        for r in recs[:3]:
            print("  " + repr(r))
        print("checkpoint (%s):" % os.path.join(d, "checkpoints"))
        with open(os.path.join(d, "checkpoints")) as f:
            print("  " + f.read().replace("\n", "\n  ").rstrip())
        print("file size: %d bytes" % os.path.getsize(log))
        return 0 if sorted(recs) == sorted(want) else 1


if __name__ == "__main__":
    sys.exit(main())
