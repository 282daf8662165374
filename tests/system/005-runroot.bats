#!/usr/bin/env bats
# The runroot is checked once, before any command reads or writes there:
# one that another user owns, or that others may write to, is refused by
# every command that uses it (not only run and info), at once and with one
# error line, even when FIFOs were planted in it.  The /tmp fallback
# squatted by someone else names its owner and moves to $TMPDIR when set.
# Files galley writes itself never wait on a FIFO found at their name.

load helpers
load helpers-run

# Commands that read or write the runroot's listing caches.
listing_commands=("ps -a" "images" "volume ls" "network ls")

@test "every listing command refuses a runroot owned by another user" {
  skip_if_root
  local c
  for c in "${listing_commands[@]}"; do
    # shellcheck disable=SC2086
    run_galley_raw 125 --root "$GALLEY_TEST_ROOT" --runroot /tmp $c
    assert_stderr_contains "/tmp is owned by uid 0 (root), not by the current user"
  done
}

@test "a runroot open to others, with FIFOs planted at the cache names, is refused at once" {
  local open=$BATS_TEST_TMPDIR/open c f
  run_galley create --name victim "$RUN_IMAGE" true
  run_galley volume create vol
  mkdir -m 0777 "$open"
  chmod 0777 "$open"
  for f in containers-list.cache rootfs-method; do
    mkfifo "$open/$f"
  done
  mkdir -m 0777 "$open/seccomp"
  # a hung command fails as status 124 well before the default timeout
  GALLEY_TEST_TIMEOUT=20
  for c in "${listing_commands[@]}" "container exists victim"; do
    # shellcheck disable=SC2086
    run_galley_raw 125 --root "$GALLEY_TEST_ROOT" --runroot "$open" $c
    assert_stderr_contains "$open is writable by other users (mode 0777)"
  done
  [ -p "$open/containers-list.cache" ]
  [ -z "$(find "$open" -type f)" ]
}

@test "FIFOs at the names of galley's own files never block a listing" {
  run_galley create --name c1 "$RUN_IMAGE" true
  run_galley images
  run_galley ps -a
  rm -f "$GALLEY_TEST_RUNROOT/containers-list.cache" "$GALLEY_TEST_ROOT/images-list.cache"
  mkfifo "$GALLEY_TEST_RUNROOT/containers-list.cache" "$GALLEY_TEST_ROOT/images-list.cache"
  GALLEY_TEST_TIMEOUT=20
  run_galley ps -a --format '{{.Names}}'
  assert_output_equals "c1"
  run_galley images --format '{{.Repository}}'
  assert_output_equals "${RUN_IMAGE%:*}"
  # each listing replaced the FIFO with its cache
  [ -f "$GALLEY_TEST_RUNROOT/containers-list.cache" ]
  [ -f "$GALLEY_TEST_ROOT/images-list.cache" ]
}

# The user's real fallback, /tmp/galley-UID, is squatted for one test:
# whatever was there is moved aside and put back in teardown.
squat_fallback () {
  fallback=/tmp/galley-$(id -u)
  saved=$fallback.saved-$$
  if [ -e "$fallback" ] || [ -L "$fallback" ]; then
    [ -O "$fallback" ] || skip "$fallback belongs to someone else already"
    mv "$fallback" "$saved"
  fi
  if has_subids; then
    # owned by another uid (our first subordinate one), as another user's
    # directory would be
    unshare --map-auto --map-root-user sh -c "mkdir -m 0755 '$fallback' && chown 1:1 '$fallback'"
    squatter="uid $(($(grep "^$(id -un):" /etc/subuid | head -1 | cut -d: -f2)))"
    expected="$fallback is owned by $squatter, not by the current user"
  else
    # ours, but open to everyone: someone else may have planted anything
    mkdir -m 0777 "$fallback"
    chmod 0777 "$fallback"
    expected="$fallback is writable by other users (mode 0777)"
  fi
  mkfifo "$fallback/containers-list.cache" 2> /dev/null || true
}

setup () {
  run_setup
}

teardown () {
  if [ -n "${saved:-}" ]; then
    remove_tree "$fallback"
    [ -e "$saved" ] && mv "$saved" "$fallback"
  fi
  basic_teardown
}

@test "a squatted /tmp fallback without TMPDIR: one error naming its owner" {
  skip_if_root
  squat_fallback
  GALLEY_TEST_TIMEOUT=20
  run_galley_raw 125 --root "$GALLEY_TEST_ROOT" ps -a
  assert_single_error_line
  assert_stderr_contains "$expected"
  assert_stderr_contains "TMPDIR"
}

@test "a squatted /tmp fallback moves to a private directory under TMPDIR" {
  skip_if_root
  squat_fallback
  local tmp=$BATS_TEST_TMPDIR/tmp
  mkdir "$tmp"
  GALLEY_TEST_TIMEOUT=20
  TMPDIR=$tmp run_galley_raw --root "$GALLEY_TEST_ROOT" info --format '{{.Store.RunRoot}}'
  assert_output_equals "$tmp/galley-$(id -u)"
  assert_stderr_contains "$expected"
  assert_equal "$(stat -c '%u %a' "$tmp/galley-$(id -u)")" "$(id -u) 700" "runroot owner and mode"
  TMPDIR=$tmp run_galley_raw --root "$GALLEY_TEST_ROOT" create --name c1 "$RUN_IMAGE" true
  TMPDIR=$tmp run_galley_raw --root "$GALLEY_TEST_ROOT" ps -a --format '{{.Names}}'
  assert_output_equals "c1"
  [ -f "$tmp/galley-$(id -u)/containers-list.cache" ]
}
