"""kagent's network path end to end: through an HTTP CONNECT proxy
(tools/proxy.py) with TLS verified to the endpoint itself, and name
resolution inside the loop against a test DNS server (tools/dnsserver.py)
that hangs, refuses, or moves a name, while the rest of the agent goes on."""
import base64
import os
import re
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import (Agent, Endpoint, append, count, flow, lines, numbers, started, test,  # noqa: E402
                     wait_until, write_conf)

TOOLS = os.path.join(harness.ROOT, "tools")


def Proxy(tmpdir, auth=None, mitm=None, status=None):
    args = []
    if auth:
        args += ["--auth", auth]
    if mitm:
        args += ["--mitm", mitm]
    if status:
        args += ["--status", str(status)]
    return harness.Service(tmpdir, os.path.join(TOOLS, "proxy.py"), "proxy", args)


def Dns(tmpdir, port=0, hang=(), records_file=None, records=()):
    args = []
    for n in hang:
        args += ["--hang", n]
    if records_file:
        args += ["--records-file", records_file]
    for r in records:
        args += ["--record", r]
    return harness.Service(tmpdir, os.path.join(TOOLS, "dnsserver.py"), "dns", args, port=port)


def resolv_conf(tmp, dns, options="timeout:5 attempts:1"):
    path = os.path.join(tmp, "resolv.conf")
    with open(path, "w") as f:
        f.write("nameserver 127.0.0.1:%d\noptions %s\n" % (dns.port, options))
    return path


def warnings(ag, text):
    return [l for l in ag.stderr().splitlines() if "warning" in l and text in l]


def allocs_binary():
    return os.path.join(harness.build_dir(), "kagent-allocs")


def no_allocations(err):
    m = re.search(r"allocator calls: (\d+) during start-up, (\d+) after start-up", err)
    assert m and int(m.group(1)) > 0 and m.group(2) == "0", err[-2000:]

# ---------------------------------------------------------------- proxy


@test(timeout=60)
def through_a_connect_proxy_every_line_arrives(tmp):
    """Every line goes through the proxy's tunnel; the proxy, given by a
    name, is resolved in the loop; the endpoint's name is not resolved by
    the agent (the proxy does that), and TLS is verified end to end."""
    log = tmp + "/app.log"
    append(log, 0, 2000)
    with Endpoint(tmp) as ep, Proxy(tmp) as px, Dns(tmp, records=["proxy.test=127.0.0.1"]) as dns:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow(log)], proxy="http://proxy.test:%d" % px.port,
                   resolvConf=resolv_conf(tmp, dns))
        with Agent(allocs_binary(), conf, args=["--once=10"]) as ag:
            assert ag.wait(40) == 0, ag.stderr()
            no_allocations(ag.stderr())
        assert ep.records() == lines(0, 2000)
        seen = px.entries()
        assert seen and all(e["line"] == "CONNECT localhost:%d HTTP/1.1" % ep.port and e["status"] == 200
                            and e["auth"] is None for e in seen), seen
        assert {q["name"] for q in dns.entries()} == {"proxy.test"}, dns.entries()


@test(timeout=60)
def proxy_credentials_from_the_url(tmp):
    log = tmp + "/app.log"
    append(log, 0, 300)
    with Endpoint(tmp) as ep, Proxy(tmp, auth="kagent:p@ss w") as px:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow(log)], proxy="http://kagent:p%%40ss%%20w@127.0.0.1:%d" % px.port)
        with Agent(harness.kagent(), conf, args=["--once=10"]) as ag:
            assert ag.wait(30) == 0, ag.stderr()
        assert ep.records() == lines(0, 300)
        want = "Basic " + base64.b64encode(b"kagent:p@ss w").decode()
        assert px.entries() and all(e["auth"] == want and e["status"] == 200 for e in px.entries()), \
            px.entries()


@test(timeout=60)
def proxy_refusal_is_said_once_and_records_wait(tmp):
    """A proxy answering 407: said once, with what it answered; nothing is
    lost, and once the URL has the right password every line arrives."""
    log = tmp + "/app.log"
    append(log, 0, 500)
    conf = tmp + "/k.conf"
    with Endpoint(tmp) as ep, Proxy(tmp, auth="kagent:right") as px:
        write_conf(conf, ep, [flow(log, retryMaxBackoffMillis=500)],
                   proxy="http://kagent:wrong@127.0.0.1:%d" % px.port)
        with Agent(harness.kagent(), conf) as ag:
            wait_until(lambda: len(px.entries()) >= 3, 15)
            ag.kill(signal.SIGTERM)
            assert ag.wait(10) == 0, ag.stderr()
            said = warnings(ag, "proxy said")
        assert len(said) == 1, ag.stderr()
        assert ("s1: localhost:%d: proxy said: HTTP/1.1 407 Proxy Authentication Required (the user and "
                "password of the proxy URL were refused); retrying with backoff" % ep.port) in said[0], said
        assert all(e["status"] == 407 for e in px.entries())
        assert count(ep) == 0 and ep.requests() == []

        # no user:password at all: the message says what to add
        write_conf(conf, ep, [flow(log, retryMaxBackoffMillis=500)], proxy="http://127.0.0.1:%d" % px.port)
        with Agent(harness.kagent(), conf) as ag:
            wait_until(lambda: warnings(ag, "proxy said"), 15)
            ag.kill(signal.SIGTERM)
            assert ag.wait(10) == 0, ag.stderr()
            assert "(it wants a user and password: http://USER:PASSWORD@HOST:PORT)" in \
                warnings(ag, "proxy said")[0], ag.stderr()

        write_conf(conf, ep, [flow(log)], proxy="http://kagent:right@127.0.0.1:%d" % px.port)
        with Agent(harness.kagent(), conf, args=["--once=10"]) as ag:
            assert ag.wait(30) == 0, ag.stderr()
        assert ep.records() == lines(0, 500)


@test(timeout=60)
def an_intercepting_proxy_is_refused(tmp):
    """A proxy that answers the TLS handshake itself, with a certificate
    from the trusted CA but for its own name (proxy.test, the name the
    agent reaches it by): the agent checks the endpoint's name, so it
    refuses, and nothing is sent."""
    log = tmp + "/app.log"
    append(log, 0, 10)
    cd = harness.certdir()
    with Endpoint(tmp) as ep, Proxy(tmp, mitm="%s/mitm.pem:%s/mitm.key" % (cd, cd)) as px, \
            Dns(tmp, records=["proxy.test=127.0.0.1"]) as dns:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow(log)], proxy="http://proxy.test:%d" % px.port,
                   resolvConf=resolv_conf(tmp, dns))
        with Agent(harness.kagent(), conf, args=["--once=3"]) as ag:
            assert ag.wait(20) == 1
            err = ag.stderr()
        assert "localhost:%d: server certificate does not match the host name" % ep.port in err, err
        seen = px.entries()
        assert seen and all(e["line"] == "CONNECT localhost:%d HTTP/1.1" % ep.port and
                            e["mitm"].startswith("refused") for e in seen), seen
        assert count(ep) == 0 and ep.requests() == []


@test(timeout=60)
def https_proxy_and_no_proxy_from_the_environment(tmp):
    log = tmp + "/app.log"
    conf = tmp + "/k.conf"
    with Endpoint(tmp) as ep, Proxy(tmp) as px:
        write_conf(conf, ep, [flow(log)])
        env = {"https_proxy": "http://127.0.0.1:%d" % px.port, "no_proxy": "example.com, .localhost"}
        append(log, 0, 100)
        with Agent(harness.kagent(), conf, args=["--once=5"], env=env) as ag:
            assert ag.wait(30) == 0, ag.stderr()
        assert ep.records() == lines(0, 100) and px.entries() == []     # straight there
        env["no_proxy"] = "example.com,127.0.0.1"
        append(log, 100, 200)
        with Agent(harness.kagent(), conf, args=["--once=5"], env=env) as ag:
            assert ag.wait(30) == 0, ag.stderr()
        assert ep.records() == lines(0, 200)
        assert px.entries() and px.entries()[0]["line"] == "CONNECT localhost:%d HTTP/1.1" % ep.port

# ---------------------------------------------------------------- DNS


def two_flows(tmp, dns, ep_fh, ep_k, **top):
    """Flow s1 (Firehose) to https://fh.test:PORT, resolved by dns; flow k1
    (Kinesis) to ep_k at 127.0.0.1, resolved by nobody."""
    conf = tmp + "/k.conf"
    top.setdefault("connectionTimeoutMillis", 3000)
    write_conf(conf, None, [flow(tmp + "/fh.log", "s1", retryMaxBackoffMillis=1000),
                            {"filePattern": tmp + "/k.log", "kinesisStream": "k1",
                             "initialPosition": "START_OF_FILE", "maxBufferAgeMillis": 1000}],
               **{"firehose.endpoint": "https://fh.test:%d" % ep_fh.port, "kinesis.endpoint": ep_k.url,
                  "caFile": ep_fh.ca, "resolvConf": resolv_conf(tmp, dns)}, **top)
    return conf


@test(timeout=90)
def a_hanging_resolver_holds_up_nothing_else(tmp):
    """The nameserver never answers for fh.test: its flow waits and says
    why, while the other flow delivers at its own pace and the agent
    answers USR1; then the name does not exist, then it resolves and every
    record goes.  The allocation-counting build: no
    resolver call allocates."""
    os.makedirs(tmp + "/fh")
    os.makedirs(tmp + "/k")
    zone = tmp + "/zone"
    open(zone, "w").close()
    append(tmp + "/fh.log", 0, 100)
    open(tmp + "/k.log", "wb").close()
    dns = Dns(tmp, hang=["fh.test"]).start()
    try:
        with Endpoint(tmp + "/fh") as ep_fh, Endpoint(tmp + "/k", tls=False) as ep_k:
            conf = two_flows(tmp, dns, ep_fh, ep_k)
            with Agent(allocs_binary(), conf) as ag:
                started(ag)
                for k in range(3):
                    t0 = time.monotonic()
                    append(tmp + "/k.log", 1000 + 10 * k, 1010 + 10 * k)
                    wait_until(lambda: count(ep_k) >= 10 * (k + 1), 5)
                    assert time.monotonic() - t0 < 3
                assert [q["action"] for q in dns.entries() if q["name"] == "fh.test"][:1] == ["hang"]
                ag.kill(signal.SIGUSR1)
                stats = wait_until(lambda: [l for l in ag.stderr().splitlines() if "s1: read" in l], 2)
                assert "read 100 records, sent 0," in stats[0], stats
                wait_until(lambda: warnings(ag, "cannot resolve fh.test"), 10)
                assert ("s1: fh.test:%d: cannot resolve fh.test: no answer in 3000 ms "
                        "(connectionTimeoutMillis); retrying with backoff" % ep_fh.port) in \
                    warnings(ag, "cannot resolve")[0], ag.stderr()

                # the name does not exist (the same server's address, now answering)
                dns.stop()
                dns = Dns(tmp, port=dns.port, records_file=zone).start()
                wait_until(lambda: [q for q in dns.entries() if q["action"] == "nxdomain"], 10)
                assert count(ep_fh) == 0

                # and now it does
                with open(zone, "w") as f:
                    f.write("fh.test 127.0.0.1\n")
                wait_until(lambda: count(ep_fh) >= 100, 10)
                append(tmp + "/k.log", 2000, 2010)
                wait_until(lambda: count(ep_k) >= 40, 5)
                ag.kill(signal.SIGTERM)
                assert ag.wait(10) == 0, ag.stderr()
                no_allocations(ag.stderr())
            assert ep_fh.records() == lines(0, 100)
            assert numbers(ep_k.records()) == list(range(1000, 1030)) + list(range(2000, 2010))
    finally:
        dns.stop()


@test(timeout=90)
def the_last_answer_serves_while_the_resolver_is_down(tmp):
    """fh.test resolved once (TTL 1 s, kept 5 s at least); then the
    nameserver hangs: the address it had is used (said once), and
    delivery goes on."""
    os.makedirs(tmp + "/fh")
    os.makedirs(tmp + "/k")
    append(tmp + "/fh.log", 0, 10)
    zone = tmp + "/zone"
    with open(zone, "w") as f:
        f.write("fh.test 127.0.0.1 1\n")
    dns = Dns(tmp, records_file=zone).start()
    try:
        with Endpoint(tmp + "/fh") as ep_fh, Endpoint(tmp + "/k", tls=False) as ep_k:
            conf = two_flows(tmp, dns, ep_fh, ep_k, connectionTimeoutMillis=1500, idleTimeoutMillis=1000)
            with Agent(harness.kagent(), conf) as ag:
                wait_until(lambda: count(ep_fh) >= 10, 10)
                dns.stop()
                dns = Dns(tmp, port=dns.port, hang=["fh.test"]).start()
                time.sleep(6)       # past the 5 s an answer is kept at least
                for k in range(3):
                    append(tmp + "/fh.log", 10 + 10 * k, 20 + 10 * k)
                    wait_until(lambda: count(ep_fh) >= 20 + 10 * k, 10)
                said = warnings(ag, "cannot resolve fh.test")
                assert len(said) == 1, ag.stderr()
                assert said[0] == ("kagent: warning: cannot resolve fh.test (no answer in 1500 ms "
                                   "(connectionTimeoutMillis)): connecting to the addresses it had before"), said
                assert any(q["name"] == "fh.test" and q["action"] == "hang" for q in dns.entries())
                ag.kill(signal.SIGTERM)
                assert ag.wait(10) == 0, ag.stderr()
            assert ep_fh.records() == lines(0, 40)
    finally:
        dns.stop()


harness.run()
