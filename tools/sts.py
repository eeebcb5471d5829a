#!/usr/bin/env python3
"""A local stand-in for AWS STS's AssumeRole (API 2011-06-15, Query
protocol), for kagent's end-to-end tests.

    python3 tools/sts.py --port 0 [--tls CERTDIR] --access-key AKID --secret SECRET
        [--token TOKEN] [--region us-east-1] --role-arn ARN [--external-id ID]
        [--lifetime SECONDS] --issued FILE [--ready-file F] [--log FILE] [--deny]
        [--delay SECONDS]

It checks what STS checks: POST / with a form body (Content-Type
application/x-www-form-urlencoded), Action=AssumeRole, Version=2011-06-15,
a SigV4 signature for service "sts" in --region made with --access-key and
--secret (endpoint.py's verify(), itself checked against AWS's test suites),
the base session token when --token is given, RoleSessionName and
DurationSeconds within the model's limits, and that RoleArn is --role-arn
and ExternalId --external-id (a wrong or missing one is AccessDenied, as a
role's trust policy with an sts:ExternalId condition answers).  --deny
answers AccessDenied to every request that gets that far.  --delay holds
every answer that long (a slow or distant STS: the agent must not wait on
it).

Each success issues new temporary credentials (an ASIA... key id, a secret,
a session token) that expire --lifetime seconds later (default 3600; the
requested DurationSeconds is checked, not used, so tests can have short
lives), answered in AssumeRole's XML shape, and appends them to --issued as
one JSON line {"id", "secret", "token", "expires", "issued"} (s since 1970):
tools/endpoint.py --creds-file reads that file and accepts them.  Errors are
STS's: <ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>
<Message>...</Message></Error><RequestId>...</RequestId></ErrorResponse>.

--log gets one JSON line per request: {"t", "status", "code" (the error's,
or null), "akid" (the key that signed it, once known), "done" (when the
answer went)}.

Python 3 standard library only.
"""
import argparse
import base64
import datetime
import http.server
import json
import os
import random
import re
import signal
import socketserver
import ssl
import string
import sys
import threading
import time
import urllib.parse
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import endpoint  # noqa: E402  (its SigV4 check)

NS = "https://sts.amazonaws.com/doc/2011-06-15/"
SESSION_NAME_RE = re.compile(r"[\w+=,.@-]{2,64}\Z")
EXTERNAL_ID_RE = re.compile(r"[\w+=,.@:/-]{2,1224}\Z")
# endpoint.verify's JSON-protocol errors as the Query protocol names them
QUERY_CODES = {
    "UnrecognizedClientException": ("InvalidClientTokenId", 403),
    "InvalidSignatureException": ("SignatureDoesNotMatch", 403),
    "IncompleteSignatureException": ("IncompleteSignature", 400),
    "MissingAuthenticationTokenException": ("MissingAuthenticationToken", 403),
}


class StsError(Exception):
    def __init__(self, code, message, status=400):
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


def xml_escape(s):
    return (s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def iso(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def issue(rng, lifetime):
    """New temporary credentials."""
    akid = "ASIA" + "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(16))
    secret = base64.b64encode(rng.randbytes(30)).decode()
    token = base64.b64encode(rng.randbytes(600)).decode()
    now = time.time()
    return {"id": akid, "secret": secret, "token": token, "expires": int(now + lifetime),
            "issued": now}


def answer_xml(c, role_arn):
    role = role_arn.rpartition("/")[2]
    return ('<AssumeRoleResponse xmlns="%s">\n'
            '  <AssumeRoleResult>\n'
            '    <AssumedRoleUser>\n'
            '      <AssumedRoleId>AROA3XFRBF535EXAMPLE:AWSKinesisAgent</AssumedRoleId>\n'
            '      <Arn>arn:aws:sts::123456789012:assumed-role/%s/AWSKinesisAgent</Arn>\n'
            '    </AssumedRoleUser>\n'
            '    <Credentials>\n'
            '      <AccessKeyId>%s</AccessKeyId>\n'
            '      <SecretAccessKey>%s</SecretAccessKey>\n'
            '      <SessionToken>%s</SessionToken>\n'
            '      <Expiration>%s</Expiration>\n'
            '    </Credentials>\n'
            '    <PackedPolicySize>6</PackedPolicySize>\n'
            '  </AssumeRoleResult>\n'
            '  <ResponseMetadata>\n'
            '    <RequestId>%s</RequestId>\n'
            '  </ResponseMetadata>\n'
            '</AssumeRoleResponse>\n' % (NS, xml_escape(role), c["id"], xml_escape(c["secret"]),
                                         xml_escape(c["token"]), iso(c["expires"]), uuid.uuid4()))


def error_xml(code, message):
    return ('<ErrorResponse xmlns="%s">\n'
            '  <Error>\n'
            '    <Type>Sender</Type>\n'
            '    <Code>%s</Code>\n'
            '    <Message>%s</Message>\n'
            '  </Error>\n'
            '  <RequestId>%s</RequestId>\n'
            '</ErrorResponse>\n' % (NS, code, xml_escape(message), uuid.uuid4()))


class Server(http.server.ThreadingHTTPServer):
    """A fake AWS service on 127.0.0.1:args.port (0: any), answered by
    handler; over TLS with ctx (its certificate checked by the client as
    localhost's) unless ctx is None.  tools/iotcreds.py's too."""
    daemon_threads = True

    def __init__(self, args, handler=None, ctx=None):
        self.args = args
        self.rng = random.Random()
        self.lock = threading.Lock()
        self.tls = ctx
        super().__init__(("127.0.0.1", args.port), handler or Handler)

    def server_bind(self):
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = "localhost", self.server_address[1]

    def get_request(self):
        sock, addr = super().get_request()
        if self.tls:
            sock = self.tls.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        return sock, addr

    def handle_error(self, request, client_address):
        pass

    def write(self, path, line):
        with self.lock:
            with open(path, "a") as f:
                f.write(line)
                f.flush()


def server_tls(certdir):
    """The TLS context of a server with tools/testca.sh's certificate."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(os.path.join(certdir, "server.pem"), os.path.join(certdir, "server.key"))
    return ctx


def serve(srv, ready_file):
    """Serves until TERM or INT, once its port is in ready_file."""
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True).start()
    if ready_file:
        endpoint.write_ready(ready_file, srv.server_address[1])
    while not stop.wait(1):
        pass
    srv.shutdown()
    srv.server_close()
    return 0


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def setup(self):
        if self.server.tls:
            self.request.settimeout(10)
            try:
                self.request.do_handshake()
            except (OSError, ssl.SSLError):
                self.close_connection = True
        super().setup()

    def do_GET(self):
        self.reply(400, error_xml("InvalidAction", "Could not find operation for GET"), {})

    def do_POST(self):
        srv, a = self.server, self.server.args
        entry = {"t": round(time.time(), 6), "status": None, "code": None, "akid": None}
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n)
        try:
            ctype = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
            if ctype != "application/x-www-form-urlencoded":
                raise StsError("InvalidAction", "Could not find operation for this content type")
            try:
                akid = endpoint.verify("POST", self.path, self.headers.items(), body,
                                       {a.access_key: a.secret}, a.region, "sts", time.time())
            except endpoint.AuthError as e:
                code, status = QUERY_CODES.get(e.etype, (e.etype, 403))
                raise StsError(code, e.message, status)
            entry["akid"] = akid
            token = self.headers.get("X-Amz-Security-Token")
            if (a.token or None) != (token.strip() if token else None):
                raise StsError("InvalidClientTokenId", "The security token included in the request is invalid.",
                               403)
            q = dict(urllib.parse.parse_qsl(body.decode("utf-8"), keep_blank_values=True))
            if q.get("Action") != "AssumeRole" or q.get("Version") != "2011-06-15":
                raise StsError("InvalidAction", "Could not find operation %s for version %s"
                               % (q.get("Action"), q.get("Version")))
            errors = []
            if not SESSION_NAME_RE.match(q.get("RoleSessionName", "")):
                errors.append("Value at 'roleSessionName' failed to satisfy constraint")
            d = q.get("DurationSeconds", "3600")
            if not d.isdigit() or not 900 <= int(d) <= 43200:
                errors.append("Value at 'durationSeconds' failed to satisfy constraint: Member must "
                              "have value between 900 and 43200")
            if "ExternalId" in q and not EXTERNAL_ID_RE.match(q["ExternalId"]):
                errors.append("Value at 'externalId' failed to satisfy constraint")
            if errors:
                raise StsError("ValidationError", "%d validation error%s detected: %s"
                               % (len(errors), "" if len(errors) == 1 else "s", "; ".join(errors)))
            denied = "User: arn:aws:iam::123456789012:user/device is not authorized to perform: " \
                     "sts:AssumeRole on resource: %s" % q.get("RoleArn")
            if a.deny or q.get("RoleArn") != a.role_arn or q.get("ExternalId") != a.external_id:
                raise StsError("AccessDenied", denied, 403)
            with srv.lock:
                c = issue(srv.rng, a.lifetime)
            srv.write(a.issued, json.dumps(c) + "\n")
            entry["status"] = 200
            self.reply(200, answer_xml(c, a.role_arn), entry)
        except StsError as e:
            entry["status"], entry["code"] = e.status, e.code
            self.reply(e.status, error_xml(e.code, e.message), entry)

    def reply(self, status, text, entry):
        data = text.encode()
        if self.server.args.delay:
            time.sleep(self.server.args.delay)
        if entry:
            entry["done"] = round(time.time(), 6)
        if self.server.args.log and entry:
            self.server.write(self.server.args.log, json.dumps(entry) + "\n")
        self.send_response(status)
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def main(argv=None):
    ap = argparse.ArgumentParser(description="local AWS STS AssumeRole")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--tls", metavar="CERTDIR")
    ap.add_argument("--access-key", required=True)
    ap.add_argument("--secret", required=True)
    ap.add_argument("--token")
    ap.add_argument("--region", default="us-east-1")
    ap.add_argument("--role-arn", required=True)
    ap.add_argument("--external-id")
    ap.add_argument("--lifetime", type=float, default=3600)
    ap.add_argument("--issued", required=True)
    ap.add_argument("--ready-file")
    ap.add_argument("--log")
    ap.add_argument("--deny", action="store_true")
    ap.add_argument("--delay", type=float, default=0)
    args = ap.parse_args(sys.argv[1:] if argv is None else argv)
    return serve(Server(args, ctx=server_tls(args.tls) if args.tls else None), args.ready_file)

if __name__ == "__main__":
    sys.exit(main())
