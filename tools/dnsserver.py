#!/usr/bin/env python3
"""A tiny UDP DNS server for kagent's end-to-end tests.

It answers A and AAAA questions from the names it is given, and can
misbehave on purpose (never answer, NXDOMAIN, SERVFAIL, answer late) so the
agent's resolver (src/dns.c) gets exercised without touching the network.

    python3 tools/dnsserver.py --port 0 [--ready-file F] [--log FILE]
        [--record NAME=ADDR ...] [--cname NAME=TARGET ...] [--ttl SECONDS]
        [--records-file FILE]
        [--hang NAME ...] [--nxdomain NAME ...] [--servfail NAME ...]
        [--delay SECONDS]

Listens on 127.0.0.1 (--port 0: a free port, written to --ready-file as
tools/endpoint.py does).  Point the agent at it with a resolv.conf line
"nameserver 127.0.0.1:PORT" (a kagent extension, see src/dns.h).

--record NAME=ADDR may be given many times; ADDR is IPv4 (an A record) or
IPv6 (AAAA).  --cname NAME=TARGET answers NAME with a CNAME to TARGET and
TARGET's records.  --records-file FILE holds more of both, one per line,
"NAME ADDR [TTL]" or "NAME CNAME TARGET [TTL]" ('#' starts a comment); it is
read again whenever it changes, so a test can move a name while the agent
runs.  Names are compared ignoring case and a final dot.

A name the server knows with no record of the type asked gets an empty
NOERROR answer (NODATA); a name it does not know gets NXDOMAIN.  --hang NAME
never answers for NAME, --nxdomain and --servfail answer so for NAME
whatever its records, --delay holds every answer back that long (others are
still served meanwhile).

--log FILE gets one JSON line per query received: {"t", "id", "name",
"type" (number), "port" (the asker's), "action": "answer" | "nodata" |
"nxdomain" | "servfail" | "hang" | "notimp" | "formerr"}.

Python 3 standard library only.
"""
import argparse
import heapq
import ipaddress
import json
import os
import select
import signal
import socket
import struct
import sys
import time

TYPE_A = 1
TYPE_CNAME = 5
TYPE_AAAA = 28
CLASS_IN = 1
NOERROR, FORMERR, SERVFAIL, NXDOMAIN, NOTIMP = 0, 1, 2, 3, 4
MAX_CNAME = 8


def norm(name):
    return name.rstrip(".").lower()


def encode_name(name):
    out = b""
    for label in norm(name).split("."):
        if label:
            b = label.encode("ascii")
            out += bytes([len(b)]) + b
    return out + b"\0"


def read_name(pkt, off):
    """The name at off (compression followed, loops refused) and the offset
    past it in place.  Raises ValueError if garbled."""
    labels, end, hops = [], None, 0
    while True:
        if off >= len(pkt):
            raise ValueError("name past the end")
        c = pkt[off]
        if c == 0:
            return ".".join(labels), (end if end is not None else off + 1)
        if c & 0xC0 == 0xC0:
            if off + 1 >= len(pkt) or hops > 64:
                raise ValueError("bad pointer")
            if end is None:
                end = off + 2
            hops += 1
            off = (c & 0x3F) << 8 | pkt[off + 1]
            continue
        if c & 0xC0 or off + 1 + c > len(pkt):
            raise ValueError("bad label")
        labels.append(pkt[off + 1:off + 1 + c].decode("latin-1"))
        off += 1 + c


class Zone:
    """Names -> ([(type, value, ttl)]); value is packed address bytes or a
    CNAME target.  The command line's records, then the file's."""

    def __init__(self, args):
        self.args = args
        self.fixed = {}
        for spec in args.record or []:
            name, _, addr = spec.partition("=")
            self.add(self.fixed, name, addr, args.ttl)
        for spec in args.cname or []:
            name, _, target = spec.partition("=")
            self.fixed.setdefault(norm(name), []).append((TYPE_CNAME, norm(target), args.ttl))
        self.file_stamp = None
        self.from_file = {}

    @staticmethod
    def add(table, name, addr, ttl):
        ip = ipaddress.ip_address(addr)
        rtype = TYPE_A if ip.version == 4 else TYPE_AAAA
        table.setdefault(norm(name), []).append((rtype, ip.packed, ttl))

    def reload(self):
        path = self.args.records_file
        if not path:
            return
        try:
            st = os.stat(path)
            stamp = (st.st_ino, st.st_size, st.st_mtime_ns)
        except FileNotFoundError:
            stamp = None
        if stamp == self.file_stamp:
            return
        self.file_stamp = stamp
        table = {}
        if stamp is not None:
            with open(path) as f:
                for line in f:
                    words = line.split("#", 1)[0].split()
                    if len(words) >= 3 and words[1].upper() == "CNAME":
                        ttl = int(words[3]) if len(words) > 3 else self.args.ttl
                        table.setdefault(norm(words[0]), []).append((TYPE_CNAME, norm(words[2]), ttl))
                    elif len(words) >= 2:
                        ttl = int(words[2]) if len(words) > 2 else self.args.ttl
                        self.add(table, words[0], words[1], ttl)
        self.from_file = table

    def records(self, name):
        self.reload()
        r = self.fixed.get(name, []) + self.from_file.get(name, [])
        return r if r or name in self.fixed or name in self.from_file else None


def rr(owner, rtype, ttl, rdata):
    """A record; owner is wire bytes (a pointer or a name)."""
    return owner + struct.pack("!HHIH", rtype, CLASS_IN, ttl, len(rdata)) + rdata


def header(qid, flags, rcode, qd, an):
    """An answer's header: QR, the query's opcode and RD, RA."""
    return struct.pack("!HHHHHH", qid, 0x8000 | (flags & 0x7900) | 0x0080 | rcode, qd, an, 0, 0)


def respond(zone, args, pkt):
    """(action, answer bytes or None) for one query packet."""
    if len(pkt) < 12:
        return "formerr", None
    qid, flags, qd = struct.unpack("!HHH", pkt[:6])
    if flags & 0x8000:
        return "formerr", None  # an answer sent to us: never reply to one
    if flags >> 11 & 0xF != 0:
        return "notimp", header(qid, flags, NOTIMP, 0, 0)
    try:
        if qd != 1:
            raise ValueError("not one question")
        qname, off = read_name(pkt, 12)
        if off + 4 > len(pkt):
            raise ValueError("question cut")
        qtype, qclass = struct.unpack("!HH", pkt[off:off + 4])
    except ValueError:
        return "formerr", header(qid, flags, FORMERR, 0, 0)
    question = pkt[12:off + 4]  # echoed as asked, case and all
    name = norm(qname)
    if name in {norm(n) for n in args.hang or []}:
        return "hang", None
    if name in {norm(n) for n in args.nxdomain or []}:
        return "nxdomain", header(qid, flags, NXDOMAIN, 1, 0) + question
    if name in {norm(n) for n in args.servfail or []}:
        return "servfail", header(qid, flags, SERVFAIL, 1, 0) + question
    answers = []
    owner = b"\xc0\x0c"  # the question's name
    cur = name
    for _ in range(MAX_CNAME + 1):
        recs = zone.records(cur)
        if recs is None:
            if cur == name:
                return "nxdomain", header(qid, flags, NXDOMAIN, 1, 0) + question
            break
        cnames = [r for r in recs if r[0] == TYPE_CNAME]
        if cnames:
            _, target, ttl = cnames[0]
            answers.append(rr(owner, TYPE_CNAME, ttl, encode_name(target)))
            owner = encode_name(target)
            cur = target
            continue
        if qclass == CLASS_IN:
            answers += [rr(owner, t, ttl, v) for t, v, ttl in recs if t == qtype]
        break
    has_addr = any(r[0] == qtype for r in (zone.records(cur) or [])) and qclass == CLASS_IN
    action = "answer" if has_addr else "nodata"
    return action, header(qid, flags, NOERROR, 1, len(answers)) + question + b"".join(answers)


def write_ready(path, port):
    tmp = "%s.%d.tmp" % (path, os.getpid())
    with open(tmp, "w") as f:
        f.write("%d\n" % port)
    os.replace(tmp, path)


def parse_args(argv):
    ap = argparse.ArgumentParser(description="tiny UDP DNS server for tests")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--ready-file")
    ap.add_argument("--log")
    ap.add_argument("--record", action="append", metavar="NAME=ADDR")
    ap.add_argument("--cname", action="append", metavar="NAME=TARGET")
    ap.add_argument("--records-file")
    ap.add_argument("--ttl", type=int, default=300)
    ap.add_argument("--hang", action="append", metavar="NAME")
    ap.add_argument("--nxdomain", action="append", metavar="NAME")
    ap.add_argument("--servfail", action="append", metavar="NAME")
    ap.add_argument("--delay", type=float, default=0.0)
    a = ap.parse_args(argv)
    for spec in (a.record or []) + (a.cname or []):
        if "=" not in spec:
            ap.error("want NAME=VALUE: %s" % spec)
    try:
        Zone(a)
    except ValueError as e:
        ap.error(str(e))
    return a


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    zone = Zone(args)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", args.port))
    port = sock.getsockname()[1]
    log = open(args.log, "a", buffering=1) if args.log else None
    stop = []
    signal.signal(signal.SIGTERM, lambda s, f: stop.append(1))
    signal.signal(signal.SIGINT, lambda s, f: stop.append(1))
    if args.ready_file:
        write_ready(args.ready_file, port)
    print("dns on 127.0.0.1:%d" % port, flush=True)
    later = []  # heap of (when, seq, packet, address)
    seq = 0
    while not stop:
        timeout = 0.5
        if later:
            timeout = max(0.0, min(timeout, later[0][0] - time.monotonic()))
        try:
            ready, _, _ = select.select([sock], [], [], timeout)
        except InterruptedError:
            continue
        if ready:
            pkt, addr = sock.recvfrom(4096)
            action, out = respond(zone, args, pkt)
            if log:
                entry = {"t": time.time(), "port": addr[1], "action": action}
                try:
                    entry["id"] = struct.unpack("!H", pkt[:2])[0]
                    entry["name"], off = read_name(pkt, 12)
                    entry["type"] = struct.unpack("!H", pkt[off:off + 2])[0]
                except (ValueError, struct.error):
                    pass
                log.write(json.dumps(entry) + "\n")
            if out is not None:
                seq += 1
                heapq.heappush(later, (time.monotonic() + args.delay, seq, out, addr))
        while later and later[0][0] <= time.monotonic():
            _, _, out, addr = heapq.heappop(later)
            sock.sendto(out, addr)
    sock.close()
    if log:
        log.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
