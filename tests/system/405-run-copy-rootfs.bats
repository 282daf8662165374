#!/usr/bin/env bats
# galley run with the copy rootfs method (the last resort after native
# overlay and fuse-overlayfs): the layers flattened into the container's own
# directory, whiteouts and opaque directories applied, owners, modes and
# hard links kept; the copy is made once per container and removed with it.

load helpers
load helpers-run

MULTILAYER=$registry/multilayer:latest

setup () {
  run_setup
  export GALLEY_ROOTFS_METHOD=copy
}

teardown () {
  unset GALLEY_ROOTFS_METHOD
  basic_teardown
}

container_dir () {
  echo "$GALLEY_TEST_ROOT/containers/$1"
}

@test "copy: galley info says copy when forced" {
  run_galley info
  assert_output_matches 'method: copy'
  assert_output_contains "GALLEY_ROOTFS_METHOD"
}

@test "copy: output and exit status; the root is no overlay" {
  run_galley run --rm $RUN_IMAGE sh -c 'echo hello; awk "\$2 == \"/\" { print \$3 }" /proc/mounts'
  assert_equal "${lines[0]}" "hello"
  [[ "${lines[1]}" != *overlay* ]] || { echo "root is ${lines[1]}" >&2; return 1; }
  run_galley 7 run --rm $RUN_IMAGE sh -c 'echo out >&2; exit 7'
  assert_stderr_contains "out"
  run_galley 137 run --rm --init $RUN_IMAGE sh -c 'kill -9 $$'
  run_galley ps -a -q
  assert_output_equals ""
}

@test "copy: the multilayer image's tree as tests/images/mkimage.py expects it" {
  skip_if_no_registry
  run_galley pull -q "$MULTILAYER"
  run_galley run --rm "$MULTILAYER" sh -c "$MULTILAYER_LISTING"
  assert_multilayer_listing
}

@test "copy: set-id bits and owners let a non-root user in as the image says" {
  skip_if_no_registry
  skip_if_no_subids
  run_galley pull -q "$MULTILAYER"
  run_galley run --rm --user 1000 "$MULTILAYER" sh -c \
    'cat /data/dir-1000/f /data/owned-1000; cat /data/owned-0 2>&1; ls -l /data/suid /data/sgid'
  assert_equal "${lines[0]}" "in a dir of 1000"
  assert_equal "${lines[1]}" "owned by 1000"
  assert_output_contains "Permission denied"
  assert_output_matches '-rwsr-xr-x .* /data/suid'
  assert_output_matches '-rwxr-sr-x .* /data/sgid'
}

@test "copy: writes stay in the container, the image stays as it was" {
  run_galley run --rm $RUN_IMAGE sh -c 'echo data > /etc/new-file; rm /bin/true; echo changed > /etc/os-release; cat /etc/new-file; ls /bin/true 2>&1 || :'
  assert_equal "${lines[0]}" "data"
  assert_output_contains "No such file"
  run_galley run --rm $RUN_IMAGE sh -c 'ls /etc/new-file 2>&1 || :; ls /bin/true; cat /etc/os-release'
  assert_output_contains "No such file"
  assert_output_contains "/bin/true"
  assert_output_contains 'NAME="galley test busybox"'
  assert_output_not_contains "changed"
}

@test "copy: made once at create, reused by start (even unforced), removed by rm" {
  run_galley create --name c1 $RUN_IMAGE sh -c 'cat /count 2>/dev/null || echo 0; echo 1 > /count'
  local id=$output dir
  dir=$(container_dir "$id")
  [ -d "$dir/rootfs" ] || { echo "no copy in $dir after create" >&2; return 1; }
  [ ! -e "$dir/rootfs.tmp" ]
  run_galley start -a c1
  assert_output_equals "0"
  # The container keeps its copy whatever the method chosen now.
  unset GALLEY_ROOTFS_METHOD
  run_galley start -a c1
  assert_output_equals "1"
  run_galley rm c1
  [ ! -e "$dir" ] || { echo "$dir left behind" >&2; return 1; }
}

@test "copy: run --rm removes the copy" {
  run_galley run --rm --name gone $RUN_IMAGE true
  run ls "$GALLEY_TEST_ROOT/containers"
  assert_output_not_contains "rootfs"
  [ -z "$(container_dirs)" ]
}
