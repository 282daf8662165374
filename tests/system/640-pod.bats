#!/usr/bin/env bats
# Pods, as an unprivileged user: pod create/start/stop/restart/kill/pause/
# unpause/prune/rm/ps/inspect/exists, run and create --pod NAME and --pod
# new:NAME; the containers of a pod share its network (127.0.0.1), hostname
# and /dev/shm through its infra container, which also holds its published
# ports.

load helpers
load helpers-run
load helpers-network

setup () {
  network_setup
}

teardown () {
  galley pod rm -a -f -t 0 > /dev/null 2>&1 || true
  network_teardown
}

free_port () {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

@test "pod: a client reaches the pod's web server on 127.0.0.1, shares its hostname and /dev/shm; the pod's port is published" {
  local port
  port=$(free_port)
  run_galley pod create --name p1 -p "127.0.0.1:$port:8080"
  local pod_id=$output
  [ ${#pod_id} -eq 64 ]
  start_web web --pod p1
  run_galley run --rm --pod p1 $RUN_IMAGE sh -c '
    hostname; cat /etc/hostname; wget -q -O - http://127.0.0.1:8080/index.html; echo shared > /dev/shm/note'
  assert_equal "${lines[0]}" "p1"
  assert_equal "${lines[1]}" "p1"
  assert_equal "${lines[2]}" "hello-from-web"
  run_galley exec web sh -c 'hostname; cat /dev/shm/note'
  assert_equal "${lines[0]}" "p1"
  assert_equal "${lines[1]}" "shared"
  # the pod's port, on the host
  wait_until curl -s --max-time 1 -o /dev/null "http://127.0.0.1:$port/"
  run curl -s --max-time 5 "http://127.0.0.1:$port/index.html"
  assert_output_equals "hello-from-web"
  run_galley pod ps --format '{{.Name}} {{.Status}} {{.NumberOfContainers}}'
  assert_output_equals "p1 Running 2"
  run_galley pod inspect --format '{{.Name}} {{.State}} {{.Hostname}} {{.NumContainers}}' p1
  assert_output_equals "p1 Running p1 2"
  run_galley pod inspect p1
  [ "$(jq -r .Id <<< "$output")" = "$pod_id" ]
  [ "$(jq -r '.SharedNamespaces | sort | join(",")' <<< "$output")" = "ipc,net,uts" ]
  # ps --pod: POD ID and PODNAME columns; --format with .Pod and .PodName
  run_galley ps --pod --filter name=web
  assert_output_matches "POD ID +PODNAME"
  assert_output_matches "web +${pod_id:0:12} +p1\$"
  run_galley ps -a --format '{{.Names}} {{.PodName}} {{.IsInfra}}'
  assert_output_contains "web p1 false"
  assert_output_contains "${pod_id:0:12}-infra p1 true"
  run_galley ps --format json
  [ "$(jq -r '.[] | select(.Names[0] == "web") | .Pod' <<< "$output")" = "$pod_id" ]
}

@test "pod: stop, start, restart, kill and rm -f act on every container of the pod" {
  run_galley pod create --name p2
  start_web web --pod p2
  run_galley create --pod p2 --name idle $RUN_IMAGE sleep 1000
  run_galley pod ps --format '{{.Status}}'
  assert_output_equals "Degraded"
  # some exited, one never started: podman's "Stopped"
  run_galley pod stop -t 0 p2
  run_galley pod ps --format '{{.Status}}'
  assert_output_equals "Stopped"
  inspect_is web '{{.State.Status}}' exited
  run_galley pod start p2
  wait_running web
  wait_running idle
  run_galley pod ps --format '{{.Status}}'
  assert_output_equals "Running"
  run_galley run --rm --pod p2 $RUN_IMAGE wget -q -O - http://127.0.0.1:8080/index.html
  assert_output_equals "hello-from-web"
  run_galley pod restart p2
  wait_running web
  run_galley pod kill p2
  run_galley pod ps --format '{{.Status}}'
  assert_output_equals "Exited"
  run_galley pod start p2
  wait_running idle
  run_galley pod pause p2
  inspect_is idle '{{.State.Status}}' paused
  run_galley pod ps --format '{{.Status}}'
  assert_output_equals "Paused"
  run_galley pod unpause p2
  inspect_is idle '{{.State.Status}}' running
  # prune takes stopped pods only
  run_galley pod create --name stopped
  local stopped_id=$output
  run_galley pod prune -f
  assert_output_equals "$stopped_id"
  run_galley 1 pod exists stopped
  run_galley pod exists p2
  # running containers: only with --force
  run_galley 125 pod rm p2
  assert_single_error_line
  run_galley pod exists p2
  run_galley pod rm -f -t 0 p2
  run_galley 1 pod exists p2
  run_galley ps -a -q
  assert_output_equals ""
  wait_until no_strays
}

@test "pod: run --pod new:NAME makes the pod with the container's ports; create --pod is started with its pod" {
  local port
  port=$(free_port)
  start_web web --pod new:p3 -p "127.0.0.1:$port:8080"
  run_galley pod exists p3
  wait_until curl -s --max-time 1 -o /dev/null "http://127.0.0.1:$port/"
  run curl -s --max-time 5 "http://127.0.0.1:$port/index.html"
  assert_output_equals "hello-from-web"
  run_galley pod create --name p4
  run_galley create --pod p4 --name later $RUN_IMAGE sleep 1000
  run_galley pod ps --filter name=p4 --format '{{.Status}}'
  assert_output_equals "Created"
  run_galley pod start p4
  wait_running later
  run_galley pod rm -a -f -t 0
  run_galley pod ps -q
  assert_output_equals ""
  run_galley ps -a -q
  assert_output_equals ""
  # rm --all takes a pod along with its infra container, as podman's
  run_galley pod create --name p7
  run_galley run -d --pod p7 $RUN_IMAGE sleep 1000
  run_galley run -d $RUN_IMAGE sleep 1000
  run_galley rm -a -f -t 0
  run_galley 1 pod exists p7
  run_galley ps -a -q
  assert_output_equals ""
}

@test "pod: bad input gets one error line and leaves nothing behind" {
  run_galley 125 run --rm --pod nosuch $RUN_IMAGE true
  assert_single_error_line
  assert_stderr_contains "nosuch"
  run_galley 125 pod create --name 'bad name'
  assert_single_error_line
  run_galley 125 pod create --share nope
  assert_stderr_contains "invalid kernel namespace to share: nope"
  run_galley pod create --name p5
  run_galley 125 pod create --name p5
  assert_stderr_contains "p5"
  run_galley 125 run --rm --pod p5 -p 8080 $RUN_IMAGE true
  assert_stderr_contains "published or exposed ports must be defined when the pod is created"
  # the infra container goes with its pod only
  run_galley pod inspect --format '{{.InfraContainerID}}' p5
  run_galley 125 rm -f "$output"
  assert_stderr_contains "is the infra container of pod"
  run_galley ps -a --format '{{.Names}}'
  assert_line_count 1
  # --pod new: with a bad container option leaves no pod
  run_galley 125 run --rm --pod new:p6 --network host $RUN_IMAGE true
  run_galley 1 pod exists p6
  run_galley 1 pod exists nosuch
  run_galley 1 pod rm nosuch
  run_galley pod rm -i nosuch
}
