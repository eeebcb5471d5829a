#!/bin/sh
# Makes a throw-away test CA and a server certificate for localhost, for the
# local Firehose endpoint (tools/endpoint.py) and the end-to-end tests.
#   tools/testca.sh DIR
# Writes DIR/ca.pem, DIR/server.pem (leaf, then the CA), DIR/server.key,
# DIR/other-ca.pem (an unrelated CA: a client trusting only it must refuse the
# server) and DIR/mitm.pem, DIR/mitm.key (a certificate from the same CA for
# another name, proxy.test and 127.0.0.1: what an intercepting proxy would
# show; a client must refuse it for the server's name).  The server's names:
# localhost, fh.test (a name the tests' DNS server gives), 127.0.0.1, ::1.
# EC P-256 keys.
#
# Then chains shaped like those AWS's endpoints serve, each a root (the
# CA file a client trusts) and a server certificate followed by the
# intermediate that issued it, as the endpoints send them:
#   rsa-ca.pem, rsa-server.pem, rsa-server.key      RSA-2048, SHA-256 (Amazon Root CA 1)
#   ec-ca.pem, ec-server.pem, ec-server.key         ECDSA P-256, SHA-256 (Amazon Root CA 3)
#   ec384-ca.pem, ec384-server.pem, ec384-server.key ECDSA P-384, SHA-384 (Amazon Root CA 4)
#
# Client certificates, as AWS IoT gives a device (tools/iotcreds.py takes
# the subject CN for the thing's name): client-rsa.pem with its RSA 2048
# key in PKCS#1 ("RSA PRIVATE KEY", as the IoT console writes it),
# client-ec.pem with an EC P-256 key in SEC1 ("EC PRIVATE KEY"), both from
# the test CA, and other-client.pem (EC, PKCS#8 "PRIVATE KEY") from the
# unrelated CA: a server trusting the test CA refuses it.
# Idempotent: files already there are kept.  Valid from a day ago (clocks
# on test boards are rarely right) for ten years.
set -eu
[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
dir=$1
mkdir -p "$dir"
cd "$dir"
done=1
for f in ca.pem server.pem server.key other-ca.pem mitm.pem mitm.key rsa-ca.pem rsa-server.pem rsa-server.key \
    ec-ca.pem ec-server.pem ec-server.key ec384-ca.pem ec384-server.pem ec384-server.key \
    client-rsa.pem client-rsa.key client-ec.pem client-ec.key other-client.pem other-client.key; do
	[ -s "$f" ] || done=0
done
[ $done = 1 ] && exit 0

tmp=$(mktemp -d "${TMPDIR:-/tmp}/testca.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# openssl x509 -days counts from now; the certificates are made through a
# minimal "ca" run instead, which takes explicit start and end dates.
start=$(date -u -d '1 day ago' +%Y%m%d%H%M%SZ)
end=$(date -u -d '10 years' +%Y%m%d%H%M%SZ)

# genkey FILE P-256|P-384|RSA
genkey() {
	case $2 in
	RSA) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1" 2>/dev/null ;;
	*) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:"$2" \
	    -pkeyopt ec_param_enc:named_curve -out "$1" 2>/dev/null ;;
	esac
}

cat >"$tmp/ca.cnf" <<EOF
[ca]
default_ca = testca
[testca]
dir = $tmp
database = $tmp/index.txt
new_certs_dir = $tmp
serial = $tmp/serial
default_md = sha256
policy = anything
unique_subject = no
copy_extensions = none
[anything]
commonName = supplied
organizationName = optional
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[v3_ca]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[v3_intermediate]
basicConstraints = critical, CA:true, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[v3_server]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, DNS:fh.test, IP:127.0.0.1, IP:::1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[v3_mitm]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:proxy.test, IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[v3_client]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF

# issue NAME CN KEYTYPE EXTENSIONS ISSUER DIGEST: a key NAME.key and a
# certificate NAME.pem for CN, signed by ISSUER (ISSUER.pem and ISSUER.key;
# "self": self-signed) with DIGEST, all in tmp.
: >"$tmp/index.txt"
openssl rand -hex 16 >"$tmp/serial"
issue() {
	name=$1 cn=$2 type=$3 ext=$4 issuer=$5 md=$6
	shift 6
	genkey "$tmp/$name.key" "$type"
	openssl req -new -config "$tmp/ca.cnf" -key "$tmp/$name.key" \
	    -subj "/O=kagent tests/CN=$cn" -out "$tmp/$name.csr"
	if [ "$issuer" = self ]; then
		set -- -selfsign -keyfile "$tmp/$name.key"
	else
		set -- -cert "$tmp/$issuer.pem" -keyfile "$tmp/$issuer.key"
	fi
	openssl ca -batch -notext -config "$tmp/ca.cnf" "$@" -md "$md" -extensions "$ext" \
	    -startdate "$start" -enddate "$end" -in "$tmp/$name.csr" -out "$tmp/$name.pem" 2>/dev/null
}

issue ca "kagent test CA" P-256 v3_ca self sha256
issue other "kagent unrelated test CA" P-256 v3_ca self sha256
issue leaf localhost P-256 v3_server ca sha256
cat "$tmp/leaf.pem" "$tmp/ca.pem" >"$tmp/server.pem"
issue mitm-leaf proxy.test P-256 v3_mitm ca sha256
cat "$tmp/mitm-leaf.pem" "$tmp/ca.pem" >"$tmp/mitm.pem"

# The AWS-like chains: root NAME-ca.pem, intermediate, server certificate;
# NAME-server.pem holds the server's certificate, then the intermediate's.
for c in "rsa RSA sha256" "ec P-256 sha256" "ec384 P-384 sha384"; do
	set -- $c
	issue "$1-ca" "kagent test root $1" "$2" v3_ca self "$3"
	issue "$1-int" "kagent test intermediate $1" "$2" v3_intermediate "$1-ca" "$3"
	issue "$1-leaf" localhost "$2" v3_server "$1-int" "$3"
	cat "$tmp/$1-leaf.pem" "$tmp/$1-int.pem" >"$tmp/$1-server.pem"
	mv "$tmp/$1-leaf.key" "$tmp/$1-server.key"
done

# The devices' certificates, their keys in the forms AWS IoT hands out.
issue client-rsa kagent-thing-rsa RSA v3_client ca sha256
openssl rsa -traditional -in "$tmp/client-rsa.key" -out "$tmp/client-rsa.key" 2>/dev/null
issue client-ec kagent-thing-ec P-256 v3_client ca sha256
openssl ec -in "$tmp/client-ec.key" -out "$tmp/client-ec.key" 2>/dev/null
issue other-client kagent-thing-other P-256 v3_client other sha256

# The key is written last under its final name: a run interrupted half-way
# leaves an incomplete set, which the check at the top redoes.
mv "$tmp/ca.pem" ca.pem.new && mv ca.pem.new ca.pem
mv "$tmp/other.pem" other-ca.pem.new && mv other-ca.pem.new other-ca.pem
mv "$tmp/server.pem" server.pem.new && mv server.pem.new server.pem
mv "$tmp/mitm.pem" mitm.pem.new && mv mitm.pem.new mitm.pem
mv "$tmp/mitm-leaf.key" mitm.key.new && chmod 600 mitm.key.new && mv mitm.key.new mitm.key
for c in rsa ec ec384; do
	mv "$tmp/$c-ca.pem" "$c-ca.pem.new" && mv "$c-ca.pem.new" "$c-ca.pem"
	mv "$tmp/$c-server.pem" "$c-server.pem.new" && mv "$c-server.pem.new" "$c-server.pem"
	mv "$tmp/$c-server.key" "$c-server.key.new" && chmod 600 "$c-server.key.new" &&
		mv "$c-server.key.new" "$c-server.key"
done
for c in client-rsa client-ec other-client; do
	mv "$tmp/$c.pem" "$c.pem.new" && mv "$c.pem.new" "$c.pem"
	mv "$tmp/$c.key" "$c.key.new" && chmod 600 "$c.key.new" && mv "$c.key.new" "$c.key"
done
mv "$tmp/leaf.key" server.key.new && chmod 600 server.key.new && mv server.key.new server.key
