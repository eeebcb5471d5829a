"""How lines become records: multiLineStartPattern, skipHeaderLines,
truncatedRecordTerminator, end to end."""
import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Agent, Endpoint, test, wait_until, write_conf  # noqa: E402

TRACE = (b"2024-01-01 10:00:00 ERROR request failed\n"
         b"java.lang.IllegalStateException: no connection\n"
         b"\tat com.example.Pool.get(Pool.java:42)\n"
         b"\tat com.example.Handler.run(Handler.java:7)\n")
NEXT = b"2024-01-01 10:00:01 INFO recovered\n"


def flow(path, **kw):
    f = {"filePattern": path, "deliveryStream": "s1", "initialPosition": "START_OF_FILE",
         "maxBufferAgeMillis": 1000}
    f.update(kw)
    return f


def count(ep):
    with open(ep.out, "rb") as f:
        return f.read().count(b"\n")


@test(timeout=60)
def stack_traces_are_one_record_each(tmp):
    log = tmp + "/app.log"
    with open(log, "wb") as f:
        f.write(b"orphan line before any start\n" + TRACE + NEXT + TRACE)
    with Endpoint(tmp) as ep:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow(log, multiLineStartPattern="\\d{4}-\\d{2}-\\d{2} ")])
        with Agent(harness.kagent(), conf) as ag:
            # the last trace is held while more of it may come (well within
            # the second of quiet that ends it) ...
            time.sleep(0.4)
            with open(log, "ab") as f:
                f.write(b"\tat com.example.Main.main(Main.java:3)\n")
            # ... and sent once the file has been quiet for a second
            wait_until(lambda: count(ep) >= 4, 10)
            ag.kill(signal.SIGTERM)
            assert ag.wait(10) == 0
        assert ep.records() == [b"orphan line before any start\n", TRACE, NEXT,
                                TRACE + b"\tat com.example.Main.main(Main.java:3)\n"], ep.records()
        ck = open(tmp + "/checkpoints").read().split("\n")[1].split(" ")
        assert ck[2] == str(os.path.getsize(log)), ck


@test(timeout=30)
def once_sends_the_last_multiline_record(tmp):
    log = tmp + "/app.log"
    with open(log, "wb") as f:
        f.write(TRACE + TRACE)
    with Endpoint(tmp) as ep:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow(log, multiLineStartPattern="^\\d{4}-")])
        with Agent(harness.kagent(), conf, args=["--once=5"]) as ag:
            assert ag.wait(20) == 0, ag.stderr()
        assert ep.records() == [TRACE, TRACE]


@test(timeout=30)
def header_lines_are_skipped_at_a_files_start_only(tmp):
    log = tmp + "/app.csv"
    with open(log, "wb") as f:
        f.write(b"name,value\n--,--\nx,1\ny,2\n")
    with Endpoint(tmp) as ep:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow(log, skipHeaderLines=2)])
        with Agent(harness.kagent(), conf, args=["--once=5"]) as ag:
            assert ag.wait(20) == 0, ag.stderr()
        assert ep.records() == [b"x,1\n", b"y,2\n"]
        with open(log, "ab") as f:
            f.write(b"z,3\n")
        with Agent(harness.kagent(), conf, args=["--once=5"]) as ag:   # resumes: no header
            assert ag.wait(20) == 0, ag.stderr()
        assert ep.records() == [b"x,1\n", b"y,2\n", b"z,3\n"]


@test(timeout=30)
def a_cut_record_ends_with_the_configured_terminator(tmp):
    log = tmp + "/app.log"
    with open(log, "wb") as f:
        f.write(b"a" * 1100000 + b"\nshort\n")
    with Endpoint(tmp) as ep:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow(log, truncatedRecordTerminator="<cut>\n")])
        with Agent(harness.kagent(), conf, args=["--once=5"]) as ag:
            assert ag.wait(20) == 0, ag.stderr()
        recs = ep.records()
        assert recs == [b"a" * (1024000 - 6) + b"<cut>\n", b"short\n"], [len(r) for r in recs]


@test(timeout=10)
def a_bad_multiline_pattern_is_refused_with_its_position(tmp):
    conf = tmp + "/k.conf"
    write_conf(conf, None, [flow("/var/log/x", multiLineStartPattern="(\\d+")])
    with Agent(harness.kagent(), conf, args=["-t"]) as ag:
        assert ag.wait(5) == 2
        err = ag.stderr()
    line = 1 + open(conf).read().split("\n").index('      "multiLineStartPattern": "(\\\\d+"')
    assert err.startswith("%s:%d: flows[0].multiLineStartPattern: at " % (conf, line)), err


harness.run()
