#!/bin/bash
# Host -> container TCP throughput through a published port (-p): galley
# (its galley-port forwarder, runtime/portfwd.h)
# against podman (--runtime runc, rootless, its default network and port
# handler) on the same machine: iperf3 -s in the container, iperf3 -c on the
# host to 127.0.0.1:PORT.  Both engines run the same exploded rootfs
# (--rootfs) holding the host's iperf3 and its libraries, so only the
# network path differs.  See bench/README.md.
#
#   bench/throughput/run.sh [-n N] [-t SECONDS]   (as an ordinary user; GALLEY=/path/to/galley)
#
# Needs iperf3 on the host (Debian: apt-get install iperf3).
set -euo pipefail

N=3
T=5
while getopts n:t: opt; do
  case $opt in
    n) N=$OPTARG ;;
    t) T=$OPTARG ;;
    *) echo "usage: $0 [-n N] [-t SECONDS]" >&2; exit 2 ;;
  esac
done

GALLEY=${GALLEY:-galley}
GALLEY=$(command -v "$GALLEY")
IPERF=$(command -v iperf3) || { echo "iperf3 is not installed (apt-get install iperf3)" >&2; exit 1; }
command -v jq > /dev/null || { echo "jq is not installed" >&2; exit 1; }

TMP=$(mktemp -d)
cleanup () {
  g rm -f -a > /dev/null 2>&1 || true
  [ -z "${PODMAN_OK:-}" ] || p rm -f -a > /dev/null 2>&1 || true
  chmod -R u+rwX "$TMP" 2> /dev/null || true
  rm -rf "$TMP" 2> /dev/null || unshare --map-auto --map-root-user rm -rf "$TMP" 2> /dev/null || true
}
trap cleanup EXIT

g () { "$GALLEY" --root "$TMP/root" --runroot "$TMP/run" "$@"; }
p () { podman --root "$TMP/podman/root" --runroot "$TMP/podman/run" --runtime runc "$@"; }

# The rootfs: iperf3 and the libraries it loads, at their host paths.
ROOTFS=$TMP/rootfs
mkdir -p "$ROOTFS/tmp" "$ROOTFS/etc" "$ROOTFS/proc" "$ROOTFS/dev" "$ROOTFS/sys"
cp -L --parents "$IPERF" "$ROOTFS"
ldd "$IPERF" | awk '$3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' | while read -r lib; do
  cp -L --parents "$lib" "$ROOTFS"
done
echo "root:x:0:0:root:/:/bin/sh" > "$ROOTFS/etc/passwd"
echo "root:x:0:" > "$ROOTFS/etc/group"

free_port () {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Until a first (1 s, warm-up) run succeeds: slirp4netns accepts on the
# host port before the server listens inside.
wait_port () {
  local i
  for i in $(seq 1 100); do
    "$IPERF" -c 127.0.0.1 -p "$1" -t 1 > /dev/null 2>&1 && return 0
    sleep 0.1
  done
  return 1
}

# Gbit/s of each of N runs (one line each) against an engine's container.
# $1: engine function (g or p)
measure () {
  local engine=$1 port i
  port=$(free_port)
  "$engine" run -d --name iperf -p "127.0.0.1:$port:5201" --rootfs "$ROOTFS" "$IPERF" -s > /dev/null
  wait_port "$port" || { echo "$engine: iperf3 -s did not answer on $port" >&2; return 1; }
  for ((i = 0; i < N; i++)); do
    "$IPERF" -c 127.0.0.1 -p "$port" -t "$T" -J | jq -r '.end.sum_received.bits_per_second / 1e9'
  done
  "$engine" rm -f iperf > /dev/null
}

summary () {
  sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) exit 1
                                      m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
                                      printf "%.3f %.3f %.3f\n", m, v[1], v[NR] }'
}

g_med=""
read -r g_med g_min g_max < <(measure g | summary) || true
[ -n "$g_med" ] || { echo "galley: the measurement failed" >&2; exit 1; }
printf 'galley -p (galley-port):  median %s Gbit/s (min %s, max %s)\n' "$g_med" "$g_min" "$g_max"

p_med=""
if command -v podman > /dev/null && command -v runc > /dev/null; then
  PODMAN_OK=1
  if read -r p_med p_min p_max < <(measure p 2> /dev/null | summary) && [ -n "$p_med" ]; then
    printf 'podman -p (rootless):     median %s Gbit/s (min %s, max %s)\n' "$p_med" "$p_min" "$p_max"
  else
    p_med=""
  fi
  p system reset -f > /dev/null 2>&1 || true
fi
[ -n "$p_med" ] || echo "podman: not installed or not usable here"

ratio=none
[ -z "$p_med" ] || ratio=$(echo "scale=3; $g_med / $p_med" | bc)
echo "ratio to podman: $ratio (target >= 1)"
echo "benchmark: throughput galley=${g_med}Gbit/s reference=${p_med:-none}Gbit/s ratio=$ratio"
