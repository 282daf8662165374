#!/usr/bin/env bats
# Container storage on a filesystem that keeps a file unlinked while open
# as a hidden file until its last close, as NFS does (.nfsXXXX, "silly
# rename"): a FUSE mount of bindfs (.fuse_hiddenXXXX) stands in for it.
# Removal leaves no directory behind, and a run --rm that cannot start
# leaves no record.

load helpers
load helpers-run

setup () {
  run_setup
  command -v bindfs > /dev/null || skip "bindfs is not installed (tests/setup-host.sh installs it)"
  # storage/containers on the FUSE mount, the images beside it as usual
  mkdir -p "$BATS_TEST_TMPDIR/backing" "$GALLEY_TEST_ROOT/containers"
  bindfs --no-allow-other "$BATS_TEST_TMPDIR/backing" "$GALLEY_TEST_ROOT/containers"
}

teardown () {
  galley rm -af > /dev/null 2>&1 || true
  fusermount3 -u "$GALLEY_TEST_ROOT/containers" 2> /dev/null || fusermount -u "$GALLEY_TEST_ROOT/containers" || true
  basic_teardown
}

@test "rm on storage that hides open files: nothing is left of the container" {
  galley create --name one $RUN_IMAGE true > /dev/null
  galley create --name two $RUN_IMAGE true > /dev/null
  run_galley rm one
  assert_output_equals "one"
  run_galley rm -f two
  # no empty (or hidden-file) directory per container
  run find "$BATS_TEST_TMPDIR/backing" -mindepth 1 -maxdepth 1 -type d
  assert_output_equals ""
  run_galley ps -aq
  assert_output_equals ""
}

@test "run --rm with the copy method on that storage: a start that fails leaves no record" {
  GALLEY_ROOTFS_METHOD=copy run_galley '?' run --rm --name once $RUN_IMAGE echo ran
  # (as a user with subordinate ids the copy cannot give files their owners
  # there and fails; without, it runs) either way nothing stays
  [ "$status" -eq 0 ] || assert_stderr_contains "copying the image into the container's rootfs"
  run_galley ps -a --format '{{.Names}} {{.Status}}'
  assert_output_equals ""
  run find "$BATS_TEST_TMPDIR/backing" -mindepth 1 -maxdepth 1 -type d
  assert_output_equals ""
}
