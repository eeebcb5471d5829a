"""aggregatedRecordSizeBytes end to end: whole lines joined into Firehose
records of at most the limit, in order, each line once; a Firehose record
that fails goes again with all its lines; processors' output (and records
they drop) grouped the same way."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Agent, Endpoint, test, write_conf  # noqa: E402

LINE = 200
LIMIT = 5120
PER = LIMIT // LINE     # 25 lines (5,000 bytes) to a Firehose record


def line(i):
    """Line i: its number, then x up to 200 bytes with the newline."""
    return (b"%08d " % i).ljust(LINE - 1, b"x") + b"\n"


def split(rec):
    """A Firehose record's lines, each with its newline (asserting that it
    ends with one: only whole lines are joined)."""
    assert rec.endswith(b"\n"), rec[-40:]
    return [l + b"\n" for l in rec[:-1].split(b"\n")]


def puts(ep):
    """The accepted PutRecordBatch requests, in order."""
    return [q for q in ep.requests() if q.get("op") == "PutRecordBatch" and q["status"] == 200]


def deliver(tmp, data, ep_faults=None, **kw):
    """Sends data (one file) through a Firehose flow with kw."""
    return harness.deliver_once(tmp, data, harness.flow, None, ep_faults, **kw)


@test(timeout=90)
def lines_are_joined_up_to_the_limit_in_order(tmp):
    n = 5000
    want = [line(i) for i in range(n)]
    ep, _ = deliver(tmp, b"".join(want), aggregatedRecordSizeBytes=LIMIT)
    recs = ep.records()
    assert max(len(r) for r in recs) <= LIMIT, max(len(r) for r in recs)
    got = [l for r in recs for l in split(r)]
    assert got == want, (len(got), len(want))
    # greedy: in each request every Firehose record but the last has 25
    # lines; so 200 records plus at most one short one per request
    reqs = puts(ep)
    assert sum(q["records"] for q in reqs) == len(recs), (len(recs), [q["records"] for q in reqs])
    at = 0
    for q in reqs:
        sizes = [len(split(r)) for r in recs[at:at + q["records"]]]
        assert sizes[:-1] == [PER] * (len(sizes) - 1) and 1 <= sizes[-1] <= PER, sizes
        at += q["records"]
    total = n * LINE
    assert n // PER <= len(recs) <= -(-total // (LIMIT - LINE)) + len(reqs), (len(recs), len(reqs))
    assert len(reqs) >= n // 500, len(reqs)     # maxBufferSizeRecords counts lines


@test(timeout=90)
def without_the_key_each_line_is_a_record(tmp):
    want = [line(i) for i in range(600)]
    ep, _ = deliver(tmp, b"".join(want))
    assert ep.records() == want


@test(timeout=120)
def a_failed_firehose_record_goes_again_with_all_its_lines(tmp):
    n = 3000
    want = [line(i) for i in range(n)]
    ep, _ = deliver(tmp, b"".join(want), ep_faults={"partial": 0.3, "seed": 7},
                    aggregatedRecordSizeBytes=LIMIT)
    reqs = [q for q in ep.requests() if q.get("op") == "PutRecordBatch"]
    assert any(q["failed"] for q in reqs), reqs     # the faults did happen
    recs = ep.records()
    assert max(len(r) for r in recs) <= LIMIT
    got = [l for r in recs for l in split(r)]
    # each line exactly once (a failed record is not written out), each
    # Firehose record's lines in file order (retried ones join later lines)
    assert sorted(got) == want, (len(got), len(set(got)), n)
    for r in recs:
        nums = [int(l[:8]) for l in split(r)]
        assert nums == sorted(nums), nums


@test(timeout=90)
def processed_records_are_joined_and_dropped_ones_skipped(tmp):
    # LOGTOJSON drops the lines that do not match; the JSON lines are
    # joined up to 1,024 bytes
    apache = (b'64.242.88.10 - - [07/Mar/2004:16:10:02 -0800] '
              b'"GET /mailman/listinfo/hsdivision HTTP/1.1" 200 %d\n')
    js = (b'{"host":"64.242.88.10","ident":null,"authuser":null,'
          b'"datetime":"07/Mar/2004:16:10:02 -0800",'
          b'"request":"GET /mailman/listinfo/hsdivision HTTP/1.1","response":"200","bytes":"%d"}\n')
    data, want = [], []
    for i in range(1000, 3000):
        if i % 7 == 0:
            data.append(b"not an apache line %d\n" % i)
        else:
            data.append(apache % i)
            want.append(js % i)
    ep, err = deliver(tmp, b"".join(data), aggregatedRecordSizeBytes=1024,
                      dataProcessingOptions=[{"optionName": "LOGTOJSON", "logFormat": "COMMONAPACHELOG"}])
    recs = ep.records()
    assert max(len(r) for r in recs) <= 1024
    got = [l for r in recs for l in split(r)]
    assert got == want, (len(got), len(want))
    # 179 bytes a line: 5 to a record but for the last of each request
    per = 1024 // len(want[0])
    assert per == 5 and all(len(w) == len(want[0]) for w in want)
    assert len(recs) <= -(-len(want) // per) + len(puts(ep)), (len(recs), len(puts(ep)))
    assert sum(1 for r in recs if len(split(r)) == per) >= len(recs) - len(puts(ep))


@test(timeout=90)
def a_refused_line_in_an_aggregated_record_is_dropped_alone(tmp):
    """ValidationException naming 'records.N.member.data' names a Firehose
    record of several lines: the agent halves the request down to the one
    line and drops it alone; every other line arrives once."""
    bad = {150, 151, 407}
    want = [b"%08d POISON\n" % i if i in bad else line(i) for i in range(600)]
    ep, err = deliver(tmp, b"".join(want), {"reject_data": "POISON"}, aggregatedRecordSizeBytes=1024)
    got = [l for r in ep.records() for l in split(r)]
    assert got == [l for i, l in enumerate(want) if i not in bad], len(got)
    said = [l for l in err.splitlines() if "refused (ValidationException" in l and l.endswith("dropped")]
    assert len(said) == 3, err
    assert all("record 1 of a request (16 bytes)" in l for l in said), said


harness.run()
