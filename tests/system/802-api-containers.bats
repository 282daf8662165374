#!/usr/bin/env bats
# The API service's container endpoints through Debian's docker client and
# curl: run in the foreground (create, attach, wait, start) and detached,
# ps, logs, inspect, stop, kill, rm, on the same store the command line
# uses; bad requests leave nothing behind.

load helpers
load helpers-run
load helpers-api

setup () {
  api_setup
  api_start
}

teardown () {
  galley rm -a -f -t 0 > /dev/null 2>&1 || true
  api_teardown
}

@test "api containers: docker run --rm in the foreground: output, exit code, nothing left" {
  skip_if_no_docker_client
  run docker run --rm busybox echo hi
  assert_success
  assert_output_equals hi
  run docker run --rm busybox sh -c 'echo out; echo err >&2; exit 3'
  assert_status 3
  assert_output_contains out
  assert_output_contains err
  # stdout and stderr arrive apart, as the frames say
  run --separate-stderr docker run --rm busybox sh -c 'echo out; echo err >&2'
  assert_success
  assert_equal "$output" out
  assert_equal "$stderr" err
  run_galley ps -a -q
  assert_output_equals ""
  # a terminal: a raw stream
  run docker run --rm -t busybox echo tty
  assert_success
  assert_equal "$output" $'tty\r'
}

@test "api containers: docker run -d, ps, logs -f, inspect, stop, start, kill, rm" {
  skip_if_no_docker_client
  run docker run -d --name api-d busybox sh -c 'echo first; echo second >&2; while :; do sleep 0.1; done'
  assert_success
  local id=$output
  run_galley inspect --format '{{.Id}}' api-d
  assert_output_equals "$id"
  run docker ps --format '{{.ID}} {{.Names}} {{.Image}} {{.State}}'
  assert_success
  assert_output_equals "${id:0:12} api-d busybox running"
  wait_until -t 10 docker_logs_have api-d second
  run --separate-stderr docker logs api-d
  assert_equal "$output" first
  assert_equal "$stderr" second
  run docker inspect --format '{{.Name}} {{.State.Status}} {{.Config.Tty}}' api-d
  assert_output_equals "/api-d running false"
  run docker stop -t 0 api-d
  assert_success
  run docker ps -q
  assert_output_equals ""
  run docker ps -a --filter name=api-d --format '{{.Names}} {{.State}}'
  assert_output_equals "api-d exited"
  run docker start api-d
  assert_success
  wait_running api-d
  run docker kill api-d
  assert_success
  # (the signal is sent; the monitor records the exit just after)
  wait_until -t 10 inspect_is api-d '{{.State.Status}}' exited
  # logs -f of a container that runs and then ends: every line, then the end
  run docker run -d busybox sh -c 'for i in 1 2 3; do echo line $i; sleep 0.2; done'
  assert_success
  run docker logs -f "$output"
  assert_success
  assert_output_equals $'line 1\nline 2\nline 3'
  run docker rm -f api-d
  assert_success
  run_galley 125 inspect api-d
}

docker_logs_have () {
  docker logs "$1" 2>&1 | grep -qx "$2"
}

@test "api containers: errors as Docker's, and nothing half-made" {
  skip_if_no_docker_client
  run api_curl -w '\n%{http_code}' -X POST -H 'Content-Type: application/json' \
    -d '{"Image":"busybox","HostConfig":{"Memroy":1}}' http://d/v1.41/containers/create
  assert_equal "${lines[1]}" 400
  assert_equal "$(jq -r .message <<< "${lines[0]}")" "HostConfig.Memroy: unknown field"
  run api_curl -w '\n%{http_code}' -X POST -d '{"Image":"busybox","Cmd":"true",' http://d/v1.41/containers/create
  assert_equal "${lines[-1]}" 400
  run api_curl -w '\n%{http_code}' -X POST -d '{"Cmd":["true"]}' http://d/v1.41/containers/create
  assert_equal "${lines[1]}" 400
  run api_curl -w '\n%{http_code}' -X POST -d '{"Image":"busybox","HostConfig":{"Binds":["/nonexistent/x:/x"]}}' \
    'http://d/v1.41/containers/create?name=half'
  [ "${lines[-1]}" -ge 400 ]
  assert_equal "$(jq -r .message <<< "${lines[0]}" | grep -c /nonexistent/x)" 1
  run_galley ps -a -q
  assert_output_equals ""
  # docker run -i: no container is made that could not be attached to
  run bash -c "echo x | $(printf %q "$DOCKER_CLIENT") run -i --rm busybox cat"
  assert_status 125
  assert_output_contains "AttachStdin: galley does not support it"
  run_galley ps -a -q
  assert_output_equals ""
  run api_curl -w '\n%{http_code}' -X DELETE http://d/v1.41/containers/nosuch
  assert_equal "${lines[1]}" 404
  assert_equal "$(jq -r .message <<< "${lines[0]}")" "No such container: nosuch"
  run api_curl -w '\n%{http_code}' -X POST -d '{"Image":"busybox","Cmd":["sleep","100"]}' \
    'http://d/v1.41/containers/create?name=c1'
  assert_equal "${lines[1]}" 201
  run api_curl -w '\n%{http_code}' -X POST -d '{"Image":"busybox"}' 'http://d/v1.41/containers/create?name=c1'
  assert_equal "${lines[1]}" 409
  run api_curl -w '\n%{http_code}' -X POST http://d/v1.41/containers/c1/kill
  assert_equal "${lines[-1]}" 409
  run api_curl -w '%{http_code}' -X POST http://d/v1.41/containers/c1/start
  assert_output_equals 204
  run api_curl -w '%{http_code}' -X POST http://d/v1.41/containers/c1/start
  assert_output_equals 304
  run api_curl -w '\n%{http_code}' -X DELETE http://d/v1.41/containers/c1
  assert_equal "${lines[-1]}" 409
  run api_curl -w '\n%{http_code}' -X POST 'http://d/v1.41/containers/c1/kill?signal=NOSUCH'
  assert_equal "${lines[-1]}" 400
  run api_curl -w '%{http_code}' -X DELETE 'http://d/v1.41/containers/c1?force=1'
  assert_output_equals 204
  run_galley ps -a -q
  assert_output_equals ""
}

@test "api containers: wait's conditions and the exit code of a removed container" {
  skip_if_no_docker_client
  run api_curl -X POST -d '{"Image":"busybox","Cmd":["sh","-c","exit 7"],"HostConfig":{"AutoRemove":true}}' \
    'http://d/v1.41/containers/create?name=w1'
  # not-running: a container that never ran is not running
  run api_curl -X POST http://d/v1.41/containers/w1/wait
  assert_equal "$(jq -r .StatusCode <<< "$output")" 0
  api_curl -D "$BATS_TEST_TMPDIR/wait.headers" -X POST 'http://d/v1.41/containers/w1/wait?condition=removed' \
    > "$BATS_TEST_TMPDIR/wait.out" &
  local waiter=$!
  # its status line comes before the start, as docker run waits for it:
  # start only once the waiter has it, or the container may be gone first
  wait_until grep -q '^HTTP/' "$BATS_TEST_TMPDIR/wait.headers"
  api_curl -X POST http://d/v1.41/containers/w1/start
  wait "$waiter"
  assert_equal "$(jq -r .StatusCode "$BATS_TEST_TMPDIR/wait.out")" 7
  run_galley 125 inspect w1
  run api_curl -w '\n%{http_code}' -X POST 'http://d/v1.41/containers/w1/wait?condition=bogus'
  assert_equal "${lines[-1]}" 400
  run docker run busybox sh -c 'exit 5'
  assert_status 5
}

@test "api containers: docker exec, with and without a terminal, input, detached" {
  skip_if_no_docker_client
  run docker run -d --name ex busybox sleep 300
  assert_success
  run docker exec ex echo hello
  assert_success
  assert_output_equals hello
  run --separate-stderr docker exec ex sh -c 'echo o; echo e >&2; exit 4'
  assert_status 4
  assert_equal "$output" o
  assert_equal "$stderr" e
  run bash -c "echo piped | $(printf %q "$DOCKER_CLIENT") exec -i ex cat"
  assert_success
  assert_output_equals piped
  # (a user other than root needs subordinate ids)
  local uid=0
  if has_subids; then uid=1000; fi
  run docker exec -e FOO=bar -w /tmp -u "$uid" ex sh -c 'echo $FOO $(pwd) $(id -u)'
  assert_output_equals "bar /tmp $uid"
  run -127 docker exec ex nosuchcmd
  assert_output_contains "executable file not found"
  run docker exec -d ex touch /tmp/detached
  assert_success
  wait_until -t 5 docker exec ex test -e /tmp/detached
  # -it through a terminal of its own: the shell reads what is typed
  run script -qec "$DOCKER_CLIENT exec -it ex sh" /dev/null <<< $'echo in-shell $((6*7))\nexit 3'
  assert_status 3
  assert_output_contains "in-shell 42"
  run api_curl -w '\n%{http_code}' http://d/v1.41/exec/nosuch/json
  assert_equal "${lines[-1]}" 404
  run api_curl -w '\n%{http_code}' -X POST -d '{"Cmd":[]}' http://d/v1.41/containers/ex/exec
  assert_equal "${lines[-1]}" 400
  run docker stop -t 0 ex
  run api_curl -w '\n%{http_code}' -X POST -d '{"Cmd":["true"]}' http://d/v1.41/containers/ex/exec
  assert_equal "${lines[-1]}" 409
}
