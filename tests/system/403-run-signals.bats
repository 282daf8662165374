#!/usr/bin/env bats
# galley run: signals sent to galley reach the container.

load helpers
load helpers-run

setup () {
  run_setup
}

teardown () {
  basic_teardown
}

# Start a container in the background whose shell traps SIG and exits with
# CODE, send SIG to galley, and check galley's exit status.  Each signal
# has its own output file: the background job truncates a shared one only
# once it runs, and the previous container's "ready" would let the signal
# go before this galley can relay it.
relay () {
  local sig=$1 code=$2 pid
  # (a file of its own: the last round's "ready" is not this one's)
  "$GALLEY" --root "$GALLEY_TEST_ROOT" --runroot "$GALLEY_TEST_RUNROOT" run --rm $RUN_IMAGE \
    sh -c "trap 'exit $code' $sig; echo ready; while :; do sleep 0.1; done" > "$BATS_TEST_TMPDIR/out.$sig" &
  pid=$!
  wait_until grep -q ready "$BATS_TEST_TMPDIR/out.$sig"
  kill -$sig $pid
  wait $pid || status=$?
  assert_equal "${status:-0}" "$code" "exit status after SIG$sig"
  # --rm: nothing of it stays
  [ -z "$(galley ps -aq)" ]
}

@test "signals: TERM INT HUP QUIT USR1 USR2 are relayed" {
  local s c=40
  for s in TERM INT HUP QUIT USR1 USR2; do
    status=0
    relay $s $c
    c=$((c + 1))
  done
}

@test "signals: with --init an untrapped TERM ends the command (143)" {
  "$GALLEY" --root "$GALLEY_TEST_ROOT" --runroot "$GALLEY_TEST_RUNROOT" run --rm --init $RUN_IMAGE \
    sh -c 'echo ready; exec sleep 60' > "$BATS_TEST_TMPDIR/out" &
  local pid=$! status=0
  wait_until grep -q ready "$BATS_TEST_TMPDIR/out"
  kill -TERM $pid
  wait $pid || status=$?
  assert_equal "$status" "143"
}

@test "run --rm killed as a batch system ends a job (TERM, then KILL): nothing of it stays" {
  local pid
  "$GALLEY" --root "$GALLEY_TEST_ROOT" --runroot "$GALLEY_TEST_RUNROOT" run --rm --name job $RUN_IMAGE \
    sh -c "trap '' TERM; echo ready; while :; do sleep 0.1; done" > "$BATS_TEST_TMPDIR/out" &
  pid=$!
  wait_until grep -q ready "$BATS_TEST_TMPDIR/out"
  # (and galley has recorded it running: the job was killed while it ran)
  wait_running job
  kill -TERM $pid
  # relayed and ignored by the container: the grace time runs out
  kill -0 $pid
  kill -KILL $pid
  wait $pid || true
  # whoever looks next finds it dead and removes it, name and all
  run_galley ps -a --format '{{.Names}}'
  assert_output_equals ""
  run_galley 1 container exists job
  [ -z "$(container_dirs)" ]
  run_galley run --rm --name job $RUN_IMAGE true
}
