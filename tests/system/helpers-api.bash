# Shared by the 8xx-api-*.bats files: galley's API service started on a
# socket of the test's own, and clients that talk to it (curl, and Debian's
# docker client, never any other docker found first in PATH).
#
# Functions:  api_start [ARGS...], api_stop, api_curl ARGS..., docker ARGS...,
#             socket_activator SOCKET COUNTFILE CMD...

API_SOCK=
API_PID=
DOCKER_CLIENT=${GALLEY_TEST_DOCKER:-/usr/bin/docker}

api_setup () {
  run_setup
  API_SOCK=$BATS_TEST_TMPDIR/api.sock
  export DOCKER_HOST=unix://$API_SOCK
  # The docker client keeps its configuration here, not in $HOME.
  export DOCKER_CONFIG=$BATS_TEST_TMPDIR/docker-config
}

api_teardown () {
  api_stop
  basic_teardown
}

# api_start [ARGS...]: `galley system service --time 0 ARGS unix://$API_SOCK`
# in the background, ready once its socket is there (it listens before the
# file is visible to anyone else: bind and listen come first).
api_start () {
  "$GALLEY" --root "$GALLEY_TEST_ROOT" --runroot "$GALLEY_TEST_RUNROOT" system service --time 0 "$@" \
    "unix://$API_SOCK" 3>&- > "$BATS_TEST_TMPDIR/api.out" 2> "$BATS_TEST_TMPDIR/api.err" &
  API_PID=$!
  wait_until -t 10 test -S "$API_SOCK"
}

api_stop () {
  [ -n "$API_PID" ] || return 0
  kill "$API_PID" 2> /dev/null || true
  wait "$API_PID" 2> /dev/null || true
  API_PID=
}

# curl on the service's socket; $1.. as curl's.  -s, never fails on a
# status (check what it printed).
api_curl () {
  curl -s --max-time 60 --unix-socket "$API_SOCK" "$@"
}

docker () {
  timeout -k 10 "$GALLEY_TEST_TIMEOUT" "$DOCKER_CLIENT" "$@"
}

skip_if_no_docker_client () {
  [ -x "$DOCKER_CLIENT" ] || skip "no docker client at $DOCKER_CLIENT (Debian's docker.io)"
}
