"""kagent against a hostile host: configuration files others may write,
cleartext endpoints, core dumps."""
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Agent, Endpoint, append, count, flow, lines, test, wait_until, write_conf  # noqa: E402

NOBODY = 65534


def run(*args):
    p = subprocess.run([harness.kagent()] + list(args), capture_output=True, text=True, timeout=30)
    return p.returncode, p.stdout, p.stderr


@test(timeout=60)
def configuration_others_may_write_is_refused(tmp):
    """The configuration as the tests write it (root's, 0644) is taken, and
    said to be readable with its secret in it; made 0666, or with a configDir
    file 0666 that sends to another host over http, it is refused (exit 2,
    with what to do) and nothing is sent."""
    log = tmp + "/app.log"
    append(log, 0, 10)
    with Endpoint(tmp, tls=False) as ep:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow(log)])
        os.chmod(conf, 0o644)
        readable = ("%s: readable by others (mode 0644) and holds awsSecretAccessKey: chmod o-r %s\n"
                    % (conf, conf))
        with Agent(harness.kagent(), conf, args=["--once"]) as ag:
            assert ag.wait(20) == 0, ag.stderr()
            assert ag.stderr().count(readable) == 1, ag.stderr()
        assert ep.records() == lines(0, 10)

        append(log, 10, 20)
        os.chmod(conf, 0o666)
        refused = ("%s: writable by its group and others (mode 0666): refused, since whoever can write it "
                   "directs kagent; chmod go-w %s\n" % (conf, conf))
        for args in (["--once"], ["-t"]):
            rc, out, err = run("-c", conf, *args)
            assert (rc, out, err) == (2, "", refused), (rc, out, err)

        dropins = tmp + "/agent.d"
        os.mkdir(dropins)
        evil = dropins + "/evil.json"
        with open(evil, "w") as f:
            f.write('{"flows": [{"filePattern": "%s", "deliveryStream": "s1", '
                    '"firehose.endpoint": "http://127.0.0.1:%d"}]}' % (log, ep.port))
        os.chmod(evil, 0o666)
        write_conf(conf, ep, [flow(log)], configDir=dropins)
        os.chmod(conf, 0o600)
        rc, out, err = run("-c", conf, "--once")
        assert (rc, out, err) == (2, "", "%s: writable by its group and others (mode 0666): refused, since whoever "
                                  "can write it directs kagent; chmod go-w %s\n" % (evil, evil)), (rc, out, err)
        os.chmod(evil, 0o644)
        os.chmod(dropins, 0o777)
        line = [i for i, l in enumerate(open(conf).read().split("\n"), 1) if '"configDir"' in l][0]
        rc, out, err = run("-c", conf, "--once")
        assert (rc, out, err) == (2, "", "%s:%d: configDir: %s: writable by its group and others (mode 0777): "
                                  "refused, since whoever can write it adds flows; chmod go-w %s\n"
                                  % (conf, line, dropins, dropins)), (rc, out, err)
        assert count(ep) == 10


@test(timeout=60)
def cleartext_only_to_loopback_or_when_allowed(tmp):
    """http:// to the endpoint on 127.0.0.1 is taken and said once (with
    the session token named when there is one); to another host it is
    refused unless allowCleartext says so; -n sends nothing and says
    nothing of it."""
    log = tmp + "/app.log"
    append(log, 0, 10)
    with Endpoint(tmp, tls=False) as ep:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow(log), flow(log, "s2")], awsSessionToken="tok")
        os.chmod(conf, 0o600)
        with Agent(harness.kagent(), conf, args=["--once"]) as ag:
            assert ag.wait(20) == 0, ag.stderr()
            said = [l for l in ag.stderr().splitlines() if "TLS" in l]
            assert said == ["kagent: warning: s1: http://127.0.0.1:%d: no TLS: the requests, the session token "
                            "and their signatures go unencrypted" % ep.port], ag.stderr()
        rc, out, err = run("-n", "--once", "-c", conf)
        assert rc == 0 and "TLS" not in err, (rc, err)

    write_conf(conf, None, [flow(log)], **{"firehose.endpoint": "http://192.0.2.1:8080"})
    os.chmod(conf, 0o600)
    line = [i for i, l in enumerate(open(conf).read().split("\n"), 1) if '"firehose.endpoint"' in l][0]
    rc, out, err = run("-t", "-c", conf)
    assert (rc, out, err) == (2, "", "%s:%d: firehose.endpoint: http:// to a host other than loopback would send "
                              "the signed requests and any session token unencrypted: use https://, or allow it "
                              "with \"allowCleartext\": true\n" % (conf, line)), (rc, out, err)
    write_conf(conf, None, [flow(log)], allowCleartext=True, **{"firehose.endpoint": "http://192.0.2.1:8080"})
    os.chmod(conf, 0o600)
    rc, out, err = run("-t", "-c", conf)
    assert rc == 0 and err == "", (rc, err)
    assert "\nallowCleartext = true\n" in out and "\nflows[0].firehose.endpoint = http://192.0.2.1:8080\n" in out, out


def dump_owner(pid):
    """The owner of /proc/PID/mem: the process's user while it may be
    dumped (and read by its user), root once it may not."""
    return os.stat("/proc/%d/mem" % pid).st_uid


def core_limit(pid):
    with open("/proc/%d/limits" % pid) as f:
        return [l.split()[4:6] for l in f if l.startswith("Max core file size")][0]


@test(timeout=60)
def no_core_dumps_as_another_user_and_after_a_reload(tmp):
    """kagent run as nobody delivers; its memory cannot be dumped (its
    /proc/PID files are root's, where a plain process of nobody's has them
    nobody's) and its core size limit is 0, also after a reload (HUP
    execs it again), which delivers a new file's lines."""
    os.chmod(tmp, 0o755)
    os.mkdir(tmp + "/ck")
    os.chmod(tmp + "/ck", 0o777)
    log = tmp + "/app.log"
    append(log, 0, 10)
    plain = subprocess.Popen(["sleep", "30"], user=NOBODY)
    try:
        assert dump_owner(plain.pid) == NOBODY
    finally:
        plain.kill()
        plain.wait()
    with Endpoint(tmp, tls=False) as ep:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, [flow(tmp + "/app*.log")], checkpointFile=tmp + "/ck/checkpoints")
        os.chown(conf, NOBODY, -1)      # 0600: kagent's user's own
        with Agent(harness.kagent(), conf, user=NOBODY) as ag:
            wait_until(lambda: count(ep) >= 10, 10, msg=ag.stderr())
            with open("/proc/%d/status" % ag.pid) as f:
                uids = [l.split()[1:] for l in f if l.startswith("Uid:")][0]
            assert uids == [str(NOBODY)] * 4, uids
            assert dump_owner(ag.pid) == 0
            assert core_limit(ag.pid) == ["0", "0"], core_limit(ag.pid)
            ag.kill(signal.SIGHUP)
            wait_until(lambda: ag.stderr().count("started:") == 2, 10, msg=ag.stderr())
            append(tmp + "/app2.log", 10, 20)
            wait_until(lambda: count(ep) >= 20, 10, msg=ag.stderr())
            assert dump_owner(ag.pid) == 0
            assert core_limit(ag.pid) == ["0", "0"], core_limit(ag.pid)
            ag.kill(signal.SIGTERM)
            assert ag.wait(10) == 0, ag.stderr()
        assert ep.records() == lines(0, 20)


harness.run()
