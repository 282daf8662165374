#!/bin/bash
# Resident memory of an idle detached container's keeper: galley's monitor
# (and its log relay, the second process that galley's monitor forks)
# against podman's conmon, each keeping a `sleep` container.  Reads VmRSS
# (and Pss, which splits shared pages fairly) from /proc.
#
#   bench/monitor-rss/run.sh        GALLEY=/path/to/galley
set -euo pipefail

GALLEY=$(command -v "${GALLEY:-galley}")
STATE=${GALLEY_TEST_STATE:-/var/tmp/galley-test}
ARCHIVE=$STATE/images/busybox.tar
[ -r "$ARCHIVE" ] || { echo "no $ARCHIVE: run tests/setup-host.sh as root first" >&2; exit 1; }

TMP=$(mktemp -d)
g () { "$GALLEY" --root "$TMP/g/root" --runroot "$TMP/g/run" "$@"; }
p () { podman --root "$TMP/p/root" --runroot "$TMP/p/run" --tmpdir "$TMP/p/tmp" --runtime runc --storage-driver overlay "$@"; }
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

g load -q -i "$ARCHIVE" > /dev/null
g run -d --name idle --network none localhost/busybox:latest sleep 1000 > /dev/null
sleep 2
monitor=$(g container inspect idle --format '{{.State.ConmonPid}}' 2> /dev/null || true)
if [ -z "$monitor" ] || [ "$monitor" = 0 ] || [ "$monitor" = "<no value>" ]; then
  monitor=$(jq -r .MonitorPid "$TMP/g/root/containers/$(g container inspect idle --format '{{.Id}}')/state.json")
fi
relay=$(pgrep -P "$monitor" -x galley-log || true)
read -r m_rss m_pss < <(mem "$monitor")
r_rss=0 r_pss=0
[ -n "$relay" ] && read -r r_rss r_pss < <(mem "$relay")
printf 'galley monitor (pid %s):   VmRSS %6s kB   Pss %6s kB\n' "$monitor" "$m_rss" "$m_pss"
printf 'galley log relay (pid %s): VmRSS %6s kB   Pss %6s kB\n' "${relay:-none}" "$r_rss" "$r_pss"
g_total=$((m_rss + r_rss))
g_pss=$((m_pss + r_pss))
printf 'galley total:               VmRSS %6s kB   Pss %6s kB\n' "$g_total" "$g_pss"

c_rss="" c_pss=""
if command -v podman > /dev/null && command -v runc > /dev/null; then
  p load -q -i "$ARCHIVE" > /dev/null 2>&1
  # the default nofile limit podman asks for may exceed this host's hard limit
  p run -d --name idle --network none --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 localhost/busybox:latest sleep 1000 > /dev/null
  sleep 2
  conmon=$(p container inspect idle --format '{{.State.ConmonPid}}')
  read -r c_rss c_pss < <(mem "$conmon")
  printf 'podman conmon (pid %s):    VmRSS %6s kB   Pss %6s kB\n' "$conmon" "$c_rss" "$c_pss"
fi
[ -n "$c_rss" ] || echo "podman: not installed or not usable here"
echo "benchmark: monitor-rss galley=${g_total}kB reference=${c_rss:-none}kB galley_pss=${g_pss}kB reference_pss=${c_pss:-none}kB"
