#!/bin/bash
# Prepare this machine for galley's tests.  Run as root on Debian 12; safe to
# re-run.  Needs no network but Debian's apt, and only when a package is
# missing.
#
#   tests/setup-host.sh          install packages, make /dev/fuse and
#                                /dev/net/tun usable, create the test users,
#                                start the test registries, push the images
#   tests/setup-host.sh --stop   stop every service this script started
#   tests/setup-host.sh --status show what runs
#
# Everything it makes lives under $GALLEY_TEST_STATE (/var/tmp/galley-test);
# tests read the connection details from $GALLEY_TEST_STATE/env.
#
# Users: galley-t1 has subordinate ids (65536 of them), galley-t2 has none
# (as on many HPC login nodes).
#
# Registries (Debian's docker-registry, the CNCF distribution server; one
# config each in tests/registry/):
#   127.0.0.1:5000  plain HTTP                 tests/registry/plain.yml
#   127.0.0.1:5001  plain HTTP, htpasswd Basic  tests/registry/auth.yml
#   127.0.0.1:5002  plain HTTP, scratch: storage writable by the test users,
#                   for destructive tests       tests/registry/scratch.yml
#   127.0.0.1:5443  HTTPS, certificate from a test CA    tests/registry/tls.yml
#
# A one-node Slurm cluster (munged, slurmctld, slurmd; tests/slurm/slurm.sh),
# its configuration in $GALLEY_TEST_STATE/slurm/slurm.conf.
set -euo pipefail

SRCDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE=${GALLEY_TEST_STATE:-/var/tmp/galley-test}
USER_SUBIDS=galley-t1
USER_NOSUBIDS=galley-t2
AUTH_USER=galley
# A project group, as HPC sites have them: both test users are members;
# $STATE/project (root:PROJECT_GROUP 2770) is readable through it alone
# (--group-add keep-groups).
PROJECT_GROUP=galley-test-project
PROJECT_GID=4242
AUTH_PASSWORD=galley-test-password

PACKAGES=(
  autoconf automake libtool pkg-config gcc clang make libc6-dev xz-utils
  libseccomp-dev libcap-dev libjson-c-dev libarchive-dev libcurl4-openssl-dev
  libssl-dev libsubid-dev libyaml-dev libcmocka-dev libmicrohttpd-dev
  uidmap fuse-overlayfs slirp4netns bindfs libsquashfs-dev squashfs-tools squashfuse
  charliecloud-runtime charliecloud-builders
  docker-registry skopeo busybox-static bats jq apache2-utils zstd python3
  openssl curl ca-certificates valgrind clang-format iproute2 procps util-linux
  iptables iperf3 docker.io slurm-wlm munge openmpi-bin libopenmpi-dev
)

# name  config  port  scheme  umask
REGISTRIES=(
  "plain   plain.yml   5000 http  022"
  "auth    auth.yml    5001 http  022"
  "scratch scratch.yml 5002 http  000"
  "tls     tls.yml     5443 https 022"
)

log () { echo "setup-host: $*" >&2; }
die () { echo "setup-host: error: $*" >&2; exit 1; }

install_packages () {
  local missing=() p added_policy=0
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]}"
  # Keep apt from starting services on install (the docker-registry package
  # would start one on :5000, docker.io a dockerd): we start our own
  # registries, with our own configs, and use only docker.io's client.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod 0755 /usr/sbin/policy-rc.d
    added_policy=1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}" ||
    { [ $added_policy = 1 ] && rm -f /usr/sbin/policy-rc.d; die "apt-get install failed"; }
  [ $added_policy = 1 ] && rm -f /usr/sbin/policy-rc.d
  return 0
}

# Debian's own docker-registry service listens on :5000; stop it if some
# earlier install started it.
stop_debian_registry () {
  local pid
  [ -s /var/run/docker-registry.pid ] || return 0
  pid=$(cat /var/run/docker-registry.pid)
  if kill -0 "$pid" 2>/dev/null; then
    log "stopping Debian's docker-registry service (pid $pid)"
    start-stop-daemon --stop --quiet --retry TERM/10/KILL/5 --pidfile /var/run/docker-registry.pid \
      --exec /usr/bin/docker-registry || true
  fi
  rm -f /var/run/docker-registry.pid
}

setup_devices () {
  [ -e /dev/fuse ] || mknod -m 0666 /dev/fuse c 10 229
  if [ ! -e /dev/net/tun ]; then
    mkdir -p /dev/net
    mknod -m 0666 /dev/net/tun c 10 200
  fi
  chmod 0666 /dev/fuse /dev/net/tun
  if [ -e /proc/sys/kernel/unprivileged_userns_clone ] &&
     [ "$(cat /proc/sys/kernel/unprivileged_userns_clone)" = 0 ]; then
    echo 1 > /proc/sys/kernel/unprivileged_userns_clone
  fi
}

# First multiple of 65536 at or above 200000 that no range in /etc/subuid or
# /etc/subgid overlaps.
free_subid_start () {
  cat /etc/subuid /etc/subgid 2>/dev/null | awk -F: '
    BEGIN { max = 200000 }
    NF >= 3 && $2 ~ /^[0-9]+$/ && $3 ~ /^[0-9]+$/ { end = $2 + $3; if (end > max) max = end }
    END { printf "%d\n", int ((max + 65535) / 65536) * 65536 }'
}

remove_subids () {
  local name=$1 uid=$2 f
  for f in /etc/subuid /etc/subgid; do
    [ -e "$f" ] && sed -i -e "/^${name}:/d" -e "/^${uid}:/d" "$f"
  done
  return 0
}

ensure_user () {
  local name=$1 home
  if ! id -u "$name" > /dev/null 2>&1; then
    log "creating user $name"
    useradd --create-home --user-group --shell /bin/bash "$name"
  fi
  home=$(getent passwd "$name" | cut -d: -f6)
  [ -d "$home" ] || mkdir -p "$home"
  chown "$name:$name" "$home"
  chmod 0755 "$home"
}

setup_users () {
  local uid start count
  touch /etc/subuid /etc/subgid
  ensure_user "$USER_SUBIDS"
  ensure_user "$USER_NOSUBIDS"

  uid=$(id -u "$USER_SUBIDS")
  count=$(awk -F: -v n="$USER_SUBIDS" '$1 == n { print $3; exit }' /etc/subuid)
  local gcount
  gcount=$(awk -F: -v n="$USER_SUBIDS" '$1 == n { print $3; exit }' /etc/subgid)
  if [ "${count:-0}" -lt 65536 ] || [ "${gcount:-0}" -lt 65536 ]; then
    remove_subids "$USER_SUBIDS" "$uid"
    start=$(free_subid_start)
    log "giving $USER_SUBIDS subordinate ids $start:65536"
    echo "$USER_SUBIDS:$start:65536" >> /etc/subuid
    echo "$USER_SUBIDS:$start:65536" >> /etc/subgid
  fi

  # useradd adds ranges for every new user: the second user must have none.
  remove_subids "$USER_NOSUBIDS" "$(id -u "$USER_NOSUBIDS")"
}

setup_project_group () {
  local u
  getent group "$PROJECT_GROUP" > /dev/null || groupadd -g "$PROJECT_GID" "$PROJECT_GROUP"
  for u in "$USER_SUBIDS" "$USER_NOSUBIDS"; do
    id -nG "$u" | tr ' ' '\n' | grep -qx "$PROJECT_GROUP" || usermod -aG "$PROJECT_GROUP" "$u"
  done
  install -d -o root -g "$PROJECT_GROUP" -m 2770 "$STATE/project"
  echo "project data" > "$STATE/project/data"
  chown "root:$PROJECT_GROUP" "$STATE/project/data"
  chmod 0640 "$STATE/project/data"
}

setup_tls () {
  local d=$STATE/tls
  mkdir -p "$d/certs.d/127.0.0.1:5443" "$d/certs.d/localhost:5443"
  if [ ! -s "$d/server.crt" ] || ! openssl x509 -checkend 86400 -noout -in "$d/server.crt" > /dev/null 2>&1; then
    log "generating the test CA and the registry's certificate"
    openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 -subj "/CN=galley test CA" \
      -keyout "$d/ca.key" -out "$d/ca.crt" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2> /dev/null
    openssl req -newkey rsa:2048 -nodes -sha256 -subj "/CN=127.0.0.1" \
      -keyout "$d/server.key" -out "$d/server.csr" 2> /dev/null
    printf '%s\n' "subjectAltName=IP:127.0.0.1,DNS:localhost" "basicConstraints=CA:FALSE" \
      "keyUsage=critical,digitalSignature,keyEncipherment" "extendedKeyUsage=serverAuth" > "$d/server.ext"
    openssl x509 -req -sha256 -days 825 -in "$d/server.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" \
      -CAcreateserial -extfile "$d/server.ext" -out "$d/server.crt" 2> /dev/null
  fi
  cp "$d/ca.crt" "$d/certs.d/127.0.0.1:5443/ca.crt"
  cp "$d/ca.crt" "$d/certs.d/localhost:5443/ca.crt"
  chmod 0600 "$d/ca.key" "$d/server.key"
}

setup_htpasswd () {
  mkdir -p "$STATE/auth"
  if ! htpasswd -vb "$STATE/auth/htpasswd" "$AUTH_USER" "$AUTH_PASSWORD" > /dev/null 2>&1; then
    htpasswd -Bbc "$STATE/auth/htpasswd" "$AUTH_USER" "$AUTH_PASSWORD" 2> /dev/null
  fi
}

registry_pid () {
  local pidfile=$STATE/run/$1.pid pid
  [ -s "$pidfile" ] || return 1
  pid=$(cat "$pidfile")
  [ "$(readlink "/proc/$pid/exe" 2> /dev/null)" = /usr/bin/docker-registry ] || return 1
  echo "$pid"
}

port_busy () {
  ss -Htln "sport = :$1" 2> /dev/null | grep -q .
}

wait_ready () {
  local url=$1 i code
  for i in $(seq 1 100); do
    code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$STATE/tls/ca.crt" "$url" 2> /dev/null) || true
    case $code in 200 | 401) return 0 ;; esac
    sleep 0.1
  done
  return 1
}

start_registry () {
  local name=$1 config=$SRCDIR/tests/registry/$2 port=$3 scheme=$4 mask=$5
  local storage=$STATE/registry/$name pidfile=$STATE/run/$name.pid
  if registry_pid "$name" > /dev/null; then
    return 0
  fi
  port_busy "$port" && die "port $port is in use by another program (ss -tlnp 'sport = :$port'); stop it first"
  # A fresh registry starts empty: nothing a previous run pushed or broke.
  rm -rf "$storage"
  mkdir -p "$storage" "$STATE/run" "$STATE/log"
  chmod 0777 "$storage" 2> /dev/null || true
  [ "$mask" = 022 ] && chmod 0755 "$storage"
  log "starting registry $name on 127.0.0.1:$port"
  (
    umask "$mask"
    export REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY=$storage
    export REGISTRY_HTTP_SECRET=galley-test
    [ "$name" = auth ] && export REGISTRY_AUTH_HTPASSWD_PATH=$STATE/auth/htpasswd
    if [ "$name" = tls ]; then
      export REGISTRY_HTTP_TLS_CERTIFICATE=$STATE/tls/server.crt
      export REGISTRY_HTTP_TLS_KEY=$STATE/tls/server.key
    fi
    start-stop-daemon --start --quiet --background --make-pidfile --pidfile "$pidfile" \
      --output "$STATE/log/$name.log" --exec /usr/bin/docker-registry -- serve "$config"
  )
  wait_ready "$scheme://127.0.0.1:$port/v2/" ||
    die "registry $name did not come up on port $port; see $STATE/log/$name.log"
}

stop_registries () {
  local entry name pid
  for entry in "${REGISTRIES[@]}"; do
    read -r name _ <<< "$entry"
    if pid=$(registry_pid "$name"); then
      log "stopping registry $name (pid $pid)"
      start-stop-daemon --stop --quiet --retry TERM/10/KILL/5 --pidfile "$STATE/run/$name.pid" \
        --exec /usr/bin/docker-registry || true
    fi
    rm -f "$STATE/run/$name.pid"
  done
}

status () {
  local entry name pid
  for entry in "${REGISTRIES[@]}"; do
    read -r name _ _ port _ <<< "$entry"
    if pid=$(registry_pid "$name"); then
      echo "registry $name: running (pid $pid) on 127.0.0.1:$port"
    else
      echo "registry $name: stopped"
    fi
  done
}

write_env () {
  local f=$STATE/env
  cat > "$f.tmp" << EOF
# Written by tests/setup-host.sh; sourced by tests/system/helpers.bash.
export GALLEY_TEST_STATE=$STATE
export GALLEY_TEST_REGISTRY=127.0.0.1:5000
export GALLEY_TEST_AUTH_REGISTRY=127.0.0.1:5001
export GALLEY_TEST_AUTH_USER=$AUTH_USER
export GALLEY_TEST_AUTH_PASSWORD=$AUTH_PASSWORD
export GALLEY_TEST_SCRATCH_REGISTRY=127.0.0.1:5002
export GALLEY_TEST_SCRATCH_STORAGE=$STATE/registry/scratch
export GALLEY_TEST_TLS_REGISTRY=127.0.0.1:5443
export GALLEY_TEST_TOKEN_REGISTRY=127.0.0.1:5003
export GALLEY_TEST_CA=$STATE/tls/ca.crt
export GALLEY_TEST_CERTS_D=$STATE/tls/certs.d
export GALLEY_TEST_IMAGES=$STATE/images
export GALLEY_TEST_BUSYBOX_ARCHIVE=$STATE/images/busybox.tar
export GALLEY_TEST_BUSYBOX_OCI_ARCHIVE=$STATE/images/busybox-oci.tar
export GALLEY_TEST_OCI_LAYOUT=$STATE/images/oci
export GALLEY_TEST_USER_SUBIDS=$USER_SUBIDS
export GALLEY_TEST_USER_NOSUBIDS=$USER_NOSUBIDS
export GALLEY_TEST_SLURM_CONF=$STATE/slurm/slurm.conf
export GALLEY_TEST_PROJECT_DIR=$STATE/project
EOF
  mv "$f.tmp" "$f"
}

main () {
  [ "$(id -u)" = 0 ] || die "run me as root (I install packages and create users)"
  case ${1:-} in
    --stop)
      "$SRCDIR/tests/registry/token/token.sh" stop "$STATE" || true
      "$SRCDIR/tests/slurm/slurm.sh" stop "$STATE" || true
      stop_registries
      exit 0
      ;;
    --status)
      status
      exit 0
      ;;
    "") ;;
    *) die "usage: $0 [--stop|--status]" ;;
  esac

  install_packages
  stop_debian_registry
  setup_devices
  setup_users
  mkdir -p "$STATE"
  chmod 0755 "$STATE"
  setup_project_group
  setup_tls
  setup_htpasswd
  local entry
  for entry in "${REGISTRIES[@]}"; do
    # shellcheck disable=SC2086
    start_registry $entry
  done
  write_env
  GALLEY_TEST_STATE=$STATE "$SRCDIR/tests/images/build-all.sh"
  # The token-auth registry copies its images from the plain one.
  GALLEY_TEST_AUTH_USER=$AUTH_USER GALLEY_TEST_AUTH_PASSWORD=$AUTH_PASSWORD \
    "$SRCDIR/tests/registry/token/token.sh" start "$STATE"
  # (the Slurm tests skip without it: no reason to stop the others)
  "$SRCDIR/tests/slurm/slurm.sh" start "$STATE" ||
    log "warning: the Slurm test cluster did not start; 900-batch-slurm.bats will skip"
  # Test users read everything here but the private keys.
  chmod -R a+rX "$STATE/images" "$STATE/env" "$STATE/tls/certs.d" "$STATE/tls/ca.crt"
  log "ready; connection details in $STATE/env"
}

main "$@"
