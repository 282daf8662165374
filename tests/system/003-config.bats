#!/usr/bin/env bats
# galley.conf: found in $XDG_CONFIG_HOME/galley (or $GALLEY_CONF), applied to
# the rootfs method and the helper search, and refused with one clear line
# when malformed.

load helpers

write_conf () {
  mkdir -p "$XDG_CONFIG_HOME/galley"
  cat > "$XDG_CONFIG_HOME/galley/galley.conf"
}

@test "[storage] rootfs_method in the user's galley.conf decides the rootfs method" {
  write_conf << 'EOF2'
[storage]
rootfs_method = "fuse-overlayfs"
EOF2
  run_galley info --format '{{.Host.Rootfs.Method}}|{{.Host.Rootfs.Reason}}'
  assert_output_contains "fuse-overlayfs|set by [storage] rootfs_method in $XDG_CONFIG_HOME/galley/galley.conf"
}

@test "without a galley.conf the method is probed and explained" {
  run_galley info --format '{{.Host.Rootfs.Method}}|{{.Host.Rootfs.Reason}}'
  assert_output_matches '^(native|fuse-overlayfs|copy)\|.+'
}

@test "[engine] helper_binaries_dir is searched before PATH" {
  mkdir -p "$BATS_TEST_TMPDIR/helpers"
  cp "$(command -v slirp4netns)" "$BATS_TEST_TMPDIR/helpers/"
  write_conf << EOF2
[engine]
helper_binaries_dir = ["$BATS_TEST_TMPDIR/helpers"]
EOF2
  run_galley info --format '{{.Host.Helpers.Slirp4netns.Path}}'
  assert_output_equals "$BATS_TEST_TMPDIR/helpers/slirp4netns"
}

@test "a malformed galley.conf is one error naming the file and line, exit 125" {
  write_conf << 'EOF2'
[storage]
rootfs_method = "native
EOF2
  run_galley 125 info
  assert_single_error_line
  assert_stderr_contains "$XDG_CONFIG_HOME/galley/galley.conf:2:"
}

@test "a wrong type in galley.conf names the key, exit 125" {
  write_conf << 'EOF2'
[engine]
helper_binaries_dir = 3
EOF2
  run_galley 125 info
  assert_single_error_line
  assert_stderr_contains "engine.helper_binaries_dir"
}

@test "an unknown rootfs_method value is refused" {
  write_conf << 'EOF2'
[storage]
rootfs_method = "zfs"
EOF2
  run_galley 125 info
  assert_stderr_contains "rootfs_method"
}

@test "GALLEY_CONF names the file; a missing one is an error" {
  GALLEY_CONF=$BATS_TEST_TMPDIR/nope.conf run_galley 125 info
  assert_single_error_line
  assert_stderr_contains "nope.conf"
}
