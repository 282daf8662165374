#!/usr/bin/env bats
# galley build: every instruction (tests/build-fixtures/*), the results run;
# multi-stage builds and --target; the layer cache (hits, misses after a
# context change, --no-cache); deletions as whiteouts; hostile contexts
# refused; failing RUNs and bad instructions reported as podman does.

load helpers
load helpers-run

FIXTURES=${BATS_TEST_DIRNAME}/../build-fixtures

setup () {
  run_setup
}

teardown () {
  if [ -n "${HTTP_PID:-}" ]; then
    kill "$HTTP_PID" 2> /dev/null || true
  fi
  basic_teardown
}

# A writable copy of a fixture directory; echoes its path.
fixture () {
  local dir=$BATS_TEST_TMPDIR/ctx-$1
  rm -rf "$dir"
  cp -a "$FIXTURES/$1" "$dir"
  echo "$dir"
}

# The build arguments that let the fixtures run without subordinate ids
# (there, only the user's own id exists in the container).
owner_args () {
  if has_subids; then
    echo "--build-arg OWNER=1000:1000 --build-arg RUNAS=1000:1000"
  else
    echo "--build-arg OWNER=0:0 --build-arg RUNAS=0:0"
  fi
}

inspect () {
  galley image inspect "$1" | jq -c "$2"
}

@test "build: every instruction, and the image runs as built" {
  ctx=$(fixture all-instructions)
  tar -C "$ctx" --owner=0 --group=0 -cf "$ctx/archive.tar" archived.txt
  # shellcheck disable=SC2046
  run_galley build -t all $(owner_args) "$ctx"
  assert_output_contains "STEP 1/28: FROM \$BASE"
  assert_output_contains "COMMIT all"
  assert_output_contains "Successfully tagged localhost/all:latest"
  id=${lines[-1]}
  [[ $id =~ ^[0-9a-f]{64}$ ]]

  # ENTRYPOINT + CMD
  run_galley run --rm all
  assert_equal "$output" "hello"
  run_galley run --rm all 'cat run.txt exec.txt heredoc.txt shebang.txt heredoc-copy.txt shell.txt files/one.txt files/sub/two.txt /opt/archived.txt /opt/plain.txt; pwd; echo $GREETING_ENV $APP_HOME; /usr/local/bin/script.sh; stat -c %a /usr/local/bin/script.sh'
  assert_equal "$output" "built-by-run
exec-form
heredoc-script
shebang-script
copied hello
shell-changed
one
two
in-archive
plain
/app
hello /app
script-ran
755"
  if has_subids; then
    run_galley run --rm all 'id -u; stat -c %u:%g /owned/one.txt'
    assert_equal "$output" "1000
1000:1000"
  fi

  # The config instructions.
  assert_equal "$(inspect all '.[0].Config.Labels["org.example.title"]')" '"fixture"'
  assert_equal "$(inspect all '.[0].Config.ExposedPorts | keys')" '["8080/tcp","9090/udp"]'
  assert_equal "$(inspect all '.[0].Config.Volumes | keys')" '["/data"]'
  assert_equal "$(inspect all '.[0].Config.StopSignal')" '"SIGUSR1"'
  assert_equal "$(inspect all '.[0].Config.Healthcheck.Test')" '["CMD","true"]'
  assert_equal "$(inspect all '.[0].Config.Healthcheck.Interval')" '30000000000'
  assert_equal "$(inspect all '.[0].Config.OnBuild')" '["RUN echo triggered > /tmp/onbuild.txt"]'
  assert_equal "$(inspect all '.[0].Config.Entrypoint')" '["/bin/sh","-c"]'
  assert_equal "$(inspect all '.[0].Config.WorkingDir')" '"/app"'
  assert_equal "$(inspect all '.[0].Author')" '"galley tests"'

  # ONBUILD runs in an image built FROM it.
  run_galley build -t child --build-arg PARENT=localhost/all:latest "$FIXTURES/onbuild-child"
  assert_equal "$(inspect child '.[0].Config.OnBuild')" 'null'
}

@test "build: output as podman's, -q prints only the id, -f - and --label" {
  ctx=$(fixture cache)
  run_galley build -t c1 "$ctx"
  assert_equal "${lines[0]}" "STEP 1/6: FROM busybox"
  assert_equal "${lines[1]}" "STEP 2/6: ENV A=1"
  [[ ${lines[2]} =~ ^--\>\ [0-9a-f]{11}$ ]]
  assert_output_contains "COMMIT c1"
  assert_equal "${lines[-2]}" "Successfully tagged localhost/c1:latest"
  id=${lines[-1]}
  assert_equal "$(galley image inspect --format '{{.Id}}' c1)" "$id"

  run_galley build -q -t c2 --label org.test=yes -f - "$ctx" < "$ctx/Containerfile"
  assert_line_count 1
  [[ $output =~ ^[0-9a-f]{64}$ ]]
  assert_equal "$(inspect c2 '.[0].Config.Labels["org.test"]')" '"yes"'
  run_galley run --rm c2
  assert_equal "$output" "v1"
}

@test "build: cache hits on a rebuild, misses after a context change, --no-cache" {
  ctx=$(fixture cache)
  run_galley build -t c "$ctx"
  first=${lines[-1]}
  step_id=$(sed -n 's/^--> Using cache //p; 3s/^--> //p' <<< "$output" | head -1)
  run_galley images -q
  assert_line_count 2
  run_galley build -t c "$ctx"
  assert_equal "$(grep -c -- '--> Using cache' <<< "$output")" 5
  assert_equal "${lines[-1]}" "$first"

  echo v2 > "$ctx/data.txt"
  run_galley build -t c "$ctx"
  assert_equal "$(grep -c -- '--> Using cache' <<< "$output")" 2
  [ "${lines[-1]}" != "$first" ]
  run_galley run --rm c
  assert_equal "$output" "v2"

  run_galley build --no-cache -t c "$ctx"
  assert_output_not_contains "Using cache"

  # Intermediate images are listed with -a only (the earlier results, now
  # without a name, are dangling and listed as podman lists them).
  run_galley images -q --no-trunc
  assert_output_not_contains "$step_id"
  run_galley images -a -q --no-trunc
  assert_output_contains "$step_id"
  # No build container is left.
  run_galley ps -a -q
  assert_equal "$output" ""
}

@test "build: multi-stage with COPY --from; unused stages skipped; --target" {
  run_galley build -t ms "$FIXTURES/multistage"
  assert_output_not_contains "exit 42"
  run_galley run --rm ms
  assert_equal "$output" "from-builder"

  run_galley build -t ms-builder --target builder "$FIXTURES/multistage"
  run_galley run --rm ms-builder cat /out/artifact
  assert_equal "$output" "from-builder"
  run_galley 1 run --rm ms-builder test -e /artifact
}

@test "build: COPY and ADD keep hard links (across sources, in directories, from tars)" {
  ctx=$BATS_TEST_TMPDIR/ctx-links
  mkdir -p "$ctx/dir/sub"
  echo linked > "$ctx/a"
  ln "$ctx/a" "$ctx/b"
  echo deep > "$ctx/dir/x"
  ln "$ctx/dir/x" "$ctx/dir/sub/y"
  ln "$ctx/dir/x" "$ctx/dir/z"
  tar -C "$ctx" -cf "$ctx/links.tar" a b
  cat > "$ctx/Containerfile" << EOF
FROM $RUN_IMAGE
COPY a b /t/
COPY --chmod=600 a b /m/
COPY dir /d/
ADD links.tar /x/
ADD a b /add/
EOF
  run_galley build -q -t links "$ctx"
  run_galley run --rm links sh -c \
    'for p in /t/a /t/b /m/a /m/b /d/x /d/sub/y /d/z /x/a /x/b /add/a /add/b; do stat -c "%i %h %a" $p; done'
  # inode, link count and mode of each; the names of one file share an inode
  assert_equal "${#lines[@]}" 11
  assert_equal "${lines[1]}" "${lines[0]}" "/t/b"
  assert_equal "${lines[0]#* }" "2 644" "/t/a"
  assert_equal "${lines[3]}" "${lines[2]}" "/m/b"
  assert_equal "${lines[2]#* }" "2 600" "/m/a"
  assert_equal "${lines[5]}" "${lines[4]}" "/d/sub/y"
  assert_equal "${lines[6]}" "${lines[4]}" "/d/z"
  assert_equal "${lines[4]#* }" "3 644" "/d/x"
  assert_equal "${lines[8]}" "${lines[7]}" "/x/b"
  assert_equal "${lines[7]#* }" "2 644" "/x/a"
  assert_equal "${lines[10]}" "${lines[9]}" "/add/b"
  assert_equal "${lines[9]#* }" "2 644" "/add/a"
  run_galley run --rm links cat /t/b /d/sub/y /x/b
  assert_equal "$output" "linked
deep
linked"
}

@test "build: RUN deleting base files gives whiteouts, a replaced dir is opaque" {
  run_galley build -t wo "$FIXTURES/whiteout"
  run_galley run --rm wo sh -c 'ls /d; test -e /bin/vi || echo vi-gone; test -e /bin/sh && echo sh-kept'
  assert_equal "$output" "c
vi-gone
sh-kept"
  # The build's mount points are not part of any layer.
  run_galley run --rm wo cat /etc/hostname
  [ "$output" != "" ]
}

@test "build: hostile contexts are refused" {
  outside=$BATS_TEST_TMPDIR/outside
  mkdir -p "$outside"
  echo stolen > "$outside/outside.txt"
  echo stolen > "$BATS_TEST_TMPDIR/outside.txt"

  ctx=$(fixture hostile-dotdot)
  run_galley 125 build -t bad "$ctx"
  assert_stderr_contains "outside.txt"

  ctx=$(fixture hostile-symlink)
  ln -s "$outside" "$ctx/escape"
  run_galley 125 build -t bad "$ctx"
  assert_stderr_contains "escape/outside.txt"

  # An ignore file cannot bring back what is outside the context: the
  # pattern is refused, naming its line.
  ctx=$(fixture hostile-ignore)
  run_galley 125 build -t ign "$ctx"
  assert_stderr_contains 'line 2: pattern "!../outside.txt" points outside the build context'
  run_galley 1 image exists ign
  run_galley 1 image exists bad
}

@test "build: a failing RUN reports its status and leaves nothing behind" {
  run_galley 3 build -t fails "$FIXTURES/failing-run"
  assert_stderr_contains 'building at STEP "RUN exit 3": while running runtime: exit status 3'
  assert_stderr_contains "Containerfile:2"
  run_galley ps -a -q
  assert_equal "$output" ""
  run_galley images -a -q
  assert_line_count 1
  run_galley 1 image exists fails
}

@test "build: a bad instruction names file and line" {
  run_galley 125 build "$FIXTURES/bad-instruction"
  assert_stderr_contains "Containerfile:3"
  assert_stderr_contains "FOO"
}

@test "build: ADD of a URL, Dockerfile fallback, --format docker, --platform" {
  port=$((20000 + RANDOM % 20000))
  web=$BATS_TEST_TMPDIR/web
  mkdir -p "$web"
  echo served > "$web/file.txt"
  python3 -m http.server --bind 127.0.0.1 --directory "$web" "$port" > /dev/null 2>&1 &
  HTTP_PID=$!
  wait_until curl -sf -o /dev/null "http://127.0.0.1:$port/file.txt"
  ctx=$BATS_TEST_TMPDIR/url
  mkdir -p "$ctx"
  printf 'FROM busybox\nADD http://127.0.0.1:%s/file.txt /got/\n' "$port" > "$ctx/Dockerfile"
  run_galley build -t url --format docker "$ctx"
  run_galley run --rm url cat /got/file.txt
  assert_equal "$output" "served"
  galley image inspect url | jq -e '.[0].ManifestType == "application/vnd.docker.distribution.manifest.v2+json"'

  run_galley 125 build --platform linux/s390x -t other "$ctx"
  assert_stderr_contains "s390x"
}

@test "build: predefined ARGs, proxy ARGs, --squash, --layers=false" {
  arch=$(uname -m | sed 's/x86_64/amd64/; s/aarch64/arm64/')
  run_galley build -q --squash --network none --build-arg http_proxy=http://proxy.invalid:3128 -t sq \
    "$FIXTURES/args-squash"
  run_galley run --rm sq
  assert_equal "$output" "$arch linux/$arch http://proxy.invalid:3128"
  assert_equal "$(inspect sq '.[0].RootFS.Layers | length')" 1
  run_galley 1 run --rm sq test -e /bin/vi
  # The proxy is not recorded in the image.
  run_galley image inspect sq
  assert_output_not_contains "proxy.invalid"

  run_galley images -a -q
  before=${#lines[@]}
  run_galley build -q --layers=false -t nl "$FIXTURES/args-squash"
  run_galley images -a -q
  assert_equal "${#lines[@]}" $((before + 1))
}

@test "build: missing Containerfile and bad options" {
  empty=$BATS_TEST_TMPDIR/empty
  mkdir -p "$empty"
  run_galley 125 build "$empty"
  assert_stderr_contains "no Containerfile or Dockerfile specified or found in context directory"
  run_galley 125 build --pull=sometimes "$FIXTURES/cache"
  assert_stderr_contains "invalid pull policy"
  run_galley 125 build --target nosuch "$FIXTURES/multistage"
  assert_stderr_contains 'target stage "nosuch" not found'
}
