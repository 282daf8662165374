#!/usr/bin/env bats
# CDI devices: --device VENDOR/CLASS=NAME and --gpus, from the JSON and YAML
# specs of galley.conf's cdi_spec_dirs (a private one per test: nobody but
# root may write /etc/cdi).

load helpers
load helpers-run

setup () {
  run_setup
  CDI=$BATS_TEST_TMPDIR/cdi
  DATA=$BATS_TEST_TMPDIR/data
  mkdir -p "$CDI" "$DATA" "$XDG_CONFIG_HOME/galley"
  echo "from the host" > "$DATA/file"
  printf '[engine]\ncdi_spec_dirs = ["%s"]\n' "$CDI" > "$XDG_CONFIG_HOME/galley/galley.conf"
}

teardown () {
  basic_teardown
}

json_spec () {
  cat > "$CDI/example.json" << EOF
{
  "cdiVersion": "0.5.0",
  "kind": "example.com/test",
  "containerEdits": {
    "env": ["CDI_SPEC=json"],
    "mounts": [{"hostPath": "$DATA", "containerPath": "/cdi-data", "options": ["ro", "nosuid", "nodev", "bind"]}]
  },
  "devices": [
    {"name": "zero", "containerEdits": {
      "deviceNodes": [{"path": "/dev/cdi-zero", "hostPath": "/dev/zero", "permissions": "rw"}],
      "env": ["CDI_DEVICE=zero"]}},
    {"name": "full", "containerEdits": {"deviceNodes": [{"path": "/dev/cdi-full", "hostPath": "/dev/full"}]}}
  ]
}
EOF
}

# As `nvidia-ctk cdi generate` writes them: YAML, a document marker, the
# edits every GPU needs at the top, a device per GPU and one named "all".
yaml_spec () {
  cat > "$CDI/nvidia.yaml" << EOF
---
cdiVersion: 0.5.0
containerEdits:
  env:
  - NVIDIA_VISIBLE_DEVICES=void
  deviceNodes:
  - path: /dev/nvidiactl-test
    hostPath: /dev/null
  mounts:
  - containerPath: /usr/lib/cdi-test
    hostPath: $DATA
    options:
    - ro
    - nosuid
    - nodev
    - bind
devices:
- containerEdits:
    deviceNodes:
    - path: /dev/nvidia0-test
      hostPath: /dev/zero
  name: "0"
- containerEdits:
    deviceNodes:
    - path: /dev/nvidia0-test
      hostPath: /dev/zero
    - path: /dev/nvidia1-test
      hostPath: /dev/full
  name: all
kind: nvidia.com/gpu
EOF
}

@test "--device VENDOR/CLASS=NAME from a JSON spec: its device node, mount and environment" {
  json_spec
  run_galley run --rm --device example.com/test=zero $RUN_IMAGE sh -c '
    echo "$CDI_SPEC $CDI_DEVICE"
    [ -c /dev/cdi-zero ] && head -c 4 /dev/cdi-zero | od -An -tx1
    cat /cdi-data/file
    touch /cdi-data/new 2>&1 || echo read-only
    [ -e /dev/cdi-full ] || echo "no full"'
  assert_equal "${lines[0]}" "json zero"
  assert_equal "$(echo ${lines[1]})" "00 00 00 00"
  assert_equal "${lines[2]}" "from the host"
  assert_output_contains "read-only"
  assert_equal "${lines[-1]}" "no full"
  [ ! -e "$DATA/new" ]
}

@test "--gpus all and --device nvidia.com/gpu=0 from a YAML spec as nvidia-ctk writes it" {
  yaml_spec
  run_galley run --rm --gpus all $RUN_IMAGE sh -c \
    'echo $NVIDIA_VISIBLE_DEVICES; ls /dev | grep -- -test; cat /usr/lib/cdi-test/file'
  assert_output_equals "void
nvidia0-test
nvidia1-test
nvidiactl-test
from the host"
  run_galley run --rm --device nvidia.com/gpu=0 $RUN_IMAGE sh -c 'ls /dev | grep -- -test'
  assert_output_equals "nvidia0-test
nvidiactl-test"
  run_galley run --rm --gpus 0 $RUN_IMAGE sh -c 'ls /dev | grep -- -test'
  assert_output_equals "nvidia0-test
nvidiactl-test"
}

@test "create and start: the devices are the container's at every start" {
  json_spec
  run_galley create --name c --device example.com/test=zero --device example.com/test=full $RUN_IMAGE \
    sh -c 'ls /dev/cdi-*'
  run_galley start -a c
  assert_output_equals "/dev/cdi-full
/dev/cdi-zero"
  run_galley start -a c
  assert_output_equals "/dev/cdi-full
/dev/cdi-zero"
}

@test "an unknown CDI device is one error naming it, exit 125, and nothing is created" {
  json_spec
  echo '{"cdiVersion": "0.5.0", "kind": "example.com/test"' > "$CDI/broken.json"
  run_galley 125 create --name c --device example.com/test=nope $RUN_IMAGE true
  assert_stderr_contains "Error: setting up CDI devices: unresolvable CDI devices example.com/test=nope"
  assert_stderr_contains "$CDI/broken.json: invalid JSON"
  run_galley 125 run --rm --gpus all $RUN_IMAGE true
  assert_stderr_contains "unresolvable CDI devices nvidia.com/gpu=all"
  run_galley ps -a -q
  assert_output_equals ""
  # A host path that is not absolute is still no CDI name.
  run_galley 125 run --rm --device dev/null $RUN_IMAGE true
  assert_stderr_contains "the host path must be absolute"
}

@test "a spec another user could change is refused" {
  json_spec
  chmod 0777 "$CDI"
  run_galley 125 run --rm --device example.com/test=zero $RUN_IMAGE true
  assert_stderr_contains "unresolvable CDI devices example.com/test=zero (left out: spec directory $CDI: $CDI is writable by other users (mode 0777))"
  chmod 0755 "$CDI"
  chmod 0666 "$CDI/example.json"
  run_galley 125 run --rm --device example.com/test=zero $RUN_IMAGE true
  assert_stderr_contains "$CDI/example.json is writable by other users (mode 0666)"
}

@test "a CDI spec's hooks run at their stage" {
  cat > "$CDI/hooked.yaml" << EOF
cdiVersion: 0.5.0
kind: example.com/hooked
devices:
- name: dev
  containerEdits:
    hooks:
    - hookName: createContainer
      path: /bin/sh
      args: [sh, -c, 'cat > $BATS_TEST_TMPDIR/state.json']
    - hookName: poststop
      path: /bin/sh
      args: [sh, -c, 'echo stopped > $BATS_TEST_TMPDIR/stopped']
EOF
  run_galley run --rm --name h --device example.com/hooked=dev $RUN_IMAGE true
  run jq -r '.status + " " + (.pid | tostring)' "$BATS_TEST_TMPDIR/state.json"
  assert_output_equals "creating 1"
  run cat "$BATS_TEST_TMPDIR/stopped"
  assert_output_equals "stopped"
}
