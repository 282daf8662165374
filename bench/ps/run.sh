#!/bin/bash
# `galley ps -a` and `galley images` with N containers and M images (default
# 1000 and 500) against podman's on a store of the same sizes.  Images come
# from one generated docker-archive (M distinct configs over busybox's one
# layer, see mkarchive.py), loaded by both; containers are made with
# `create`.  Reports the median of R runs (after a warm-up) of each listing,
# wall time and CPU time (user+sys), and the ratio to podman.
#
#   bench/ps/run.sh [-n N] [-m M] [-r R] [-P]     GALLEY=/path/to/galley
#
# -P skips podman (its 1000 creates take minutes).  podman runs with
# --runtime runc and a throwaway --root/--runroot; as root when run as root.
set -euo pipefail

N=1000 M=500 R=10 PODMAN=yes
while getopts n:m:r:P opt; do
  case $opt in
    n) N=$OPTARG ;;
    m) M=$OPTARG ;;
    r) R=$OPTARG ;;
    P) PODMAN=no ;;
    *) echo "usage: $0 [-n N] [-m M] [-r R] [-P]" >&2; exit 2 ;;
  esac
done

HERE=$(cd "$(dirname "$0")" && pwd)
GALLEY=$(command -v "${GALLEY:-galley}")
STATE=${GALLEY_TEST_STATE:-/var/tmp/galley-test}
BASE=$STATE/images/busybox.tar
[ -r "$BASE" ] || { echo "no $BASE: run tests/setup-host.sh as root first" >&2; exit 1; }

TMP=$(mktemp -d)
cleanup () {
  if [ "$PODMAN" = yes ] && command -v podman > /dev/null; then
    p system reset -f > /dev/null 2>&1 || true
  fi
  chmod -R u+rwX "$TMP" 2> /dev/null || true
  rm -rf "$TMP" 2> /dev/null || unshare --map-auto --map-root-user rm -rf "$TMP" 2> /dev/null || true
}
trap cleanup EXIT

g () { "$GALLEY" --root "$TMP/g/root" --runroot "$TMP/g/run" "$@"; }
# its own --tmpdir: `system reset` removes the tmpdir, which is otherwise
# the /run/libpod that every other podman on the host uses
p () { podman --root "$TMP/p/root" --runroot "$TMP/p/run" --tmpdir "$TMP/p/tmp" --runtime runc --storage-driver overlay "$@"; }

python3 "$HERE/mkarchive.py" "$BASE" "$M" "$TMP/images.tar"

# "wall cpu" seconds of one run, output discarded: bash's time keyword
# (milliseconds; /usr/bin/time counts in hundredths, too coarse for a
# 20 ms target)
time_once () {
  local TIMEFORMAT='%3R %3U %3S'
  { time "$@" > /dev/null 2>&1; } 2> "$TMP/time"
  awk '{ printf "%.4f %.4f\n", $1, $2 + $3 }' "$TMP/time"
}

# median wall, median cpu of R runs after a warm-up
measure () {
  local i
  "$@" > /dev/null 2>&1 || { echo "failed: $*" >&2; return 1; }
  for ((i = 0; i < R; i++)); do time_once "$@"; done | awk '
    { w[NR] = $1; c[NR] = $2 }
    function median (a, n,   i, j, t) {
      for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
      return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
    END { printf "%.4f %.4f\n", median(w, NR), median(c, NR) }'
}

# the store of "$@" (a command line up to the subcommand): M images, N containers
populate () {
  local i
  "$@" load -q -i "$TMP/images.tar" > /dev/null
  for ((i = 0; i < N; i++)); do echo "$i"; done |
    xargs -P 4 -I{} "$@" create --network none localhost/bench-1:latest true > /dev/null
  # a listing cache does not keep a record written within the last second
  # (its change could hide in the same clock tick): measure the steady state
  sleep 1
}

echo "populating galley: $M images, $N containers..."
populate "$GALLEY" --root "$TMP/g/root" --runroot "$TMP/g/run"
G=("$GALLEY" --root "$TMP/g/root" --runroot "$TMP/g/run")
read -r g_ps_w g_ps_c < <(measure "${G[@]}" ps -a)
read -r g_im_w g_im_c < <(measure "${G[@]}" images)
[ "$(g ps -aq | wc -l)" -eq "$N" ] || echo "warning: galley lists $(g ps -aq | wc -l) containers" >&2

p_ps_w="" p_im_w=""
if [ "$PODMAN" = yes ] && command -v podman > /dev/null && command -v runc > /dev/null; then
  echo "populating podman: $M images, $N containers (this takes minutes)..."
  if populate podman --root "$TMP/p/root" --runroot "$TMP/p/run" --tmpdir "$TMP/p/tmp" --runtime runc --storage-driver overlay; then
    P=(podman --root "$TMP/p/root" --runroot "$TMP/p/run" --tmpdir "$TMP/p/tmp" --runtime runc --storage-driver overlay)
    read -r p_ps_w p_ps_c < <(measure "${P[@]}" ps -a)
    read -r p_im_w p_im_c < <(measure "${P[@]}" images)
  fi
fi

ratio () { [ -n "$2" ] && echo "scale=3; $1 / $2" | bc || echo none; }
printf '\n%-28s %12s %12s %12s %12s %9s\n' "listing ($N ctrs, $M images)" "galley wall" "galley cpu" "podman wall" "podman cpu" "ratio"
printf '%-28s %11ss %11ss %11ss %11ss %9s\n' "ps -a" "$g_ps_w" "$g_ps_c" "${p_ps_w:-n/a}" "${p_ps_c:-n/a}" "$(ratio "$g_ps_w" "$p_ps_w")"
printf '%-28s %11ss %11ss %11ss %11ss %9s\n' "images" "$g_im_w" "$g_im_c" "${p_im_w:-n/a}" "${p_im_c:-n/a}" "$(ratio "$g_im_w" "$p_im_w")"
echo "targets: <= 0.020s each, ratio <= 0.1"
echo "benchmark: ps galley=${g_ps_w}s reference=${p_ps_w:-none}s ratio=$(ratio "$g_ps_w" "$p_ps_w")"
echo "benchmark: images galley=${g_im_w}s reference=${p_im_w:-none}s ratio=$(ratio "$g_im_w" "$p_im_w")"
