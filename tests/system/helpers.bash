# Helpers for galley's bats system tests.  Load with `load helpers`.
#
# The tests run the galley binary named by $GALLEY as an ordinary user
# (tests/run-all.sh runs them as galley-t1, who has subordinate ids, and as
# galley-t2, who has none), each test with a private storage root, runroot,
# XDG config dir, registries.conf and auth file under $BATS_TEST_TMPDIR.
# Connection details of the local registries come from the env file that
# tests/setup-host.sh writes ($GALLEY_TEST_ENV, default
# /var/tmp/galley-test/env).
#
# Variables:   GALLEY, GALLEY_TEST_ROOT, GALLEY_TEST_RUNROOT, registry,
#              auth_registry, scratch_registry, tls_registry, IMAGE,
#              GALLEY_TEST_TIMEOUT (seconds for one galley call, default 120)
# Functions:   galley, run_galley [STATUS] ARGS..., galley_raw,
#              assert_success, assert_status, assert_equal,
#              assert_output_equals, assert_output_contains,
#              assert_output_not_contains, assert_output_matches,
#              assert_stderr_contains, assert_stderr_empty,
#              assert_line_count, assert_single_error_line,
#              has_subids, skip_if_no_subids, skip_if_subids, skip_if_root,
#              skip_if_no_registry, visible_commands, random_string,
#              wait_until and its conditions process_gone, sockets_above,
#              handles_signal, pipe_empty, pipe_full, holds_open, tcp_listening,
#              lock_held

bats_require_minimum_version 1.5.0

GALLEY_TEST_ENV=${GALLEY_TEST_ENV:-/var/tmp/galley-test/env}
if [ -r "$GALLEY_TEST_ENV" ]; then
  # shellcheck disable=SC1090
  . "$GALLEY_TEST_ENV"
fi

GALLEY=${GALLEY:-galley}
GALLEY_TEST_TIMEOUT=${GALLEY_TEST_TIMEOUT:-120}
registry=${GALLEY_TEST_REGISTRY:-127.0.0.1:5000}
auth_registry=${GALLEY_TEST_AUTH_REGISTRY:-127.0.0.1:5001}
scratch_registry=${GALLEY_TEST_SCRATCH_REGISTRY:-127.0.0.1:5002}
tls_registry=${GALLEY_TEST_TLS_REGISTRY:-127.0.0.1:5443}
IMAGE=$registry/busybox:latest

# ---------------------------------------------------------------- setup

# Per-test private state.  A test file that needs more defines its own
# setup() and calls basic_setup first (and teardown() calling
# basic_teardown).
basic_setup () {
  if ! command -v "$GALLEY" > /dev/null 2>&1; then
    echo "galley binary '$GALLEY' not found or not executable (set GALLEY=/path/to/galley)" >&2
    return 1
  fi
  GALLEY=$(command -v "$GALLEY")
  export GALLEY
  export GALLEY_TEST_ROOT=$BATS_TEST_TMPDIR/root
  export GALLEY_TEST_RUNROOT=$BATS_TEST_TMPDIR/runroot
  export XDG_CONFIG_HOME=$BATS_TEST_TMPDIR/config
  export XDG_DATA_HOME=$BATS_TEST_TMPDIR/data
  export REGISTRY_AUTH_FILE=$BATS_TEST_TMPDIR/auth.json
  unset GALLEY_ROOT GALLEY_RUNROOT XDG_RUNTIME_DIR
  mkdir -p "$XDG_CONFIG_HOME"
  # Nothing a test does reaches beyond this machine: short names resolve to
  # the local registry, which is plain HTTP.
  export CONTAINERS_REGISTRIES_CONF=$BATS_TEST_TMPDIR/registries.conf
  cat > "$CONTAINERS_REGISTRIES_CONF" << EOF
unqualified-search-registries = ["$registry"]
short-name-mode = "permissive"

[[registry]]
location = "$registry"
insecure = true

[[registry]]
location = "$auth_registry"
insecure = true

[[registry]]
location = "$scratch_registry"
insecure = true
EOF
}

basic_teardown () {
  local m
  # Unmount whatever a failed test left mounted below its directory.
  if [ -r /proc/self/mountinfo ]; then
    awk -v d="$BATS_TEST_TMPDIR" 'index ($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r |
      while read -r m; do fusermount3 -uz "$m" 2> /dev/null || umount -l "$m" 2> /dev/null || true; done
  fi
  remove_tree "$BATS_TEST_TMPDIR/root"
  remove_tree "$BATS_TEST_TMPDIR/runroot"
}

# Remove a tree that may hold files owned by our subordinate ids (extracted
# layers): inside a user namespace with the same mapping galley uses.
remove_tree () {
  [ -e "$1" ] || return 0
  chmod -R u+rwX "$1" 2> /dev/null || true
  rm -rf "$1" 2> /dev/null && return 0
  if has_subids; then
    unshare --map-auto --map-root-user rm -rf "$1" 2> /dev/null && return 0
  fi
  echo "# warning: could not remove $1" >&3
  return 0
}

setup () {
  basic_setup
}

teardown () {
  basic_teardown
}

# ---------------------------------------------------------------- running

# galley with the test's private root and runroot; a hung call is killed
# after $GALLEY_TEST_TIMEOUT seconds (status 124).  Tests of signal delivery
# should call "$GALLEY" directly.
galley () {
  timeout -k 10 "$GALLEY_TEST_TIMEOUT" "$GALLEY" --root "$GALLEY_TEST_ROOT" \
    --runroot "$GALLEY_TEST_RUNROOT" "$@"
}

# galley exactly as a user would type it: no --root/--runroot added.
galley_raw () {
  timeout -k 10 "$GALLEY_TEST_TIMEOUT" "$GALLEY" "$@"
}

# Shared by run_galley and run_galley_raw.
_run_checked () {
  local expected=$1 fn=$2
  shift 2
  run --separate-stderr "$fn" "$@"
  echo "\$ galley $*"
  [ -n "$output" ] && echo "$output"
  [ -n "$stderr" ] && echo "[stderr] $stderr"
  echo "[status $status]"
  if [ "$status" -eq 124 ]; then
    echo "FAIL: galley $* timed out after ${GALLEY_TEST_TIMEOUT}s" >&2
    return 1
  fi
  case $stderr in
    *AddressSanitizer* | *LeakSanitizer* | *"runtime error:"*)
      echo "FAIL: sanitizer report from galley $*" >&2
      return 1
      ;;
  esac
  if [ "$expected" != "?" ] && [ "$status" -ne "$expected" ]; then
    echo "FAIL: galley $*: exit status $status, expected $expected" >&2
    return 1
  fi
  # galley's own failures (125) end in exactly one "Error: " line.
  if [ "$expected" = 125 ]; then
    assert_single_error_line
  fi
}

# run_galley [STATUS] ARGS...: run galley (with the private root) and check
# its exit status (default 0; "?" accepts any).  Sets $output (stdout),
# $stderr, $lines, $stderr_lines and $status like bats' run.
run_galley () {
  local expected=0
  case $1 in
    '?' | [0-9] | [0-9][0-9] | [0-9][0-9][0-9])
      expected=$1
      shift
      ;;
  esac
  _run_checked "$expected" galley "$@"
}

# The same without --root/--runroot.
run_galley_raw () {
  local expected=0
  case $1 in
    '?' | [0-9] | [0-9][0-9] | [0-9][0-9][0-9])
      expected=$1
      shift
      ;;
  esac
  _run_checked "$expected" galley_raw "$@"
}

# ---------------------------------------------------------------- asserts

assert_status () {
  if [ "$status" -ne "$1" ]; then
    echo "FAIL: exit status $status, expected $1" >&2
    return 1
  fi
}

assert_success () {
  assert_status 0
}

assert_equal () {
  if [ "$1" != "$2" ]; then
    printf 'FAIL: %s\n  expected: %q\n  actual:   %q\n' "${3:-values differ}" "$2" "$1" >&2
    return 1
  fi
}

assert_output_equals () {
  assert_equal "$output" "$1" "output"
}

assert_output_contains () {
  if [[ "$output" != *"$1"* ]]; then
    printf 'FAIL: output does not contain %q\n' "$1" >&2
    return 1
  fi
}

assert_output_not_contains () {
  if [[ "$output" == *"$1"* ]]; then
    printf 'FAIL: output contains %q\n' "$1" >&2
    return 1
  fi
}

# Extended regular expression against the whole output.
assert_output_matches () {
  if ! [[ "$output" =~ $1 ]]; then
    printf 'FAIL: output does not match /%s/\n' "$1" >&2
    return 1
  fi
}

assert_stderr_contains () {
  if [[ "$stderr" != *"$1"* ]]; then
    printf 'FAIL: stderr does not contain %q\n' "$1" >&2
    return 1
  fi
}

assert_stderr_empty () {
  if [ -n "$stderr" ]; then
    printf 'FAIL: stderr is not empty: %s\n' "$stderr" >&2
    return 1
  fi
}

assert_line_count () {
  assert_equal "${#lines[@]}" "$1" "number of output lines"
}

# stderr ends in one line "Error: ..." and has no other "Error:" line.
assert_single_error_line () {
  local n=0 l last="" hints=false
  for l in "${stderr_lines[@]}"; do
    if [[ $l == Error:* ]]; then
      n=$((n + 1))
      hints=true
    elif $hints && [[ -z $l || $l == "See 'galley"*"--help'" || $l == "Try 'galley"*"--help' for more information" ||
      $l == "Did you mean this?" || $l == $'\t'* ]]; then
      continue # podman's hints after the error of a command line
    fi
    [ -n "$l" ] && last=$l
  done
  if [ "$n" -ne 1 ] || [[ $last != "Error: "?* ]]; then
    echo "FAIL: expected exactly one final 'Error: ...' line on stderr, got:" >&2
    printf '  %s\n' "${stderr_lines[@]}" >&2
    return 1
  fi
}

# ---------------------------------------------------------------- conditions

has_subids () {
  local me
  me=$(id -un)
  grep -qs -e "^$me:" -e "^$(id -u):" /etc/subuid
}

skip_if_no_subids () {
  has_subids || skip "${1:-$(id -un) has no subordinate ids}"
}

skip_if_subids () {
  has_subids && skip "${1:-$(id -un) has subordinate ids}"
  return 0
}

skip_if_root () {
  [ "$(id -u)" -ne 0 ] || skip "${1:-not meaningful as root}"
}

# Skip (outside CI) when the registry is not up; in CI it must be.
skip_if_no_registry () {
  local r=${1:-$registry}
  if ! curl -s -o /dev/null --max-time 5 "http://$r/v2/"; then
    [ -n "${CI:-}" ] && { echo "FAIL: registry $r is not reachable" >&2; return 1; }
    skip "registry $r is not running (run tests/setup-host.sh as root)"
  fi
}

# ---------------------------------------------------------------- misc

# The candidates `galley __completeNoDesc WORDS...` offers, one per line,
# without its directive (the last line, ":N").
completions () {
  "$GALLEY" __completeNoDesc "$@" 2> /dev/null | sed '$d'
}

# The visible commands, one per line, as `galley __complete ""` lists them.
visible_commands () {
  completions ""
}

# The container directories of the store, one per line (its lock and
# change counter are not containers).
container_dirs () {
  find "$GALLEY_TEST_ROOT/containers" -mindepth 1 -maxdepth 1 -type d 2> /dev/null
}

random_string () {
  head -c 64 /dev/urandom | tr -dc 'a-z0-9' | head -c "${1:-10}"
}

# wait_until [-t SECONDS] COMMAND...: poll COMMAND (every 50 ms) until it
# succeeds; fail after SECONDS (default 30: a loaded machine is slow to
# start a server).  Tests wait on a condition, never on a fixed sleep.
wait_until () {
  local timeout=30 deadline
  if [ "$1" = -t ]; then
    timeout=$2
    shift 2
  fi
  deadline=$((SECONDS + timeout))
  until "$@"; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "FAIL: timed out after ${timeout}s waiting for: $*" >&2
      return 1
    fi
    sleep 0.05
  done
}

# Conditions for wait_until about processes and files of the host.

# process_gone PID: PID has exited (a zombie not yet reaped counts).
process_gone () {
  ! [ -e "/proc/$1" ] || grep -q '^State:.*Z' "/proc/$1/status" 2> /dev/null
}

# sockets_above PID N: PID holds more than N sockets (a server that
# accepted a client holds one more).
sockets_above () {
  [ "$(socket_count "$1")" -gt "$2" ]
}

socket_count () {
  local fd n=0
  for fd in /proc/"$1"/fd/*; do
    [[ $(readlink "$fd" 2> /dev/null) == socket:* ]] && n=$((n + 1))
  done
  echo "$n"
}

# handles_signal PID SIG: PID catches SIG or blocks it for a signalfd, so a
# SIG sent now is seen by its handler rather than killing it.
handles_signal () {
  local n blk cgt
  n=$(kill -l "$2") || return 1
  blk=$(awk '/^SigBlk:/ { print $2 }' "/proc/$1/status" 2> /dev/null)
  cgt=$(awk '/^SigCgt:/ { print $2 }' "/proc/$1/status" 2> /dev/null)
  [ -n "$blk" ] && [ -n "$cgt" ] && (((16#$blk | 16#$cgt) >> (n - 1) & 1))
}

# pipe_queued PATH: "BYTES CAPACITY" of the pipe at PATH (a fifo, or
# /proc/PID/fd/N), without reading from it.
pipe_queued () {
  python3 - "$1" << 'PY'
import array, fcntl, os, sys, termios
fd = os.open(sys.argv[1], os.O_RDONLY | os.O_NONBLOCK)
n = array.array("i", [0])
fcntl.ioctl(fd, termios.FIONREAD, n)
print(n[0], fcntl.fcntl(fd, fcntl.F_GETPIPE_SZ))
PY
}

pipe_empty () {
  [[ $(pipe_queued "$1") == "0 "* ]]
}

pipe_full () {
  local queued capacity
  read -r queued capacity < <(pipe_queued "$1") && [ "$queued" -ge "$capacity" ]
}

# holds_open PID FILE: PID has FILE open.
holds_open () {
  local fd
  for fd in /proc/"$1"/fd/*; do
    [ "$(readlink "$fd" 2> /dev/null)" = "$2" ] && return 0
  done
  return 1
}

# tcp_listening PORT: something listens on TCP PORT of the host.
tcp_listening () {
  ss -Hltn "sport = :$1" | grep -q .
}

# lock_held FILE: some process holds a lock on FILE (/proc/locks).
lock_held () {
  local ino
  ino=$(stat -c %i "$1" 2> /dev/null) && grep -q ":$ino " /proc/locks
}
