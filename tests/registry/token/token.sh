#!/bin/bash
# Start or stop the token-auth test registry (127.0.0.1:5003) and its token
# server (127.0.0.1:5004), and fill it with two images copied from the plain
# registry:  private/busybox (only for the test user) and public/busybox
# (anonymous pull allowed).  Run as root by tests/setup-host.sh:
#
#   tests/registry/token/token.sh start [STATE]   (default /var/tmp/galley-test)
#   tests/registry/token/token.sh stop [STATE]
#
# Credentials are the htpasswd registry's: galley / galley-test-password.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
STATE=${2:-${GALLEY_TEST_STATE:-/var/tmp/galley-test}}
USER_NAME=${GALLEY_TEST_AUTH_USER:-galley}
USER_PASSWORD=${GALLEY_TEST_AUTH_PASSWORD:-galley-test-password}
PLAIN=127.0.0.1:5000
REGISTRY=127.0.0.1:5003
TOKEN=127.0.0.1:5004

log () { echo "token.sh: $*" >&2; }
die () { echo "token.sh: error: $*" >&2; exit 1; }

wait_http () {
  local i code
  for i in $(seq 1 100); do
    code=$(curl -s -o /dev/null -w '%{http_code}' "$1" 2> /dev/null) || true
    case $code in 200 | 400 | 401 | 404) return 0 ;; esac
    sleep 0.1
  done
  return 1
}

start () {
  mkdir -p "$STATE/token" "$STATE/run" "$STATE/log" "$STATE/registry"
  if [ ! -s "$STATE/token/key.pem" ] || [ ! -s "$STATE/token/cert.pem" ]; then
    log "generating the token signing key"
    openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=galley-test-token-server -days 3650 \
      -keyout "$STATE/token/key.pem" -out "$STATE/token/cert.pem" 2> /dev/null
    chmod 0600 "$STATE/token/key.pem"
  fi
  if ! start-stop-daemon --status --pidfile "$STATE/run/token-server.pid" 2> /dev/null; then
    log "starting the token server on $TOKEN"
    start-stop-daemon --start --quiet --background --make-pidfile --pidfile "$STATE/run/token-server.pid" \
      --output "$STATE/log/token-server.log" --exec /usr/bin/python3 -- "$HERE/token-server.py" \
      --listen "$TOKEN" --key "$STATE/token/key.pem" --cert "$STATE/token/cert.pem" \
      --user "$USER_NAME:$USER_PASSWORD"
  fi
  wait_http "http://$TOKEN/token" || die "the token server did not come up; see $STATE/log/token-server.log"
  if ! start-stop-daemon --status --pidfile "$STATE/run/token.pid" 2> /dev/null; then
    log "starting registry token on $REGISTRY"
    rm -rf "$STATE/registry/token"
    mkdir -p "$STATE/registry/token"
    (
      export REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY=$STATE/registry/token
      export REGISTRY_AUTH_TOKEN_ROOTCERTBUNDLE=$STATE/token/cert.pem
      export REGISTRY_HTTP_SECRET=galley-test
      start-stop-daemon --start --quiet --background --make-pidfile --pidfile "$STATE/run/token.pid" \
        --output "$STATE/log/token.log" --exec /usr/bin/docker-registry -- serve "$HERE/token.yml"
    )
  fi
  wait_http "http://$REGISTRY/v2/" || die "registry token did not come up; see $STATE/log/token.log"
  for repo in private/busybox public/busybox; do
    skopeo copy -q --src-tls-verify=false --dest-tls-verify=false --dest-creds "$USER_NAME:$USER_PASSWORD" \
      "docker://$PLAIN/busybox:latest" "docker://$REGISTRY/$repo:latest" ||
      die "could not copy busybox into $REGISTRY/$repo"
  done
  log "token registry ready on $REGISTRY (token server $TOKEN)"
}

stop () {
  local name
  for name in token token-server; do
    if [ -s "$STATE/run/$name.pid" ]; then
      start-stop-daemon --stop --quiet --retry TERM/10/KILL/5 --pidfile "$STATE/run/$name.pid" \
        --remove-pidfile 2> /dev/null || true
    fi
    rm -f "$STATE/run/$name.pid"
  done
}

case ${1:-} in
  start) start ;;
  stop) stop ;;
  *) die "usage: $0 start|stop [STATE]" ;;
esac
