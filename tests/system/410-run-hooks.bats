#!/usr/bin/env bats
# OCI hooks (oci-hooks(5) hooks.d files) from --hooks-dir and galley.conf's
# hooks_dir: which stage runs where, what a hook is given, its `when`
# conditions, and what is refused.

load helpers
load helpers-run

setup () {
  run_setup
  HOOKS=$BATS_TEST_TMPDIR/hooks.d
  OUT=$BATS_TEST_TMPDIR/out
  mkdir -p "$HOOKS" "$OUT"
  # The recorder: the stage, the fds the hook was given (listed by the
  # `sh -c` that runs this), its environment, and the state from stdin.
  cat > "$BATS_TEST_TMPDIR/record.sh" << EOF
#!/bin/sh
cat > "$OUT/state-\$1.json"
echo "\$1 fds=\$2 env=\$(env | grep -v '^PWD=' | sort | tr '\n' ' ')" >> "$OUT/stages"
exit \${HOOK_EXIT:-0}
EOF
}

teardown () {
  basic_teardown
}

# hook FILE STAGE [WHEN] [ENV]: a 1.0.0 hook file running the recorder at
# STAGE when WHEN (default always) holds.
hook () {
  local file=$1 stage=$2 when=${3:-'"always": true'} env=${4:-'"FOO=bar"'}
  cat > "$HOOKS/$file.json" << EOF
{
  "version": "1.0.0",
  "hook": {
    "path": "/bin/sh",
    "args": ["sh", "-c", "exec /bin/sh $BATS_TEST_TMPDIR/record.sh \"\$0\" \"\$(echo \$(ls /proc/self/fd))\"", "$stage"],
    "env": [$env]
  },
  "when": {$when},
  "stages": ["$stage"]
}
EOF
}

# The stages recorded, in order, on one line.
stages_run () {
  [ -e "$OUT/stages" ] || return 0
  cut -d' ' -f1 "$OUT/stages" | tr '\n' ' ' | sed 's/ $//'
}

@test "hooks of every stage run in order, with the state on stdin, their own environment and no other fd" {
  for stage in prestart createRuntime createContainer poststart poststop; do
    hook "$stage" "$stage"
  done
  # startContainer runs the container's own program, as its user.
  cat > "$HOOKS/startContainer.json" << 'EOF'
{"version": "1.0.0", "hook": {"path": "/bin/sh", "args": ["sh", "-c", "id -u > /tmp/started; env > /tmp/started-env"],
 "env": ["IN_CONTAINER=1"]}, "when": {"always": true}, "stages": ["startContainer"]}
EOF
  SECRET=from-the-caller run_galley --hooks-dir "$HOOKS" run --name hooked --annotation com.example.x=1 -u 1000 \
    $RUN_IMAGE \
    sh -c 'cat /tmp/started; id -u; cat /tmp/started-env'
  assert_equal "${lines[0]}" "${lines[1]}" "startContainer ran as the container's user"
  # Its own variables and the shell's, none of the container's.
  assert_output_contains "IN_CONTAINER=1"
  assert_output_not_contains "HOSTNAME="
  assert_output_not_contains "container="
  assert_equal "$(stages_run)" "prestart createRuntime createContainer poststart poststop"
  run cat "$OUT/stages"
  for line in "${lines[@]}"; do
    assert_equal "${line#* }" "fds=0 1 2 3 env=FOO=bar "
  done
  id=$(galley container inspect hooked --format '{{.Id}}')
  for stage in prestart createRuntime createContainer poststart poststop; do
    run jq -r '[.ociVersion, .id, .status, (.pid // "none"), .annotations["com.example.x"]] | join(" ")' \
      "$OUT/state-$stage.json"
    case $stage in
      prestart | createRuntime) assert_output_matches "^1\.0\.2 $id creating [1-9][0-9]* 1$" ;;
      createContainer) assert_output_equals "1.0.2 $id creating 1 1" ;;
      poststart) assert_output_matches "^1\.0\.2 $id running [1-9][0-9]* 1$" ;;
      poststop) assert_output_equals "1.0.2 $id stopped none 1" ;;
    esac
  done
  # The bundle's config.json says where the rootfs is mounted.
  run jq -r .bundle "$OUT/state-prestart.json"
  assert_output_equals "$GALLEY_TEST_RUNROOT/containers/$id"
  galley rm hooked > /dev/null
}

@test "hooks' when: annotations, commands and hasBindMounts must all hold" {
  hook ann prestart '"annotations": {"^com\\.example\\.gpu$": "^(yes|true)$"}'
  hook cmd createRuntime '"commands": ["^/bin/tr.e$"]'
  hook bind poststart '"hasBindMounts": true'
  hook both poststop '"always": true, "commands": ["^nope$"]'
  hook never prestart '"always": false'

  run_galley --hooks-dir "$HOOKS" run --rm $RUN_IMAGE true
  assert_equal "$(stages_run)" ""
  run_galley --hooks-dir "$HOOKS" run --rm --annotation com.example.gpu=yes -v "$OUT:/mnt" $RUN_IMAGE /bin/true
  assert_equal "$(stages_run)" "prestart createRuntime poststart"
  run_galley --hooks-dir "$HOOKS" run --rm --annotation com.example.gpu=no $RUN_IMAGE true
  assert_equal "$(stages_run)" "prestart createRuntime poststart"
}

@test "a failing hook before the command fails the start with its output, exit 126; a poststop failure is a warning" {
  hook 01-fail createRuntime '"always": true' '"HOOK_EXIT=3"'
  hook 02-after createRuntime
  hook 03-stop poststop '"always": true' '"HOOK_EXIT=4"'
  run_galley 126 --hooks-dir "$HOOKS" run --rm $RUN_IMAGE echo should-not-run
  assert_single_error_line
  assert_stderr_contains "Error: createRuntime hook /bin/sh: exit status 3"
  assert_output_not_contains "should-not-run"
  assert_equal "$(stages_run)" "createRuntime poststop"

  rm "$HOOKS/01-fail.json" "$OUT/stages"
  run_galley --hooks-dir "$HOOKS" run --rm $RUN_IMAGE echo ran
  assert_output_equals "ran"
  assert_stderr_contains "poststop hook /bin/sh: exit status 4"
  run_galley ps -a -q
  assert_output_equals ""
}

@test "a hook that outlives its timeout is killed and fails the start" {
  cat > "$HOOKS/slow.json" << 'EOF'
{"version": "1.0.0", "hook": {"path": "/bin/sleep", "args": ["sleep", "60"], "timeout": 1},
 "when": {"always": true}, "stages": ["prestart"]}
EOF
  run_galley 126 --hooks-dir "$HOOKS" run --rm $RUN_IMAGE true
  assert_stderr_contains "Error: prestart hook /bin/sleep: timed out after 1 s"
}

@test "galley.conf's hooks_dir is read, and --hooks-dir replaces it" {
  mkdir -p "$XDG_CONFIG_HOME/galley" "$BATS_TEST_TMPDIR/other"
  printf '[engine]\nhooks_dir = ["%s"]\n' "$HOOKS" > "$XDG_CONFIG_HOME/galley/galley.conf"
  hook conf poststart
  run_galley run --rm $RUN_IMAGE true
  assert_equal "$(stages_run)" "poststart"
  run_galley --hooks-dir "$BATS_TEST_TMPDIR/other" run --rm $RUN_IMAGE true
  assert_equal "$(stages_run)" "poststart"
}

@test "run -d: the monitor runs poststart and poststop" {
  hook start poststart
  hook stop poststop
  run_galley --hooks-dir "$HOOKS" run -d $RUN_IMAGE true
  wait_until -t 10 grep -q poststop "$OUT/stages"
  assert_equal "$(stages_run)" "poststart poststop"
}

@test "hooks another user could change are refused" {
  hook h prestart
  chmod 0777 "$HOOKS"
  run_galley 125 --hooks-dir "$HOOKS" run --rm $RUN_IMAGE true
  assert_stderr_contains "hooks directory $HOOKS: $HOOKS is writable by other users (mode 0777)"
  chmod 0755 "$HOOKS"
  cp /bin/true "$BATS_TEST_TMPDIR/true"
  chmod 0777 "$BATS_TEST_TMPDIR/true"
  cat > "$HOOKS/h.json" << EOF
{"version": "1.0.0", "hook": {"path": "$BATS_TEST_TMPDIR/true"}, "when": {"always": true}, "stages": ["prestart"]}
EOF
  run_galley 125 --hooks-dir "$HOOKS" run --rm $RUN_IMAGE true
  assert_stderr_contains "$BATS_TEST_TMPDIR/true is writable by other users (mode 0777)"
  assert_equal "$(stages_run)" ""
}

@test "a broken hook file is one error naming it, exit 125" {
  echo '{"version": "1.0.0", "hook": {"path": "/bin/true"}, "when": {"always": true}, "stages": ["prestop"]}' \
    > "$HOOKS/bad.json"
  run_galley 125 --hooks-dir "$HOOKS" run --rm $RUN_IMAGE true
  assert_stderr_contains "Error: $HOOKS/bad.json: unknown stage \"prestop\""
  run_galley ps -a -q
  assert_output_equals ""
}

@test "--annotation: KEY=VALUE, shown by inspect" {
  run_galley create --name ann --annotation a=b --annotation c= $RUN_IMAGE true
  run_galley container inspect ann --format '{{json .Config.Annotations}}'
  assert_output_equals '{"a":"b","c":""}'
  run_galley 125 run --rm --annotation foo $RUN_IMAGE true
  assert_stderr_contains "Error: annotations must be formatted KEY=VALUE"
}
