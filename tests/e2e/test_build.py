"""kagent's Makefile driven as firmware build systems drive it, in a copy of
the sources: OpenWrt's SDK (CC, CFLAGS, LDFLAGS... on the command line,
then `make install DESTDIR=`), Yocto (`make -e` with everything in the
environment), an SDK's own triplet through CROSS= and through CC=; each
result is static, runs, and installs the expected tree.  A plain `make`
never touches the system: without BearSSL's source it says what to do.

    python3 tests/e2e/test_build.py BUILD_DIR [NAME...]
(BUILD_DIR is not used: every build here is made in its own copy.)
"""
import glob
import os
import shutil
import stat
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import test  # noqa: E402

ROOT = harness.ROOT
ARM = "arm-linux-musleabihf"


def bearssl_src():
    """The BearSSL source `make deps` fetched (the copies are given it)."""
    found = sorted(glob.glob(os.path.join(ROOT, "build", "src", "bearssl-*", "inc", "bearssl.h")))
    assert found, "no BearSSL source in build/src: run 'make deps'"
    return os.path.dirname(os.path.dirname(found[0]))


def copy(tmp):
    """What a build needs, as a source tarball would hold it."""
    d = os.path.join(tmp, "kagent")
    os.makedirs(d)
    shutil.copy(os.path.join(ROOT, "Makefile"), d)
    for sub in ("src", "tools", "conf", "man"):
        if os.path.isdir(os.path.join(ROOT, sub)):
            shutil.copytree(os.path.join(ROOT, sub), os.path.join(d, sub))
    return d


def make(d, args, env=None, ok=True):
    """make ARGS in d with only env (plus PATH and HOME) in the environment;
    returns (status, stdout + stderr)."""
    e = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/")}
    e.update(env or {})
    r = subprocess.run(["make", "-j2"] + args, cwd=d, env=e, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=900)
    out = r.stdout.decode(errors="replace")
    if ok:
        assert r.returncode == 0, "make %s failed (%d):\n%s" % (" ".join(args), r.returncode, out[-3000:])
    return r.returncode, out


def elf(path):
    """(machine, static, has a symbol table) of an ELF file: static means no
    program interpreter and no dynamic section."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:4] == b"\x7fELF", path
    is64, end = data[4] == 2, "<" if data[5] == 1 else ">"
    if is64:
        phoff, shoff = struct.unpack_from(end + "QQ", data, 0x20)
        phentsize, phnum, shentsize, shnum = struct.unpack_from(end + "HHHH", data, 0x36)
    else:
        phoff, shoff = struct.unpack_from(end + "II", data, 0x1c)
        phentsize, phnum, shentsize, shnum = struct.unpack_from(end + "HHHH", data, 0x2a)
    machine = struct.unpack_from(end + "H", data, 0x12)[0]
    ptypes = [struct.unpack_from(end + "I", data, phoff + i * phentsize)[0] for i in range(phnum)]
    stypes = [struct.unpack_from(end + "I", data, shoff + i * shentsize + 4)[0] for i in range(shnum)]
    return machine, 3 not in ptypes and 2 not in ptypes, 2 in stypes     # PT_INTERP, PT_DYNAMIC, SHT_SYMTAB


EM_X86_64, EM_ARM = 62, 40


def compile_lines(out):
    return [l for l in out.splitlines() if " -c src/" in l and "-o " in l]


def includes(path, seen=None):
    """The headers of src/ that path includes, directly or not."""
    seen = set() if seen is None else seen
    with open(path) as f:
        for l in f:
            if l.startswith('#include "'):
                h = l.split('"')[1]
                p = os.path.join(os.path.dirname(path), h)
                if h not in seen and os.path.exists(p):
                    seen.add(h)
                    includes(p, seen)
    return seen


def check_runs(binary, wrapper=()):
    r = subprocess.run(list(wrapper) + [binary, "-V"], stdout=subprocess.PIPE, timeout=30)
    assert r.returncode == 0 and r.stdout.startswith(b"kagent "), r.stdout


def tree(root):
    """{relative path: (mode, size)} of the files under root."""
    got = {}
    for dp, _, fs in os.walk(root):
        for f in fs:
            p = os.path.join(dp, f)
            st = os.stat(p)
            got[os.path.relpath(p, root)] = (stat.S_IMODE(st.st_mode), st.st_size)
    return got


def man_pages(prefix):
    """What make install adds for the man pages the repository has."""
    return {"%s/share/man/man%s/%s" % (prefix, m.rsplit(".", 1)[1], os.path.basename(m))
            for m in glob.glob(os.path.join(ROOT, "man", "*.[1-8]"))}


@test(timeout=900)
def openwrt_sdk_command_line_and_install(tmp):
    """OpenWrt's package build: the toolchain and flags on make's command
    line.  The user's flags are used (-O2, their -D, their -Wl), kagent's
    own stay (-D_FILE_OFFSET_BITS=64, -I src, -static), a header change
    rebuilds only what reads it, SOURCE_DATE_EPOCH is the build time the
    binary checks certificates against, and make install DESTDIR= stages
    the stripped binary and the example configuration."""
    d = copy(tmp)
    args = ["V=1", "CC=musl-gcc", "CFLAGS=-O2 -pipe", "CPPFLAGS=-DKAGENT_FROM_SDK", "LDFLAGS=-Wl,-O1",
            "AR=ar", "STRIP=strip", "BEARSSL_SRC=" + bearssl_src(), "SOURCE_DATE_EPOCH=1700000000"]
    _, out = make(d, args)
    cc = compile_lines(out)
    assert len(cc) >= len(glob.glob(os.path.join(ROOT, "src", "*.c"))), out[-2000:]
    for l in cc:
        for flag in ("-O2 -pipe", "-DKAGENT_FROM_SDK", "-D_FILE_OFFSET_BITS=64", "-I src", "-Werror"):
            assert flag in l, (flag, l)
    link = [l for l in out.splitlines() if "-o build/" in l and l.rstrip().endswith(".a")]
    assert link and all("-static" in l and "-Wl,-O1" in l for l in link), link
    b = os.path.join(d, "build", "x86_64-linux-gnu")
    machine, static, _ = elf(b + "/kagent")
    assert machine == EM_X86_64 and static
    check_runs(b + "/kagent")
    with open(b + "/kagent-time.c") as f:
        assert f.read() == "const long long tls_build_time = 1700000000;\n"

    # one header: only the files that include it (through other headers
    # too) are compiled again
    readers = sorted("src/" + os.path.basename(c) for c in glob.glob(os.path.join(d, "src", "*.c"))
                     if "b64.h" in includes(c))
    assert readers and len(readers) < len(cc), readers
    os.utime(os.path.join(d, "src", "b64.h"))
    _, out = make(d, args)
    again = sorted(l.split(" -c ")[1].split()[0] for l in compile_lines(out))
    assert again == readers, (again, readers)
    # without SOURCE_DATE_EPOCH, the time of the link (made again here)
    before = int(time.time())
    os.utime(os.path.join(d, "src", "main.c"))
    _, out = make(d, args[:-1] + ["build/x86_64-linux-gnu/kagent"])
    with open(b + "/kagent-time.c") as f:
        t = int(f.read().split("=")[1].strip(" ;\n"))
    assert before <= t <= time.time(), (before, t)

    root = os.path.join(tmp, "root")
    make(d, args + ["install", "DESTDIR=" + root])
    want = {"usr/bin/kagent", "etc/kagent.conf"} | man_pages("usr")
    got = tree(root)
    assert set(got) == want, got
    assert got["usr/bin/kagent"][0] == 0o755 and got["etc/kagent.conf"][0] == 0o600, got
    machine, static, symtab = elf(root + "/usr/bin/kagent")
    assert static and not symtab, "not stripped"
    check_runs(root + "/usr/bin/kagent")
    with open(root + "/etc/kagent.conf", "rb") as f, open(os.path.join(ROOT, "conf", "kagent.conf"), "rb") as g:
        assert f.read() == g.read()
    # an existing configuration is the user's: kept
    with open(root + "/etc/kagent.conf", "w") as f:
        f.write("{}\n")
    make(d, args + ["install", "DESTDIR=" + root])
    with open(root + "/etc/kagent.conf") as f:
        assert f.read() == "{}\n"


@test(timeout=900)
def yocto_make_e_with_the_environment(tmp):
    """Yocto's oe_runmake: `make -e`, everything in the environment (CC with
    its own options), then `make -e install DESTDIR=` with PREFIX, BINDIR
    and SYSCONFDIR of its own."""
    d = copy(tmp)
    env = {"CC": "musl-gcc -m64", "CFLAGS": "-O2 -g", "CPPFLAGS": "-DKAGENT_FROM_YOCTO",
           "LDFLAGS": "-Wl,--hash-style=gnu", "AR": "ar", "STRIP": "strip", "V": "1",
           "BEARSSL_SRC": bearssl_src()}
    _, out = make(d, ["-e"], env)
    cc = compile_lines(out)
    assert cc and all("musl-gcc -m64 " in l and "-O2 -g" in l and "-DKAGENT_FROM_YOCTO" in l
                      and "-D_FILE_OFFSET_BITS=64" in l for l in cc), cc[:2]
    b = os.path.join(d, "build", "x86_64-linux-gnu")
    machine, static, _ = elf(b + "/kagent")
    assert machine == EM_X86_64 and static
    check_runs(b + "/kagent")

    root = os.path.join(tmp, "image")
    env.update({"DESTDIR": root, "PREFIX": "/opt/kagent", "BINDIR": "/opt/kagent/sbin",
                "SYSCONFDIR": "/opt/kagent/etc"})
    make(d, ["-e", "install"], env)
    want = {"opt/kagent/sbin/kagent", "opt/kagent/etc/kagent.conf"} | man_pages("opt/kagent")
    got = tree(root)
    assert set(got) == want, got
    machine, static, symtab = elf(root + "/opt/kagent/sbin/kagent")
    assert static and not symtab


@test(timeout=900)
def an_sdk_triplet_through_cross_and_through_cc(tmp):
    """A toolchain named as an SDK names it (arm-openwrt-linux-muslgnueabi-),
    given as CROSS= and as CC= alone: an ARM binary, static, its own ar and
    strip used, running under qemu-arm."""
    if not shutil.which(ARM + "-gcc") or not shutil.which("qemu-arm"):
        raise AssertionError("%s-gcc or qemu-arm missing: run 'make deps'" % ARM)
    sdk = os.path.join(tmp, "sdk")
    os.makedirs(sdk)
    triplet = "arm-openwrt-linux-muslgnueabi"
    for tool, real in (("gcc", ARM + "-gcc"), ("ar", "arm-linux-gnueabihf-ar"),
                       ("strip", "arm-linux-gnueabihf-strip")):
        os.symlink(shutil.which(real), os.path.join(sdk, "%s-%s" % (triplet, tool)))
    path = sdk + ":" + os.environ["PATH"]
    d = copy(tmp)
    make(d, ["CROSS=%s-" % triplet, "BEARSSL_SRC=" + bearssl_src()], {"PATH": path})
    b = os.path.join(d, "build", triplet, "kagent")
    for p in (b, b + ".stripped"):
        machine, static, _ = elf(p)
        assert machine == EM_ARM and static, p
    assert not elf(b + ".stripped")[2]
    check_runs(b + ".stripped", ["qemu-arm"])

    # CC alone: the build folder is named by what the compiler says it targets
    make(d, ["CC=%s-gcc" % triplet, "BEARSSL_SRC=" + bearssl_src()], {"PATH": path})
    out = subprocess.run([os.path.join(sdk, triplet + "-gcc"), "-dumpmachine"], stdout=subprocess.PIPE,
                         env={"PATH": path}).stdout.decode().strip()
    b = os.path.join(d, "build", out, "kagent")
    machine, static, _ = elf(b)
    assert machine == EM_ARM and static and not elf(b + ".stripped")[2]
    check_runs(b, ["qemu-arm"])


@test(timeout=120)
def a_plain_make_never_touches_the_system(tmp):
    """No BearSSL source: make says what to run and installs nothing (sudo,
    apt-get, apt, dpkg and apt-get source are stand-ins here that record
    any call); a missing compiler is said the same way."""
    fake = os.path.join(tmp, "fake")
    os.makedirs(fake)
    calls = os.path.join(tmp, "calls")
    for tool in ("sudo", "apt-get", "apt", "dpkg", "dpkg-query", "dpkg-source"):
        with open(os.path.join(fake, tool), "w") as f:
            f.write("#!/bin/sh\necho %s \"$@\" >> %s\nexit 1\n" % (tool, calls))
        os.chmod(os.path.join(fake, tool), 0o755)
    path = fake + ":" + os.environ["PATH"]
    d = copy(tmp)
    rc, out = make(d, [], {"PATH": path}, ok=False)
    assert rc != 0
    assert ("kagent: no BearSSL source: run 'make deps' (fetches Debian's bearssl source package into "
            "build/src), or give BEARSSL_SRC=DIR (a BearSSL 0.6 tree)") in out, out
    rc, out = make(d, ["CC=no-such-gcc", "BEARSSL_SRC=" + bearssl_src()], {"PATH": path}, ok=False)
    assert rc != 0
    assert "kagent: no compiler 'no-such-gcc': run 'make deps' (installs it), or give CC=" in out, out
    assert not os.path.exists(calls), open(calls).read()
    assert not os.path.exists(os.path.join(d, "build", "src")), "a source was fetched"


harness.run()
