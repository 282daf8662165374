#!/usr/bin/env bats
# galley system service: where it listens, how it ends (idle time, socket
# activation), the Docker Engine API's versioned paths, headers and JSON
# errors, and the system endpoints as the docker client sees them.

load helpers
load helpers-run
load helpers-api

setup () {
  api_setup
}

teardown () {
  api_teardown
}

# lines_matching FILE REGEX N: FILE has N lines that match.
lines_matching () {
  [ "$(grep -c "$2" "$1")" = "$3" ]
}

@test "system service: the default socket is in the runroot, mode 0600, and answers _ping" {
  "$GALLEY" --root "$GALLEY_TEST_ROOT" --runroot "$GALLEY_TEST_RUNROOT" system service --time 0 3>&- &
  API_PID=$!
  API_SOCK=$GALLEY_TEST_RUNROOT/galley.sock
  wait_until -t 10 test -S "$API_SOCK"
  assert_equal "$(stat -c '%a %U' "$API_SOCK")" "600 $(id -un)"
  run api_curl -i http://d/_ping
  assert_output_matches '^HTTP/1.1 200 OK'
  assert_output_contains 'Api-Version: 1.41'
  assert_output_contains 'Ostype: linux'
  assert_output_contains 'Builder-Version: 1'
  assert_equal "${lines[${#lines[@]} - 1]}" "OK"
  # HEAD as the docker client's first request
  run api_curl -I http://d/_ping
  assert_output_matches '^HTTP/1.1 200 OK'
  assert_output_contains 'Api-Version: 1.41'
  api_stop
  # the service removes the socket it made
  [ ! -e "$API_SOCK" ]
}

@test "system service: versioned and unversioned paths, Docker's JSON errors" {
  api_start
  run api_curl http://d/v1.41/version
  assert_equal "$(jq -r .ApiVersion <<< "$output")" "1.41"
  assert_equal "$(jq -r .MinAPIVersion <<< "$output")" "1.24"
  run api_curl http://d/version
  assert_equal "$(jq -r .Version <<< "$output")" "$(galley version --format '{{.Client.Version}}')"
  run api_curl -w '\n%{http_code}' http://d/v1.42/version
  assert_equal "${lines[1]}" 400
  assert_equal "$(jq -r .message <<< "${lines[0]}")" \
    "client version 1.42 is too new. Maximum supported API version is 1.41"
  run api_curl -w '\n%{http_code}' http://d/v1.12/info
  assert_equal "${lines[1]}" 400
  assert_equal "$(jq -r .message <<< "${lines[0]}")" \
    "client version 1.12 is too old. Minimum supported API version is 1.24"
  run api_curl -w '\n%{http_code}' http://d/v1.41/no/such/thing
  assert_equal "${lines[1]}" 404
  assert_equal "$(jq -r .message <<< "${lines[0]}")" "page not found"
  assert_equal "$(jq -r .response <<< "${lines[0]}")" 404
  run api_curl -w '\n%{http_code}' -X DELETE http://d/_ping
  assert_equal "${lines[1]}" 405
}

@test "system service: a body over the limit gets 413 and the service keeps serving" {
  api_start
  head -c $((2 * 1024 * 1024)) /dev/zero > "$BATS_TEST_TMPDIR/big"
  run api_curl -w '\n%{http_code}' -H 'Content-Type: application/json' --data-binary "@$BATS_TEST_TMPDIR/big" \
    http://d/v1.41/info
  assert_equal "${lines[-1]}" 413
  assert_output_contains '"message":"request body is larger than the 1 MiB the service accepts"'
  # headers beyond the bound are refused too, without a crash
  run api_curl -o /dev/null -w '%{http_code}' -H "X-Big: $(head -c 100000 /dev/zero | tr '\0' a)" http://d/_ping
  [ "$output" -ge 400 ]
  run api_curl http://d/_ping
  assert_output_equals OK
  kill -0 "$API_PID"
}

@test "system service: docker version and docker info through the socket" {
  skip_if_no_docker_client
  api_start
  run docker version --format '{{.Server.APIVersion}} {{.Server.Os}}'
  assert_success
  assert_output_equals "1.41 linux"
  run docker info --format '{{.Images}} {{.Containers}} {{.OSType}} {{.DockerRootDir}}'
  assert_success
  assert_output_equals "1 0 linux $GALLEY_TEST_ROOT"
  run docker info
  assert_success
  assert_output_contains "Server Version: $(galley version --format '{{.Client.Version}}')"
}

@test "system service: exits after --time idle seconds, removing its socket" {
  "$GALLEY" --root "$GALLEY_TEST_ROOT" --runroot "$GALLEY_TEST_RUNROOT" system service --time 1 \
    "unix://$API_SOCK" 3>&- &
  API_PID=$!
  wait_until -t 10 test -S "$API_SOCK"
  run api_curl http://d/_ping
  assert_output_equals OK
  wait_until -t 10 process_gone "$API_PID"
  run wait "$API_PID"
  assert_success
  API_PID=
  [ ! -e "$API_SOCK" ]
}

@test "system service: a request in progress holds off the idle exit" {
  "$GALLEY" --root "$GALLEY_TEST_ROOT" --runroot "$GALLEY_TEST_RUNROOT" system service --time 1 \
    "unix://$API_SOCK" 3>&- &
  API_PID=$!
  wait_until -t 10 test -S "$API_SOCK"
  # a request whose body comes once the test opens the gate
  mkfifo "$BATS_TEST_TMPDIR/body"
  api_curl -o "$BATS_TEST_TMPDIR/slow.out" -w '%{http_code}' -X GET -T - http://d/v1.41/info \
    < "$BATS_TEST_TMPDIR/body" > "$BATS_TEST_TMPDIR/slow.code" 3>&- &
  local client=$!
  exec 5> "$BATS_TEST_TMPDIR/body"
  wait_until -t 10 sockets_above "$API_PID" 1
  # Time passing is what is tested: over the idle time, the service stays.
  sleep 2
  kill -0 "$API_PID"
  printf x >&5
  exec 5>&-
  wait_until -t 10 process_gone "$client"
  assert_equal "$(cat "$BATS_TEST_TMPDIR/slow.code")" 200
  wait_until -t 10 process_gone "$API_PID"
  API_PID=
}

@test "system service: socket activation starts it on a request, again after it went idle" {
  local count=$BATS_TEST_TMPDIR/starts
  "$BATS_TEST_DIRNAME/socket-activate.py" "$API_SOCK" "$count" \
    "$GALLEY" --root "$GALLEY_TEST_ROOT" --runroot "$GALLEY_TEST_RUNROOT" system service --time 1 3>&- &
  API_PID=$!
  wait_until -t 10 test -S "$API_SOCK"
  run api_curl http://d/_ping
  assert_output_equals OK
  wait_until -t 10 grep -q '^exited 0' "$count"
  # the socket stays for the next start: the service does not remove what it was given
  [ -S "$API_SOCK" ]
  run api_curl http://d/v1.41/version
  assert_equal "$(jq -r .ApiVersion <<< "$output")" "1.41"
  wait_until -t 10 lines_matching "$count" '^exited 0' 2
  assert_equal "$(grep -c '^started' "$count")" 2
}

@test "system service: tcp:// only when asked for, with a warning" {
  local port
  for port in $(shuf -i 20000-40000 -n 5); do
    tcp_listening "$port" || break
  done
  "$GALLEY" --root "$GALLEY_TEST_ROOT" --runroot "$GALLEY_TEST_RUNROOT" system service --time 0 \
    "tcp://127.0.0.1:$port" 3>&- 2> "$BATS_TEST_TMPDIR/tcp.err" &
  API_PID=$!
  wait_until -t 10 tcp_listening "$port"
  run curl -s --max-time 10 "http://127.0.0.1:$port/_ping"
  assert_output_equals OK
  grep -q 'WARN.*TCP sockets is not recommended: anyone who can reach 127.0.0.1:'"$port"' can run containers as you' \
    "$BATS_TEST_TMPDIR/tcp.err"
}

@test "system service: bad URIs and a socket in use are one error line each" {
  run_galley 125 system service --time 0 http://127.0.0.1:1
  assert_stderr_contains 'API Service endpoint scheme "http" is not supported'
  run_galley 125 system service --time 0 tcp://127.0.0.1
  assert_stderr_contains 'names no port'
  run_galley 125 system service --time x
  run_galley 125 system service --time 0 unix:///a unix:///b
  api_start
  run_galley 125 system service --time 0 "unix://$API_SOCK"
  assert_stderr_contains "a service already listens on $API_SOCK"
  ln -s /nonexistent "$BATS_TEST_TMPDIR/link.sock"
  run_galley 125 system service --time 0 "unix://$BATS_TEST_TMPDIR/link.sock"
  assert_stderr_contains "exists and is not a socket of yours"
  [ -L "$BATS_TEST_TMPDIR/link.sock" ]
}
