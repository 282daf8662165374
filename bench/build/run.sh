#!/bin/bash
# `galley build` of a 6-instruction Containerfile on the busybox test image
# (ENV, WORKDIR, COPY, RUN, LABEL, CMD), uncached (--no-cache), against
# `podman --runtime runc build --no-cache` run as the same user (rootless,
# private --root/--runroot); and galley's fully cached rebuild (every step
# a cache hit: no container, no layer).  See bench/README.md.
#
#   bench/build/run.sh [-n N]      (as an ordinary user; GALLEY=/path/to/galley)
#
# Targets: uncached galley <= 0.5x podman; cached rebuild <= 100 ms.
set -euo pipefail

N=5
. "$(dirname "$0")/../lib.sh"
bench_init "$@"
STATE=${GALLEY_TEST_STATE:-/var/tmp/galley-test}
ARCHIVE=$STATE/images/busybox.tar
[ -r "$ARCHIVE" ] || { echo "no $ARCHIVE: run tests/setup-host.sh as root first" >&2; exit 1; }

CTX=$TMP/ctx
mkdir -p "$CTX"
echo "data for the bench" > "$CTX/data.txt"
cat > "$CTX/Containerfile" << 'END'
FROM localhost/busybox:latest
ENV GREETING=hello
WORKDIR /app
COPY data.txt /app/data.txt
RUN echo "$GREETING" > /app/greeting && cat /app/data.txt >> /app/greeting
LABEL org.example.bench=1
CMD ["cat", "/app/greeting"]
END

g load -q -i "$ARCHIVE" > /dev/null

read -r g_med g_min g_max < <(measure g build --no-cache -t bench "$CTX")
printf 'galley build --no-cache (6 steps):      median %ss (min %s, max %s)\n' "$g_med" "$g_min" "$g_max"
[ "$(g run --rm bench)" = "hello
data for the bench" ] || { echo "the built image does not run as expected" >&2; exit 1; }

read -r c_med c_min c_max < <(measure g build -t bench "$CTX")
printf 'galley build, fully cached:             median %ss (min %s, max %s)\n' "$c_med" "$c_min" "$c_max"

p_med=""
if command -v podman > /dev/null && command -v runc > /dev/null; then
  PROOT=$TMP/podman
  export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$TMP/xdg}
  mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
  p () { podman --root "$PROOT/root" --runroot "$PROOT/run" --runtime runc --storage-driver overlay "$@"; }
  if p load -q -i "$ARCHIVE" > /dev/null 2>&1; then
    if read -r p_med p_min p_max < <(measure p build --no-cache -t bench "$CTX"); then
      printf 'podman --runtime runc build --no-cache: median %ss (min %s, max %s)\n' "$p_med" "$p_min" "$p_max"
      read -r pc_med _ _ < <(measure p build -t bench "$CTX")
      printf 'podman build, fully cached:             median %ss\n' "$pc_med"
    fi
  fi
  p system reset -f > /dev/null 2>&1 || true
fi
[ -n "$p_med" ] || echo "podman: not installed or not usable here"

[ -z "$p_med" ] || echo "ratio to podman (uncached): $(ratio "$g_med" "$p_med") (target <= 0.5)"
echo "cached rebuild:            ${c_med}s (target <= 0.100)"
echo "benchmark: build galley=${g_med}s reference=${p_med:-none}s ratio=$( [ -n "$p_med" ] && ratio "$g_med" "$p_med" || echo none) cached=${c_med}s"
