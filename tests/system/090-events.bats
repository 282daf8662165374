#!/usr/bin/env bats
# galley events: podman's "file" events backend.  Every lifecycle change of a
# container appends one line of podman's event JSON to the user's log,
# which `events` reads back, filters and follows.

load helpers
load helpers-run

setup () {
  run_setup
}

teardown () {
  [ -z "${events_pid:-}" ] || kill "$events_pid" 2> /dev/null || true
  galley rm -af -t 0 > /dev/null 2>&1 || true
  basic_teardown
}

@test "run --rm, run -d, stop, rm, rename, pause: each writes its event, in order" {
  local id id2
  id=$(galley create --name ev1 --label tier=web $RUN_IMAGE true)
  galley start -a ev1 > /dev/null
  galley rm ev1 > /dev/null
  run_galley events --stream=false --format '{{.Type}} {{.Status}} {{.Name}} {{.ID}}'
  assert_output_equals "container create ev1 $id
container init ev1 $id
container start ev1 $id
container attach ev1 $id
container died ev1 $id
container cleanup ev1 $id
container remove ev1 $id"

  id2=$(galley run -d --name ev2 $RUN_IMAGE sleep 1000)
  galley pause ev2 > /dev/null
  galley unpause ev2 > /dev/null
  galley rename ev2 ev3
  galley stop -t 0 ev3 > /dev/null
  galley rm ev3 > /dev/null
  run_galley events --stream=false --filter container=$id2 --format '{{.Status}} {{.Name}}'
  assert_output_contains "create ev2
init ev2
start ev2
pause ev2
unpause ev2
rename ev3"
  assert_output_contains "stop ev3"
  assert_output_contains "died ev3"
  assert_output_contains "remove ev3"
}

@test "the log is podman's JSON, one event a line, in a private directory" {
  galley run --rm --name evjson --label a=b $RUN_IMAGE sh -c 'exit 3' > /dev/null || true
  run_galley events --stream=false --format json --filter event=died
  assert_output_matches '^\{"ContainerExitCode":3,"ID":"[0-9a-f]{64}","Image":"localhost/busybox:latest","Name":"evjson","Status":"died","Time":"[0-9T:.-]+Z","Type":"container","Attributes":\{"a":"b"\}\}$'
  run stat -c '%a %U' "$GALLEY_TEST_RUNROOT/events" "$GALLEY_TEST_RUNROOT/events/events.log"
  assert_output_equals "700 $(id -un)
600 $(id -un)"
  run_galley events --stream=false --filter event=died --format '{{.Name}} {{.ContainerExitCode}}'
  assert_output_equals "evjson 3"
  # podman's line: the time, the type, the status, the id, then what it is
  run_galley events --stream=false --filter event=remove
  assert_output_matches '^[0-9-]+ [0-9:.]+ [-+][0-9]{4} [A-Z+0-9-]+ container remove [0-9a-f]{64} \(image=localhost/busybox:latest, name=evjson, a=b\)$'
}

@test "events --filter, --since, --until; bad input is one error" {
  local before mid
  before=$(date +%s)
  galley create --name evf1 --label k=v $RUN_IMAGE true > /dev/null
  galley create --name evf2 $RUN_IMAGE true > /dev/null
  run_galley events --stream=false --filter label=k=v --format '{{.Name}}'
  assert_output_equals "evf1"
  run_galley events --stream=false --filter container=evf1 --filter container=evf2 --filter event=create --format '{{.Name}}'
  assert_output_equals "evf1
evf2"
  run_galley events --stream=false --filter type=image
  assert_output_equals ""
  run_galley events --stream=false --since "$before" --format '{{.Name}}'
  assert_output_equals "evf1
evf2"
  run_galley events --stream=false --until "$((before - 10))"
  assert_output_equals ""
  run_galley 125 events --stream=false --filter bogus=1
  assert_single_error_line "Error: bogus is an invalid filter"
  run_galley 125 events --stream=false --filter nonsense
  assert_single_error_line 'Error: invalid filter "nonsense": expected KEY=VALUE'
  run_galley 125 events --stream=false --since yesterday
  assert_stderr_contains "Error:"
}

@test "events follows the log: a container started later shows" {
  local out=$BATS_TEST_TMPDIR/events.out
  "$GALLEY" --root "$GALLEY_TEST_ROOT" --runroot "$GALLEY_TEST_RUNROOT" events --filter event=start \
    --format '{{.Name}} {{.Status}}' > "$out" 2>&1 &
  events_pid=$!
  # the reader is up once it watches the log's directory
  wait_until holds_open "$events_pid" anon_inode:inotify
  galley run --rm --name evfollow $RUN_IMAGE true
  wait_until grep -qx "evfollow start" "$out"
  kill "$events_pid"
  wait "$events_pid" || true
  events_pid=
}

@test "--events-backend none and events_logger = \"none\" write nothing" {
  galley --events-backend none run --rm $RUN_IMAGE true
  [ ! -e "$GALLEY_TEST_RUNROOT/events/events.log" ]
  mkdir -p "$XDG_CONFIG_HOME/galley"
  printf '[engine]\nevents_logger = "none"\n' > "$XDG_CONFIG_HOME/galley/galley.conf"
  galley run --rm $RUN_IMAGE true
  [ ! -e "$GALLEY_TEST_RUNROOT/events/events.log" ]
  run_galley 125 events --stream=false
  assert_single_error_line 'Error: cannot read events with the "none" backend'
  run_galley 125 --events-backend journald events --stream=false
  assert_stderr_contains 'Error: invalid events backend "journald"'
  # --events-backend wins over galley.conf
  galley --events-backend file run --rm --name evfile $RUN_IMAGE true
  run_galley --events-backend file events --stream=false --filter event=remove --format '{{.Name}}'
  assert_output_equals "evfile"
}

@test "an event log that is not the user's private file is left alone" {
  mkdir -p "$GALLEY_TEST_RUNROOT"
  ln -s /tmp "$GALLEY_TEST_RUNROOT/events"
  galley run --rm $RUN_IMAGE true
  [ ! -e /tmp/events.log ] || [ "$(stat -c %U /tmp/events.log)" != "$(id -un)" ]
  rm "$GALLEY_TEST_RUNROOT/events"
  mkdir -m 0777 "$GALLEY_TEST_RUNROOT/events"
  chmod 0777 "$GALLEY_TEST_RUNROOT/events"
  galley run --rm $RUN_IMAGE true
  [ ! -e "$GALLEY_TEST_RUNROOT/events/events.log" ]
}

@test "volume create/remove, network create/remove/connect/disconnect and pull write their events" {
  local id
  galley volume create evvol > /dev/null
  galley volume rm evvol > /dev/null
  galley network create evnet > /dev/null
  id=$(galley create --name evc $RUN_IMAGE true)
  galley network connect evnet evc
  galley network disconnect evnet evc
  galley network rm evnet > /dev/null
  run_galley events --stream=false --filter type=volume --format '{{.Type}} {{.Status}} {{.Name}}'
  assert_output_equals "volume create evvol
volume remove evvol"
  run_galley events --stream=false --filter type=network --format '{{.Status}} {{.Name}}/{{.Network}}'
  assert_output_equals "create evnet/
connect evc/evnet
disconnect evc/evnet
remove evnet/"
  run_galley events --stream=false --filter network=evnet --filter event=connect --format '{{.ID}}'
  assert_output_equals "$id"
}

@test "pull writes an image event" {
  skip_if_no_registry
  galley pull -q $IMAGE > /dev/null
  run_galley events --stream=false --filter type=image --format '{{.Status}} {{.Name}}'
  assert_output_equals "pull $IMAGE"
}
