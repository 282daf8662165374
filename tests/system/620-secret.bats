#!/usr/bin/env bats
# galley secret create/ls/inspect/rm (podman's file driver: output, errors,
# exit codes) and run/create --secret (mounted read-only from the
# container's own copy, or set as a variable); the data stays out of
# records, inspect output and the store's other files.

load helpers
load helpers-run

setup () {
  run_setup
  printf 's3cr3t-%s' "$(random_string 8)" > "$BATS_TEST_TMPDIR/secret"
  data=$(cat "$BATS_TEST_TMPDIR/secret")
}

teardown () {
  galley rm -af > /dev/null 2>&1 || true
  basic_teardown
}

# The store holds only complete secrets: no leftovers of a failed create.
assert_store_clean () {
  local left
  left=$(find "$GALLEY_TEST_ROOT/secrets" -mindepth 1 -maxdepth 1 -name '.tmp-*' 2> /dev/null)
  assert_equal "$left" "" "temporary entries in the secret store"
}

@test "secret create: the id, the file driver's store, podman's errors" {
  run_galley secret create mysecret "$BATS_TEST_TMPDIR/secret"
  assert_output_matches '^[0-9a-f]{25}$'
  local id=$output
  # the data is the user's alone: mode 0600 in a directory of mode 0700
  [ "$(stat -c %a "$GALLEY_TEST_ROOT/secrets")" = 700 ]
  [ "$(stat -c %a "$GALLEY_TEST_ROOT/secrets/$id")" = 700 ]
  [ "$(stat -c %a "$GALLEY_TEST_ROOT/secrets/$id/data")" = 600 ]
  [ "$(cat "$GALLEY_TEST_ROOT/secrets/$id/data")" = "$data" ]
  ! grep -q "$data" "$GALLEY_TEST_ROOT/secrets/$id/secret.json"

  run_galley 125 secret create mysecret "$BATS_TEST_TMPDIR/secret"
  assert_stderr_contains "Error: mysecret: secret name in use"
  run_galley 125 secret create 'bad name' "$BATS_TEST_TMPDIR/secret"
  assert_stderr_contains "must be [a-zA-Z0-9]: bad name: invalid secret name"
  run_galley 125 secret create -x- "$BATS_TEST_TMPDIR/secret"
  run_galley 125 secret create nofile "$BATS_TEST_TMPDIR/nosuch"
  assert_stderr_contains "$BATS_TEST_TMPDIR/nosuch"
  : > "$BATS_TEST_TMPDIR/empty"
  run_galley 125 secret create empty "$BATS_TEST_TMPDIR/empty"
  assert_stderr_contains "secret data must be larger than 0 and less than 512000 bytes"
  head -c 512000 /dev/zero > "$BATS_TEST_TMPDIR/big"
  run_galley 125 secret create big "$BATS_TEST_TMPDIR/big"
  assert_stderr_contains "secret data must be larger than 0 and less than 512000 bytes"
  run_galley 125 secret create --driver pass other "$BATS_TEST_TMPDIR/secret"
  assert_stderr_contains 'secret driver "pass" is not supported'
  run_galley 125 secret create --driver bogus other "$BATS_TEST_TMPDIR/secret"
  assert_stderr_contains "Error: invalid driver"
  run_galley 125 secret create one
  run_galley secret ls -q
  assert_output_equals "$id"
  assert_store_clean
}

@test "secret create from stdin and from a variable; inspect, --pretty, --format" {
  run_galley secret create -l app=web -l tier --driver-opts k=v,x=y fromstdin - < "$BATS_TEST_TMPDIR/secret"
  local id=$output
  SECRET_VAR=from-the-environment run_galley secret create --env fromenv SECRET_VAR
  run_galley 125 secret create --env unset GALLEY_TEST_NO_SUCH_VAR
  assert_stderr_contains "environment variable GALLEY_TEST_NO_SUCH_VAR is not set"
  [ "$(cat "$GALLEY_TEST_ROOT/secrets/$output/data" 2> /dev/null || true)" = "" ]

  run_galley secret inspect fromstdin
  assert_output_not_contains "$data"
  [ "$(jq -r '.[0].ID' <<< "$output")" = "$id" ]
  [ "$(jq -r '.[0].Spec.Name' <<< "$output")" = fromstdin ]
  [ "$(jq -r '.[0].Spec.Driver.Name' <<< "$output")" = file ]
  [ "$(jq -r '.[0].Spec.Driver.Options.k' <<< "$output")" = v ]
  [ "$(jq -r '.[0].Spec.Driver.Options.x' <<< "$output")" = y ]
  [ "$(jq -r '.[0].Spec.Driver.Options.path' <<< "$output")" = "$GALLEY_TEST_ROOT/secrets" ]
  [ "$(jq -r '.[0].Spec.Labels.app' <<< "$output")" = web ]
  [ "$(jq -r '.[0].Spec.Labels.tier' <<< "$output")" = "" ]
  [[ "$(jq -r '.[0].CreatedAt' <<< "$output")" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T.*Z$ ]]

  run_galley secret inspect --format '{{.Spec.Name}}={{.ID}}' fromstdin "${id:0:6}"
  assert_output_equals "fromstdin=$id"$'\n'"fromstdin=$id"
  run_galley secret inspect --pretty fromstdin
  assert_equal "${lines[0]}" "ID:              $id"
  assert_equal "${lines[1]}" "Name:              fromstdin"
  assert_equal "${lines[2]}" "Labels:"
  assert_equal "${lines[3]}" " - app=web"
  assert_equal "${lines[4]}" " - tier="
  assert_equal "${lines[5]}" "Driver:            file"
  assert_output_matches $'\nCreated at:        [0-9-]+ [0-9:.]+ \\+0000 UTC\nUpdated at:        '
  # what was found is printed, then the unknown one fails
  run_galley 125 secret inspect --format '{{.Spec.Name}}' fromenv nosuch
  assert_output_equals fromenv
  assert_stderr_contains 'inspecting secret: no secret with name or id "nosuch": no such secret'
}

@test "secret ls: table, filters, -q, --noheading, --format; rm, rm --all" {
  local a b
  a=$(galley secret create alpha "$BATS_TEST_TMPDIR/secret")
  b=$(galley secret create beta "$BATS_TEST_TMPDIR/secret")
  run_galley secret ls
  assert_output_matches "^ID +NAME +DRIVER +CREATED +UPDATED"$'\n'"$a  alpha +file +(Less than a second|[0-9]+ seconds?) ago +"
  assert_line_count 3
  run_galley secret ls --filter name=lph --noheading
  assert_output_matches "^$a  alpha "
  assert_line_count 1
  run_galley secret ls --filter id="${b:0:5}" --filter id=nomatch -q
  assert_output_equals "$b"
  run_galley secret ls --filter name=alpha --filter id="$b" -q
  assert_output_equals ""
  run_galley 125 secret ls --filter foo=bar
  assert_stderr_contains 'invalid filter "foo"'
  run_galley 125 secret ls --filter name
  assert_single_error_line
  assert_stderr_contains "filter input must be in the form of filter=value: name is invalid"
  # podman's: a name that is no regular expression matches nothing
  run_galley secret ls --filter 'name=[' --filter name=eta -q
  assert_output_equals "$b"
  run_galley secret ls --format '{{.Name}}/{{.Driver}}'
  assert_output_equals $'alpha/file\nbeta/file'
  run_galley secret ls --format json
  [ "$(jq -r '.[1].Name' <<< "$output")" = beta ]

  run_galley 125 secret rm
  assert_stderr_contains "requires one argument, or the --all flag"
  run_galley 125 secret rm --all alpha
  run_galley 125 secret rm alpha nosuch
  assert_output_equals "$a"
  assert_stderr_contains 'no secret with name or id "nosuch": no such secret'
  [ ! -e "$GALLEY_TEST_ROOT/secrets/$a" ]
  galley secret create gamma "$BATS_TEST_TMPDIR/secret" > /dev/null
  run_galley secret rm --all
  assert_line_count 2
  run_galley secret ls --noheading
  assert_output_equals ""
  assert_store_clean
}

@test "run --secret: a read-only file of 0444 at /run/secrets/NAME, other targets, owner and mode" {
  galley secret create mysecret "$BATS_TEST_TMPDIR/secret" > /dev/null
  run_galley run --rm --secret mysecret "$RUN_IMAGE" \
    sh -c 'cat /run/secrets/mysecret; echo; stat -c "%a %u %g" /run/secrets/mysecret; echo x > /run/secrets/mysecret || echo read-only'
  assert_equal "${lines[0]}" "$data"
  assert_equal "${lines[1]}" "444 0 0"
  assert_equal "${lines[2]}" "read-only"
  run_galley run --rm --secret mysecret,target=renamed --secret mysecret,target=/etc/app.key,mode=0400 \
    "$RUN_IMAGE" sh -c 'cat /run/secrets/renamed; echo; cat /etc/app.key; echo; stat -c %a /etc/app.key'
  assert_output_equals "$data"$'\n'"$data"$'\n'"400"
  if has_subids; then
    run_galley run --rm --secret mysecret,uid=1000,gid=100,mode=0440 "$RUN_IMAGE" \
      stat -c "%a %u %g" /run/secrets/mysecret
    assert_output_equals "440 1000 100"
    # readable by its owner, not by others
    run_galley run --rm --user 1000:100 --secret mysecret,uid=1000,mode=0400 "$RUN_IMAGE" cat /run/secrets/mysecret
    assert_output_equals "$data"
    run_galley 1 run --rm --user 1001 --secret mysecret,uid=1000,mode=0400 "$RUN_IMAGE" cat /run/secrets/mysecret
  fi
  # --read-only keeps /run writable for it, as for the rest of /run
  run_galley run --rm --read-only --secret mysecret "$RUN_IMAGE" cat /run/secrets/mysecret
  assert_output_equals "$data"
}

@test "run --secret type=env: a variable that wins over -e, in exec too" {
  galley secret create mysecret "$BATS_TEST_TMPDIR/secret" > /dev/null
  run_galley 1 run --rm --secret mysecret,type=env "$RUN_IMAGE" sh -c 'echo "$mysecret"; ls /run/secrets 2>&1'
  assert_equal "${lines[0]}" "$data"
  assert_equal "${lines[1]}" "ls: /run/secrets: No such file or directory"
  run_galley run --rm -e TOKEN=mine --secret mysecret,type=env,target=TOKEN "$RUN_IMAGE" sh -c 'echo $TOKEN'
  assert_output_equals "$data"
  run_galley run -d --name envc --secret mysecret,type=env,target=TOKEN "$RUN_IMAGE" sleep 100
  wait_running envc
  run_galley exec envc sh -c 'echo $TOKEN'
  assert_output_equals "$data"
  # neither the record nor inspect holds it
  run_galley container inspect envc
  assert_output_not_contains "$data"
  ! grep -rq "$data" "$GALLEY_TEST_ROOT/containers"
}

@test "create --secret: the container keeps its copy; inspect shows it, never the data" {
  galley secret create mysecret "$BATS_TEST_TMPDIR/secret" > /dev/null
  local sid
  sid=$(galley secret ls -q)
  run_galley create --name sc --secret mysecret --secret mysecret,type=env,target=E "$RUN_IMAGE" \
    sh -c 'cat /run/secrets/mysecret; echo " $E"'
  local cid=$output
  run_galley container inspect --format '{{json .Config.Secrets}}' sc
  assert_output_equals "[{\"Name\":\"mysecret\",\"ID\":\"$sid\",\"UID\":0,\"GID\":0,\"Mode\":292}]"
  run_galley inspect sc
  assert_output_not_contains "$data"
  ! grep -q "$data" "$GALLEY_TEST_ROOT/containers/$cid/container.json"
  [ "$(stat -c %a "$GALLEY_TEST_ROOT/containers/$cid/secrets")" = 700 ]
  [ "$(stat -c %a "$GALLEY_TEST_ROOT/containers/$cid/secrets/mysecret")" = 600 ]
  run_galley start -a sc
  assert_output_equals "$data $data"
  # by id prefix: the record names the secret
  galley create --name byid --secret "${sid:0:8}" "$RUN_IMAGE" cat /run/secrets/mysecret > /dev/null
  run_galley container inspect --format '{{(index .Config.Secrets 0).Name}}' byid
  assert_output_equals mysecret
  # a removed secret: the mount's copy stays, the variable cannot be read
  galley secret rm mysecret > /dev/null
  run_galley start -a byid
  assert_output_equals "$data"
  run_galley 125 start -a sc
  assert_stderr_contains 'no secret with name or id "mysecret": no such secret'
  run_galley 125 create --secret mysecret "$RUN_IMAGE" true
}

@test "run --secret: podman's errors for bad options, and no container is left" {
  galley secret create mysecret "$BATS_TEST_TMPDIR/secret" > /dev/null
  run_galley 125 run --rm --secret nosuch "$RUN_IMAGE" true
  assert_stderr_contains 'Error: no secret with name or id "nosuch": no such secret'
  run_galley 125 run --rm --secret mysecret,type=bad "$RUN_IMAGE" true
  assert_stderr_contains "type bad is invalid: parsing secret"
  run_galley 125 run --rm --secret mysecret,bogus=1 "$RUN_IMAGE" true
  assert_stderr_contains "option bogus=1 invalid: parsing secret"
  run_galley 125 run --rm --secret mysecret,type=env,uid=1 "$RUN_IMAGE" true
  assert_stderr_contains "UID, GID, Mode options cannot be set with secret type env: parsing secret"
  run_galley 125 create --secret mysecret,mode=999 "$RUN_IMAGE" true
  assert_stderr_contains "mode 999 invalid: parsing secret"
  run_galley 125 create --secret mysecret,uid=abc "$RUN_IMAGE" true
  assert_stderr_contains "UID abc invalid: parsing secret"
  run_galley 125 create --secret ,type=env "$RUN_IMAGE" true
  assert_stderr_contains "no source found ,type=env: parsing secret"
  run_galley ps -a -q
  assert_output_equals ""
}
