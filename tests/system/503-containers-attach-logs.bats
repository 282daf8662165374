#!/usr/bin/env bats
# attach (output, input, detach keys, signal proxying, the terminal's
# size), the k8s-file log's
# rotation at --log-opt max-size (conmon's: a fresh file renamed over the
# full one; `logs -f` follows across it), --log-opt path= and --log-driver;
# run -d --rm taking the anonymous volumes with it; ps -s sizes.

load helpers
load helpers-run

setup () {
  run_setup
}

teardown () {
  galley rm -af > /dev/null 2>&1 || true
  basic_teardown
}

@test "attach: the container's stdout and stderr apart, then its exit code" {
  gate_setup
  galley run -d --name talk "${GATE_VOLUME[@]}" $RUN_IMAGE sh -c "$GATE_WAIT echo out; echo err >&2; exit 3" > /dev/null
  attach_start talk --no-stdin
  gate_open
  attach_end 3
  assert_equal "$(cat "$BATS_TEST_TMPDIR/attach.out")" "out"
  assert_equal "$(cat "$BATS_TEST_TMPDIR/attach.err")" "err"
}

@test "attach: input goes to a container started with -i" {
  galley run -d -i --name reader $RUN_IMAGE sh -c 'read x; echo "got $x"; exit 7' > /dev/null
  wait_running reader
  run -7 --separate-stderr bash -c "echo hello | timeout 20 '$GALLEY' --root '$GALLEY_TEST_ROOT' --runroot '$GALLEY_TEST_RUNROOT' attach reader"
  assert_equal "$output" "got hello"
}

@test "attach: ctrl-p,ctrl-q detaches and the container runs on" {
  galley run -dit --name shell $RUN_IMAGE sh > /dev/null
  wait_running shell
  # (the terminal echoes the command line: its output is what differs)
  attach_start shell
  attach_send 'echo hi-$((40 + 2))\n'
  wait_until grep -q hi-42 "$BATS_TEST_TMPDIR/attach.out"
  attach_send '\020\021'
  attach_end 0
  run_galley container inspect shell --format '{{.State.Status}}'
  assert_output_equals running
  # other keys, and a sequence that only starts like them passes through
  # (the shell's line editing takes ctrl-a to the start of the line: it runs
  # "becho a"); the keys detach when they come in two reads too
  attach_start shell --detach-keys ctrl-a,x
  attach_send 'echo a\001b\n'
  wait_until grep -q 'becho: not found' "$BATS_TEST_TMPDIR/attach.out"
  attach_send '\001'
  wait_until pipe_empty "$BATS_TEST_TMPDIR/attach.in"
  attach_send 'x'
  attach_end 0
  run_galley container inspect shell --format '{{.State.Status}}'
  assert_output_equals running
  run_galley 125 attach --detach-keys ctrl-ab shell
  assert_stderr_contains 'invalid detach keys "ctrl-ab"'
}

@test "attach: the container's terminal takes the size of ours, and follows it (SIGWINCH)" {
  galley run -dt --name sized $RUN_IMAGE sh -c \
    'until [ "$(stty size)" = "33 77" ]; do sleep 0.1; done; echo first
     until [ "$(stty size)" = "40 100" ]; do sleep 0.1; done; echo second' > /dev/null
  wait_running sized
  # script(1) gives attach a terminal; resizing it signals attach (a
  # background job's stdin is /dev/null, hence /dev/tty)
  # size once the container has seen the first (the typescript shows it)
  local ts=$BATS_TEST_TMPDIR/typescript
  run -0 --separate-stderr timeout 30 script -qfec "stty rows 33 cols 77; (until grep -q first '$ts'; do sleep 0.05; done; stty rows 40 cols 100 < /dev/tty) & '$GALLEY' --root '$GALLEY_TEST_ROOT' --runroot '$GALLEY_TEST_RUNROOT' attach --no-stdin sized" "$ts"
  assert_output_contains "first"
  assert_output_contains "second"
}

@test "attach: signals go to the container; a stopped container is an error" {
  galley run -d --name trap $RUN_IMAGE sh -c 'trap "echo caught; exit 9" TERM; echo ready; while :; do sleep 0.1; done' > /dev/null
  wait_until logged trap ready
  attach_start trap --no-stdin
  wait_until handles_signal "$attach_pid" TERM
  kill -TERM "$attach_pid"
  attach_end 9
  grep -q caught "$BATS_TEST_TMPDIR/attach.out"
  galley create --name idle $RUN_IMAGE true > /dev/null
  run_galley 125 attach idle
  assert_stderr_contains "you can only attach to running containers"
}

@test "--log-opt max-size: the log is rotated, never larger, logs shows the newest lines" {
  galley run -d --name big --log-opt max-size=2k $RUN_IMAGE sh -c \
    'i=0; while [ $i -lt 200 ]; do echo "line $i of the output, padded to be long enough"; i=$((i+1)); done' > /dev/null
  galley wait big > /dev/null
  local id size
  id=$(galley container inspect big --format '{{.Id}}')
  size=$(stat -c %s "$GALLEY_TEST_ROOT/containers/$id/ctr.log")
  [ "$size" -le 2000 ] || { echo "log is $size bytes"; false; }
  run_galley logs big
  assert_output_contains "line 199 of the output"
  assert_output_not_contains "line 0 of"
}

@test "logs -f follows the log across its rotation" {
  gate_setup
  galley run -d --name slow --log-opt max-size=1k "${GATE_VOLUME[@]}" $RUN_IMAGE sh -c \
    "$GATE_WAIT"' i=0; while [ $i -lt 60 ]; do echo "line $i of the output, padded to be long enough"; i=$((i+1)); [ $((i % 6)) = 0 ] && sleep 0.2; done' > /dev/null
  local id follower expected i
  id=$(galley container inspect slow --format '{{.Id}}')
  "$GALLEY" --root "$GALLEY_TEST_ROOT" --runroot "$GALLEY_TEST_RUNROOT" logs -f slow > "$BATS_TEST_TMPDIR/follow" 3>&- &
  follower=$!
  # following before the container writes its first line
  wait_until holds_open $follower "$GALLEY_TEST_ROOT/containers/$id/ctr.log"
  gate_open
  wait_until -t 30 process_gone $follower
  wait $follower
  expected=$(for i in $(seq 0 59); do echo "line $i of the output, padded to be long enough"; done)
  assert_equal "$(cat "$BATS_TEST_TMPDIR/follow")" "$expected"
}

@test "--log-opt path= and --log-driver none|k8s-file; others refused" {
  local log=$BATS_TEST_TMPDIR/elsewhere.log
  galley run -d --name there --log-opt path="$log" $RUN_IMAGE echo written-there > /dev/null
  galley wait there > /dev/null
  grep -q ' stdout F written-there$' "$log"
  run_galley logs there
  assert_output_equals written-there
  run_galley container inspect there --format '{{.HostConfig.LogConfig.Path}}'
  assert_output_equals "$log"
  galley run -d --name quiet --log-driver none $RUN_IMAGE echo nothing > /dev/null
  galley wait quiet > /dev/null
  local id
  id=$(galley container inspect quiet --format '{{.Id}}')
  [ ! -e "$GALLEY_TEST_ROOT/containers/$id/ctr.log" ]
  run_galley 125 logs quiet
  assert_stderr_contains "'none' log driver"
  galley run -d --name plain --log-driver k8s-file $RUN_IMAGE echo fine > /dev/null
  galley wait plain > /dev/null
  run_galley logs plain
  assert_output_equals fine
  run_galley 125 run -d --log-driver journald $RUN_IMAGE true
  assert_stderr_contains 'unsupported log driver "journald"'
  run_galley 125 run -d --log-opt max-size=lots $RUN_IMAGE true
  assert_stderr_contains 'invalid --log-opt "max-size=lots"'
}

@test "logs: what a foreground container wrote (run, start -a, -t), stdout and stderr apart" {
  run_galley run --name fg $RUN_IMAGE sh -c 'echo out-line; echo err-line >&2'
  assert_output_equals out-line
  assert_equal "$stderr" err-line
  run_galley logs fg
  assert_output_equals out-line
  assert_equal "$stderr" err-line
  run_galley start -a fg
  assert_output_equals out-line
  run_galley logs fg
  assert_equal "$output" $'out-line\nout-line'
  assert_equal "$stderr" $'err-line\nerr-line'
  # a terminal's output is logged as it was written (podman's: CR LF)
  run_galley run --name fgt -t $RUN_IMAGE echo on-a-tty
  run_galley logs fgt
  assert_equal "$output" $'on-a-tty\r'
}

has_line () {
  grep -qx "$2" "$1" 2> /dev/null
}

fg_logged () {
  galley logs "$1" 2> /dev/null | grep -qx "$2"
}

@test "logs and logs -f of a foreground container while it runs, --rm too" {
  local tmp=$BATS_TEST_TMPDIR
  galley run --rm --name live $RUN_IMAGE sh -c \
    'echo first; until [ -e /go ]; do sleep 0.1; done; echo second' > "$tmp/out" &
  local run=$!
  wait_until fg_logged live first
  galley logs -f live > "$tmp/followed" &
  local follow=$!
  wait_until has_line "$tmp/followed" first
  galley exec live touch /go
  wait $follow
  assert_equal "$(cat "$tmp/followed")" $'first\nsecond'
  wait $run
  assert_equal "$(cat "$tmp/out")" $'first\nsecond'
  run_galley 1 container exists live
}

@test "--log-driver none and --log-opt path= in the foreground" {
  local log=$BATS_TEST_TMPDIR/fg.log
  run_galley run --name there --log-opt path="$log" $RUN_IMAGE sh -c 'echo to-the-path; echo err >&2'
  assert_output_equals to-the-path
  grep -q ' stdout F to-the-path$' "$log"
  grep -q ' stderr F err$' "$log"
  run_galley logs there
  assert_output_equals to-the-path
  run_galley run --name quiet --log-driver none $RUN_IMAGE echo unlogged
  assert_output_equals unlogged
  local id
  id=$(galley container inspect quiet --format '{{.Id}}')
  [ ! -e "$GALLEY_TEST_ROOT/containers/$id/ctr.log" ]
  run_galley 125 logs quiet
  assert_stderr_contains "'none' log driver"
  # a log path that cannot be opened stops the run before it starts
  run_galley 125 run --rm --log-opt path="$BATS_TEST_TMPDIR/no/such/dir/log" $RUN_IMAGE echo never
  assert_stderr_contains "opening the log $BATS_TEST_TMPDIR/no/such/dir/log"
  assert_output_equals ""
}

@test "run -d --rm: the container's anonymous volumes go with it (as rm -v), named ones stay" {
  galley volume create keep > /dev/null
  galley run -d --rm --name gone -v /anon -v keep:/named $RUN_IMAGE sh -c 'echo x > /anon/f; echo y > /named/f' > /dev/null
  wait_until container_gone gone
  run_galley 1 container exists gone
  run_galley volume ls -q
  assert_output_equals keep
}

@test "ps -s: the writable layer's size and the virtual size with the image" {
  galley run --name writer $RUN_IMAGE sh -c 'dd if=/dev/zero of=/big bs=1000 count=12 2> /dev/null'
  run_galley ps -a -s --format '{{.Size}}'
  assert_output_matches '^12(\.[0-9])?kB \(virtual [0-9.]+MB\)$'
  run_galley ps -a --size --format json
  [ "$(jq '.[0].Size.rwSize' <<< "$output")" -ge 12000 ]
  [ "$(jq '.[0].Size.rootFsSize > .[0].Size.rwSize' <<< "$output")" = true ]
}
