"""KPL aggregation (a Kinesis flow's "aggregation": true) end to end: the
lines packed into KPL aggregated records, taken apart again by
tools/kpl_decode.py (written from the format's documentation, not from
kagent's encoder) back to exactly the lines, in order, each with its
partition key; fewer requests than without; nothing allocated after
start-up; a line refused inside an aggregate dropped alone, a record that
fails inside one sent again."""
import base64
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
import harness  # noqa: E402
import kpl_decode  # noqa: E402
from harness import test  # noqa: E402


RING = 2 * 1024 * 1024


def line(i, width=32):
    """Line i: its number, then x up to width bytes with the newline."""
    return (b"%08d " % i).ljust(width - 1, b"x") + b"\n"


def kinesis_records(ep):
    """The accepted Kinesis records: (partition key, data bytes)."""
    return [(r["key"], base64.b64decode(r["data"])) for r in ep._lines(ep.out)]


def user_records(ep):
    """Each accepted Kinesis record taken apart: (the Kinesis record's key,
    the user record's key, its data), in arrival order.  A record without
    the magic is one user record of its own key, as the KCL reads it."""
    out = []
    for key, data in kinesis_records(ep):
        if kpl_decode.is_aggregated(data):
            subs = kpl_decode.decode(data)
            assert all(ehk is None for _, ehk, _ in subs)
            out += [(key, pk, d) for pk, _, d in subs]
        else:
            out.append((key, key, data))
    return out


def puts(ep):
    return [q for q in ep.requests() if q.get("op") == "PutRecords" and q["status"] == 200]


def deliver(tmp, data, binary=None, ep_faults=None, **kw):
    """Sends data (one file) through a Kinesis flow with kw."""
    return harness.deliver_once(tmp, data, lambda path, **k: harness.kflow(path, "k1", **k), binary, ep_faults,
                                **kw)


@test(timeout=240, sanitize=False)
def lines_decode_back_in_order_with_fewer_requests(tmp):
    n = 100000
    want = [line(i) for i in range(n)]
    binary = os.path.join(harness.build_dir(), "kagent-allocs")
    ep, err = deliver(tmp, b"".join(want), binary, aggregation=True, ringSizeBytes=RING,
                      maxBufferAgeMillis=60000)
    recs = kinesis_records(ep)
    subs = user_records(ep)
    assert [d for _, _, d in subs] == want, (len(subs), n)
    # each line under its Kinesis record's key (RANDOM: one per aggregate)
    assert all(pk == key for key, pk, _ in subs)
    assert len(set(k for k, _ in recs)) == len(recs)
    # every aggregated record within the record limit, key included
    assert max(len(d) + len(k.encode()) for k, d in recs) <= 1024 * 1024
    m = re.search(r"allocator calls: (\d+) during start-up, (\d+) after start-up", err)
    assert m and int(m.group(1)) > 0 and m.group(2) == "0", err[-2000:]
    reqs = puts(ep)
    print("aggregated: %d lines, %d Kinesis records, %d requests" % (n, len(recs), len(reqs)))
    assert sum(q["records"] for q in reqs) == len(recs)
    assert all(q["failed"] == 0 for q in reqs)
    # without aggregation a request carries 500 lines at the most (200
    # requests); with it, as many as half the ring's lines of 128 bytes
    # (flow.c): 8,192 lines, 13 requests of one aggregated record each
    per = RING // 2 // 128
    assert len(reqs) == -(-n // per) == 13, (len(reqs), per)
    assert len(recs) == len(reqs)


@test(timeout=120)
def a_failed_aggregate_goes_again_with_all_its_lines(tmp):
    """Per-record failures in PutRecords' answer (ErrorCode on an
    aggregated record): its lines go again, regrouped with the others;
    every line arrives exactly once, each aggregate's lines in file order."""
    n = 20000
    want = [line(i) for i in range(n)]
    ep, _ = deliver(tmp, b"".join(want), None, {"partial": 0.3, "seed": 7}, aggregation=True,
                    maxBufferSizeBytes=65536)
    reqs = [q for q in ep.requests() if q.get("op") == "PutRecords"]
    assert any(q["failed"] for q in reqs), reqs     # the faults did happen
    subs = user_records(ep)
    got = [d for _, _, d in subs]
    assert sorted(got) == want, (len(got), len(set(got)), n)
    for _, data in kinesis_records(ep):
        if kpl_decode.is_aggregated(data):
            nums = [int(d[:8]) for _, _, d in kpl_decode.decode(data)]
            assert nums == sorted(nums), nums


@test(timeout=120)
def a_refused_line_in_an_aggregate_is_dropped_alone(tmp):
    """ValidationException naming 'records.N.member.data' names an
    aggregated record of many lines: the request is halved down to the one
    line, which is dropped alone; every other line arrives once."""
    bad = {150, 151, 4007}
    want = [b"%08d POISON\n" % i if i in bad else line(i) for i in range(6000)]
    ep, err = deliver(tmp, b"".join(want), None, {"reject_data": "POISON"}, aggregation=True)
    got = [d for _, _, d in user_records(ep)]
    assert got == [l for i, l in enumerate(want) if i not in bad], len(got)
    said = [l for l in err.splitlines() if "refused (ValidationException" in l and l.endswith("dropped")]
    assert len(said) == 3, err
    assert all("record 1 of a request (16 bytes)" in l for l in said), said


@test(timeout=120)
def partition_key_field_joins_runs_of_one_key(tmp):
    """partitionKeyField: consecutive records of one key join (under it);
    a record of another key starts another aggregate, so every line keeps
    its own key, and one key's lines stay in order on one shard."""
    want, keys = [], []
    for i in range(3000):
        k = "dev-%d" % (i // 7 % 5)
        want.append(b'{"id":"%s","n":%d}\n' % (k.encode(), i))
        keys.append(k)
    ep, _ = deliver(tmp, b"".join(want), None, None, aggregation=True, partitionKeyField="id")
    subs = user_records(ep)
    assert [d for _, _, d in subs] == want
    assert [pk for _, pk, _ in subs] == keys
    assert all(pk == key for key, pk, _ in subs)
    # runs of 7 lines: 429 Kinesis records, and one more for each run a
    # request's end cuts
    recs = kinesis_records(ep)
    assert 429 <= len(recs) <= 429 + len(puts(ep)), (len(recs), len(puts(ep)))


@test(timeout=180)
def a_request_of_many_small_aggregates_stays_within_5_mib(tmp):
    """DETERMINISTIC keys: pairs of equal lines, each pair one aggregate
    (its magic, key table, MD5 and key beyond its lines).  500 lines of
    10,438 bytes are counted 5,241,000 bytes with their keys and record
    heads, under the request's limit; as 250 aggregates they are 5,244,250:
    the request's limit must leave room for every aggregate a request may
    have, not for 21 alone."""
    want = [line(i // 2, 10438) for i in range(1000)]
    ep, err = deliver(tmp, b"".join(want), None, None, aggregation=True, partitionKeyOption="DETERMINISTIC",
                      ringSizeBytes=12 * 1024 * 1024, maxBufferAgeMillis=60000)
    reqs = [q for q in ep.requests() if q.get("op") == "PutRecords"]
    assert all(q["status"] == 200 for q in reqs), [q for q in reqs if q["status"] != 200][:3]
    subs = user_records(ep)
    assert [d for _, _, d in subs] == want
    assert all(pk == key for key, pk, _ in subs)
    assert len(kinesis_records(ep)) == 500


UNIT = 25 * 1024    # a PUT payload unit: 25 KB of a record's data


def bill(ep):
    """What a delivery cost: requests, their body bytes, Kinesis records,
    PUT payload units (each record's data rounded up to 25 KB)."""
    reqs = puts(ep)
    recs = kinesis_records(ep)
    return (len(reqs), sum(q["bytes"] for q in reqs), len(recs),
            sum(-(-len(d) // UNIT) for _, d in recs))


@test(timeout=300)
def billing_with_and_without_aggregation(tmp):
    """README's table: 20,000 lines of 100 and of 1,000 bytes, with the
    default ring.  Without aggregation every line is a record and a payload
    unit; with it, a request is one aggregated record of the lines half
    the ring holds (4,160 a request at 128 bytes each, or fewer when the
    round's bytes hold fewer), billed by its size."""
    n = 20000
    rows = {}
    for width in (100, 1000):
        want = [line(i, width) for i in range(n)]
        for agg in (False, True):
            d = "%s/%d-%s" % (tmp, width, agg)
            os.mkdir(d)
            ep, _ = deliver(d, b"".join(want), None, None, aggregation=agg, maxBufferAgeMillis=60000)
            assert [x for _, _, x in user_records(ep)] == want
            rows[width, agg] = bill(ep)
            print("%5d-byte lines, aggregation %-5s: %4d requests, %10d bytes, %6d records, %6d units"
                  % ((width, agg) + rows[width, agg]))
    # without: a record and a unit a line, 500 lines a request
    for width in (100, 1000):
        assert rows[width, False][0] == n // 500 and rows[width, False][2:] == (n, n), rows[width, False]
    # with, 100-byte lines: a round's bytes (half the 1,064,960-byte
    # ring) count each line with its record head and the longest RANDOM
    # key: 129 bytes, 4,127 lines a request, one aggregated record each;
    # a line takes 106 bytes in it, and each record rounds up once
    assert rows[100, True][0] == rows[100, True][2] == -(-n // 4127) == 5, rows[100, True]
    assert rows[100, True][3] <= -(-n * 106 // UNIT) + 5, rows[100, True]
    # with, 1,000-byte lines: the round's bytes (half the ring) hold fewer
    # lines than 4,160, so about as many requests as without, but one
    # record of ~21 units each instead of ~520 of one
    assert rows[1000, True][2] == rows[1000, True][0] <= rows[1000, False][0] + 1, rows[1000, True]
    assert rows[1000, True][3] * 20 < n, rows[1000, True]


harness.run()
