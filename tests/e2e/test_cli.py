"""What kagent's command line shows: -t's memory is what a start takes and
its processors are listed; -n's output."""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Agent, Endpoint, append, flow, kflow, lines, test, wait_until, write_conf  # noqa: E402

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
    whose records differ in length), CloudWatch metrics and a status file,
    over http and https: kagent -t's total is the figure the started line
    gives, and its parts add up to it."""
    logs = [tmp + "/%d.log" % i for i in range(4)]
    for log in logs:
        append(log, 0, 3)
    cases = [
        ("one flow", [flow(logs[0])]),
        ("four flows", [flow(logs[0], "s1"), flow(logs[1], "s2"), kflow(logs[2], "k1"), kflow(logs[3], "k2")]),
        ("four requests at once", [flow(logs[0], maxInFlightRequests=4)]),
        ("processors", [flow(logs[0], dataProcessingOptions=PROCS), flow(logs[1], "s2"),
                        kflow(logs[2], "k1", maxRecordSizeBytes=2097152, dataProcessingOptions=PROCS[:1])]),
        ("metrics", [flow(logs[0])]),
    ]
    for tls in (False, True):
        with Endpoint(tmp, tls=tls) as ep:
            for name, flows in cases:
                conf = tmp + "/k.conf"
                top = {"metrics": True, "statusFile": tmp + "/status.json"} if name == "metrics" else {}
                write_conf(conf, ep, flows, checkpointFile=tmp + "/ck-%s-%d" % (name.replace(" ", "-"), tls), **top)
                out = check(conf)
                m = re.search(r"^memory = (\d+) bytes taken at start: the flows (\d+), the processors' scratch (\d+), "
                              r"the credentials (\d+), the metrics and status file (\d+), the configuration (\d+), "
                              r"the trust anchors (\d+)$",
                              out, re.M)
                assert m, out
                total, parts = int(m.group(1)), [int(x) for x in m.group(2, 3, 5, 6, 7)]
                per_flow = [int(x) for x in re.findall(r"^flows\[\d\]\.memory = (\d+) bytes", out, re.M)]
                assert len(per_flow) == len(flows) and sum(per_flow) == parts[0], (name, per_flow, parts)
                assert int(m.group(4)) == 0, out        # keys in the file: nothing to fetch
                assert total == sum(parts), (name, total, parts)
                assert (parts[1] > 0) == (name == "processors"), (name, parts)
                assert (parts[2] > 0) == (name == "metrics"), (name, parts)
                assert (parts[4] > 0) == tls, (name, parts)
                assert started(conf) == total, (name, tls, total)


@test(timeout=30)
def check_lists_each_flows_processors(tmp):
    conf = tmp + "/k.conf"
    write_conf(conf, None, [flow("/var/log/a"), flow("/var/log/b", "s2", dataProcessingOptions=PROCS)],
               **{"firehose.endpoint": "http://127.0.0.1:9"})
    out = check(conf)
    said = re.findall(r"^flows\[(\d)\]\.dataProcessingOptions = (.*)$", out, re.M)
    assert said == [("0", "(none)"), ("1", "SINGLELINE, LOGTOJSON")], out


FROM_END = ("kagent: -n: %s from their end (initialPosition END_OF_FILE): only what is written to them from now "
            "on is printed; \"initialPosition\": \"START_OF_FILE\" prints them whole\n")


@test(timeout=60)
def dry_run_says_which_flows_read_from_the_end(tmp):
    """-n with the Java agent's default END_OF_FILE prints nothing of the
    files as they are: said once on stderr, naming those flows; what is
    written then is printed, as it is with one flow."""
    log = tmp + "/a.log"
    append(log, 0, 3)
    conf = tmp + "/k.conf"
    end = {"initialPosition": "END_OF_FILE"}
    write_conf(conf, None, [flow(log, **end)], **{"firehose.endpoint": "http://127.0.0.1:9"})
    with Agent(harness.kagent(), conf, args=["-n"]) as ag:
        wait_until(lambda: "started:" in ag.stderr(), 10, msg=ag.stderr())
        assert ag.stderr().count(FROM_END % "flows[0] (s1) reads its files") == 1, ag.stderr()
        append(log, 3, 5)
        wait_until(lambda: ag.stdout() == "".join(l.decode() for l in lines(3, 5)), 10, msg=ag.stdout())
        ag.kill()
        assert ag.wait(10) == 0, ag.stderr()
        assert ag.stderr().count("kagent: -n:") == 1, ag.stderr()

    write_conf(conf, None, [flow(log, **end), flow(tmp + "/b.log", "s2"), kflow(tmp + "/c.log", "k1", **end)],
               **{"firehose.endpoint": "http://127.0.0.1:9", "kinesis.endpoint": "http://127.0.0.1:9"})
    p = subprocess.run([harness.kagent(), "-n", "--once=5", "-c", conf], capture_output=True, text=True, timeout=30)
    assert p.returncode == 0, p.stderr
    assert p.stderr.count(FROM_END % "flows[0] (s1), flows[2] (k1) read their files") == 1, p.stderr

    write_conf(conf, None, [flow(log)], **{"firehose.endpoint": "http://127.0.0.1:9"})
    p = subprocess.run([harness.kagent(), "-n", "--once=5", "-c", conf], capture_output=True, text=True, timeout=30)
    assert p.returncode == 0 and "-n:" not in p.stderr, p.stderr
    assert p.stdout == "".join(l.decode() for l in lines(0, 5)), p.stdout


@test(timeout=60)
def dry_run_tags_records_with_their_flow_when_there_are_several(tmp):
    """With several flows, each record is printed after "[stream] ", once
    (a record of several lines too); with one flow, as it is."""
    append(tmp + "/a.log", 0, 3)
    append(tmp + "/b.log", 3, 5)
    with open(tmp + "/c.log", "wb") as f:
        f.write(b"start 1\n  more\nstart 2\n  more\nstart 3\n")
    conf = tmp + "/k.conf"
    write_conf(conf, None, [flow(tmp + "/a.log", "s1"), flow(tmp + "/b.log", "s2"),
                            kflow(tmp + "/c.log", "k1", multiLineStartPattern="start")],
               **{"firehose.endpoint": "http://127.0.0.1:9", "kinesis.endpoint": "http://127.0.0.1:9"})
    p = subprocess.run([harness.kagent(), "-n", "--once=5", "-c", conf], capture_output=True, text=True, timeout=30)
    assert p.returncode == 0, p.stderr
    recs = records_of(p.stdout)
    assert "".join(recs) == p.stdout
    assert [r for r in recs if r.startswith("[s1] ")] == ["[s1] %08d\n" % i for i in range(3)], p.stdout
    assert [r for r in recs if r.startswith("[s2] ")] == ["[s2] %08d\n" % i for i in range(3, 5)], p.stdout
    # (the last record of c.log waits for a start line or a quiet second,
    # which --once does not give it yet: issue 12, item 4)
    k1 = [r for r in recs if r.startswith("[k1] ")]
    assert k1[:2] == ["[k1] start 1\n  more\n", "[k1] start 2\n  more\n"] and len(recs) == 5 + len(k1), p.stdout


def records_of(out):
    """-n's output cut before each "[" that starts a line."""
    return [r for r in re.split(r"(?m)^(?=\[)", out) if r]


@test(timeout=60)
def options_are_read_as_getopt_long_read_them(tmp):
    """The command line as musl's getopt_long read it, messages and all:
    bundled short options, a value attached or in the next argument, long
    options by a unique prefix, values only after '=', operands anywhere."""
    k = harness.kagent()
    usage = subprocess.run([k, "-h"], capture_output=True, text=True, timeout=30).stdout
    version = subprocess.run([k, "-V"], capture_output=True, text=True, timeout=30).stdout
    assert usage.startswith("usage: kagent [-nstv] ") and version.startswith("kagent ")
    nope = tmp + "/nope.conf"
    cases = [
        (["--foo=bar"], 2, "", k + ": unrecognized option: foo=bar\n" + usage),
        (["-x"], 2, "", k + ": unrecognized option: x\n" + usage),
        (["-qV"], 2, "", k + ": unrecognized option: q\n" + usage),
        (["-c"], 2, "", k + ": option requires an argument: c\n" + usage),
        (["-n", "-p"], 2, "", k + ": option requires an argument: p\n" + usage),
        (["--on"], 2, "", k + ": option is ambiguous: on\n" + usage),
        (["--o=3"], 2, "", k + ": option is ambiguous: o=3\n" + usage),
        (["--online=1"], 2, "", k + ": option does not take an argument: online\n" + usage),
        (["--help=2"], 2, "", k + ": option does not take an argument: help\n" + usage),
        (["--once=0"], 2, "", "kagent: --once=0: must be 1..86400 seconds\n"),
        (["--once=5x"], 2, "", "kagent: --once=5x: must be 1..86400 seconds\n"),
        (["--once="], 2, "", "kagent: --once=: must be 1..86400 seconds\n"),
        (["x"], 2, "", usage),
        (["--", "-V"], 2, "", usage),
        (["-vVq"], 0, version, ""),
        (["a", "-V"], 0, version, ""),
        (["-", "-V"], 0, version, ""),
        (["--once", "5", "-V"], 0, version, ""),
        (["--syslog=", "--onl", "-cX", "-V"], 0, version, ""),
        (["--ver"], 0, version, ""),
        (["--hel"], 0, usage, ""),
        (["-nc" + nope], 2, "", nope + ": cannot read: No such file or directory\n"),
        (["-tc", nope], 2, "", nope + ": cannot read: No such file or directory\n"),
        (["-p", "-x", "-c", nope, "--"], 2, "", nope + ": cannot read: No such file or directory\n"),
    ]
    for args, rc, out, err in cases:
        p = subprocess.run([k] + args, capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
        assert (p.returncode, p.stdout, p.stderr) == (rc, out, err), (args, p.returncode, p.stdout, p.stderr)


harness.run()
