"""dataProcessingOptions end to end: processed records reach the endpoint,
kagent -n prints them without sending, and the processor set compiled in is
enforced with a clear message."""
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Agent, Endpoint, test, write_conf  # noqa: E402

APACHE = (b'64.242.88.10 - - [07/Mar/2004:16:10:02 -0800] '
          b'"GET /mailman/listinfo/hsdivision HTTP/1.1" 200 6291\n')
APACHE_JSON = (b'{"host":"64.242.88.10","ident":null,"authuser":null,'
               b'"datetime":"07/Mar/2004:16:10:02 -0800",'
               b'"request":"GET /mailman/listinfo/hsdivision HTTP/1.1","response":"200","bytes":"6291"}\n')


def flow(path, procs, **kw):
    f = {"filePattern": path, "deliveryStream": "s1", "initialPosition": "START_OF_FILE",
         "maxBufferAgeMillis": 1000, "dataProcessingOptions": procs}
    f.update(kw)
    return f


def deliver(tmp, data, procs):
    """Sends data through a flow with procs; returns (records, stderr)."""
    log = tmp + "/app.log"
    with open(log, "wb") as f:
        f.write(data)
    with Endpoint(tmp) as ep:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow(log, procs)])
        with Agent(harness.kagent(), conf, args=["--once=10"]) as ag:
            assert ag.wait(30) == 0, ag.stderr()
            err = ag.stderr()
        ck = open(tmp + "/checkpoints").read().split("\n")[1].split(" ")
        assert ck[2] == str(len(data)), ck      # past dropped records too
        return ep.records(), err


def refused(tmp, procs, binary=None):
    """kagent -t on a flow with procs: exit 2; returns stderr."""
    conf = tmp + "/k.conf"
    write_conf(conf, None, [flow("/var/log/x", procs)])
    p = subprocess.run([binary or harness.kagent(), "-t", "-c", conf], capture_output=True, text=True)
    assert p.returncode == 2, (p.returncode, p.stdout, p.stderr)
    return p.stderr


@test(timeout=60)
def logtojson_apache_to_the_endpoint(tmp):
    bad = b"this is not an apache line\n"
    recs, err = deliver(tmp, APACHE + bad + APACHE + bad,
                        [{"optionName": "LOGTOJSON", "logFormat": "COMMONAPACHELOG"}])
    assert recs == [APACHE_JSON, APACHE_JSON], recs
    assert len([l for l in err.splitlines() if "did not match" in l or "not match" in l]) == 1, err


@test(timeout=60)
def csvtojson_to_the_endpoint(tmp):
    recs, _ = deliver(tmp, b"a,b,c\n1,2\n",
                      [{"optionName": "CSVTOJSON", "customFieldNames": ["x", "y", "z"]}])
    assert recs == [b'{"x":"a","y":"b","z":"c"}\n', b'{"x":"1","y":"2","z":null}\n'], recs


@test(timeout=60)
def addmetadata_and_brackets_to_the_endpoint(tmp):
    recs, _ = deliver(tmp, b"hello\n", [{"optionName": "ADDMETADATA", "timestamp": "true",
                                          "metadata": {"device": "gw-1", "n": 2}}])
    assert len(recs) == 1
    m = re.fullmatch(rb'\{"ts":"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3})Z?","metadata":'
                     rb'\{"device":"gw-1","n":2\},"data":"hello\\?n?"\}\n', recs[0])
    assert m, recs[0]


@test(timeout=60)
def a_chain_logtojson_selectkeys_addtime(tmp):
    recs, _ = deliver(tmp, APACHE, [
        {"optionName": "LOGTOJSON", "logFormat": "COMMONAPACHELOG"},
        {"optionName": "SELECTKEYS", "data_keys": ["host", "response"]},
        {"optionName": "ADDTIME", "time_key": "t", "time_key_format": "%Y"}])
    assert len(recs) == 1
    assert re.fullmatch(rb'\{"host":"64.242.88.10","response":"200","t":"20\d\d"\}\n', recs[0]), recs


@test(timeout=120)
def processors_allocate_nothing_after_start_up(tmp):
    """20,000 records through a chain of four processors, with retries, in
    the allocation-counting build."""
    log = tmp + "/app.log"
    with open(log, "wb") as f:
        f.write((APACHE + b"not apache\n") * 10000)
    with Endpoint(tmp, partial=0.1, seed=5) as ep:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow(log, [
            {"optionName": "LOGTOJSON", "logFormat": "COMMONAPACHELOG", "onMismatch": "raw"},
            {"optionName": "SELECTKEYS", "data_keys": ["host", "message"]},
            {"optionName": "ADDTIME", "time_key": "t"},
            {"optionName": "ADDBRACKETS"}])])
        allocs = os.path.join(harness.build_dir(), "kagent-allocs")
        with Agent(allocs, conf, args=["--once=20"]) as ag:
            assert ag.wait(90) == 0, ag.stderr()
            err = ag.stderr()
        recs = ep.records()
        assert len(recs) == 20000, len(recs)
        assert sum(r.startswith(b'{{"host":"64.242.88.10","t":"') for r in recs) == 10000, recs[:2]
        assert sum(r.startswith(b'{{"message":"not apache","t":"') for r in recs) == 10000, recs[:2]
        m = re.search(r"allocator calls: (\d+) during start-up, (\d+) after start-up", err)
        assert m and int(m.group(1)) > 0 and m.group(2) == "0", err[-2000:]


@test(timeout=30)
def dry_run_prints_and_sends_nothing(tmp):
    log = tmp + "/app.log"
    with open(log, "wb") as f:
        f.write(APACHE * 3)
    with Endpoint(tmp) as ep:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow(log, [{"optionName": "LOGTOJSON", "logFormat": "COMMONAPACHELOG"}])])
        with Agent(harness.kagent(), conf, args=["-n", "--once=5"]) as ag:
            assert ag.wait(20) == 0, ag.stderr()
            out = ag.stdout()
        assert out.encode() == APACHE_JSON * 3, out
        assert ep.requests() == []
        assert not os.path.exists(tmp + "/checkpoints")


@test(timeout=30)
def processors_that_cannot_be_used_are_refused_clearly(tmp):
    err = refused(tmp, {"optionName": "LOGTOJSON", "logFormat": "COMMONAPACHELOG"})
    assert err.endswith("flows[0].dataProcessingOptions: must be an array of processors "
                        "([{\"optionName\": ...}])\n"), err
    err = refused(tmp, [{"optionName": "NOSUCH"}])
    assert "flows[0].dataProcessingOptions[0].optionName: NOSUCH: unknown processor; valid: ADDBRACKETS" in err
    err = refused(tmp, [{"optionName": "ADDEC2METADATA"}])
    assert "ADDEC2METADATA: cannot exist in kagent: it reads EC2 instance metadata" in err, err
    err = refused(tmp, [{"optionName": "USINGPLUGGIN"}])
    assert "USINGPLUGGIN: cannot exist in kagent: it loads Java classes" in err, err


@test(timeout=30)
def a_binary_without_logtojson_says_how_to_build_one(tmp):
    small = os.path.join(harness.build_dir(), "kagent-singleline")
    err = refused(tmp, [{"optionName": "LOGTOJSON", "logFormat": "COMMONAPACHELOG"}], binary=small)
    conf = tmp + "/k.conf"
    line = 1 + open(conf).read().split("\n").index('          "optionName": "LOGTOJSON",')
    assert err == ('%s:%d: flows[0].dataProcessingOptions[0].optionName: LOGTOJSON: not compiled in: '
                   'build with PROCESSORS="singleline logtojson"\n' % (conf, line)), err
    v = subprocess.run([small, "-V"], capture_output=True, text=True).stdout
    assert "processors: SINGLELINE\n" in v, v


harness.run()
