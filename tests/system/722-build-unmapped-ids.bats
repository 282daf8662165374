#!/usr/bin/env bats
# --unmapped-ids=ignore (runtime/unmapped_ids.h): chown(2) and its kin to
# ids the container's user namespace lacks succeed and change nothing,
# and so does setgroups(2) in a one-id namespace, through a seccomp
# supervisor; the default for builds of users without subordinate ids,
# so that `useradd -m u && chown -R u /home/u` and a package manager's
# setgroups build there.  The image with useradd and util-linux's
# setpriv (which calls setgroups) is made here from the host's programs
# and the libraries they load: small, and offline.

load helpers
load helpers-run

# An id no map of the tests' users has.
UNMAPPED=99999999

setup () {
  run_setup
  [ -x /usr/sbin/useradd ] && [ -x /usr/bin/setpriv ] || skip "useradd or util-linux's setpriv is missing"
  local ctx=$BATS_TEST_TMPDIR/useradd-image b f
  for b in /usr/sbin/useradd /usr/bin/setpriv; do
    for f in "$b" $(ldd "$b" | grep -o '/[^ ]*'); do
      mkdir -p "$ctx/rootfs$(dirname "$f")"
      cp -L "$f" "$ctx/rootfs$f"
    done
  done
  mkdir -p "$ctx/rootfs/etc"
  cp /etc/login.defs "$ctx/rootfs/etc/"
  printf 'FROM %s\nCOPY rootfs/ /\n' "$RUN_IMAGE" > "$ctx/Containerfile"
  galley build -q -t localhost/useradd "$ctx" > /dev/null
  mkdir -p "$BATS_TEST_TMPDIR/ctx"
  cat > "$BATS_TEST_TMPDIR/ctx/Containerfile" << EOF2
FROM localhost/useradd
RUN useradd -m -u 1001 u && chown -R u /home/u && chown $UNMAPPED:$UNMAPPED /home/u \
    && /usr/bin/setpriv --groups 100 true && stat -c '%u:%g' /home/u > /owner
EOF2
}

@test "unmapped ids: a build's useradd -m, chown -R and setgroups succeed" {
  local flag= expected=0:0
  # with subordinate ids only when asked; 1001 is then mapped and kept
  if has_subids; then
    flag=--unmapped-ids=ignore
    expected=1001:1001
  fi
  run_galley build -q $flag -t built "$BATS_TEST_TMPDIR/ctx"
  run_galley run --rm built cat /owner
  assert_output_equals "$expected"
  run_galley run --rm built grep '^u:' /etc/passwd
  assert_output_contains ":1001:1001::/home/u:"
}

@test "unmapped ids: --unmapped-ids=fail gives the build the kernel's errors" {
  run_galley 1 build --unmapped-ids=fail "$BATS_TEST_TMPDIR/ctx"
  assert_stderr_contains "chown: /home/u: Invalid argument"
}

@test "unmapped ids: run and create --unmapped-ids=ignore; a mapped id still changes" {
  local script="touch /f && chown $UNMAPPED:$UNMAPPED /f && chown -h $UNMAPPED /f && stat -c %u:%g /f"
  run_galley run --rm --unmapped-ids=ignore $RUN_IMAGE sh -c "$script && chown 0:0 /f && echo mapped"
  assert_equal "${lines[0]}" "0:0"
  assert_equal "${lines[1]}" "mapped"
  run_galley 1 run --rm $RUN_IMAGE sh -c "$script"
  assert_stderr_contains "chown: /f: Invalid argument"
  # kept in the container's record: start applies it again
  run_galley create --name kept --unmapped-ids=ignore $RUN_IMAGE sh -c "$script"
  run_galley start -a kept
  assert_output_equals "0:0"
  run_galley rm kept
}

@test "unmapped ids: a setgroups refused without subordinate ids succeeds when ignored" {
  skip_if_subids
  run_galley 127 run --rm localhost/useradd /usr/bin/setpriv --groups 100 true
  assert_stderr_contains "setgroups failed: Operation not permitted"
  run_galley run --rm --unmapped-ids=ignore localhost/useradd /usr/bin/setpriv --groups 100 echo done
  assert_output_equals "done"
}

@test "unmapped ids: a bad --unmapped-ids is one error, exit 125, nothing created" {
  run_galley 125 run --rm --unmapped-ids=maybe $RUN_IMAGE true
  assert_stderr_contains 'invalid value "maybe" for --unmapped-ids: ignore or fail'
  run_galley 125 create --name never --unmapped-ids=maybe $RUN_IMAGE true
  run_galley 125 build --unmapped-ids=maybe "$BATS_TEST_TMPDIR/ctx"
  assert_stderr_contains 'invalid value "maybe" for --unmapped-ids: ignore or fail'
  run_galley ps -a -q
  assert_output_equals ""
}
