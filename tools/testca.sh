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
# Client certificates, as AWS IoT gives a device (tools/iotcreds.py takes
# the subject CN for the thing's name): DIR/client-rsa.pem with its RSA
# 2048 key in PKCS#1 ("RSA PRIVATE KEY", as the IoT console writes it),
# DIR/client-ec.pem with an EC P-256 key in SEC1 ("EC PRIVATE KEY"), both
# from the test CA, and DIR/other-client.pem (EC, PKCS#8 "PRIVATE KEY")
# from the unrelated CA: a server trusting the test CA refuses it.
# Idempotent: files already there are kept.  EC P-256 keys elsewhere, since
# BearSSL's client handles them; valid from a day ago (clocks on test boards
# are rarely right) for ten years.
set -eu
[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
dir=$1
mkdir -p "$dir"
cd "$dir"
if [ -s ca.pem ] && [ -s server.pem ] && [ -s server.key ] && [ -s other-ca.pem ] && [ -s mitm.pem ] &&
    [ -s mitm.key ] && [ -s client-rsa.key ] && [ -s client-ec.key ] && [ -s other-client.key ]; then
	exit 0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/testca.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# openssl x509 -days counts from now; the certificates are made through a
# minimal "ca" run instead, which takes explicit start and end dates.
start=$(date -u -d '1 day ago' +%Y%m%d%H%M%SZ)
end=$(date -u -d '10 years' +%Y%m%d%H%M%SZ)

genkey() {
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
	    -pkeyopt ec_param_enc:named_curve -out "$1" 2>/dev/null
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

# mkca NAME CN: a self-signed CA certificate NAME.pem with key NAME.key in tmp.
mkca() {
	: >"$tmp/index.txt"
	openssl rand -hex 16 >"$tmp/serial"
	genkey "$tmp/$1.key"
	openssl req -new -config "$tmp/ca.cnf" -key "$tmp/$1.key" \
	    -subj "/O=kagent tests/CN=$2" -out "$tmp/$1.csr"
	openssl ca -batch -notext -config "$tmp/ca.cnf" -selfsign \
	    -keyfile "$tmp/$1.key" -extensions v3_ca -startdate "$start" \
	    -enddate "$end" -in "$tmp/$1.csr" -out "$tmp/$1.pem" 2>/dev/null
}

mkca ca "kagent test CA"
mkca other "kagent unrelated test CA"

: >"$tmp/index.txt"
openssl rand -hex 16 >"$tmp/serial"
genkey "$tmp/server.key"
openssl req -new -config "$tmp/ca.cnf" -key "$tmp/server.key" \
    -subj "/O=kagent tests/CN=localhost" -out "$tmp/server.csr"
openssl ca -batch -notext -config "$tmp/ca.cnf" -cert "$tmp/ca.pem" \
    -keyfile "$tmp/ca.key" -extensions v3_server -startdate "$start" \
    -enddate "$end" -in "$tmp/server.csr" -out "$tmp/leaf.pem" 2>/dev/null
cat "$tmp/leaf.pem" "$tmp/ca.pem" >"$tmp/server.pem"

genkey "$tmp/mitm.key"
openssl req -new -config "$tmp/ca.cnf" -key "$tmp/mitm.key" \
    -subj "/O=kagent tests/CN=proxy.test" -out "$tmp/mitm.csr"
openssl ca -batch -notext -config "$tmp/ca.cnf" -cert "$tmp/ca.pem" \
    -keyfile "$tmp/ca.key" -extensions v3_mitm -startdate "$start" \
    -enddate "$end" -in "$tmp/mitm.csr" -out "$tmp/mitm-leaf.pem" 2>/dev/null
cat "$tmp/mitm-leaf.pem" "$tmp/ca.pem" >"$tmp/mitm.pem"

# mkclient NAME CN CA: a client certificate NAME.pem for CN, signed by CA
# (ca or other), with the key already in tmp/NAME.key.
mkclient() {
	: >"$tmp/index.txt"
	openssl rand -hex 16 >"$tmp/serial"
	openssl req -new -config "$tmp/ca.cnf" -key "$tmp/$1.key" \
	    -subj "/O=kagent tests/CN=$2" -out "$tmp/$1.csr"
	openssl ca -batch -notext -config "$tmp/ca.cnf" -cert "$tmp/$3.pem" \
	    -keyfile "$tmp/$3.key" -extensions v3_client -startdate "$start" \
	    -enddate "$end" -in "$tmp/$1.csr" -out "$tmp/$1.pem" 2>/dev/null
}
openssl genrsa -traditional -out "$tmp/client-rsa.key" 2048 2>/dev/null
mkclient client-rsa kagent-thing-rsa ca
genkey "$tmp/client-ec.pk8"
openssl ec -in "$tmp/client-ec.pk8" -out "$tmp/client-ec.key" 2>/dev/null
mkclient client-ec kagent-thing-ec ca
genkey "$tmp/other-client.key"
mkclient other-client kagent-thing-other other
for c in client-rsa client-ec other-client; do
	mv "$tmp/$c.pem" "$c.pem.new" && mv "$c.pem.new" "$c.pem"
done

# The key is written last under its final name: a run interrupted half-way
# leaves an incomplete set, which the check at the top redoes.
mv "$tmp/ca.pem" ca.pem.new && mv ca.pem.new ca.pem
mv "$tmp/other.pem" other-ca.pem.new && mv other-ca.pem.new other-ca.pem
mv "$tmp/server.pem" server.pem.new && mv server.pem.new server.pem
mv "$tmp/mitm.pem" mitm.pem.new && mv mitm.pem.new mitm.pem
mv "$tmp/mitm.key" mitm.key.new && chmod 600 mitm.key.new && mv mitm.key.new mitm.key
mv "$tmp/server.key" server.key.new && chmod 600 server.key.new && mv server.key.new server.key
for c in client-rsa client-ec other-client; do
	mv "$tmp/$c.key" "$c.key.new" && chmod 600 "$c.key.new" && mv "$c.key.new" "$c.key"
done
