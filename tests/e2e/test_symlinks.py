"""Symbolic links in watched directories, end to end.  Whoever can write a
watched directory could otherwise put a link there to any file and have
kagent, run as root, read it and ship it.  A link is followed when
followSymlinks is true; not when it is false; and when it is not given, only
in a directory no one but root and kagent's own user can write (owned by one
of them, not writable by group or others: /var/log, not /tmp)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Agent, Endpoint, flow, lines, test, write_conf  # noqa: E402

NOBODY = 65534
SECRET = [b"SECRET %d\n" % i for i in range(5)]


def setup(tmp, mode, owner=0):
    """tmp/secret (root's, 0600), and tmp/logs (mode, owner) holding
    real.log (lines 0..99) and evil.log, a link to the secret."""
    secret = tmp + "/secret"
    with open(secret, "wb") as f:
        f.write(b"".join(SECRET))
    os.chmod(secret, 0o600)
    logs = tmp + "/logs"
    os.mkdir(logs)
    with open(logs + "/real.log", "wb") as f:
        f.write(b"".join(lines(0, 100)))
    os.symlink(secret, logs + "/evil.log")
    os.chown(logs, owner, owner)
    os.chmod(logs, mode)
    return logs


def once(tmp, flows):
    with Endpoint(tmp) as ep:
        conf = tmp + "/k.conf"
        write_conf(conf, ep, flows)
        with Agent(harness.kagent(), conf, args=["--once=5"]) as ag:
            assert ag.wait(20) == 0, ag.stderr()
            return ep.records(), ag.stderr()


def said(err, text):
    return [l for l in err.splitlines() if text in l]


@test(timeout=60)
def links_where_others_can_write_are_not_followed(tmp):
    """A directory like /tmp (1777), one writable by all (0777), one of
    another user (0755, nobody's): the link to root's secret is not
    followed, by a glob nor by a literal pattern naming it; the real file
    is read; it is said once a flow."""
    for name, mode, owner in (("sticky", 0o1777, 0), ("open", 0o777, 0), ("other", 0o755, NOBODY)):
        d = os.path.join(tmp, name)
        os.mkdir(d)
        logs = setup(d, mode, owner)
        recs, err = once(d, [flow(logs + "/*.log"), flow(logs + "/evil.log", "s2")])
        assert not [r for r in recs if r.startswith(b"SECRET")], (name, recs[:3])
        assert sorted(recs) == lines(0, 100), (name, len(recs))
        assert len(said(err, "evil.log: a symbolic link in a directory that others can write: "
                        "not followed (followSymlinks)")) == 2, (name, err)


@test(timeout=60)
def links_where_only_root_can_write_are_followed(tmp):
    """A root-owned 0755 directory (as /var/log): the link is followed by
    default, its target read once however many names lead to it;
    followSymlinks false: not followed; followSymlinks true: followed
    also in a directory anyone can write."""
    d = os.path.join(tmp, "root")
    os.mkdir(d)
    logs = setup(d, 0o755)
    os.symlink(d + "/secret", logs + "/again.log")
    recs, err = once(d, [flow(logs + "/*.log")])
    assert sorted(recs) == sorted(lines(0, 100) + SECRET), recs
    assert not said(err, "symbolic link"), err

    d = os.path.join(tmp, "off")
    os.mkdir(d)
    logs = setup(d, 0o755)
    recs, err = once(d, [flow(logs + "/*.log", followSymlinks=False)])
    assert sorted(recs) == lines(0, 100), recs
    assert len(said(err, "evil.log: a symbolic link: not followed (followSymlinks is false)")) == 1, err

    d = os.path.join(tmp, "on")
    os.mkdir(d)
    logs = setup(d, 0o1777)
    recs, err = once(d, [flow(logs + "/*.log", followSymlinks=True)])
    assert sorted(recs) == sorted(lines(0, 100) + SECRET), recs
    assert not said(err, "symbolic link"), err


@test(timeout=30)
def follow_symlinks_must_be_a_boolean(tmp):
    conf = tmp + "/k.conf"
    write_conf(conf, None, [flow("/var/log/x.log", followSymlinks="maybe")])
    with Agent(harness.kagent(), conf, args=["-t"]) as ag:
        assert ag.wait(10) == 2
        err = ag.stderr()
    line = 1 + open(conf).read().split("\n").index('      "followSymlinks": "maybe"')
    assert err == "%s:%d: flows[0].followSymlinks: must be true or false, got \"maybe\"\n" % (conf, line), err


harness.run()
