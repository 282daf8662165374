#!/usr/bin/env bats
# galley info as an ordinary user without XDG_RUNTIME_DIR (as over ssh, su,
# batch jobs), and the runroot rules: a private directory whose owner and
# mode are checked.  The JSON keys are podman's (host.kernel,
# store.graphRoot, host.idMappings.uidmap, ...).

load helpers

@test "info works as an unprivileged user without XDG_RUNTIME_DIR" {
  skip_if_root
  [ -z "${XDG_RUNTIME_DIR:-}" ]
  run_galley info
  [ -n "$output" ]
}

@test "info --format json is JSON and names the kernel and architecture" {
  run_galley info --format json
  run jq -r .host.kernel <<< "$output"
  assert_success
  assert_output_equals "$(uname -r)"
  run_galley info --format json
  run jq -e '.host.arch | strings' <<< "$output"
  assert_success
}

# needs: Go templates in `info --format`.
@test "info --format with a Go template" {
  run_galley info --format '{{.Host.Kernel}}'
  assert_output_equals "$(uname -r)"
}

# needs: store.graphRoot and store.runRoot in info.
@test "info reports --root and --runroot" {
  run_galley info --format json
  run jq -r '.store.graphRoot, .store.runRoot' <<< "$output"
  assert_success
  assert_equal "${lines[0]}" "$GALLEY_TEST_ROOT" "graphRoot"
  assert_equal "${lines[1]}" "$GALLEY_TEST_RUNROOT" "runRoot"
}

# needs: host.security.rootless in info.
@test "info says rootless for an ordinary user" {
  skip_if_root
  run_galley info --format json
  run jq -r '.host.security.rootless' <<< "$output"
  assert_output_equals "true"
}

# needs: host.idMappings in info.
@test "info shows the subordinate id ranges of a user who has them" {
  skip_if_root
  skip_if_no_subids
  local start count
  IFS=: read -r _ start count < <(grep "^$(id -un):" /etc/subuid | head -1)
  run_galley info --format json
  run jq -r '.host.idMappings.uidmap[] | "\(.container_id) \(.host_id) \(.size)"' <<< "$output"
  assert_success
  assert_equal "${lines[0]}" "0 $(id -u) 1" "first uid mapping"
  assert_equal "${lines[1]}" "1 $start $count" "second uid mapping"
}

# needs: host.idMappings in info.
@test "info shows a single-id mapping for a user without subordinate ids" {
  skip_if_root
  skip_if_subids
  run_galley info --format json
  run jq -r '.host.idMappings.uidmap[] | "\(.container_id) \(.host_id) \(.size)"' <<< "$output"
  assert_success
  assert_output_equals "0 $(id -u) 1"
}

# needs: the runroot created and checked before the command (paths_prepare_runroot).
@test "--runroot that does not exist is created private (0700)" {
  run_galley info
  [ -d "$GALLEY_TEST_RUNROOT" ]
  assert_equal "$(stat -c '%u %a' "$GALLEY_TEST_RUNROOT")" "$(id -u) 700" "runroot owner and mode"
}

# needs: the runroot created and checked before the command (paths_prepare_runroot).
@test "--runroot owned by root (0755): exit 125 and a clear error" {
  skip_if_root
  run_galley_raw 125 --root "$GALLEY_TEST_ROOT" --runroot / info
  assert_stderr_contains "runroot"
}

# needs: the runroot created and checked before the command (paths_prepare_runroot).
@test "--runroot owned by root, world-writable and sticky (/tmp): exit 125" {
  skip_if_root
  run_galley_raw 125 --root "$GALLEY_TEST_ROOT" --runroot /tmp info
  assert_stderr_contains "runroot"
}

# needs: the runroot created and checked before the command (paths_prepare_runroot).
@test "GALLEY_RUNROOT owned by someone else: exit 125" {
  skip_if_root
  GALLEY_RUNROOT=/tmp run_galley_raw 125 --root "$GALLEY_TEST_ROOT" info
  assert_stderr_contains "runroot"
}

# needs: the runroot created and checked before the command (paths_prepare_runroot).
@test "our own --runroot writable by others: exit 125" {
  mkdir -m 0777 "$BATS_TEST_TMPDIR/open"
  chmod 0777 "$BATS_TEST_TMPDIR/open"
  run_galley_raw 125 --root "$GALLEY_TEST_ROOT" --runroot "$BATS_TEST_TMPDIR/open" info
  assert_stderr_contains "runroot"
}

# needs: the runroot created and checked before the command (paths_prepare_runroot).
@test "a --runroot that is a file: exit 125" {
  touch "$BATS_TEST_TMPDIR/file"
  run_galley_raw 125 --root "$GALLEY_TEST_ROOT" --runroot "$BATS_TEST_TMPDIR/file" info
}

@test "a relative --root or --runroot: exit 125" {
  run_galley_raw 125 --root relative/root --runroot "$GALLEY_TEST_RUNROOT" info
  run_galley_raw 125 --root "$GALLEY_TEST_ROOT" --runroot relative/run info
}

# needs: store.runRoot in info and paths_prepare_runroot.
@test "without XDG_RUNTIME_DIR the runroot is /tmp/galley-UID, 0700" {
  skip_if_root
  local fallback=/tmp/galley-$(id -u)
  run_galley_raw --root "$GALLEY_TEST_ROOT" info --format json
  run jq -r .store.runRoot <<< "$output"
  assert_output_equals "$fallback"
  assert_equal "$(stat -c '%u %a' "$fallback")" "$(id -u) 700" "fallback owner and mode"
}

# needs: paths_prepare_runroot before info.
@test "a fallback runroot opened to others is refused, not used" {
  skip_if_root
  local fallback=/tmp/galley-$(id -u)
  [ -e "$fallback" ] || mkdir -m 0700 "$fallback"
  [ -O "$fallback" ] || skip "$fallback belongs to someone else"
  chmod 0777 "$fallback"
  run_galley_raw '?' --root "$GALLEY_TEST_ROOT" info
  chmod 0700 "$fallback"
  assert_status 125
  assert_single_error_line
  assert_stderr_contains "$fallback"
}

# needs: store.runRoot in info.
@test "XDG_RUNTIME_DIR of ours gives the runroot XDG_RUNTIME_DIR/galley" {
  mkdir -m 0700 "$BATS_TEST_TMPDIR/xdg"
  XDG_RUNTIME_DIR=$BATS_TEST_TMPDIR/xdg run_galley_raw --root "$GALLEY_TEST_ROOT" info --format json
  run jq -r .store.runRoot <<< "$output"
  assert_output_equals "$BATS_TEST_TMPDIR/xdg/galley"
}

# needs: store.runRoot in info.
@test "XDG_RUNTIME_DIR of someone else (after su) falls back to /tmp/galley-UID" {
  skip_if_root
  XDG_RUNTIME_DIR=/ run_galley_raw --root "$GALLEY_TEST_ROOT" info --format json
  run jq -r .store.runRoot <<< "$output"
  assert_output_equals "/tmp/galley-$(id -u)"
}

@test "system info is info, as podman's" {
  run_galley info --format '{{.Store.GraphRoot}}'
  local want=$output
  run_galley system info --format '{{.Store.GraphRoot}}'
  assert_output_equals "$want"
  run_galley system --help
  assert_output_contains "info"
}
