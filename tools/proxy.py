#!/usr/bin/env python3
"""A small HTTP CONNECT proxy for kagent's end-to-end tests.

    python3 tools/proxy.py --port 0 [--ready-file F] [--log FILE]
        [--auth USER:PASSWORD] [--mitm CERT:KEY] [--status CODE]

Listens on 127.0.0.1 (--port 0: a free port, written to --ready-file as
tools/endpoint.py does).  Each connection's request head is read (CONNECT
HOST:PORT HTTP/1.x, headers, an empty line); then:

  - not CONNECT: 405;
  - --status CODE: that answer, whatever was asked (e.g. 502, 403);
  - --auth USER:PASSWORD and no matching "Proxy-Authorization: Basic ...":
    407 with "Proxy-Authenticate: Basic realm=kagent-test";
  - else the proxy connects to HOST:PORT (a 502 if it cannot), answers "200
    Connection established" and relays bytes both ways until either side
    closes.

--mitm CERT:KEY makes it an intercepting proxy: after the 200 it does not
connect anywhere but answers the TLS handshake itself with that
certificate chain and key (PEM), to show that a client refuses it.

--log FILE gets one JSON line per request, once it is answered: {"t",
"line" (the request line), "auth" (the Proxy-Authorization value, or
null), "status" (the answer's code), "mitm" (with --mitm: "refused: REASON"
if the client gave up the handshake, "accepted" if it went through)}.

Python 3 standard library only.
"""
import argparse
import base64
import json
import os
import signal
import socket
import ssl
import sys
import threading
import time

HEAD_MAX = 16384
REASONS = {200: "Connection established", 403: "Forbidden", 405: "Method Not Allowed",
           407: "Proxy Authentication Required", 502: "Bad Gateway"}


class Proxy:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.log = open(args.log, "a", buffering=1) if args.log else None
        self.want_auth = None
        if args.auth:
            self.want_auth = "Basic " + base64.b64encode(args.auth.encode()).decode()
        self.mitm = None
        if args.mitm:
            cert, _, key = args.mitm.partition(":")
            self.mitm = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self.mitm.load_cert_chain(cert, key)

    def say(self, entry):
        if self.log:
            entry["t"] = time.time()
            with self.lock:
                self.log.write(json.dumps(entry) + "\n")

    @staticmethod
    def read_head(sock):
        """The request head up to the empty line (bytes), or None."""
        data = b""
        while b"\r\n\r\n" not in data and b"\n\n" not in data:
            if len(data) > HEAD_MAX:
                return None
            chunk = sock.recv(1)     # a byte at a time: nothing of the tunnel is read
            if not chunk:
                return None
            data += chunk
        return data

    @staticmethod
    def answer(sock, code, extra=""):
        sock.sendall(("HTTP/1.1 %d %s\r\n%sContent-Length: 0\r\n\r\n"
                      % (code, REASONS.get(code, "Error"), extra)).encode())

    def serve(self, client):
        entry = {"line": None, "auth": None, "status": None}
        try:
            head = self.read_head(client)
            if head is None:
                return
            lines = head.decode("latin-1").replace("\r\n", "\n").split("\n")
            entry["line"] = lines[0]
            for l in lines[1:]:
                name, _, value = l.partition(":")
                if name.strip().lower() == "proxy-authorization":
                    entry["auth"] = value.strip()
            words = lines[0].split()
            if len(words) != 3 or words[0] != "CONNECT":
                entry["status"] = 405
            elif self.args.status:
                entry["status"] = self.args.status
            elif self.want_auth and entry["auth"] != self.want_auth:
                entry["status"] = 407
            if entry["status"]:
                extra = "Proxy-Authenticate: Basic realm=kagent-test\r\n" if entry["status"] == 407 else ""
                self.answer(client, entry["status"], extra)
                self.say(entry)
                return
            host, _, port = words[1].rpartition(":")
            host = host.strip("[]")
            if self.mitm:
                entry["status"] = 200
                client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
                self.intercept(client, entry)
                self.say(entry)
                return
            try:
                upstream = socket.create_connection((host, int(port)), timeout=5)
            except (OSError, ValueError):
                entry["status"] = 502
                self.answer(client, 502)
                self.say(entry)
                return
            entry["status"] = 200
            self.say(entry)
            client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            upstream.settimeout(None)
            self.relay(client, upstream)
        except OSError:
            pass
        finally:
            try:
                client.close()
            except OSError:
                pass

    def intercept(self, client, entry):
        try:
            tls = self.mitm.wrap_socket(client, server_side=True)
            entry["mitm"] = "accepted"
            tls.close()
        except (ssl.SSLError, OSError) as e:
            entry["mitm"] = "refused: %s" % (getattr(e, "reason", None) or e)

    @staticmethod
    def relay(a, b):
        def pipe(src, dst):
            try:
                while True:
                    data = src.recv(65536)
                    if not data:
                        break
                    dst.sendall(data)
            except OSError:
                pass
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
        t = threading.Thread(target=pipe, args=(b, a), daemon=True)
        t.start()
        pipe(a, b)
        t.join()
        b.close()


def write_ready(path, port):
    tmp = "%s.%d.tmp" % (path, os.getpid())
    with open(tmp, "w") as f:
        f.write("%d\n" % port)
    os.replace(tmp, path)


def main(argv=None):
    ap = argparse.ArgumentParser(description="CONNECT proxy for tests")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--ready-file")
    ap.add_argument("--log")
    ap.add_argument("--auth", metavar="USER:PASSWORD")
    ap.add_argument("--mitm", metavar="CERT:KEY")
    ap.add_argument("--status", type=int)
    args = ap.parse_args(sys.argv[1:] if argv is None else argv)
    proxy = Proxy(args)
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", args.port))
    srv.listen(64)
    signal.signal(signal.SIGTERM, lambda s, f: sys.exit(0))
    if args.ready_file:
        write_ready(args.ready_file, srv.getsockname()[1])
    print("proxy on 127.0.0.1:%d" % srv.getsockname()[1], flush=True)
    while True:
        client, _ = srv.accept()
        threading.Thread(target=proxy.serve, args=(client,), daemon=True).start()


if __name__ == "__main__":
    sys.exit(main())
