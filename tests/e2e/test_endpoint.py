"""Tests of tools/endpoint.py, the local Firehose and Kinesis Data Streams
stand-in the other end-to-end tests rely on: its SigV4 code against both AWS
test suites, then the live endpoint over TLS with a small independent signer.

    python3 tests/e2e/test_endpoint.py BUILD_DIR [NAME...]
"""
import base64
import email.utils
import hashlib
import hmac
import http.client
import json
import os
import re
import socket
import ssl
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Endpoint, test, wait_until  # noqa: E402

sys.path.insert(0, os.path.join(harness.ROOT, "tools"))
import endpoint as ep_mod  # noqa: E402

TARGET = "Firehose_20150804.PutRecordBatch"
KTARGET = "Kinesis_20131202.PutRecords"
CTYPE = "application/x-amz-json-1.1"
MISMATCH = ("The request signature we calculated does not match the signature you "
            "provided. Check your AWS Secret Access Key and signing method. Consult "
            "the service documentation for details.")

# ---------------------------------------------------------------- SigV4 suites

SUITE_AKID = "AKIDEXAMPLE"
SUITE_SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
SUITE_REGION = "us-east-1"
SUITE_SERVICE = "service"
SUITE_DATE = "20150830T123600Z"
SUITE_SCOPE = "20150830/us-east-1/service/aws4_request"
# The one case in both suites where the token is added after signing.
TOKEN_AFTER = "post-sts-header-after"


def testdata():
    d = os.environ.get("KAGENT_TESTDATA")
    if d:
        return d
    return os.path.join(harness.ROOT, "tests", "data")


def read(path):
    with open(path, "rb") as f:
        return f.read()


def parse_request(raw):
    """The suites' pseudo-HTTP -> (method, target, [(name, value)], body).
    Text is kept one character per byte (latin-1), like http.server."""
    text = raw.decode("latin-1")
    head, _, body = text.partition("\n\n")
    lines = head.split("\n")
    first = lines[0]
    sp = first.index(" ")
    method, target = first[:sp], first[sp + 1:first.rindex(" HTTP/1.1")]
    headers = []
    for line in lines[1:]:
        if not line:
            continue
        if line[0] in " \t":                # obs-fold: continues the value
            n, v = headers[-1]
            headers[-1] = (n, v + " " + line.strip())
            continue
        n, _, v = line.partition(":")
        headers.append((n, v))
    return method, target, headers, body.encode("latin-1")


def sign_case(method, target, headers, body, normalize=True):
    """Runs the endpoint's canonicalization on a case (every header signed)
    -> (canonical request, string to sign, signature, signed headers)."""
    path, query = ep_mod.split_target(target)
    creq = ep_mod.canonical_request(method, path, query, headers, None,
                                    ep_mod.sha256_hex(body), normalize)
    sts = ep_mod.string_to_sign(SUITE_DATE, SUITE_SCOPE, creq)
    key = ep_mod.signing_key(SUITE_SECRET, SUITE_DATE[:8], SUITE_REGION, SUITE_SERVICE)
    return creq, sts, ep_mod.signature(key, sts), ep_mod.canonical_headers(headers)[1]


def verify_case(method, target, headers, body, normalize=True, require_signed_token=True):
    """The endpoint's verifier on a signed case, at the suite's time."""
    return ep_mod.verify(method, target, headers, body, {SUITE_AKID: SUITE_SECRET},
                         SUITE_REGION, SUITE_SERVICE,
                         ep_mod.amz_date_to_unix(SUITE_DATE) + 60,
                         require_signed_token=require_signed_token, normalize=normalize)


def expect_auth_error(fn, etype):
    try:
        fn()
    except ep_mod.AuthError as e:
        if e.etype != etype:
            return "%s (%s) instead of %s" % (e.etype, e.message, etype)
        return None
    return "accepted, expected %s" % etype


def tamper(headers):
    """The same headers, with the signature's last hex digit changed."""
    out = []
    for n, v in headers:
        if n.lower() == "authorization":
            v = v[:-1] + ("0" if v[-1] != "0" else "1")
        out.append((n, v))
    return out


def check_verifier(name, method, target, signed_headers, body, normalize):
    """The verifier must accept the signed request, refuse it with a
    changed signature, and refuse a token that was not signed."""
    if name.endswith(TOKEN_AFTER):
        err = expect_auth_error(lambda: verify_case(method, target, signed_headers, body,
                                                    normalize), "IncompleteSignatureException")
        if err:
            return "verify (unsigned token): " + err
        verify_case(method, target, signed_headers, body, normalize, require_signed_token=False)
        return None
    try:
        akid = verify_case(method, target, signed_headers, body, normalize)
    except ep_mod.AuthError as e:
        return "verify refused the signed request: %s %s" % (e.etype, e.message)
    if akid != SUITE_AKID:
        return "verify returned %r" % akid
    err = expect_auth_error(lambda: verify_case(method, target, tamper(signed_headers), body,
                                                normalize), "InvalidSignatureException")
    return "verify (changed signature): " + err if err else None


@test
def sigv4_aws_c_auth_suite():
    root = os.path.join(testdata(), "sigv4", "aws-c-auth-v4")
    cases = sorted(c for c in os.listdir(root)
                   if os.path.isfile(os.path.join(root, c, "context.json")))
    bad = []
    for c in cases:
        d = os.path.join(root, c)
        ctx = json.loads(read(os.path.join(d, "context.json")))
        assert ctx["timestamp"] == "2015-08-30T12:36:00Z", c
        assert ctx["credentials"]["access_key_id"] == SUITE_AKID, c
        method, target, headers, body = parse_request(read(os.path.join(d, "request.txt")))
        token = ctx["credentials"].get("token")
        if token and not ctx.get("omit_session_token"):
            headers.append(("X-Amz-Security-Token", token))
        headers.append(("X-Amz-Date", SUITE_DATE))
        if ctx.get("sign_body"):
            headers.append(("x-amz-content-sha256", ep_mod.sha256_hex(body)))
        creq, sts, sig, _ = sign_case(method, target, headers, body, ctx["normalize"])
        for what, got, fname in (("canonical request", creq.encode("latin-1"),
                                  "header-canonical-request.txt"),
                                 ("string to sign", sts.encode("latin-1"),
                                  "header-string-to-sign.txt"),
                                 ("signature", sig.encode(), "header-signature.txt")):
            want = read(os.path.join(d, fname))
            if got != want:
                bad.append("%s: %s\n--- got\n%s\n--- want\n%s" % (c, what, got.decode("latin-1"),
                                                                 want.decode("latin-1")))
                break
        else:
            m, t, h, b = parse_request(read(os.path.join(d, "header-signed-request.txt")))
            err = check_verifier(c, m, t, h, b, ctx["normalize"])
            if err:
                bad.append("%s: %s" % (c, err))
    assert not bad, "%d of %d cases failed: %s\n%s" % (
        len(bad), len(cases), ", ".join(b.split(":")[0] for b in bad), "\n".join(bad))
    assert len(cases) == 38, "ran %d cases, want 38" % len(cases)


@test
def sigv4_botocore_suite():
    root = os.path.join(testdata(), "sigv4", "botocore-aws4_testsuite")
    cases = []
    for dirpath, _, files in os.walk(root):
        name = os.path.basename(dirpath)
        if name + ".req" in files:
            cases.append((os.path.relpath(dirpath, root), os.path.join(dirpath, name)))
    cases.sort()
    bad = []
    for rel, base in cases:
        method, target, headers, body = parse_request(read(base + ".req"))
        # The token is in the signed request; the .req of
        # post-sts-header-before has it already, the other two do not.
        sreq_headers = parse_request(read(base + ".sreq"))[2]
        token = [v for n, v in sreq_headers if n.lower() == "x-amz-security-token"]
        has_token = any(n.lower() == "x-amz-security-token" for n, _ in headers)
        if token and not has_token and not rel.endswith(TOKEN_AFTER):
            headers.append(("X-Amz-Security-Token", token[0]))
        creq, sts, sig, signed = sign_case(method, target, headers, body)
        authz = "%s Credential=%s/%s, SignedHeaders=%s, Signature=%s" % (
            ep_mod.ALGORITHM, SUITE_AKID, SUITE_SCOPE, signed, sig)
        for what, got, ext in (("canonical request", creq.encode("latin-1"), ".creq"),
                               ("string to sign", sts.encode("latin-1"), ".sts"),
                               ("authorization", authz.encode(), ".authz")):
            want = read(base + ext)
            if got != want:
                bad.append("%s: %s\n--- got\n%s\n--- want\n%s" % (rel, what, got.decode("latin-1"),
                                                                 want.decode("latin-1")))
                break
        else:
            # The verifier gets the request as sent: .req, the token if any,
            # and the expected Authorization.  (.sreq is not used for this:
            # in get-vanilla-with-session-token its Signature differs from
            # .authz upstream.)
            sent = list(headers)
            if token and rel.endswith(TOKEN_AFTER):
                sent.append(("X-Amz-Security-Token", token[0]))
            sent.append(("Authorization", read(base + ".authz").decode("latin-1")))
            err = check_verifier(rel, method, target, sent, body, True)
            if err:
                bad.append("%s: %s" % (rel, err))
    assert not bad, "%d of %d cases failed: %s\n%s" % (
        len(bad), len(cases), ", ".join(b.split(":")[0] for b in bad), "\n".join(bad))
    # upstream's README says 33, but the snapshot holds 34 cases (.req files).
    assert len(cases) == 34, "ran %d cases, want 34" % len(cases)


@test
def sigv4_verifier_checks():
    """Scope, date and header rules of verify(), away from the suites."""
    now = ep_mod.amz_date_to_unix(SUITE_DATE)
    d = os.path.join(testdata(), "sigv4", "aws-c-auth-v4", "post-vanilla")
    m, t, h, b = parse_request(read(os.path.join(d, "header-signed-request.txt")))

    def v(headers, when=now, region=SUITE_REGION, service=SUITE_SERVICE, secrets=None):
        return ep_mod.verify(m, t, headers, b, secrets or {SUITE_AKID: SUITE_SECRET},
                             region, service, when)
    assert v(h) == SUITE_AKID
    assert v(h, now + 299) == SUITE_AKID and v(h, now - 299) == SUITE_AKID
    for kw, etype, msg in (
            ({"when": now + 301}, "InvalidSignatureException",
             "Signature expired: 20150830T123600Z is now earlier than 20150830T123601Z "
             "(20150830T124101Z - 5 min.)"),
            ({"when": now - 301}, "InvalidSignatureException",
             "Signature not yet current: 20150830T123600Z is still later than "
             "20150830T123559Z (20150830T123059Z + 5 min.)"),
            ({"region": "eu-west-1"}, "InvalidSignatureException",
             "Credential should be scoped to a valid region, not 'us-east-1'. "),
            ({"service": "firehose"}, "InvalidSignatureException",
             "Credential should be scoped to correct service: 'firehose'. "),
            ({"secrets": {"AKIDOTHER": SUITE_SECRET}}, "UnrecognizedClientException",
             "The security token included in the request is invalid."),
            ({"secrets": {SUITE_AKID: SUITE_SECRET + "x"}}, "InvalidSignatureException",
             MISMATCH)):
        try:
            v(h, **kw)
            raise AssertionError("accepted with %r" % kw)
        except ep_mod.AuthError as e:
            assert (e.etype, e.message) == (etype, msg), (kw, e.etype, e.message)
    no_auth = [(n, x) for n, x in h if n.lower() != "authorization"]
    for headers, etype in (
            (no_auth, "MissingAuthenticationTokenException"),
            (no_auth + [("Authorization", "AWS4-HMAC-SHA256 Credential=a/b")],
             "IncompleteSignatureException"),
            ([(n, x.replace("SignedHeaders=host;x-amz-date", "SignedHeaders=x-amz-date"))
              for n, x in h], "IncompleteSignatureException"),
            ([(n, x.replace("SignedHeaders=host;x-amz-date", "SignedHeaders=host"))
              for n, x in h], "IncompleteSignatureException"),
            ([(n, x.replace("20150830/", "20150831/")) for n, x in h],
             "InvalidSignatureException"),
            (h + [("X-Amz-Security-Token", "tok")], "IncompleteSignatureException"),
            (h + [("x-amz-content-sha256", "0" * 64)], "InvalidSignatureException")):
        try:
            v(headers)
            raise AssertionError("accepted %r" % headers)
        except ep_mod.AuthError as e:
            assert e.etype == etype, (headers, e.etype, e.message)
    # The body is signed: one byte more and the signature fails.
    try:
        ep_mod.verify(m, t, h, b + b" ", {SUITE_AKID: SUITE_SECRET}, SUITE_REGION,
                      SUITE_SERVICE, now)
        raise AssertionError("accepted a changed body")
    except ep_mod.AuthError as e:
        assert e.etype == "InvalidSignatureException", e.etype

# ---------------------------------------------------------------- live endpoint


def sign(host, body, akid, secret, region="us-east-1", when=None, target=TARGET,
         ctype=CTYPE, service="firehose", extra=None):
    """A minimal, separate SigV4 signer for POST / (not the endpoint's)."""
    amz = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(time.time() if when is None else when))
    h = {"host": host, "content-type": ctype, "x-amz-date": amz, "x-amz-target": target}
    h.update(extra or {})
    names = sorted(h)
    creq = "POST\n/\n\n%s\n%s\n%s" % ("".join("%s:%s\n" % (n, h[n]) for n in names),
                                      ";".join(names), hashlib.sha256(body).hexdigest())
    scope = "%s/%s/%s/aws4_request" % (amz[:8], region, service)
    sts = "AWS4-HMAC-SHA256\n%s\n%s\n%s" % (amz, scope,
                                          hashlib.sha256(creq.encode()).hexdigest())
    k = ("AWS4" + secret).encode()
    for p in (amz[:8], region, service, "aws4_request"):
        k = hmac.new(k, p.encode(), hashlib.sha256).digest()
    sig = hmac.new(k, sts.encode(), hashlib.sha256).hexdigest()
    h["authorization"] = "AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s" % (
        akid, scope, ";".join(names), sig)
    return h


def batch(records, stream="s1"):
    return json.dumps({"DeliveryStreamName": stream,
                       "Records": [{"Data": base64.b64encode(r).decode()} for r in records]}
                      ).encode()


def connect(ep, cafile=None):
    if ep.tls:
        ctx = ssl.create_default_context(cafile=cafile or ep.ca)
        return http.client.HTTPSConnection("localhost", ep.port, context=ctx, timeout=10)
    return http.client.HTTPConnection("127.0.0.1", ep.port, timeout=10)


def post(conn, ep, body, akid=None, secret=None, raw_headers=None, **kw):
    """Signs and sends body; returns (status, headers, parsed JSON body)."""
    if raw_headers is None:
        raw_headers = sign("%s:%d" % (ep.host, ep.port), body, akid or ep.access_key,
                           secret or ep.secret, **kw)
    conn.request("POST", "/", body, raw_headers)
    r = conn.getresponse()
    data = r.read()
    return r.status, r, json.loads(data) if data else None


def expect_error(res, status, etype, message=None):
    st, r, obj = res
    assert st == status, "status %d, want %d: %r" % (st, status, obj)
    assert obj["__type"] == etype, "__type %r, want %r (%r)" % (obj["__type"], etype, obj)
    if message is not None:
        assert obj.get("message") == message, "message %r, want %r" % (obj.get("message"), message)
    assert r.getheader("x-amzn-ErrorType", "").startswith(etype + ":"), r.getheader("x-amzn-ErrorType")
    assert r.getheader("x-amzn-RequestId"), "no x-amzn-RequestId"
    assert r.getheader("Content-Type") == CTYPE
    assert r.getheader("Date")


@test
def accepts_signed_batch(tmp):
    recs = [b"first line\n", b"", bytes(range(256)), b"x" * 5000]
    with Endpoint(tmp) as ep:
        assert ep.url == "https://localhost:%d" % ep.port
        conn = connect(ep)
        st, r, obj = post(conn, ep, batch(recs))
        assert st == 200, (st, obj)
        assert obj["FailedPutCount"] == 0 and obj["Encrypted"] is False, obj
        assert len(obj["RequestResponses"]) == 4, obj
        ids = [e["RecordId"] for e in obj["RequestResponses"]]
        assert all(len(i) == 200 for i in ids) and len(set(ids)) == 4, ids
        assert r.getheader("Content-Type") == CTYPE and r.getheader("x-amzn-RequestId")
        assert ep.records() == recs, ep.records()
        assert ep.record_entries()[0] == ("s1", recs[0])
        log = ep.requests()
        assert len(log) == 1, log
        assert (log[0]["status"], log[0]["records"], log[0]["failed"], log[0]["fault"],
                log[0]["error"]) == (200, 4, 0, None, None), log[0]
        assert log[0]["bytes"] == len(batch(recs)), log[0]


@test
def latency_and_concurrent_requests(tmp):
    """--latency holds every put's answer; the log's "concurrent" counts the
    requests being served when each arrived: three at once on three
    connections are 1, 2, 3; one after the other on one connection, 1."""
    with Endpoint(tmp, tls=False, latency=0.5) as ep:
        t0 = time.monotonic()
        st, _, _ = post(connect(ep), ep, batch([b"a"]))
        assert st == 200 and time.monotonic() - t0 >= 0.5, st
        conns = [connect(ep) for _ in range(3)]
        results = []

        def put(c, i):
            results.append(post(c, ep, batch([b"%d" % i]))[0])
        ts = [threading.Thread(target=put, args=(c, i)) for i, c in enumerate(conns)]
        for t in ts:
            t.start()
            time.sleep(0.1)     # each arrives while the ones before wait
        for t in ts:
            t.join()
        assert results == [200] * 3, results
        c = conns[0]
        for i in range(2):
            assert post(c, ep, batch([b"x"]))[0] == 200
        log = ep.requests()
        assert [e["concurrent"] for e in log] == [1, 1, 2, 3, 1, 1], log


@test
def record_id_length_option(tmp):
    with Endpoint(tmp, record_id_len=56) as ep:
        st, _, obj = post(connect(ep), ep, batch([b"a", b"b"]))
        assert st == 200 and [len(e["RecordId"]) for e in obj["RequestResponses"]] == [56, 56], obj


@test
def wrong_secret(tmp):
    with Endpoint(tmp) as ep:
        expect_error(post(connect(ep), ep, batch([b"a"]), secret=ep.secret + "x"),
                     400, "InvalidSignatureException", MISMATCH)
        assert ep.records() == []
        assert ep.requests()[0]["error"] == "InvalidSignatureException"


@test
def unknown_key(tmp):
    with Endpoint(tmp) as ep:
        expect_error(post(connect(ep), ep, batch([b"a"]), akid="AKIDNOBODY"),
                     400, "UnrecognizedClientException",
                     "The security token included in the request is invalid.")
        assert ep.records() == []


@test
def expired_and_future_dates(tmp):
    with Endpoint(tmp) as ep:
        conn = connect(ep)
        when = time.time() - 600
        st, _, obj = post(conn, ep, batch([b"a"]), when=when)
        assert st == 400 and obj["__type"] == "InvalidSignatureException", obj
        amz = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(when))
        assert obj["message"].startswith("Signature expired: %s is now earlier than " % amz), obj
        assert obj["message"].endswith(" - 5 min.)"), obj
        st, _, obj = post(conn, ep, batch([b"a"]), when=time.time() + 600)
        assert st == 400 and obj["message"].startswith("Signature not yet current: "), obj
        # Within the 5 minutes either way: accepted.
        assert post(conn, ep, batch([b"b"]), when=time.time() - 240)[0] == 200
        assert post(conn, ep, batch([b"c"]), when=time.time() + 240)[0] == 200
        assert ep.records() == [b"b", b"c"]


@test
def clock_offset(tmp):
    with Endpoint(tmp, clock_offset=-900) as ep:
        st, _, obj = post(connect(ep), ep, batch([b"a"]))
        assert st == 400 and obj["message"].startswith("Signature not yet current"), obj
        st, _, obj = post(connect(ep), ep, batch([b"a"]), when=time.time() - 900)
        assert st == 200, obj


@test
def wrong_scope(tmp):
    with Endpoint(tmp) as ep:
        conn = connect(ep)
        expect_error(post(conn, ep, batch([b"a"]), region="eu-west-1"), 400,
                     "InvalidSignatureException",
                     "Credential should be scoped to a valid region, not 'eu-west-1'. ")
        expect_error(post(conn, ep, batch([b"a"]), service="kinesis"), 400,
                     "InvalidSignatureException",
                     "Credential should be scoped to correct service: 'firehose'. ")


@test
def unknown_stream(tmp):
    with Endpoint(tmp, streams=["s1", "s2"]) as ep:
        conn = connect(ep)
        expect_error(post(conn, ep, batch([b"a"], "s3")), 400, "ResourceNotFoundException",
                     "Firehose s3 under account 123456789012 not found.")
        assert post(conn, ep, batch([b"b"], "s2"))[0] == 200
        assert ep.record_entries() == [("s2", b"b")]


@test
def record_count_limits(tmp):
    with Endpoint(tmp) as ep:
        conn = connect(ep)
        st, _, obj = post(conn, ep, batch([b"r%d" % i for i in range(501)]))
        expect_error((st, _, obj), 400, "ValidationException")
        assert obj["message"].startswith("1 validation error detected: Value '["), obj
        assert obj["message"].endswith("' at 'records' failed to satisfy constraint: Member "
                                       "must have length less than or equal to 500"), obj
        st, _, obj = post(conn, ep, batch([]))
        expect_error((st, _, obj), 400, "ValidationException",
                     "1 validation error detected: Value '[]' at 'records' failed to satisfy "
                     "constraint: Member must have length greater than or equal to 1")
        assert ep.records() == []
        recs = [b"r%d" % i for i in range(500)]
        st, _, obj = post(conn, ep, batch(recs))
        assert st == 200 and len(obj["RequestResponses"]) == 500, st
        assert ep.records() == recs


@test
def record_size_limits(tmp):
    with Endpoint(tmp) as ep:
        conn = connect(ep)
        expect_error(post(conn, ep, batch([b"a", b"x" * 1024001])), 400, "ValidationException",
                     "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 "
                     "lim=1024001 cap=1024001]' at 'records.2.member.data' failed to satisfy "
                     "constraint: Member must have length less than or equal to 1024000")
        assert ep.records() == []
        # 5 x 1,000,000 bytes: each fine, together over 4 MiB.
        expect_error(post(conn, ep, batch([b"y" * 1000000] * 5)), 400,
                     "InvalidArgumentException", "Records size exceeds 4 MB limit")
        assert ep.records() == []
        big = [b"z" * 1024000] * 4     # 4,096,000 <= 4,194,304
        st, _, obj = post(conn, ep, batch(big))
        assert st == 200 and obj["FailedPutCount"] == 0, obj
        assert ep.records() == big


@test
def malformed_requests_keep_the_connection(tmp):
    with Endpoint(tmp) as ep:
        conn = connect(ep)
        host = "localhost:%d" % ep.port
        expect_error(post(conn, ep, b"{not json"), 400, "SerializationException")
        expect_error(post(conn, ep, b"[1]"), 400, "SerializationException")
        expect_error(post(conn, ep, b'{"DeliveryStreamName":"s1","Records":[{"Data":"@@"}]}'),
                     400, "SerializationException")
        expect_error(post(conn, ep, batch([b"a"], "bad name")), 400, "ValidationException",
                     "1 validation error detected: Value 'bad name' at 'deliveryStreamName' "
                     "failed to satisfy constraint: Member must satisfy regular expression "
                     "pattern: [a-zA-Z0-9_.-]+")
        expect_error(post(conn, ep, batch([b"a"], "n" * 65)), 400, "ValidationException")
        expect_error(post(conn, ep, b'{"Records":[{}]}'), 400, "ValidationException",
                     "2 validation errors detected: Value null at 'deliveryStreamName' failed "
                     "to satisfy constraint: Member must not be null; Value null at "
                     "'records.1.member.data' failed to satisfy constraint: Member must not "
                     "be null")
        expect_error(post(conn, ep, batch([b"a"]), target="Firehose_20150804.PutRecord"),
                     400, "UnknownOperationException")
        expect_error(post(conn, ep, batch([b"a"]), ctype="application/json"),
                     400, "UnknownOperationException")
        h = sign(host, batch([b"a"]), ep.access_key, ep.secret)
        del h["authorization"]
        expect_error(post(conn, ep, batch([b"a"]), raw_headers=h), 400,
                     "MissingAuthenticationTokenException", "Missing Authentication Token")
        # The signed body is the one checked.
        h = sign(host, batch([b"a"]), ep.access_key, ep.secret)
        expect_error(post(conn, ep, batch([b"b"]), raw_headers=h), 400,
                     "InvalidSignatureException", MISMATCH)
        assert ep.records() == []
        assert post(conn, ep, batch([b"ok"]))[0] == 200
        assert ep.records() == [b"ok"]
        log = ep.requests()
        assert len(log) == 11 and len({e["conn"] for e in log}) == 1, log


@test
def garbage_does_not_stop_it(tmp):
    with Endpoint(tmp, tls=False) as ep:
        assert ep.url == "http://127.0.0.1:%d" % ep.port
        for junk in (b"\x00\xff garbage\r\n\r\n", b"GET\r\n\r\n",
                     b"POST / HTTP/1.1\r\nContent-Length: x\r\n\r\n",
                     b"POST / HTTP/1.1\r\nContent-Length: 100\r\n\r\nshort"):
            s = socket.create_connection(("127.0.0.1", ep.port), timeout=5)
            s.sendall(junk)
            s.shutdown(socket.SHUT_WR)
            try:
                while s.recv(4096):
                    pass
            except ConnectionResetError:    # closed with our bytes unread
                pass
            s.close()
        # A TLS client talking to it, and a plain one to a TLS endpoint.
        st, _, obj = post(connect(ep), ep, batch([b"plain"]))
        assert st == 200, obj
        assert ep.records() == [b"plain"] and ep.alive()
    with Endpoint(tmp) as ep:
        s = socket.create_connection(("127.0.0.1", ep.port), timeout=5)
        s.sendall(b"POST / HTTP/1.1\r\nHost: x\r\n\r\n")
        try:
            while s.recv(4096):
                pass
        except ConnectionResetError:
            pass
        s.close()
        assert post(connect(ep), ep, batch([b"tls"]))[0] == 200 and ep.alive()


@test
def untrusted_ca_refused(tmp):
    with Endpoint(tmp) as ep:
        try:
            post(connect(ep, cafile=ep.other_ca), ep, batch([b"a"]))
            raise AssertionError("a server signed by another CA was trusted")
        except ssl.SSLCertVerificationError:
            pass
        assert ep.records() == [] and ep.requests() == []


@test
def partial_failure_all(tmp):
    with Endpoint(tmp, partial=1.0) as ep:
        st, _, obj = post(connect(ep), ep, batch([b"r%d" % i for i in range(7)]))
        assert st == 200 and obj["FailedPutCount"] == 7, obj
        assert obj["RequestResponses"] == [{"ErrorCode": "ServiceUnavailableException",
                                            "ErrorMessage": "Slow down."}] * 7, obj
        assert ep.records() == []
        e = ep.requests()[0]
        assert (e["status"], e["records"], e["failed"], e["fault"]) == (200, 7, 7, "partial"), e


@test
def partial_failure_some(tmp):
    recs = [b"r%d" % i for i in range(200)]
    with Endpoint(tmp, partial=0.5, seed=3) as ep:
        st, _, obj = post(connect(ep), ep, batch(recs))
        assert st == 200, obj
        rr = obj["RequestResponses"]
        failed = [i for i, e in enumerate(rr) if "ErrorCode" in e]
        assert obj["FailedPutCount"] == len(failed) and 40 < len(failed) < 160, obj["FailedPutCount"]
        assert all(("RecordId" in e) != ("ErrorCode" in e) for e in rr)
        assert ep.records() == [r for i, r in enumerate(recs) if i not in failed]


@test
def drop_closes_without_answer(tmp):
    with Endpoint(tmp, drop=1.0) as ep:
        try:
            post(connect(ep), ep, batch([b"a", b"b"]))
            raise AssertionError("got an answer")
        except (http.client.RemoteDisconnected, ConnectionError, ssl.SSLError):
            pass
        wait_until(lambda: ep.requests(), 5)
        e = ep.requests()[0]
        assert (e["status"], e["fault"], e["records"], e["failed"]) == (None, "drop", 2, 2), e
        assert ep.records() == []


@test
def drop_after_accepting(tmp):
    with Endpoint(tmp, drop_after=1.0) as ep:
        try:
            post(connect(ep), ep, batch([b"a", b"b"]))
            raise AssertionError("got an answer")
        except (http.client.RemoteDisconnected, ConnectionError, ssl.SSLError):
            pass
        assert ep.records() == [b"a", b"b"]
        wait_until(lambda: ep.requests(), 5)
        e = ep.requests()[0]
        assert (e["status"], e["fault"], e["failed"]) == (None, "drop-after", 0), e


@test
def whole_request_faults(tmp):
    for opt, status, etype, msg in (("throttle", 400, "ThrottlingException", "Rate exceeded"),
                                    ("unavailable", 503, "ServiceUnavailableException",
                                     "Slow down."),
                                    ("error500", 500, "InternalFailure", None)):
        d = os.path.join(tmp, opt)
        os.mkdir(d)
        with Endpoint(d, **{opt: 1.0}) as ep:
            conn = connect(ep)
            expect_error(post(conn, ep, batch([b"a"])), status, etype, msg)
            # Still on the same connection.
            expect_error(post(conn, ep, batch([b"b"])), status, etype, msg)
            assert ep.records() == []
            log = ep.requests()
            assert [(e["fault"], e["status"], e["error"]) for e in log] == [(opt, status, etype)] * 2
            assert log[0]["conn"] == log[1]["conn"]


@test
def faults_are_seeded(tmp):
    def outcomes(d, seed):
        os.mkdir(d)
        with Endpoint(d, throttle=0.5, seed=seed) as ep:
            conn = connect(ep)
            return [post(conn, ep, batch([b"%d" % i]))[0] for i in range(30)]
    a = outcomes(os.path.join(tmp, "a"), 5)
    b = outcomes(os.path.join(tmp, "b"), 5)
    c = outcomes(os.path.join(tmp, "c"), 6)
    assert a == b, (a, b)
    assert a != c and 200 in a and 400 in a, (a, c)


@test
def slow_answers(tmp):
    with Endpoint(tmp, slow=(1.0, 0.3)) as ep:
        conn = connect(ep)
        t0 = time.monotonic()
        assert post(conn, ep, batch([b"a"]))[0] == 200
        assert time.monotonic() - t0 >= 0.3
        assert ep.requests()[0]["fault"] == "slow"


@test
def keep_alive_50_requests(tmp):
    with Endpoint(tmp) as ep:
        conn = connect(ep)
        conn.connect()
        sock = conn.sock
        for i in range(50):
            st, r, obj = post(conn, ep, batch([b"k%d" % i]))
            assert st == 200, obj
            assert conn.sock is sock, "connection was not kept at request %d" % i
            assert r.getheader("Connection") is None
        assert ep.records() == [b"k%d" % i for i in range(50)]
        log = ep.requests()
        assert len(log) == 50 and {e["conn"] for e in log} == {log[0]["conn"]}
        # Connection: close is honoured.
        h = sign("localhost:%d" % ep.port, batch([b"last"]), ep.access_key, ep.secret)
        h["Connection"] = "close"
        st, r, _ = post(conn, ep, batch([b"last"]), raw_headers=h)
        assert st == 200 and r.getheader("Connection") == "close"
        assert conn.sock is None


@test
def max_requests_per_connection(tmp):
    with Endpoint(tmp, max_requests=3) as ep:
        conn = connect(ep)
        for i in range(7):
            assert post(conn, ep, batch([b"m%d" % i]))[0] == 200
        conns = [e["conn"] for e in ep.requests()]
        assert conns == [conns[0]] * 3 + [conns[3]] * 3 + [conns[6]], conns


@test
def request_rate_one_connection(tmp):
    """Many small requests back to back on one connection (plain HTTP to
    measure the endpoint, not TLS): none lost, at a useful rate."""
    n = 1000
    with Endpoint(tmp, tls=False) as ep:
        conn = connect(ep)
        body = batch([b"rate"])
        t0 = time.monotonic()
        for i in range(n):
            assert post(conn, ep, body)[0] == 200
        rate = n / (time.monotonic() - t0)
        assert len(ep.records()) == n and len(ep.requests()) == n
        # The client signs each request too; the bound is loose on purpose.
        assert rate > 300, "only %.0f requests/s" % rate
        print("  %.0f requests/s (client signing included)" % rate)

# ---------------------------------------------------------------- Kinesis PutRecords

# Hash key ranges of the shards of a 2- and a 3-shard stream, as the Kinesis
# API reference's DescribeStream examples show them (not computed here the
# way the endpoint computes them).
RANGES = {
    2: [(0, 170141183460469231731687303715884105727),
        (170141183460469231731687303715884105728, 340282366920938463463374607431768211455)],
    3: [(0, 113427455640312821154458202477256070484),
        (113427455640312821154458202477256070485, 226854911280625642308916404954512140969),
        (226854911280625642308916404954512140970, 340282366920938463463374607431768211455)],
}
ACCOUNT = "123456789012"
DATE_RE = re.compile(r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|"
                     r"Nov|Dec) \d{4} \d\d:\d\d:\d\d GMT\Z")


def expected_shard(key, nshards):
    h = int(hashlib.md5(key.encode()).hexdigest(), 16)
    for i, (lo, hi) in enumerate(RANGES[nshards]):
        if lo <= h <= hi:
            return "shardId-%012d" % i
    raise AssertionError("no shard for %r" % key)


def kbatch(records, stream="k1", keys=None, raw=False):
    """A PutRecords body: records (bytes) with keys (default "pk<i>")."""
    keys = keys if keys is not None else ["pk%d" % i for i in range(len(records))]
    recs = [{"Data": base64.b64encode(r).decode(), "PartitionKey": k} for r, k in zip(records, keys)]
    return json.dumps({"StreamName": stream, "Records": recs}).encode()


def kpost(conn, ep, body, **kw):
    kw.setdefault("target", KTARGET)
    kw.setdefault("service", "kinesis")
    return post(conn, ep, body, **kw)


def kdescribe(conn, ep, obj, **kw):
    kw.setdefault("service", "kinesis")
    return post(conn, ep, json.dumps(obj).encode(),
                target="Kinesis_20131202.DescribeStreamSummary", **kw)


def out_lines(ep):
    """The endpoint's --out lines as dicts, Firehose's and Kinesis's."""
    with open(ep.out, "rb") as f:
        return [json.loads(x) for x in f.read().split(b"\n") if x]


def kinesis_out(ep):
    """Accepted Kinesis records as (stream, data, key, shard)."""
    return [(x["stream"], base64.b64decode(x["data"]), x["key"], x["shard"])
            for x in out_lines(ep) if x.get("api") == "kinesis"]


@test
def kinesis_accepts_signed_put(tmp):
    recs = [b"first line\n", b"", bytes(range(256)), b"x" * 5000]
    keys = ["pk0", "\u00e9t\u00e9 \"quoted\" \\ /", "k" * 256, "\U0001f600" * 128]
    with Endpoint(tmp) as ep:
        conn = connect(ep)
        st, r, obj = kpost(conn, ep, kbatch(recs, keys=keys))
        assert st == 200, (st, obj)
        assert obj["FailedRecordCount"] == 0 and obj["EncryptionType"] == "NONE", obj
        assert [e["ShardId"] for e in obj["Records"]] == [expected_shard(k, 2) for k in keys], obj
        seqs = [int(e["SequenceNumber"]) for e in obj["Records"]]
        assert all(len(e["SequenceNumber"]) == 56 for e in obj["Records"]), obj
        assert seqs == sorted(set(seqs)), seqs
        assert all(set(e) == {"SequenceNumber", "ShardId"} for e in obj["Records"]), obj
        assert r.getheader("Content-Type") == CTYPE and r.getheader("x-amzn-RequestId")
        assert kinesis_out(ep) == [("k1", d, k, expected_shard(k, 2)) for d, k in zip(recs, keys)]
        assert [x["seq"] for x in out_lines(ep)] == [e["SequenceNumber"] for e in obj["Records"]]
        # the harness's readers see Kinesis records too
        assert ep.records() == recs and ep.record_entries()[0] == ("k1", recs[0])
        log = ep.requests()
        assert [(e["status"], e["records"], e["failed"], e["fault"], e["error"], e["api"], e["op"])
                for e in log] == [(200, 4, 0, None, None, "kinesis", "PutRecords")], log
        # sequence numbers go on growing
        st, _, obj2 = kpost(conn, ep, kbatch([b"next"]))
        assert st == 200 and int(obj2["Records"][0]["SequenceNumber"]) > seqs[-1], obj2


@test
def kinesis_shards_as_kinesis_does(tmp):
    keys = ["key-%d" % i for i in range(60)]
    with Endpoint(tmp, kinesis_streams="one:1,three:3,two") as ep:
        conn = connect(ep)
        for stream, n in (("one", None), ("three", 3), ("two", 2)):
            st, _, obj = kpost(conn, ep, kbatch([b"d"] * len(keys), stream, keys))
            assert st == 200, obj
            want = ["shardId-000000000000"] * len(keys) if n is None else \
                [expected_shard(k, n) for k in keys]
            assert [e["ShardId"] for e in obj["Records"]] == want, (stream, obj)
            assert len(set(want)) == (n or 1), want     # every shard got some
        recs = kinesis_out(ep)
        assert [(s, k) for s, _, k, _ in recs] == [(s, k) for s in ("one", "three", "two")
                                                   for k in keys]
        expect_error(kpost(conn, ep, kbatch([b"d"], "four")), 400, "ResourceNotFoundException",
                     "Stream four under account 123456789012 not found.")


@test
def kinesis_scope_and_operations(tmp):
    with Endpoint(tmp, streams=["s1"], kinesis_streams="k1") as ep:
        conn = connect(ep)
        st, r, obj = kpost(conn, ep, kbatch([b"a"]), service="firehose")
        expect_error((st, r, obj), 400, "InvalidSignatureException",
                     "Credential should be scoped to correct service: 'kinesis'. ")
        assert "com.amazonaws.kinesis" in r.getheader("x-amzn-ErrorType")
        expect_error(kpost(conn, ep, kbatch([b"a"]), target="Kinesis_20131202.PutRecord"), 400,
                     "UnknownOperationException")
        expect_error(kpost(conn, ep, kbatch([b"a"]), ctype="application/json"), 400,
                     "UnknownOperationException")
        expect_error(kpost(conn, ep, kbatch([b"a"]), secret=ep.secret + "x"), 400,
                     "InvalidSignatureException", MISMATCH)
        expect_error(kpost(conn, ep, kbatch([b"a"]), akid="AKIDNOBODY"), 400,
                     "UnrecognizedClientException",
                     "The security token included in the request is invalid.")
        # the names of one API are not the other's
        expect_error(kpost(conn, ep, kbatch([b"a"], "s1")), 400, "ResourceNotFoundException",
                     "Stream s1 under account 123456789012 not found.")
        expect_error(post(conn, ep, batch([b"a"], "k1")), 400, "ResourceNotFoundException",
                     "Firehose k1 under account 123456789012 not found.")
        # both on one connection, in order
        assert kpost(conn, ep, kbatch([b"k"]))[0] == 200
        assert post(conn, ep, batch([b"f"]))[0] == 200
        assert kpost(conn, ep, kbatch([b"k2"]))[0] == 200
        assert ep.record_entries() == [("k1", b"k"), ("s1", b"f"), ("k1", b"k2")]
        assert [x.get("api") for x in out_lines(ep)] == ["kinesis", None, "kinesis"]
        log = ep.requests()
        assert len({e["conn"] for e in log}) == 1, log
        assert [e["api"] for e in log] == ["kinesis", None, None] + ["kinesis"] * 3 + \
            ["firehose", "kinesis", "firehose", "kinesis"], log


@test
def kinesis_stream_arn(tmp):
    arn = "arn:aws:kinesis:us-east-1:123456789012:stream/k1"
    with Endpoint(tmp) as ep:
        conn = connect(ep)
        body = json.dumps({"StreamARN": arn, "Records": [{"Data": "YQ==", "PartitionKey": "p"}]})
        st, _, obj = kpost(conn, ep, body.encode())
        assert st == 200, obj
        assert kinesis_out(ep) == [("k1", b"a", "p", expected_shard("p", 2))]
        body = json.dumps({"StreamARN": "arn:aws:kinesis:us-east-1:1:stream/k1",
                           "Records": [{"Data": "YQ==", "PartitionKey": "p"}]})
        expect_error(kpost(conn, ep, body.encode()), 400, "ValidationException",
                     "1 validation error detected: Value 'arn:aws:kinesis:us-east-1:1:stream/k1' "
                     "at 'streamARN' failed to satisfy constraint: Member must satisfy regular "
                     "expression pattern: arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+")


@test
def kinesis_validation(tmp):
    pre = "1 validation error detected: "
    with Endpoint(tmp) as ep:
        conn = connect(ep)
        st, _, obj = kpost(conn, ep, kbatch([b"r"] * 501))
        expect_error((st, _, obj), 400, "ValidationException")
        assert obj["message"].startswith(pre + "Value '[com.amazonaws.kinesis.v20131202."
                                         "PutRecordsRequestEntry@"), obj
        assert obj["message"].endswith(", ...]' at 'records' failed to satisfy constraint: Member "
                                       "must have length less than or equal to 500"), obj
        expect_error(kpost(conn, ep, kbatch([])), 400, "ValidationException",
                     pre + "Value '[]' at 'records' failed to satisfy constraint: Member must have "
                     "length greater than or equal to 1")
        expect_error(kpost(conn, ep, kbatch([b"a", b"b"], keys=["ok", ""])), 400,
                     "ValidationException",
                     pre + "Value '' at 'records.2.member.partitionKey' failed to satisfy "
                     "constraint: Member must have length greater than or equal to 1")
        expect_error(kpost(conn, ep, kbatch([b"a"], keys=["k" * 257])), 400, "ValidationException",
                     pre + "Value '%s' at 'records.1.member.partitionKey' failed to satisfy "
                     "constraint: Member must have length less than or equal to 256" % ("k" * 257))
        # counted in UTF-16 units: 128 characters outside the BMP are 256
        expect_error(kpost(conn, ep, kbatch([b"a"], keys=["\U0001f600" * 128 + "x"])), 400,
                     "ValidationException")
        expect_error(kpost(conn, ep, b'{"StreamName":"k1","Records":[{"Data":"YQ=="},'
                                     b'{"PartitionKey":"p"}]}'), 400, "ValidationException",
                     "2 validation errors detected: Value null at 'records.1.member.partitionKey' "
                     "failed to satisfy constraint: Member must not be null; Value null at "
                     "'records.2.member.data' failed to satisfy constraint: Member must not be null")
        expect_error(kpost(conn, ep, kbatch([b"a"], "bad name")), 400, "ValidationException",
                     pre + "Value 'bad name' at 'streamName' failed to satisfy constraint: Member "
                     "must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")
        expect_error(kpost(conn, ep, kbatch([b"a"], "n" * 129)), 400, "ValidationException",
                     pre + "Value '%s' at 'streamName' failed to satisfy constraint: Member must "
                     "have length less than or equal to 128" % ("n" * 129))
        assert kpost(conn, ep, kbatch([b"a"], "n" * 128))[0] == 200
        expect_error(kpost(conn, ep, b'{"Records":[{"Data":"YQ==","PartitionKey":"p"}]}'), 400,
                     "ValidationException", pre + "Value null at 'streamName' failed to satisfy "
                     "constraint: Member must not be null")
        expect_error(kpost(conn, ep, b'{"StreamName":"k1","Records":[{"Data":"@@",'
                                     b'"PartitionKey":"p"}]}'), 400, "SerializationException")
        expect_error(kpost(conn, ep, b'{"StreamName":"k1","Records":[{"Data":"YQ==",'
                                     b'"PartitionKey":5}]}'), 400, "SerializationException")
        expect_error(kpost(conn, ep, b"{not json"), 400, "SerializationException")
        assert kinesis_out(ep) == [("n" * 128, b"a", "pk0", expected_shard("pk0", 2))]
        recs = [b"r%d" % i for i in range(500)]
        st, _, obj = kpost(conn, ep, kbatch(recs))
        assert st == 200 and len(obj["Records"]) == 500, st
        assert [d for _, d, _, _ in kinesis_out(ep)][1:] == recs


@test
def kinesis_record_size_limits(tmp):
    mib = 1024 * 1024
    with Endpoint(tmp) as ep:
        conn = connect(ep)
        # data + key: at the limit, and one byte over
        assert kpost(conn, ep, kbatch([b"a" * (mib - 2)], keys=["kk"]))[0] == 200
        st, _, obj = kpost(conn, ep, kbatch([b"a", b"a" * (mib - 1)], keys=["k", "kk"]))
        expect_error((st, _, obj), 400, "InvalidArgumentException")
        assert "Record 2 is 1048577 bytes" in obj["message"], obj
        # keys count in UTF-8 bytes: one character, two bytes
        expect_error(kpost(conn, ep, kbatch([b"a" * (mib - 1)], keys=["\u00e9"])), 400,
                     "InvalidArgumentException")
        # the data alone over the limit: the model's constraint
        expect_error(kpost(conn, ep, kbatch([b"a", b"b" * (mib + 1)])), 400, "ValidationException",
                     "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 "
                     "lim=1048577 cap=1048577]' at 'records.2.member.data' failed to satisfy "
                     "constraint: Member must have length less than or equal to 1048576")
        assert len(kinesis_out(ep)) == 1
        # the request: 5 MiB of data and keys, and one byte more
        big = [b"z" * (mib - 1)] * 5
        assert kpost(conn, ep, kbatch(big, keys=["k"] * 5))[0] == 200
        expect_error(kpost(conn, ep, kbatch(big + [b""], keys=["k"] * 6)), 400,
                     "InvalidArgumentException", "Records size exceeds 5 MB limit")
        assert len(kinesis_out(ep)) == 6
    # a stream whose MaxRecordSize was raised: larger records, 10 MiB requests
    d = os.path.join(tmp, "large")
    os.mkdir(d)
    with Endpoint(d, max_record_bytes=2 * mib) as ep:
        conn = connect(ep)
        big = [b"y" * (3 * mib // 2)] * 4
        st, _, obj = kpost(conn, ep, kbatch(big))
        assert st == 200 and obj["FailedRecordCount"] == 0, obj
        assert [x for _, x, _, _ in kinesis_out(ep)] == big
        expect_error(kpost(conn, ep, kbatch([b"y" * (2 * mib + 1)])), 400, "ValidationException")
        st, _, obj = kdescribe(conn, ep, {"StreamName": "k1"})
        assert st == 200 and obj["StreamDescriptionSummary"]["MaxRecordSizeInKiB"] == 2048, obj


@test
def kinesis_partial_failure(tmp):
    keys = ["p%d" % i for i in range(20)]
    with Endpoint(tmp, partial=1.0, seed=2) as ep:
        st, _, obj = kpost(connect(ep), ep, kbatch([b"r"] * 20, keys=keys))
        assert st == 200 and obj["FailedRecordCount"] == 20, obj
        codes = [e["ErrorCode"] for e in obj["Records"]]
        assert set(codes) == {"ProvisionedThroughputExceededException", "InternalFailure"}, codes
        for e, k in zip(obj["Records"], keys):
            if e["ErrorCode"] == "InternalFailure":
                assert e == {"ErrorCode": "InternalFailure",
                             "ErrorMessage": "Internal Service Failure"}, e
            else:
                assert e["ErrorMessage"] == "Rate exceeded for shard %s in stream k1 under account " \
                    "123456789012." % expected_shard(k, 2), e
        assert kinesis_out(ep) == []
        e = ep.requests()[0]
        assert (e["status"], e["records"], e["failed"], e["fault"]) == (200, 20, 20, "partial"), e
    d = os.path.join(tmp, "some")
    os.mkdir(d)
    recs = [b"r%d" % i for i in range(200)]
    with Endpoint(d, partial=0.5, seed=3) as ep:
        st, _, obj = kpost(connect(ep), ep, kbatch(recs))
        assert st == 200, obj
        failed = [i for i, e in enumerate(obj["Records"]) if "ErrorCode" in e]
        assert obj["FailedRecordCount"] == len(failed) and 40 < len(failed) < 160, obj
        assert all(("SequenceNumber" in e) != ("ErrorCode" in e) for e in obj["Records"])
        assert [x for _, x, _, _ in kinesis_out(ep)] == [r for i, r in enumerate(recs)
                                                       if i not in failed]


@test
def kinesis_whole_request_faults(tmp):
    for opt, status, etype, msg in (
            ("throttle", 400, "ProvisionedThroughputExceededException",
             "Rate exceeded for stream k1 under account 123456789012."),
            ("unavailable", 503, "ServiceUnavailableException", "Slow down."),
            ("error500", 500, "InternalFailure", None)):
        d = os.path.join(tmp, opt)
        os.mkdir(d)
        with Endpoint(d, **{opt: 1.0}) as ep:
            conn = connect(ep)
            expect_error(kpost(conn, ep, kbatch([b"a"])), status, etype, msg)
            expect_error(kpost(conn, ep, kbatch([b"b"])), status, etype, msg)
            assert kinesis_out(ep) == []
            log = ep.requests()
            assert [(e["fault"], e["status"], e["error"], e["failed"]) for e in log] == \
                [(opt, status, etype, 1)] * 2, log
    d = os.path.join(tmp, "drop")
    os.mkdir(d)
    with Endpoint(d, drop=1.0) as ep:
        try:
            kpost(connect(ep), ep, kbatch([b"a", b"b"]))
            raise AssertionError("got an answer")
        except (http.client.RemoteDisconnected, ConnectionError, ssl.SSLError):
            pass
        wait_until(lambda: ep.requests(), 5)
        e = ep.requests()[0]
        assert (e["status"], e["fault"], e["records"], e["failed"], e["api"]) == \
            (None, "drop", 2, 2, "kinesis"), e
        assert kinesis_out(ep) == []
    d = os.path.join(tmp, "drop-after")
    os.mkdir(d)
    with Endpoint(d, drop_after=1.0) as ep:
        try:
            kpost(connect(ep), ep, kbatch([b"a", b"b"]))
            raise AssertionError("got an answer")
        except (http.client.RemoteDisconnected, ConnectionError, ssl.SSLError):
            pass
        assert [x for _, x, _, _ in kinesis_out(ep)] == [b"a", b"b"]


@test
def streams_created_later(tmp):
    with Endpoint(tmp, streams=["s0"], kinesis_streams="k0", create_after="k1:3,s1:3") as ep:
        conn = connect(ep)
        t0 = time.monotonic()
        expect_error(kpost(conn, ep, kbatch([b"a"])), 400, "ResourceNotFoundException",
                     "Stream k1 under account 123456789012 not found.")
        expect_error(post(conn, ep, batch([b"a"])), 400, "ResourceNotFoundException",
                     "Firehose s1 under account 123456789012 not found.")
        expect_error(kdescribe(conn, ep, {"StreamName": "k1"}), 400, "ResourceNotFoundException",
                     "Stream k1 under account 123456789012 not found.")
        assert kpost(conn, ep, kbatch([b"k0"], "k0"))[0] == 200
        assert time.monotonic() - t0 < 3, "too slow to test"
        wait_until(lambda: kpost(conn, ep, kbatch([b"k1"]))[0] == 200, 8, 0.2)
        assert time.monotonic() - t0 >= 2.5
        assert post(conn, ep, batch([b"s1"]))[0] == 200
        assert kdescribe(conn, ep, {"StreamName": "k1"})[0] == 200
        assert ep.record_entries() == [("k0", b"k0"), ("k1", b"k1"), ("s1", b"s1")]


@test
def describe_operations(tmp):
    with Endpoint(tmp, streams=["s1"], kinesis_streams="k1:3") as ep:
        conn = connect(ep)
        st, _, obj = kdescribe(conn, ep, {"StreamName": "k1"})
        assert st == 200, obj
        d = obj["StreamDescriptionSummary"]
        assert (d["StreamName"], d["StreamStatus"], d["OpenShardCount"], d["MaxRecordSizeInKiB"],
                d["StreamARN"]) == ("k1", "ACTIVE", 3, 1024,
                                    "arn:aws:kinesis:us-east-1:123456789012:stream/k1"), d
        expect_error(kdescribe(conn, ep, {"StreamName": "k2"}), 400, "ResourceNotFoundException",
                     "Stream k2 under account 123456789012 not found.")
        expect_error(kdescribe(conn, ep, {"StreamName": "k1"}, secret="wrong"), 400,
                     "InvalidSignatureException", MISMATCH)
        expect_error(kdescribe(conn, ep, {"StreamName": "k1"}, service="firehose"), 400,
                     "InvalidSignatureException")
        expect_error(kdescribe(conn, ep, {}), 400, "ValidationException")
        fh = "Firehose_20150804.DescribeDeliveryStream"
        st, _, obj = post(conn, ep, b'{"DeliveryStreamName":"s1"}', target=fh)
        assert st == 200, obj
        d = obj["DeliveryStreamDescription"]
        assert (d["DeliveryStreamName"], d["DeliveryStreamStatus"], d["DeliveryStreamARN"]) == \
            ("s1", "ACTIVE", "arn:aws:firehose:us-east-1:123456789012:deliverystream/s1"), d
        expect_error(post(conn, ep, b'{"DeliveryStreamName":"s2"}', target=fh), 400,
                     "ResourceNotFoundException", "Firehose s2 under account 123456789012 not found.")
        expect_error(post(conn, ep, b'{"DeliveryStreamName":"s1"}', target=fh, service="kinesis"),
                     400, "InvalidSignatureException",
                     "Credential should be scoped to correct service: 'firehose'. ")
        assert [(e["op"], e["records"]) for e in ep.requests()][:1] == [("DescribeStreamSummary", 0)]
        assert out_lines(ep) == []


def date_of(r):
    d = r.getheader("Date")
    assert d and DATE_RE.match(d), d
    return email.utils.parsedate_to_datetime(d).timestamp()


@test
def clock_offset_date_and_skew(tmp):
    for offset in (-900, 900):
        d = os.path.join(tmp, str(offset))
        os.mkdir(d)
        with Endpoint(d, clock_offset=offset) as ep:
            conn = connect(ep)
            now = time.time()
            st, r, obj = kpost(conn, ep, kbatch([b"a"]), when=now)
            assert abs(date_of(r) - (now + offset)) < 5, (r.getheader("Date"), now)
            assert st == 400 and obj["__type"] == "InvalidSignatureException", obj
            amz = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(now))
            if offset > 0:
                m = re.match(r"Signature expired: (\w+) is now earlier than (\w+) \((\w+) - 5 min\.\)\Z",
                             obj["message"])
            else:
                m = re.match(r"Signature not yet current: (\w+) is still later than (\w+) "
                             r"\((\w+) \+ 5 min\.\)\Z", obj["message"])
            assert m and m.group(1) == amz, obj
            srv_now = ep_mod.amz_date_to_unix(m.group(3))
            assert abs(srv_now - (now + offset)) < 5, obj
            assert ep_mod.amz_date_to_unix(m.group(2)) - srv_now == (-300 if offset > 0 else 300)
            # signed on the endpoint's clock: accepted, Firehose too
            st, r, obj = kpost(conn, ep, kbatch([b"b"]), when=now + offset)
            assert st == 200, obj
            assert abs(date_of(r) - (now + offset)) < 5
            assert post(conn, ep, batch([b"c"]), when=now + offset)[0] == 200
            # every answer carries the Date: an HTTP-level refusal too
            s = socket.create_connection(("127.0.0.1", ep.port), timeout=5)
            ctx = ssl.create_default_context(cafile=ep.ca)
            s = ctx.wrap_socket(s, server_hostname="localhost")
            s.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: x\r\n\r\n")
            head = s.recv(4096).decode("latin-1")
            s.close()
            assert head.startswith("HTTP/1.1 400"), head
            dates = [h[6:].strip() for h in head.split("\r\n") if h.lower().startswith("date:")]
            assert len(dates) == 1 and DATE_RE.match(dates[0]), head
            assert abs(email.utils.parsedate_to_datetime(dates[0]).timestamp() -
                       (time.time() + offset)) < 5, head


@test
def sigterm_stops_it(tmp):
    ep = Endpoint(tmp).start()
    conn = connect(ep)
    assert post(conn, ep, batch([b"a"]))[0] == 200
    assert ep.stop() == 0, ep.stderr()
    assert ep.records() == [b"a"]


@test
def handler_exception_answers_500(tmp):
    """A bug in a handler costs one 500, not the server (run in-process to
    plant the bug)."""
    out = os.path.join(tmp, "out")
    srv = ep_mod.Server(ep_mod.parse_args(["--out", out, "--access-key", "AK",
                                           "--secret", "SK"]))
    th = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05})
    th.start()
    real = ep_mod.parse_batch
    try:
        class Ep:
            tls, host, port, access_key, secret = False, "127.0.0.1", srv.server_address[1], "AK", "SK"
        conn = connect(Ep)
        ep_mod.parse_batch = lambda body, streams: 1 // 0
        stderr, sys.stderr = sys.stderr, open(os.path.join(tmp, "stderr"), "w")
        try:
            expect_error(post(conn, Ep, batch([b"a"])), 500, "InternalFailure")
        finally:
            sys.stderr.close()
            sys.stderr = stderr
        ep_mod.parse_batch = real
        assert post(conn, Ep, batch([b"b"]))[0] == 200
        # Deep nesting is a client error, not a crash.
        expect_error(post(conn, Ep, b"[" * 100000 + b"]" * 100000), 400, "SerializationException")
    finally:
        ep_mod.parse_batch = real
        srv.shutdown()
        srv.server_close()
        srv.out.close()
        th.join()
    with open(os.path.join(tmp, "stderr")) as f:
        assert "ZeroDivisionError" in f.read()
    with open(out) as f:
        assert f.read() == '{"stream":"s1","data":"Yg=="}\n'


@test
def harness_agent_and_conf(tmp):
    """The harness's Agent and write_conf, with a stand-in for kagent."""
    fake = os.path.join(tmp, "fake-kagent")
    with open(fake, "w") as f:
        f.write('#!/bin/sh\necho "args: $*" >&2\necho "key=$AWS_X" >&2\necho out\n'
                'trap \'echo bye >&2; exit 3\' TERM\nwhile :; do sleep 0.05; done\n')
    os.chmod(fake, 0o755)
    with Endpoint(tmp, tls=True) as ep:
        conf_path = os.path.join(tmp, "kagent.conf")
        flows = [{"filePattern": "/var/log/x.log", "deliveryStream": "s1"}]
        c = harness.write_conf(conf_path, ep, flows, checkpointFile=None, maxBufferAgeMillis=5)
        with open(conf_path) as f:
            assert json.load(f) == c
        assert c == {"awsAccessKeyId": ep.access_key, "awsSecretAccessKey": ep.secret,
                     "awsRegion": "us-east-1", "firehose.endpoint": ep.url,
                     "kinesis.endpoint": ep.url, "caFile": ep.ca,
                     "flows": flows, "cloudwatch.emitMetrics": False, "maxBufferAgeMillis": 5}, c
        c = harness.write_conf(conf_path, ep, flows)
        assert c["checkpointFile"] == os.path.join(tmp, "checkpoints")
        os.environ["AWS_X"] = "leak"
        try:
            with harness.Agent(fake, conf_path, ["--once"]) as ag:
                wait_until(lambda: "key=" in ag.stderr(), 5)
                assert ag.alive()
                try:
                    ag.wait(0.1)
                    raise AssertionError("wait() did not time out")
                except AssertionError as e:
                    assert "still running" in str(e), e
                ag.kill()
                assert ag.wait(5) == 3
                assert ag.stderr() == "args: -c %s --once\nkey=\nbye\n" % conf_path, ag.stderr()
                assert ag.stdout() == "out\n"
        finally:
            del os.environ["AWS_X"]


if __name__ == "__main__":
    harness.run()
