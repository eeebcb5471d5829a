#!/usr/bin/env python3
"""A local stand-in for Amazon Kinesis Data Firehose's PutRecordBatch and
Amazon Kinesis Data Streams' PutRecords, on one port.

kagent's end-to-end tests and `make demo` send to it instead of AWS.  It checks
what AWS checks (SigV4 signature and clock skew, the credential scope's service
for each API, the JSON 1.1 protocol, the models' limits) and answers the way
AWS answers, and it can misbehave on purpose (throttling, partial failures,
dropped connections, streams that do not exist yet, a skewed clock) so the
agent's retry and at-least-once paths get exercised.

    python3 tools/endpoint.py --port 0 [--tls CERTDIR] --out FILE
        --access-key AKID --secret SECRET [--region us-east-1]
        [--streams name1,name2] [--kinesis-streams name1[:SHARDS],...]
        [--create-after NAME:SECONDS[,...]] [--max-record-bytes N]
        [--ready-file F] [--log FILE] [--seed N]
        [--partial P] [--throttle P] [--unavailable P] [--error500 P]
        [--drop P] [--drop-after P] [--slow P:SECONDS] [--latency SECONDS]
        [--clock-offset SECONDS] [--record-id-len N]
        [--idle-timeout SECONDS] [--handshake-timeout SECONDS] [--max-requests N]
        [--reject-data SUBSTRING] [--failed-out FILE] [--metrics-out FILE]
        [--creds-file FILE] [--revoke-after SECONDS]
        [--hostile MODE] [--control FILE]

Operations (X-Amz-Target): Firehose_20150804.PutRecordBatch and
.DescribeDeliveryStream (signed for service "firehose"),
Kinesis_20131202.PutRecords and .DescribeStreamSummary (service "kinesis"),
CloudWatch's GraniteServiceVersion20100801.PutMetricData (service
"monitoring", JSON 1.0: checked against the model's limits, each accepted
call one line of --metrics-out, never faulted).
--streams lists the delivery streams, --kinesis-streams the data streams with
their shard counts (default 2); without the option any name exists.  A name
given to --create-after does not exist, for either API, until that many
seconds after the start.  --max-record-bytes is the data streams'
MaxRecordSize (data plus partition key; 1 MiB, up to 10 MiB when raised: then
a request may carry 10 MiB instead of 5).  --clock-offset runs the endpoint's
clock that far off: the signature's time is checked against it and every
answer's Date header shows it.  The faults apply to both APIs' puts (not to
the Describe operations); Kinesis's are its own: --throttle answers
ProvisionedThroughputExceededException, --partial fails records with
ProvisionedThroughputExceededException (3 in 4) or InternalFailure.
--reject-data answers a put holding a record whose data (decoded) contains
SUBSTRING with 400 ValidationException naming the first such record
("... at 'records.N.member.data' failed to satisfy constraint: ..."), as the
services name a record they will never take; nothing of that request is
accepted.

--creds-file names more credentials the endpoint accepts, one JSON line
each: {"id", "secret"} for long-term keys, with "token" and "expires" (s
since 1970) for temporary ones, as tools/sts.py and tools/iotcreds.py write
them (their --issued file) or a test writes them; it is read again whenever
it changes, so a test that rewrites it takes keys away.  A request signed
with temporary credentials must carry their token
(X-Amz-Security-Token), else UnrecognizedClientException; after their
expiry, or --revoke-after seconds after their "issued" time, they are
refused with 400 ExpiredTokenException, as AWS refuses expired ones, and
the records of such a put go to --failed-out with that error.

--out gets one JSON line per accepted record, in arrival order: {"stream":
NAME, "data": BASE64 as received} for Firehose; the same followed by "api":
"kinesis", "shard" (shardId-NNNNNNNNNNNN, chosen as Kinesis does: the MD5 of
the partition key as a 128-bit number, in hash key ranges that split 2^128
evenly), "key" (the partition key) and "seq" (the sequence number) for
Kinesis.  --log gets one JSON line per request: {"t", "status" (null when no
answer was sent), "records" (in the request, once it got as far as parsing the
body), "failed" (records not accepted), "fault", "error" (__type of the error
answer), "bytes" (body length), "conn" (connection number, to tell keep-alive
reuse), "concurrent" (requests being served when this one arrived, itself
included; a request counts until its answer, or its drop, is logged), "api"
("firehose" or "kinesis", once the target is known), "op" (the operation),
and "akid" (the access key id of a request whose signature was good)}.
Connections are served at once, each in its own thread.  --latency delays
every put's answer that long (a distant region); --slow only some.  --failed-out gets one JSON line per record of a put that was
read but not accepted (a partial failure, a whole-request fault, a
--reject-data refusal): {"stream", "data", "error" (the record's ErrorCode,
or the request's fault or error)}, and "key" (its partition key) for Kinesis,
so a test can tell that a record sent again kept its key.

--hostile MODE answers every put (both APIs; not the Describe operations)
the way a broken or hostile service would; `--hostile list` prints the
modes.  Unless a mode says otherwise, a put it answers is not accepted: its
records go to --failed-out with the mode as their error and not to --out,
and the answer never says they were taken (so a client that sends them
again delivers each exactly once).  The log's "fault" is the mode.
--control FILE is read again whenever it changes (checked at each request):
lines KEY=VALUE (# comments), KEY one of hostile (a mode, or "off") and the
fault probabilities partial, throttle, unavailable, error500, drop,
drop-after.  What it says wins over the command line, a key it no longer
names goes back to the command line's value, and so does everything when
the file is removed: a test turns a fault on and off while the client runs.
A bad line is said on stderr and ignored.

The SigV4 functions below (canonical_uri ... verify) are imported by
tests/e2e/test_endpoint.py and checked against both AWS test suites.
Strings that carry request bytes (path, query, header values) are Python
str holding one character per byte (latin-1), as http.server gives them.

Python 3 standard library only.
"""
import argparse
import base64
import binascii
import calendar
import email.utils
import hashlib
import hmac
import http.server
import json
import os
import random
import re
import signal
import socket
import socketserver
import ssl
import sys
import threading
import time
import traceback
import urllib.parse
import uuid

ALGORITHM = "AWS4-HMAC-SHA256"
SERVICE = "firehose"
TARGET = "Firehose_20150804.PutRecordBatch"
TARGET_PREFIX = "Firehose_20150804."
CONTENT_TYPE = "application/x-amz-json-1.1"
ACCOUNT = "123456789012"
SKEW = 300  # seconds either way, as AWS allows
MAX_RECORDS = 500
MAX_RECORD_BYTES = 1024000  # before base64 (model: Data max)
MAX_BATCH_BYTES = 4 * 1024 * 1024  # documented, not in the model
MAX_BODY = 16 * 1024 * 1024  # 4 MiB of data is ~5.6 MB as base64
STREAM_RE = re.compile(r"[a-zA-Z0-9_.-]+\Z")
AMZ_DATE_RE = re.compile(r"\d{8}T\d{6}Z\Z")
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()

KINESIS_SERVICE = "kinesis"
KINESIS_PREFIX = "Kinesis_20131202."
CW_SERVICE = "monitoring"
CW_TARGET = "GraniteServiceVersion20100801.PutMetricData"
# X-Amz-Target -> (the credential scope's service, Handler method)
OPERATIONS = {
    TARGET: (SERVICE, "put_record_batch"),
    TARGET_PREFIX + "DescribeDeliveryStream": (SERVICE, "describe_delivery_stream"),
    KINESIS_PREFIX + "PutRecords": (KINESIS_SERVICE, "put_records"),
    KINESIS_PREFIX + "DescribeStreamSummary": (KINESIS_SERVICE, "describe_stream_summary"),
    CW_TARGET: (CW_SERVICE, "put_metric_data"),
}
# CloudWatch's JSON protocol is awsJson1_0 (service model: jsonVersion 1.0).
OP_CONTENT_TYPE = {CW_TARGET: "application/x-amz-json-1.0"}
# Kinesis Data Streams: the PutRecords API reference and the service quotas.
KINESIS_SHARDS = 2                          # a stream's, unless --kinesis-streams says
KINESIS_MAX_STREAM_NAME = 128               # model: StreamName 1..128, [a-zA-Z0-9_.-]+
KINESIS_MAX_KEY = 256                       # model: PartitionKey 1..256 characters
KINESIS_MAX_RECORD_BYTES = 1024 * 1024      # data + key: a stream's default MaxRecordSize
KINESIS_MAX_RECORD_BYTES_LARGE = 10 * 1024 * 1024   # the most it can be raised to
KINESIS_MAX_REQUEST = 5 * 1024 * 1024       # data + keys; 10 MiB with records over 1 MiB
KINESIS_ARN_RE = re.compile(r"arn:aws[^:]*:kinesis:[^:]*:(\d{12}):stream/(\S+)\Z")
HASH_SPACE = 1 << 128                       # partition keys hash (MD5) into [0, 2^128)
SEQ_BASE = 49 * 10 ** 54                    # sequence numbers: 56 digits, as the service's

# --hostile modes: name -> what a put gets.  "Taken" says the put's records
# are accepted as usual (the mode only bends the answer's form).
HOSTILE = {
    "headers-2mb": "503 with 2 MB of header lines (20,000 of 100 bytes) before its body",
    "header-line-1mb": "503 with one header line of 1 MiB",
    "endless-chunked": "200, chunked, a body that starts as an all-accepted answer and never ends",
    "endless-interim": "'HTTP/1.1 100 Continue' answers, one after another, without end",
    "trickle": "503 whose head comes at once and whose body comes one byte every 0.2 s (12.4 s)",
    "garbage-status": "a status line that is not one ('HTTP/1.1 OK 200'), then the connection closes",
    "invalid-json": "200 whose body is an all-accepted answer cut short (not JSON)",
    "terabyte-length": "200 with Content-Length: 1099511627776, the start of an all-accepted body, "
                       "then nothing until the client closes",
    "more-results": "200 saying all were accepted, with one per-record result more than records sent",
    "many-results": "200 saying all were accepted, with 1,000 per-record results more than records "
                    "sent: longer than the answer buffer of a client that keeps ~500 bytes a record",
    "errors-under-zero-count": "200 with FailedPutCount (FailedRecordCount) 0 although every third "
                               "record failed (its ErrorCode given); the others are taken",
    "http10-no-length": "the usual answer as HTTP/1.0 without Content-Length, ended by closing the "
                        "connection (taken)",
    "trailing-200": "(issue 12 item 5) the usual answer, then at once a bogus second one, 200 "
                    "with one accepted record; a put that comes on a connection carrying such a "
                    "bogus answer is refused with 500 (nothing taken): a client that reads the bogus "
                    "answer as its own loses a record",
    "trailing-500": "(issue 12 item 5) the usual answer (taken), then at once a 500 "
                    "InternalFailure: a client that reads it as the next request's answer sends "
                    "records twice",
    "clock-flap": "(issue 12 item 6) two hosts behind each API's name whose clocks are 10 minutes "
                  "ahead and 10 minutes behind answer in turn: the signature's time is checked against "
                  "the answering one's clock (400 InvalidSignatureException 'Signature expired' or "
                  "'not yet current' more than 5 minutes off, else the put is taken) and the "
                  "answer's Date header is its clock",
}
HOSTILE_TAKEN = ("errors-under-zero-count", "http10-no-length", "trailing-200",
                 "trailing-500", "clock-flap")
CONTROL_FAULTS = ("partial", "throttle", "unavailable", "error500", "drop", "drop-after")
HOSTILE_WAIT = 120      # seconds a hostile answer waits for the client at most

# ---------------------------------------------------------------- SigV4

_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
            b"0123456789-._~")


def _bytes(s):
    return s if isinstance(s, bytes) else s.encode("latin-1")


def uri_encode(data, keep_slash=False):
    """RFC 3986 encoding as SigV4 wants it: unreserved bytes stay, every
    other byte becomes %XX (upper-case hex); '/' stays if keep_slash."""
    out = []
    for b in _bytes(data):
        if b in _UNRESERVED or (keep_slash and b == 0x2F):
            out.append(chr(b))
        else:
            out.append("%%%02X" % b)
    return "".join(out)


def normalize_path(path):
    """Removes '.' and '..' segments and empty segments ('//'), keeping a
    trailing slash: what every service but S3 does before signing."""
    trailing = path.endswith(("/", "/.", "/.."))
    out = []
    for seg in path.split("/"):
        if seg in ("", "."):
            continue
        if seg == "..":
            if out:
                out.pop()
            continue
        out.append(seg)
    res = "/" + "/".join(out)
    if trailing and out:
        res += "/"
    return res


def canonical_uri(path, normalize=True, double_encode=True):
    """The canonical request's second line.  Non-S3 services encode the
    path as received once more ("double encoding"); S3 (double_encode
    False) decodes first so each byte is encoded once."""
    if not path:
        path = "/"
    if normalize:
        path = normalize_path(path)
    if double_encode:
        return uri_encode(path, keep_slash=True)
    return uri_encode(urllib.parse.unquote_to_bytes(_bytes(path)), keep_slash=True)


def canonical_query(query):
    """Decodes each name and value, re-encodes them, sorts the pairs
    bytewise on the encoded name and then value."""
    pairs = []
    for part in query.split("&"):
        if not part:
            continue
        k, _, v = part.partition("=")
        pairs.append((uri_encode(urllib.parse.unquote_to_bytes(_bytes(k))),
                   uri_encode(urllib.parse.unquote_to_bytes(_bytes(v)))))
    pairs.sort()
    return "&".join(k + "=" + v for k, v in pairs)


_WS = re.compile(r"[ \t\r\n]+")


def header_value(v):
    """Trimmed, each run of white space (folded lines too) as one space."""
    return _WS.sub(" ", v).strip(" ")


def canonical_headers(headers, signed=None):
    """headers: (name, value) pairs in request order, repeats allowed.
    Returns (canonical headers block, signed headers line) for the names
    in signed (all names when None).  Repeated values are joined with ','
    in request order."""
    want = None if signed is None else set(signed)
    vals = {}
    for name, value in headers:
        n = name.strip().lower()
        if want is not None and n not in want:
            continue
        vals.setdefault(n, []).append(header_value(value))
    names = sorted(vals)
    block = "".join(n + ":" + ",".join(vals[n]) + "\n" for n in names)
    return block, ";".join(names)


def canonical_request(method, path, query, headers, signed, payload_hash,
              normalize=True, double_encode=True):
    block, signed_line = canonical_headers(headers, signed)
    return "\n".join([method, canonical_uri(path, normalize, double_encode),
              canonical_query(query), block, signed_line, payload_hash])


def sha256_hex(data):
    return hashlib.sha256(_bytes(data)).hexdigest()


def string_to_sign(amz_date, scope, creq):
    return "\n".join([ALGORITHM, amz_date, scope, sha256_hex(creq)])


def signing_key(secret, date, region, service):
    k = ("AWS4" + secret).encode()
    for part in (date, region, service, "aws4_request"):
        k = hmac.new(k, part.encode(), hashlib.sha256).digest()
    return k


def signature(key, sts):
    return hmac.new(key, _bytes(sts), hashlib.sha256).hexdigest()


def split_target(target):
    """Request target -> (path, query)."""
    path, _, query = target.partition("?")
    return path, query


class AuthError(Exception):
    def __init__(self, etype, message, status=400):
        super().__init__(message)
        self.etype, self.message, self.status = etype, message, status


def parse_authorization(value):
    """'AWS4-HMAC-SHA256 Credential=.., SignedHeaders=.., Signature=..' ->
    (credential, [signed header names], signature)."""
    alg, _, rest = value.strip().partition(" ")
    if alg != ALGORITHM:
        raise AuthError("IncompleteSignatureException",
                "Unsupported AWS 'algorithm': '%s'." % alg)
    fields = {}
    for part in rest.split(","):
        k, eq, v = part.strip().partition("=")
        if eq:
            fields[k] = v.strip()
    missing = [k for k in ("Credential", "Signature", "SignedHeaders") if not fields.get(k)]
    if missing:
        raise AuthError("IncompleteSignatureException", " ".join(
            "Authorization header requires '%s' parameter." % k for k in missing)
            + " Authorization=" + value)
    return fields["Credential"], fields["SignedHeaders"].split(";"), fields["Signature"]


def amz_date_to_unix(amz):
    return calendar.timegm(time.strptime(amz, "%Y%m%dT%H%M%SZ"))


def unix_to_amz_date(t):
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(t))


def verify(method, target, headers, body, secrets, region, service, now,
       require_signed_token=True, normalize=True):
    """Checks a SigV4 (Authorization header) signature the way AWS does.
    headers: (name, value) pairs as received; secrets: {access key id:
    secret}.  Returns the access key id, or raises AuthError."""
    hdr = {}
    for name, value in headers:
        hdr.setdefault(name.lower(), value)
    auth = hdr.get("authorization")
    if auth is None:
        raise AuthError("MissingAuthenticationTokenException", "Missing Authentication Token")
    cred, signed, sig = parse_authorization(auth)
    if "host" not in signed:
        raise AuthError("IncompleteSignatureException",
                "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")
    if "x-amz-date" not in signed:
        raise AuthError("IncompleteSignatureException",
                "'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization.")
    if signed != sorted(set(signed)):
        # AWS rebuilds the list sorted; an unsorted one cannot match.
        raise AuthError("InvalidSignatureException", _MISMATCH)
    amz = hdr.get("x-amz-date", "").strip()
    if not AMZ_DATE_RE.match(amz):
        raise AuthError("IncompleteSignatureException",
                "Date must be in ISO-8601 'basic format'. Got '%s'. "
                "See http://en.wikipedia.org/wiki/ISO_8601" % amz)
    parts = cred.split("/")
    if len(parts) != 5 or parts[4] != "aws4_request":
        raise AuthError("IncompleteSignatureException",
                "Credential should be scoped to a valid region, not '%s'. "
                % (parts[2] if len(parts) > 2 else ""))
    akid, date, cregion, cservice, _ = parts
    if date != amz[:8]:
        raise AuthError("InvalidSignatureException",
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 "
                "version of date from HTTP: '%s' != '%s', from '%s'." % (date, amz[:8], amz))
    if cregion != region:
        raise AuthError("InvalidSignatureException",
                "Credential should be scoped to a valid region, not '%s'. " % cregion)
    if cservice != service:
        raise AuthError("InvalidSignatureException",
                "Credential should be scoped to correct service: '%s'. " % service)
    secret = secrets.get(akid)
    if secret is None:
        raise AuthError("UnrecognizedClientException",
                "The security token included in the request is invalid.")
    t = amz_date_to_unix(amz)
    if t < now - SKEW:
        raise AuthError("InvalidSignatureException",
                "Signature expired: %s is now earlier than %s (%s - 5 min.)"
                % (amz, unix_to_amz_date(now - SKEW), unix_to_amz_date(now)))
    if t > now + SKEW:
        raise AuthError("InvalidSignatureException",
                "Signature not yet current: %s is still later than %s (%s + 5 min.)"
                % (amz, unix_to_amz_date(now + SKEW), unix_to_amz_date(now)))
    if require_signed_token and "x-amz-security-token" in hdr \
       and "x-amz-security-token" not in signed:
        raise AuthError("IncompleteSignatureException",
                "'X-Amz-Security-Token' must be a 'SignedHeader' in the AWS Authorization.")
    payload_hash = sha256_hex(body)
    declared = hdr.get("x-amz-content-sha256")
    if declared is not None and declared.strip() not in (payload_hash, "UNSIGNED-PAYLOAD"):
        raise AuthError("InvalidSignatureException",
                "The provided 'x-amz-content-sha256' header does not match what was computed.")
    path, query = split_target(target)
    creq = canonical_request(method, path, query, headers, signed, payload_hash, normalize)
    scope = "/".join([date, cregion, cservice, "aws4_request"])
    sts = string_to_sign(amz, scope, creq)
    want = signature(signing_key(secret, date, cregion, cservice), sts)
    if not hmac.compare_digest(want.encode(), sig.encode("latin-1")):
        raise AuthError("InvalidSignatureException", _MISMATCH)
    return akid


_MISMATCH = ("The request signature we calculated does not match the signature you "
         "provided. Check your AWS Secret Access Key and signing method. Consult "
         "the service documentation for details.")

# ---------------------------------------------------------------- PutRecordBatch


class ApiError(Exception):
    def __init__(self, etype, message, status=400, records=0):
        super().__init__(message)
        self.etype, self.message, self.status, self.records = etype, message, status, records


def _validation(errors):
    n = len(errors)
    return ApiError("ValidationException", "%d validation error%s detected: %s"
            % (n, "" if n == 1 else "s", "; ".join(errors)))


def load_request(body):
    """The request body as a JSON object; raises ApiError."""
    try:
        req = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError) as e:
        raise ApiError("SerializationException", "Could not parse the request body: %s" % e)
    if not isinstance(req, dict):
        raise ApiError("SerializationException",
                   "Start of structure or map found where not expected.")
    return req


def _string(v):
    if v is not None and not isinstance(v, str):
        raise ApiError("SerializationException",
                   "class %s can not be converted to an String" % type(v).__name__)
    return v


def name_errors(name, member, maxlen):
    """The validation errors of a stream name (member: its name in
    messages, 'deliveryStreamName' or 'streamName')."""
    if name is None:
        return ["Value null at '%s' failed to satisfy constraint: Member must not be null"
            % member]
    errors = []
    if len(name) > maxlen:
        errors.append("Value '%s' at '%s' failed to satisfy constraint: Member must have "
                  "length less than or equal to %d" % (name, member, maxlen))
    if len(name) < 1:
        errors.append("Value '%s' at '%s' failed to satisfy constraint: Member must have "
                  "length greater than or equal to 1" % (name, member))
    if name and not STREAM_RE.match(name):
        errors.append("Value '%s' at '%s' failed to satisfy constraint: Member must satisfy "
                  "regular expression pattern: [a-zA-Z0-9_.-]+" % (name, member))
    return errors


def _b64_len(b64, i):
    """Bytes of a record's Data (base64 text, record i, 1-based)."""
    if not isinstance(b64, str):
        raise ApiError("SerializationException",
                   "class %s can not be converted to an Blob" % type(b64).__name__)
    try:
        return len(base64.b64decode(b64, validate=True))
    except (binascii.Error, ValueError):
        raise ApiError("SerializationException",
                   "Base64 encoded data at 'records.%d.member.data' is not valid." % i)


def parse_batch(body, streams):
    """Decodes and checks a PutRecordBatch body.  Returns (stream name,
    [base64 text of each record]); raises ApiError.  streams: the names
    that exist (empty: any)."""
    req = load_request(body)
    name = _string(req.get("DeliveryStreamName"))
    recs = req.get("Records")
    if recs is not None and not isinstance(recs, list):
        raise ApiError("SerializationException",
                   "Start of list found where not expected")
    errors = name_errors(name, "deliveryStreamName", 64)
    data = []
    total = 0
    if recs is None:
        errors.append("Value null at 'records' failed to satisfy constraint: "
                  "Member must not be null")
    else:
        if len(recs) > MAX_RECORDS:
            errors.append("Value '[%s]' at 'records' failed to satisfy constraint: "
                      "Member must have length less than or equal to %d"
                      % (", ".join("com.amazonaws.firehose.v20150804.Record@%08x" % i
                           for i in range(min(len(recs), 3))) + ", ...", MAX_RECORDS))
        if len(recs) < 1:
            errors.append("Value '[]' at 'records' failed to satisfy constraint: "
                      "Member must have length greater than or equal to 1")
        for i, r in enumerate(recs, 1):
            if not isinstance(r, dict):
                raise ApiError("SerializationException",
                           "Start of structure or map found where not expected.")
            b64 = r.get("Data")
            if b64 is None:
                errors.append("Value null at 'records.%d.member.data' failed to "
                          "satisfy constraint: Member must not be null" % i)
                continue
            n = _b64_len(b64, i)
            if n > MAX_RECORD_BYTES:
                errors.append("Value 'java.nio.HeapByteBuffer[pos=0 lim=%d cap=%d]' at "
                          "'records.%d.member.data' failed to satisfy constraint: "
                          "Member must have length less than or equal to %d"
                          % (n, n, i, MAX_RECORD_BYTES))
            total += n
            data.append(b64)
    if errors:
        e = _validation(errors)
        e.records = len(recs) if isinstance(recs, list) else 0
        raise e
    if total > MAX_BATCH_BYTES:
        raise ApiError("InvalidArgumentException", "Records size exceeds 4 MB limit",
                   records=len(recs))
    if streams and name not in streams:
        raise ApiError("ResourceNotFoundException",
                   "Firehose %s under account %s not found." % (name, ACCOUNT),
                   records=len(recs))
    return name, data

# ---------------------------------------------------------------- PutRecords


def key_units(key):
    """A partition key's length as the service counts it: UTF-16 units."""
    return len(key.encode("utf-16-le", "surrogatepass")) // 2


def key_bytes(key):
    """A partition key's size in a record's size: its UTF-8 bytes."""
    return len(key.encode("utf-8", "surrogatepass"))


def kinesis_stream(req):
    """The stream a Kinesis request names: StreamName, or the name in
    StreamARN.  Returns (name, [validation errors])."""
    name = _string(req.get("StreamName"))
    arn = _string(req.get("StreamARN"))
    if arn is not None:
        m = KINESIS_ARN_RE.match(arn)
        if not m or len(arn) > 2048:
            return name, ["Value '%s' at 'streamARN' failed to satisfy constraint: Member must "
                          "satisfy regular expression pattern: "
                          "arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+" % arn]
        if name is not None and name != m.group(2):
            raise ApiError("InvalidArgumentException",
                       "StreamARN %s does not name stream %s." % (arn, name))
        name = m.group(2)
    return name, name_errors(name, "streamName", KINESIS_MAX_STREAM_NAME)


def parse_put_records(body, max_record=KINESIS_MAX_RECORD_BYTES):
    """Decodes and checks a PutRecords body for streams whose records may
    be max_record bytes (data plus key).  Returns (stream name, [(base64
    text, partition key, data bytes) of each record]); raises ApiError."""
    req = load_request(body)
    name, errors = kinesis_stream(req)
    recs = req.get("Records")
    if recs is not None and not isinstance(recs, list):
        raise ApiError("SerializationException", "Start of list found where not expected")
    out = []
    if recs is None:
        errors.append("Value null at 'records' failed to satisfy constraint: "
                      "Member must not be null")
    else:
        if len(recs) > MAX_RECORDS:
            errors.append("Value '[%s]' at 'records' failed to satisfy constraint: "
                          "Member must have length less than or equal to %d"
                          % (", ".join("com.amazonaws.kinesis.v20131202.PutRecordsRequestEntry@%08x"
                                       % i for i in range(3)) + ", ...", MAX_RECORDS))
        if len(recs) < 1:
            errors.append("Value '[]' at 'records' failed to satisfy constraint: "
                          "Member must have length greater than or equal to 1")
        for i, r in enumerate(recs, 1):
            if not isinstance(r, dict):
                raise ApiError("SerializationException",
                               "Start of structure or map found where not expected.")
            b64 = r.get("Data")
            key = _string(r.get("PartitionKey"))
            n = None
            if b64 is None:
                errors.append("Value null at 'records.%d.member.data' failed to satisfy "
                              "constraint: Member must not be null" % i)
            else:
                n = _b64_len(b64, i)
                if n > max_record:
                    errors.append("Value 'java.nio.HeapByteBuffer[pos=0 lim=%d cap=%d]' at "
                                  "'records.%d.member.data' failed to satisfy constraint: "
                                  "Member must have length less than or equal to %d"
                                  % (n, n, i, max_record))
            if key is None:
                errors.append("Value null at 'records.%d.member.partitionKey' failed to "
                              "satisfy constraint: Member must not be null" % i)
            elif key_units(key) < 1:
                errors.append("Value '' at 'records.%d.member.partitionKey' failed to satisfy "
                              "constraint: Member must have length greater than or equal to 1"
                              % i)
            elif key_units(key) > KINESIS_MAX_KEY:
                errors.append("Value '%s' at 'records.%d.member.partitionKey' failed to "
                              "satisfy constraint: Member must have length less than or equal "
                              "to %d" % (key, i, KINESIS_MAX_KEY))
            out.append((b64, key, n))
    if errors:
        e = _validation(errors)
        e.records = len(recs) if isinstance(recs, list) else 0
        raise e
    total = 0
    for i, (_, key, n) in enumerate(out, 1):
        size = n + key_bytes(key)
        if size > max_record:
            # The data alone fits the model; with its key it is over the
            # stream's MaxRecordSize.  (This message is ours: the service's
            # wording for this case is not documented.)
            raise ApiError("InvalidArgumentException",
                           "Record %d is %d bytes with its partition key, over the stream's "
                           "maximum record size of %d bytes." % (i, size, max_record),
                           records=len(out))
        total += size
    limit = KINESIS_MAX_REQUEST if max_record <= KINESIS_MAX_RECORD_BYTES else 2 * KINESIS_MAX_REQUEST
    if total > limit:
        raise ApiError("InvalidArgumentException",
                       "Records size exceeds %d MB limit" % (limit >> 20), records=len(out))
    return name, out


# ---------------------------------------------------------------- PutMetricData
# CloudWatch's limits: the service model cloudwatch-service-2.json (shapes and
# PutMetricData's documentation).
CW_MAX_METRICS = 1000           # "no more than 1000 metrics per call" (MetricData + EntityMetricData)
CW_MAX_DIMENSIONS = 30          # Dimensions: max 30
CW_MAX_NAME = 255               # Namespace, MetricName, DimensionName: 1..255
CW_MAX_DIMENSION_VALUE = 1024   # DimensionValue: 1..1024
CW_MAX_VALUE = 2.0 ** 360       # values in -2^360..2^360, no NaN or infinities
CW_MAX_BODY = 1024 * 1024       # "limited to 1 MB in size for HTTP POST requests"
CW_UNITS = frozenset((
    "Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes",
    "Terabytes", "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count",
    "Bytes/Second", "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second",
    "Bits/Second", "Kilobits/Second", "Megabits/Second", "Gigabits/Second", "Terabits/Second",
    "Count/Second", "None"))


def _cw_invalid(msg):
    return ApiError("InvalidParameterValueException", msg)


def _cw_ascii(s, where, maxlen, colon=True):
    """A namespace, metric or dimension name or value: ASCII without control
    characters, 1..maxlen, not only blanks (names: not starting with ':')."""
    if not isinstance(s, str):
        raise ApiError("SerializationException", "class %s can not be converted to an String"
                       % type(s).__name__)
    if not 1 <= len(s) <= maxlen:
        raise _cw_invalid("The value at '%s' must have length 1..%d." % (where, maxlen))
    if any(ord(c) < 0x20 or ord(c) > 0x7e for c in s) or not s.strip():
        raise _cw_invalid("The value at '%s' must contain only ASCII characters and at least "
                          "one non-whitespace character." % where)
    if not colon and s.startswith(":"):
        raise _cw_invalid("The value at '%s' must not start with ':'." % where)
    return s


def _cw_number(v, where):
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise ApiError("SerializationException", "The value at '%s' is not a number." % where)
    if v != v or abs(v) > CW_MAX_VALUE:
        raise _cw_invalid("The value at '%s' is out of range (-2^360..2^360)." % where)
    return v


def parse_metric_data(body):
    """Decodes and checks a PutMetricData body (awsJson1_0) as the model has
    it.  Returns (namespace, [datum dicts]); raises ApiError."""
    if len(body) > CW_MAX_BODY:
        raise ApiError("RequestEntityTooLarge", "Request size %d exceeded %d bytes"
                       % (len(body), CW_MAX_BODY), 413)
    req = load_request(body)
    ns = req.get("Namespace")
    if ns is None:
        raise ApiError("MissingRequiredParameterException",
                       "The parameter Namespace is required.")
    _cw_ascii(ns, "namespace", CW_MAX_NAME, colon=False)
    data = req.get("MetricData")
    if not isinstance(data, list) or not data:
        raise ApiError("MissingRequiredParameterException", "The parameter MetricData is required.")
    if len(data) > CW_MAX_METRICS:
        raise _cw_invalid("The collection MetricData must not have a size greater than %d."
                          % CW_MAX_METRICS)
    for i, d in enumerate(data, 1):
        at = "metricData.%d.member" % i
        if not isinstance(d, dict):
            raise ApiError("SerializationException", "Start of structure or map found where not expected.")
        if d.get("MetricName") is None:
            raise ApiError("MissingRequiredParameterException",
                           "The parameter MetricData.member.%d.MetricName is required." % i)
        _cw_ascii(d["MetricName"], at + ".metricName", CW_MAX_NAME)
        dims = d.get("Dimensions", [])
        if not isinstance(dims, list):
            raise ApiError("SerializationException", "Start of list found where not expected")
        if len(dims) > CW_MAX_DIMENSIONS:
            raise _cw_invalid("The collection MetricData.member.%d.Dimensions must not have a size "
                              "greater than %d." % (i, CW_MAX_DIMENSIONS))
        names = set()
        for k, dim in enumerate(dims, 1):
            w = "%s.dimensions.%d.member" % (at, k)
            if not isinstance(dim, dict) or dim.get("Name") is None or dim.get("Value") is None:
                raise ApiError("MissingRequiredParameterException",
                               "The parameters Name and Value of %s are required." % w)
            _cw_ascii(dim["Name"], w + ".name", CW_MAX_NAME, colon=False)
            _cw_ascii(dim["Value"], w + ".value", CW_MAX_DIMENSION_VALUE)
            if dim["Name"] in names:
                raise _cw_invalid("No metric may have duplicate dimension names.")
            names.add(dim["Name"])
        has_value, has_stats = "Value" in d, "StatisticValues" in d
        if has_value and has_stats:
            raise ApiError("InvalidParameterCombinationException",
                           "The parameters MetricData.member.%d.Value and MetricData.member.%d."
                           "StatisticValues are mutually exclusive and you have specified both." % (i, i))
        if has_value:
            _cw_number(d["Value"], at + ".value")
        if has_stats:
            st = d["StatisticValues"]
            if not isinstance(st, dict):
                raise ApiError("SerializationException", "Start of structure or map found where not expected.")
            for f in ("SampleCount", "Sum", "Minimum", "Maximum"):
                if f not in st:
                    raise ApiError("MissingRequiredParameterException",
                                   "The parameter MetricData.member.%d.StatisticValues.%s is required."
                                   % (i, f))
                _cw_number(st[f], "%s.statisticValues.%s" % (at, f[0].lower() + f[1:]))
            if st["SampleCount"] <= 0 or st["Minimum"] > st["Maximum"]:
                raise _cw_invalid("The parameter MetricData.member.%d.StatisticValues is not a valid "
                                  "statistic set." % i)
        if "Unit" in d and d["Unit"] not in CW_UNITS:
            raise _cw_invalid("The value %s for parameter MetricData.member.%d.Unit is not valid."
                              % (d["Unit"], i))
    return ns, data


def shard_of(key, nshards):
    """The shard a record with this partition key goes to: the key's MD5 as
    an unsigned 128-bit number, in the hash key ranges CreateStream gives
    (2^128 split evenly, the last shard taking what is left over)."""
    h = int.from_bytes(hashlib.md5(key.encode("utf-8", "surrogatepass")).digest(), "big")
    return min(h // (HASH_SPACE // nshards), nshards - 1)


def shard_id(i):
    return "shardId-%012d" % i

# ---------------------------------------------------------------- server


class Faults:
    """Per-request fault draws from one seeded generator."""

    def __init__(self, a):
        self.rng = random.Random(a.seed)
        self.lock = threading.Lock()
        self.p = {k: getattr(a, k.replace("-", "_")) for k in
              ("drop", "throttle", "unavailable", "error500", "drop-after", "partial")}
        self.slow_p, self.slow_s = a.slow

    def draw(self, nrecords, kinds=False, p=None):
        """-> (whole-request fault or None, [failed record flags], sleep).
        kinds: a failed record's flag says how, "throughput" (3 in 4) or
        "internal", instead of True.  p: the probabilities now (--control),
        else the command line's."""
        p = p or self.p
        with self.lock:
            r = {k: self.rng.random() for k in ("drop", "throttle", "unavailable",
                                "error500", "drop-after", "slow")}
            fails = [p["partial"] > 0 and self.rng.random() < p["partial"]
                 for _ in range(nrecords)]
            if kinds:
                fails = [f and ("throughput" if self.rng.random() < 0.75 else "internal")
                         for f in fails]
        fault = None
        for k in ("drop", "throttle", "unavailable", "error500", "drop-after"):
            if r[k] < p[k]:
                fault = k
                break
        sleep = self.slow_s if r["slow"] < self.slow_p else 0
        return fault, fails, sleep


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, args):
        self.args = args
        self.secrets = {args.access_key: args.secret}
        self.creds_lock = threading.Lock()
        self.creds_sig, self.creds = None, {}
        self.streams = set(s for s in (args.streams or "").split(",") if s)
        self.kinesis = dict(args.kinesis_streams or [])
        self.create_after = dict(c for cs in args.create_after for c in cs)
        self.started = time.monotonic()
        self.created = time.time() + args.clock_offset
        self.seq = 0
        self.faults = Faults(args)
        self.out = open(args.out, "a", encoding="ascii")
        self.log = open(args.log, "a", encoding="utf-8") if args.log else None
        self.failed_out = open(args.failed_out, "a", encoding="utf-8") if args.failed_out else None
        self.metrics_out = open(args.metrics_out, "a", encoding="utf-8") if args.metrics_out else None
        self.out_lock = threading.Lock()
        self.log_lock = threading.Lock()
        self.conn_lock = threading.Lock()
        self.nconn = 0
        self.active = 0                 # requests being served (under conn_lock)
        self.ids = random.Random(args.seed + 7919)
        self.control_lock = threading.Lock()
        self.control_stamp = None
        self.now = {"hostile": args.hostile}        # the settings in force (--control over args)
        self.now.update(self.faults.p)
        self.flaps = {}
        self.tls = None
        if args.tls:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.minimum_version = ssl.TLSVersion.TLSv1_2
            # the client's order of suites, not OpenSSL's (AES-GCM first):
            # kagent puts ChaCha20-Poly1305 first on a CPU without AES
            # instructions, and that is what runs (make bench counts it)
            ctx.options &= ~ssl.OP_CIPHER_SERVER_PREFERENCE
            ctx.load_cert_chain(os.path.join(args.tls, "server.pem"),
                        os.path.join(args.tls, "server.key"))
            self.tls = ctx
        super().__init__(("127.0.0.1", args.port), Handler)

    def server_bind(self):
        # HTTPServer's would look our name up (getfqdn): slow without DNS.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = "localhost", self.server_address[1]

    def finish_request(self, request, client_address):
        # The TLS handshake is done here, in the connection's own thread,
        # so a slow or broken client never holds up accept().
        with self.conn_lock:
            self.nconn += 1
            conn = self.nconn
        sock = request
        if self.tls:
            try:
                request.settimeout(self.args.handshake_timeout)
                sock = self.tls.wrap_socket(request, server_side=True)
                sock.settimeout(None)
            except (OSError, ssl.SSLError):
                return
        try:
            h = Handler(sock, client_address, self, conn)
            if self.tls and not h.dropped:
                # A polite close: send close_notify, don't wait long.
                try:
                    sock.settimeout(0.2)
                    sock.unwrap()
                except (OSError, ssl.SSLError, ValueError):
                    pass
        finally:
            if sock is not request:
                sock.close()

    def handle_error(self, request, client_address):
        e = sys.exc_info()[1]
        if isinstance(e, (ConnectionError, ssl.SSLError, socket.timeout, TimeoutError)):
            return
        traceback.print_exc()

    def clock(self):
        return time.time() + self.args.clock_offset

    def settings(self):
        """The settings in force: the --control file's (read again when it
        changed) over the command line's.  {"hostile": MODE or None, and
        each of CONTROL_FAULTS: a probability}."""
        path = self.args.control
        if not path:
            return self.now
        with self.control_lock:
            try:
                st = os.stat(path)
                stamp = (st.st_ino, st.st_size, st.st_mtime_ns)
            except FileNotFoundError:
                stamp = None
            if stamp == self.control_stamp:
                return self.now
            self.control_stamp = stamp
            now = {"hostile": self.args.hostile}
            now.update(self.faults.p)
            try:
                with open(path) as f:
                    text = f.read() if stamp else ""
            except FileNotFoundError:
                text = ""
            for n, line in enumerate(text.splitlines(), 1):
                line = line.split("#")[0].strip()
                if not line:
                    continue
                k, eq, v = (x.strip() for x in line.partition("="))
                try:
                    if not eq:
                        raise ValueError("want KEY=VALUE")
                    if k == "hostile":
                        if v != "off" and v not in HOSTILE:
                            raise ValueError("no hostile mode %r" % v)
                        now[k] = None if v == "off" else v
                    elif k in CONTROL_FAULTS:
                        now[k] = probability(v)
                    else:
                        raise ValueError("unknown key %r" % k)
                except (ValueError, argparse.ArgumentTypeError) as e:
                    print("%s:%d: %s (line ignored)" % (path, n, e), file=sys.stderr, flush=True)
            self.now = now
            return now

    def flap(self, service):
        """clock-flap's clock offset for service's next answer: +600 s,
        -600 s, ... (each service has its own hosts)."""
        with self.conn_lock:
            self.flaps[service] = self.flaps.get(service, 0) + 1
            return 600 if self.flaps[service] % 2 else -600

    def creds_entries(self):
        """--creds-file's entries by access key id, read again when the file
        has changed (only whole lines: a line being written waits)."""
        path = self.args.creds_file
        if not path:
            return {}
        with self.creds_lock:
            try:
                st = os.stat(path)
                sig = (st.st_ino, st.st_size, st.st_mtime_ns)
            except OSError:
                sig = None
            if sig != self.creds_sig:
                ents = {}
                if sig:
                    with open(path, "rb") as f:
                        data = f.read()
                    for line in data.split(b"\n")[:-1]:
                        if line.strip():
                            e = json.loads(line)
                            ents[e["id"]] = e
                self.creds_sig, self.creds = sig, ents
            return self.creds

    def secrets_now(self):
        """The keys accepted now: --access-key's and --creds-file's."""
        d = dict(self.secrets)
        d.update((k, e["secret"]) for k, e in self.creds_entries().items())
        return d

    def check_token(self, akid, token):
        """Temporary credentials: their token, and not expired."""
        e = self.creds_entries().get(akid)
        if e is None or "token" not in e:
            return
        if token is None or token.strip() != e["token"]:
            raise AuthError("UnrecognizedClientException",
                            "The security token included in the request is invalid.")
        end = e.get("expires")
        if self.args.revoke_after is not None and "issued" in e:
            end = min(end, e["issued"] + self.args.revoke_after) if end else e["issued"] + self.args.revoke_after
        if end is not None and self.clock() >= end:
            raise AuthError("ExpiredTokenException",
                            "The security token included in the request is expired")

    def exists(self, service, name):
        """Whether stream name exists now for the API of service."""
        wait = self.create_after.get(name)
        if wait is not None:
            return time.monotonic() - self.started >= wait
        known = self.streams if service == SERVICE else self.kinesis
        return not known or name in known

    def shards(self, name):
        return self.kinesis.get(name) or KINESIS_SHARDS

    def sequence_numbers(self, n):
        with self.conn_lock:
            first = self.seq
            self.seq += n
        return ["%d" % (SEQ_BASE + first + i) for i in range(n)]

    def write_records(self, stream, data):
        lines = "".join('{"stream":%s,"data":"%s"}\n' % (json.dumps(stream), d) for d in data)
        with self.out_lock:
            self.out.write(lines)
            self.out.flush()

    def write_kinesis_records(self, stream, recs):
        """recs: (base64 data, partition key, shard id, sequence number)."""
        lines = "".join('{"stream":%s,"data":"%s","api":"kinesis","shard":"%s","key":%s,'
                        '"seq":"%s"}\n' % (json.dumps(stream), d, shard, json.dumps(key), seq)
                        for d, key, shard, seq in recs)
        with self.out_lock:
            self.out.write(lines)
            self.out.flush()

    def write_failed(self, stream, recs):
        """--failed-out: recs are (base64 data, partition key or None, error)."""
        if not self.failed_out or not recs:
            return
        lines = "".join(json.dumps(dict([("stream", stream), ("data", d), ("error", err)]
                                        + ([("key", key)] if key is not None else [])),
                                   separators=(",", ":")) + "\n" for d, key, err in recs)
        with self.out_lock:
            self.failed_out.write(lines)
            self.failed_out.flush()

    def write_metrics(self, ns, data):
        """--metrics-out: one line per accepted PutMetricData call."""
        if not self.metrics_out:
            return
        line = json.dumps({"t": round(time.time(), 6), "Namespace": ns, "MetricData": data},
                          separators=(",", ":")) + "\n"
        with self.out_lock:
            self.metrics_out.write(line)
            self.metrics_out.flush()

    def write_log(self, entry):
        if not self.log:
            return
        line = json.dumps(entry, separators=(",", ":")) + "\n"
        with self.log_lock:
            self.log.write(line)
            self.log.flush()

    def record_ids(self, n):
        size = self.args.record_id_len
        with self.conn_lock:
            raw = self.ids.randbytes((n * size * 3) // 4 + 3)
        text = base64.b64encode(raw).decode()
        return [text[i * size:(i + 1) * size] for i in range(n)]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def __init__(self, request, client_address, server, conn):
        self.conn = conn
        self.served = 0
        self.dropped = False
        self.mode = None        # the --hostile mode of the put being answered
        self.stale = False      # trailing-200: a bogus answer follows the last one on this connection
        self.date_shift = 0     # clock-flap: this answer's Date is that far off
        self.timeout = server.args.idle_timeout
        super().__init__(request, client_address, server)

    def version_string(self):
        return "kagent-endpoint"

    def date_time_string(self, timestamp=None):
        # Every answer's Date (RFC 7231), on the endpoint's clock.
        return email.utils.formatdate(self.server.clock() + self.date_shift if timestamp is None
                                      else timestamp, usegmt=True)

    def log_message(self, fmt, *args):
        pass

    def do_POST(self):
        self.serve()

    do_GET = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_POST

    def serve(self):
        self.served += 1
        with self.server.conn_lock:
            self.server.active += 1
            active = self.server.active
        self.entry = entry = {"t": round(time.time(), 6), "status": None, "records": 0,
                              "failed": 0, "fault": None, "error": None, "bytes": 0,
                              "conn": self.conn, "concurrent": active, "api": None, "op": None}
        self.logged = False
        self.mode = None
        self.date_shift = 0
        try:
            body = self.read_body()
            if body is None:
                return self.write_log()
            entry["bytes"] = len(body)
            self.process(body, entry)
        except Exception:
            traceback.print_exc()
            if not self.dropped and not self.logged:
                entry["records"] = entry["failed"] = 0
                self.fail(entry, ApiError("InternalFailure", "An internal error occurred.", 500))
        self.write_log()

    def write_log(self):
        # Written before the answer goes out: a client that has its answer
        # finds the request in the log.
        if not self.logged:
            self.logged = True
            self.server.write_log(self.entry)
            with self.server.conn_lock:
                self.server.active -= 1

    def read_body(self):
        te = self.headers.get("Transfer-Encoding", "").lower()
        if te == "chunked":
            parts, size = [], 0
            while True:
                line = self.rfile.readline(1024)
                try:
                    n = int(line.split(b";")[0].strip(), 16)
                except ValueError:
                    return self.reject(400, "Bad chunk size")
                if n == 0:
                    while self.rfile.readline(8192) not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(parts)
                size += n
                if size > MAX_BODY:
                    return self.reject(413)
                parts.append(self.rfile.read(n))
                self.rfile.readline(8)
        cl = self.headers.get("Content-Length")
        if cl is None:
            return b""
        try:
            n = int(cl)
            if n < 0:
                raise ValueError
        except ValueError:
            return self.reject(400, "Bad Content-Length")
        if n > MAX_BODY:
            return self.reject(413)
        body = self.rfile.read(n)
        if len(body) < n:
            self.close_connection = True
            self.dropped = True
            return None
        return body

    def reject(self, code, message=None):
        """An answer at the HTTP level, for a body that cannot be read;
        the connection is closed as its framing is lost."""
        self.entry["status"] = code
        self.write_log()
        self.close_connection = True
        self.send_error(code, message)
        return None

    def process(self, body, entry):
        srv = self.server
        path, _ = split_target(self.path)
        if self.command != "POST" or path != "/":
            return self.fail(entry, ApiError("UnknownOperationException", None, 404))
        target = self.headers.get("X-Amz-Target", "")
        op = OPERATIONS.get(target)
        if op is None:
            return self.fail(entry, ApiError("UnknownOperationException", None))
        ctype = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if ctype != OP_CONTENT_TYPE.get(target, CONTENT_TYPE):
            # AWS's JSON services dispatch on the content type too: with
            # another one the operation is simply not found.
            return self.fail(entry, ApiError("UnknownOperationException", None))
        service, method = op
        entry["api"], entry["op"] = service, target.partition(".")[2]
        if method in ("put_record_batch", "put_records"):
            self.mode = srv.settings()["hostile"]
            if self.mode == "clock-flap":
                self.date_shift = srv.flap(service)
                entry["fault"] = self.mode
        try:
            akid = verify(self.command, self.path, self.headers.items(), body, srv.secrets_now(),
                          srv.args.region, service, srv.clock() + self.date_shift)
            entry["akid"] = akid
            srv.check_token(akid, self.headers.get("X-Amz-Security-Token"))
        except AuthError as e:
            if e.etype == "ExpiredTokenException":
                self.expired_records(body, target)
            return self.fail(entry, ApiError(e.etype, e.message, e.status))
        return getattr(self, method)(body, entry)

    def expired_records(self, body, target):
        """A put refused for expired credentials: its records go to
        --failed-out (best effort: the body was not checked)."""
        try:
            req = json.loads(body)
            stream = req.get("DeliveryStreamName") or req.get("StreamName")
            recs = [(r["Data"], r.get("PartitionKey"), "ExpiredTokenException") for r in req.get("Records", [])]
        except (ValueError, UnicodeDecodeError, TypeError, KeyError, AttributeError):
            return
        if target.endswith(("PutRecordBatch", "PutRecords")):
            self.server.write_failed(stream, recs)

    def rejected(self, entry, stream, recs):
        """--reject-data: answers a put holding a record whose data contains
        the substring with the ValidationException that names it (recs:
        (base64 data, key or None)).  Returns True when it did."""
        sub = self.server.args.reject_data
        if sub is None:
            return False
        for i, (b64, _) in enumerate(recs, 1):
            data = base64.b64decode(b64)
            if sub.encode() in data:
                break
        else:
            return False
        entry["failed"] = len(recs)
        self.server.write_failed(stream, [(b64, key, "ValidationException") for b64, key in recs])
        self.fail(entry, _validation([
            "Value 'java.nio.HeapByteBuffer[pos=0 lim=%d cap=%d]' at 'records.%d.member.data' "
            "failed to satisfy constraint: Member must not contain '%s'" % (len(data), len(data), i, sub)]))
        return True

    def request_faults(self, entry, n, throttle, kinds=False, stream=None, recs=()):
        """Draws the faults of a put of n records; a whole-request one is
        acted on here (throttle: the ApiError for --throttle; recs, the
        records as (base64 data, key or None), go to --failed-out).  Returns
        the per-record failure flags and the fault still to come
        ("drop-after" or None), or None when the request is dealt with."""
        if self.server.args.latency:
            time.sleep(self.server.args.latency)
        fault, fails, sleep = self.server.faults.draw(n, kinds, self.server.settings())
        if sleep:
            entry["fault"] = "slow"
            time.sleep(sleep)
        if fault in ("drop", "throttle", "unavailable", "error500"):
            entry["failed"] = n     # nothing of this request is accepted
            entry["fault"] = fault
            self.server.write_failed(stream, [(b64, key, fault) for b64, key in recs])
        if fault == "drop":
            self.drop()
            return None
        if fault == "throttle":
            self.fail(entry, throttle)
            return None
        if fault == "unavailable":
            self.fail(entry, ApiError("ServiceUnavailableException", "Slow down.", 503))
            return None
        if fault == "error500":
            self.fail(entry, ApiError("InternalFailure", None, 500))
            return None
        return fails, fault

    def answered(self, entry, n, ok, fault, obj):
        """Sends a put's 200 answer, or drops the connection (drop-after)."""
        entry["failed"] = n - ok
        if n - ok:
            entry["fault"] = "partial"
        if self.mode:
            entry["fault"] = self.mode
        if fault == "drop-after":
            entry["fault"] = fault
            return self.drop()
        entry["status"] = 200
        self.reply(200, obj)

    def put_record_batch(self, body, entry):
        srv = self.server
        try:
            stream, data = parse_batch(body, ())
            if not srv.exists(SERVICE, stream):
                raise ApiError("ResourceNotFoundException", "Firehose %s under account %s not "
                               "found." % (stream, ACCOUNT), records=len(data))
        except ApiError as e:
            entry["records"] = entry["failed"] = e.records
            return self.fail(entry, e)
        n = len(data)
        entry["records"] = n
        recs = [(d, None) for d in data]
        if self.rejected(entry, stream, recs) or self.hostile(entry, stream, recs):
            return
        drawn = self.request_faults(entry, n, ApiError("ThrottlingException", "Rate exceeded"),
                                    stream=stream, recs=recs)
        if drawn is None:
            return
        fails, fault = drawn
        if self.mode == "errors-under-zero-count":
            fails = [f or i % 3 == 1 for i, f in enumerate(fails)]
        ids = srv.record_ids(n)
        resp, ok, bad = [], [], []
        for i in range(n):
            if fails[i]:
                resp.append({"ErrorCode": "ServiceUnavailableException",
                         "ErrorMessage": "Slow down."})
                bad.append((data[i], None, "ServiceUnavailableException"))
            else:
                resp.append({"RecordId": ids[i]})
                ok.append(data[i])
        srv.write_failed(stream, bad)
        if ok:
            srv.write_records(stream, ok)
        self.answered(entry, n, len(ok), fault, {"FailedPutCount": self.count(n - len(ok)),
                                                 "Encrypted": False, "RequestResponses": resp})

    def put_records(self, body, entry):
        srv = self.server
        try:
            stream, recs = parse_put_records(body, srv.args.max_record_bytes)
            if not srv.exists(KINESIS_SERVICE, stream):
                raise ApiError("ResourceNotFoundException", "Stream %s under account %s not "
                               "found." % (stream, ACCOUNT), records=len(recs))
        except ApiError as e:
            entry["records"] = entry["failed"] = e.records
            return self.fail(entry, e)
        n = len(recs)
        entry["records"] = n
        keyed = [(b64, key) for b64, key, _ in recs]
        if self.rejected(entry, stream, keyed) or self.hostile(entry, stream, keyed):
            return
        drawn = self.request_faults(entry, n, ApiError(
            "ProvisionedThroughputExceededException",
            "Rate exceeded for stream %s under account %s." % (stream, ACCOUNT)), kinds=True,
            stream=stream, recs=keyed)
        if drawn is None:
            return
        fails, fault = drawn
        if self.mode == "errors-under-zero-count":
            fails = [f or (i % 3 == 1 and "internal") for i, f in enumerate(fails)]
        nshards = srv.shards(stream)
        seqs = iter(srv.sequence_numbers(n - sum(1 for f in fails if f)))
        resp, ok, bad = [], [], []
        for (b64, key, _), fail in zip(recs, fails):
            shard = shard_id(shard_of(key, nshards))
            if fail == "throughput":
                resp.append({"ErrorCode": "ProvisionedThroughputExceededException",
                             "ErrorMessage": "Rate exceeded for shard %s in stream %s under "
                             "account %s." % (shard, stream, ACCOUNT)})
            elif fail:
                resp.append({"ErrorCode": "InternalFailure",
                             "ErrorMessage": "Internal Service Failure"})
            else:
                seq = next(seqs)
                resp.append({"SequenceNumber": seq, "ShardId": shard})
                ok.append((b64, key, shard, seq))
                continue
            bad.append((b64, key, resp[-1]["ErrorCode"]))
        srv.write_failed(stream, bad)
        if ok:
            srv.write_kinesis_records(stream, ok)
        self.answered(entry, n, len(ok), fault, {"FailedRecordCount": self.count(n - len(ok)),
                                                 "Records": resp, "EncryptionType": "NONE"})

    def put_metric_data(self, body, entry):
        """CloudWatch's PutMetricData: checked against the model's limits;
        an accepted call goes to --metrics-out.  The faults are the puts'
        alone: metrics are never refused on purpose."""
        try:
            ns, data = parse_metric_data(body)
        except ApiError as e:
            return self.fail(entry, e)
        entry["records"] = len(data)
        self.server.write_metrics(ns, data)
        entry["status"] = 200
        self.reply(200, {}, ctype=OP_CONTENT_TYPE[CW_TARGET])

    def describe_delivery_stream(self, body, entry):
        srv = self.server
        try:
            name = _string(load_request(body).get("DeliveryStreamName"))
            errors = name_errors(name, "deliveryStreamName", 64)
            if errors:
                raise _validation(errors)
            if not srv.exists(SERVICE, name):
                raise ApiError("ResourceNotFoundException", "Firehose %s under account %s not "
                               "found." % (name, ACCOUNT))
        except ApiError as e:
            return self.fail(entry, e)
        entry["status"] = 200
        self.reply(200, {"DeliveryStreamDescription": {
            "DeliveryStreamName": name,
            "DeliveryStreamARN": "arn:aws:firehose:%s:%s:deliverystream/%s"
                                 % (srv.args.region, ACCOUNT, name),
            "DeliveryStreamStatus": "ACTIVE", "DeliveryStreamType": "DirectPut",
            "VersionId": "1", "CreateTimestamp": round(srv.created, 3),
            "Destinations": [], "HasMoreDestinations": False}})

    def describe_stream_summary(self, body, entry):
        srv = self.server
        try:
            name, errors = kinesis_stream(load_request(body))
            if errors:
                raise _validation(errors)
            if not srv.exists(KINESIS_SERVICE, name):
                raise ApiError("ResourceNotFoundException", "Stream %s under account %s not "
                               "found." % (name, ACCOUNT))
        except ApiError as e:
            return self.fail(entry, e)
        entry["status"] = 200
        self.reply(200, {"StreamDescriptionSummary": {
            "StreamName": name,
            "StreamARN": "arn:aws:kinesis:%s:%s:stream/%s" % (srv.args.region, ACCOUNT, name),
            "StreamStatus": "ACTIVE", "StreamModeDetails": {"StreamMode": "PROVISIONED"},
            "RetentionPeriodHours": 24, "StreamCreationTimestamp": round(srv.created, 3),
            "EnhancedMonitoring": [{"ShardLevelMetrics": []}], "EncryptionType": "NONE",
            "OpenShardCount": srv.shards(name), "ConsumerCount": 0,
            "MaxRecordSizeInKiB": srv.args.max_record_bytes // 1024}})

    def drop(self):
        # No answer at all: the client sees the connection close.
        self.write_log()
        self.dropped = True
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except (OSError, ValueError):
            pass

    def fail(self, entry, e):
        entry["status"] = e.status
        entry["error"] = e.etype
        body = {"__type": e.etype}
        if e.message is not None:
            body["message"] = e.message
        extra = {"x-amzn-ErrorType": "%s:http://internal.amazon.com/coral/com.amazonaws.%s/"
                 % (e.etype, entry.get("api") or SERVICE)}
        if entry.get("api") == CW_SERVICE:
            # awsQueryCompatible: the Query protocol's code beside the JSON one
            extra["x-amzn-query-error"] = "%s;%s" % (e.etype.replace("Exception", ""),
                                                     "Receiver" if e.status >= 500 else "Sender")
            return self.reply(e.status, body, extra, ctype=OP_CONTENT_TYPE[CW_TARGET])
        self.reply(e.status, body, extra)

    def reply(self, status, obj, extra=None, ctype=CONTENT_TYPE):
        body = json.dumps(obj, separators=(",", ":")).encode()
        max_req = self.server.args.max_requests
        if max_req and self.served >= max_req:
            self.close_connection = True
        self.send_response(status)
        rid = str(uuid.uuid4())
        self.send_header("x-amzn-RequestId", rid)
        self.send_header("x-amz-id-2", base64.b64encode(rid.encode() * 2).decode())
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        if self.mode == "http10-no-length":
            # the status line says 1.0; no length: the body ends at the close
            self._headers_buffer[0] = self._headers_buffer[0].replace(b"HTTP/1.1 ", b"HTTP/1.0 ", 1)
            self._headers_buffer = [h for h in self._headers_buffer
                                    if not h.lower().startswith(b"content-length:")]
            self.close_connection = True
        elif self.close_connection:
            self.send_header("Connection", "close")
        self.write_log()
        # One write for head and body: no small-packet delays.
        self._headers_buffer.append(b"\r\n" + body)
        if self.mode == "trailing-200" and not self.close_connection:
            self._headers_buffer.append(self.bogus_answer())
            self.stale = True
        elif self.mode == "trailing-500" and not self.close_connection:
            err = b'{"__type":"InternalFailure"}'
            self._headers_buffer.append(b"HTTP/1.1 500 Internal Server Error\r\nContent-Type: %s\r\n"
                                        b"Content-Length: %d\r\n\r\n%s"
                                        % (CONTENT_TYPE.encode(), len(err), err))
        self.flush_headers()

    # ---------------------------------------------------------- --hostile

    def count(self, failed):
        """A put answer's FailedPutCount / FailedRecordCount."""
        return 0 if self.mode == "errors-under-zero-count" else failed

    def all_accepted(self, n):
        """An answer body saying all of n records were accepted (for the
        API of the request being served)."""
        if self.entry["api"] == KINESIS_SERVICE:
            recs = ",".join('{"SequenceNumber":"%d","ShardId":"shardId-000000000000"}'
                            % (SEQ_BASE + 10 ** 50 + i) for i in range(n))
            return ('{"FailedRecordCount":0,"Records":[%s],"EncryptionType":"NONE"}' % recs).encode()
        ids = self.server.record_ids(n)
        return ('{"FailedPutCount":0,"Encrypted":false,"RequestResponses":[%s]}'
                % ",".join('{"RecordId":"%s"}' % i for i in ids)).encode()

    def bogus_answer(self):
        """trailing-200's second answer: 200, one record accepted."""
        body = self.all_accepted(1)
        return (b"HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n%s"
                % (CONTENT_TYPE.encode(), len(body), body))

    def send_raw(self, data):
        """Writes data as it is; False once the client is gone."""
        try:
            self.wfile.write(data)
            return True
        except (OSError, ValueError):
            self.close_connection = True
            return False

    def wait_close(self):
        """Reads and drops what the client sends until it closes (at most
        HOSTILE_WAIT seconds); then this side closes too."""
        self.close_connection = True
        end = time.monotonic() + HOSTILE_WAIT
        try:
            while time.monotonic() < end:
                self.connection.settimeout(max(0.1, end - time.monotonic()))
                if not self.rfile.read1(65536):
                    return
        except (OSError, ValueError):
            pass

    def hostile(self, entry, stream, recs):
        """Answers a put the --hostile way when the mode refuses it (recs:
        (base64 data, key or None)); returns True when it did."""
        mode = self.mode
        if mode == "trailing-200" and self.stale:
            # the client has a bogus answer on this connection already
            entry["failed"], entry["fault"] = len(recs), mode
            self.server.write_failed(stream, [(b64, key, mode) for b64, key in recs])
            self.fail(entry, ApiError("InternalFailure", None, 500))
            return True
        if mode is None or mode in HOSTILE_TAKEN:
            return False
        n = len(recs)
        entry["failed"], entry["fault"] = n, mode
        self.server.write_failed(stream, [(b64, key, mode) for b64, key in recs])
        ctype = b"Content-Type: " + CONTENT_TYPE.encode() + b"\r\n"
        unavailable = b'{"__type":"ServiceUnavailableException","message":"Slow down."}'
        if mode == "garbage-status":
            self.write_log()
            self.close_connection = True
            return self.send_raw(b"HTTP/1.1 OK 200\r\nContent-Length: 2\r\n\r\n{}") or True
        entry["status"] = 503 if mode in ("headers-2mb", "header-line-1mb", "trickle") else \
            100 if mode == "endless-interim" else 200
        self.write_log()
        if mode == "headers-2mb":
            pad = b"".join(b"X-Hostile-%05d: %s\r\n" % (i, b"a" * 81) for i in range(20000))
            self.send_raw(b"HTTP/1.1 503 Service Unavailable\r\n" + pad + ctype +
                          b"Content-Length: %d\r\n\r\n%s" % (len(unavailable), unavailable))
        elif mode == "header-line-1mb":
            self.send_raw(b"HTTP/1.1 503 Service Unavailable\r\nX-Hostile-Padding: " + b"a" * (1 << 20) +
                          b"\r\n" + ctype + b"Content-Length: %d\r\n\r\n%s" % (len(unavailable), unavailable))
        elif mode == "trickle":
            if self.send_raw(b"HTTP/1.1 503 Service Unavailable\r\n" + ctype +
                             b"Content-Length: %d\r\n\r\n" % len(unavailable)):
                for i in range(len(unavailable)):
                    time.sleep(0.2)
                    if not self.send_raw(unavailable[i:i + 1]):
                        break
        elif mode in ("invalid-json", "more-results", "many-results"):
            body = self.all_accepted(n + {"more-results": 1, "many-results": 1000}.get(mode, 0))
            if mode == "invalid-json":
                body = body[:len(body) // 2]
            self.send_raw(b"HTTP/1.1 200 OK\r\n" + ctype + b"Content-Length: %d\r\n\r\n%s"
                          % (len(body), body))
        elif mode == "terabyte-length":
            if self.send_raw(b"HTTP/1.1 200 OK\r\n" + ctype + b"Content-Length: 1099511627776\r\n\r\n"
                             + self.all_accepted(n)):
                self.wait_close()
        elif mode == "endless-interim":
            ok, end = True, time.monotonic() + HOSTILE_WAIT
            while ok and time.monotonic() < end:
                ok = self.send_raw(b"HTTP/1.1 100 Continue\r\n\r\n" * 100)
            self.close_connection = True
        elif mode == "endless-chunked":
            start = self.all_accepted(0)[:-2]       # {"FailedPutCount":0,...,"RequestResponses":[
            more = b'{"RecordId":"x"},' * 1000
            ok = self.send_raw(b"HTTP/1.1 200 OK\r\n" + ctype + b"Transfer-Encoding: chunked\r\n\r\n"
                               + b"%x\r\n%s\r\n" % (len(start), start))
            end = time.monotonic() + HOSTILE_WAIT
            while ok and time.monotonic() < end:
                ok = self.send_raw(b"%x\r\n%s\r\n" % (len(more), more))
            self.close_connection = True
        return True

    def handle_one_request(self):
        try:
            super().handle_one_request()
        except (ConnectionError, ssl.SSLError, socket.timeout, TimeoutError):
            self.close_connection = True


def write_ready(path, port):
    tmp = "%s.%d.tmp" % (path, os.getpid())
    with open(tmp, "w") as f:
        f.write("%d\n" % port)
    os.replace(tmp, path)


def probability(s):
    p = float(s)
    if not 0 <= p <= 1:
        raise argparse.ArgumentTypeError("not a probability: %s" % s)
    return p


def slow_arg(s):
    p, sep, secs = s.partition(":")
    if not sep:
        raise argparse.ArgumentTypeError("want P:SECONDS")
    return probability(p), float(secs)


def kinesis_streams_arg(s):
    """NAME[:SHARDS],... -> [(name, shards)]"""
    out = []
    for item in s.split(","):
        if not item:
            continue
        name, sep, n = item.partition(":")
        try:
            shards = int(n) if sep else KINESIS_SHARDS
        except ValueError:
            shards = 0
        if not STREAM_RE.match(name) or shards < 1:
            raise argparse.ArgumentTypeError("want NAME[:SHARDS] (SHARDS >= 1): %s" % item)
        out.append((name, shards))
    return out


def create_after_arg(s):
    """NAME:SECONDS,... -> [(name, seconds)]"""
    out = []
    for item in s.split(","):
        name, sep, secs = item.partition(":")
        try:
            out.append((name, float(secs)))
        except ValueError:
            sep = ""
        if not sep or not name:
            raise argparse.ArgumentTypeError("want NAME:SECONDS: %s" % item)
    return out


def parse_args(argv):
    ap = argparse.ArgumentParser(description="local Firehose PutRecordBatch and Kinesis "
                                 "PutRecords endpoint")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--tls", metavar="CERTDIR")
    ap.add_argument("--out", required=True)
    ap.add_argument("--access-key", required=True)
    ap.add_argument("--secret", required=True)
    ap.add_argument("--region", default="us-east-1")
    ap.add_argument("--streams")
    ap.add_argument("--kinesis-streams", type=kinesis_streams_arg)
    ap.add_argument("--create-after", type=create_after_arg, action="append", default=[])
    ap.add_argument("--max-record-bytes", type=int, default=KINESIS_MAX_RECORD_BYTES)
    ap.add_argument("--ready-file")
    ap.add_argument("--log")
    ap.add_argument("--seed", type=int, default=1)
    for k in ("partial", "throttle", "unavailable", "error500", "drop", "drop-after"):
        ap.add_argument("--" + k, type=probability, default=0.0)
    ap.add_argument("--slow", type=slow_arg, default=(0.0, 0.0))
    ap.add_argument("--latency", type=float, default=0.0,
            help="seconds every put waits before its answer")
    ap.add_argument("--clock-offset", type=float, default=0.0)
    ap.add_argument("--record-id-len", type=int, default=200)
    ap.add_argument("--idle-timeout", type=float, default=300.0)
    ap.add_argument("--handshake-timeout", type=float, default=10.0,
            help="seconds a client has for its TLS handshake")
    ap.add_argument("--max-requests", type=int, default=0,
            help="close each connection after N requests (0: never)")
    ap.add_argument("--reject-data", metavar="SUBSTRING",
            help="refuse a put holding a record with this in its data (ValidationException)")
    ap.add_argument("--failed-out", metavar="FILE",
            help="one JSON line per record read but not accepted")
    ap.add_argument("--hostile", metavar="MODE",
            help="answer every put as a broken or hostile service would (--hostile list: the modes)")
    ap.add_argument("--control", metavar="FILE",
            help="KEY=VALUE lines read again when the file changes: hostile, and the fault "
                 "probabilities")
    ap.add_argument("--metrics-out", metavar="FILE",
            help="one JSON line per accepted PutMetricData call: its Namespace and MetricData")
    ap.add_argument("--creds-file", metavar="FILE",
            help="more credentials accepted: JSON lines {id, secret[, token, expires, issued]}")
    ap.add_argument("--revoke-after", type=float, metavar="SECONDS",
            help="temporary credentials are refused as expired this long after they were issued")
    if "--hostile" in argv and argv[argv.index("--hostile") + 1:][:1] == ["list"]:
        for k, v in HOSTILE.items():
            print("%-24s %s" % (k, v))
        sys.exit(0)
    a = ap.parse_args(argv)
    if a.hostile not in (None, *HOSTILE):
        ap.error("--hostile: no mode %r (--hostile list)" % a.hostile)
    if a.record_id_len < 1:
        ap.error("--record-id-len must be at least 1")
    if not 1 <= a.max_record_bytes <= KINESIS_MAX_RECORD_BYTES_LARGE:
        ap.error("--max-record-bytes must be 1..%d" % KINESIS_MAX_RECORD_BYTES_LARGE)
    return a


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    srv = Server(args)
    port = srv.server_address[1]
    stop = threading.Event()

    def on_signal(signum, frame):
        stop.set()
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    th = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
    th.start()
    if args.ready_file:
        write_ready(args.ready_file, port)
    print("listening on 127.0.0.1:%d" % port, flush=True)
    while not stop.wait(1):
        pass
    srv.shutdown()
    srv.server_close()
    srv.out.close()
    if srv.log:
        srv.log.close()
    if srv.failed_out:
        srv.failed_out.close()
    if srv.metrics_out:
        srv.metrics_out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
