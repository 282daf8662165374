#!/usr/bin/env bats
# Read-only image stores ([storage] additional_image_stores in the site's
# galley.conf): a site fills a galley store once, on shared storage, and
# every user's images, run and inspect use its images where they are,
# without copying them; the user's own store stays the writable one.
# Tests run as one user, so the shared store is made here through a
# second root; a store another user made is imitated by giving its layers
# to a subordinate id.

load helpers
load helpers-run

setup () {
  basic_setup
  [ -r "$ARCHIVES/busybox.tar" ] || skip "no test archives in $ARCHIVES (run tests/images/build-all.sh)"
  SHARED=$BATS_TEST_TMPDIR/shared-store
  "$GALLEY" --root "$SHARED" --runroot "$BATS_TEST_TMPDIR/shared-run" load -q -i "$ARCHIVES/busybox.tar" > /dev/null
  export GALLEY_SYSTEM_CONFIG=$BATS_TEST_TMPDIR/site.conf
  cat > "$GALLEY_SYSTEM_CONFIG" << EOF2
[storage]
rootless_storage_path = "$BATS_TEST_TMPDIR/local/\$USER/galley"
additional_image_stores = ["$SHARED"]
EOF2
  OWN=$BATS_TEST_TMPDIR/local/$(id -un)/galley
  touch "$BATS_TEST_TMPDIR/before"
}

teardown () {
  remove_tree "$SHARED"
  remove_tree "$BATS_TEST_TMPDIR/local"
  basic_teardown
}

# Nothing in the shared store was written since the test began.
assert_shared_untouched () {
  local changed
  changed=$(find "$SHARED" -newer "$BATS_TEST_TMPDIR/before")
  assert_equal "$changed" "" "files written in the read-only store"
}

@test "read-only store: its images are listed, inspected and run where they are" {
  run_galley_raw --runroot "$GALLEY_TEST_RUNROOT" info --format '{{.Store.GraphRoot}} {{json .Store.AdditionalImageStores}}'
  assert_output_equals "$OWN [\"$SHARED\"]"
  run_galley_raw --runroot "$GALLEY_TEST_RUNROOT" images --format '{{.Repository}}:{{.Tag}} {{.ReadOnly}}'
  assert_output_equals "localhost/busybox:latest true"
  run_galley_raw --runroot "$GALLEY_TEST_RUNROOT" image inspect --format '{{.Id}}' busybox
  local id=$output
  run_galley_raw --runroot "$GALLEY_TEST_RUNROOT" run --rm busybox sh -c 'echo hello > /tmp/f; cat /tmp/f; id -u'
  assert_equal "${lines[0]}" "hello"
  assert_equal "${lines[1]}" "0"
  # the user's store holds no layer and no image of it: nothing was copied
  assert_equal "$(ls "$OWN/layers")" ""
  assert_equal "$(ls "$OWN/images" | grep -c "$id" || true)" "0"
  assert_shared_untouched
}

@test "read-only store: a build on its image goes to the user's store" {
  mkdir -p "$BATS_TEST_TMPDIR/ctx"
  printf 'FROM busybox\nRUN echo built > /built\n' > "$BATS_TEST_TMPDIR/ctx/Containerfile"
  run_galley_raw --runroot "$GALLEY_TEST_RUNROOT" build -q -t derived "$BATS_TEST_TMPDIR/ctx"
  run_galley_raw --runroot "$GALLEY_TEST_RUNROOT" run --rm derived cat /built
  assert_output_equals "built"
  run_galley_raw --runroot "$GALLEY_TEST_RUNROOT" images --format '{{.Repository}} {{.ReadOnly}}'
  assert_output_contains "localhost/derived false"
  assert_output_contains "localhost/busybox true"
  # one layer of the user's own: the build's
  assert_equal "$(ls "$OWN/layers" | wc -l)" 1
  assert_shared_untouched
}

@test "read-only store: its images are not the user's to remove, tag or prune" {
  run_galley_raw 125 --runroot "$GALLEY_TEST_RUNROOT" tag busybox mine
  assert_stderr_contains "is in the read-only image store $SHARED"
  run_galley_raw ? --runroot "$GALLEY_TEST_RUNROOT" rmi busybox
  assert_stderr_contains "is in the read-only image store $SHARED"
  run_galley_raw --runroot "$GALLEY_TEST_RUNROOT" rmi -a
  run_galley_raw --runroot "$GALLEY_TEST_RUNROOT" image prune -a -f
  run_galley_raw --runroot "$GALLEY_TEST_RUNROOT" images -q
  assert_line_count 1
  assert_shared_untouched
}

@test "read-only store: a store another user made runs with its files shown as root's" {
  skip_if_no_subids
  command -v fuse-overlayfs > /dev/null || skip "fuse-overlayfs is not installed"
  # the layers become a subordinate id's, as another user's store looks,
  # readable by all as a site makes it
  unshare --map-auto --map-root-user sh -c 'chmod -R a+rX "$1" && chown -R 1:1 "$1"' - "$SHARED/layers"
  touch "$BATS_TEST_TMPDIR/before"
  run_galley_raw --runroot "$GALLEY_TEST_RUNROOT" run --rm busybox sh -c \
    'stat -c "%u %g" /bin/busybox; echo x > /etc/new && cat /etc/new; awk "\$2 == \"/\" { print \$3 }" /proc/mounts'
  assert_equal "${lines[0]}" "0 0"
  assert_equal "${lines[1]}" "x"
  assert_equal "${lines[2]}" "fuse.fuse-overlayfs"
  assert_shared_untouched
}
