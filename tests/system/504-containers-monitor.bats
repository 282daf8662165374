#!/usr/bin/env bats
# The keeper of a detached container is one process: the monitor serves
# the log and the attach socket in its own event loop (no galley-log
# relay beside it), across restarts, without stalling on a container that
# does not read its input.

load helpers
load helpers-run

setup () {
  run_setup
}

teardown () {
  galley rm -af -t 0 > /dev/null 2>&1 || true
  basic_teardown
}

# The galley processes of the monitor's session (the relay, if any, would
# be there: the container's init has a session of its own).
session_galleys () {
  local sid
  sid=$(awk '{ print $6 }' "/proc/$1/stat")
  ps -o pid=,comm= -s "$sid" | awk '$2 ~ /^galley/ { print $1, $2 }'
}

@test "an idle run -d container is kept by one galley process; logs and attach work through it" {
  galley run -d -i --name kept $RUN_IMAGE sh -c 'echo started; read x; echo "got $x"; echo "err $x" >&2; exit 4' > /dev/null
  wait_until logged kept started
  local mon pid
  mon=$(galley container inspect kept --format '{{.State.ConmonPid}}')
  pid=$(galley container inspect kept --format '{{.State.Pid}}')
  run session_galleys "$mon"
  assert_equal "$output" "$mon galley-monitor"
  # its children: the container (and slirp4netns), no galley process
  run ps -o pid=,comm= --ppid "$mon"
  grep -q "^ *$pid " <<< "$output"
  assert_output_not_contains galley
  run_galley logs kept
  assert_output_equals "started"
  run -4 --separate-stderr bash -c "echo hello | timeout 20 '$GALLEY' --root '$GALLEY_TEST_ROOT' --runroot '$GALLEY_TEST_RUNROOT' attach kept"
  assert_equal "$output" "got hello"
  assert_equal "$stderr" "err hello"
  # everything the container wrote is logged by the time its exit is
  run_galley logs kept
  assert_equal "$output" "started
got hello"
  assert_equal "$stderr" "err hello"
}

@test "run -dit: the pty's output is logged, attached input reaches it, one process" {
  galley run -dit --name tty $RUN_IMAGE sh -c 'echo ready; read x; echo "tty got $x"; sleep 1000' > /dev/null
  wait_running tty
  local mon
  mon=$(galley container inspect tty --format '{{.State.ConmonPid}}')
  run session_galleys "$mon"
  assert_equal "$output" "$mon galley-monitor"
  attach_start tty
  attach_send 'abc\n'
  wait_until grep -q "tty got abc" "$BATS_TEST_TMPDIR/attach.out"
  attach_send '\020\021'
  attach_end 0
  run_galley logs tty
  assert_output_contains "ready"
  assert_output_contains "tty got abc"
}

@test "restarts: one log, attached clients stay across them" {
  gate_setup
  galley run -d --name again --restart on-failure:2 "${GATE_VOLUME[@]}" $RUN_IMAGE sh -c "$GATE_WAIT echo run; exit 1" > /dev/null
  wait_running again
  # attached before the first exit, it sees every run until the last
  attach_start again --no-stdin
  gate_open
  attach_end 1
  assert_equal "$(cat "$BATS_TEST_TMPDIR/attach.out")" "run
run
run"
  run_galley logs again
  assert_equal "$output" "run
run
run"
  run_galley container inspect again --format '{{.State.Status}} {{.RestartCount}}'
  assert_output_equals "exited 2"
}

@test "a container that does not read its stdin does not stall its monitor" {
  galley run -di --name deaf $RUN_IMAGE sh -c 'while :; do echo tick; sleep 0.2; done' > /dev/null
  wait_running deaf
  # more input than the pipe holds: the monitor keeps it back, not blocking
  head -c 1000000 /dev/zero | timeout 30 "$GALLEY" --root "$GALLEY_TEST_ROOT" --runroot "$GALLEY_TEST_RUNROOT" attach --sig-proxy=false deaf > /dev/null 2>&1 &
  local attach=$! pid n
  pid=$(galley container inspect deaf --format '{{.State.Pid}}')
  wait_until pipe_full /proc/$pid/fd/0
  # the container's input is full, and its output is still logged
  n=$(galley logs deaf | wc -l)
  wait_until logged_lines_above deaf $((n + 2))
  run_galley stop -t 1 deaf
  run_galley container inspect deaf --format '{{.State.Status}}'
  assert_output_equals exited
  wait $attach || true
}

@test "--preserve-fds: the monitor's fds (attach clients too) never reach a restarted container" {
  # fd 4 is preserved but not open: a client accepted there would be
  # inherited by the next run
  gate_setup
  galley run -d --network none --preserve-fds 2 --restart on-failure:1 --name fds "${GATE_VOLUME[@]}" $RUN_IMAGE \
    sh -c 'ls /proc/self/fd | tr "\n" " "; echo; '"$GATE_WAIT"' exit 1' 3< /dev/null > /dev/null
  wait_running fds
  # a client accepted before the first exit
  attach_start fds --no-stdin
  gate_open
  galley wait fds > /dev/null
  attach_end
  run_galley logs fds
  assert_line_count 2
  local first=${output%%$'\n'*} second=${output##*$'\n'}
  assert_equal "$second" "$first"
}
