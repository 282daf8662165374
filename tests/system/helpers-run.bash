# Shared by the 4xx-run-*.bats files: a busybox image loaded from the test
# archive (no registry needed) into the test's private store.
ARCHIVES=${GALLEY_TEST_STATE:-/var/tmp/galley-test}/images
RUN_IMAGE=localhost/busybox:latest

run_setup () {
  basic_setup
  [ -r "$ARCHIVES/busybox.tar" ] || skip "no test archives in $ARCHIVES (run tests/images/build-all.sh)"
  galley load -q -i "$ARCHIVES/busybox.tar" > /dev/null
}

# Until container $1 runs (5 s at most).
wait_running () {
  wait_until -t 5 container_is_running "$1"
}

container_is_running () {
  inspect_is "$1" '{{.State.Status}}' running
}

# Conditions for wait_until about containers.

# Processes still running with this test's storage root on their command
# line (monitors), one pid per line.
strays () {
  local p
  for p in /proc/[0-9]*; do
    if tr '\0' ' ' 2> /dev/null < "$p/cmdline" | grep -qF -- "$GALLEY_TEST_ROOT"; then
      echo "${p#/proc/}"
    fi
  done
}

no_strays () {
  [ -z "$(strays)" ]
}

# inspect_is CONTAINER FORMAT EXPECTED: `container inspect --format FORMAT`
# prints EXPECTED.
inspect_is () {
  [ "$(galley container inspect "$1" --format "$2" 2> /dev/null)" = "$3" ]
}

# logged CONTAINER TEXT...: the container's log (stdout or stderr) holds
# every TEXT.
logged () {
  local log text
  log=$(galley logs "$1" 2>&1) || return 1
  shift
  for text in "$@"; do
    [[ $log == *"$text"* ]] || return 1
  done
}

# logged_lines_above CONTAINER N: the container logged more than N lines.
logged_lines_above () {
  [ "$(galley logs "$1" 2>&1 | wc -l)" -gt "$2" ]
}

container_gone () {
  ! galley container exists "$1"
}

# container_procs_in CONTAINER STATES: every process in the container's pid
# namespace is in one of STATES, letters of /proc/PID/status (T stopped, Z
# zombie, S sleeping, R running, ...).
container_procs_in () {
  local init proc state n=0
  init=$(galley container inspect "$1" --format '{{.State.Pid}}') || return 1
  for proc in /proc/[0-9]*; do
    [ "$proc/ns/pid" -ef "/proc/$init/ns/pid" ] 2> /dev/null || continue
    state=$(awk '/^State:/ { print $2 }' "$proc/status" 2> /dev/null)
    [ -z "$state" ] && continue
    [[ $2 == *"$state"* ]] || return 1
    n=$((n + 1))
  done
  [ "$n" -gt 0 ]
}

# A gate a container waits at until the test opens it: run the container
# with "${GATE_VOLUME[@]}" and make its command begin with "$GATE_WAIT".
GATE_WAIT='until [ -e /gate/open ]; do sleep 0.05; done;'
gate_setup () {
  mkdir -p "$BATS_TEST_TMPDIR/gate"
  GATE_VOLUME=(-v "$BATS_TEST_TMPDIR/gate:/gate")
}

gate_open () {
  touch "$BATS_TEST_TMPDIR/gate/open"
}

# attach_start CONTAINER [OPTIONS...]: `galley attach` in the background
# ($attach_pid), once the container's monitor has accepted it.  Its input
# comes from a fifo that attach_send writes (printf's format), its output
# goes to $BATS_TEST_TMPDIR/attach.out and attach.err; attach_end [STATUS]
# ends the input and waits for it to exit (with STATUS).
attach_start () {
  local name=$1 monitor before
  shift
  monitor=$(galley container inspect "$name" --format '{{.State.ConmonPid}}')
  before=$(socket_count "$monitor")
  rm -f "$BATS_TEST_TMPDIR/attach.in"
  mkfifo "$BATS_TEST_TMPDIR/attach.in"
  "$GALLEY" --root "$GALLEY_TEST_ROOT" --runroot "$GALLEY_TEST_RUNROOT" attach "$@" "$name" \
    < "$BATS_TEST_TMPDIR/attach.in" > "$BATS_TEST_TMPDIR/attach.out" 2> "$BATS_TEST_TMPDIR/attach.err" 3>&- &
  attach_pid=$!
  exec {attach_fd}> "$BATS_TEST_TMPDIR/attach.in"
  wait_until sockets_above "$monitor" "$before"
}

attach_send () {
  # shellcheck disable=SC2059
  printf "$1" >&"$attach_fd"
}

attach_end () {
  local status=0
  exec {attach_fd}>&-
  wait_until -t 30 process_gone "$attach_pid" || kill -KILL "$attach_pid"
  wait "$attach_pid" || status=$?
  [ -z "${1:-}" ] || assert_equal "$status" "$1" "attach's exit status"
}

# Inside a container of the multilayer test image (tests/images/mkimage.py):
# "path type mode uid gid [content|target]" of /data and /home/user, as
# mkimage.py's listing, then the inode and link count of the hard link's
# two names, any whiteout marker left, and what ls says of the paths the
# upper layers removed.
MULTILAYER_LISTING='
  for p in $(find /data /home/user -print | sort); do
    case $(stat -c %F "$p") in
      directory) t=d; x= ;;
      "regular file") t=f; x=" $(head -n 1 "$p")" ;;
      "symbolic link") t=l; x=" $(readlink "$p")" ;;
      *) t=?; x= ;;
    esac
    printf "%s %s %04d %s %s%s\n" "$p" $t $(stat -c "%a %u %g" "$p") "$x"
  done
  stat -c "%i %h" /data/hard-src /data/hard-link
  find / -xdev -name ".wh.*"
  ls /data/remove-me /data/opq/old /data/dir/keep 2>&1 | sort'

# $output of MULTILAYER_LISTING is the image's tree as mkimage.py says.
assert_multilayer_listing () {
  local got=$output expected listed inodes
  expected=$(python3 "$BATS_TEST_DIRNAME/../images/mkimage.py" expected multilayer \
             | grep -v '^#' | sed 's/ (same inode.*//')
  # Without subordinate ids every owner in the image is the user: root inside.
  if ! has_subids; then
    expected=$(awk '{ $4 = 0; $5 = 0; print }' <<< "$expected")
  fi
  # Directories mkimage.py leaves out; the scripts' contents it does too.
  listed=$(grep -v -e '^/home/user ' -e '^[0-9]' -e '^ls:' <<< "$got" | sed 's| #!/bin/sh$||')
  assert_equal "$listed" "$expected"
  # One inode, two links: the hard link survived.
  inodes=$(grep -E '^[0-9]+ [0-9]+$' <<< "$got")
  assert_equal "$(sort -u <<< "$inodes" | wc -l)" 1
  assert_equal "$(head -n 1 <<< "$inodes" | cut -d' ' -f2)" 2
  # Whited out, hidden by the opaque dir, replaced by a file; no marker.
  assert_output_contains "/data/remove-me: No such file or directory"
  assert_output_contains "/data/opq/old: No such file or directory"
  assert_output_contains "/data/dir/keep: Not a directory"
  assert_output_not_contains ".wh."
}
