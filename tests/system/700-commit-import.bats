#!/usr/bin/env bats
# galley commit and galley import: a container's changes (new, modified and
# deleted files, replaced directories) become an image that runs with
# exactly those changes; --change, --author, --message take effect; bad
# input fails with one error line and leaves no image; imported tarballs
# (file, stdin, compressed) run; committed images save and load back.

load helpers
load helpers-run

setup () {
  run_setup
}

teardown () {
  [ -z "${SERVER_PID:-}" ] || kill "$SERVER_PID" 2> /dev/null || true
  galley rm -af > /dev/null 2>&1 || true
  unset GALLEY_ROOTFS_METHOD
  basic_teardown
}

# The changes every commit test makes: a new file, a modified file, a
# deleted file, a deleted directory, a directory replaced by a new one.
CHANGES='echo new > /new; echo changed >> /etc/group; rm /bin/vi; rm -rf /usr/sbin;
  rm -rf /home; mkdir /home; echo z > /home/z; mkdir -p /d/e; echo f > /d/e/f'

# What a container of the committed image must see.
check_changes () {
  run_galley run --rm "$1" sh -c 'cat /new; tail -n1 /etc/group; ls /bin/vi /usr/sbin 2>&1 | wc -l;
    test -e /bin/vi || echo vi-gone; test -e /usr/sbin || echo sbin-gone; ls -A /home; cat /d/e/f'
  assert_equal "$output" "new
changed
2
vi-gone
sbin-gone
z
f"
}

image_count () {
  galley images -q | wc -l
}

@test "commit: new, modified and deleted files (whiteouts, opaque directory)" {
  galley run --name c1 $RUN_IMAGE sh -c "$CHANGES"
  run_galley commit c1 committed
  # progress on stderr, the id alone on stdout
  assert_output_matches '^[0-9a-f]{64}$'
  assert_stderr_contains "Getting image source signatures"
  assert_stderr_contains "Writing manifest to image destination"
  id=$output
  run_galley images --format '{{.Repository}}:{{.Tag}} {{.ID}}'
  assert_output_contains "localhost/committed:latest ${id:0:12}"
  check_changes committed
  # one layer more than the base, chain ids from the diff ids
  run_galley image inspect --format '{{len .RootFS.Layers}}' $RUN_IMAGE
  base_layers=$output
  run_galley image inspect --format '{{len .RootFS.Layers}}' committed
  assert_equal "$output" "$((base_layers + 1))"
  # the runtime's mount points are not part of the new layer
  galley save -o "$BATS_TEST_TMPDIR/c.tar" committed
  mkdir "$BATS_TEST_TMPDIR/c"
  tar -C "$BATS_TEST_TMPDIR/c" -xf "$BATS_TEST_TMPDIR/c.tar"
  last=$(jq -r '.[0].Layers[-1]' "$BATS_TEST_TMPDIR/c/manifest.json")
  run tar -tf "$BATS_TEST_TMPDIR/c/$last"
  assert_output_contains "new"
  assert_output_contains "bin/.wh.vi"
  assert_output_contains "home/.wh..wh..opq"
  assert_output_not_contains "etc/hosts"
  assert_output_not_contains "etc/resolv.conf"
  assert_output_not_contains "run/.containerenv"
}

@test "commit: -c CMD ENV WORKDIR ENTRYPOINT LABEL EXPOSE USER take effect; -a -m in inspect and history" {
  galley run --name c2 $RUN_IMAGE true
  run_galley commit -q -a "Jane Doe" -m "my message" \
    -c 'CMD ["-c", "echo $FOO; pwd"]' -c 'ENTRYPOINT ["/bin/sh"]' -c 'ENV FOO=bar' \
    -c 'WORKDIR /tmp' -c 'LABEL owner=jane' -c 'EXPOSE 8080' -c 'USER root' -f docker c2 changed
  assert_output_matches '^[0-9a-f]{64}$'
  assert_stderr_empty
  run_galley run --rm changed
  assert_equal "$output" "bar
/tmp"
  run_galley image inspect --format '{{.Author}}|{{.Comment}}|{{.Config.Labels.owner}}|{{.Config.User}}' changed
  assert_equal "$output" "Jane Doe|my message|jane|root"
  run_galley image inspect --format '{{json .Config.ExposedPorts}}' changed
  assert_output_contains '"8080/tcp"'
  run_galley history --format '{{.Comment}}' changed
  assert_equal "${lines[0]}" "my message"
}

@test "commit: the container's command, env, workdir, labels and ports carry over; -q prints only the id" {
  galley create --name c3 -e FROMRUN=yes -w /etc -p 127.0.0.1::8081/udp --label l=v $RUN_IMAGE sh -c 'echo $FROMRUN; pwd' > /dev/null
  run_galley commit -q c3 carried
  assert_stderr_empty
  run_galley run --rm carried
  assert_equal "$output" "yes
/etc"
  run_galley image inspect --format '{{json .Config.ExposedPorts}} {{.Config.Labels.l}}' carried
  assert_equal "$output" '{"8081/udp":{}} v'
}

@test "commit: a running container, with and without --pause" {
  galley run -d --name live $RUN_IMAGE sh -c 'echo running > /state; sleep 1000' > /dev/null
  wait_until galley exec live test -e /state
  run_galley commit -q live live1
  run_galley commit -q --pause live live2
  run_galley inspect --format '{{.State.Status}}' live
  assert_equal "$output" "running"
  run_galley run --rm live2 cat /state
  assert_equal "$output" "running"
  run_galley run --rm live1 cat /state
  assert_equal "$output" "running"
}

@test "commit: rm -f of the container waits for a commit reading its files" {
  galley run --name big $RUN_IMAGE sh -c 'mkdir /many && i=0 && while [ $i -lt 3000 ]; do echo $i > /many/f$i; i=$((i+1)); done'
  local lock
  lock=$GALLEY_TEST_ROOT/containers/$(galley container inspect big --format '{{.Id}}')/lock
  galley commit -q big bigimg > "$BATS_TEST_TMPDIR/commit.out" 2> "$BATS_TEST_TMPDIR/commit.err" 3>&- &
  commit=$!
  # rm once the commit reads (holds the container's lock), or has read
  wait_until commit_started "$lock" $commit
  run_galley rm -f big
  wait $commit
  # the commit read every file before they went
  run_galley run --rm bigimg sh -c 'ls /many | wc -l'
  assert_equal "$output" "3000"
}

commit_started () {
  lock_held "$1" || process_gone "$2"
}

@test "commit: an unchanged container still gets a layer; no name gives a dangling image" {
  galley create --name idle $RUN_IMAGE true > /dev/null
  run_galley commit -q idle
  id=$output
  run_galley image inspect --format '{{len .RootFS.Layers}}' $id
  base=$(galley image inspect --format '{{len .RootFS.Layers}}' $RUN_IMAGE)
  assert_equal "$output" "$((base + 1))"
  run_galley images --format '{{.Repository}}:{{.Tag}} {{.ID}}'
  assert_output_contains "<none>:<none> ${id:0:12}"
}

@test "commit: bad input is one error line, exit 125, and no image" {
  galley run --name c4 $RUN_IMAGE true
  before=$(image_count)
  run_galley 125 commit nosuchcontainer img1
  assert_single_error_line
  assert_stderr_contains 'no container with name or ID "nosuchcontainer" found'
  run_galley 125 commit -c 'FOO bar' c4 img2
  assert_single_error_line
  assert_stderr_contains 'invalid change "FOO bar" - invalid instruction FOO'
  run_galley 125 commit -c 'EXPOSE 99999' c4 img3
  assert_single_error_line
  run_galley 125 commit -f nope c4 img4
  assert_single_error_line
  run_galley 125 commit c4 'Bad:Name:x'
  assert_single_error_line
  assert_equal "$(image_count)" "$before"
  run_galley images --format '{{.Repository}}'
  assert_output_not_contains "img"
}

@test "commit: the copy rootfs method gives one flattened layer with the same content" {
  export GALLEY_ROOTFS_METHOD=copy
  galley run --name cc $RUN_IMAGE sh -c "$CHANGES"
  run_galley commit -q cc flat
  run_galley image inspect --format '{{len .RootFS.Layers}}' flat
  assert_equal "$output" "1"
  unset GALLEY_ROOTFS_METHOD
  check_changes flat
}

@test "commit --squash: one layer, same content" {
  galley run --name cs $RUN_IMAGE sh -c "$CHANGES"
  run_galley commit -q --squash cs squashed
  run_galley image inspect --format '{{len .RootFS.Layers}}' squashed
  assert_equal "$output" "1"
  check_changes squashed
}

@test "commit: a committed image saves and loads back, and runs" {
  galley run --name c5 $RUN_IMAGE sh -c "$CHANGES"
  galley commit -q c5 roundtrip > /dev/null
  galley save -o "$BATS_TEST_TMPDIR/rt.tar" roundtrip
  galley save --format oci-archive -o "$BATS_TEST_TMPDIR/rt-oci.tar" roundtrip
  galley rm -a > /dev/null
  galley rmi roundtrip > /dev/null
  run_galley load -i "$BATS_TEST_TMPDIR/rt.tar"
  assert_output_contains "Loaded image: localhost/roundtrip:latest"
  check_changes roundtrip
  galley rmi roundtrip > /dev/null
  run_galley load -i "$BATS_TEST_TMPDIR/rt-oci.tar"
  check_changes roundtrip
}

@test "commit: files of a keep-id container keep the owners the container saw" {
  skip_if_no_subids
  galley run --name k1 --userns keep-id --network none $RUN_IMAGE touch /tmp/mine
  uid=$(id -u)
  galley commit -q k1 keptid > /dev/null
  run_galley run --rm keptid stat -c %u /tmp/mine
  assert_equal "$output" "$uid"
}

@test "commit: a committed image pushes (oci and v2s2) and pulls back" {
  skip_if_no_registry "$scratch_registry"
  galley run --name cp1 $RUN_IMAGE sh -c "$CHANGES"
  galley commit -q cp1 topush > /dev/null
  repo=$scratch_registry/commit-$(random_string 10)
  for f in oci v2s2; do
    run_galley push -q --format $f topush $repo:$f
    galley rmi -f $repo:$f > /dev/null 2>&1 || true
    run_galley pull -q $repo:$f
    check_changes $repo:$f
  done
}

@test "container commit is an alias" {
  galley run --name c6 $RUN_IMAGE sh -c 'echo aliased > /a'
  run_galley container commit -q c6 aliased
  run_galley run --rm aliased cat /a
  assert_equal "$output" "aliased"
}

make_tree () {
  mkdir -p "$BATS_TEST_TMPDIR/tree/bin" "$BATS_TEST_TMPDIR/tree/etc"
  cp "$(command -v busybox)" "$BATS_TEST_TMPDIR/tree/bin/busybox"
  ln -s busybox "$BATS_TEST_TMPDIR/tree/bin/sh"
  ln -s busybox "$BATS_TEST_TMPDIR/tree/bin/cat"
  echo "imported" > "$BATS_TEST_TMPDIR/tree/etc/marker"
}

@test "import: a tarball from a file runs; -c and -m take effect; sha256: id on stdout" {
  command -v busybox > /dev/null || skip "no busybox on the host"
  file "$(command -v busybox)" | grep -q 'statically linked' || skip "busybox is not static"
  make_tree
  tar -C "$BATS_TEST_TMPDIR/tree" -cf "$BATS_TEST_TMPDIR/tree.tar" .
  run_galley import -c 'CMD ["/bin/cat", "/etc/marker"]' -c 'ENV X=1' -m "from a file" "$BATS_TEST_TMPDIR/tree.tar" imported
  assert_output_matches '^sha256:[0-9a-f]{64}$'
  assert_stderr_contains "Getting image source signatures"
  run_galley run --rm imported
  assert_equal "$output" "imported"
  run_galley run --rm imported /bin/sh -c 'echo $X'
  assert_equal "$output" "1"
  run_galley history --no-trunc --format '{{.Comment}}|{{.CreatedBy}}' imported
  assert_output_matches '^from a file\|/bin/sh -c #\(nop\) ADD file:[0-9a-f]{64} in /$'
  run_galley image inspect --format '{{.Os}}/{{.Architecture}}|{{.Comment}}' imported
  assert_output_matches '^linux/.*\|from a file$'
}

@test "import: compressed, from stdin, image import alias, --os --arch" {
  command -v busybox > /dev/null || skip "no busybox on the host"
  file "$(command -v busybox)" | grep -q 'statically linked' || skip "busybox is not static"
  make_tree
  tar -C "$BATS_TEST_TMPDIR/tree" -czf "$BATS_TEST_TMPDIR/tree.tgz" .
  run bash -c "$(printf '%q ' "$GALLEY") --root '$GALLEY_TEST_ROOT' --runroot '$GALLEY_TEST_RUNROOT' import -q - fromstdin < '$BATS_TEST_TMPDIR/tree.tgz'"
  [ "$status" -eq 0 ]
  [[ "$output" =~ ^sha256:[0-9a-f]{64}$ ]]
  run_galley run --rm fromstdin /bin/cat /etc/marker
  assert_equal "$output" "imported"
  run_galley image import -q --os linux --arch arm64 --variant v8 "$BATS_TEST_TMPDIR/tree.tgz" other
  run_galley image inspect --format '{{.Os}}/{{.Architecture}}' other
  assert_equal "$output" "linux/arm64"
}

@test "import: from an http URL" {
  command -v python3 > /dev/null || skip "no python3 for a local web server"
  file "$(command -v busybox)" | grep -q 'statically linked' || skip "busybox is not static"
  make_tree
  tar -C "$BATS_TEST_TMPDIR/tree" -czf "$BATS_TEST_TMPDIR/tree.tgz" .
  port=$((20000 + RANDOM % 20000))
  (cd "$BATS_TEST_TMPDIR" && exec python3 -m http.server $port --bind 127.0.0.1 > /dev/null 2>&1) &
  SERVER_PID=$!
  wait_until tcp_listening $port
  run_galley import -q http://127.0.0.1:$port/tree.tgz fromurl
  assert_equal "${lines[0]}" "Downloading from \"http://127.0.0.1:$port/tree.tgz\""
  assert_output_matches 'sha256:[0-9a-f]{64}$'
  run_galley 125 import http://127.0.0.1:$port/missing.tgz
  assert_single_error_line
  assert_stderr_contains "HTTP status 404"
  kill $SERVER_PID
  SERVER_PID=
  run_galley run --rm fromurl /bin/cat /etc/marker
  assert_equal "$output" "imported"
}

@test "import: bad input is one error line, exit 125, and no image" {
  before=$(image_count)
  run_galley 125 import "$BATS_TEST_TMPDIR/missing.tar" x
  assert_single_error_line
  echo "not a tarball at all" > "$BATS_TEST_TMPDIR/junk.tar"
  run_galley 125 import "$BATS_TEST_TMPDIR/junk.tar" x
  assert_single_error_line
  : > "$BATS_TEST_TMPDIR/empty.tar"
  run_galley 125 import "$BATS_TEST_TMPDIR/empty.tar" x
  assert_single_error_line
  run_galley 125 import -c 'BOGUS x' "$BATS_TEST_TMPDIR/junk.tar" x
  assert_single_error_line
  assert_stderr_contains "invalid instruction BOGUS"
  assert_equal "$(image_count)" "$before"
}
