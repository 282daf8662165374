#!/usr/bin/env bats
# Storage on a filesystem like a cluster's shared one: no extended
# attributes and no owners but the user's (NFS, Lustre, GPFS), here a
# FUSE mount of bindfs that refuses both.  galley probes the filesystem
# where the store is, says what it found in `info`, runs containers with
# what works there (fuse-overlayfs, as a native overlay cannot use it),
# and blames the filesystem, not subordinate ids, for the owners it loses.

load helpers
load helpers-run

MULTILAYER=$registry/multilayer:latest

setup () {
  command -v bindfs > /dev/null || skip "bindfs is not installed"
  command -v fuse-overlayfs > /dev/null || skip "fuse-overlayfs is not installed"
  [ -r /dev/fuse ] && [ -w /dev/fuse ] || skip "/dev/fuse is not usable"
  basic_setup
  mkdir -p "$BATS_TEST_TMPDIR/backing" "$BATS_TEST_TMPDIR/shared"
  bindfs --no-allow-other --chown-deny --chgrp-deny --xattr-none \
    "$BATS_TEST_TMPDIR/backing" "$BATS_TEST_TMPDIR/shared"
  export GALLEY_TEST_ROOT=$BATS_TEST_TMPDIR/shared/storage
  galley load -q -i "$ARCHIVES/busybox.tar" > /dev/null
}

teardown () {
  basic_teardown
  remove_tree "$BATS_TEST_TMPDIR/backing"
}

@test "fuse storage: info says what the filesystem lacks and why fuse-overlayfs is used" {
  run_galley info --format '{{json .Host.Rootfs.StorageFilesystem}}'
  assert_output_contains '"path":"'"$GALLEY_TEST_ROOT"'"'
  assert_output_contains '"type":"fuse"'
  assert_output_contains '"extendedAttributes":false'
  assert_output_contains '"fileOwners":false'
  assert_output_contains '"nativeOverlay":false'
  run_galley info --format '{{.Host.Rootfs.Method}}|{{.Host.Rootfs.Reason}}'
  assert_output_matches '^fuse-overlayfs\|native overlay mount failed with the storage on fuse \(no extended attributes, file owners refused\): .*; fuse-overlayfs and /dev/fuse are usable$'
}

@test "fuse storage: containers run, write and delete there" {
  run_galley run --rm $RUN_IMAGE sh -c 'echo data > /etc/new-file; rm /bin/true; cat /etc/new-file; ls /bin/true 2>&1 || :'
  assert_equal "${lines[0]}" "data"
  assert_output_contains "No such file"
  run_galley run --rm $RUN_IMAGE sh -c 'ls /etc/new-file 2>&1 || :; ls /bin/true'
  assert_output_contains "No such file"
  assert_output_contains "/bin/true"
}

@test "fuse storage: a pull blames the filesystem, not subordinate ids, for the owners it loses" {
  skip_if_no_registry
  skip_if_no_subids
  run_galley pull -q "$MULTILAYER"
  assert_stderr_contains "the filesystem of the storage $GALLEY_TEST_ROOT refuses to change file owners"
  assert_stderr_contains "rootless_storage_path"
  [[ "$stderr" != *"subordinate ids"* ]]
}
