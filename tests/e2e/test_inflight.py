"""maxInFlightRequests, end to end: a flow's rounds of several requests at
once, each on its own connection, against an endpoint far away (every put
answered after a fixed latency); through throttling and partial failures on
both APIs; a record the service refuses, named by its index in its own
request; no allocation after start-up.  Every test counts numbered lines:
each one arrives, and exactly once where nothing crashed."""
import base64
import json
import os
import re
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import (Agent, Endpoint, Writer, count, failed_out, flow, kflow, lines, numbers,  # noqa: E402
                     started, stats_line, test, wait_until, write_conf)


def puts(ep):
    return [e for e in ep.requests() if e["op"] in ("PutRecordBatch", "PutRecords")]


def far_away(tmp, n, inflight):
    """n lines, 100 a request, every put answered after 0.3 s: -> (the
    records as they arrived, the put log, seconds taken)."""
    log = tmp + "/app.log"
    with open(log, "wb") as f:
        f.write(b"".join(lines(0, n)))
    with Endpoint(tmp, latency=0.3) as ep:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow(log, maxBufferSizeRecords=100, maxInFlightRequests=inflight)])
        t0 = time.monotonic()
        with Agent(harness.kagent(), conf, args=["--once=10"]) as ag:
            assert ag.wait(60) == 0, ag.stderr()
        took = time.monotonic() - t0
        return ep.records(), puts(ep), took


@test(timeout=120)
def four_at_once_against_a_distant_endpoint(tmp):
    """2,000 lines, 100 a request, 0.3 s for every answer.  With
    maxInFlightRequests 4 the endpoint has 4 requests at once (never more),
    each on its own connection, each within maxBufferSizeRecords, and every
    line arrives once; with 1 (the default) it has one at a time, and the
    lines arrive in file order."""
    n = 2000
    os.mkdir(tmp + "/four")
    os.mkdir(tmp + "/one")
    recs4, log4, took4 = far_away(tmp + "/four", n, 4)
    recs1, log1, took1 = far_away(tmp + "/one", n, 1)
    assert sorted(numbers(recs4)) == list(range(n)), "missing %d, extra %d" % (
        n - len(set(recs4)), len(recs4) - len(set(recs4)))
    assert all(e["status"] == 200 and e["failed"] == 0 for e in log4), log4
    assert max(e["concurrent"] for e in log4) == 4, [e["concurrent"] for e in log4]
    assert max(e["records"] for e in log4) == 100 and sum(e["records"] for e in log4) == n, log4
    assert len(log4) >= 20, len(log4)
    assert len({e["conn"] for e in log4}) == 4, log4     # one kept-alive connection per request
    assert recs1 == lines(0, n), "records differ from the file, in content or order"
    assert [e["concurrent"] for e in log1] == [1] * len(log1), log1
    assert len(log1) >= 20 and len({e["conn"] for e in log1}) == 1, log1
    print("  %d lines, 100 a request, 0.3 s latency: %.1f s with 4 in flight (%d requests), "
          "%.1f s with 1 (%d)" % (n, took4, len(log4), took1, len(log1)))


@test(timeout=150)
def throttling_and_partial_failures_on_both_apis(tmp):
    """maxInFlightRequests 4 on a Firehose and a Kinesis flow, 20 % of the
    requests throttled and 10 % of the records of the others failing: every
    line arrives, once; each record that failed was sent again, and a
    Kinesis record with the partition key it had."""
    n = 4000
    fh, ks = tmp + "/fh.log", tmp + "/k.log"
    open(fh, "wb").close()
    open(ks, "wb").close()
    fo = tmp + "/failed.out"
    with Endpoint(tmp, tls=False, throttle=0.2, partial=0.1, latency=0.05, seed=11, failed_out=fo) as ep:
        conf = tmp + "/k.conf"
        kw = dict(maxBufferSizeRecords=50, maxInFlightRequests=4, retryMaxBackoffMillis=500)
        write_conf(conf, ep, [flow(fh, "s1", **kw), kflow(ks, "k1", **kw)])
        with Agent(harness.kagent(), conf) as ag:
            started(ag)
            ws = [Writer(fh, 0, n, chunk=500, pause=0.5), Writer(ks, 1000000, 1000000 + n, chunk=500, pause=0.5)]
            for w in ws:
                w.start()
            for w in ws:
                w.join()
            wait_until(lambda: count(ep) >= 2 * n, 60, interval=0.2, msg=ag.stderr()[-1500:])
            time.sleep(1)
            ag.kill(signal.SIGTERM)
            assert ag.wait(15) == 0, ag.stderr()
            err = ag.stderr()
    for s, first in (("s1", 0), ("k1", 1000000)):
        got = numbers(ep.records(s))
        assert len(got) == n and sorted(got) == list(range(first, first + n)), \
            "%s: missing %d, extra %d" % (s, n - len(set(got)), len(got) - len(set(got)))
        line = stats_line(err, s)
        assert "read %d records, sent %d," % (n, n) in line, line
    log = puts(ep)
    assert max(e["concurrent"] for e in log) > 1, log   # requests really overlapped
    assert max(e["records"] for e in log) <= 50, log
    for api in ("firehose", "kinesis"):
        mine = [e for e in log if e["api"] == api]
        assert any(e["status"] == 400 for e in mine), api
        assert any(e["status"] == 200 and e["failed"] > 0 for e in mine), api
    failed = failed_out(fo)
    assert len(failed) == sum(e["failed"] for e in log)
    accepted = {}
    for r in harness.Endpoint._lines(ep, ep.out):
        accepted[(r["stream"], base64.b64decode(r["data"]))] = r.get("key")
    for r in failed:
        assert (r["stream"], r["data"]) in accepted, r
        assert accepted[(r["stream"], r["data"])] == r.get("key"), r
    assert sum(r["stream"] == "k1" for r in failed) > 100, len(failed)


@test(timeout=90)
def a_refused_record_is_named_within_its_own_request(tmp):
    """ValidationException names a record by its index in its own request:
    with 4 requests of 100 at once, the agent drops that record alone (not
    the one at that index of the round), once per bad record, on both APIs."""
    bad = {150, 701, 1499, 1500}
    fh, fh_lines, ks, ks_lines = harness.poisoned(tmp, bad)
    with Endpoint(tmp, tls=False, reject_data="POISON") as ep:
        conf = tmp + "/k.conf"
        kw = dict(maxBufferSizeRecords=100, maxInFlightRequests=4)
        write_conf(conf, ep, [flow(fh, "s1", **kw), kflow(ks, "k1", **kw)])
        with Agent(harness.kagent(), conf, args=["--once=10"]) as ag:
            assert ag.wait(60) == 0, ag.stderr()
            err = ag.stderr()
    assert sorted(ep.records("s1")) == [l for i, l in enumerate(fh_lines) if i not in bad]
    assert sorted(ep.records("k1")) == [l for i, l in enumerate(ks_lines) if i not in bad]
    for s, api in (("s1", "firehose"), ("k1", "kinesis")):
        said = [l for l in err.splitlines() if "%s: record " % s in l]
        assert len(said) == 4, err
        assert "refused 4)" in stats_line(err, s), err
        assert "sent 1996," in stats_line(err, s), err
        refusals = [e for e in ep.requests() if e["api"] == api and e["error"] == "ValidationException"]
        assert len(refusals) == 4, refusals
    assert "in parts" not in err, err


@test(timeout=240)
def zero_allocations_with_four_in_flight(tmp):
    """30,000 lines through maxInFlightRequests 4 over TLS with partial
    failures, throttling and dropped connections: every line arrives once,
    and the allocation-counting build makes no allocator call after
    start-up."""
    n = 30000
    log = tmp + "/app.log"
    open(log, "wb").close()
    with Endpoint(tmp, partial=0.1, throttle=0.05, drop=0.02, latency=0.02, seed=7) as ep:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow(log, maxBufferSizeRecords=200, maxInFlightRequests=4)])
        with Agent(os.path.join(harness.build_dir(), "kagent-allocs"), conf) as ag:
            started(ag)
            Writer(log, 0, n).start()
            wait_until(lambda: count(ep) >= n, 180, interval=0.5,
                       msg="not every line arrived:\n" + ag.stderr()[-1500:])
            ag.kill(signal.SIGTERM)
            assert ag.wait(10) == 0, ag.stderr()
            err = ag.stderr()
    recs = numbers(ep.records())
    assert len(recs) == n and sorted(recs) == list(range(n)), \
        "missing %d, extra %d" % (n - len(set(recs)), len(recs) - len(set(recs)))
    reqs = puts(ep)
    faults = {k: sum(1 for r in reqs if r.get("fault") == k) for k in ("partial", "throttle", "drop")}
    assert all(faults.values()), faults
    assert max(e["concurrent"] for e in reqs) > 1, reqs
    m = re.search(r"allocator calls: (\d+) during start-up, (\d+) after start-up", err)
    assert m and int(m.group(1)) > 0 and m.group(2) == "0", err[-2000:]


harness.run()
