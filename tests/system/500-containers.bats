#!/usr/bin/env bats
# Detached containers and the lifecycle commands: run -d, ps, inspect,
# logs, stop, kill, rm, wait, restart, start, pause, rename, top, and the
# state staying true when the monitor dies.

load helpers
load helpers-run

setup () {
  run_setup
}

teardown () {
  galley rm -af > /dev/null 2>&1 || true
  assert_no_strays || true
  basic_teardown
}

assert_no_strays () {
  local left
  wait_until -t 5 no_strays && return 0
  left=$(strays)
  echo "FAIL: processes left behind: $left" >&2
  ps -o pid,ppid,stat,cmd -p "$(echo $left | tr ' ' ,)" >&2 || true
  return 1
}

@test "run -d: prints the full id, the container runs, ps shows it" {
  run_galley run -d --name web $RUN_IMAGE sleep 1000
  assert_output_matches '^[0-9a-f]{64}$'
  local id=$output
  run_galley ps --format '{{.ID}} {{.Names}} {{.Status}} {{.State}}'
  assert_output_matches "^${id:0:12} web Up .* running$"
  run_galley ps -q --no-trunc
  assert_output_equals "$id"
  run_galley container inspect web --format '{{.Id}} {{.State.Status}} {{.State.Running}}'
  assert_output_equals "$id running true"
  # the pid recorded is the container's init, and it runs sleep
  run_galley container inspect web --format '{{.State.Pid}}'
  grep -q sleep /proc/$output/cmdline
}

@test "ps: default columns, -a, filters, json, --noheading" {
  galley run -d --name up1 -l app=a $RUN_IMAGE sleep 1000 > /dev/null
  galley run --name done1 $RUN_IMAGE sh -c 'exit 3' || true
  galley create --name new1 $RUN_IMAGE true > /dev/null
  run_galley ps
  assert_line_count 2
  assert_output_matches '^CONTAINER ID +IMAGE +COMMAND +CREATED +STATUS +PORTS +NAMES'
  run_galley ps -a --format '{{.Names}} {{.Status}}'
  assert_output_contains "up1 Up"
  assert_output_matches "done1 Exited \(3\) .* ago"
  assert_output_contains "new1 Created"
  run_galley ps -a --filter status=exited --format '{{.Names}}'
  assert_output_equals "done1"
  run_galley ps -a --filter name=new --format '{{.Names}}'
  assert_output_equals "new1"
  run_galley ps -a --filter label=app=a --format '{{.Names}}'
  assert_output_equals "up1"
  run_galley ps -a --filter ancestor=$RUN_IMAGE -q
  assert_line_count 3
  run_galley ps -a --noheading --format 'table {{.Names}}'
  assert_line_count 3
  run_galley ps -a --format json
  echo "$output" | jq -e 'length == 3'
  # indented by two, as podman's ps
  assert_equal "${lines[1]}" "  {"
  echo "$output" | jq -e '.[] | select(.Names[0] == "done1") | .ExitCode == 3 and .State == "exited" and .Exited'
  echo "$output" | jq -e '.[] | select(.Names[0] == "up1") | .Pid > 0 and .Labels.app == "a"'
  run_galley ps -l --format '{{.Names}}'
  assert_output_equals "new1"
}

# The names of ps -a in the order of --sort $1 (more options follow).
sorted_names () {
  local key=$1
  shift
  galley ps -a --sort "$key" "$@" --format '{{.Names}}' | tr '\n' ' '
}

@test "ps --sort: podman's keys, ties in creation order; an unknown key is refused" {
  galley tag $RUN_IMAGE localhost/aa:latest
  galley tag $RUN_IMAGE localhost/zz:latest
  # created in this order; c1 is started last, e5 never
  galley create --name c1 $RUN_IMAGE sleep 200 > /dev/null
  galley run -d --name b2 localhost/zz:latest sh -c \
    'dd if=/dev/zero of=/big bs=1k count=50 2> /dev/null; touch /done; sleep 100' > /dev/null
  galley run --name a3 localhost/aa:latest true
  galley run -d --name d4 localhost/aa:latest sleep 100 > /dev/null
  galley create --name e5 $RUN_IMAGE echo e5 > /dev/null
  galley start c1 > /dev/null
  wait_until galley exec b2 test -e /done
  assert_equal "$(sorted_names created)" "c1 b2 a3 d4 e5 "
  assert_equal "$(sorted_names names)" "a3 b2 c1 d4 e5 "
  assert_equal "$(sorted_names command)" "e5 b2 d4 c1 a3 "
  assert_equal "$(sorted_names image)" "a3 d4 c1 e5 b2 "
  assert_equal "$(sorted_names runningfor)" "e5 b2 a3 d4 c1 "
  assert_equal "$(sorted_names status)" "e5 a3 c1 b2 d4 "
  assert_equal "$(sorted_names id)" \
    "$(galley ps -a --no-trunc --format '{{.ID}} {{.Names}}' | sort | cut -d' ' -f2 | tr '\n' ' ')"
  # the size is known with -s only (as podman's): the largest last
  assert_equal "$(sorted_names size)" "c1 b2 a3 d4 e5 "
  [[ "$(sorted_names size -s)" == *" b2 " ]]
  # without -a, --latest and a filter: the rows they select, in the order
  assert_equal "$(galley ps --sort names --format '{{.Names}}' | tr '\n' ' ')" "b2 c1 d4 "
  assert_equal "$(sorted_names names --filter ancestor=localhost/aa:latest)" "a3 d4 "
  run_galley 125 ps --sort bogus
  assert_stderr_contains 'invalid argument "bogus" for "--sort" flag: "bogus" is not a valid value.  Choose from: "command, created, id, image, names, runningfor, size, status"'
}

@test "logs: k8s-file records, stdout and stderr apart, --tail, -t, -f" {
  galley run -d --name talk $RUN_IMAGE sh -c 'echo one; echo two >&2; echo three; sleep 1000' > /dev/null
  wait_until logged talk two three
  run_galley logs talk
  assert_equal "$output" "one
three"
  assert_equal "$stderr" "two"
  galley run -d --name counter $RUN_IMAGE sh -c 'seq 5; sleep 1000' > /dev/null
  wait_until logged counter 5
  run_galley logs --tail 2 counter
  assert_equal "$output" "4
5"
  run_galley logs -t talk
  assert_output_matches '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z one'
  # the file itself is podman's k8s-file format
  local id
  id=$(galley container inspect talk --format '{{.Id}}')
  grep -Eq '^[0-9T:.-]+Z stderr F two$' "$GALLEY_TEST_ROOT/containers/$id/ctr.log"
  # -f follows what comes, and ends when the container does
  gate_setup
  galley run -d --name brief "${GATE_VOLUME[@]}" $RUN_IMAGE sh -c "echo a; $GATE_WAIT echo b" > /dev/null
  galley logs -f brief > "$BATS_TEST_TMPDIR/follow" 3>&- &
  local follower=$!
  wait_until grep -q a "$BATS_TEST_TMPDIR/follow"
  gate_open
  wait_until process_gone $follower
  wait $follower
  assert_equal "$(cat "$BATS_TEST_TMPDIR/follow")" "a
b"
}

@test "stop: SIGTERM, then SIGKILL after -t; exit codes recorded" {
  galley run -d --name trapper $RUN_IMAGE sh -c 'trap "exit 42" TERM; echo ready; while :; do sleep 0.1; done' > /dev/null
  galley run -d --name stubborn $RUN_IMAGE sleep 1000 > /dev/null
  wait_until logged trapper ready
  run_galley stop trapper
  assert_output_equals "trapper"
  run_galley container inspect trapper --format '{{.State.Status}} {{.State.ExitCode}}'
  assert_output_equals "exited 42"
  local t0=$SECONDS
  run_galley stop -t 1 stubborn
  [ $((SECONDS - t0)) -lt 8 ]
  run_galley container inspect stubborn --format '{{.State.Status}} {{.State.ExitCode}} {{.State.Pid}}'
  assert_output_equals "exited 137 0"
  # stopping a stopped container is fine, as podman's
  run_galley stop stubborn
}

@test "kill: -s delivers the signal; a stopped container is an error" {
  galley run -d --name k $RUN_IMAGE sh -c 'trap "exit 10" USR1; echo ready; while :; do sleep 0.1; done' > /dev/null
  wait_until logged k ready
  run_galley kill -s USR1 k
  run_galley wait k
  assert_output_equals "10"
  run_galley 125 kill k
  assert_stderr_contains "can only kill running containers"
}

@test "rm: refuses a running container without -f; -f kills it; -a" {
  galley run -d --name busy $RUN_IMAGE sleep 1000 > /dev/null
  run_galley 125 rm busy
  assert_stderr_contains "running or paused containers cannot be removed without force"
  run_galley rm -f busy
  assert_output_equals "busy"
  run_galley 125 container inspect busy
  assert_stderr_contains "no such container"
  galley create --name c1 $RUN_IMAGE true > /dev/null
  galley create --name c2 $RUN_IMAGE true > /dev/null
  run_galley rm -a
  assert_line_count 2
  run_galley ps -aq
  assert_output_equals ""
  run_galley rm -f nonexistent
  run_galley 125 rm nonexistent
}

@test "wait: exit code; --condition running" {
  # running until the gate opens (an exited container never becomes
  # "running" again: wait would block)
  gate_setup
  galley create --name w "${GATE_VOLUME[@]}" $RUN_IMAGE sh -c "$GATE_WAIT exit 5" > /dev/null
  galley start w
  run_galley wait --condition running w
  assert_output_equals "-1"
  gate_open
  run_galley wait w
  assert_output_equals "5"
}

@test "wait: a container that never ran ends the wait at once (0), as podman's" {
  galley create --name never $RUN_IMAGE true > /dev/null
  # (a hang would end at this timeout: 124)
  GALLEY_TEST_TIMEOUT=10 run_galley wait never
  assert_output_equals "0"
  GALLEY_TEST_TIMEOUT=10 run_galley wait --condition stopped --condition exited never
  assert_output_equals "0"
  run_galley wait --condition created never
  assert_output_equals "-1"
  run_galley 125 wait --condition configured never
  assert_stderr_contains "unknown container state: configured: invalid argument"
  # still created: wait did not start it
  run_galley container inspect never --format '{{.State.Status}}'
  assert_output_equals "created"
}

@test "run -d --rm: removed by its monitor after the exit" {
  galley run -d --rm --name gone $RUN_IMAGE sh -c 'sleep 0.3' > /dev/null
  wait_until container_gone gone
  run_galley 1 container exists gone
  run_galley ps -aq
  assert_output_equals ""
  # nothing of it left in the storage
  [ -z "$(container_dirs)" ]
}

restarted_and_running () {
  [[ $(galley container inspect "$1" --format '{{.State.Status}} {{.RestartCount}}') =~ ^running\ [1-9] ]]
}

@test "--restart=on-failure:2 restarts twice; always stops with stop" {
  galley run -d --name flaky --restart on-failure:2 $RUN_IMAGE sh -c 'echo try; exit 3' > /dev/null
  wait_until inspect_is flaky '{{.State.Status}} {{.RestartCount}}' "exited 2"
  run_galley container inspect flaky --format '{{.State.Status}} {{.State.ExitCode}} {{.RestartCount}} {{.HostConfig.RestartPolicy.Name}}'
  assert_output_equals "exited 3 2 on-failure"
  run_galley logs flaky
  assert_line_count 3
  galley run -d --name forever --restart always $RUN_IMAGE sh -c 'sleep 0.2' > /dev/null
  # restarted after its first exit: running again
  wait_until restarted_and_running forever
  run_galley stop -t 1 forever
  wait_until inspect_is forever '{{.State.Status}}' exited
  run_galley container inspect forever --format '{{.State.Status}}'
  assert_output_equals "exited"
  run_galley 125 run --rm --restart always $RUN_IMAGE true
  assert_stderr_contains "conflicts with --restart"
}

@test "start and restart: detached; a running container is left alone" {
  galley create --name s $RUN_IMAGE sleep 1000 > /dev/null
  run_galley start s
  assert_output_equals "s"
  local pid
  pid=$(galley container inspect s --format '{{.State.Pid}}')
  run_galley start s
  run_galley container inspect s --format '{{.State.Pid}}'
  assert_output_equals "$pid"
  run_galley restart -t 0 s
  run_galley container inspect s --format '{{.State.Status}} {{.State.Pid}}'
  assert_output_matches '^running [0-9]+$'
  [ "${output#running }" != "$pid" ]
}

@test "kill -9 of the monitor: the next ps tells the truth" {
  galley run -d --name orphan $RUN_IMAGE sleep 1000 > /dev/null
  local mon pid
  mon=$(galley container inspect orphan --format '{{.State.ConmonPid}}')
  pid=$(galley container inspect orphan --format '{{.State.Pid}}')
  kill -9 "$mon"
  wait_until process_gone "$mon"
  run_galley ps -a --format '{{.Names}} {{.State}} {{.ExitCode}}'
  assert_output_equals "orphan exited 137"
  # its finished time is the one found first, recorded once
  run_galley container inspect orphan --format '{{.State.FinishedAt}}'
  local finished=$output
  run_galley container inspect orphan --format '{{.State.FinishedAt}}'
  assert_output_equals "$finished"
  run_galley ps -a --format '{{.Names}} {{.Status}}'
  assert_output_matches '^orphan Exited \(137\) '
  [ "$(jq -r .FinishedAt "$GALLEY_TEST_ROOT/containers/$(galley container inspect orphan --format '{{.Id}}')/state.json")" != null ]
  # the container died with its monitor
  ! [ -d /proc/$pid ] || grep -q '^State:.*Z' /proc/$pid/status
  run_galley rm orphan
}

@test "a wiped runroot (reboot) leaves no container reported running" {
  galley run -d --name rebooted $RUN_IMAGE sleep 1000 > /dev/null
  local id
  id=$(galley container inspect rebooted --format '{{.Id}}')
  # what a reboot does to the volatile state, without killing anything
  mv "$GALLEY_TEST_RUNROOT/containers/$id" "$BATS_TEST_TMPDIR/saved-run"
  run_galley ps -a --format '{{.Names}} {{.State}}'
  assert_output_equals "rebooted exited"
  mv "$BATS_TEST_TMPDIR/saved-run" "$GALLEY_TEST_RUNROOT/containers/$id"
  galley rm -f rebooted
}

@test "a container running on another host (a shared home): shown so, not changed here without --force" {
  galley create --name remote $RUN_IMAGE sleep 1000 > /dev/null
  local id
  id=$(galley container inspect remote --format '{{.Id}}')
  # what its monitor on node-a wrote (its pids and boot id mean nothing
  # here), counted as a change the way galley there counts it
  cat > "$GALLEY_TEST_ROOT/containers/$id/state.json.new" << EOF
{ "Status": "running", "Pid": 4194000, "PidStartTime": 1, "MonitorPid": 4194001,
  "MonitorStartTime": 1, "BootID": "00000000-0000-0000-0000-000000000000",
  "Host": "node-a.cluster", "StartedAt": "2026-01-01T00:00:00.000000000Z",
  "RestartCount": 0, "StoppedByUser": false }
EOF
  mv "$GALLEY_TEST_ROOT/containers/$id/state.json.new" "$GALLEY_TEST_ROOT/containers/$id/state.json"
  printf x >> "$GALLEY_TEST_ROOT/containers/changes"
  run_galley ps -a --format '{{.Names}} {{.State}} {{.Status}}'
  assert_output_matches '^remote running Up .* \(on another host\)$'
  run_galley container inspect remote --format '{{.State.Status}}'
  assert_output_equals "running"
  run_galley 125 stop remote
  assert_stderr_contains "is running on host node-a.cluster: it can only be changed there"
  run_galley 125 kill remote
  assert_stderr_contains "on host node-a.cluster"
  run_galley 125 pause remote
  run_galley 125 rm remote
  assert_stderr_contains "on host node-a.cluster"
  # start leaves it alone, as one that runs
  run_galley start remote
  run_galley container inspect remote --format '{{.State.Status}} {{.State.Pid}}'
  assert_output_equals "running 4194000"
  run_galley rm --force remote
  assert_output_equals "remote"
  run_galley ps -aq
  assert_output_equals ""
}

@test "a recycled pid is not mistaken for the container" {
  galley run -d --name recycled $RUN_IMAGE sleep 1000 > /dev/null
  local id state
  id=$(galley container inspect recycled --format '{{.Id}}')
  state=$GALLEY_TEST_ROOT/containers/$id/state.json
  # point the record at a live process of ours with another start time
  sleep 1000 &
  local other=$!
  jq --argjson p $other '.Pid = $p' "$state" > "$state.new" && mv "$state.new" "$state"
  run_galley container inspect recycled --format '{{.State.Status}}'
  kill $other
  assert_output_equals "exited"
}

@test "pause and unpause: every process stops and continues" {
  galley run -d --name ticker $RUN_IMAGE sh -c 'while :; do echo tick; sleep 0.1; done' > /dev/null
  wait_until logged ticker tick
  run_galley pause ticker
  run_galley ps --format '{{.Names}} {{.Status}}'
  assert_output_equals "ticker Paused"
  # every process stopped (or a zombie its stopped parent cannot reap)
  wait_until container_procs_in ticker TZ
  local n
  n=$(galley logs ticker | wc -l)
  run_galley unpause ticker
  wait_until container_procs_in ticker RSDZ
  wait_until logged_lines_above ticker $((n + 2))
  run_galley 125 unpause ticker
}

@test "rename, port, top, container exists, aliases" {
  galley run -d --name before $RUN_IMAGE sleep 1000 > /dev/null
  run_galley rename before after
  run_galley container ls --format '{{.Names}}'
  assert_output_equals "after"
  galley create --name taken $RUN_IMAGE true > /dev/null
  run_galley 125 rename after taken
  run_galley port after
  assert_output_equals ""
  run_galley top after
  assert_output_matches '^USER +PID +PPID +%CPU +ELAPSED +TTY +TIME +COMMAND'
  assert_output_matches 'root +1 +0 .* sleep 1000'
  run_galley container exists after
  run_galley 1 container exists nothere
  run_galley container list -a -q
  assert_line_count 2
  run_galley container rm -f after taken
}

@test "ps shows published ports as podman does (PORTS column, JSON Ports)" {
  galley create --name pub -p 18080:80 -p 127.0.0.1:19000-19001:90-91/udp $RUN_IMAGE true > /dev/null
  galley create --name nopub $RUN_IMAGE true > /dev/null
  run_galley ps -a --filter name=^pub$ --format '{{.Names}} {{.Ports}}'
  assert_output_equals "pub 0.0.0.0:18080->80/tcp, 127.0.0.1:19000-19001->90-91/udp"
  run_galley ps -a --filter name=nopub --format '{{.Names}}[{{.Ports}}]'
  assert_output_equals "nopub[]"
  run_galley ps -a --filter name=^pub$ --format json
  [ "$(echo "$output" | jq -r '.[0].Ports[1].host_port')" = 19000 ]
  [ "$(echo "$output" | jq -r '.[0].Ports[1].range')" = 2 ]
  run_galley ps -a --filter name=nopub --format json
  [ "$(echo "$output" | jq -r '.[0].Ports')" = null ]
  run_galley rm pub nopub
}

@test "--cidfile: written by run -d and create, read by stop and rm" {
  run_galley run -d --cidfile "$BATS_TEST_TMPDIR/cid" $RUN_IMAGE sleep 1000
  assert_equal "$(cat "$BATS_TEST_TMPDIR/cid")" "$output"
  run_galley stop -t 0 --cidfile "$BATS_TEST_TMPDIR/cid"
  run_galley rm --cidfile "$BATS_TEST_TMPDIR/cid"
  run_galley ps -aq
  assert_output_equals ""
}

@test "run -d: a command that cannot run fails like run (127), nothing left running" {
  run_galley 127 run -d --name bad $RUN_IMAGE /no/such/command
  run_galley ps -a --format '{{.Names}} {{.State}}'
  assert_output_equals "bad exited"
}
