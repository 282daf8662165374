#!/bin/bash
# `galley push` of the 4-layer test image (multilayer) from a private store
# to the scratch registry, each run into a fresh repository (so every blob
# is regenerated, compressed and uploaded), against `podman push` of the
# same image run as the same user (rootless, private --root/--runroot, vfs).
# See bench/README.md.
#
#   bench/push/run.sh [-n N]      (as an ordinary user; GALLEY=/path/to/galley)
set -euo pipefail

N=5
while getopts n: opt; do
  case $opt in
    n) N=$OPTARG ;;
    *) echo "usage: $0 [-n N]" >&2; exit 2 ;;
  esac
done

GALLEY=${GALLEY:-galley}
GALLEY=$(command -v "$GALLEY")
ENV_FILE=${GALLEY_TEST_ENV:-/var/tmp/galley-test/env}
# shellcheck disable=SC1090
[ -r "$ENV_FILE" ] && . "$ENV_FILE"
REGISTRY=${GALLEY_TEST_REGISTRY:-127.0.0.1:5000}
SCRATCH=${GALLEY_TEST_SCRATCH_REGISTRY:-127.0.0.1:5002}
IMAGE=$REGISTRY/multilayer:latest
curl -s -o /dev/null --max-time 5 "http://$SCRATCH/v2/" ||
  { echo "scratch registry $SCRATCH is not running: run tests/setup-host.sh as root" >&2; exit 1; }

TMP=$(mktemp -d)
cleanup () {
  if [ -d "$TMP" ]; then
    if command -v podman > /dev/null; then
      podman --root "$TMP/podman-root" --runroot "$TMP/podman-run" --storage-driver vfs \
        unshare rm -rf "$TMP/podman-root" 2> /dev/null || true
    fi
    chmod -R u+rwX "$TMP" 2> /dev/null || true
    rm -rf "$TMP" 2> /dev/null || unshare --map-auto --map-root-user rm -rf "$TMP" 2> /dev/null || true
  fi
}
trap cleanup EXIT

export CONTAINERS_REGISTRIES_CONF=$TMP/registries.conf
printf '[[registry]]\nlocation = "%s"\ninsecure = true\n[[registry]]\nlocation = "%s"\ninsecure = true\n' \
  "$REGISTRY" "$SCRATCH" > "$CONTAINERS_REGISTRIES_CONF"
export XDG_RUNTIME_DIR=$TMP/xdg
mkdir -p -m 700 "$XDG_RUNTIME_DIR"

g () { "$GALLEY" --root "$TMP/root" --runroot "$TMP/run" "$@"; }
p () { env -u REGISTRY_AUTH_FILE podman --root "$TMP/podman-root" --runroot "$TMP/podman-run" --storage-driver vfs "$@"; }

RUN=0
# A repository nobody pushed to: nothing to skip or mount.
fresh () { RUN=$((RUN + 1)); echo "$SCRATCH/bench-push/$1-$$-$RUN:latest"; }

time_once () {
  local start end
  start=$(date +%s%N)
  "$@" > /dev/null 2>&1
  end=$(date +%s%N)
  echo "scale=4; ($end - $start) / 1000000000" | bc
}

# median min max of N runs after one warm-up; $1 names the pusher
measure () {
  local who=$1 i
  "$who" "$(fresh "$who")" > /dev/null 2>&1 || { echo "failed: $who" >&2; return 1; }
  for ((i = 0; i < N; i++)); do time_once "$who" "$(fresh "$who")"; done | sort -n | awk '
    { v[NR] = $1 }
    END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
          printf "%.4f %.4f %.4f\n", m, v[1], v[NR] }'
}

galley_push () { g push -q "$IMAGE" "$1"; }
# A fresh blob-info cache each time: with its cache podman mounts the blobs
# from the repositories it pushed to before instead of sending them.
podman_push () { XDG_DATA_HOME=$TMP/podman-data-$RUN p push -q --tls-verify=false "$IMAGE" "$1"; }

g pull -q "$IMAGE" > /dev/null
read -r gm gmin gmax <<< "$(measure galley_push)"
echo "galley push:  median ${gm}s (min $gmin, max $gmax, n=$N)"
if command -v podman > /dev/null && p pull -q --tls-verify=false "$IMAGE" > /dev/null 2>&1; then
  read -r pm pmin pmax <<< "$(measure podman_push)"
  echo "podman push:  median ${pm}s (min $pmin, max $pmax, n=$N)"
  echo "benchmark: push galley=${gm}s reference=${pm}s ratio=$(echo "scale=2; $gm / $pm" | bc)"
else
  echo "podman push:  not installed (or cannot pull here)"
  echo "benchmark: push galley=${gm}s reference=none ratio=none"
fi
