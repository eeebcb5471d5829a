#!/usr/bin/env python3
"""A local stand-in for Amazon Kinesis Data Firehose's PutRecordBatch.

kagent's end-to-end tests and `make demo` send to it instead of AWS.  It checks
what AWS checks (SigV4 signature and clock skew, the JSON 1.1 protocol, the
model's limits) and answers the way AWS answers, and it can misbehave on
purpose (throttling, partial failures, dropped connections) so the agent's
retry and at-least-once paths get exercised.

    python3 tools/endpoint.py --port 0 [--tls CERTDIR] --out FILE
        --access-key AKID --secret SECRET [--region us-east-1]
        [--streams name1,name2] [--ready-file F] [--log FILE] [--seed N]
        [--partial P] [--throttle P] [--unavailable P] [--error500 P]
        [--drop P] [--drop-after P] [--slow P:SECONDS]
        [--clock-offset SECONDS] [--record-id-len N]
        [--idle-timeout SECONDS] [--max-requests N]

--out gets one JSON line per accepted record, {"stream": NAME, "data": BASE64
as received}, in arrival order.  --log gets one JSON line per request:
{"t", "status" (null when no answer was sent), "records" (in the request, once
it got as far as parsing the body), "failed" (records not accepted), "fault",
"error" (__type of the error answer), "bytes" (body length), "conn" (connection
number, to tell keep-alive reuse)}.

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


def parse_batch(body, streams):
    """Decodes and checks a PutRecordBatch body.  Returns (stream name,
    [base64 text of each record]); raises ApiError."""
    try:
        req = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError) as e:
        raise ApiError("SerializationException", "Could not parse the request body: %s" % e)
    if not isinstance(req, dict):
        raise ApiError("SerializationException",
                   "Start of structure or map found where not expected.")
    name = req.get("DeliveryStreamName")
    recs = req.get("Records")
    if name is not None and not isinstance(name, str):
        raise ApiError("SerializationException",
                   "class %s can not be converted to an String" % type(name).__name__)
    if recs is not None and not isinstance(recs, list):
        raise ApiError("SerializationException",
                   "Start of list found where not expected")
    errors = []
    if name is None:
        errors.append("Value null at 'deliveryStreamName' failed to satisfy "
                  "constraint: Member must not be null")
    else:
        if len(name) > 64:
            errors.append("Value '%s' at 'deliveryStreamName' failed to satisfy "
                      "constraint: Member must have length less than or equal to 64" % name)
        if len(name) < 1:
            errors.append("Value '%s' at 'deliveryStreamName' failed to satisfy "
                      "constraint: Member must have length greater than or equal to 1" % name)
        if name and not STREAM_RE.match(name):
            errors.append("Value '%s' at 'deliveryStreamName' failed to satisfy "
                      "constraint: Member must satisfy regular expression pattern: "
                      "[a-zA-Z0-9_.-]+" % name)
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
            if not isinstance(b64, str):
                raise ApiError("SerializationException",
                           "class %s can not be converted to an Blob" % type(b64).__name__)
            try:
                n = len(base64.b64decode(b64, validate=True))
            except (binascii.Error, ValueError):
                raise ApiError("SerializationException",
                           "Base64 encoded data at 'records.%d.member.data' is not valid." % i)
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

# ---------------------------------------------------------------- server


class Faults:
    """Per-request fault draws from one seeded generator."""

    def __init__(self, a):
        self.rng = random.Random(a.seed)
        self.lock = threading.Lock()
        self.p = {k: getattr(a, k.replace("-", "_")) for k in
              ("drop", "throttle", "unavailable", "error500", "drop-after", "partial")}
        self.slow_p, self.slow_s = a.slow

    def draw(self, nrecords):
        """-> (whole-request fault or None, [failed record flags], sleep)."""
        with self.lock:
            r = {k: self.rng.random() for k in ("drop", "throttle", "unavailable",
                                "error500", "drop-after", "slow")}
            fails = [self.p["partial"] > 0 and self.rng.random() < self.p["partial"]
                 for _ in range(nrecords)]
        fault = None
        for k in ("drop", "throttle", "unavailable", "error500", "drop-after"):
            if r[k] < self.p[k]:
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
        self.streams = set(s for s in (args.streams or "").split(",") if s)
        self.faults = Faults(args)
        self.out = open(args.out, "a", encoding="ascii")
        self.log = open(args.log, "a", encoding="utf-8") if args.log else None
        self.out_lock = threading.Lock()
        self.log_lock = threading.Lock()
        self.conn_lock = threading.Lock()
        self.nconn = 0
        self.ids = random.Random(args.seed + 7919)
        self.tls = None
        if args.tls:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.minimum_version = ssl.TLSVersion.TLSv1_2
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
                request.settimeout(10)
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

    def write_records(self, stream, data):
        lines = "".join('{"stream":%s,"data":"%s"}\n' % (json.dumps(stream), d) for d in data)
        with self.out_lock:
            self.out.write(lines)
            self.out.flush()

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
        self.timeout = server.args.idle_timeout
        super().__init__(request, client_address, server)

    def version_string(self):
        return "kagent-endpoint"

    def log_message(self, fmt, *args):
        pass

    def do_POST(self):
        self.serve()

    do_GET = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_POST

    def serve(self):
        self.served += 1
        self.entry = entry = {"t": round(time.time(), 6), "status": None, "records": 0,
                              "failed": 0, "fault": None, "error": None, "bytes": 0,
                              "conn": self.conn}
        self.logged = False
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
        if target != TARGET:
            return self.fail(entry, ApiError("UnknownOperationException", None))
        ctype = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if ctype != CONTENT_TYPE:
            # AWS's JSON services dispatch on the content type too: with
            # another one the operation is simply not found.
            return self.fail(entry, ApiError("UnknownOperationException", None))
        try:
            verify(self.command, self.path, self.headers.items(), body, srv.secrets,
                   srv.args.region, SERVICE, srv.clock())
        except AuthError as e:
            return self.fail(entry, ApiError(e.etype, e.message, e.status))
        try:
            stream, data = parse_batch(body, srv.streams)
        except ApiError as e:
            entry["records"] = entry["failed"] = e.records
            return self.fail(entry, e)
        n = len(data)
        entry["records"] = n
        fault, fails, sleep = srv.faults.draw(n)
        if sleep:
            entry["fault"] = "slow"
            time.sleep(sleep)
        if fault in ("drop", "throttle", "unavailable", "error500"):
            entry["failed"] = n     # nothing of this request is accepted
        if fault == "drop":
            entry["fault"] = "drop"
            return self.drop()
        if fault == "throttle":
            entry["fault"] = fault
            return self.fail(entry, ApiError("ThrottlingException", "Rate exceeded"))
        if fault == "unavailable":
            entry["fault"] = fault
            return self.fail(entry, ApiError("ServiceUnavailableException", "Slow down.", 503))
        if fault == "error500":
            entry["fault"] = fault
            return self.fail(entry, ApiError("InternalFailure", None, 500))
        ids = srv.record_ids(n)
        resp, ok = [], []
        for i in range(n):
            if fails[i]:
                resp.append({"ErrorCode": "ServiceUnavailableException",
                         "ErrorMessage": "Slow down."})
            else:
                resp.append({"RecordId": ids[i]})
                ok.append(data[i])
        failed = n - len(ok)
        entry["failed"] = failed
        if failed:
            entry["fault"] = "partial"
        if ok:
            srv.write_records(stream, ok)
        if fault == "drop-after":
            entry["fault"] = fault
            return self.drop()
        entry["status"] = 200
        self.reply(200, {"FailedPutCount": failed, "Encrypted": False,
                 "RequestResponses": resp})

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
        self.reply(e.status, body, {"x-amzn-ErrorType": "%s:http://internal.amazon.com/"
                        "coral/com.amazonaws.firehose/" % e.etype})

    def reply(self, status, obj, extra=None):
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
        self.send_header("Content-Type", CONTENT_TYPE)
        self.send_header("Content-Length", str(len(body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.write_log()
        # One write for head and body: no small-packet delays.
        self._headers_buffer.append(b"\r\n" + body)
        self.flush_headers()

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


def parse_args(argv):
    ap = argparse.ArgumentParser(description="local Firehose PutRecordBatch endpoint")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--tls", metavar="CERTDIR")
    ap.add_argument("--out", required=True)
    ap.add_argument("--access-key", required=True)
    ap.add_argument("--secret", required=True)
    ap.add_argument("--region", default="us-east-1")
    ap.add_argument("--streams")
    ap.add_argument("--ready-file")
    ap.add_argument("--log")
    ap.add_argument("--seed", type=int, default=1)
    for k in ("partial", "throttle", "unavailable", "error500", "drop", "drop-after"):
        ap.add_argument("--" + k, type=probability, default=0.0)
    ap.add_argument("--slow", type=slow_arg, default=(0.0, 0.0))
    ap.add_argument("--clock-offset", type=float, default=0.0)
    ap.add_argument("--record-id-len", type=int, default=200)
    ap.add_argument("--idle-timeout", type=float, default=300.0)
    ap.add_argument("--max-requests", type=int, default=0,
            help="close each connection after N requests (0: never)")
    a = ap.parse_args(argv)
    if a.record_id_len < 1:
        ap.error("--record-id-len must be at least 1")
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
