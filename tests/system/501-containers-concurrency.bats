#!/usr/bin/env bats
# Many containers at once: 50 parallel `run --rm`; 20 parallel `run -d`
# while ps, stop and rm -f loop over them; two scripts starting, stopping
# and removing one name.  Every container is accounted for, none is lost
# or phantom, and nothing is left running or mounted.

load helpers
load helpers-run

setup () {
  run_setup
}

teardown () {
  galley rm -af > /dev/null 2>&1 || true
  basic_teardown
}

assert_clean () {
  local left=""
  wait_until no_strays || left=$(strays)
  assert_equal "$left" "" "processes left behind"
  run awk -v d="$BATS_TEST_TMPDIR" 'index ($5, d) == 1 { print $5 }' /proc/self/mountinfo
  assert_equal "$output" "" "mounts left behind"
}

@test "50 parallel run --rm: all succeed, none left" {
  local i pids=() failed=0
  for i in $(seq 50); do
    galley run --rm $RUN_IMAGE sh -c "echo $i" > "$BATS_TEST_TMPDIR/out.$i" 2>&1 &
    pids+=($!)
  done
  for i in "${!pids[@]}"; do
    wait "${pids[$i]}" || failed=$((failed + 1))
  done
  assert_equal "$failed" 0 "failed runs"
  for i in $(seq 50); do
    assert_equal "$(cat "$BATS_TEST_TMPDIR/out.$i")" "$i" "output of run $i"
  done
  run_galley ps -aq
  assert_output_equals ""
  assert_clean
}

@test "20 parallel run -d with ps, stop and rm -f looping: every container accounted for" {
  local i pids=() failed=0 stop_file=$BATS_TEST_TMPDIR/stop
  # readers and removers running while containers start
  (
    while [ ! -e "$stop_file" ]; do
      galley ps -a --format '{{.ID}} {{.State}}' > /dev/null || echo "ps failed" >> "$BATS_TEST_TMPDIR/errors"
    done
  ) &
  local looper=$!
  for i in $(seq 20); do
    galley run -d --name c$i $RUN_IMAGE sleep 1000 > "$BATS_TEST_TMPDIR/id.$i" 2> "$BATS_TEST_TMPDIR/err.$i" &
    pids+=($!)
  done
  for i in "${!pids[@]}"; do
    wait "${pids[$i]}" || failed=$((failed + 1))
  done
  assert_equal "$failed" 0 "failed run -d"
  run_galley ps --format '{{.Names}}'
  assert_line_count 20
  # every id printed is a running container, no phantom
  for i in $(seq 20); do
    run_galley container inspect --format '{{.State.Status}}' "$(cat "$BATS_TEST_TMPDIR/id.$i")"
    assert_output_equals "running"
  done
  # stop half, rm -f the other half, all in parallel, while ps loops
  pids=()
  for i in $(seq 10); do
    galley stop -t 1 c$i > /dev/null &
    pids+=($!)
  done
  for i in $(seq 11 20); do
    galley rm -f c$i > /dev/null &
    pids+=($!)
  done
  failed=0
  for i in "${!pids[@]}"; do
    wait "${pids[$i]}" || failed=$((failed + 1))
  done
  touch "$stop_file"
  wait $looper
  assert_equal "$failed" 0 "failed stop/rm -f"
  [ ! -e "$BATS_TEST_TMPDIR/errors" ]
  run_galley ps -a --format '{{.Names}} {{.State}}'
  assert_line_count 10
  for i in $(seq 10); do
    assert_output_contains "c$i exited"
  done
  run_galley rm -a
  assert_line_count 10
  assert_clean
}

# One round of what two terminals or two batch jobs do to one container
# name at once.
churn () {
  local i
  for i in $(seq 20); do
    galley stop -t 0 churn > /dev/null 2>> "$BATS_TEST_TMPDIR/churn.log" || true
    galley start churn > /dev/null 2>> "$BATS_TEST_TMPDIR/churn.log" || true
    galley rm -f churn > /dev/null 2>> "$BATS_TEST_TMPDIR/churn.log" || true
    galley run -d --name churn $RUN_IMAGE sleep 4242 > /dev/null 2>> "$BATS_TEST_TMPDIR/churn.log" || true
  done
}

@test "two scripts stopping, starting, removing and running one name: nothing runs without a record" {
  churn &
  local a=$!
  churn &
  local b=$!
  wait $a $b || true
  run_galley rm -af
  run_galley ps -aq
  assert_output_equals ""
  assert_clean
  # no container process of ours outlives its record either
  run pgrep -u "$(id -u)" -f 'sleep 4242'
  assert_equal "$output" "" "container processes left behind"
}

@test "rmi -f racing run -d of its image: no container is left on a removed image" {
  local i id image_ids
  for i in $(seq 20); do
    galley run -d $RUN_IMAGE sleep 4343 > /dev/null 2>&1 &
    galley rmi -f $RUN_IMAGE > /dev/null 2>&1 || true
    wait $! || true
    # either the container came first (and went with rmi -f) or the image
    # went first (and run -d failed): never a container without its image
    image_ids=$(galley images -q --no-trunc)
    for id in $(galley ps -a --format '{{.ImageID}}'); do
      [[ $image_ids == *"$id"* ]] || { echo "round $i: a container on removed image $id" >&2; return 1; }
    done
    galley rm -af > /dev/null
    galley load -q -i "$ARCHIVES/busybox.tar" > /dev/null
  done
  assert_clean
}
