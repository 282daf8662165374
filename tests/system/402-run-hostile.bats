#!/usr/bin/env bats
# galley run: the isolation promises under attack.

load helpers
load helpers-run

setup () {
  run_setup
}

teardown () {
  basic_teardown
}

@test "hostile: no host fd leaks into the container" {
  run bash -c "exec 7</etc/hostname; $GALLEY --root $GALLEY_TEST_ROOT --runroot $GALLEY_TEST_RUNROOT run --rm $RUN_IMAGE sh -c 'ls /proc/self/fd'"
  assert_success
  assert_output_not_contains "7"
}

@test "hostile: a workdir through /proc/self/fd does not escape (CVE-2024-21626)" {
  # Whether /proc/self/fd/N names a directory depends on the init's fds:
  # either the workdir is refused, or it is one of the container's.
  local n
  for n in 3 4 5 6 7 8; do
    run_galley '?' run --rm -w /proc/self/fd/$n $RUN_IMAGE sh -c 'pwd; cat ../../../etc/hostname'
    case $status in
      0)
        assert_output_matches '^/proc/'
        assert_output_not_contains "$(hostname)"
        ;;
      125)
        assert_single_error_line
        assert_stderr_contains "workdir /proc/self/fd/$n"
        ;;
      *)
        echo "FAIL: exit status $status for -w /proc/self/fd/$n" >&2
        return 1
        ;;
    esac
  done
}

@test "hostile: masked paths are masked, read-only paths are read-only" {
  run_galley run --rm $RUN_IMAGE sh -c '
    [ -s /proc/kcore ] && echo kcore readable
    cat /proc/keys 2>/dev/null | grep -q . && echo keys readable
    echo 1 > /proc/sys/kernel/domainname 2>/dev/null && echo proc-sys writable
    echo b > /proc/sysrq-trigger 2>/dev/null && echo sysrq writable
    ls /sys/firmware 2>/dev/null | grep -q . && echo firmware visible
    echo checked'
  assert_output_equals "checked"
}

@test "hostile: capabilities are podman's 11 and cannot be raised" {
  run_galley run --rm $RUN_IMAGE grep CapBnd /proc/self/status
  assert_output_contains "00000000800405fb"
  run_galley run --rm -u 1000 $RUN_IMAGE grep CapEff /proc/self/status
  assert_output_contains "0000000000000000"
  run_galley run --rm --cap-drop all $RUN_IMAGE grep CapEff /proc/self/status
  assert_output_contains "0000000000000000"
}

@test "hostile: seccomp is on by default and off only when asked" {
  run_galley run --rm $RUN_IMAGE grep "^Seccomp:" /proc/self/status
  assert_output_contains "2"
  run_galley run --rm --security-opt seccomp=unconfined $RUN_IMAGE grep "^Seccomp:" /proc/self/status
  assert_output_contains "0"
  run_galley run --rm --security-opt no-new-privileges $RUN_IMAGE grep NoNewPrivs /proc/self/status
  assert_output_contains "1"
}

@test "hostile: a symlink in the image cannot redirect a mount to the host" {
  mkdir -p "$BATS_TEST_TMPDIR/rootfs/bin" "$BATS_TEST_TMPDIR/rootfs/etc" "$BATS_TEST_TMPDIR/target"
  cp /bin/busybox "$BATS_TEST_TMPDIR/rootfs/bin/"
  ln -s busybox "$BATS_TEST_TMPDIR/rootfs/bin/sh"
  ln -s "$BATS_TEST_TMPDIR/target" "$BATS_TEST_TMPDIR/rootfs/mnt"
  ln -s "$BATS_TEST_TMPDIR/target/hosts" "$BATS_TEST_TMPDIR/rootfs/etc/hosts"
  mkdir -p "$BATS_TEST_TMPDIR/vol"
  run_galley run --rm -v "$BATS_TEST_TMPDIR/vol:/mnt/x" --rootfs "$BATS_TEST_TMPDIR/rootfs" /bin/sh -c 'true'
  # the mounts landed inside the rootfs, nothing was created on the host path
  [ ! -e "$BATS_TEST_TMPDIR/target/x" ]
  [ ! -e "$BATS_TEST_TMPDIR/target/hosts" ]
  [ -e "$BATS_TEST_TMPDIR/rootfs/$BATS_TEST_TMPDIR/target/hosts" ]
}

@test "hostile: /proc/1/exe of a --init container is not reachable (CVE-2019-5736)" {
  run_galley run --rm --init $RUN_IMAGE sh -c 'cat /proc/1/exe > /dev/null 2>&1 && echo exe readable; echo x >> /proc/1/exe 2>/dev/null && echo exe writable; echo checked'
  assert_output_equals "checked"
}

@test "hostile: the container cannot remount its rootfs read-write after --read-only" {
  run_galley run --rm --read-only $RUN_IMAGE sh -c 'mount -o remount,rw / 2>/dev/null && echo remounted; touch /x 2>/dev/null && echo writable; echo checked'
  assert_output_equals "checked"
}
