"""kagent's TLS client profile end to end (src/tls.c): handshakes complete
with chains shaped like those AWS's endpoints serve (RSA-2048 under an
Amazon Root CA 1 look-alike, ECDSA P-256 and P-384 under Root CA 3 and 4
look-alikes, each with its intermediate), on the suite the CPU does best;
TLS 1.0/1.1, CBC and static-RSA servers are refused with a message saying
why, and nothing reaches them.

The servers are Python's ssl module in front of the plain local endpoint:
a TLS front decrypts and hands the bytes on, so one endpoint plays every
TLS configuration.

    python3 tests/e2e/test_tls.py BUILD_DIR [NAME...]
"""
import os
import select
import socket
import ssl
import sys
import threading
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Agent, Endpoint, flow, lines, test, write_conf  # noqa: E402

# The old versions are what is tested here.
warnings.filterwarnings("ignore", "ssl.TLSVersion.TLSv1", DeprecationWarning)


class TlsFront:
    """A TLS server on 127.0.0.1 (ctx: its ssl.SSLContext) relaying to
    127.0.0.1:backend.  handshakes: one (version, cipher) per completed
    handshake; failures: one text per handshake that failed."""

    def __init__(self, ctx, backend):
        self.ctx, self.backend = ctx, backend
        self.handshakes, self.failures = [], []
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.stopped = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.stopped:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(c,), daemon=True).start()

    def _serve(self, c):
        c.settimeout(10)
        try:
            t = self.ctx.wrap_socket(c, server_side=True)
        except (ssl.SSLError, OSError) as e:
            self.failures.append(str(e))
            c.close()
            return
        self.handshakes.append((t.version(), t.cipher()[0]))
        b = socket.create_connection(("127.0.0.1", self.backend))
        try:
            while True:
                r, _, _ = select.select([t, b], [], [], 10)
                if not r:
                    return
                if t in r or t.pending():
                    d = t.recv(65536)
                    if not d:
                        return
                    b.sendall(d)
                if b in r:
                    d = b.recv(65536)
                    if not d:
                        return
                    t.sendall(d)
        except (ssl.SSLError, OSError):
            return
        finally:
            b.close()
            t.close()

    def close(self):
        self.stopped = True
        self.sock.close()


def context(chain, versions=(ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.MAXIMUM_SUPPORTED), ciphers=None):
    """A server context for tools/testca.sh's chain (rsa, ec, ec384) that
    takes the client's order of suites (the tests check which one kagent
    puts first)."""
    d = harness.certdir()
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.options &= ~ssl.OP_CIPHER_SERVER_PREFERENCE
    ctx.minimum_version, ctx.maximum_version = versions
    if ciphers:
        ctx.set_ciphers(ciphers)
    ctx.load_cert_chain(os.path.join(d, chain + "-server.pem"), os.path.join(d, chain + "-server.key"))
    return ctx


def aes_first():
    """Does kagent offer AES-GCM first?  Where the CPU has AES and carry-less
    multiply instructions: x86 with AES-NI and PCLMULQDQ; an ARMv8 with AES
    and PMULL, as qemu-user's default CPU for ARM and AArch64 is (not the
    ARMv7 of -cpu cortex-a15, nor MIPS)."""
    if harness.RUN:
        return os.path.basename(harness.RUN[0]) in ("qemu-arm", "qemu-aarch64") and "-cpu" not in harness.RUN
    if os.uname().machine not in ("x86_64", "i686"):
        return False
    with open("/proc/cpuinfo") as f:
        flags = set(w for l in f if l.startswith("flags") for w in l.split(":", 1)[1].split())
    return {"aes", "pclmulqdq"} <= flags


def deliver(tmp, ctx, ca, n=200, once=20):
    """n lines through a front with ctx to a plain endpoint, trusting ca;
    returns (exit status, stderr, records, front)."""
    log = tmp + "/app.log"
    with open(log, "wb") as f:
        f.write(b"".join(lines(0, n)))
    with Endpoint(tmp, tls=False) as ep:
        front = TlsFront(ctx, ep.port)
        try:
            url = "https://localhost:%d" % front.port
            conf = tmp + "/k.conf"
            write_conf(conf, ep, [flow(log)], caFile=os.path.join(harness.certdir(), ca),
                       **{"firehose.endpoint": url, "kinesis.endpoint": url})
            with Agent(harness.kagent(), conf, args=["--once=%d" % once]) as ag:
                rc = ag.wait(once + 30)
                err = ag.stderr()
        finally:
            front.close()
        return rc, err, ep.records(), front


def accepted(tmp, chain, kx):
    rc, err, recs, front = deliver(tmp, context(chain), chain + "-ca.pem")
    assert rc == 0, err
    assert recs == lines(0, 200), "records differ"
    want = "ECDHE-%s-%s" % (kx, "AES128-GCM-SHA256" if aes_first() else "CHACHA20-POLY1305")
    assert front.handshakes and set(front.handshakes) == {("TLSv1.2", want)}, (front.handshakes, want)
    assert front.failures == [], front.failures


@test(timeout=90)
def rsa_2048_chain_like_amazon_root_ca_1(tmp):
    accepted(tmp, "rsa", "RSA")


@test(timeout=90)
def ecdsa_p256_chain_like_amazon_root_ca_3(tmp):
    accepted(tmp, "ec", "ECDSA")


@test(timeout=90)
def ecdsa_p384_chain_like_amazon_root_ca_4(tmp):
    accepted(tmp, "ec384", "ECDSA")


@test(timeout=90)
def aes_gcm_256_when_the_server_wants_it(tmp):
    """A server that takes only AES-256-GCM (its choice, as AWS's endpoints
    choose): kagent has it."""
    ctx = context("rsa", ciphers="ECDHE-RSA-AES256-GCM-SHA384")
    rc, err, recs, front = deliver(tmp, ctx, "rsa-ca.pem")
    assert rc == 0 and recs == lines(0, 200), err
    assert set(front.handshakes) == {("TLSv1.2", "ECDHE-RSA-AES256-GCM-SHA384")}, front.handshakes


def refused(tmp, ctx, said):
    """kagent gives up on a server with ctx (--once: exit 1, nothing
    accepted), says why once per attempt, and sends it nothing."""
    rc, err, recs, front = deliver(tmp, ctx, "rsa-ca.pem", n=10, once=4)
    assert rc == 1, (rc, err)
    assert recs == [], recs
    assert front.handshakes == [], front.handshakes
    assert front.failures, "no handshake was tried"
    assert said in err, err


REFUSED = ("the server refused the TLS handshake (kagent offers only TLS 1.2 ECDHE suites with AES-GCM "
           "or ChaCha20-Poly1305); retrying with backoff")


@test(timeout=90)
def tls_1_0_is_refused(tmp):
    """(An AEAD suite needs TLS 1.2: the server finds none in common.)"""
    refused(tmp, context("rsa", (ssl.TLSVersion.TLSv1, ssl.TLSVersion.TLSv1), "DEFAULT:@SECLEVEL=0"), REFUSED)


@test(timeout=90)
def tls_1_1_is_refused(tmp):
    refused(tmp, context("rsa", (ssl.TLSVersion.TLSv1, ssl.TLSVersion.TLSv1_1), "DEFAULT:@SECLEVEL=0"), REFUSED)


@test(timeout=90)
def a_cbc_only_server_is_refused(tmp):
    refused(tmp, context("rsa", ciphers="ECDHE-RSA-AES128-SHA256:ECDHE-RSA-AES256-SHA384:"
                                        "ECDHE-RSA-AES128-SHA:AES128-SHA:AES256-SHA256"), REFUSED)


@test(timeout=90)
def a_static_rsa_only_server_is_refused(tmp):
    """RSA key exchange (no forward secrecy), even with AES-GCM."""
    refused(tmp, context("rsa", ciphers="AES128-GCM-SHA256:AES256-GCM-SHA384"), REFUSED)


harness.run()
