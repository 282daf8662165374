#!/usr/bin/env bats
# What enters a container carries nothing of the user who runs galley: no
# variable of their environment, no file they have open, nothing a process
# in the container can read in /proc or ptrace (runtime/enter.h), even as
# root there with CAP_SYS_PTRACE.  A spy in the container polls every
# process's environ and fds for a marker while galley enters; a control
# process of its own, carrying the marker, shows the spy sees what it
# should.

load helpers
load helpers-run

setup () {
  run_setup
  marker=galley-marker-$(random_string 12)
  # a file the caller has open, recognisable by its name
  echo private > "$BATS_TEST_TMPDIR/$marker-caller-file"
}

teardown () {
  galley rm -af -t 0 > /dev/null 2>&1 || true
  basic_teardown
}

# Run the spy in container $1 (more run options in $2...): it appends every
# marker it finds in /proc/*/environ and /proc/*/fd to /tmp/hits; its
# control child carries "$marker-control" in both.
start_spy () {
  local name=$1
  shift
  galley run -d --name "$name" --cap-add SYS_PTRACE "$@" $RUN_IMAGE sh -c '
    m=$1
    echo private > /tmp/$m-control-file
    env MARK=$m-control sleep 1000 7< /tmp/$m-control-file &
    while :; do
      grep -h -z -o -s "$m-[a-z]*" /proc/[0-9]*/environ >> /tmp/hits
      ls -l /proc/[0-9]*/fd/ 2> /dev/null | grep -o "$m-[a-z]*" >> /tmp/hits
      touch /tmp/polled
    done' spy "$marker" > /dev/null
  wait_until galley exec "$name" test -e /tmp/polled
}

# The markers the spy of container $1 found, each once, sorted.
spy_hits () {
  galley exec "$1" sh -c 'tr "\0" "\n" < /tmp/hits | sort -u | tr "\n" " "'
}

@test "exec: a container polling /proc sees none of the caller's environment or files during 40 execs" {
  start_spy spy
  for _ in $(seq 40); do
    CALLER_SECRET=$marker-caller galley exec spy true 7< "$BATS_TEST_TMPDIR/$marker-caller-file"
  done
  for _ in $(seq 5); do
    CALLER_SECRET=$marker-caller galley exec -d spy true 7< "$BATS_TEST_TMPDIR/$marker-caller-file"
  done
  run spy_hits spy
  assert_output_equals "$marker-control "
}

@test "exec -d: returns at once; the detached process holds none of the caller's fds" {
  run_galley run -d --name box $RUN_IMAGE sleep 1000
  # $(...) waits for every holder of its pipe: only galley itself may be one
  local rc=0
  timeout 20 bash -c 'out=$("$@" exec -d box sh -c "sleep 30; echo late"); echo "[$out]" > "$0"' \
    "$BATS_TEST_TMPDIR/out" "$GALLEY" --root "$GALLEY_TEST_ROOT" --runroot "$GALLEY_TEST_RUNROOT" \
    2> "$BATS_TEST_TMPDIR/err" || rc=$?
  assert_equal "$rc" 0 "exit status (124: timed out)"
  assert_equal "$(cat "$BATS_TEST_TMPDIR/out")" "[]"
  run_galley exec box sh -c 'ps -o args | grep -c "^sh -c sleep 30; echo late"'
  assert_output_equals 1
  # a failure to start it is still reported
  run_galley 127 exec -d box /no/such/command
}

@test "run, start: the container's processes see none of the caller's environment or files" {
  CALLER_SECRET=$marker-caller start_spy spy 7< "$BATS_TEST_TMPDIR/$marker-caller-file"
  run spy_hits spy
  assert_output_equals "$marker-control "

  # --init: pid 1 stays galley's reaper, unreadable even with CAP_SYS_PTRACE
  run_galley create --name reaped --init --cap-add SYS_PTRACE $RUN_IMAGE sh -c \
    'cat /proc/1/environ; ls /proc/1/fd; echo "[$(grep -h -z -o -s "'"$marker"'-[a-z]*" /proc/[0-9]*/environ)]"'
  CALLER_SECRET=$marker-caller run_galley start -a reaped 7< "$BATS_TEST_TMPDIR/$marker-caller-file"
  assert_stderr_contains "can't open '/proc/1/environ': Permission denied"
  assert_stderr_contains "can't open '/proc/1/fd': Permission denied"
  assert_output_equals "[]"
}

@test "run on fuse-overlayfs: the daemon is out of the container's reach, even with CAP_SYS_PTRACE or --privileged" {
  command -v fuse-overlayfs > /dev/null || skip "fuse-overlayfs is not installed"
  [ -r /dev/fuse ] && [ -w /dev/fuse ] || skip "/dev/fuse is not usable"
  export GALLEY_ROOTFS_METHOD=fuse-overlayfs
  echo on-the-host > "$BATS_TEST_TMPDIR/$marker-host-file"
  # no process it sees is fuse-overlayfs, none has the host's tree as its root
  for opt in --cap-add=SYS_PTRACE --privileged; do
    run_galley run --rm "$opt" $RUN_IMAGE sh -c \
      'ps -o args | grep -c "^fuse-overlayfs"; cat /proc/[0-9]*/root"$1" 2> /dev/null; true' \
      sh "$BATS_TEST_TMPDIR/$marker-host-file"
    assert_output_equals "0"
  done
  # nor do the processes it sees hold the caller's variables or files
  CALLER_SECRET=$marker-caller start_spy spy 7< "$BATS_TEST_TMPDIR/$marker-caller-file"
  run_galley exec spy sh -c 'awk "\$2 == \"/\" { print \$3 }" /proc/mounts'
  assert_output_equals "fuse.fuse-overlayfs"
  run spy_hits spy
  assert_output_equals "$marker-control "
}

@test "cp into and out of a running container: nothing of the caller's reaches it" {
  start_spy spy
  echo data > "$BATS_TEST_TMPDIR/in"
  for _ in $(seq 10); do
    CALLER_SECRET=$marker-caller run_galley cp "$BATS_TEST_TMPDIR/in" spy:/tmp/in \
      7< "$BATS_TEST_TMPDIR/$marker-caller-file"
    CALLER_SECRET=$marker-caller run_galley cp spy:/tmp/in "$BATS_TEST_TMPDIR/out" \
      7< "$BATS_TEST_TMPDIR/$marker-caller-file"
  done
  assert_equal "$(cat "$BATS_TEST_TMPDIR/out")" data
  run spy_hits spy
  assert_output_equals "$marker-control "
}

@test "build: RUN sees none of the caller's environment or files" {
  mkdir "$BATS_TEST_TMPDIR/ctx"
  cat > "$BATS_TEST_TMPDIR/ctx/Containerfile" << EOF
FROM $RUN_IMAGE
RUN echo "env[\$(grep -h -z -o -s "$marker-[a-z]*" /proc/[0-9]*/environ)]"; \
    echo "fds[\$(ls -l /proc/[0-9]*/fd/ 2> /dev/null | grep -o "$marker-[a-z]*")]"; \
    ls /proc/self/fd
EOF
  CALLER_SECRET=$marker-caller run_galley build -t entered "$BATS_TEST_TMPDIR/ctx" \
    7< "$BATS_TEST_TMPDIR/$marker-caller-file"
  assert_output_contains "env[]"
  assert_output_contains "fds[]"
  assert_output_not_contains "$marker-caller"
}
