#!/bin/bash
# Resident memory of an idle detached container's keeper: galley's monitor
# (one process: it serves the log and the attach socket itself) against
# podman's conmon, each keeping a `sleep` container.  Any other galley
# process of the monitor's session or among its children (a relay, as an
# older galley forked) is reported and counted, so none can hide.  Reads
# VmRSS (and Pss, which splits shared pages fairly) from /proc.
#
#   bench/monitor-rss/run.sh        GALLEY=/path/to/galley
set -euo pipefail

GALLEY=$(command -v "${GALLEY:-galley}")
STATE=${GALLEY_TEST_STATE:-/var/tmp/galley-test}
ARCHIVE=$STATE/images/busybox.tar
[ -r "$ARCHIVE" ] || { echo "no $ARCHIVE: run tests/setup-host.sh as root first" >&2; exit 1; }

TMP=$(mktemp -d)
g () { "$GALLEY" --root "$TMP/g/root" --runroot "$TMP/g/run" "$@"; }
# without subordinate ids podman can only store the image ignoring its owners
P_OPTS=()
grep -qs "^$(id -un):" /etc/subuid || P_OPTS=(--storage-opt overlay.ignore_chown_errors=true)
p () { podman --root "$TMP/p/root" --runroot "$TMP/p/run" --tmpdir "$TMP/p/tmp" --runtime runc --storage-driver overlay "${P_OPTS[@]}" "$@"; }
cleanup () {
  g rm -af > /dev/null 2>&1 || true
  if command -v podman > /dev/null; then p rm -af -t 0 > /dev/null 2>&1 || true; p system reset -f > /dev/null 2>&1 || true; fi
  chmod -R u+rwX "$TMP" 2> /dev/null || true
  rm -rf "$TMP" 2> /dev/null || unshare --map-auto --map-root-user rm -rf "$TMP" 2> /dev/null || true
}
trap cleanup EXIT

# "rss_kb pss_kb" of a pid
mem () {
  local rss pss
  rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$1/status")
  pss=$(awk '/^Pss:/ { print $2 }' "/proc/$1/smaps_rollup" 2> /dev/null || echo 0)
  echo "$rss $pss"
}

# The galley processes besides the monitor: its children running the galley
# binary, and its session's (the container's init has its own session).
other_galleys () {
  local sid pid exe
  sid=$(awk '{ print $6 }' "/proc/$1/stat")
  for pid in $(pgrep -P "$1"; pgrep -s "$sid"); do
    [ "$pid" = "$1" ] && continue
    exe=$(readlink "/proc/$pid/exe" 2> /dev/null || true)
    if [ "$exe" = "$GALLEY" ] || [[ "$(cat "/proc/$pid/comm" 2> /dev/null)" == galley* ]]; then
      echo "$pid"
    fi
  done | sort -u
}

g load -q -i "$ARCHIVE" > /dev/null
g run -d --name idle --network none localhost/busybox:latest sleep 1000 > /dev/null
sleep 2
monitor=$(g container inspect idle --format '{{.State.ConmonPid}}')
read -r g_rss g_pss < <(mem "$monitor")
printf 'galley monitor (pid %s):  VmRSS %6s kB   Pss %6s kB\n' "$monitor" "$g_rss" "$g_pss"
n_other=0
for pid in $(other_galleys "$monitor"); do
  read -r rss pss < <(mem "$pid")
  printf 'other galley process (pid %s, %s): VmRSS %6s kB   Pss %6s kB\n' "$pid" "$(cat "/proc/$pid/comm")" "$rss" "$pss"
  g_rss=$((g_rss + rss))
  g_pss=$((g_pss + pss))
  n_other=$((n_other + 1))
done
[ "$n_other" = 0 ] || printf 'galley total (%s processes):  VmRSS %6s kB   Pss %6s kB\n' $((n_other + 1)) "$g_rss" "$g_pss"

c_rss="" c_pss=""
if command -v podman > /dev/null && command -v runc > /dev/null; then
  p load -q -i "$ARCHIVE" > /dev/null 2>&1
  # the default nofile limit podman asks for may exceed this host's hard limit
  p run -d --name idle --network none --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 localhost/busybox:latest sleep 1000 > /dev/null
  sleep 2
  conmon=$(p container inspect idle --format '{{.State.ConmonPid}}')
  read -r c_rss c_pss < <(mem "$conmon")
  printf 'podman conmon (pid %s):   VmRSS %6s kB   Pss %6s kB\n' "$conmon" "$c_rss" "$c_pss"
fi
[ -n "$c_rss" ] || echo "podman: not installed or not usable here"
echo "benchmark: monitor-rss galley=${g_rss}kB reference=${c_rss:-none}kB galley_pss=${g_pss}kB reference_pss=${c_pss:-none}kB galley_processes=$((n_other + 1))"
