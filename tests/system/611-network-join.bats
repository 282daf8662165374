#!/usr/bin/env bats
# Networks that join namespaces, as an unprivileged user: --network
# container:NAME (pod-style sharing), and named networks (network
# create/ls/inspect/rm/connect/disconnect/prune; containers on one network
# reach each other by name and by IP through the keeper's bridge); bad input
# leaving nothing behind; the keeper gone when no container needs it.

load helpers
load helpers-run
load helpers-network

setup () {
  network_setup
}

teardown () {
  network_teardown
}

@test "network: --network container:NAME shares the address, localhost and /etc/hosts" {
  start_web web
  run_galley run --rm --network container:web $RUN_IMAGE \
    sh -c 'ip -4 addr show tap0 | grep -o "inet [0-9./]*"; wget -q -O - http://127.0.0.1:8080/index.html; grep -w web /etc/hosts'
  assert_output_contains "inet 10.0.2.100/24"
  assert_output_contains "hello-from-web"
  assert_output_contains "web"
  # by id too; a stopped one cannot be joined
  run_galley inspect --format '{{.Id}}' web
  run_galley run --rm --network "container:$output" $RUN_IMAGE wget -q -O - http://localhost:8080/index.html
  assert_output_equals "hello-from-web"
  # ns:PATH: the same namespace by its path
  run_galley inspect --format '{{.State.Pid}}' web
  run_galley run --rm --network "ns:/proc/$output/ns/net" $RUN_IMAGE wget -q -O - http://localhost:8080/index.html
  assert_output_equals "hello-from-web"
  run_galley 125 run --rm --network ns:/nonexistent $RUN_IMAGE true
  run_galley stop -t 0 web
  run_galley 125 run --rm --network container:web $RUN_IMAGE true
  assert_stderr_contains "not running"
  run_galley 125 run --rm --network container:nosuch $RUN_IMAGE true
  assert_stderr_contains "nosuch"
}

@test "network: two containers on a named network reach each other by name, alias and IP" {
  run_galley network create --subnet 10.91.7.0/24 --label team=blue net1
  assert_output_equals "net1"
  local port
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  start_web web --network net1 --network-alias www --ip 10.91.7.20 -p "127.0.0.1:$port:8080"
  run_galley run --rm --name client --network net1 $RUN_IMAGE sh -c '
    ip -4 addr show eth0 | grep -o "inet [0-9./]*"; ip route | grep default
    wget -q -O - http://web:8080/index.html; wget -q -O - http://www:8080/index.html
    wget -q -O - http://10.91.7.20:8080/index.html; grep -w client /etc/hosts'
  assert_line_count 6
  assert_output_matches "inet 10\.91\.7\.[0-9]+/24"
  assert_output_contains "default via 10.91.7.1 dev eth0"
  assert_equal "${lines[2]}" "hello-from-web"
  assert_equal "${lines[3]}" "hello-from-web"
  assert_equal "${lines[4]}" "hello-from-web"
  # the server's /etc/hosts got the client while it ran, and lost it after
  run_galley exec web cat /etc/hosts
  assert_output_contains "web"
  assert_output_not_contains "client"
  # published on the host too (TCP through galley's forwarder)
  wait_until curl -s --max-time 1 -o /dev/null "http://127.0.0.1:$port/"
  run curl -s --max-time 5 "http://127.0.0.1:$port/index.html"
  assert_output_equals "hello-from-web"
  # one keeper for the user, while web runs
  [ "$(keepers | wc -l)" -eq 1 ]
}

@test "network: ls, inspect, exists, connect, disconnect, rm, prune" {
  run_galley network ls --format '{{.Name}} {{.Driver}}'
  assert_output_equals "podman bridge"
  # JSON indented by two, as podman's network ls
  run_galley network ls --format json
  assert_equal "${lines[1]}" "  {"
  [ "$(jq -r '.[0].name' <<< "$output")" = podman ]
  run_galley network create --internal --label a=b n1
  run_galley network create n2
  run_galley network ls -q
  assert_equal "$output" "$(printf 'podman\nn1\nn2')"
  run_galley network ls --filter label=a=b --format '{{.Name}}'
  assert_output_equals "n1"
  run_galley network ls --filter name=^n2 --format '{{.Name}}'
  assert_output_equals "n2"
  # podman's: a name that is no regular expression matches nothing
  run_galley network ls --filter 'name=[' --filter 'name=^n1$' --format '{{.Name}}'
  assert_output_equals "n1"
  run_galley 125 network ls --filter bogus=1
  assert_single_error_line
  assert_stderr_contains 'invalid filter "bogus"'
  run_galley 125 network ls --filter name
  assert_stderr_contains "filter input must be in the form of filter=value: name is invalid"
  run_galley 125 network prune -f --filter name=n2
  assert_single_error_line
  assert_stderr_contains 'invalid filter "name"'
  run_galley network inspect n1
  [ "$(echo "$output" | jq -r '.[0].name')" = n1 ]
  [ "$(echo "$output" | jq -r '.[0].driver')" = bridge ]
  [ "$(echo "$output" | jq -r '.[0].internal')" = true ]
  [ "$(echo "$output" | jq -r '.[0].labels.a')" = b ]
  [ "$(echo "$output" | jq -r '.[0].id' | wc -c)" -eq 65 ]
  echo "$output" | jq -e '.[0].subnets[0].subnet | test("^10\\.89\\.[0-9]+\\.0/24$")'
  echo "$output" | jq -e '.[0].subnets[0].gateway | test("^10\\.89\\.[0-9]+\\.1$")'
  [ "$(echo "$output" | jq -r '.[0].network_interface')" != "$(galley network inspect n2 | jq -r '.[0].network_interface')" ]
  run_galley network inspect --format '{{.Name}} {{.Internal}}' n1
  assert_output_equals "n1 true"
  run_galley network exists n1
  run_galley 1 network exists nosuch
  # connect/disconnect a stopped container
  run_galley create --name c1 $RUN_IMAGE sh -c 'echo $(ls /sys/class/net)'
  run_galley network connect --alias c1alias n2 c1
  run_galley start -a c1
  assert_output_equals "eth0 lo"
  run_galley 125 network rm n2
  assert_stderr_contains "network is being used"
  run_galley network disconnect n2 c1
  run_galley start -a c1
  assert_output_equals "lo"
  run_galley rm c1
  run_galley network rm n2
  assert_output_equals "n2"
  run_galley 125 network rm podman
  run_galley network prune -f
  assert_output_equals "n1"
  run_galley network ls -q
  assert_output_equals "podman"
}

@test "network: bad input fails clearly and leaves nothing behind" {
  run_galley 125 run --network no-such-net $RUN_IMAGE true
  assert_stderr_contains "unable to find network with name or ID no-such-net: network not found"
  run_galley 125 create --network no-such-net $RUN_IMAGE true
  [ -z "$(container_dirs)" ]
  run_galley 125 network create --subnet 10.0.0.1/24 bad1
  assert_stderr_contains "host bits"
  run_galley 125 network create --subnet 10.0.0.0/33 bad2
  run_galley 125 network create --subnet nonsense bad3
  run_galley 125 network create --subnet 10.93.0.0/24 --gateway 10.94.0.1 bad4
  run_galley 125 network create 'bad/name'
  run_galley network ls -q
  assert_output_equals "podman"
  run_galley network create --subnet 10.93.0.0/24 n1
  run_galley 125 network create --subnet 10.93.0.0/25 n2
  assert_stderr_contains "already used"
  run_galley 125 network create n1
  run_galley network create --ignore n1
  run_galley 125 run --network n1 -p 18080:80/udp $RUN_IMAGE true
  assert_stderr_contains "only tcp"
  run_galley 125 run --network n1 --ip 10.50.0.9 $RUN_IMAGE true
  assert_stderr_contains "10.50.0.9"
  run_galley 125 run --network none --network-alias x $RUN_IMAGE true
  run_galley create --name user1 --network n1 $RUN_IMAGE true
  run_galley 125 network rm n1
  assert_stderr_contains "network is being used"
  run_galley network rm -f n1
  run_galley 1 container exists user1
  run_galley ps -a -q
  assert_output_equals ""
}

@test "network: the keeper exits with the last container; network rm leaves nothing" {
  run_galley network create n1
  start_web web --network n1
  [ -n "$(keepers)" ]
  run_galley rm -f web
  wait_keeper_gone
  [ -z "$(ls -A "$GALLEY_TEST_RUNROOT/networks/leases/n1" 2> /dev/null | grep -v '^lock$')" ]
  run_galley network rm n1
  [ ! -e "$GALLEY_TEST_ROOT/networks/n1.json" ]
  [ ! -e "$GALLEY_TEST_RUNROOT/networks/leases/n1" ]
  local pid
  for pid in $(pgrep -u "$(id -u)" -x slirp4netns || true); do
    ! readlink "/proc/$pid/cwd" | grep -qF "$GALLEY_TEST_RUNROOT"
  done
}
