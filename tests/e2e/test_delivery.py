"""Delivery through failures, end to end: sendFailureTimeout, shutdownTimeoutMillis,
configDir drop-ins, the per-flow USR1 counters, several flows where one
destination is down."""
import json
import os
import re
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import (Agent, Endpoint, append, count, flow, free_port, kflow, lines, numbers, started,  # noqa: E402
                     test, wait_until, write_conf)


@test(timeout=60)
def send_failure_timeout_exits_1(tmp):
    """Nothing can be delivered (the endpoint refuses connections) for
    sendFailureTimeout "3s": the agent says so and exits 1, so procd or
    systemd restarts it.  Delivering, or idle, it never does."""
    log = tmp + "/app.log"
    append(log, 0, 10)
    down = "http://127.0.0.1:%d" % free_port()
    conf = tmp + "/k.conf"
    write_conf(conf, None, [flow(log, retryInitialBackoffMillis=100, retryMaxBackoffMillis=500)],
               **{"firehose.endpoint": down, "sendFailureTimeout": "3s"})
    with Agent(harness.kagent(), conf) as ag:
        t0 = time.monotonic()
        status = ag.wait(15)
        took = time.monotonic() - t0
        err = ag.stderr()
    assert status == 1, err
    # the first attempt after maxBufferAgeMillis (1 s), then 3 s of failing
    assert 3.5 <= took <= 7, (took, err)
    assert re.search(r"kagent: warning: s1: nothing delivered for 3\d\d\d ms \(sendFailureTimeout; "
                     r"last error network\): exiting", err), err
    with Endpoint(tmp, tls=False) as ep:
        write_conf(conf, ep, [flow(log)], sendFailureTimeout="2s")
        with Agent(harness.kagent(), conf) as ag:
            wait_until(lambda: count(ep) >= 10, 10)
            time.sleep(3)               # idle, longer than the timeout
            assert ag.alive(), ag.stderr()
            ag.kill(signal.SIGTERM)
            assert ag.wait(10) == 0


@test(timeout=60)
def shutdown_timeout_bounds_the_last_flush(tmp):
    """TERM with the endpoint down and records waiting: the agent tries for
    shutdownTimeoutMillis (1,500) and no longer, exits 0, and the records
    are sent at the next start (the checkpoint did not pass them)."""
    log = tmp + "/app.log"
    append(log, 0, 100)
    port = free_port()
    conf = tmp + "/k.conf"
    write_conf(conf, None, [flow(log, maxBufferAgeMillis=60000)],
               **{"firehose.endpoint": "http://127.0.0.1:%d" % port, "shutdownTimeoutMillis": 1500})
    with Agent(harness.kagent(), conf) as ag:
        started(ag)
        time.sleep(0.5)
        t0 = time.monotonic()
        ag.kill(signal.SIGTERM)
        assert ag.wait(10) == 0, ag.stderr()
        took = time.monotonic() - t0
        err = ag.stderr()
    assert 1.4 <= took <= 3, took
    assert "stopping: sending what is buffered (up to 1500 ms)" in err, err
    assert "stopping with records not yet accepted" in err, err
    with Endpoint(tmp, tls=False, port=port) as ep:
        with Agent(harness.kagent(), conf, args=["--once=10"]) as ag:
            assert ag.wait(20) == 0, ag.stderr()
        assert ep.records() == lines(0, 100)


@test(timeout=60)
def once_sends_as_soon_as_every_file_is_read(tmp):
    """--once with maxBufferAgeMillis 60 s and nothing else written beside
    the logs (no event to wake the agent): the turn that reads the last
    file to its end is followed at once by the one that sends, for plain
    lines and (another run) for a multi-line record held at a file's end;
    each run exits 0 in a few seconds, not at the 10-s look, every record
    sent once."""
    logs = tmp + "/logs"
    os.mkdir(logs)
    append(logs + "/a.log", 0, 100)
    with open(logs + "/b.log", "w") as f:
        f.write("".join("start %d\n  more %d\n" % (i, i) for i in range(5)))
    with Endpoint(tmp) as ep:
        for flows in ([flow(logs + "/a.log", maxBufferAgeMillis=60000)],
                      [flow(logs + "/b.log", "s2", maxBufferAgeMillis=60000, multiLineStartPattern="^start")]):
            conf = tmp + "/k.conf"
            write_conf(conf, ep, flows)
            t0 = time.monotonic()
            with Agent(harness.kagent(), conf, args=["--once=30"]) as ag:
                assert ag.wait(20) == 0, ag.stderr()
            took = time.monotonic() - t0
            assert took < 4, "--once took %.1f s" % took
        assert sorted(numbers(ep.records("s1"))) == list(range(100))
        assert ep.records("s2") == [b"start %d\n  more %d\n" % (i, i) for i in range(5)]


@test(timeout=60)
def config_dir_drop_ins_add_flows(tmp):
    """configDir: every *.json there adds its flows (in name order, after
    the main file's); other files are left alone; an error names the
    drop-in's own file and line."""
    d = tmp + "/agent.d"
    os.mkdir(d)
    for name in ("a", "b", "c"):
        append("%s/%s.log" % (tmp, name), 0, 5)
    with Endpoint(tmp, tls=False, streams=["main", "da", "db"]) as ep:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow(tmp + "/a.log", "main")], configDir=d)
        with open(d + "/20-b.json", "w") as f:
            json.dump({"flows": [flow(tmp + "/c.log", "db")]}, f)
        with open(d + "/10-a.json", "w") as f:
            json.dump({"flows": [flow(tmp + "/b.log", "da")]}, f)
        with open(d + "/notes.txt", "w") as f:
            f.write("not a config\n")
        out = subprocess.run([harness.kagent(), "-t", "-c", conf], capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
        got = re.findall(r"flows\[(\d)\]\.deliveryStream = (\w+)", out.stdout)
        assert got == [("0", "main"), ("1", "da"), ("2", "db")], out.stdout
        with Agent(harness.kagent(), conf, args=["--once=10"]) as ag:
            assert ag.wait(20) == 0, ag.stderr()
        streams = sorted(st for st, _ in ep.record_entries())
        assert streams == ["da"] * 5 + ["db"] * 5 + ["main"] * 5, streams
        with open(d + "/20-b.json", "w") as f:
            f.write('{"flows": [\n  {"filePattern": "/x", "deliveryStream": "s", "kinesisStream": "k"}]}\n')
        out = subprocess.run([harness.kagent(), "-t", "-c", conf], capture_output=True, text=True)
        assert out.returncode == 2
        assert out.stderr == ("%s/20-b.json:2: flows[0].kinesisStream: a flow has one destination, "
                              "deliveryStream is already given\n" % d), out.stderr


@test(timeout=60)
def one_destination_down_does_not_hold_up_another(tmp):
    """Two flows: one to a stream that does not exist, one to a good one.
    The good one delivers at its own pace (within maxBufferAgeMillis) while
    the other backs off; USR1 shows each flow's counters, its backoff and
    its last error."""
    with Endpoint(tmp, tls=False, streams=["good"]) as ep:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow(tmp + "/good.log", "good"),
                              flow(tmp + "/bad.log", "missing", retryMaxBackoffMillis=5000)])
        append(tmp + "/bad.log", 0, 50)
        with Agent(harness.kagent(), conf) as ag:
            started(ag)
            for k in range(3):
                t0 = time.monotonic()
                append(tmp + "/good.log", 100 + 10 * k, 110 + 10 * k)
                wait_until(lambda: count(ep) >= 10 * (k + 1), 5)
                assert time.monotonic() - t0 < 3
            ag.kill(signal.SIGUSR1)
            wait_until(lambda: "missing: read" in ag.stderr(), 5)
            ag.kill(signal.SIGTERM)
            assert ag.wait(15) == 0, ag.stderr()
            err = ag.stderr()
        assert numbers(ep.records()) == list(range(100, 130))
        good = [l for l in err.splitlines() if l.startswith("kagent: good: read")][0]
        bad = [l for l in err.splitlines() if l.startswith("kagent: missing: read")][0]
        assert "read 30 records, sent 30," in good and "last error none" in good and "backoff 0 ms" in good, good
        assert "read 50 records, sent 0," in bad and "last error ResourceNotFoundException" in bad, bad
        assert re.search(r"backoff \d+ ms", bad), bad
        said = [l for l in err.splitlines() if "delivery stream not found" in l]
        assert len(said) == 1, err


@test(timeout=60)
def refused_credentials_are_read_again_when_the_file_changes(tmp):
    """A wrong secret: the agent says once that the credentials are refused
    and keeps the records.  When the configuration file is given the right
    ones (a provisioning script), it reloads by itself; every line arrives,
    once."""
    log = tmp + "/app.log"
    append(log, 0, 100)
    with Endpoint(tmp, tls=False) as ep:
        conf = tmp + "/k.conf"
        flows = [flow(log, retryMaxBackoffMillis=1000)]
        write_conf(conf, ep, flows, awsSecretAccessKey="not-the-secret")
        with Agent(harness.kagent(), conf) as ag:
            wait_until(lambda: "credentials refused" in ag.stderr(), 15)
            time.sleep(2)
            assert count(ep) == 0
            write_conf(conf, ep, flows)
            wait_until(lambda: count(ep) >= 100, 30)
            time.sleep(1)
            err = ag.stderr()
            assert ag.alive(), err
        assert ep.records() == lines(0, 100)
        assert err.count("credentials refused by Firehose") == 1, err
        assert "kagent: s1: credentials refused and %s has changed: reloading" % conf in err, err
        assert "kagent: reloading %s" % conf in err, err


@test(timeout=60)
def flows_in_two_regions(tmp):
    """One process, two regions: a flow names its own awsRegion and
    endpoint.  Each endpoint checks that requests are signed for its own
    region (a wrong scope is refused), so every line arriving proves each
    flow signed for its region."""
    for d in ("eu", "us"):
        os.mkdir(tmp + "/" + d)
        append("%s/%s.log" % (tmp, d), 0, 50)
    append(tmp + "/k.log", 100, 150)
    eu = Endpoint(tmp + "/eu", tls=False, streams=["s1"])
    us = Endpoint(tmp + "/us", tls=False, streams=["s2"], kinesis_streams="k1:2")
    eu.region, us.region = "eu-west-1", "us-west-2"
    with eu, us:
        conf = tmp + "/k.conf"
        write_conf(conf, eu, [flow(tmp + "/eu.log", "s1"),
                              flow(tmp + "/us.log", "s2", awsRegion="us-west-2",
                                   **{"firehose.endpoint": us.url}),
                              {"filePattern": tmp + "/k.log", "kinesisStream": "k1",
                               "initialPosition": "START_OF_FILE", "maxBufferAgeMillis": 1000,
                               "awsRegion": "us-west-2", "kinesis.endpoint": us.url}])
        out = subprocess.run([harness.kagent(), "-t", "-c", conf], capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
        for want in ("flows[0].awsRegion = eu-west-1\n", "flows[1].awsRegion = us-west-2\n",
                     "flows[1].firehose.endpoint = %s\n" % us.url, "flows[2].kinesis.endpoint = %s\n" % us.url):
            assert want in out.stdout, out.stdout
        with Agent(harness.kagent(), conf, args=["--once=10"]) as ag:
            assert ag.wait(30) == 0, ag.stderr()
        assert eu.records("s1") == lines(0, 50)
        assert us.records("s2") == lines(0, 50)
        assert us.records("k1") == lines(100, 150)
        assert not [q for q in eu.requests() + us.requests() if q["status"] != 200]


@test(timeout=60)
def a_java_agent_file_with_kinesis_region(tmp):
    """A Java-agent file as users write it: empty credentials (taken from
    the environment), kinesis.region naming the Kinesis flows' region (no
    awsRegion), partitionKeyOption in a Firehose flow (AWS's workshop
    files).  Each endpoint refuses a signature for another region, so
    every line arriving proves the Kinesis flow signed for eu-west-1 and
    the Firehose one for the default us-east-1."""
    for d in ("k", "f"):
        os.mkdir(tmp + "/" + d)
    append(tmp + "/k.log", 0, 40)
    append(tmp + "/f.log", 100, 140)
    kin = Endpoint(tmp + "/k", tls=False, kinesis_streams="k1:2")
    fh = Endpoint(tmp + "/f", tls=False, streams=["s1"])
    kin.region = "eu-west-1"
    with kin, fh:
        conf = tmp + "/k.conf"
        write_conf(conf, None, [kflow(tmp + "/k.log", "k1"),
                                flow(tmp + "/f.log", "s1", partitionKeyOption="RANDOM")],
                   awsAccessKeyId="", awsSecretAccessKey="", awsRegion=None,
                   **{"kinesis.region": "eu-west-1", "kinesis.endpoint": kin.url,
                      "firehose.endpoint": fh.url})
        env = {"AWS_ACCESS_KEY_ID": harness.ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": harness.SECRET_KEY}
        with Agent(harness.kagent(), conf, args=["--once=10"], env=env) as ag:
            assert ag.wait(30) == 0, ag.stderr()
            err = ag.stderr()
        assert ("k.conf:%d: flows[1].partitionKeyOption: only for a Kinesis (kinesisStream) flow, ignored\n"
                % (1 + open(conf).read().split("\n").index('      "partitionKeyOption": "RANDOM"'))) in err, err
        assert kin.records("k1") == lines(0, 40)
        assert fh.records("s1") == lines(100, 140)
        assert not [q for q in kin.requests() + fh.requests() if q["status"] != 200]


@test(timeout=60)
def a_connection_the_server_closed_is_opened_again(tmp):
    """The endpoint closes a kept-alive connection after 0.5 s unused
    (AWS does after about a minute): each batch, a second apart, finds its
    connection gone and goes on a new one, without an error said and
    without a line lost or sent twice; back to back, a connection is
    reused."""
    log = tmp + "/app.log"
    with Endpoint(tmp, tls=True, idle_timeout=0.5) as ep:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow(log, maxBufferSizeRecords=10)])
        append(log, 0, 100)
        with Agent(harness.kagent(), conf) as ag:
            wait_until(lambda: count(ep) >= 100, 20)
            for k in range(5):
                time.sleep(1.2)
                append(log, 100 + 10 * k, 110 + 10 * k)
                wait_until(lambda: count(ep) >= 110 + 10 * k, 10)
            ag.kill(signal.SIGTERM)
            assert ag.wait(10) == 0
            err = ag.stderr()
        assert ep.records() == lines(0, 150)
        assert "warning" not in err, err
        conns = [q["conn"] for q in ep.requests()]
        assert len(conns) == 15, conns
        assert len(set(conns[:10])) < 10, conns      # the first 100 lines: one connection, reused
        assert len(set(conns[10:])) == 5, conns      # then each batch on a new one


harness.run()
