# Shared by the 4xx-run-*.bats files: a busybox image loaded from the test
# archive (no registry needed) into the test's private store.
ARCHIVES=${GALLEY_TEST_STATE:-/var/tmp/galley-test}/images
RUN_IMAGE=localhost/busybox:latest

run_setup () {
  basic_setup
  [ -r "$ARCHIVES/busybox.tar" ] || skip "no test archives in $ARCHIVES (run tests/images/build-all.sh)"
  galley load -q -i "$ARCHIVES/busybox.tar" > /dev/null
}

# Until container $1 runs (5 s at most).
wait_running () {
  wait_until -t 5 container_is_running "$1"
}

container_is_running () {
  [ "$(galley container inspect "$1" --format '{{.State.Status}}')" = running ]
}
