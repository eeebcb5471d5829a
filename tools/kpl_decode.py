#!/usr/bin/env python3
"""An independent decoder of the Kinesis Producer Library's aggregated
record, written from the format's description (the KPL's
aggregation-format.md), not from kagent's encoder, for the tests:

    magic F3 89 9A C2 | protobuf AggregatedRecord | MD5 of the protobuf bytes

    message AggregatedRecord { repeated string partition_key_table = 1;
                               repeated string explicit_hash_key_table = 2;
                               repeated Record records = 3; }
    message Record { required uint64 partition_key_index = 1;
                     optional uint64 explicit_hash_key_index = 2;
                     required bytes data = 3; repeated Tag tags = 4; }
    message Tag { required string key = 1; optional string value = 2; }

decode(blob) returns [(partition_key, explicit_hash_key or None, data)] or
raises ValueError; a blob without the magic is not aggregated
(is_aggregated() says so), as the KCL's deaggregation treats it.

    python3 tools/kpl_decode.py FILE    prints each record (base64 input if
                                        the file is not binary)"""
import hashlib
import sys

MAGIC = b"\xf3\x89\x9a\xc2"


def is_aggregated(blob):
    return len(blob) >= len(MAGIC) + 16 and blob.startswith(MAGIC)


def varint(buf, i):
    """The varint at buf[i:]: (value, next index)."""
    v = shift = 0
    while True:
        if i >= len(buf):
            raise ValueError("varint runs past the end")
        b = buf[i]
        i += 1
        v |= (b & 0x7F) << shift
        if not b & 0x80:
            return v, i
        shift += 7
        if shift >= 64:
            raise ValueError("varint longer than 10 bytes")


def fields(buf):
    """Each field of a message: (number, wire type, value); a value of wire
    type 2 is the bytes, of type 0 the integer."""
    i = 0
    while i < len(buf):
        key, i = varint(buf, i)
        num, wt = key >> 3, key & 7
        if num == 0:
            raise ValueError("field number 0")
        if wt == 0:
            v, i = varint(buf, i)
        elif wt == 2:
            n, i = varint(buf, i)
            if i + n > len(buf):
                raise ValueError("length-delimited field runs past the end")
            v, i = buf[i:i + n], i + n
        elif wt == 1:
            v, i = buf[i:i + 8], i + 8
        elif wt == 5:
            v, i = buf[i:i + 4], i + 4
        else:
            raise ValueError("wire type %d" % wt)
        if i > len(buf):
            raise ValueError("fixed field runs past the end")
        yield num, wt, v


def decode(blob):
    if not is_aggregated(blob):
        raise ValueError("not an aggregated record")
    body, digest = blob[len(MAGIC):-16], blob[-16:]
    if hashlib.md5(body).digest() != digest:
        raise ValueError("MD5 does not match")
    pks, ehks, recs = [], [], []
    for num, wt, v in fields(body):
        if num in (1, 2, 3) and wt != 2:
            raise ValueError("field %d of wire type %d" % (num, wt))
        if num == 1:
            pks.append(v.decode("utf-8"))
        elif num == 2:
            ehks.append(v.decode("ascii"))
        elif num == 3:
            recs.append(v)
    out = []
    for r in recs:
        pk = ehk = data = None
        for num, wt, v in fields(r):
            if num == 1 and wt == 0:
                pk = v
            elif num == 2 and wt == 0:
                ehk = v
            elif num == 3 and wt == 2:
                data = v
        if pk is None or data is None:
            raise ValueError("a record without partition_key_index or data")
        if pk >= len(pks) or (ehk is not None and ehk >= len(ehks)):
            raise ValueError("an index past its table")
        out.append((pks[pk], None if ehk is None else ehks[ehk], bytes(data)))
    return out


if __name__ == "__main__":
    import base64
    raw = open(sys.argv[1], "rb").read()
    if not raw.startswith(MAGIC):
        raw = base64.b64decode(raw)
    for pk, ehk, data in decode(raw):
        print(pk, ehk, data)
