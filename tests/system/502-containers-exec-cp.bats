#!/usr/bin/env bats
# galley exec and galley cp on running and stopped containers, including
# the hostile cases: exec gets the container's confinement, cp cannot be
# pointed at the host through symlinks in the container.

load helpers
load helpers-run

setup () {
  run_setup
  galley run -d --name box $RUN_IMAGE sh -c \
    'mkdir -p /data/sub; echo inside > /data/sub/f; ln -s / /data/rootlink; ln -s /etc /data/etclink; sleep 1000' > /dev/null
  wait_until galley exec box test -e /data/etclink
}

teardown () {
  galley rm -af > /dev/null 2>&1 || true
  basic_teardown
}

@test "exec: output, exit codes, 127 for a missing command" {
  run_galley exec box sh -c 'echo hello; echo oops >&2'
  assert_output_equals "hello"
  assert_equal "$stderr" "oops"
  run_galley 5 exec box sh -c 'exit 5'
  run_galley 127 exec box /no/such/thing
}

@test "exec: joins the container's namespaces (pid 1 is the container's command)" {
  run_galley exec box cat /proc/1/cmdline
  assert_output_contains "sleep"
  run_galley exec box hostname
  assert_equal "$output" "$(galley container inspect box --format '{{.Config.Hostname}}')"
}

@test "exec: into a --userns=keep-id container, as the user (with or without subordinate ids)" {
  galley run -d --name kid --userns=keep-id --network none $RUN_IMAGE sleep 1000 > /dev/null
  run_galley exec kid id -u
  assert_output_equals "$(id -u)"
  run_galley exec kid sh -c 'echo ok > /tmp/written && cat /tmp/written'
  assert_output_equals "ok"
}

@test "exec: -u -w -e --env-file, -i" {
  skip_if_no_subids # uid 1000 must be mapped
  echo "FROMFILE=yes" > "$BATS_TEST_TMPDIR/envfile"
  run_galley exec -u 1000:1000 -w /tmp -e FOO=bar --env-file "$BATS_TEST_TMPDIR/envfile" box \
    sh -c 'id -u; id -g; pwd; echo $FOO $FROMFILE'
  assert_equal "$output" "1000
1000
/tmp
bar yes"
  run --separate-stderr bash -c "echo piped | $(printf '%q ' "$GALLEY") --root '$GALLEY_TEST_ROOT' --runroot '$GALLEY_TEST_RUNROOT' exec -i box cat"
  assert_equal "$output" "piped"
  run_galley 125 exec -w relative box true
}

@test "exec: the container's capabilities and seccomp filter apply" {
  run_galley exec box grep -E '^(CapEff|CapBnd|Seccomp):' /proc/self/status
  assert_output_contains "CapEff:	00000000800405fb"
  assert_output_contains "Seccomp:	2"
  has_subids || return 0 # uid 1000 must be mapped
  run_galley exec -u 1000 box grep '^CapEff:' /proc/self/status
  assert_output_contains "CapEff:	0000000000000000"
}

@test "exec: only on running containers" {
  galley stop -t 0 box > /dev/null
  run_galley 125 exec box true
  assert_stderr_contains "can only create exec sessions on running containers"
}

@test "cp: out of and into a running container, files and directories" {
  cd "$BATS_TEST_TMPDIR"
  run_galley cp box:/data/sub/f ./f
  assert_equal "$(cat f)" "inside"
  run_galley cp box:/data ./datacopy
  assert_equal "$(cat datacopy/sub/f)" "inside"
  assert_equal "$(readlink datacopy/etclink)" "/etc"
  echo host > hostfile
  run_galley cp hostfile box:/tmp/
  run_galley exec box cat /tmp/hostfile
  assert_output_equals "host"
  run_galley cp hostfile box:/renamed
  run_galley exec box cat /renamed
  assert_output_equals "host"
  mkdir -p tree/a && echo x > tree/a/x
  run_galley cp tree/. box:/newdir
  run_galley exec box cat /newdir/a/x
  assert_output_equals "x"
}

@test "cp: symlinks in the container cannot reach the host (CVE-2018-15664 class)" {
  cd "$BATS_TEST_TMPDIR"
  echo host > hostfile
  # a directory that exists both on the host and in the container
  local target=/tmp/galley-escape-$$-$RANDOM
  # /data/rootlink -> / : writing through it lands in the container's /
  run_galley cp hostfile "box:/data/rootlink$target"
  if [ -e "$target" ]; then
    rm -f "$target"
    false
  fi
  # ... and in the container's own /tmp
  run_galley exec box test -e "$target"
  # reading through /data/etclink gets the container's /etc, not the host's
  run_galley cp box:/data/etclink/hostname ./hn
  assert_equal "$(cat hn)" "$(galley exec box cat /etc/hostname)"
}

@test "cp: a stopped container" {
  cd "$BATS_TEST_TMPDIR"
  galley stop -t 0 box > /dev/null
  echo later > later
  run_galley cp later box:/later
  run_galley cp box:/later ./back
  assert_equal "$(cat back)" "later"
  run_galley cp box:/data/sub/f ./f
  assert_equal "$(cat f)" "inside"
  # and the running container sees it
  galley start box > /dev/null
  run_galley exec box cat /later
  assert_output_equals "later"
}

@test "cp: errors" {
  run_galley 125 cp /etc/hostname /tmp/x
  run_galley 125 cp box:/does/not/exist "$BATS_TEST_TMPDIR/x"
  run_galley 125 cp nosuch:/etc/hostname "$BATS_TEST_TMPDIR/x"
}

@test "diff: added, changed, deleted; --format json" {
  galley exec box sh -c 'echo x > /etc/newfile; rm /bin/ls'
  run_galley diff box
  assert_output_contains "A /etc/newfile"
  assert_output_contains "C /etc"
  assert_output_contains "D /bin/ls"
  assert_output_contains "A /data/sub/f"
  assert_output_not_contains "/etc/hostname"
  run_galley diff --format json box
  echo "$output" | jq -e '.added | index("/etc/newfile")'
  echo "$output" | jq -e '.deleted == ["/bin/ls"]'
}

@test "export: the container's filesystem as a tar, -o or stdout" {
  galley exec box sh -c 'echo x > /etc/newfile'
  run_galley export -o "$BATS_TEST_TMPDIR/c.tar" box
  tar -tf "$BATS_TEST_TMPDIR/c.tar" > "$BATS_TEST_TMPDIR/list"
  grep -qx 'etc/newfile' "$BATS_TEST_TMPDIR/list"
  grep -qx 'bin/busybox' "$BATS_TEST_TMPDIR/list"
  grep -qx 'data/sub/f' "$BATS_TEST_TMPDIR/list"
  # owners as the container sees them
  tar -tvf "$BATS_TEST_TMPDIR/c.tar" etc/newfile | grep -q ' 0/0 '
  galley export box > "$BATS_TEST_TMPDIR/d.tar"
  tar -tf "$BATS_TEST_TMPDIR/d.tar" | grep -qx 'etc/newfile'
}
