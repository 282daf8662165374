#!/usr/bin/env bats
# galley run: exit statuses, stdio, namespaces, the standard mounts.

load helpers
load helpers-run

setup () {
  run_setup
}

teardown () {
  basic_teardown
}

@test "run: output and exit status of the command" {
  run_galley run --rm $RUN_IMAGE echo hello
  assert_output_equals "hello"
  run_galley 7 run --rm $RUN_IMAGE sh -c 'exit 7'
}

@test "run: 127 for a command not found, 126 for one that cannot be invoked" {
  run_galley 127 run --rm $RUN_IMAGE no-such-command
  assert_stderr_contains "executable file not found in \$PATH"
  run_galley 126 run --rm $RUN_IMAGE /etc/passwd
  assert_stderr_contains "Permission denied"
}

@test "run: 125 and one error line for a bad option or a missing image" {
  run_galley 125 run --rm --pull never localhost/no-such-image true
  run_galley 125 run --rm --network bridge0 $RUN_IMAGE true
  run_galley 125 run --rm -v ./relative:/x $RUN_IMAGE true
}

@test "run: 128+N when the command is killed by signal N" {
  run_galley 137 run --rm --init $RUN_IMAGE sh -c 'kill -9 $$'
  run_galley 143 run --rm $RUN_IMAGE sh -c 'sh -c "kill -TERM \$\$"; exit $?'
}

@test "run: stdin only with -i; pipes pass through" {
  run bash -c "echo piped | $(printf '%q ' "$GALLEY") --root $GALLEY_TEST_ROOT --runroot $GALLEY_TEST_RUNROOT run --rm -i $RUN_IMAGE cat"
  assert_output_equals "piped"
  run bash -c "echo piped | $(printf '%q ' "$GALLEY") --root $GALLEY_TEST_ROOT --runroot $GALLEY_TEST_RUNROOT run --rm $RUN_IMAGE cat"
  assert_output_equals ""
  run bash -c "$(printf '%q ' "$GALLEY") --root $GALLEY_TEST_ROOT --runroot $GALLEY_TEST_RUNROOT run --rm $RUN_IMAGE seq 1 3 | wc -l"
  assert_output_equals "3"
}

@test "run: own pid, uts, ipc and network namespaces; pid 1 is the command" {
  run_galley run --rm $RUN_IMAGE sh -c 'echo $$; hostname; ls /sys/class/net'
  assert_equal "${lines[0]}" "1"
  [ "${lines[1]}" != "$(hostname)" ]
  assert_equal "${lines[2]}" "lo"
}

@test "run: /proc, /dev, /dev/pts, /dev/shm, /dev/mqueue, /sys read-only, /etc files" {
  run_galley run --rm $RUN_IMAGE sh -c 'for f in null zero full tty random urandom; do [ -c /dev/$f ] || echo missing $f; done
    for l in fd stdin stdout stderr ptmx core; do [ -L /dev/$l ] || echo missing link $l; done
    grep -q " /dev/pts devpts " /proc/mounts || echo no devpts
    grep -q " /dev/shm tmpfs " /proc/mounts || echo no shm
    grep -q " /dev/mqueue mqueue " /proc/mounts || echo no mqueue
    grep -q " /sys sysfs ro," /proc/mounts || echo sys not ro
    touch /sys/x 2>/dev/null && echo sys writable
    grep -q localhost /etc/hosts || echo no hosts
    [ -e /etc/resolv.conf ] || echo no resolv.conf
    [ "$(cat /etc/hostname)" = "$(hostname)" ] || echo hostname differs
    [ -e /run/.containerenv ] || echo no containerenv
    echo done'
  assert_output_equals "done"
}

@test "run: --rm removes the container, without it the record stays" {
  run_galley run --rm $RUN_IMAGE true
  [ -z "$(container_dirs)" ]
  run_galley run --name kept $RUN_IMAGE true
  run grep -l '"Name": *"kept"' "$GALLEY_TEST_ROOT"/containers/*/container.json
  assert_success
}

@test "create + start -a share the path of run" {
  run_galley create --name c1 $RUN_IMAGE sh -c 'echo from-start; exit 3'
  assert_output_matches '^[0-9a-f]{64}$'
  run_galley 3 start -a c1
  assert_output_equals "from-start"
  run_galley 125 create --name c1 $RUN_IMAGE true
  assert_stderr_contains "already in use"
}

@test "run --rootfs: an exploded rootfs" {
  mkdir -p "$BATS_TEST_TMPDIR/rootfs/bin"
  cp /bin/busybox "$BATS_TEST_TMPDIR/rootfs/bin/"
  ln -s busybox "$BATS_TEST_TMPDIR/rootfs/bin/sh"
  run_galley run --rm --rootfs "$BATS_TEST_TMPDIR/rootfs" /bin/sh -c 'echo rootfs-ok'
  assert_output_equals "rootfs-ok"
}

@test "run: a -t container gets a real pty" {
  command -v script > /dev/null || skip "script(1) not installed"
  run script -qec "$GALLEY --root $GALLEY_TEST_ROOT --runroot $GALLEY_TEST_RUNROOT run --rm -t $RUN_IMAGE tty" /dev/null
  assert_success
  assert_output_contains "/dev/pts/0"
}

@test "run: an image of more layers than a native overlay stacks names the limit and what to do" {
  run_setup
  python3 "$BATS_TEST_DIRNAME/../images/mkimage.py" docker-archive manylayers "$BATS_TEST_TMPDIR/many.tar" \
    --ref localhost/many:latest --busybox "$(command -v busybox || echo /bin/busybox)" > /dev/null
  run_galley load -q -i "$BATS_TEST_TMPDIR/many.tar"
  run_galley info --format '{{.Host.Rootfs.Method}}'
  if [ "$output" = native ]; then
    run_galley 125 run --rm localhost/many cat /layers/599
    assert_single_error_line
    assert_stderr_contains "image localhost/many has 601 layers, more than the 500 the kernel's overlay can stack"
    assert_stderr_contains 'rootfs_method "fuse-overlayfs" or "copy"'
    run_galley ps -a -q
    assert_output_equals ""
  fi
  # what it says to do works
  export GALLEY_ROOTFS_METHOD=copy
  run_galley run --rm localhost/many cat /layers/599
  assert_output_equals "599"
  unset GALLEY_ROOTFS_METHOD
}
