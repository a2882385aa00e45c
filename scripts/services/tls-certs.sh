#!/usr/bin/env bash
# Makes a throw-away PKI for the TLS tests with openssl (idempotent per directory):
#
#   bash scripts/services/tls-certs.sh DIR
#
#   DIR/ca.pem, ca.key            test CA (what the agent is given as `ca`)
#   DIR/server.pem, server.key    server certificate signed by the CA, SAN 127.0.0.1 + localhost
#   DIR/server-keystore.pem       server key (PKCS#8) + certificate + CA, for Kafka's PEM keystore
#   DIR/client.pem, client.key    client certificate signed by the CA (mutual TLS)
#   DIR/expired.pem, expired.key  server certificate signed by the CA, valid 2020-01-01..2020-01-02
#   DIR/other-ca.pem              a CA nothing is signed by ("unknown CA" cases)
#
# Prints the time it took on stderr. RSA 2048, SHA-256, 2 days (except the expired one).
set -euo pipefail
dir="${1:?usage: tls-certs.sh DIR}"
mkdir -p "$dir"
cd "$dir"
[[ -f .complete ]] && exit 0
T0=$(date +%s%N)
q() { "$@" >/dev/null 2>&1 || { echo "tls-certs: failed: $*" >&2; "$@" >&2; exit 1; }; }

q openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 2 -subj "/CN=agent test CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -keyout ca.key -out ca.pem
q openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 2 -subj "/CN=agent other CA" \
  -addext "basicConstraints=critical,CA:TRUE" -keyout other-ca.key -out other-ca.pem

cat >ext.cnf <<'X'
[server]
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,DNS:localhost
[client]
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth
X
leaf() { # name subject ext
  q openssl req -new -newkey rsa:2048 -nodes -sha256 -subj "/CN=$2" -keyout "$1.key" -out "$1.csr"
  q openssl x509 -req -sha256 -days 2 -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial \
    -extfile ext.cnf -extensions "$3" -out "$1.pem"
}
leaf server localhost server
leaf client agent-client client

# Expired: `openssl ca` is the one OpenSSL 3.0 command that takes explicit start/end dates.
mkdir -p ca-db && : >ca-db/index.txt && echo 01 >ca-db/serial
cat >ca.cnf <<X
[ca]
default_ca=test
[test]
database=$PWD/ca-db/index.txt
serial=$PWD/ca-db/serial
new_certs_dir=$PWD/ca-db
certificate=$PWD/ca.pem
private_key=$PWD/ca.key
default_md=sha256
policy=any
copy_extensions=none
[any]
commonName=supplied
X
q openssl req -new -newkey rsa:2048 -nodes -sha256 -subj "/CN=localhost" -keyout expired.key -out expired.csr
q openssl ca -batch -config ca.cnf -notext -startdate 20200101000000Z -enddate 20200102000000Z \
  -extfile ext.cnf -extensions server -in expired.csr -out expired.pem

cat server.key server.pem ca.pem >server-keystore.pem
chmod 600 ./*.key
rm -f ./*.csr
touch .complete
echo "[tls-certs] made in $(( ($(date +%s%N) - T0) / 1000000 )) ms: $PWD" >&2
