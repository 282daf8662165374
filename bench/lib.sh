# Shared pieces of the benchmark scripts (sourced; see bench/README.md).
#
#   . "$(dirname "$0")/../lib.sh"      (or bench/lib.sh from bench/NAME)
#   bench_init "$@"        -n N (default $N or 10); GALLEY resolved; TMP made,
#                          removed on exit (files of subordinate ids too)
#   g ARGS...              galley with a private --root/--runroot under $TMP
#   time_once CMD...       seconds (float) of one run, output discarded
#   measure CMD...         "median min max" of N runs after one warm-up
#   burst TASKS CMD...     TASKS copies of CMD at once, all waited for
#   ratio A B              A / B with three decimals

bench_usage_extra=${bench_usage_extra:-}

bench_init () {
  local opt
  N=${N:-10}
  OPTIND=1
  while getopts n: opt; do
    case $opt in
      n) N=$OPTARG ;;
      *) echo "usage: $0 [-n N] $bench_usage_extra" >&2; exit 2 ;;
    esac
  done
  GALLEY=${GALLEY:-galley}
  GALLEY=$(command -v "$GALLEY") || { echo "galley not found (set GALLEY=/path/to/galley)" >&2; exit 1; }
  TMP=$(mktemp -d)
  trap bench_cleanup EXIT
}

# Hook for scripts with more to clean (podman stores): define bench_cleanup_extra.
bench_cleanup () {
  if declare -F bench_cleanup_extra > /dev/null; then bench_cleanup_extra || true; fi
  if [ -d "$TMP" ]; then
    chmod -R u+rwX "$TMP" 2> /dev/null || true
    rm -rf "$TMP" 2> /dev/null || unshare --map-auto --map-root-user rm -rf "$TMP" 2> /dev/null || true
  fi
}

g () { "$GALLEY" --root "$TMP/root" --runroot "$TMP/run" "$@"; }

time_once () {
  local start end
  start=$(date +%s%N)
  "$@" > /dev/null 2>&1
  end=$(date +%s%N)
  echo "scale=4; ($end - $start) / 1000000000" | bc
}

measure () {
  local i
  "$@" > /dev/null 2>&1 || { echo "failed: $*" >&2; return 1; }
  for ((i = 0; i < N; i++)); do time_once "$@"; done | sort -n | awk '
    { v[NR] = $1 }
    END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
          printf "%.4f %.4f %.4f\n", m, v[1], v[NR] }'
}

burst () {
  local tasks=$1 i pids=()
  shift
  for ((i = 0; i < tasks; i++)); do
    "$@" > /dev/null 2>&1 &
    pids+=($!)
  done
  for i in "${pids[@]}"; do wait "$i" || return 1; done
}

ratio () { echo "scale=3; $1 / $2" | bc; }
