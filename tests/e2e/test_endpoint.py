"""Tests of tools/endpoint.py, the local Firehose stand-in the other
end-to-end tests rely on: its SigV4 code against both AWS test suites, then
the live endpoint over TLS with a small independent signer.

    python3 tests/e2e/test_endpoint.py BUILD_DIR [NAME...]
"""
import base64
import hashlib
import hmac
import http.client
import json
import os
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
    return os.path.join(harness.ROOT, "..", "shared", "testdata")


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
    # testdata/README.md says 33, but the snapshot holds 34 cases (.req files).
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
                     "awsRegion": "us-east-1", "firehose.endpoint": ep.url, "caFile": ep.ca,
                     "flows": flows, "maxBufferAgeMillis": 5}, c
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
