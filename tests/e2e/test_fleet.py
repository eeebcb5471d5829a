"""What a fleet sees of kagent: CloudWatch metrics (PutMetricData to the
local endpoint, signature and limits checked there) that add up to the
agent's own counters, and the status file: valid JSON after every write,
never half-written, not rewritten when nothing changed."""
import json
import os
import random
import re
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import (Agent, Endpoint, Writer, append, count, flow, free_port, kflow, lines,  # noqa: E402
                     started, stats_line, test, wait_until, write_conf)

PERIOD = 5000   # cloudwatch.metricsBufferTimeMillis in these tests


def allocs_binary():
    return os.path.join(harness.build_dir(), "kagent-allocs")


def sums(calls, dest, device=None):
    """Each metric's StatisticSet (or Values) of destination dest added up over
    the calls: {name: [n, sum, min, max]}; with device, those with that
    DeviceId, else those with Destination alone (the Java agent's)."""
    want = [{"Name": "Destination", "Value": dest}]
    if device:
        want.append({"Name": "DeviceId", "Value": device})
    out = {}
    for c in calls:
        assert c["Namespace"] == "AWSKinesisAgent", c["Namespace"]
        for d in c["MetricData"]:
            if d["Dimensions"] != want:
                continue
            st = d.get("StatisticValues") or {"SampleCount": 1, "Sum": d["Value"], "Minimum": d["Value"],
                                              "Maximum": d["Value"]}
            s = out.setdefault(d["MetricName"], [0, 0, None, None])
            s[0] += st["SampleCount"]
            s[1] += st["Sum"]
            s[2] = st["Minimum"] if s[2] is None else min(s[2], st["Minimum"])
            s[3] = st["Maximum"] if s[3] is None else max(s[3], st["Maximum"])
    return out


def status(path):
    with open(path) as f:
        return json.load(f)


@test(timeout=300)
def metrics_equal_the_counters_under_faults(tmp):
    """Two minutes of lines into a Firehose and a Kinesis flow through
    partial failures, throttling, 5xx and dropped connections: the metrics
    of every period, added up, are the agent's counters at its exit (the
    last period is sent when the flows are done), for both dimension sets;
    the periods are one metricsBufferTimeMillis apart; no allocation after
    start-up."""
    fh, kin = tmp + "/fh.log", tmp + "/k.log"
    open(fh, "wb").close()
    open(kin, "wb").close()
    n = 60000
    st = tmp + "/status.json"
    # 3 % of the records of every answer failed: an answer that accepted
    # some is no failed attempt (issue 12, item 1), so the flows keep up
    with Endpoint(tmp, partial=0.03, throttle=0.02, error500=0.02, drop=0.01, drop_after=0.01, seed=11) as ep:
        conf = tmp + "/k.conf"
        # retries at most 2 s apart, so the backoff the faults grow does
        # not outlast the run (a flow's key: at the top level it is ignored)
        back = {"retryMaxBackoffMillis": 2000}
        write_conf(conf, ep, [flow(fh, "s1", **back), kflow(kin, "k1", **back)], metrics=True, statusFile=st,
                   **{"cloudwatch.metricsBufferTimeMillis": PERIOD, "cloudwatch.deviceId": "gw-0042"})
        t0 = time.monotonic()
        with Agent(allocs_binary(), conf) as ag:
            started(ag)
            ws = [Writer(fh, 0, n, chunk=50, pause=0.1), Writer(kin, 1000000, 1000000 + n, chunk=50, pause=0.1)]
            for w in ws:
                w.start()
            for w in ws:
                w.join()
            wait_until(lambda: len({r for s in ("s1", "k1") for r in ep.records(s)}) >= 2 * n, 120, interval=0.5,
                       msg="not every line arrived:\n" + ag.stderr()[-1500:])
            assert time.monotonic() - t0 >= 110, "the run is meant to last two minutes"
            ag.kill(signal.SIGTERM)
            assert ag.wait(30) == 0, ag.stderr()[-2000:]
            err = ag.stderr()
        m = re.search(r"allocator calls: (\d+) during start-up, (\d+) after start-up", err)
        assert m and m.group(2) == "0", err[-1500:]
        assert "k.conf:" not in err, err[:500]     # every key taken
        calls = ep.metric_calls()
        puts = [q for q in ep.requests() if q.get("op") == "PutMetricData"]
    assert all(q["status"] == 200 for q in puts), [q for q in puts if q["status"] != 200]
    assert len(puts) == len(calls)
    # one period apart (the last one when the flows are done)
    gaps = [b["t"] - a["t"] for a, b in zip(calls, calls[1:-1])]
    assert len(calls) >= 20 and all(PERIOD / 1000 - 0.5 <= g <= PERIOD / 1000 + 1.5 for g in gaps), gaps
    doc = status(st)
    assert [f["stream"] for f in doc["flows"]] == ["s1", "k1"]
    assert doc["cloudwatch"] == {"calls": len(calls), "sent": len(calls), "dropped": 0, "last_error": None}, \
        doc["cloudwatch"]
    for f, dest in zip(doc["flows"], ("DeliveryStream:s1", "KinesisStream:k1")):
        line = stats_line(err, f["stream"])
        r, q, b = f["records"], f["requests"], f["bytes"]
        # the status file's counters are USR1's
        assert "read %d records, sent %d, failed %d (retried), requests %d (%d failed)" % (
            r["read"], r["sent"], r["failed"], q["sent"], q["failed"]) in line, (line, f)
        assert r["read"] == r["sent"] == n and b["read"] == b["accepted"] == 9 * n, f
        assert r["failed"] > 0 and q["service_errors"] > 0, f    # the faults did happen
        assert q["ended"] == q["sent"], f
        fleet, device = sums(calls, dest), sums(calls, dest, "gw-0042")
        assert fleet == device, (fleet, device)
        assert fleet["RecordSendAttempts"][:2] == [q["ended"], r["attempted"]], (fleet, f)
        assert fleet["RecordSendErrors"][1] == r["failed"], (fleet, f)
        assert fleet["ServiceErrors"][:2] == [q["ended"], q["service_errors"]], (fleet, f)
        assert fleet["ServiceErrors"][2:] == [0, 1], fleet
        assert fleet["BytesSent"][1] == b["accepted"], (fleet, f)
        assert fleet["RecordsSent"][1] == r["sent"], (fleet, f)
        assert fleet["RequestLatency"][:2] == [q["ended"], q["latency_ms"]], (fleet, f)
        assert fleet["RecordsRead"][1] == r["read"] and fleet["BytesRead"][1] == b["read"], (fleet, f)
        # answered requests alone have RecordSendErrors and BytesSent samples
        assert fleet["RecordSendErrors"][0] == fleet["BytesSent"][0] == q["ended"] - q["service_errors"]
        assert fleet["RecordSendAttempts"][3] <= 500 and fleet["BytesBehind"][2] == 0, fleet


@test(timeout=90)
def metrics_dropped_when_cloudwatch_is_unreachable(tmp):
    """CloudWatch down: each period's call fails and is dropped, counted and
    said once; the records go on as if nothing were wrong."""
    log = tmp + "/app.log"
    open(log, "wb").close()
    st = tmp + "/status.json"
    with Endpoint(tmp) as ep:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow(log)], statusFile=st, **{
            "cloudwatch.emitMetrics": True, "cloudwatch.endpoint": "http://127.0.0.1:%d" % free_port(),
            "cloudwatch.metricsBufferTimeMillis": 1000, "connectionTimeoutMillis": 500})
        with Agent(harness.kagent(), conf) as ag:
            started(ag)
            for i in range(5):
                append(log, i * 100, (i + 1) * 100)
                time.sleep(1)
            # batches go when 1 s old, however CloudWatch fares
            wait_until(lambda: count(ep) == 500, 2.5)
            reqs = [q for q in ep.requests() if q.get("op") == "PutRecordBatch"]
            assert len(reqs) >= 3, reqs
            ag.kill(signal.SIGTERM)
            assert ag.wait(20) == 0
            err = ag.stderr()
    m = re.search(r"CloudWatch: (\d+) calls, 0 periods sent, (\d+) dropped, last error network", err)
    assert m and m.group(1) == m.group(2) and int(m.group(1)) >= 4, err
    assert err.count("CloudWatch: PutMetricData to 127.0.0.1 failed") == 1, err
    assert ep.metric_calls() == []
    doc = status(st)
    assert doc["cloudwatch"]["sent"] == 0 and doc["cloudwatch"]["dropped"] == int(m.group(1)), doc
    assert doc["cloudwatch"]["last_error"] == "network", doc


@test(timeout=90)
def status_file_is_whole_json_after_every_write(tmp):
    """Each version of the file (a new file renamed over the old) is one JSON
    document; the last says what the agent's counters and files are."""
    log = tmp + "/app.log"
    open(log, "wb").close()
    st = tmp + "/status.json"
    seen = {}
    with Endpoint(tmp, partial=0.2, seed=3) as ep:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow(log)], statusFile=st)
        with Agent(harness.kagent(), conf) as ag:
            # 20 s of lines, so the writes at 0, 5, 10 and 15 s all differ
            # (in 10 s the last lines could be sent before the third write,
            # leaving the fourth the same as it: not written)
            w = Writer(log, 0, 20000, chunk=100, pause=0.1)
            w.start()
            end = time.monotonic() + 25
            while time.monotonic() < end:
                try:
                    with open(st, "rb") as f:
                        text = f.read()
                except FileNotFoundError:
                    continue
                # Versions are told apart by their text, not their inode:
                # ext4 hands a freed inode number to the next file.
                if text not in seen:
                    seen[text] = json.loads(text)   # a half-written file would not parse
                time.sleep(0.01)
            wait_until(lambda: count(ep) >= 20000, 30)
            time.sleep(6)
            ag.kill(signal.SIGUSR1)
            wait_until(lambda: "s1: read 20000" in ag.stderr(), 5)
            doc = status(st)
            line = stats_line(ag.stderr(), "s1")
    assert len(seen) >= 4, len(seen)     # rewritten every 5 s while lines came
    f = doc["flows"][0]
    assert "read 20000 records, sent 20000, failed %d (retried), requests %d (%d failed)" % (
        f["records"]["failed"], f["requests"]["sent"], f["requests"]["failed"]) in line, (line, f)
    assert f["records"]["failed"] > 0 and f["last_error"]["code"] == "ServiceUnavailableException", f
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", f["last_error"]["at"]), f
    size = os.path.getsize(log)
    assert f["files"] == [{"path": log, "read": size, "acked": size, "size": size, "behind": 0}], f
    assert doc["credentials"] == {"source": "file", "kind": "static", "expires": None}, doc
    assert doc["cloudwatch"] is None and doc["pid"] > 0, doc
    assert not os.path.exists(st + ".tmp")


@test(timeout=120)
def status_file_never_half_written_under_kill_9(tmp):
    """kill -9 at random moments around the writes: the file is always a
    whole document (or not there yet); a temporary file left behind, even a
    symbolic link planted in its place, is replaced, never followed."""
    log = tmp + "/app.log"
    append(log, 0, 5000)
    st = tmp + "/status.json"
    victim = tmp + "/victim"
    with open(victim, "w") as f:
        f.write("untouched\n")
    rng = random.Random(5)
    with Endpoint(tmp) as ep:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow(log)], statusFile=st)
        versions = 0
        for i in range(40):
            if i % 10 == 9:
                if os.path.lexists(st + ".tmp"):
                    os.unlink(st + ".tmp")
                os.symlink(victim, st + ".tmp")
            with Agent(harness.kagent(), conf) as ag:
                started(ag)     # the first write follows: slow starts (ASan, qemu) too
                time.sleep(rng.uniform(0, 0.03))
                ag.kill(signal.SIGKILL)
                ag.wait(5)
            if os.path.exists(st):
                doc = status(st)     # whole, or this raises
                assert doc["flows"][0]["stream"] == "s1"
                versions += 1
            append(log, 5000 + i, 5001 + i)   # something changed: the next start writes
        with Agent(harness.kagent(), conf) as ag:
            started(ag)
            wait_until(lambda: os.path.exists(st) and status(st)["pid"] == ag.pid, 5)
    assert versions >= 20, versions
    with open(victim) as f:
        assert f.read() == "untouched\n"
    assert not os.path.islink(st)


@test(timeout=90)
def status_file_not_rewritten_when_nothing_changed(tmp):
    log = tmp + "/app.log"
    append(log, 0, 100)
    st = tmp + "/status.json"
    with Endpoint(tmp) as ep:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow(log)], statusFile=st)
        with Agent(harness.kagent(), conf) as ag:
            wait_until(lambda: count(ep) == 100, 10)
            wait_until(lambda: status(st)["flows"][0]["records"]["sent"] == 100, 12)
            ino, mtime = os.stat(st).st_ino, os.stat(st).st_mtime_ns
            time.sleep(12)      # more than two intervals, nothing happening
            assert (os.stat(st).st_ino, os.stat(st).st_mtime_ns) == (ino, mtime)
            append(log, 100, 101)
            wait_until(lambda: status(st)["flows"][0]["records"]["sent"] == 101, 12)
            assert os.stat(st).st_ino != ino
            ag.kill(signal.SIGTERM)
            assert ag.wait(10) == 0


harness.run()
