"""What ships around the binary, checked as far as this machine can: the
init scripts parse, the systemd unit verifies, the man pages are lint-clean
and agree with --help and the README, -V names the C library, -p writes and
removes its pidfile, and the OpenWrt package Makefile and the Yocto recipe
build and install kagent the way their SDKs would call its Makefile (with
their variables; the SDKs themselves are not here)."""
import hashlib
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tarfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Agent, flow, test, wait_until, write_conf  # noqa: E402

ROOT = harness.ROOT
BOARD = os.path.join(ROOT, "board")
MAN8 = os.path.join(ROOT, "man", "kagent.8")
MAN5 = os.path.join(ROOT, "man", "kagent.conf.5")
BEARSSL_TARBALL = os.path.join(ROOT, "build", "src", "bearssl_0.6+dfsg.1.orig.tar.xz")


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def run(argv, **kw):
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def tool(name):
    path = shutil.which(name)
    assert path, "no %s on this machine (make deps installs it)" % name
    return path


# ---------------------------------------------------------------- init scripts

@test(timeout=60)
def init_scripts_parse_in_busybox_sh_and_dash():
    bb = harness_busybox()
    for script in ("sysvinit/kagent", "openwrt/files/kagent.init"):
        path = os.path.join(BOARD, script)
        for sh in ([bb, "sh"], [tool("dash")]):
            rc, out, err = run(sh + ["-n", path])
            assert (rc, out, err) == (0, "", ""), (sh, script, rc, err)


def harness_busybox():
    rc, out, err = run(["sh", os.path.join(ROOT, "tools", "busybox-static.sh"),
                        os.path.join(ROOT, "build", "busybox")], cwd=ROOT)
    assert rc == 0, err
    return os.path.join(ROOT, out.strip())


# ---------------------------------------------------------------- systemd

@test(timeout=60)
def systemd_unit_verifies_and_is_hardened(tmp):
    """systemd-analyze verify (in a root that has the binaries the unit
    runs) says nothing; the unit restarts for ever, reloads with a check and
    HUP, and keeps its exposure low."""
    unit = os.path.join(BOARD, "systemd", "kagent.service")
    root = tmp + "/root"
    for d in ("usr/bin", "bin", "etc/systemd/system"):
        os.makedirs(os.path.join(root, d))
    shutil.copy2(harness.kagent(), root + "/usr/bin/kagent")
    shutil.copy2(tool("kill"), root + "/bin/kill")
    shutil.copy2(unit, root + "/etc/systemd/system/kagent.service")
    analyze = tool("systemd-analyze")
    rc, out, err = run([analyze, "verify", "--man=no", "--recursive-errors=no", "--root=" + root,
                        "/etc/systemd/system/kagent.service"])
    assert (rc, out, err) == (0, "", ""), (rc, out, err)
    text = read(unit)
    for line in ("Restart=always", "StartLimitIntervalSec=0", "ExecStart=/usr/bin/kagent -c /etc/kagent.conf",
                 "ExecReload=/usr/bin/kagent -t -c /etc/kagent.conf", "ExecReload=/bin/kill -HUP $MAINPID",
                 "ProtectSystem=strict", "NoNewPrivileges=yes", "CapabilityBoundingSet=", "User=kagent",
                 "StateDirectory=kagent"):
        assert re.search(r"(?m)^%s$" % re.escape(line), text), line
    # the checkpoint's default directory is the unit's StateDirectory
    assert '"checkpointFile": "/var/lib/kagent/checkpoints"' in read(os.path.join(ROOT, "conf", "kagent.conf"))
    rc, out, err = run([analyze, "security", "--offline=yes", "--root=" + root,
                        "/etc/systemd/system/kagent.service"])
    m = re.search(r"Overall exposure level for kagent.service: (\d+\.\d+)", out)
    assert rc == 0 and m and float(m.group(1)) <= 2.5, (rc, out[-500:], err)
    print("  systemd-analyze security: exposure %s" % m.group(1))


# ---------------------------------------------------------------- man pages

@test(timeout=60)
def man_pages_lint_clean():
    for page in (MAN8, MAN5):
        rc, out, err = run([tool("mandoc"), "-Tlint", page])
        assert (rc, out, err) == (0, "", ""), (page, rc, out, err)
        rc, out, err = run([tool("groff"), "-ww", "-man", "-z", page])
        assert (rc, out, err) == (0, "", ""), (page, rc, out, err)


def man_options(text):
    return set(re.findall(r"\\-\\-([a-z][a-z-]*)", text)) | set(re.findall(r"\\fB\\-([a-zA-Z])\b", text)) | \
        set(re.findall(r"^\.BI? \\-([a-zA-Z])\b", text, re.M)) | set(re.findall(r"^\.BR \\-([a-zA-Z])\b", text, re.M))


@test(timeout=60)
def help_man_page_and_readme_name_the_same_options():
    rc, out, err = run([harness.kagent(), "--help"])
    assert rc == 0, err
    helped = set(re.findall(r"(?<![\w-])--([a-z][a-z-]*)", out)) | set(re.findall(r"(?<![\w-])-([a-zA-Z])\b", out))
    options = read(MAN8).split(".SH OPTIONS", 1)[1].split(".SH ", 1)[0]
    manned = man_options(options)
    readme = read(os.path.join(ROOT, "README.md")).split("## Running", 1)[1].split("\n## ", 1)[0]
    readme = readme.split("```", 2)[1]
    said = set(re.findall(r"(?<![\w-])--([a-z][a-z-]*)", readme)) | set(re.findall(r"(?<![\w-])-([a-zA-Z])\b",
                                                                                        readme))
    want = {"c", "t", "n", "s", "p", "v", "V", "h", "once", "online", "syslog", "version", "help"}
    assert helped == want, sorted(helped ^ want)
    assert manned == want, sorted(manned ^ want)
    assert said == want, sorted(said ^ want)


def readme_keys(section):
    """The keys of the README's configuration table that starts after
    section ("Configuration" top level, "Per flow:")."""
    text = read(os.path.join(ROOT, "README.md"))
    table = text.split(section, 1)[1].split("| key |", 1)[1].split("\n\n", 1)[0]
    keys = set()
    for row in table.splitlines()[2:]:
        cell = re.sub(r"\(.*?\)", "", row.split("|")[1])     # "(the Java agent's `agent.d`)"
        keys |= set(re.findall(r"`([A-Za-z][A-Za-z.]*)`", cell))
    return keys


def man_keys(section):
    part = read(MAN5).split(".SH " + section, 1)[1].split("\n.SH ", 1)[0]
    keys = set()
    for m in re.finditer(r"^\.TP\n\.BR? (.*)$", part, re.M):
        keys |= set(re.findall(r"[A-Za-z][A-Za-z.]*", m.group(1).replace('", "', " ").replace('"', "")))
    return keys


@test(timeout=60)
def man_page_has_every_key_of_the_readme():
    top, per_flow = readme_keys("## Configuration"), readme_keys("Per flow:")
    assert len(top) > 15 and len(per_flow) > 25, (top, per_flow)
    assert man_keys("TOP-LEVEL KEYS") == top, sorted(man_keys("TOP-LEVEL KEYS") ^ top)
    assert man_keys("FLOW KEYS") == per_flow, sorted(man_keys("FLOW KEYS") ^ per_flow)
    # each entry says the Java agent's name and the default
    keys = read(MAN5).split(".SH TOP-LEVEL KEYS", 1)[1].split(".SH EXAMPLE", 1)[0]
    for part in keys.split(".TP\n")[1:]:
        body = part.split(".SH", 1)[0]
        assert re.search(r"Java agent|kagent's own", body) and re.search(r"Default|Required|One of the two", body), \
            body


# ---------------------------------------------------------------- -V, -p

@test(timeout=60, sanitize=False)
def version_names_the_c_library_it_was_built_with(tmp):
    rc, out, err = run([harness.kagent(), "-V"])
    assert rc == 0, err
    assert re.search(r"(?m)^tls: BearSSL; libc: musl; 64-bit, 64-bit file offsets$", out), out
    assert run([harness.kagent(), "--version"])[1] == out
    # src/libc.h decides from the headers: glibc's, musl's
    probe = tmp + "/probe.c"
    with open(probe, "w") as f:
        f.write('#include <stdio.h>\n#include "libc.h"\nint main(void) { puts(LIBC_NAME); return 0; }\n')
    glibc = run(["getconf", "GNU_LIBC_VERSION"])[1].split()[1]
    for cc, want in (("musl-gcc", "musl"), ("gcc", "glibc " + glibc)):
        rc, out, err = run([tool(cc), "-I", os.path.join(ROOT, "src"), "-o", tmp + "/probe", probe])
        assert rc == 0, err
        assert run([tmp + "/probe"])[1] == want + "\n", (cc, want)


@test(timeout=60)
def pidfile_written_kept_through_reload_removed_at_exit(tmp):
    pidfile = tmp + "/kagent.pid"
    conf = tmp + "/k.conf"
    write_conf(conf, None, [flow(tmp + "/app.log")], **{"firehose.endpoint": "http://127.0.0.1:9"})
    # -t: no pidfile
    assert run([harness.kagent(), "-t", "-p", pidfile, "-c", conf])[0] == 0
    assert not os.path.exists(pidfile)
    with Agent(harness.kagent(), conf, args=["-p", pidfile]) as ag:
        wait_until(lambda: os.path.exists(pidfile), 5)
        assert read(pidfile) == "%d\n" % ag.pid
        ag.kill(signal.SIGHUP)
        wait_until(lambda: ag.stderr().count("started:") == 2, 15, msg=ag.stderr())
        assert read(pidfile) == "%d\n" % ag.pid
        ag.kill(signal.SIGTERM)
        assert ag.wait(15) == 0
    assert not os.path.exists(pidfile)
    # another process's pid in it at exit: left alone
    with Agent(harness.kagent(), conf, args=["-p", pidfile]) as ag:
        wait_until(lambda: os.path.exists(pidfile), 5)
        with open(pidfile, "w") as f:
            f.write("1\n")
        ag.kill(signal.SIGTERM)
        assert ag.wait(15) == 0
    assert read(pidfile) == "1\n"
    os.unlink(pidfile)
    # a link planted at the temporary name is never written through
    victim = tmp + "/victim"
    with open(victim, "w") as f:
        f.write("precious\n")
    os.symlink(victim, pidfile + ".tmp")
    with Agent(harness.kagent(), conf, args=["-p", pidfile]) as ag:
        wait_until(lambda: os.path.exists(pidfile), 5)
        ag.kill(signal.SIGTERM)
        assert ag.wait(15) == 0
    assert read(victim) == "precious\n"
    # a pidfile that cannot be written: exit 2, said
    p = run([harness.kagent(), "-p", tmp + "/no/such/dir/pid", "-c", conf])
    assert p[0] == 2 and p[2] == "kagent: pidfile %s/no/such/dir/pid: No such file or directory\n" % tmp, p


@test(timeout=120)
def signals_at_start_and_during_a_reload_are_not_fatal(tmp):
    """An init script signals the pid in the pidfile as soon as it is there,
    and a HUP re-executes kagent: a USR1 in either window is a USR1, not
    the death of the process."""
    pidfile = tmp + "/kagent.pid"
    conf = tmp + "/k.conf"
    write_conf(conf, None, [flow(tmp + "/app.log")], **{"firehose.endpoint": "http://127.0.0.1:9"})
    for _ in range(5):
        if os.path.exists(pidfile):
            os.unlink(pidfile)
        with Agent(harness.kagent(), conf, args=["-p", pidfile]) as ag:
            wait_until(lambda: os.path.exists(pidfile), 5)
            os.kill(int(read(pidfile)), signal.SIGUSR1)
            ag.kill(signal.SIGHUP)
            end = time.monotonic() + 0.5
            while time.monotonic() < end:       # through the re-exec
                ag.kill(signal.SIGUSR1)
                time.sleep(0.001)
            wait_until(lambda: ag.stderr().count("started:") == 2, 15, msg=ag.stderr())
            assert ag.alive(), ag.stderr()
            ag.kill(signal.SIGTERM)
            assert ag.wait(15) == 0, ag.stderr()


# ---------------------------------------------------------------- OpenWrt, Yocto

def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for b in iter(lambda: f.read(1 << 20), b""):
            h.update(b)
    return h.hexdigest()


def md5(path):
    with open(path, "rb") as f:
        return hashlib.md5(f.read()).hexdigest()


def bearssl_tree(tmp, top):
    """BearSSL's tarball unpacked in tmp; its top directory must be top."""
    assert os.path.exists(BEARSSL_TARBALL), "no %s (make deps fetches it)" % BEARSSL_TARBALL
    with tarfile.open(BEARSSL_TARBALL) as t:
        names = t.getnames()
        assert all(n == top or n.startswith(top + "/") for n in names), names[:3]
        t.extractall(tmp)
    return os.path.join(tmp, top)


def jsmn_tree(tmp, top):
    """jsmn's tree as the second download unpacks it: Debian's libjsmn-dev
    jsmn.h is the 1.1.0 tarball's."""
    d = os.path.join(tmp, top)
    os.makedirs(d)
    shutil.copy2("/usr/include/jsmn.h", d)
    return d


def copy_tree(tmp, items):
    """A copy of the repository's items (what a package copies to build)."""
    dst = tmp + "/kagent"
    os.makedirs(dst)
    for item in items:
        src = os.path.join(ROOT, item)
        assert os.path.exists(src), item
        if os.path.isdir(src):
            shutil.copytree(src, os.path.join(dst, item), ignore=shutil.ignore_patterns("build"))
        else:
            shutil.copy2(src, dst)
    return dst


def has_install_target(tree):
    return re.search(r"(?m)^install:", read(os.path.join(tree, "Makefile"))) is not None


def make(tree, args, env=None, timeout=600):
    e = dict(os.environ)
    for k in ("CC", "CFLAGS", "CPPFLAGS", "LDFLAGS", "AR", "STRIP", "MAKEFLAGS", "MFLAGS"):
        e.pop(k, None)
    e.update(env or {})
    # niced: the suite's timing tests run beside it
    p = subprocess.run(["nice", "-n", "19", "make", "-C", tree] + args, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, env=e, timeout=timeout)
    assert p.returncode == 0, "make %s:\n%s" % (" ".join(args), p.stdout.decode()[-3000:])


def expand(text, values):
    """$(NAME) / ${NAME} replaced from values, repeatedly."""
    for _ in range(5):
        text = re.sub(r"\$[({]([A-Za-z_]+)[)}]", lambda m: values.get(m.group(1), m.group(0)), text)
    return text


@test(timeout=900, sanitize=False)
def openwrt_package_builds_and_installs_as_its_sdk_would(tmp):
    mk = read(os.path.join(BOARD, "openwrt", "Makefile"))
    for needle in ("include $(TOPDIR)/rules.mk", "include $(INCLUDE_DIR)/package.mk", "define Package/kagent\n",
                   "define Package/kagent/install", "define Package/kagent/conffiles\n/etc/kagent.conf\n",
                   "$(eval $(call Download,bearssl))", "$(eval $(call Download,jsmn))",
                   "$(eval $(call BuildPackage,kagent))", "PKG_INSTALL:=1", "DEPENDS:=+ca-bundle"):
        assert needle in mk, needle
    var = dict(re.findall(r"(?m)^([A-Z_]+):=(.*)$", mk))
    # the BearSSL download is the tarball the tests build with
    assert var["BEARSSL_FILE"].replace("$(BEARSSL_VERSION)", var["BEARSSL_VERSION"]) == \
        os.path.basename(BEARSSL_TARBALL)
    hashes = re.findall(r"HASH:=([0-9a-f]{64})", mk)
    assert hashes[0] == sha256(BEARSSL_TARBALL), hashes
    # what Build/Prepare copies is enough to build
    items = re.search(r"\$\(addprefix \$\(KAGENT_SRC\)/,([^)]*)\)", mk).group(1).split()
    work = tmp + "/build"
    os.makedirs(work)
    tree = copy_tree(work, items)
    values = {"PKG_BUILD_DIR": tree, "BEARSSL_VERSION": var["BEARSSL_VERSION"],
              "JSMN_VERSION": var["JSMN_VERSION"], "TARGET_CROSS": "x86_64-openwrt-linux-musl-"}
    bearssl_tree(tree, "bearssl-" + var["BEARSSL_VERSION"])
    jsmn_tree(tree, "jsmn-" + var["JSMN_VERSION"])
    flags = re.search(r"(?m)^MAKE_FLAGS \+= \\\n((?:\t.*\\\n)*\t.*)$", mk).group(1)
    extra = shlex.split(expand(flags.replace("\\\n", " "), values))
    # the SDK's toolchain: its triplet's names for the host's musl-gcc and binutils
    cross = values["TARGET_CROSS"]
    os.makedirs(tmp + "/sdk/bin")
    for name, real in (("gcc", "musl-gcc"), ("ar", "ar"), ("ld", "ld"), ("nm", "nm"), ("ranlib", "ranlib"),
                       ("strip", "strip")):
        os.symlink(tool(real), tmp + "/sdk/bin/" + cross + name)
    # package-defaults.mk's Build/Compile/Default and Build/Install/Default:
    # CFLAGS and LDFLAGS in the environment, the tools and CROSS on the line
    env = {"CFLAGS": "-Os -pipe -fno-caller-saves -fno-plt -Wformat -Werror=format-security "
                     "-fstack-protector -D_FORTIFY_SOURCE=1 -Wl,-z,now -Wl,-z,relro",
           "LDFLAGS": "-L/nonexistent/usr/lib -znow -zrelro",
           "PATH": tmp + "/sdk/bin:" + os.environ["PATH"]}
    line = ["AR=%sar" % cross, "CC=%sgcc" % cross, "GCC=%sgcc" % cross, "LD=%sld" % cross, "NM=%snm" % cross,
            "RANLIB=%sranlib" % cross, "STRIP=%sstrip --strip-all" % cross, "CROSS=" + cross,
            "ARCH=x86_64"] + extra
    make(tree, line, env)
    built = os.path.join(tree, "build", "x86_64-openwrt-linux-musl", "kagent")
    assert os.path.exists(built), os.listdir(os.path.join(tree, "build"))
    assert run([built, "-V"])[1].startswith("kagent ")
    # Package/kagent/install's sources, from make install DESTDIR=$(PKG_INSTALL_DIR)
    ipkg = tmp + "/ipkg-install"
    if not has_install_target(tree):
        print("  kagent's Makefile has no install target yet: install not checked")
    else:
        make(tree, line + ["DESTDIR=" + ipkg, "install"], env)
        for src in re.findall(r"\$\(PKG_INSTALL_DIR\)(/\S+)", mk):
            assert os.path.isfile(ipkg + src), src
    for src in re.findall(r"\./files/(\S+)", mk):
        assert os.path.isfile(os.path.join(BOARD, "openwrt", "files", src)), src
    # the checkpoint moves to flash: the sed changes one line of the example
    pat = re.search(r"\$\(SED\) 's\|(.*?)\|(.*?)\|'", mk)
    conf = read(os.path.join(ROOT, "conf", "kagent.conf"))
    assert conf.count(pat.group(1)) == 1, pat.group(1)


@test(timeout=900, sanitize=False)
def yocto_recipe_builds_and_installs_as_bitbake_would(tmp):
    layer = os.path.join(BOARD, "yocto", "meta-kagent")
    lconf = read(os.path.join(layer, "conf", "layer.conf"))
    for needle in ('BBFILE_COLLECTIONS += "kagent"', 'BBFILE_PATTERN_kagent = "^${LAYERDIR}/"',
                   "LAYERSERIES_COMPAT_kagent = ", 'LAYERDEPENDS_kagent = "core"'):
        assert needle in lconf, needle
    bb = read(os.path.join(layer, "recipes-support", "kagent", "kagent_git.bb"))
    for needle in ("inherit update-rc.d systemd useradd", 'LICENSE = "MIT"', "oe_runmake install DESTDIR=${D}",
                   'SYSTEMD_SERVICE:${PN} = "kagent.service"', 'INITSCRIPT_NAME = "kagent"',
                   'CONFFILES:${PN} = "${sysconfdir}/kagent.conf"'):
        assert needle in bb, needle
    # licences: kagent's here, BearSSL's in its tarball
    lic = dict(re.findall(r"file://(\S+);md5=([0-9a-f]{32})", bb))
    assert lic["LICENSE"] == md5(os.path.join(ROOT, "LICENSE")), lic
    work = tmp + "/work"
    os.makedirs(work)
    bearssl = bearssl_tree(work, "bearssl-0.6")
    assert lic["${WORKDIR}/bearssl-0.6/LICENSE.txt"] == md5(bearssl + "/LICENSE.txt"), lic
    assert "${WORKDIR}/jsmn-1.1.0/LICENSE" in lic
    sums = dict(re.findall(r'SRC_URI\[(\w+)\.sha256sum\] = "([0-9a-f]{64})"', bb))
    assert sums["bearssl"] == sha256(BEARSSL_TARBALL), sums
    # the same downloads as the OpenWrt package
    owrt = re.findall(r"HASH:=([0-9a-f]{64})", read(os.path.join(BOARD, "openwrt", "Makefile")))
    assert owrt == [sums["bearssl"], sums["jsmn"]], (owrt, sums)
    # what do_install takes from ${S} is in the repository
    for path in re.findall(r"\$\{S\}/(\S+)", bb):
        assert os.path.isfile(os.path.join(ROOT, path)), path
    # oe_runmake with EXTRA_OEMAKE, the SDK's variables exported as bitbake does
    jsmn_tree(work, "jsmn-1.1.0")
    tree = copy_tree(work, ["Makefile", "LICENSE", "src", "tools", "conf", "man", "board"])
    shutil.move(tree, work + "/git")
    tree = work + "/git"
    if not has_install_target(tree):
        # the Makefile that takes CC, CFLAGS, LDFLAGS on its command line
        # comes with make install
        print("  kagent's Makefile has no install target yet: the build is not checked")
        return
    values = {"CC": "musl-gcc", "CFLAGS": "-O2 -pipe -g -feliminate-unused-debug-types", "CPPFLAGS": "",
              "LDFLAGS": "-Wl,-O1 -Wl,--hash-style=gnu -Wl,--as-needed -Wl,-z,relro,-z,now", "AR": "ar",
              "STRIP": "strip", "WORKDIR": work, "prefix": "/usr", "bindir": "/usr/bin", "sysconfdir": "/etc",
              "mandir": "/usr/share/man", "localstatedir": "/var", "systemd_system_unitdir": "/lib/systemd/system"}
    oemake = re.search(r'EXTRA_OEMAKE = "((?:[^"\\]|\\\n)*)"', bb).group(1).replace("\\\n", " ")
    args = shlex.split(expand(oemake, values))
    env = {k: values[k] for k in ("CC", "CFLAGS", "CPPFLAGS", "LDFLAGS", "AR", "STRIP")}
    make(tree, args, env)
    d = tmp + "/image"
    make(tree, args + ["install", "DESTDIR=" + d], env)
    for path in ("/usr/bin/kagent", "/etc/kagent.conf", "/usr/share/man/man8/kagent.8",
                 "/usr/share/man/man5/kagent.conf.5"):
        assert os.path.isfile(d + path), path
    got = sorted(os.path.relpath(os.path.join(dp, f), d) for dp, _, fs in os.walk(d) for f in fs)
    assert got == ["etc/kagent.conf", "usr/bin/kagent", "usr/share/man/man5/kagent.conf.5",
                   "usr/share/man/man8/kagent.8"], got


harness.run()
