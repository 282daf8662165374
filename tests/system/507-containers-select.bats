#!/usr/bin/env bats
# Choosing the containers a command acts on as podman's scripts do: start
# --all and --filter, stop --filter and --timeout, diff --latest, and
# network rm -f -t of a network running containers use.

load helpers
load helpers-run

setup () {
  run_setup
}

teardown () {
  galley rm -af -t 0 > /dev/null 2>&1 || true
  galley network rm -f -t 0 selnet > /dev/null 2>&1 || true
  basic_teardown
}

@test "start --all starts every container that does not run, printing their ids" {
  local c1 c2 c3
  c1=$(galley create --name sel1 $RUN_IMAGE sleep 1000)
  c2=$(galley create --name sel2 $RUN_IMAGE sleep 1000)
  c3=$(galley run -d --name sel3 $RUN_IMAGE sleep 1000)
  run_galley start --all
  assert_output_equals "$c1
$c2"
  wait_running sel1
  wait_running sel2
  run_galley ps --format '{{.Names}}'
  assert_output_equals "sel1
sel2
sel3"
  run_galley 125 start --all sel1
  assert_single_error_line "Error: either start all containers or the container(s) provided in the arguments"
}

@test "start --filter starts the containers that pass it; with names, those of them that pass" {
  local c1
  c1=$(galley create --name sel1 --label tier=web $RUN_IMAGE sleep 1000)
  galley create --name sel2 $RUN_IMAGE sleep 1000 > /dev/null
  run_galley start --filter label=tier=web
  assert_output_equals "$c1"
  wait_running sel1
  run_galley ps --format '{{.Names}}'
  assert_output_equals "sel1"
  run_galley start --filter name=sel1 sel2
  assert_output_equals ""
  run_galley ps --format '{{.Names}}'
  assert_output_equals "sel1"
  run_galley start --filter name=nomatch
  assert_output_equals ""
  run_galley 125 start --filter bogus=1
  assert_stderr_contains 'invalid filter "bogus"'
  run_galley 125 start --filter nonsense
  assert_stderr_contains 'invalid filter "nonsense": expected KEY=VALUE'
}

@test "stop --filter and --timeout (podman's other name of --time)" {
  local c1
  c1=$(galley run -d --name sel1 --label tier=web $RUN_IMAGE sleep 1000)
  galley run -d --name sel2 $RUN_IMAGE sleep 1000 > /dev/null
  run_galley stop --timeout 0 --filter label=tier=web
  assert_output_equals "$c1"
  run_galley ps --format '{{.Names}}'
  assert_output_equals "sel2"
  run_galley stop --timeout=0 sel2
  assert_output_equals "sel2"
  run_galley ps --format '{{.Names}}'
  assert_output_equals ""
  run_galley 125 stop --timeout x sel2
  assert_stderr_contains 'invalid number "x"'
}

@test "diff --latest: the changes of the latest container" {
  galley run --name seldiff1 $RUN_IMAGE touch /first
  galley run --name seldiff2 $RUN_IMAGE touch /second
  run_galley diff --latest
  assert_output_contains "A /second"
  assert_output_not_contains "/first"
  run_galley diff -l --format json
  assert_output_contains '"/second"'
  run_galley 125 diff --latest seldiff1
  assert_stderr_contains "Error: --all, --latest and containers cannot be used together"
}

@test "network rm -f -t: containers on it are stopped, then removed with it" {
  galley network create selnet > /dev/null
  galley run -d --name selrun --network selnet $RUN_IMAGE sleep 1000 > /dev/null
  galley create --name selcreated --network selnet $RUN_IMAGE true > /dev/null
  run_galley 125 network rm selnet
  assert_stderr_contains "network is being used"
  run_galley 125 network rm -t 0 selnet
  assert_stderr_contains "Error: --force option must be specified to use the --time option"
  run_galley network rm -f -t 0 selnet
  assert_output_equals "selnet"
  run_galley ps -a --format '{{.Names}}'
  assert_output_equals ""
  run_galley 1 network exists selnet
}
