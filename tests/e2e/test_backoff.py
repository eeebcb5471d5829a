"""What kagent's retries cost, end to end (issue 12, items 1 and 6): steady
per-record failures that still let most of each request through slow a
flow down little (the backoff follows what the service says), and a
service whose clock-skew answers keep changing their Date is retried at the
pace of the backoff, not as fast as it answers.  Every test counts numbered
lines: each one arrives, exactly once.  Python 3 standard library only."""
import contextlib
import os
import re
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import (Agent, Endpoint, append, count, flow, kflow, lines, numbers, started, test,  # noqa: E402
                     wait_until, write_conf)

N = 20000


def delivery_time(tmp, name, make_flow, stream, **faults):
    """Seconds from kagent's start until the N lines of a file are all
    accepted, and what was accepted (line numbers, in arrival order)."""
    d = os.path.join(tmp, name)
    os.mkdir(d)
    log = d + "/app.log"
    with open(log, "wb") as f:
        f.write(b"".join(lines(0, N)))
    # latency: each answer takes 20 ms, as from a region nearby, so that
    # the run's time is its requests' and not the start-up's
    with Endpoint(d, tls=False, latency=0.02, seed=5, **faults) as ep:
        conf = d + "/k.conf"
        write_conf(conf, ep, [make_flow(log, stream)])
        with Agent(harness.kagent(), conf) as ag:
            t0 = time.monotonic()
            wait_until(lambda: count(ep) >= N, 120, interval=0.02, msg=ag.stderr()[-1500:])
            t = time.monotonic() - t0
            time.sleep(0.5)     # nothing more comes
        return t, numbers(ep.records(stream)), ep.requests()


@test(timeout=300)
def five_percent_partial_failures_take_at_most_twice_as_long(tmp):
    """20,000 lines to each API, once with no fault and once with 5 % of
    the records of every answer failed (3 in 4 of them throttled, the rest
    InternalFailure): every line arrives once, and no later than twice the
    time of the run without failures (before, the backoff grew with every
    answer: Kinesis took over 100 s)."""
    for api, make_flow, stream in (("firehose", flow, "s1"), ("kinesis", kflow, "k1")):
        clean, recs, _ = delivery_time(tmp, api + "-clean", make_flow, stream)
        assert sorted(recs) == list(range(N)), (api, len(recs), len(set(recs)))
        slow, recs, reqs = delivery_time(tmp, api + "-partial", make_flow, stream, partial=0.05)
        assert sorted(recs) == list(range(N)), (api, len(recs), len(set(recs)))
        partial = sum(1 for r in reqs if r.get("fault") == "partial")
        print("  %s: %.2f s without failures, %.2f s with 5 %% failed (%d requests, %d partly failed)"
              % (api, clean, slow, len(reqs), partial))
        assert partial >= 30, partial      # the faults really were in (almost) every answer
        assert slow <= 2 * clean, (api, clean, slow)


def control(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


WINDOW = 5.0    # seconds the clocks disagree


@contextlib.contextmanager
def flapping(d, make_flow, stream, lines_n, **top):
    """kagent sending lines_n lines of d/app.log with one flow (backoff up
    to 1 s) to an endpoint whose hosts' clocks disagree (clock-flap, until
    d/control says otherwise): yields (endpoint, agent, control file)."""
    log = d + "/app.log"
    append(log, 0, lines_n)
    ctl = d + "/control"
    control(ctl, "hostile=clock-flap\n")
    with Endpoint(d, tls=False, control=ctl) as ep:
        conf = d + "/k.conf"
        write_conf(conf, ep, [make_flow(log, stream, retryMaxBackoffMillis=1000)], **top)
        with Agent(harness.kagent(), conf) as ag:
            yield ep, ag, ctl


@test(timeout=120)
def clock_skew_answers_that_keep_changing_are_retried_with_backoff(tmp):
    """Two hosts whose clocks are 10 minutes ahead and behind answer in turn
    (endpoint --hostile clock-flap), to a Firehose flow, then to a Kinesis
    flow: the flow corrects its clock at once only once, then retries with
    the backoff (100 ms doubling to 1 s), each request signed with the
    clock of the host that did not answer it.  Over 5 s at most 12
    requests (2 at once, then waits of at least 70, 140, 280, 560 and 700
    ms) and two lines said about it (before: 73,343 requests and as many
    lines in 5 s).  Once the hosts agree every line arrives, exactly once."""
    for api, name, make_flow, stream in (("firehose", "Firehose", flow, "s1"), ("kinesis", "Kinesis", kflow, "k1")):
        d = os.path.join(tmp, api)
        os.mkdir(d)
        with flapping(d, make_flow, stream, 1000) as (ep, ag, ctl):
            started(ag)
            time.sleep(WINDOW)
            flapped = [e for e in ep.requests() if e.get("fault") == "clock-flap"]
            said = [l for l in ag.stderr().splitlines() if "InvalidSignatureException" in l]
            control(ctl, "hostile=off\n")
            wait_until(lambda: count(ep) >= 1000, 15, msg=ag.stderr()[-2000:])
            time.sleep(0.5)     # anything sent twice would arrive now
            ag.kill(signal.SIGTERM)
            assert ag.wait(10) == 0, ag.stderr()[-2000:]
            err = ag.stderr()
            print("  %s: %d requests in %.0f s, all refused; said: %s" % (api, len(flapped), WINDOW, said))
            assert 6 <= len(flapped) <= 12, flapped
            assert all(e["status"] == 400 and e["error"] == "InvalidSignatureException" for e in flapped), flapped
            assert len(said) == 2, said
            # 600 s, or a second less or more as the two clocks' seconds fall
            assert re.match(r"kagent: warning: the clock is (599|600|601) s behind AWS's ", said[0]), said
            assert said[1].startswith("kagent: warning: %s: %s's time keeps changing (InvalidSignatureException: "
                                      "Signature " % (stream, name)), said
            recs = numbers(ep.records())
            assert sorted(recs) == list(range(1000)), (len(recs), len(set(recs)))
            assert re.search(r"%s: read 1000 records, sent 1000" % stream, err), err


@test(timeout=60)
def clock_skew_answers_that_keep_changing_end_in_send_failure_timeout(tmp):
    """The same hosts: nothing is delivered, so sendFailureTimeout (2 s)
    fires: kagent exits 1 and says why."""
    with flapping(tmp, flow, "s1", 100, sendFailureTimeout="2s") as (ep, ag, _):
        t0 = time.monotonic()
        assert ag.wait(15) == 1, ag.stderr()[-2000:]
        took = time.monotonic() - t0
        err = ag.stderr()
        assert re.search(r"s1: nothing delivered for \d+ ms \(sendFailureTimeout; last error "
                         r"InvalidSignatureException\): exiting", err), err
        assert 2 <= took <= 6, took
        assert ep.records() == []


harness.run()
