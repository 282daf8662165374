#!/usr/bin/env bats
# The host's namespaces and the HPC flags of run and create: --pid host,
# --ipc host|private|shareable|none, --uts host (and the host's name with
# --network host), --shm-size, --group-add (with keep-groups: the caller's
# supplementary groups as the kernel has them) and --env-host, with podman's
# errors.

load helpers
load helpers-run

setup () {
  run_setup
}

teardown () {
  [ -n "${shm_file:-}" ] && rm -f "$shm_file"
  basic_teardown
}

PROJECT_DIR=${GALLEY_TEST_PROJECT_DIR:-${GALLEY_TEST_STATE:-/var/tmp/galley-test}/project}

@test "--uts host, and --network host without --hostname: the host's name, as hostname, /etc/hostname, HOSTNAME and inspect show it" {
  local host
  host=$(uname -n)
  for opt in "--uts host" "--network host"; do
    # shellcheck disable=SC2086
    run_galley run --rm $opt $RUN_IMAGE sh -c 'hostname; cat /etc/hostname; echo $HOSTNAME'
    assert_equal "$output" "$host"$'\n'"$host"$'\n'"$host" "the hostname with $opt"
  done
  run_galley create --name uts --uts host $RUN_IMAGE true
  run_galley container inspect uts --format '{{.HostConfig.UTSMode}} {{.Config.Hostname}}'
  assert_output_equals "host $host"
  # a private UTS namespace keeps the container's own name
  run_galley run --rm $RUN_IMAGE hostname
  [ "$output" != "$host" ]
  # podman's error: a name cannot be set in the host's namespace
  run_galley 125 run --rm --uts host --hostname x $RUN_IMAGE true
  assert_stderr_contains "cannot set hostname when running in the host UTS namespace"
  run_galley 125 run --rm --uts bogus $RUN_IMAGE true
  assert_stderr_contains "unrecognized namespace mode bogus passed"
}

@test "--pid host: the host's processes, in run and in exec; --init is a subreaper there" {
  # this shell's pid is a process of the container's /proc only with the host's pid namespace
  run_galley 1 run --rm $RUN_IMAGE test -d /proc/$$
  run_galley run --rm --pid host $RUN_IMAGE sh -c "test -d /proc/$$ && echo \$\$"
  [ "$output" -gt 1 ]
  run_galley run -d --name pidh --pid host $RUN_IMAGE sleep 1000
  run_galley exec pidh sh -c "test -d /proc/$$"
  run_galley container inspect pidh --format '{{.HostConfig.PidMode}}'
  assert_output_equals host
  run_galley rm -f -t 0 pidh
  # the reaper, not pid 1 here, still adopts what the command orphans (a
  # subreaper), and exits with the command's status
  run_galley 3 run --rm --pid host --init $RUN_IMAGE sh -c \
    'sh -c "sleep 1000 & echo \$!" > /tmp/pid; p=$(cat /tmp/pid)
     parent=$(awk "/^PPid:/ { print \$2 }" /proc/$p/status); kill $p
     [ "$parent" = "$PPID" ] && exit 3'
  run_galley 125 run --rm --pid bogus $RUN_IMAGE true
  assert_stderr_contains "unrecognized namespace mode bogus passed"
}

@test "--ipc host: the host's /dev/shm (nosuid, nodev, noexec); a private IPC namespace has its own" {
  shm_file=/dev/shm/galley-test-$(random_string)
  [ -w /dev/shm ] || skip "/dev/shm is not writable here"
  echo "from the host" > "$shm_file"
  run_galley run --rm --ipc host $RUN_IMAGE sh -c \
    "cat $shm_file; grep ' /dev/shm ' /proc/self/mountinfo | grep -c 'nosuid,nodev,noexec'"
  assert_equal "$output" "from the host"$'\n'"1"
  for mode in private shareable; do
    run_galley 1 run --rm --ipc $mode $RUN_IMAGE cat "$shm_file"
  done
  run_galley create --name ipch --ipc host $RUN_IMAGE true
  run_galley container inspect ipch --format '{{.HostConfig.IpcMode}}'
  assert_output_equals host
}

@test "--ipc none has no /dev/shm; --shm-size sizes the private one; podman's errors" {
  run_galley run --rm --ipc none $RUN_IMAGE sh -c 'test -e /dev/shm || echo none'
  assert_output_equals none
  run_galley run --rm --shm-size 1m $RUN_IMAGE sh -c "df -k /dev/shm | awk 'NR == 2 { print \$2 }'"
  assert_output_equals 1024
  run_galley run --rm $RUN_IMAGE sh -c "df -k /dev/shm | awk 'NR == 2 { print \$2 }'"
  assert_output_equals 65536
  run_galley create --name shm --shm-size 2m $RUN_IMAGE true
  run_galley container inspect shm --format '{{.HostConfig.ShmSize}}'
  assert_output_equals 2097152
  run_galley 125 run --rm --shm-size 1x $RUN_IMAGE true
  assert_stderr_contains "unable to translate --shm-size: invalid size: '1x'"
  for mode in host none; do
    run_galley 125 run --rm --ipc $mode --shm-size 1m $RUN_IMAGE true
    assert_stderr_contains "cannot set shmsize when running in the {$mode } IPC Namespace"
  done
  run_galley 125 run --rm --ipc bogus $RUN_IMAGE true
  assert_stderr_contains "unrecognized namespace mode bogus passed"
  # nothing was created by the refused ones
  run_galley ps -a --format '{{.Names}}'
  assert_output_equals shm
}

@test "--group-add: groups by id and by the container's /etc/group name, or podman's errors" {
  if has_subids; then
    run_galley run --rm --group-add 5 --group-add wheel $RUN_IMAGE id -G
    assert_output_equals "0 5 10"
    run_galley run --rm --user 1000:1000 --group-add 10 $RUN_IMAGE id -G
    assert_output_equals "1000 10"
    run_galley create --name groups --group-add 5 $RUN_IMAGE true
    run_galley container inspect groups --format '{{.HostConfig.GroupAdd}}'
    assert_output_equals "[5]"
    run_galley 125 run --rm --group-add nosuchgroup $RUN_IMAGE true
    assert_stderr_contains "unable to find group nosuchgroup: no matching entries in group file"
  else
    # a namespace of one id cannot hold another group
    run_galley 125 run --rm --group-add 5 $RUN_IMAGE true
    assert_stderr_contains "supplementary groups need subordinate group ids"
  fi
  run_galley 125 run --rm --group-add keep-groups --group-add 5 $RUN_IMAGE true
  assert_stderr_contains "the '--group-add keep-groups' option is not allowed with any other --group-add options"
}

@test "--group-add keep-groups: a directory open to a supplementary group of the user alone is readable" {
  [ -d "$PROJECT_DIR" ] || skip "no project directory $PROJECT_DIR (tests/setup-host.sh makes it)"
  local group
  group=$(stat -c %G "$PROJECT_DIR")
  id -nG | tr ' ' '\n' | grep -qx "$group" || skip "$(id -un) is not in the group $group"
  [ "$(stat -c %U:%a "$PROJECT_DIR")" = root:2770 ]
  # the user reads it on the host through the group
  cat "$PROJECT_DIR/data"
  if has_subids; then
    # the container's root sets its own groups: the project group is gone
    run_galley 1 run --rm -v "$PROJECT_DIR:/project" $RUN_IMAGE cat /project/data
    assert_stderr_contains "Permission denied"
  fi
  run_galley run --rm --group-add keep-groups -v "$PROJECT_DIR:/project" $RUN_IMAGE cat /project/data
  assert_output_equals "project data"
  # as another user of the container too, and in exec
  run_galley run -d --name kg --group-add keep-groups -v "$PROJECT_DIR:/project" $RUN_IMAGE sleep 1000
  run_galley exec kg cat /project/data
  assert_output_equals "project data"
  if has_subids; then
    run_galley exec --user 1000 kg cat /project/data
    assert_output_equals "project data"
  fi
  run_galley rm -f -t 0 kg
}

@test "--env-host: galley's environment under what -e sets, over the image's" {
  GALLEY_TEST_FROM_HOST=yes GALLEY_TEST_BOTH=host run_galley run --rm --env-host -e GALLEY_TEST_BOTH=option \
    $RUN_IMAGE sh -c 'echo $GALLEY_TEST_FROM_HOST $GALLEY_TEST_BOTH $PATH'
  assert_output_equals "yes option $PATH"
  # kept by create for the start
  GALLEY_TEST_FROM_HOST=created run_galley create --name eh --env-host $RUN_IMAGE sh -c 'echo $GALLEY_TEST_FROM_HOST'
  run_galley start --attach eh
  assert_output_equals created
  GALLEY_TEST_FROM_HOST=yes run_galley run --rm $RUN_IMAGE sh -c 'echo "[$GALLEY_TEST_FROM_HOST]"'
  assert_output_equals "[]"
}

@test "galley.conf's hpc profile: the host's namespaces, keep-id, keep-groups and --init by default; options override it" {
  printf '[containers]\nprofile = "hpc"\n' > "$BATS_TEST_TMPDIR/site.conf"
  export GALLEY_SYSTEM_CONFIG=$BATS_TEST_TMPDIR/site.conf
  run_galley run --rm $RUN_IMAGE sh -c "echo \$(id -u) \$(hostname); test -d /proc/$$ && echo host-pid"
  assert_equal "$output" "$(id -u) $(uname -n)"$'\n'"host-pid"
  run_galley create --name hpc $RUN_IMAGE true
  run_galley container inspect hpc --format \
    '{{.HostConfig.PidMode}} {{.HostConfig.IpcMode}} {{.HostConfig.UTSMode}} {{.HostConfig.NetworkMode}} {{.HostConfig.UsernsMode}} {{.HostConfig.GroupAdd}} {{.HostConfig.Init}}'
  assert_output_equals "host host host host keep-id [keep-groups] true"
  # each option given replaces the profile's (other groups need subordinate ids)
  local groups=()
  has_subids && groups=(--group-add 0)
  run_galley run --rm --pid private --uts private --userns host --network none --init=false "${groups[@]}" \
    $RUN_IMAGE sh -c 'echo $$ $(id -u) $(hostname)'
  [ "${lines[0]%% *}" = 1 ]
  [ "$(echo "$output" | cut -d' ' -f2)" = 0 ]
  [ "${output##* }" != "$(uname -n)" ]
  # and the default profile changes nothing
  printf '[containers]\nprofile = "default"\n' > "$BATS_TEST_TMPDIR/site.conf"
  run_galley run --rm $RUN_IMAGE sh -c 'echo $$ $(id -u)'
  assert_output_equals "1 0"
}
