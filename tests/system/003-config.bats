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

# ---------------------------------------------------------------- the site's file

# The site's galley.conf, as /etc/galley/galley.conf would be: the tests
# name it with GALLEY_SYSTEM_CONFIG (as podman's CONTAINERS_CONF), since
# only root writes /etc.
write_site_conf () {
  export GALLEY_SYSTEM_CONFIG=$BATS_TEST_TMPDIR/site/galley.conf
  mkdir -p "$BATS_TEST_TMPDIR/site"
  cat > "$GALLEY_SYSTEM_CONFIG"
}

@test "the site's galley.conf and the user's are merged key by key, the user's last" {
  mkdir -p "$BATS_TEST_TMPDIR/helpers"
  cp "$(command -v slirp4netns)" "$BATS_TEST_TMPDIR/helpers/"
  write_site_conf << EOF2
[engine]
helper_binaries_dir = ["$BATS_TEST_TMPDIR/helpers"]
[storage]
rootfs_method = "copy"
EOF2
  write_conf << 'EOF2'
[storage]
rootfs_method = "fuse-overlayfs"
EOF2
  run_galley info --format '{{.Host.Helpers.Slirp4netns.Path}}|{{.Host.Rootfs.Method}}|{{.Host.Rootfs.Reason}}'
  assert_output_equals "$BATS_TEST_TMPDIR/helpers/slirp4netns|fuse-overlayfs|set by [storage] rootfs_method in $XDG_CONFIG_HOME/galley/galley.conf"
  rm "$XDG_CONFIG_HOME/galley/galley.conf"
  run_galley info --format '{{.Host.Rootfs.Method}}|{{.Host.Rootfs.Reason}}'
  assert_output_equals "copy|set by [storage] rootfs_method in $GALLEY_SYSTEM_CONFIG"
}

@test "user_overridable_keys: the user's file sets only what the site lists, and says so" {
  write_site_conf << 'EOF2'
[engine]
user_overridable_keys = ["network.default_network"]
[storage]
rootfs_method = "copy"
EOF2
  write_conf << 'EOF2'
[storage]
rootfs_method = "fuse-overlayfs"
[network]
default_network = "none"
EOF2
  run_galley info --format '{{.Host.Rootfs.Method}}|{{.Host.Rootfs.Reason}}'
  assert_output_equals "copy|set by [storage] rootfs_method in $GALLEY_SYSTEM_CONFIG"
  assert_stderr_contains "$XDG_CONFIG_HOME/galley/galley.conf: key storage.rootfs_method may only be set by the site ($GALLEY_SYSTEM_CONFIG, [engine] user_overridable_keys) (ignored)"
  [[ "$stderr" != *default_network* ]]
}

@test "GALLEY_SYSTEM_CONFIG names the site's file; a missing one is an error" {
  GALLEY_SYSTEM_CONFIG=$BATS_TEST_TMPDIR/nope.conf run_galley 125 info
  assert_stderr_contains "GALLEY_SYSTEM_CONFIG: "
  assert_stderr_contains "nope.conf"
}

@test "[storage] rootless_storage_path: the site's template is where each user's storage lives" {
  write_site_conf << EOF2
[storage]
rootless_storage_path = "$BATS_TEST_TMPDIR/local/\$USER/galley-\${UID}"
EOF2
  local expected=$BATS_TEST_TMPDIR/local/$(id -un)/galley-$(id -u)
  run_galley_raw --runroot "$GALLEY_TEST_RUNROOT" info --format '{{.Store.GraphRoot}}|{{.Store.GraphRootSource}}'
  assert_output_equals "$expected|[storage] rootless_storage_path in $GALLEY_SYSTEM_CONFIG"
  run_galley_raw --runroot "$GALLEY_TEST_RUNROOT" load -q -i "$GALLEY_TEST_BUSYBOX_ARCHIVE"
  run_galley_raw --runroot "$GALLEY_TEST_RUNROOT" images --format '{{.Repository}}'
  assert_output_equals "localhost/busybox"
  [ -f "$expected/images.json" ]
  [ "$(stat -c %a "$BATS_TEST_TMPDIR/local/$(id -un)")" = 700 ]
  # --root (and GALLEY_ROOT) still win
  run_galley info --format '{{.Store.GraphRoot}}|{{.Store.GraphRootSource}}'
  assert_output_equals "$GALLEY_TEST_ROOT|--root"
  remove_tree "$BATS_TEST_TMPDIR/local"
}

@test "[storage] rootless_storage_path: a directory on the way that others may write is refused" {
  mkdir -p "$BATS_TEST_TMPDIR/open"
  chmod 0777 "$BATS_TEST_TMPDIR/open"
  write_site_conf << EOF2
[storage]
rootless_storage_path = "$BATS_TEST_TMPDIR/open/\$USER/galley"
EOF2
  run_galley_raw 125 --runroot "$GALLEY_TEST_RUNROOT" images
  assert_stderr_contains "$BATS_TEST_TMPDIR/open is writable by other users (mode 0777)"
  [ ! -e "$BATS_TEST_TMPDIR/open/$(id -un)" ]
}
