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
. "$(dirname "$0")/../lib.sh"
bench_init "$@"
ENV_FILE=${GALLEY_TEST_ENV:-/var/tmp/galley-test/env}
# shellcheck disable=SC1090
[ -r "$ENV_FILE" ] && . "$ENV_FILE"
REGISTRY=${GALLEY_TEST_REGISTRY:-127.0.0.1:5000}
SCRATCH=${GALLEY_TEST_SCRATCH_REGISTRY:-127.0.0.1:5002}
IMAGE=$REGISTRY/multilayer:latest
curl -s -o /dev/null --max-time 5 "http://$SCRATCH/v2/" ||
  { echo "scratch registry $SCRATCH is not running: run tests/setup-host.sh as root" >&2; exit 1; }

bench_cleanup_extra () {
  if command -v podman > /dev/null; then
    podman --root "$TMP/podman-root" --runroot "$TMP/podman-run" --storage-driver vfs \
      unshare rm -rf "$TMP/podman-root" 2> /dev/null || true
  fi
}

export CONTAINERS_REGISTRIES_CONF=$TMP/registries.conf
printf '[[registry]]\nlocation = "%s"\ninsecure = true\n[[registry]]\nlocation = "%s"\ninsecure = true\n' \
  "$REGISTRY" "$SCRATCH" > "$CONTAINERS_REGISTRIES_CONF"
export XDG_RUNTIME_DIR=$TMP/xdg
mkdir -p -m 700 "$XDG_RUNTIME_DIR"

p () { env -u REGISTRY_AUTH_FILE podman --root "$TMP/podman-root" --runroot "$TMP/podman-run" --storage-driver vfs "$@"; }

# A repository nobody pushed to: nothing to skip or mount (a new name for
# every run, also inside measure's subshells).
fresh () { echo "$SCRATCH/bench-push/$1-$$-$(date +%s%N):latest"; }

galley_push () { g push -q "$IMAGE" "$(fresh galley)"; }
# A fresh blob-info cache each time: with its cache podman mounts the blobs
# from the repositories it pushed to before instead of sending them.
podman_push () {
  local dest
  dest=$(fresh podman)
  XDG_DATA_HOME=$TMP/podman-data-${dest##*-} p push -q --tls-verify=false "$IMAGE" "$dest"
}

g pull -q "$IMAGE" > /dev/null
read -r gm gmin gmax <<< "$(measure galley_push)"
echo "galley push:  median ${gm}s (min $gmin, max $gmax, n=$N)"
if command -v podman > /dev/null && p pull -q --tls-verify=false "$IMAGE" > /dev/null 2>&1; then
  read -r pm pmin pmax <<< "$(measure podman_push)"
  echo "podman push:  median ${pm}s (min $pmin, max $pmax, n=$N)"
  echo "benchmark: push galley=${gm}s reference=${pm}s ratio=$(ratio "$gm" "$pm")"
else
  echo "podman push:  not installed (or cannot pull here)"
  echo "benchmark: push galley=${gm}s reference=none ratio=none"
fi
