# Shared by the named-network tests (611, 612): the network keeper of the
# test's runroot, and a detached busybox httpd.

# setup and teardown of a test that needs named networks.
network_setup () {
  run_setup
  command -v slirp4netns > /dev/null || skip "slirp4netns is not installed"
  command -v ip > /dev/null || [ -x /usr/sbin/ip ] || [ -x /sbin/ip ] || skip "iproute2 (ip) is not installed"
}

network_teardown () {
  galley rm -a -f -t 0 > /dev/null 2>&1 || true
  wait_keeper_gone || kill_keepers
  basic_teardown
}

# The keeper processes ("galley-netns") of this test's runroot.
keepers () {
  local pid
  for pid in $(pgrep -u "$(id -u)" -x galley-netns 2> /dev/null); do
    tr '\0' ' ' < "/proc/$pid/cmdline" 2> /dev/null | grep -qF -- "$GALLEY_TEST_RUNROOT" && echo "$pid"
  done
  return 0
}

no_keepers () {
  [ -z "$(keepers)" ]
}

wait_keeper_gone () {
  wait_until no_keepers
}

kill_keepers () {
  local pid
  for pid in $(keepers); do kill -KILL "$pid" 2> /dev/null || true; done
}

# A detached httpd named $1 serving "hello-from-$1", more run options after
# (from /tmp: a --userns=keep-id container may not write to /).
start_web () {
  local name=$1
  shift
  run_galley run -d --name "$name" "$@" $RUN_IMAGE \
    sh -c "mkdir -p /tmp/www && echo hello-from-$name > /tmp/www/index.html && exec httpd -f -p 8080 -h /tmp/www"
}
