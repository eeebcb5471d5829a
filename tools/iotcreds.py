#!/usr/bin/env python3
"""A local stand-in for the AWS IoT credentials provider
(https://<prefix>.credentials.iot.<region>.amazonaws.com), for kagent's
end-to-end tests.

    python3 tools/iotcreds.py --port 0 --tls CERTDIR --client-ca CA.pem --role-alias ALIAS
        [--lifetime SECONDS] --issued FILE [--ready-file F] [--log FILE]

TLS only, and the client must present a certificate that --client-ca
signed (tools/testca.sh makes them): without one, or with one of another
CA, the handshake fails with the alert OpenSSL sends.  The one request is
GET /role-aliases/<alias>/credentials with the header x-amzn-iot-thingname;
as the real provider, which checks that the certificate is attached to the
thing, this one takes the thing to be the certificate's subject CN: another
name is 403 {"message": "Access Denied"}, another alias 404.  A success
issues new temporary credentials that expire --lifetime seconds later
(default 3600), answered as the provider answers:

    {"credentials": {"accessKeyId": "ASIA...", "secretAccessKey": "...",
     "sessionToken": "...", "expiration": "2018-01-18T09:18:06Z"}}

and appends them to --issued as one JSON line {"id", "secret", "token",
"expires", "issued"}, which tools/endpoint.py --creds-file accepts.

--log gets one JSON line per request: {"t", "status", "thing" (the header),
"cn" (the certificate's)}.

Python 3 standard library only.
"""
import argparse
import http.server
import json
import os
import ssl
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sts  # noqa: E402  (its credentials and server)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def setup(self):
        self.request.settimeout(10)
        self.request.do_handshake()     # a refused certificate ends the connection here
        super().setup()

    def do_GET(self):
        srv, a = self.server, self.server.args
        cert = self.request.getpeercert() or {}
        cn = next((v for rdn in cert.get("subject", ()) for k, v in rdn if k == "commonName"), None)
        thing = self.headers.get("x-amzn-iot-thingname")
        entry = {"t": round(time.time(), 6), "status": None, "thing": thing, "cn": cn}
        if self.path != "/role-aliases/%s/credentials" % a.role_alias:
            return self.reply(404, {"message": "Role alias does not exist"}, entry)
        if not thing or thing != cn:
            return self.reply(403, {"message": "Access Denied"}, entry)
        with srv.lock:
            c = sts.issue(srv.rng, a.lifetime)
        srv.write(a.issued, json.dumps(c) + "\n")
        self.reply(200, {"credentials": {"accessKeyId": c["id"], "secretAccessKey": c["secret"],
                                         "sessionToken": c["token"], "expiration": sts.iso(c["expires"])}},
                   entry)

    do_POST = do_PUT = do_GET

    def reply(self, status, obj, entry):
        data = json.dumps(obj).encode()
        entry["status"] = status
        if self.server.args.log:
            self.server.write(self.server.args.log, json.dumps(entry) + "\n")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def main(argv=None):
    ap = argparse.ArgumentParser(description="local AWS IoT credentials provider")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--tls", metavar="CERTDIR", required=True)
    ap.add_argument("--client-ca", required=True)
    ap.add_argument("--role-alias", required=True)
    ap.add_argument("--lifetime", type=float, default=3600)
    ap.add_argument("--issued", required=True)
    ap.add_argument("--ready-file")
    ap.add_argument("--log")
    args = ap.parse_args(sys.argv[1:] if argv is None else argv)
    ctx = sts.server_tls(args.tls)
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.load_verify_locations(args.client_ca)
    return sts.serve(sts.Server(args, Handler, ctx), args.ready_file)

if __name__ == "__main__":
    sys.exit(main())
