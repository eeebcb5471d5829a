"""What kagent's command line shows: -t's memory is what a start takes and
its processors are listed; -n's output."""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Agent, Endpoint, append, flow, kflow, test, write_conf  # noqa: E402

PROCS = [{"optionName": "SINGLELINE"}, {"optionName": "LOGTOJSON", "logFormat": "COMMONAPACHELOG"}]


def check(conf):
    p = subprocess.run([harness.kagent(), "-t", "-c", conf], capture_output=True, text=True, timeout=30)
    assert p.returncode == 0, p.stderr
    return p.stdout


def started(conf):
    """The memory the "started:" line says, of a --once run."""
    with Agent(harness.kagent(), conf, args=["--once=20"]) as ag:
        assert ag.wait(30) == 0, ag.stderr()
        m = re.search(r"^kagent: started: \d+ flow\(s\), (\d+) bytes of memory taken$", ag.stderr(), re.M)
        assert m, ag.stderr()
        return int(m.group(1))


@test(timeout=180)
def check_says_the_memory_a_start_takes(tmp):
    """For one flow, four, four requests at once, processors (two flows
    whose records differ in length), over http and https: kagent -t's
    total is the figure the started line gives, and its parts add up to it."""
    logs = [tmp + "/%d.log" % i for i in range(4)]
    for log in logs:
        append(log, 0, 3)
    cases = [
        ("one flow", [flow(logs[0])]),
        ("four flows", [flow(logs[0], "s1"), flow(logs[1], "s2"), kflow(logs[2], "k1"), kflow(logs[3], "k2")]),
        ("four requests at once", [flow(logs[0], maxInFlightRequests=4)]),
        ("processors", [flow(logs[0], dataProcessingOptions=PROCS), flow(logs[1], "s2"),
                        kflow(logs[2], "k1", maxRecordSizeBytes=2097152, dataProcessingOptions=PROCS[:1])]),
    ]
    for tls in (False, True):
        with Endpoint(tmp, tls=tls) as ep:
            for name, flows in cases:
                conf = tmp + "/k.conf"
                write_conf(conf, ep, flows, checkpointFile=tmp + "/ck-%s-%d" % (name.replace(" ", "-"), tls))
                out = check(conf)
                m = re.search(r"^memory = (\d+) bytes taken at start: the flows (\d+), the processors' scratch (\d+), "
                              r"the configuration (\d+), the trust anchors (\d+)$", out, re.M)
                assert m, out
                total, parts = int(m.group(1)), [int(x) for x in m.group(2, 3, 4, 5)]
                per_flow = [int(x) for x in re.findall(r"^flows\[\d\]\.memory = (\d+) bytes", out, re.M)]
                assert len(per_flow) == len(flows) and sum(per_flow) == parts[0], (name, per_flow, parts)
                assert total == sum(parts), (name, total, parts)
                assert (parts[1] > 0) == (name == "processors"), (name, parts)
                assert (parts[3] > 0) == tls, (name, parts)
                assert started(conf) == total, (name, tls, total)


@test(timeout=30)
def check_lists_each_flows_processors(tmp):
    conf = tmp + "/k.conf"
    write_conf(conf, None, [flow("/var/log/a"), flow("/var/log/b", "s2", dataProcessingOptions=PROCS)],
               **{"firehose.endpoint": "http://127.0.0.1:9"})
    out = check(conf)
    said = re.findall(r"^flows\[(\d)\]\.dataProcessingOptions = (.*)$", out, re.M)
    assert said == [("0", "(none)"), ("1", "SINGLELINE, LOGTOJSON")], out


harness.run()
