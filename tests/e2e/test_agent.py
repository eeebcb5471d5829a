"""kagent end to end, against the local Firehose endpoint (tools/endpoint.py):
every line of a tailed file arrives, once, through faults, kill -9, wrong
credentials and restarts."""
import os
import re
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import (Agent, Endpoint, Writer, append, count, flow, lines, numbers,  # noqa: E402
                     test, wait_until, write_conf)


def allocs_binary():
    return os.path.join(harness.build_dir(), "kagent-allocs")


@test(timeout=60)
def in_file_order_without_faults(tmp):
    log = tmp + "/app.log"
    with open(log, "wb") as f:
        f.write(b"".join(lines(0, 3000)))
    with Endpoint(tmp) as ep:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow(log)])
        with Agent(harness.kagent(), conf) as ag:
            w = Writer(log, 3000, 10000, chunk=100, pause=0.002)
            w.start()
            w.join()
            wait_until(lambda: count(ep) >= 10000, 30)
            time.sleep(1.5)
            ag.kill(signal.SIGTERM)
            assert ag.wait(10) == 0, ag.stderr()
        assert ep.records() == lines(0, 10000), "records differ from the file, in content or order"
        assert all(r["status"] == 200 for r in ep.requests())
        ck = open(tmp + "/checkpoints").read().split("\n")
        size = os.path.getsize(log)
        assert ck[1].split(" ")[4] == str(size), (ck, size)


@test(timeout=240)
def hundred_thousand_lines_through_faults_zero_allocations(tmp):
    """100,000 lines appended while the agent runs; 10 % of records fail,
    5 % of requests are throttled, 2 % of connections drop before the
    answer: every line arrives exactly once, and the agent (the allocation-
    counting build) makes no allocator call after start-up."""
    log = tmp + "/app.log"
    open(log, "wb").close()
    with Endpoint(tmp, partial=0.1, throttle=0.05, drop=0.02, seed=7) as ep:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow(log)])
        with Agent(allocs_binary(), conf) as ag:
            time.sleep(0.3)
            Writer(log, 0, 100000).start()
            wait_until(lambda: count(ep) >= 100000, 200, interval=0.5,
                       msg="not every line arrived:\n" + ag.stderr()[-1500:])
            hwm = harness.proc_status(ag.pid, "VmHWM")
            ag.kill(signal.SIGTERM)
            assert ag.wait(10) == 0, ag.stderr()
            err = ag.stderr()
        recs = numbers(ep.records())
        assert len(recs) == 100000 and sorted(recs) == list(range(100000)), \
            "missing %d, extra %d" % (100000 - len(set(recs)), len(recs) - len(set(recs)))
        reqs = ep.requests()
        faults = {k: sum(1 for r in reqs if r.get("fault") == k) for k in ("partial", "throttle", "drop")}
        assert all(faults.values()), faults     # every kind of fault really happened
        m = re.search(r"allocator calls: (\d+) during start-up, (\d+) after start-up", err)
        # the count works (start-up does allocate), and the loop never does
        assert m and int(m.group(1)) > 0 and m.group(2) == "0", err[-2000:]
        print("  peak RSS %d KiB, %d requests, faults %s" % (hwm, len(reqs), faults))


@test(timeout=240)
def kill9_then_restart_loses_nothing(tmp):
    log = tmp + "/app.log"
    with open(log, "wb") as f:
        f.write(b"".join(lines(0, 100000)))
    with Endpoint(tmp, partial=0.05, seed=3) as ep:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow(log, maxBufferSizeRecords=200)])
        with Agent(harness.kagent(), conf) as ag:
            wait_until(lambda: count(ep) >= 30000, 60, interval=0.1)
            ag.kill(signal.SIGKILL)
            ag.wait(5)
        before = numbers(ep.records())
        assert len(before) < 100000, "the kill came too late to test anything"
        ck = int(open(tmp + "/checkpoints").read().split("\n")[1].split(" ")[4])
        resume = ck // 9                # 9 bytes a line
        assert ck % 9 == 0 and set(range(resume)) <= set(before), "checkpoint past an unaccepted record"
        with Agent(harness.kagent(), conf) as ag:
            wait_until(lambda: count(ep) >= 100000 + len([n for n in before if n >= resume]), 120,
                       interval=0.5, msg=ag.stderr()[-1500:])
            ag.kill(signal.SIGTERM)
            assert ag.wait(10) == 0
        after = numbers(ep.records())[len(before):]
        # at-least-once: the restart sends exactly what lies past the checkpoint
        assert sorted(after) == list(range(resume, 100000)), "restart did not resume at the checkpoint"
        print("  %d accepted before the kill, checkpoint at line %d, %d sent twice"
              % (len(before), resume, len(before) - resume))


def refused_until_fixed(tmp, error, said, endpoint_kw, conf_kw, fixed_endpoint_kw):
    """The endpoint refuses every request with error: the agent says so once
    (a line holding every string of said), keeps the records, and delivers
    each of them once the cause is gone and it is restarted."""
    log = tmp + "/app.log"
    with open(log, "wb") as f:
        f.write(b"".join(lines(0, 500)))
    conf = tmp + "/k.conf"
    with Endpoint(tmp, **endpoint_kw) as ep:
        write_conf(conf, ep, [flow(log, retryMaxBackoffMillis=1000)], **conf_kw)
        with Agent(harness.kagent(), conf) as ag:
            wait_until(lambda: len(ep.requests()) >= 3, 15)
            ag.kill(signal.SIGTERM)
            ag.wait(10)
            err = ag.stderr()
        assert count(ep) == 0
        assert all(r["error"] == error for r in ep.requests())
        lines_said = [l for l in err.splitlines() if "warning" in l and error in l]
        assert len(lines_said) == 1, err        # once per change of state, not per retry
        assert all(s in lines_said[0] for s in said), lines_said
    with Endpoint(tmp, **fixed_endpoint_kw) as ep:
        write_conf(conf, ep, [flow(log)])
        with Agent(harness.kagent(), conf, args=["--once=10"]) as ag:
            assert ag.wait(30) == 0, ag.stderr()
        assert ep.records() == lines(0, 500)


@test(timeout=60)
def wrong_secret_keeps_records_until_fixed(tmp):
    refused_until_fixed(tmp, "InvalidSignatureException", ["credentials refused", "awsSecretAccessKey"],
                        {}, {"awsSecretAccessKey": "not-the-secret"}, {})


@test(timeout=60)
def missing_stream_is_said_once_and_records_wait(tmp):
    refused_until_fixed(tmp, "ResourceNotFoundException", ["s1: delivery stream not found in us-east-1"],
                        {"streams": ["other"]}, {}, {"streams": ["s1"]})


@test(timeout=60)
def untrusted_server_is_refused(tmp):
    log = tmp + "/app.log"
    with open(log, "wb") as f:
        f.write(b"".join(lines(0, 10)))
    with Endpoint(tmp) as ep:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow(log)], caFile=ep.other_ca)
        with Agent(harness.kagent(), conf, args=["--once=3"]) as ag:
            assert ag.wait(20) == 1
            err = ag.stderr()
        assert "not trusted" in err, err
        assert count(ep) == 0 and ep.requests() == []


@test(timeout=60)
def records_keep_newline_and_cr_and_wait_for_the_end_of_line(tmp):
    log = tmp + "/app.log"
    with open(log, "wb") as f:
        f.write(b"dos line\r\n\xff\xfe binary \x00 ok\n" + b"partial")
    with Endpoint(tmp) as ep:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow(log)])
        with Agent(harness.kagent(), conf) as ag:
            wait_until(lambda: count(ep) >= 2, 10)
            time.sleep(1.5)             # past maxBufferAgeMillis: the partial line still waits
            assert ep.records() == [b"dos line\r\n", b"\xff\xfe binary \x00 ok\n"]
            with open(log, "ab") as f:
                f.write(b" and the rest\n")
            wait_until(lambda: count(ep) >= 3, 10)
            ag.kill(signal.SIGTERM)
            ag.wait(10)
        assert ep.records()[2] == b"partial and the rest\n"


@test(timeout=60)
def overlong_line_is_cut_and_logged_once(tmp):
    log = tmp + "/app.log"
    big = b"x" * 1500000
    with open(log, "wb") as f:
        f.write(b"before\n" + big + b"\n" + b"y" * 1023999 + b"\n" + b"z" * 1024000 + b"\n" +
                b"middle\n" + big + b"\nafter\n")
    with Endpoint(tmp) as ep:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow(log)])
        with Agent(harness.kagent(), conf, args=["--once=10"]) as ag:
            assert ag.wait(30) == 0, ag.stderr()
            err = ag.stderr()
        cut = b"x" * 1023999 + b"\n"
        recs = ep.records()
        # the longest record is 1,024,000 bytes with its newline: one more is cut
        assert [len(r) for r in recs] == [7, 1024000, 1024000, 1024000, 7, 1024000, 6], [len(r) for r in recs]
        assert recs == [b"before\n", cut, b"y" * 1023999 + b"\n", b"z" * 1023999 + b"\n", b"middle\n",
                        cut, b"after\n"]
        assert len([l for l in err.splitlines() if "longer than" in l]) == 1, err
        assert "truncated 3," in err, err


@test(timeout=60)
def checkpoint_resumes_and_end_of_file_is_the_default(tmp):
    log = tmp + "/app.log"
    with open(log, "wb") as f:
        f.write(b"".join(lines(0, 100)))
    with Endpoint(tmp) as ep:
        conf = tmp + "/k.conf"
        f = flow(log)
        del f["initialPosition"]        # END_OF_FILE: what is there now is not sent
        write_conf(conf, ep, [f])
        with Agent(harness.kagent(), conf) as ag:
            time.sleep(0.5)
            with open(log, "ab") as fh:
                fh.write(b"".join(lines(100, 200)))
            wait_until(lambda: count(ep) >= 100, 10)
            ag.kill(signal.SIGTERM)
            assert ag.wait(10) == 0
        with open(log, "ab") as fh:
            fh.write(b"".join(lines(200, 300)))
        with Agent(harness.kagent(), conf, args=["--once"]) as ag:
            assert ag.wait(20) == 0, ag.stderr()
        assert ep.records() == lines(100, 300)


@test(timeout=60)
def once_gives_up_when_nothing_is_accepted(tmp):
    log = tmp + "/app.log"
    with open(log, "wb") as f:
        f.write(b"".join(lines(0, 10)))
    ep = Endpoint(tmp)
    ep.start()
    port = ep.port
    ep.stop()                           # nothing listens there any more
    conf = tmp + "/k.conf"
    write_conf(conf, None, [flow(log)], **{"firehose.endpoint": "http://127.0.0.1:%d" % port})
    t = time.monotonic()
    with Agent(harness.kagent(), conf, args=["--once=2"]) as ag:
        assert ag.wait(20) == 1
        err = ag.stderr()
    assert 2 <= time.monotonic() - t < 10
    assert "giving up" in err and "Connection refused" in err, err
    assert len([l for l in err.splitlines() if "Connection refused" in l]) == 1, err


@test(timeout=60)
def rename_and_create_rotation(tmp):
    log = tmp + "/app.log"
    with open(log, "wb") as f:
        f.write(b"".join(lines(0, 1000)))
    with Endpoint(tmp) as ep:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow(log)])
        with Agent(harness.kagent(), conf) as ag:
            wait_until(lambda: count(ep) >= 1000, 10)
            with open(log, "ab") as f:
                f.write(b"".join(lines(1000, 1500)) + b"no newline at rotation")
            os.rename(log, log + ".1")
            with open(log, "wb") as f:
                f.write(b"".join(lines(1500, 2000)))
            wait_until(lambda: count(ep) >= 2001, 15)
            ag.kill(signal.SIGTERM)
            assert ag.wait(10) == 0
        # the renamed file may still be written (until its writer reopens):
        # its last line waits until it has been unchanged for 5 s
        assert ep.records() == lines(0, 1500) + lines(1500, 2000) + [b"no newline at rotation"]


@test(timeout=60)
def copytruncate_rotation(tmp):
    log = tmp + "/app.log"
    with open(log, "wb") as f:
        f.write(b"".join(lines(0, 1000)))
    with Endpoint(tmp) as ep:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow(log)])
        with Agent(harness.kagent(), conf) as ag:
            wait_until(lambda: count(ep) >= 1000, 10)
            with open(log, "r+b") as f:         # logrotate copytruncate, then the writer goes on
                f.truncate(0)
            with open(log, "ab") as f:
                f.write(b"".join(lines(1000, 1100)))
            wait_until(lambda: count(ep) >= 1100, 10)
            ag.kill(signal.SIGTERM)
            assert ag.wait(10) == 0
            assert "truncated, reading it again" in ag.stderr()
        assert ep.records() == lines(0, 1100)
        ck = open(tmp + "/checkpoints").read().split("\n")[1].split(" ")
        assert ck[4] == str(100 * 9), ck


@test(timeout=60)
def answers_longer_than_the_answer_buffer(tmp):
    """RecordIds have no stated maximum: an answer too long to keep whole
    that says FailedPutCount 0 still releases the batch, once."""
    log = tmp + "/app.log"
    with open(log, "wb") as f:
        f.write(b"".join(lines(0, 2000)))
    with Endpoint(tmp, record_id_len=1500) as ep:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow(log)])
        with Agent(harness.kagent(), conf, args=["--once=10"]) as ag:
            assert ag.wait(30) == 0, ag.stderr()
        assert ep.records() == lines(0, 2000)
        assert max(r["records"] for r in ep.requests()) == 500


@test(timeout=60)
def a_slow_answer_does_not_block_the_loop(tmp):
    """While a request waits 4 s for its answer, the loop goes on reading
    the file and answering signals."""
    log = tmp + "/app.log"
    open(log, "wb").close()
    with Endpoint(tmp, slow=(1.0, 4)) as ep:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow(log)])
        with Agent(harness.kagent(), conf) as ag:
            time.sleep(0.3)
            with open(log, "ab") as f:
                f.write(b"".join(lines(0, 10)))
            time.sleep(1.5)                     # sent after 1 s; its answer comes after 4 s more
            with open(log, "ab") as f:
                f.write(b"".join(lines(10, 1000)))
            time.sleep(0.5)
            ag.kill(signal.SIGUSR1)
            stats = wait_until(lambda: [l for l in ag.stderr().splitlines() if "read " in l], 2)
            assert "read 1000 records, sent 0," in stats[0], stats
            wait_until(lambda: count(ep) >= 1000, 40)
            ag.kill(signal.SIGTERM)
            assert ag.wait(10) == 0
        assert ep.records() == lines(0, 1000)


@test(timeout=60)
def hup_reloads_without_losing_or_repeating(tmp):
    log = tmp + "/app.log"
    open(log, "wb").close()
    with Endpoint(tmp) as ep:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow(log, "s1")])
        with Agent(harness.kagent(), conf) as ag:
            w = Writer(log, 0, 20000, chunk=100, pause=0.01)
            w.start()
            time.sleep(0.5)
            write_conf(conf, ep, [flow(log, "s2")])
            ag.kill(signal.SIGHUP)
            w.join()
            wait_until(lambda: count(ep) >= 20000, 30)
            time.sleep(1.2)
            assert ag.alive(), ag.stderr()
            ag.kill(signal.SIGTERM)
            assert ag.wait(10) == 0
            assert "reloading" in ag.stderr()
        s1, s2 = ep.records("s1"), ep.records("s2")
        assert s1 and s2, (len(s1), len(s2))
        assert s1 + s2 == lines(0, 20000)


@test(timeout=60)
def a_file_read_to_its_end_is_followed_after_a_restart_or_hup(tmp):
    """A filePattern naming one file already read to its end when kagent
    starts again (a restart, a HUP) is followed at once: nothing says it
    cannot be opened, and a line written then goes within maxBufferAgeMillis
    (1 s), not at the next look at the pattern (10 s)."""
    log = tmp + "/app.log"
    append(log, 0, 10)
    with Endpoint(tmp) as ep:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow(log)])
        with Agent(harness.kagent(), conf, args=["--once"]) as ag:
            assert ag.wait(20) == 0, ag.stderr()
        assert count(ep) == 10
        with Agent(harness.kagent(), conf) as ag:
            wait_until(lambda: ag.stderr().count("started:") == 1, 10)
            append(log, 10, 11)
            wait_until(lambda: count(ep) == 11, 5)
            ag.kill(signal.SIGHUP)
            wait_until(lambda: ag.stderr().count("started:") == 2, 10)
            append(log, 11, 12)
            wait_until(lambda: count(ep) == 12, 5)
            ag.kill(signal.SIGTERM)
            assert ag.wait(10) == 0, ag.stderr()
            assert "cannot open" not in ag.stderr(), ag.stderr()
        assert ep.records() == lines(0, 12)


@test(timeout=30)
def bad_configuration_exits_2_naming_file_line_and_key(tmp):
    conf = tmp + "/kagent.conf"
    with open(conf, "w") as f:
        f.write('{\n  "flows": [\n    {\n      "filePattern": "/var/log/x",\n'
                '      "deliveryStream": "s",\n      "maxBufferSizeRecords": 900\n    }\n  ]\n}\n')
    with Agent(harness.kagent(), conf) as ag:
        assert ag.wait(5) == 2
        err = ag.stderr()
    assert err == "%s:6: flows[0].maxBufferSizeRecords: must be 1..500, got 900\n" % conf, err


harness.run()
