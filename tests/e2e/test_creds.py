"""Credentials a fleet provisions, end to end (src/creds.c): the AWS IoT
credentials provider over TLS with the device's certificate, STS
AssumeRole signed with keys from a shared credentials file, and that file
rewritten under a running agent.  The fakes are tools/iotcreds.py and
tools/sts.py; the endpoint (tools/endpoint.py --creds-file) accepts only
the temporary credentials they issued, and refuses them as expired
(ExpiredTokenException) once their time is up.

    python3 tests/e2e/test_creds.py BUILD_DIR [NAME...]
"""
import collections
import json
import os
import re
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import (Agent, Endpoint, Service, Writer, count, failed_out, flow, issued, numbers,  # noqa: E402
                     started, test, wait_until, write_conf)

ROLE_ARN = "arn:aws:iam::123456789012:role/kagent-writer"
EXTERNAL_ID = "gw-fleet-7f3a"
LIFETIME = 40           # s: the temporary credentials' life
WRITE_FOR = 90          # s of lines
RATE = 100              # lines a second


def allocs_binary():
    return os.path.join(harness.build_dir(), "kagent-allocs")


def write_lines(log):
    """Writes WRITE_FOR seconds of numbered lines to log; returns the writer."""
    n = WRITE_FOR * RATE
    w = Writer(log, 0, n, chunk=RATE // 10, pause=0.1)
    w.start()
    return w, n


def stop(ag):
    """SIGTERM; the agent's stderr once it has exited cleanly."""
    ag.kill(signal.SIGTERM)
    assert ag.wait(15) == 0, ag.stderr()[-2000:]
    return ag.stderr()


def no_allocations(err):
    m = re.search(r"allocator calls: (\d+) during start-up, (\d+) after start-up", err)
    assert m and int(m.group(1)) > 0 and m.group(2) == "0", err[-2000:]


def no_secret_in(text, creds, also=()):
    """Nothing of a secret, a session token or a private key in text."""
    for c in creds:
        for k in ("secret", "token"):
            if k not in c:
                continue
            assert c[k] not in text and c[k][:16] not in text, "a %s in the log:\n%s" % (k, text[-2000:])
    for s in also:
        assert s not in text, "%r in the log" % s


def delivered_once_each(ep, n, tmp):
    """Every line [0, n) arrived; none was sent with expired credentials
    more than once (the fake endpoint's --failed-out names each record it
    refused as expired)."""
    recs = numbers(ep.records())
    assert sorted(set(recs)) == list(range(n)), "missing %d" % (n - len(set(recs)))
    expired = collections.Counter(r["data"] for r in failed_out(tmp + "/failed.out")
                                  if r.get("error") == "ExpiredTokenException")
    assert not expired or max(expired.values()) == 1, expired.most_common(3)
    return recs, sum(expired.values())


def online(conf):
    """kagent -t --online on conf, no AWS_* of the caller's environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    return subprocess.run(harness.command(harness.kagent(), "-t", "--online", "-c", conf),
                          capture_output=True, text=True, env=env, timeout=30)


def key_body(path):
    """A line from the middle of a PEM key: what must never be printed."""
    with open(path) as f:
        ls = [l.strip() for l in f if l.strip() and not l.startswith("-----")]
    return ls[len(ls) // 2]


def run_for_lifetimes(tmp, conf, ep, iss):
    """An agent on conf while WRITE_FOR seconds of lines are written, the
    flows signing with the temporary credentials a fake writes to iss.
    Checks that every line arrived, that at least three sets were issued
    and each request the endpoint took was signed with one of them (never
    with the base credentials), three at least.  Returns (the agent's
    stderr after SIGTERM, lines written, the sets issued, the records, how
    many were refused as expired)."""
    log = tmp + "/app.log"
    with Agent(allocs_binary(), conf) as ag:
        started(ag)
        w, n = write_lines(log)
        w.join()
        wait_until(lambda: count(ep) >= n, 30, interval=0.5,
                   msg="not every line arrived (%d of %d):\n%s" % (count(ep), n, ag.stderr()[-2000:]))
        err = stop(ag)
    creds = issued(iss)
    recs, expired = delivered_once_each(ep, n, tmp)
    assert len(creds) >= 3, "%d sets issued in %d s" % (len(creds), WRITE_FOR)
    ids = {c["id"] for c in creds}
    used = [r["akid"] for r in ep.requests() if r.get("akid")]
    assert used and set(used) <= ids, set(used) - ids
    assert len(set(used)) >= 3, "signed with %d sets" % len(set(used))
    return err, n, creds, recs, expired


@test(timeout=240)
def iot_provider_renews_inside_the_loop(tmp):
    """The device's certificate (EC P-256, SEC1 key) is exchanged for
    credentials living 40 s; 90 s of lines all arrive, signed with at least
    three sets in turn, no record refused as expired twice, nothing of a
    secret or the private key in the log, no allocation after start-up."""
    cd = harness.certdir()
    iss = tmp + "/issued"
    log = tmp + "/app.log"
    open(log, "wb").close()
    iot = Service(tmp, harness.IOTCREDS, "iot", ["--tls", cd, "--client-ca", cd + "/ca.pem",
                  "--role-alias", "kagent-writer", "--lifetime", str(LIFETIME), "--issued", iss])
    with iot, Endpoint(tmp, creds_file=iss, failed_out=tmp + "/failed.out") as ep:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow(log)], awsAccessKeyId=None, awsSecretAccessKey=None,
                   **{"iot.credentialsEndpoint": "https://localhost:%d" % iot.port,
                      "iot.roleAlias": "kagent-writer", "iot.thingName": "kagent-thing-ec",
                      "iot.certFile": cd + "/client-ec.pem", "iot.keyFile": cd + "/client-ec.key"})
        err, n, creds, recs, expired = run_for_lifetimes(tmp, conf, ep, iss)
        assert all(e["thing"] == "kagent-thing-ec" and e["cn"] == "kagent-thing-ec" for e in iot.entries())
        no_secret_in(err, creds, [key_body(cd + "/client-ec.key")])
        no_allocations(err)
        print("  %d records, %d sets issued, %d refused as expired" % (len(recs), len(creds), expired))


@test(timeout=60)
def iot_provider_refuses_another_ca_and_says_so_once(tmp):
    """A certificate of another CA: the provider's TLS alert, said once
    (not at every retry), nothing sent, the key file readable by every
    user warned about; the RSA key (PKCS#1) of the test
    CA's certificate then works once the configuration names it (-t
    --online checks the provider)."""
    cd = harness.certdir()
    iss = tmp + "/issued"
    log = tmp + "/app.log"
    with open(log, "wb") as f:
        f.write(b"".join(harness.lines(0, 100)))
    iot = Service(tmp, harness.IOTCREDS, "iot", ["--tls", cd, "--client-ca", cd + "/ca.pem",
                  "--role-alias", "r", "--lifetime", "3600", "--issued", iss])
    with iot, Endpoint(tmp, creds_file=iss) as ep:
        conf = tmp + "/k.conf"
        key = tmp + "/other-client.key"    # readable by every user: warned about
        with open(cd + "/other-client.key", "rb") as f, open(key, "wb") as g:
            g.write(f.read())
        os.chmod(key, 0o644)
        keys = {"iot.credentialsEndpoint": "https://localhost:%d" % iot.port, "iot.roleAlias": "r",
                "iot.thingName": "kagent-thing-other", "iot.certFile": cd + "/other-client.pem",
                "iot.keyFile": key}
        write_conf(conf, ep, [flow(log)], awsAccessKeyId=None, awsSecretAccessKey=None, **keys)
        with Agent(harness.kagent(), conf) as ag:
            started(ag)
            time.sleep(6)
            err = stop(ag)
        said = [l for l in err.splitlines() if l.startswith("kagent: warning: iot: ")]
        assert len(said) == 1, err
        assert "alert" in said[0] and "retrying with backoff" in said[0], said
        assert err.count("iot.keyFile %s can be read by every user (mode 644)" % key) == 1, err
        assert key_body(key) not in err
        assert count(ep) == 0 and issued(iss) == []
        assert len(iot.entries()) == 0      # no request got through the handshake
        keys.update({"iot.thingName": "kagent-thing-rsa", "iot.certFile": cd + "/client-rsa.pem",
                     "iot.keyFile": cd + "/client-rsa.key"})
        write_conf(conf, ep, [flow(log)], awsAccessKeyId=None, awsSecretAccessKey=None, **keys)
        out = online(conf)
        assert out.returncode == 0, out.stdout + out.stderr
        assert re.search(r"^credentials: iot: ok, valid until \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$",
                         out.stdout, re.M), out.stdout
        no_secret_in(out.stdout + out.stderr, issued(iss))


@test(timeout=240)
def assume_role_with_keys_from_a_credentials_file(tmp):
    """AssumeRole signed with a credentials file's profile, ExternalId
    checked by the fake STS, credentials living 40 s: as with IoT.  STS
    answers each call 3 s late: records keep going meanwhile (the renewal
    is inside the loop, not a wait)."""
    iss = tmp + "/issued"
    log = tmp + "/app.log"
    open(log, "wb").close()
    base_id, base_secret = "AKIDBASEGW0042", "base/Secret+0042abcdefghijklmnopqrstuvwx"
    cf = tmp + "/credentials"
    with open(cf, "w") as f:
        f.write("[default]\naws_access_key_id = AKIDOTHER\naws_secret_access_key = other\n"
                "[gw]\naws_access_key_id = %s\naws_secret_access_key = %s\n" % (base_id, base_secret))
    os.chmod(cf, 0o600)
    sts = Service(tmp, harness.STS, "sts", ["--access-key", base_id, "--secret", base_secret,
                  "--role-arn", ROLE_ARN, "--external-id", EXTERNAL_ID, "--lifetime", str(LIFETIME),
                  "--issued", iss, "--delay", "3"])
    with sts, Endpoint(tmp, creds_file=iss, failed_out=tmp + "/failed.out") as ep:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow(log)], awsAccessKeyId=None, awsSecretAccessKey=None,
                   awsCredentialsFile=cf, awsProfile="gw", assumeRoleARN=ROLE_ARN,
                   assumeRoleExternalId=EXTERNAL_ID, assumeRoleDurationSeconds=900,
                   **{"sts.endpoint": "http://127.0.0.1:%d" % sts.port})
        err, n, creds, recs, expired = run_for_lifetimes(tmp, conf, ep, iss)
        calls = sts.entries()
        assert calls and all(e["status"] == 200 and e["akid"] == base_id for e in calls), calls
        for c in calls[1:]:     # the renewals: records were taken while each was pending
            during = [r for r in ep.requests() if r.get("status") == 200 and c["t"] < r["t"] < c["done"] - 0.5]
            assert during, "no put while STS was asked (%.1f..%.1f)" % (c["t"], c["done"])
        assert "can be read by every user" not in err
        no_secret_in(err, creds + [{"secret": base_secret}])
        no_allocations(err)
        print("  %d records, %d sets issued, %d refused as expired" % (len(recs), len(creds), expired))


@test(timeout=120)
def expired_token_fetches_at_once_and_resends(tmp):
    """The endpoint refuses the temporary credentials as expired 6 s after
    they were issued, long before the time they say (an hour): each
    ExpiredTokenException makes kagent ask STS (over TLS here) at once and
    send the refused records again: every line arrives, none refused more
    than once, each refusal said and counted."""
    cd = harness.certdir()
    iss = tmp + "/issued"
    log = tmp + "/app.log"
    open(log, "wb").close()
    sts = Service(tmp, harness.STS, "sts", ["--tls", cd, "--access-key", "AKIDBASE2", "--secret", "base2/Secret",
                  "--role-arn", ROLE_ARN, "--lifetime", "3600", "--issued", iss])
    with sts, Endpoint(tmp, creds_file=iss, revoke_after=6, failed_out=tmp + "/failed.out") as ep:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow(log)], awsAccessKeyId="AKIDBASE2", awsSecretAccessKey="base2/Secret",
                   assumeRoleARN=ROLE_ARN, **{"sts.endpoint": "https://localhost:%d" % sts.port})
        with Agent(allocs_binary(), conf) as ag:
            started(ag)
            n = 20 * RATE
            w = Writer(log, 0, n, chunk=RATE // 10, pause=0.1)
            w.start()
            w.join()
            wait_until(lambda: count(ep) >= n, 30, interval=0.5, msg=ag.stderr()[-2000:])
            err = stop(ag)
        recs, expired = delivered_once_each(ep, n, tmp)
        creds = issued(iss)
        assert expired >= 1 and len(creds) >= 3, (expired, len(creds))
        refusals = err.count("kagent: sts: credentials refused as expired: fetching new ones")
        assert refusals == len(creds) - 1, err
        m = re.search(r"^kagent: credentials: sts: new sets (\d+), failures 0, refused as expired (\d+), state ok$",
                      err, re.M)
        assert m and int(m.group(1)) == len(creds) and int(m.group(2)) == refusals, err
        no_secret_in(err, creds + [{"secret": "base2/Secret"}])
        no_allocations(err)
        print("  %d records, %d sets issued, %d refused as expired" % (len(recs), len(creds), expired))


@test(timeout=60)
def assume_role_refused_is_said_once_with_sts_code(tmp):
    """A wrong ExternalId: STS's AccessDenied, said once with its code,
    nothing sent, -t --online exits 1 naming it; the file readable by
    every user is warned about."""
    iss = tmp + "/issued"
    log = tmp + "/app.log"
    with open(log, "wb") as f:
        f.write(b"".join(harness.lines(0, 100)))
    cf = tmp + "/credentials"
    with open(cf, "w") as f:
        f.write("[default]\naws_access_key_id = AKIDBASE1\naws_secret_access_key = base1\n")
    os.chmod(cf, 0o644)
    sts = Service(tmp, harness.STS, "sts", ["--access-key", "AKIDBASE1", "--secret", "base1",
                  "--role-arn", ROLE_ARN, "--external-id", EXTERNAL_ID, "--issued", iss])
    with sts, Endpoint(tmp, creds_file=iss) as ep:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow(log)], awsAccessKeyId=None, awsSecretAccessKey=None,
                   awsCredentialsFile=cf, assumeRoleARN=ROLE_ARN, assumeRoleExternalId="not-" + EXTERNAL_ID,
                   **{"sts.endpoint": "http://127.0.0.1:%d" % sts.port})
        with Agent(harness.kagent(), conf) as ag:
            started(ag)
            wait_until(lambda: len(sts.entries()) >= 2, 20, msg="STS not asked again")
            err = stop(ag)
        said = [l for l in err.splitlines() if l.startswith("kagent: warning: sts: ")]
        assert len(said) == 1 and said[0].startswith("kagent: warning: sts: AccessDenied: "), err
        assert err.count("can be read by every user") == 1, err
        assert count(ep) == 0 and issued(iss) == []
        out = online(conf)
        assert out.returncode == 1, out.stdout + out.stderr
        assert re.search(r"^credentials: sts: AccessDenied: ", out.stdout, re.M), out.stdout
        assert "base1" not in out.stdout + out.stderr


@test(timeout=120)
def credentials_file_rewritten_mid_run(tmp):
    """The keys of the credentials file rotated while lines are written:
    the old ones refused from then on, the file first half-written, then
    broken, then whole: delivery resumes within 15 s of the whole file,
    nothing is lost or sent twice, no restart, no allocation, each problem said once, the old and the
    new secret never in the log."""
    log = tmp + "/app.log"
    open(log, "wb").close()
    cf = tmp + "/credentials"
    accepted = tmp + "/accepted"
    old = {"id": "AKIDOLDKEY0001", "secret": "old/Secret0001abcdefghijklmnopqrstuvwxyz"}
    new = {"id": "AKIDNEWKEY0002", "secret": "new/Secret0002abcdefghijklmnopqrstuvwxyz"}

    def put(path, text, mode=0o600):
        with open(path + ".tmp", "w") as f:
            f.write(text)
        os.chmod(path + ".tmp", mode)
        os.replace(path + ".tmp", path)

    def profile(c):
        return "[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n" % (c["id"], c["secret"])

    put(accepted, json.dumps({"id": old["id"], "secret": old["secret"]}) + "\n")
    put(cf, profile(old))
    with Endpoint(tmp, creds_file=accepted) as ep:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow(log)], awsAccessKeyId=None, awsSecretAccessKey=None, awsCredentialsFile=cf)
        with Agent(allocs_binary(), conf) as ag:
            started(ag)
            n = 40 * RATE
            w = Writer(log, 0, n, chunk=RATE // 10, pause=0.1)
            w.start()
            wait_until(lambda: count(ep) >= 5 * RATE, 20, msg=ag.stderr()[-2000:])
            # the old key revoked; the provisioning agent writes the new file
            # in two steps (a half-written file), then a broken one
            put(accepted, json.dumps({"id": new["id"], "secret": new["secret"]}) + "\n")
            time.sleep(2)
            with open(cf, "w") as f:
                f.write("[default]\naws_access_key_id = %s\naws_secr" % new["id"])
            time.sleep(3)
            put(cf, "[default\naws_access_key_id = %s\n" % new["id"])
            time.sleep(3)
            before = count(ep)
            put(cf, profile(new))
            t0 = time.monotonic()
            wait_until(lambda: count(ep) > before, 15, interval=0.1,
                       msg="nothing delivered 15 s after the new file:\n" + ag.stderr()[-2000:])
            resumed = time.monotonic() - t0
            w.join()
            wait_until(lambda: count(ep) >= n, 30, interval=0.5, msg=ag.stderr()[-2000:])
            err = stop(ag)
        recs = numbers(ep.records())
        assert sorted(recs) == list(range(n)), "missing %d, twice %d" % (n - len(set(recs)), len(recs) - len(set(recs)))
        ls = err.splitlines()
        # each state said once
        name = "credentials file " + cf
        said = [l for l in ls if name in l and "new sets" not in l]
        assert said == ["kagent: %s: new credentials" % name,
                        "kagent: warning: %s: line 3: not \"key = value\"; the credentials read before stay in use"
                        % name,
                        "kagent: warning: %s: no profile [default]; the credentials read before stay in use" % name,
                        "kagent: %s: credentials again" % name], said
        assert ag.proc.pid == ag.pid and "started:" in err and err.count("kagent: started:") == 1
        used = [r.get("akid") for r in ep.requests() if r.get("akid")]
        assert used[0] == old["id"] and used[-1] == new["id"], used
        m = re.search(r"^kagent: credentials: credentials file \S+: new sets 2, failures (\d+), refused as expired 0, "
                      r"state ok$", err, re.M)
        assert m and int(m.group(1)) >= 2, err     # counted
        no_secret_in(err, [old, new])
        no_allocations(err)
        print("  resumed %.1f s after the new file" % resumed)


if __name__ == "__main__":
    harness.run()
