"""Kinesis Data Streams and Firehose flows side by side, and delivery through
a bad network, end to end: a stream created late, an outage, throttling and
partial failures on both APIs, a skewed clock, SIGTERM in a burst, partition
keys, kagent -t --online, a record the service refuses.  Every test counts
numbered lines: each one arrives, and exactly once where nothing crashed."""
import base64
import hashlib
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import (Agent, Endpoint, Writer, append, count, failed_out, flow, kflow, lines,  # noqa: E402
                     numbers, read_ckpt, started, stats_line, test, wait_until, write_conf)


def out(ep, stream=None):
    """The endpoint's accepted records as dicts, data decoded."""
    recs = ep._lines(ep.out)
    for r in recs:
        r["data"] = base64.b64decode(r["data"])
    return [r for r in recs if stream is None or r["stream"] == stream]


def shard_id(i):
    return "shardId-%012d" % i


def shard_of(key, nshards):
    """The shard Kinesis puts a key in: its MD5 as a 128-bit number, in
    2^128 split evenly over the shards (the last one takes what is left)."""
    h = int.from_bytes(hashlib.md5(key.encode()).digest(), "big")
    return shard_id(min(h // ((1 << 128) // nshards), nshards - 1))


RANDOM_KEY = re.compile(r"\d{1,6}\.\d{1,10}\Z")     # the Java agent's nextDouble(1000000)


def quiet_port():
    """A free port below the ephemeral range: while nothing listens there,
    no outgoing connection takes it as its own port (and no connection to
    it can meet itself), so an endpoint can come up on it again later."""
    with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
        low = int(f.read().split()[0])
    for _ in range(100):
        p = random.randrange(low // 2, low)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", p))
                return p
            except OSError:
                continue
    raise AssertionError("no free port below %d" % low)


def warnings(err, what):
    return [l for l in err.splitlines() if what in l]


def ckpt_offset(ck, path):
    ents = [e for e in read_ckpt(ck) if e[5] == path]
    return ents[0][4] if ents else 0


# ---------------------------------------------------------------- many flows


@test(timeout=120)
def four_flows_one_stream_created_late(tmp):
    """Two Firehose and two Kinesis flows in one process; Kinesis stream k2
    does not exist for the first 20 s.  The other three deliver all their
    lines while it is missing (well before the 20 s), k2's flow says once
    that its stream is not there, and once the stream appears it catches up:
    every line of every flow arrives once, in order.  Kinesis records carry
    the agent's random partition keys, each in the shard its MD5 says."""
    n = 10000
    files = {s: "%s/%s.log" % (tmp, s) for s in ("f1", "f2", "k1", "k2")}
    base = {"f1": 0, "f2": 1000000, "k1": 2000000, "k2": 3000000}
    for p in files.values():
        open(p, "wb").close()
    ep = Endpoint(tmp, streams=["f1", "f2"], kinesis_streams="k1:4,k2:2", create_after=("k2", 20))
    t_ep = time.monotonic()
    with ep:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow(files["f1"], "f1"), flow(files["f2"], "f2"),
                              kflow(files["k1"], "k1"),
                              kflow(files["k2"], "k2", retryMaxBackoffMillis=3000)])
        with Agent(harness.kagent(), conf) as ag:
            started(ag)
            ws = [Writer(files[s], base[s], base[s] + n, chunk=1000, pause=0.2) for s in files]
            for w in ws:
                w.start()
            for w in ws:
                w.join()
            # the three have everything, well before k2 exists (20 s after the endpoint started)
            wait_until(lambda: all(len(ep.records(s)) >= n for s in ("f1", "f2", "k1")),
                       max(1, t_ep + 16 - time.monotonic()),
                       msg="the three flows did not deliver before k2 was created")
            assert ep.records("k2") == []
            wait_until(lambda: "k2: stream not found" in ag.stderr(), 5)
            # and k2 catches up once it is there
            wait_until(lambda: len(ep.records("k2")) >= n, 50)
            wait_until(lambda: "k2: delivering again" in ag.stderr(), 5)
            time.sleep(1)
            ag.kill(signal.SIGTERM)
            assert ag.wait(15) == 0, ag.stderr()
            err = ag.stderr()
    assert time.monotonic() - t_ep >= 20
    for s in files:
        assert ep.records(s) == lines(base[s], base[s] + n), s
    recs = out(ep)
    first_k2 = min(i for i, r in enumerate(recs) if r["stream"] == "k2")
    assert all(r["stream"] == "k2" for r in recs[first_k2:]), "k2 before the others were done"
    for s, shards in (("k1", 4), ("k2", 2)):
        krecs = out(ep, s)
        for r in krecs:
            assert r["api"] == "kinesis" and RANDOM_KEY.match(r["key"]), r
            assert r["shard"] == shard_of(r["key"], shards), r
        assert len(set(r["key"] for r in krecs)) > n * 0.99, s       # random: spread
        assert sorted(set(r["shard"] for r in krecs)) == [shard_id(i) for i in range(shards)], s
    notfound = [l for l in err.splitlines() if "not found" in l]
    assert notfound == ["kagent: warning: k2: stream not found in us-east-1 (ResourceNotFoundException: "
                        "Stream k2 under account 123456789012 not found.); records are kept and retried "
                        "every 3000 ms"], err
    for s in ("f1", "f2", "k1"):
        assert "sent %d, failed 0 (retried)" % n in stats_line(err, s), err
    refused = [e for e in ep.requests() if e["error"] == "ResourceNotFoundException"]
    assert refused and all(e["api"] == "kinesis" for e in refused), refused

# ---------------------------------------------------------------- outage


@test(timeout=150)
def a_30_s_outage_loses_nothing(tmp):
    """The endpoint goes away for 30 s (connections refused) while 50,000
    lines are written to each of a Firehose and a Kinesis flow's files; it
    comes back on the same port and every line arrives, once, in order."""
    port = quiet_port()
    fh, ks = tmp + "/fh.log", tmp + "/k.log"
    append(fh, 0, 1000)
    append(ks, 1000000, 1001000)
    os.makedirs(tmp + "/a")
    os.makedirs(tmp + "/b")
    conf = tmp + "/k.conf"
    ep1 = Endpoint(tmp + "/a", tls=False, port=port).start()
    try:
        write_conf(conf, ep1, [flow(fh, "s1", retryMaxBackoffMillis=2000),
                               kflow(ks, "k1", retryMaxBackoffMillis=2000)])
        with Agent(harness.kagent(), conf) as ag:
            # everything so far accepted and answered (in the checkpoint): nothing in flight
            wait_until(lambda: os.path.exists(tmp + "/checkpoints") and
                       ckpt_offset(tmp + "/checkpoints", fh) == 9000 and
                       ckpt_offset(tmp + "/checkpoints", ks) == 9000, 20)
            ep1.stop()
            t0 = time.monotonic()
            ws = [Writer(fh, 1000, 51000, chunk=1000, pause=0.4),
                  Writer(ks, 1001000, 1051000, chunk=1000, pause=0.4)]
            for w in ws:
                w.start()
            for w in ws:
                w.join()
            assert time.monotonic() - t0 < 29, "the writers were too slow"
            time.sleep(max(0, t0 + 30 - time.monotonic()))
            assert ag.alive(), ag.stderr()
            err = ag.stderr()
            for s in ("s1", "k1"):
                said = warnings(err, "%s: 127.0.0.1:%d: " % (s, port))
                assert len(said) == 1 and said[0].endswith("; retrying with backoff"), err
            ep2 = Endpoint(tmp + "/b", tls=False, port=port).start()
            try:
                wait_until(lambda: count(ep2) >= 100000, 60)
                ag.kill(signal.SIGTERM)
                assert ag.wait(15) == 0, ag.stderr()
                err = ag.stderr()
            finally:
                ep2.stop()
    finally:
        ep1.stop()
    assert ep1.records("s1") + ep2.records("s1") == lines(0, 51000)
    assert ep1.records("k1") + ep2.records("k1") == lines(1000000, 1051000)
    assert "s1: delivering again" in err and "k1: delivering again" in err, err
    assert ckpt_offset(tmp + "/checkpoints", fh) == ckpt_offset(tmp + "/checkpoints", ks) == 51000 * 9

# ---------------------------------------------------------------- throttling


@test(timeout=150)
def throttling_and_partial_failures_on_both_apis(tmp):
    """For a minute, 20 % of the requests of both APIs are throttled
    (Firehose ThrottlingException, Kinesis
    ProvisionedThroughputExceededException) and 3 % of the records of the
    others fail (FailedPutCount, FailedRecordCount > 0).  Every line
    arrives, once; each record that failed was sent again, and a Kinesis
    record with the partition key it had."""
    n = 12000     # 200 a second for a minute
    fh, ks = tmp + "/fh.log", tmp + "/k.log"
    open(fh, "wb").close()
    open(ks, "wb").close()
    fo = tmp + "/failed.out"
    with Endpoint(tmp, tls=False, throttle=0.2, partial=0.03, seed=5, failed_out=fo) as ep:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow(fh, "s1", retryMaxBackoffMillis=1000),
                              kflow(ks, "k1", retryMaxBackoffMillis=1000)])
        with Agent(harness.kagent(), conf) as ag:
            started(ag)
            ws = [Writer(fh, 0, n, chunk=200, pause=1.0), Writer(ks, 1000000, 1000000 + n, chunk=200, pause=1.0)]
            for w in ws:
                w.start()
            for w in ws:
                w.join()
            wait_until(lambda: count(ep) >= 2 * n, 30)
            time.sleep(1)
            ag.kill(signal.SIGTERM)
            assert ag.wait(15) == 0, ag.stderr()
            err = ag.stderr()
    assert sorted(numbers(ep.records("s1"))) == list(range(n))
    assert sorted(numbers(ep.records("k1"))) == list(range(1000000, 1000000 + n))
    log = [e for e in ep.requests() if e["op"] in ("PutRecordBatch", "PutRecords")]
    failed = failed_out(fo)
    assert len(failed) == sum(e["failed"] for e in log)     # the endpoint's two accounts agree
    for api, throttled in (("firehose", "ThrottlingException"),
                           ("kinesis", "ProvisionedThroughputExceededException")):
        mine = [e for e in log if e["api"] == api]
        assert any(e["status"] == 400 and e["error"] == throttled for e in mine), api
        assert any(e["status"] == 200 and e["failed"] > 0 for e in mine), api
    errors = set((r["stream"], r["error"]) for r in failed)
    assert errors == {("s1", "throttle"), ("s1", "ServiceUnavailableException"), ("k1", "throttle"),
                      ("k1", "ProvisionedThroughputExceededException"), ("k1", "InternalFailure")}, errors
    # each failed record was accepted later; a Kinesis one under the same key
    accepted = {(r["stream"], r["data"]): r.get("key") for r in out(ep)}
    for r in failed:
        assert (r["stream"], r["data"]) in accepted, r
        assert accepted[(r["stream"], r["data"])] == r.get("key"), r
    assert sum(r["stream"] == "k1" for r in failed) > 100, len(failed)
    for s in ("s1", "k1"):
        line = stats_line(err, s)
        assert "read %d records, sent %d," % (n, n) in line, line
        assert not re.search(r"failed 0 \(retried\)", line), line

# ---------------------------------------------------------------- clock


@test(timeout=90)
def endpoint_clock_15_minutes_ahead(tmp):
    """AWS's clock is 15 minutes ahead of the device's: the first request
    of each flow, both on the wire at once, is refused ("Signature
    expired").  The agent takes AWS's time from the first answer and says
    so once (one clock for every flow); the other flow's request, signed
    before that, just goes again, with no word of refused credentials and
    no long backoff.  Every line of both flows arrives, once."""
    fh, ks = tmp + "/fh.log", tmp + "/k.log"
    append(fh, 0, 2000)
    append(ks, 1000000, 1002000)
    with Endpoint(tmp, clock_offset=900) as ep:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow(fh, "s1"), kflow(ks, "k1")])
        with Agent(harness.kagent(), conf, args=["--once=30"]) as ag:
            assert ag.wait(60) == 0, ag.stderr()
            err = ag.stderr()
    assert ep.records("s1") == lines(0, 2000)
    assert ep.records("k1") == lines(1000000, 1002000)
    said = warnings(err, "the clock is")
    assert len(said) == 1, err
    assert re.match(r"kagent: warning: the clock is (899|900|901) s behind AWS's \(InvalidSignatureException\): "
                    r"signing with AWS's time\Z", said[0]), said
    assert "credentials refused" not in err, err
    expired = [e for e in ep.requests() if e["error"] == "InvalidSignatureException"]
    # the first request of each flow, both signed before either answer came back
    assert sorted(e["api"] for e in expired) == ["firehose", "kinesis"], expired

# ---------------------------------------------------------------- SIGTERM


@test(timeout=120)
def sigterm_in_a_burst(tmp):
    """SIGTERM while lines pour in to a Firehose and a Kinesis flow: the
    agent sends what it has read and stops cleanly; the checkpoint holds
    exactly what the endpoint accepted, a run of lines from the first.  It
    stops as soon as that is sent, though its files have grown meanwhile.
    After a restart the rest arrives: every line once, none twice."""
    n = 150000
    fh, ks = tmp + "/fh.log", tmp + "/k.log"
    open(fh, "wb").close()
    open(ks, "wb").close()
    # answers take 50 ms: the agent falls behind the writers, its ring is full
    with Endpoint(tmp, tls=False, slow=(1, 0.05)) as ep:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow(fh, "s1"), kflow(ks, "k1")], shutdownTimeoutMillis=30000)
        ws = [Writer(fh, 0, n, chunk=1000, pause=0.03), Writer(ks, 1000000, 1000000 + n, chunk=1000, pause=0.03)]
        with Agent(harness.kagent(), conf) as ag:
            started(ag)
            for w in ws:
                w.start()
            wait_until(lambda: count(ep) >= 10000, 30)
            assert all(w.is_alive() for w in ws), "the burst was over before the signal"
            ag.kill(signal.SIGTERM)
            assert ag.wait(40) == 0, ag.stderr()
            err = ag.stderr()
        assert "stopping: sending what is buffered" in err, err
        assert "not yet accepted" not in err, err      # a clean stop
        ck = tmp + "/checkpoints"
        k_fh, k_ks = len(ep.records("s1")), len(ep.records("k1"))
        assert 0 < k_fh < n and 0 < k_ks < n, (k_fh, k_ks)
        assert ep.records("s1") == lines(0, k_fh)
        assert ep.records("k1") == lines(1000000, 1000000 + k_ks)
        assert ckpt_offset(ck, fh) == 9 * k_fh and ckpt_offset(ck, ks) == 9 * k_ks, read_ckpt(ck)
        for w in ws:
            w.join()
        with Agent(harness.kagent(), conf, args=["--once=20"]) as ag:
            assert ag.wait(90) == 0, ag.stderr()
    assert ep.records("s1") == lines(0, n)
    assert ep.records("k1") == lines(1000000, 1000000 + n)
    assert ckpt_offset(ck, fh) == ckpt_offset(ck, ks) == 9 * n

# ---------------------------------------------------------------- partition keys


@test(timeout=60)
def partition_keys(tmp):
    """DETERMINISTIC: each record's key is the lowercase hex MD5 of its data
    (identical records, identical keys).  partitionKeyField: the field of a
    JSON line, or of what CSVTOJSON made; a record without the field gets a
    random key, said once and counted."""
    det, js, csv = tmp + "/det.log", tmp + "/js.log", tmp + "/csv.log"
    with open(det, "wb") as f:
        f.write(b"".join(b"event %d\n" % (i % 7) for i in range(300)) + b"".join(lines(0, 300)))
    js_lines, js_want = [], []
    for i in range(600):
        if i % 100 == 50:
            js_lines.append(b'{"n":%d}\n' % i)                      # no "dev"
            js_want.append(None)
        elif i % 100 == 70:
            js_lines.append(b'{"n":%d,"dev":%d}\n' % (i, i % 3))    # a number
            js_want.append("%d" % (i % 3))
        else:
            js_lines.append(b'{"n":%d, "nested":{"dev":"x"}, "dev" : "d\\u00e9v-%d"}\n' % (i, i % 5))
            js_want.append("d\u00e9v-%d" % (i % 5))
    with open(js, "wb") as f:
        f.write(b"".join(js_lines))
    with open(csv, "wb") as f:
        f.write(b"".join(b"gw-%d,%08d\n" % (i % 4, i) for i in range(400)))
    with Endpoint(tmp, tls=False) as ep:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [kflow(det, "kdet", partitionKeyOption="DETERMINISTIC"),
                              kflow(js, "kjs", partitionKeyField="dev"),
                              kflow(csv, "kcsv", partitionKeyField="dev", dataProcessingOptions=[
                                  {"optionName": "CSVTOJSON", "customFieldNames": ["dev", "seq"]}])])
        with Agent(harness.kagent(), conf, args=["--once=10"]) as ag:
            assert ag.wait(30) == 0, ag.stderr()
            err = ag.stderr()
    recs = out(ep, "kdet")
    assert [r["data"] for r in recs] == [b"event %d\n" % (i % 7) for i in range(300)] + lines(0, 300)
    for r in recs:
        assert r["key"] == hashlib.md5(r["data"]).hexdigest(), r
    assert len(set(r["key"] for r in recs[:300])) == 7
    recs = out(ep, "kjs")
    assert [r["data"] for r in recs] == js_lines
    for r, want in zip(recs, js_want):
        if want is None:
            assert RANDOM_KEY.match(r["key"]), r
        else:
            assert r["key"] == want, (r, want)
    assert len(set(r["key"] for r, w in zip(recs, js_want) if w is None)) == 6     # random: each its own
    recs = out(ep, "kcsv")
    assert [r["data"] for r in recs] == [b'{"dev":"gw-%d","seq":"%08d"}\n' % (i % 4, i) for i in range(400)]
    assert [r["key"] for r in recs] == ["gw-%d" % (i % 4) for i in range(400)]
    said = warnings(err, "usable")
    assert said == ['kagent: warning: kjs: a record has no usable "dev" field: sent with a random partition '
                    'key (said once, counted)'], err
    assert stats_line(err, "kjs").endswith("random partition keys 6"), err
    assert stats_line(err, "kcsv").endswith("random partition keys 0"), err
    assert stats_line(err, "kdet").endswith("random partition keys 0"), err

# ---------------------------------------------------------------- -t --online


def online(conf):
    p = subprocess.run([harness.kagent(), "-t", "--online", "-c", conf], capture_output=True, text=True,
                       timeout=60)
    return p.returncode, [l for l in p.stdout.splitlines()
                          if re.match(r"flows\[\d+\] (deliveryStream|kinesisStream) ", l)]


@test(timeout=90)
def t_online_checks_streams_and_credentials(tmp):
    """kagent -t --online: an ok line per flow and exit 0 when every stream
    is there and the credentials are right; exit 1 and a line naming the
    flow and the reason when a stream is missing, and when the endpoint
    refuses the signature.  Nothing is put."""
    with Endpoint(tmp, streams=["f1"], kinesis_streams="k1:2") as ep:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow("/var/log/a.log", "f1"), kflow("/var/log/b.log", "k1")])
        rc, got = online(conf)
        assert rc == 0, got
        assert got == ["flows[0] deliveryStream f1: ok: delivery stream f1 is ACTIVE",
                       "flows[1] kinesisStream k1: ok: stream k1 is ACTIVE"], got

        write_conf(conf, ep, [flow("/var/log/a.log", "f1"), kflow("/var/log/b.log", "k2"),
                              flow("/var/log/c.log", "f2")])
        rc, got = online(conf)
        assert rc == 1, got
        assert got == ["flows[0] deliveryStream f1: ok: delivery stream f1 is ACTIVE",
                       "flows[1] kinesisStream k2: no such stream (ResourceNotFoundException: Stream k2 "
                       "under account 123456789012 not found.)",
                       "flows[2] deliveryStream f2: no such stream (ResourceNotFoundException: Firehose f2 "
                       "under account 123456789012 not found.)"], got

        write_conf(conf, ep, [flow("/var/log/a.log", "f1"), kflow("/var/log/b.log", "k1")],
                   awsSecretAccessKey="not-the-secret")
        rc, got = online(conf)
        assert rc == 1, got
        mismatch = ("credentials or permission refused (InvalidSignatureException: The request signature we "
                    "calculated does not match the signature you provided. Check your AWS Secret Access Key "
                    "and signing method. Consult the service documentation for details.)")
        assert got == ["flows[0] deliveryStream f1: " + mismatch, "flows[1] kinesisStream k1: " + mismatch], got

        write_conf(conf, ep, [flow("/var/log/a.log", "f1"), kflow("/var/log/b.log", "k1")],
                   awsAccessKeyId="AKIDNOBODYKNOWS")
        rc, got = online(conf)
        assert rc == 1, got
        unknown = ("credentials or permission refused (UnrecognizedClientException: The security token "
                   "included in the request is invalid.)")
        assert got == ["flows[0] deliveryStream f1: " + unknown, "flows[1] kinesisStream k1: " + unknown], got
    ops = sorted(set(e["op"] for e in ep.requests()))
    assert ops == ["DescribeDeliveryStream", "DescribeStreamSummary"], ops
    assert ep.records() == []

# ---------------------------------------------------------------- a refused record


@test(timeout=90)
def a_record_the_service_refuses_is_dropped_alone(tmp):
    """The service answers ValidationException naming one record of the
    batch ('records.N.member.data'): the agent drops that record alone
    (said, counted as refused), sends the others at once, and does not
    loop: one refusal per bad record.  On both APIs."""
    bad = {701, 1499, 1500}
    fh, fh_lines, ks, ks_lines = harness.poisoned(tmp, bad)
    with Endpoint(tmp, tls=False, reject_data="POISON") as ep:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow(fh, "s1"), kflow(ks, "k1")])
        with Agent(harness.kagent(), conf, args=["--once=10"]) as ag:
            assert ag.wait(60) == 0, ag.stderr()
            err = ag.stderr()
    assert ep.records("s1") == [l for i, l in enumerate(fh_lines) if i not in bad]
    assert ep.records("k1") == [l for i, l in enumerate(ks_lines) if i not in bad]
    for s, api in (("s1", "firehose"), ("k1", "kinesis")):
        said = warnings(err, "%s: record " % s)
        assert len(said) == 3, err
        for l in said:
            assert re.match(r"kagent: warning: %s: record \d+ of a request \(16 bytes\) refused "
                            r"\(ValidationException: 1 validation error detected: Value "
                            r"'java.nio.HeapByteBuffer\[pos=0 lim=16 cap=16\]' at 'records.\d+.member.data' "
                            r"failed to satisfy constraint: Member must not contain 'POISON'\): dropped\Z" % s,
                            l), l
        assert "refused 3)" in stats_line(err, s), err
        assert "sent 1997," in stats_line(err, s), err
        refusals = [e for e in ep.requests() if e["api"] == api and e["error"] == "ValidationException"]
        assert len(refusals) == 3, refusals
    assert "in parts" not in err, err
    assert ckpt_offset(tmp + "/checkpoints", fh) == os.path.getsize(fh)
    assert ckpt_offset(tmp + "/checkpoints", ks) == os.path.getsize(ks)


harness.run()
