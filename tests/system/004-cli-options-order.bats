#!/usr/bin/env bats
# Where options may stand, as with podman: after the arguments for most
# commands, but never after the image of `run` (they belong to the command).

load helpers

@test "options may follow arguments (inspect NAME --format)" {
  run_galley load -q -i "$GALLEY_TEST_BUSYBOX_ARCHIVE"
  run_galley inspect localhost/busybox --format '{{.Id}}'
  assert_output_matches '^[0-9a-f]{64}$'
  run_galley images localhost/busybox --noheading --format '{{.Repository}}'
  assert_output_equals "localhost/busybox"
}

@test "run: words after the image are the command's, not galley's" {
  run_galley load -q -i "$GALLEY_TEST_BUSYBOX_ARCHIVE"
  run_galley run --rm localhost/busybox echo --format -q
  assert_output_equals "--format -q"
}

@test "an unknown option after an argument is still one error, exit 125" {
  run_galley 125 images busybox --bogus
  assert_single_error_line
  assert_stderr_contains "--bogus"
}
