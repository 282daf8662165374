#!/usr/bin/env bats
# container prune: every container that does not run goes, as podman's
# (--filter label= and until=, a prompt unless --force); container attach
# is attach under podman's other spelling.

load helpers
load helpers-run

setup () {
  run_setup
}

teardown () {
  galley rm -af -t 0 > /dev/null 2>&1 || true
  basic_teardown
}

@test "container prune removes the containers that are not running and prints their ids" {
  local created exited
  created=$(galley create --name prc $RUN_IMAGE true)
  galley run --name pre $RUN_IMAGE true
  exited=$(galley inspect --format '{{.Id}}' pre)
  galley run -d --name prr $RUN_IMAGE sleep 1000 > /dev/null
  run_galley container prune --force
  assert_output_contains "$created"
  assert_output_contains "$exited"
  assert_line_count 2
  run_galley ps -a --format '{{.Names}}'
  assert_output_equals "prr"
}

@test "container prune asks first; no answer keeps everything" {
  galley create --name prask $RUN_IMAGE true > /dev/null
  run_galley container prune < /dev/null
  assert_output_contains "WARNING! This will remove all non running containers."
  run_galley ps -a --format '{{.Names}}'
  assert_output_equals "prask"
  run bash -c "echo y | \"\$GALLEY\" --root \"\$GALLEY_TEST_ROOT\" --runroot \"\$GALLEY_TEST_RUNROOT\" container prune"
  [ "$status" -eq 0 ]
  run_galley ps -a --format '{{.Names}}'
  assert_output_equals ""
}

@test "container prune --filter label= and until=; bad filters are one error" {
  galley create --name prl1 --label keep=no $RUN_IMAGE true > /dev/null
  galley create --name prl2 --label keep=yes $RUN_IMAGE true > /dev/null
  run_galley container prune -f --filter label=keep=no
  assert_line_count 1
  run_galley ps -a --format '{{.Names}}'
  assert_output_equals "prl2"
  run_galley container prune -f --filter until=1h
  assert_output_equals ""
  run_galley ps -a --format '{{.Names}}'
  assert_output_equals "prl2"
  run_galley 125 container prune -f --filter foo=bar
  assert_single_error_line "Error: foo is an invalid filter"
  run_galley 125 container prune -f --filter foo
  assert_single_error_line "Error: filter input must be in the form of filter=value: foo is invalid"
  run_galley 125 container prune -f --filter until=xx
  assert_stderr_contains "Error:"
  run_galley ps -a --format '{{.Names}}'
  assert_output_equals "prl2"
}

@test "container attach is attach" {
  run_galley container attach --help
  assert_output_contains "Attach to a running container"
  run_galley 125 container attach nosuch
  assert_stderr_contains "nosuch"
}
