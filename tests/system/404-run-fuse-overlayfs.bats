#!/usr/bin/env bats
# galley run with the fuse-overlayfs rootfs method: the container runs, galley
# itself exits with the container's status (not a crash), and neither the
# fuse-overlayfs daemon nor its mount outlives the container.

load helpers
load helpers-run

setup () {
  command -v fuse-overlayfs > /dev/null || skip "fuse-overlayfs is not installed"
  [ -r /dev/fuse ] && [ -w /dev/fuse ] || skip "/dev/fuse is not usable"
  run_setup
  export GALLEY_ROOTFS_METHOD=fuse-overlayfs
}

teardown () {
  unset GALLEY_ROOTFS_METHOD
  basic_teardown
}

# fuse-overlayfs daemons of this user serving this test's containers.
fuse_daemons () {
  pgrep -u "$(id -u)" -a fuse-overlayfs | grep -F -- "$GALLEY_TEST_ROOT" || true
}

no_fuse_daemons () {
  [ -z "$(fuse_daemons)" ]
}

# fuse mounts below this test's directory visible on the host.
fuse_mounts () {
  grep -F -- "$BATS_TEST_TMPDIR" /proc/self/mountinfo || true
}

assert_nothing_left () {
  local left
  left=$(fuse_daemons)
  assert_equal "$left" "" "fuse-overlayfs processes left behind"
  left=$(fuse_mounts)
  assert_equal "$left" "" "mounts left behind"
  run_galley ps -a -q
  assert_output_equals ""
}

@test "fuse-overlayfs: output and exit status; the root is a fuse-overlayfs mount" {
  run_galley run --rm $RUN_IMAGE sh -c 'echo hello; awk "\$2 == \"/\" { print \$3 }" /proc/mounts'
  assert_equal "${lines[0]}" "hello"
  assert_equal "${lines[1]}" "fuse.fuse-overlayfs"
  assert_nothing_left
  run_galley 7 run --rm $RUN_IMAGE sh -c 'echo out; exit 7'
  assert_output_equals "out"
  assert_nothing_left
  run_galley 137 run --rm --init $RUN_IMAGE sh -c 'kill -9 $$'
  assert_nothing_left
}

@test "fuse-overlayfs: writes land in the container, the image stays as it was" {
  run_galley run --rm $RUN_IMAGE sh -c 'echo data > /etc/new-file; rm /bin/true; cat /etc/new-file; ls /bin/true 2>&1 || :'
  assert_equal "${lines[0]}" "data"
  assert_output_contains "No such file"
  run_galley run --rm $RUN_IMAGE sh -c 'ls /etc/new-file 2>&1 || :; ls /bin/true'
  assert_output_contains "No such file"
  assert_output_contains "/bin/true"
  assert_nothing_left
}

@test "fuse-overlayfs: galley started with stdin, stdout or stderr closed" {
  run --separate-stderr bash -c "$(printf '%q ' "$GALLEY") --root $GALLEY_TEST_ROOT --runroot $GALLEY_TEST_RUNROOT run --rm $RUN_IMAGE echo closed-stdin <&-"
  assert_success
  assert_output_equals "closed-stdin"
  run bash -c "$(printf '%q ' "$GALLEY") --root $GALLEY_TEST_ROOT --runroot $GALLEY_TEST_RUNROOT run --rm $RUN_IMAGE sh -c 'echo closed-stderr' 2>&-"
  assert_success
  assert_output_contains "closed-stderr"
  assert_nothing_left
}

# fuse-overlayfs must not share the container's mount namespace: pivot_root
# would move its root into its own mount, and a write at / (which makes it
# look up /proc/self/fd/N) would wait on itself forever.
@test "fuse-overlayfs: a file created at / ; a kept container leaves no daemon running" {
  run_galley run --name kept $RUN_IMAGE sh -c 'echo kept > /kept; cat /kept; touch /a /b; ls / | wc -l'
  assert_equal "${lines[0]}" "kept"
  [ -z "$(fuse_daemons)" ]
  [ -z "$(fuse_mounts)" ]
  run_galley rm kept
  assert_nothing_left
}

@test "fuse-overlayfs: cp into and export of a stopped container leave no daemon running" {
  run_galley create --name stopped $RUN_IMAGE true
  echo data > "$BATS_TEST_TMPDIR/f"
  run_galley cp "$BATS_TEST_TMPDIR/f" stopped:/f
  # the daemon ends with the process that mounted it, just after galley
  wait_until no_fuse_daemons
  galley export stopped > "$BATS_TEST_TMPDIR/out.tar"
  tar -xOf "$BATS_TEST_TMPDIR/out.tar" f > "$BATS_TEST_TMPDIR/f.out"
  assert_equal "$(cat "$BATS_TEST_TMPDIR/f.out")" data
  wait_until no_fuse_daemons
  run_galley rm stopped
  assert_nothing_left
}

# fuse-overlayfs 1.10 prints "unknown argument ignored: lazytime" on every
# mount; the daemons galley starts in place must not pass it to the user
# (or to every batch job's error file).
@test "fuse-overlayfs: cp, export and commit of a stopped container print nothing on stderr" {
  run_galley create --name quiet $RUN_IMAGE true
  echo data > "$BATS_TEST_TMPDIR/f"
  run_galley cp "$BATS_TEST_TMPDIR/f" quiet:/f
  assert_stderr_empty
  run_galley export --output "$BATS_TEST_TMPDIR/out.tar" quiet
  assert_stderr_empty
  assert_equal "$(tar -xOf "$BATS_TEST_TMPDIR/out.tar" f)" data
  run_galley commit --quiet quiet quiet-image
  assert_stderr_empty
  wait_until no_fuse_daemons
  run_galley rm quiet
  run_galley rmi quiet-image
  assert_nothing_left
}
