#!/usr/bin/env bats
# galley run: its flags.

load helpers
load helpers-run

setup () {
  run_setup
}

teardown () {
  basic_teardown
}

@test "run -e, --env-file: environment with podman's defaults" {
  echo "FROMFILE=yes" > "$BATS_TEST_TMPDIR/env"
  run_galley run --rm -e FOO=bar --env-file "$BATS_TEST_TMPDIR/env" $RUN_IMAGE \
    sh -c 'echo $FOO $FROMFILE $container; echo $PATH'
  assert_equal "${lines[0]}" "bar yes galley"
  assert_output_contains "/usr/bin"
}

@test "run -w: the workdir is created inside the rootfs" {
  run_galley run --rm -w /some/new/dir $RUN_IMAGE pwd
  assert_output_equals "/some/new/dir"
}

@test "run -u: numeric ids and names from the image" {
  run_galley run --rm -u 1000:1000 $RUN_IMAGE id -u
  if has_subids; then
    assert_output_equals "1000"
  else
    # one id in the namespace: the image still runs, as that id, with a warning
    assert_output_equals "0"
    assert_stderr_contains "no subordinate ids"
  fi
  run_galley run --rm -u root $RUN_IMAGE id -u
  assert_output_equals "0"
  run_galley 125 run --rm -u nosuchuser $RUN_IMAGE true
}

@test "run --hostname, --entrypoint" {
  run_galley run --rm --hostname myhost $RUN_IMAGE hostname
  assert_output_equals "myhost"
  run_galley run --rm --entrypoint echo $RUN_IMAGE a b
  assert_output_equals "a b"
  run_galley run --rm --entrypoint '["sh","-c"]' $RUN_IMAGE 'echo json'
  assert_output_equals "json"
}

@test "run --read-only: the root is read-only, /tmp and /run are tmpfs" {
  run_galley run --rm --read-only $RUN_IMAGE sh -c 'touch /x 2>/dev/null && echo root-writable; touch /tmp/x /run/x && echo tmp-ok'
  assert_output_equals "tmp-ok"
}

@test "run -v and --mount type=bind: rw and ro" {
  mkdir -p "$BATS_TEST_TMPDIR/vol"
  echo data > "$BATS_TEST_TMPDIR/vol/f"
  run_galley run --rm -v "$BATS_TEST_TMPDIR/vol:/data" $RUN_IMAGE sh -c 'cat /data/f; echo new > /data/g'
  assert_output_equals "data"
  [ "$(cat "$BATS_TEST_TMPDIR/vol/g")" = new ]
  run_galley run --rm -v "$BATS_TEST_TMPDIR/vol:/data:ro" $RUN_IMAGE sh -c 'echo x > /data/h 2>/dev/null || echo denied'
  assert_output_equals "denied"
  run_galley run --rm --mount "type=bind,source=$BATS_TEST_TMPDIR/vol,target=/m,readonly" $RUN_IMAGE \
    sh -c 'cat /m/f; echo x > /m/h 2>/dev/null || echo denied'
  assert_equal "${lines[1]}" "denied"
  run_galley 125 run --rm -v /does/not/exist:/x $RUN_IMAGE true
}

@test "run --tmpfs" {
  run_galley run --rm --tmpfs /scratch:size=1m $RUN_IMAGE sh -c 'grep " /scratch " /proc/mounts'
  assert_output_contains "tmpfs"
  assert_output_contains "size=1024k"
}

@test "run --userns=keep-id: the user's own ids inside" {
  # The default network too: without subordinate ids there is no root in
  # a keep-id namespace, and slirp4netns runs without its sandbox there.
  run_galley run --rm --userns=keep-id $RUN_IMAGE sh -c 'id -u; id -g; ip -4 addr show tap0'
  assert_equal "${lines[0]}" "$(id -u)"
  assert_equal "${lines[1]}" "$(id -g)"
  assert_output_contains "inet 10.0.2.100/24"
}

@test "run --ulimit" {
  run_galley run --rm --ulimit nofile=100:200 $RUN_IMAGE sh -c 'ulimit -n'
  assert_output_equals "100"
}

@test "run --init: a reaper as pid 1 forwards signals" {
  run_galley run --rm --init $RUN_IMAGE sh -c 'echo $$'
  assert_output_equals "2"
}

@test "run --preserve-fds: only the asked fds reach the container" {
  run bash -c "$GALLEY --root $GALLEY_TEST_ROOT --runroot $GALLEY_TEST_RUNROOT run --rm --preserve-fds 1 $RUN_IMAGE ls /proc/self/fd 3</dev/null"
  assert_success
  assert_output_contains "3"
  run bash -c "$GALLEY --root $GALLEY_TEST_ROOT --runroot $GALLEY_TEST_RUNROOT run --rm $RUN_IMAGE sh -c 'ls /proc/self/fd | wc -l' 3</dev/null 4</dev/null"
  assert_success
  # 0 1 2 and ls's own directory fd
  assert_output_equals "4"
}

@test "run --network host and none" {
  run_galley run --rm --network host $RUN_IMAGE true
  run_galley run --rm --network none $RUN_IMAGE true
}

@test "run --memory/--cpus/--pids-limit: enforced where info says so, else one clear error" {
  local enforceable opt
  enforceable=$(galley info --format json | jq -r .host.resourceLimits.enforceable)
  # they need cgroup v2
  [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ] || assert_equal "$enforceable" false "enforceable on cgroup v1"
  for opt in "--memory 100m" "--cpus 0.5" "--pids-limit 10"; do
    if [ "$enforceable" = true ]; then
      run_galley run --rm $opt $RUN_IMAGE true
    else
      run_galley 125 run --rm $opt $RUN_IMAGE true
      assert_stderr_contains "resource limits cannot be enforced"
    fi
  done
}

@test "run --memory: a size too large for a limit says so, not that it is below the minimum" {
  run_setup
  local m
  for m in 99999999999999999999g 18446744073709551615 8192p; do
    run_galley 125 create --memory "$m" $RUN_IMAGE true
    assert_single_error_line
    assert_stderr_contains "memory limit \"$m\" is too large: the largest is 8 EiB"
  done
  run_galley 125 create --memory 1k $RUN_IMAGE true
  assert_stderr_contains "minimum memory limit allowed is 6MB"
  for m in inf nan 1e9 0x100000000 10q; do
    run_galley 125 create --memory "$m" $RUN_IMAGE true
    assert_stderr_contains "invalid memory size \"$m\""
  done
  run_galley ps -a -q
  assert_output_equals ""
}

@test "run --tmpfs: mode= and uid= win over the directory it is filled from, as runc's tmpcopyup" {
  run_setup
  run_galley run --rm --tmpfs /vol:mode=700 $RUN_IMAGE stat -c %a /vol
  assert_output_equals "700"
  run_galley run --rm --mount type=tmpfs,dst=/home/user,tmpfs-mode=1777 $RUN_IMAGE stat -c '%a %u' /home/user
  has_subids && assert_output_equals "1777 1000"
  assert_output_matches '^1777 '

  # without them, the image's directory gives both
  run_galley run --rm --tmpfs /home/user $RUN_IMAGE stat -c '%a %u:%g' /home/user
  has_subids && assert_output_equals "755 1000:1000"
  run_galley run --rm --tmpfs /etc $RUN_IMAGE cat /etc/os-release
  assert_output_contains "galley test busybox"
}

@test "run --cgroups, --cgroup-parent, --cgroup-manager: podman's batch scripts' flags are accepted, their conflicts refused" {
  run_setup
  for mode in enabled disabled no-conmon split; do
    run_galley run --rm --cgroups "$mode" $RUN_IMAGE echo "$mode"
    assert_output_equals "$mode"
  done
  run_galley run --rm --cgroup-parent /batch/job $RUN_IMAGE true
  run_galley --cgroup-manager cgroupfs run --rm $RUN_IMAGE echo fs
  assert_output_equals "fs"
  assert_stderr_empty
  run_galley --cgroup-manager systemd run --rm $RUN_IMAGE echo fs
  assert_output_equals "fs"
  assert_stderr_contains "falling back to --cgroup-manager=cgroupfs"

  run_galley 125 create --cgroups foo $RUN_IMAGE true
  assert_single_error_line
  assert_stderr_contains 'invalid cgroup mode "foo"'
  run_galley 125 create --cgroups disabled --cgroup-parent /batch $RUN_IMAGE true
  assert_single_error_line
  assert_stderr_contains "cannot set cgroup parent if not creating cgroups"
  run_galley 125 run --rm --cgroups disabled --pids-limit 10 $RUN_IMAGE true
  assert_single_error_line
  assert_stderr_contains "need a cgroup: they cannot go with --cgroups=disabled"
  run_galley 125 --cgroup-manager upstart ps
  assert_single_error_line
  assert_stderr_contains "cgroup manager must be one of cgroupfs and systemd"
  run_galley ps -a -q
  assert_output_equals ""
}
