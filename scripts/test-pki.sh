# Sourced by the real-server scripts (mailservers.sh, aiosmtpd-pop3d.sh, test-exim.sh):
# make_test_pki DIR makes a CA (DIR/ca.pem) and a server certificate it signed for localhost,
# 127.0.0.1, 127.0.0.2 and ::1 (DIR/server.pem, DIR/server-chain.pem = server + CA,
# DIR/server.key). Valid for 30 days; a new CA every time, so nothing else trusts it.

make_test_pki() {
  local P="$1"
  mkdir -p "$P"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$P/ca.key" -out "$P/ca.pem" -days 30 -sha256 \
    -subj "/CN=csmail test mail CA" -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -keyout "$P/server.key" -out "$P/server.csr" \
    -subj "/CN=localhost" 2>/dev/null
  printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" \
    "extendedKeyUsage=serverAuth" "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:127.0.0.2,IP:::1" \
    >"$P/server.ext"
  openssl x509 -req -in "$P/server.csr" -CA "$P/ca.pem" -CAkey "$P/ca.key" -CAcreateserial \
    -out "$P/server.pem" -days 30 -sha256 -extfile "$P/server.ext" 2>/dev/null
  cat "$P/server.pem" "$P/ca.pem" >"$P/server-chain.pem"
  # The servers read the key as root before they drop privileges.
  chmod 600 "$P/ca.key" "$P/server.key"
  chmod 644 "$P/ca.pem" "$P/server.pem" "$P/server-chain.pem"
}
