SUMMARY = "Log files to Amazon Kinesis Data Firehose and Data Streams"
DESCRIPTION = "Tails log files or a FIFO and delivers their lines to Amazon \
Kinesis Data Firehose and Kinesis Data Streams over HTTPS, with the Amazon \
Kinesis Agent's configuration file: one static binary, one thread, its \
memory taken at start."
SECTION = "console/network"

# kagent, and the BearSSL and jsmn it is built with (no layer has them as
# recipes of the kind kagent needs: it compiles BearSSL's source itself, with
# its own flags, into the static binary).
LICENSE = "MIT"
LIC_FILES_CHKSUM = "file://LICENSE;md5=5fa7aca0e73f361b1eca32f569d39364 \
                    file://${WORKDIR}/bearssl-0.6/LICENSE.txt;md5=1fc37e1037ae673975fbcb96a98f7191 \
                    file://${WORKDIR}/jsmn-1.1.0/LICENSE;md5=5adc94605a1f7a797a9a834adbe335e3"

# kagent's source: by default the commit at the head of main in the checkout
# this layer is part of.  A product layer or local.conf names its own:
#   KAGENT_GIT = "git://git.example.org/kagent.git;protocol=https;branch=main"
#   SRCREV_kagent = "<commit>"
# (or, while working on kagent: INHERIT += "externalsrc",
#  EXTERNALSRC:pn-kagent = "/path/to/kagent").
KAGENT_GIT ??= "git://${KAGENT_TREE};protocol=file;branch=main"
SRCREV_kagent ??= "${AUTOREV}"
SRCREV_FORMAT = "kagent"
PV = "0.1.0+git${SRCPV}"

# BearSSL and jsmn: Debian's source packages, the trees kagent is tested with.
SRC_URI = "${KAGENT_GIT};name=kagent \
           https://deb.debian.org/debian/pool/main/b/bearssl/bearssl_0.6+dfsg.1.orig.tar.xz;name=bearssl \
           https://deb.debian.org/debian/pool/main/j/jsmn/jsmn_1.1.0.orig.tar.gz;name=jsmn \
           "
SRC_URI[bearssl.sha256sum] = "102a625bd8f6155260867a50c508df8d8c3f796985dd744df1a68e5cd1a79004"
SRC_URI[jsmn.sha256sum] = "5f0913a10657fe7ec8d5794ccf00a01000e3e1f2f1e1f143c34a0f7b47edcb38"

S = "${WORKDIR}/git"

inherit update-rc.d systemd useradd

# kagent's Makefile with the SDK's compiler and flags (it adds its own:
# static, 64-bit file offsets, warnings); make install as the image wants.
EXTRA_OEMAKE = "'CC=${CC}' 'CFLAGS=${CFLAGS}' 'CPPFLAGS=${CPPFLAGS}' 'LDFLAGS=${LDFLAGS}' \
                'AR=${AR}' 'STRIP=${STRIP}' \
                BEARSSL_SRC=${WORKDIR}/bearssl-0.6 JSMN_INC=${WORKDIR}/jsmn-1.1.0 \
                PREFIX=${prefix} BINDIR=${bindir} SYSCONFDIR=${sysconfdir} MANDIR=${mandir}"

do_compile() {
	oe_runmake
}

# The configuration holds credentials: root:kagent 0640, for the systemd
# unit's user.  Under sysvinit kagent runs as root.
do_install() {
	oe_runmake install DESTDIR=${D}
	chown root:kagent ${D}${sysconfdir}/kagent.conf
	chmod 0640 ${D}${sysconfdir}/kagent.conf
	install -d -m 0755 ${D}${localstatedir}/lib/kagent
	install -D -m 0755 ${S}/board/sysvinit/kagent ${D}${sysconfdir}/init.d/kagent
	install -D -m 0644 ${S}/board/systemd/kagent.service ${D}${systemd_system_unitdir}/kagent.service
}

CONFFILES:${PN} = "${sysconfdir}/kagent.conf"

INITSCRIPT_NAME = "kagent"
INITSCRIPT_PARAMS = "defaults 95 10"
SYSTEMD_SERVICE:${PN} = "kagent.service"

USERADD_PACKAGES = "${PN}"
USERADD_PARAM:${PN} = "--system --no-create-home --home-dir ${localstatedir}/lib/kagent \
                       --shell /sbin/nologin --user-group kagent"

# the CA bundle of caFile's default
RDEPENDS:${PN} += "ca-certificates"
# make install installs the binary stripped
INSANE_SKIP:${PN} += "already-stripped"
