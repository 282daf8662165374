#!/usr/bin/env bats
# galley build --secret and RUN --mount=type=secret (podman's and
# buildah's syntax): the secret is a read-only file for that RUN only, with
# the owner and mode asked for, and in no layer, no image and no later RUN.

load helpers
load helpers-run

setup () {
  run_setup
  data=build-s3cr3t-$(random_string 8)
  printf '%s' "$data" > "$BATS_TEST_TMPDIR/secret"
  ctx=$BATS_TEST_TMPDIR/ctx
  mkdir -p "$ctx"
}

# Every file of every layer of image $1, one "path<TAB>content" line each
# (from a docker-archive of it).
layer_files () {
  local dir=$BATS_TEST_TMPDIR/saved layer
  rm -rf "$dir"
  mkdir -p "$dir"
  galley save -o "$dir/image.tar" "$1"
  tar -C "$dir" -xf "$dir/image.tar"
  for layer in $(jq -r '.[0].Layers[]' "$dir/manifest.json"); do
    tar -tvf "$dir/$layer"
    tar -xOf "$dir/$layer" 2> /dev/null || true
  done
}

@test "build --secret: RUN --mount=type=secret sees it, the image never holds it" {
  cat > "$ctx/Containerfile" << 'EOF'
FROM localhost/busybox:latest
RUN --mount=type=secret,id=mysec stat -c "%a %u %g" /run/secrets/mysec && cat /run/secrets/mysec && echo && (echo x > /run/secrets/mysec || echo read-only)
RUN --mount=type=secret,id=mysec,target=/etc/app.key,mode=0444 cat /etc/app.key && echo && stat -c %a /etc/app.key
RUN --mount=type=secret,id=fromenv,dst=env.txt cat /run/secrets/env.txt && echo
RUN --mount=type=secret,id=notgiven ls /run/secrets 2>&1 || echo "no secrets here"
RUN ls -a /run /etc > /listing
EOF
  BUILD_SECRET_VAR=from-the-env run_galley build --secret id=mysec,src="$BATS_TEST_TMPDIR/secret" \
    --secret id=fromenv,env=BUILD_SECRET_VAR -t withsecret "$ctx"
  assert_output_contains $'400 0 0\n'"$data"$'\nread-only'
  assert_output_contains "$data"$'\n444'
  assert_output_contains $'from-the-env\n'
  assert_output_contains "no secrets here"
  # not in the image's files, layers or history
  run_galley 1 run --rm withsecret sh -c 'cat /listing; ls /run/secrets /etc/app.key 2>&1'
  assert_output_not_contains "mysec"
  assert_output_contains "ls: /run/secrets: No such file or directory"
  assert_output_contains "ls: /etc/app.key: No such file or directory"
  run layer_files withsecret
  assert_output_not_contains "$data"
  assert_output_not_contains "from-the-env"
  assert_output_not_contains "run/secrets"
  assert_output_not_contains "etc/app.key"
  run_galley history --no-trunc withsecret
  assert_output_not_contains "$data"
}

@test "build --secret: uid and gid of the file, a required secret, podman's errors" {
  cat > "$ctx/Containerfile" << 'EOF'
FROM localhost/busybox:latest
RUN --mount=type=secret,id=mysec,uid=1000,gid=100,mode=0440 stat -c "%a %u %g" /run/secrets/mysec
EOF
  run_galley build --secret id=mysec,src="$BATS_TEST_TMPDIR/secret" "$ctx"
  if has_subids; then
    assert_output_contains "440 1000 100"
  else
    # a single-id map has no other owner to give it
    assert_output_contains "440 0 0"
  fi

  cat > "$ctx/Containerfile" << 'EOF'
FROM localhost/busybox:latest
RUN --mount=type=secret,id=needed,required true
EOF
  run_galley 125 build "$ctx"
  assert_stderr_contains "secret required but no secret with id needed found"
  run_galley build --secret id=needed,src="$BATS_TEST_TMPDIR/secret" "$ctx"

  run_galley 125 build --secret src="$BATS_TEST_TMPDIR/secret" "$ctx"
  assert_stderr_contains "incorrect secret flag format: should be --secret id=foo,src=bar[,env=ENV,type=file|env]"
  run_galley 125 build --secret id=x,src="$BATS_TEST_TMPDIR/nosuch" "$ctx"
  assert_stderr_contains "could not parse secrets: stat $BATS_TEST_TMPDIR/nosuch"
  run_galley 125 build --secret id=x,type=bad "$ctx"
  assert_stderr_contains "invalid secret type, must be file or env"
  run_galley 125 build --secret id=x,env=GALLEY_TEST_NO_SUCH_VAR "$ctx"
  assert_stderr_contains "cannot find env var GALLEY_TEST_NO_SUCH_VAR"

  cat > "$ctx/Containerfile" << 'EOF'
FROM localhost/busybox:latest
RUN --mount=type=secret,id=x,mode=999 true
EOF
  run_galley 125 build --secret id=x,src="$BATS_TEST_TMPDIR/secret" "$ctx"
  assert_stderr_contains "incorrect secret mount format"
}
