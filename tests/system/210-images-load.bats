#!/usr/bin/env bats
# galley load, images, tag, untag, rmi, history, image inspect/exists/prune
# over archives built by tests/images (no registry needed).

load helpers

ARCHIVES=${GALLEY_TEST_STATE:-/var/tmp/galley-test}/images
BUSYBOX_ID=154708358fce076c347ad2dce51280d22d7fa2d873824e52fac95e67f55f8015

setup () {
  basic_setup
  [ -r "$ARCHIVES/busybox.tar" ] || skip "no test archives in $ARCHIVES (run tests/images/build-all.sh)"
}

teardown () {
  basic_teardown
}

@test "load: docker-archive from a file and from stdin, oci-archive" {
  run_galley load -i "$ARCHIVES/busybox.tar"
  assert_output_equals "Loaded image: localhost/busybox:latest"
  run_galley load < "$ARCHIVES/busybox.tar"
  assert_output_equals "Loaded image: localhost/busybox:latest"
  run_galley load -q -i "$ARCHIVES/busybox-oci.tar"
  assert_output_equals "Loaded image: localhost/busybox:latest"
  run_galley images -q --no-trunc
  assert_output_equals "sha256:$BUSYBOX_ID"
}

@test "load: garbage and missing input fail with one error line" {
  echo hello > "$BATS_TEST_TMPDIR/junk.tar"
  run_galley 125 load -i "$BATS_TEST_TMPDIR/junk.tar"
  run_galley 125 load -i "$BATS_TEST_TMPDIR/nonexistent.tar"
  assert_stderr_contains "nonexistent.tar"
}

@test "images: podman's table, quiet, json, templates" {
  galley load -i "$ARCHIVES/busybox.tar"
  run_galley images
  assert_line_count 2
  assert_output_matches '^REPOSITORY +TAG +IMAGE ID +CREATED +SIZE'
  assert_output_matches 'localhost/busybox +latest +154708358fce +[0-9]+ years? ago +2\.14 MB'
  run_galley images --noheading --format '{{.Repository}}:{{.Tag}} {{.ID}}'
  assert_output_equals "localhost/busybox:latest 154708358fce"
  run_galley images --format json
  [ "$(jq -r '.[0].Id' <<< "$output")" = "$BUSYBOX_ID" ]
  [ "$(jq -r '.[0].Names[0]' <<< "$output")" = "localhost/busybox:latest" ]
  run_galley images --digests --format '{{.Digest}}'
  assert_output_equals "sha256:fc7fa34af720bfb9a6bb81a59db2650d3f46f9ccde6468a964032f003dc7bf0d"
  run_galley images -f reference=busy* -q
  assert_output_equals "154708358fce"
  run_galley images -f dangling=true -q
  assert_output_equals ""
  run_galley images -f label=org.galley.test=true -q
  assert_output_equals "154708358fce"
}

@test "tag, untag, rmi: names move, podman's messages and exit codes" {
  galley load -i "$ARCHIVES/busybox.tar"
  run_galley tag busybox foo/bar:1 baz
  run_galley images --format '{{.Repository}}:{{.Tag}}'
  assert_output_contains "localhost/foo/bar:1"
  assert_output_contains "localhost/baz:latest"
  run_galley 125 tag busybox 'Bad:x'
  run_galley untag busybox foo/bar:1
  run_galley 125 untag busybox localhost/zzz:1
  assert_stderr_contains "localhost/zzz:1: tag not known"
  run_galley 125 rmi "${BUSYBOX_ID:0:12}"
  assert_stderr_contains "more than one tag"
  run_galley rmi baz
  assert_output_equals "Untagged: localhost/baz:latest"
  run_galley 1 rmi busybox nosuch
  assert_line_count 2
  assert_output_contains "Untagged: localhost/busybox:latest"
  assert_output_contains "Deleted: $BUSYBOX_ID"
  assert_stderr_contains "nosuch: image not known"
  run_galley rmi -f nosuch
  run_galley images -q
  assert_output_equals ""
  [ -z "$(ls "$GALLEY_TEST_ROOT/layers")" ]
}

@test "rmi, rmi -a, image prune: no config or manifest blob stays behind" {
  galley load -i "$ARCHIVES/busybox.tar"
  [ -e "$GALLEY_TEST_ROOT/blobs/sha256/$BUSYBOX_ID" ]
  run_galley rmi busybox
  assert_output_contains "Deleted: $BUSYBOX_ID"
  run ls "$GALLEY_TEST_ROOT/blobs/sha256"
  assert_output_equals ""

  # Two images (one from the OCI layout): rmi -a takes every blob.
  run skopeo copy --quiet "oci:$ARCHIVES/oci:multilayer" \
    "docker-archive:$BATS_TEST_TMPDIR/ml.tar:localhost/multilayer:latest"
  assert_success
  galley load -i "$ARCHIVES/busybox.tar"
  galley load -i "$BATS_TEST_TMPDIR/ml.tar"
  [ "$(ls "$GALLEY_TEST_ROOT/blobs/sha256" | wc -l)" -eq 4 ]
  # One image's blobs go with it; the other's stay.
  run_galley rmi multilayer
  run ls "$GALLEY_TEST_ROOT/blobs/sha256"
  assert_line_count 2
  assert_output_contains "$BUSYBOX_ID"
  galley load -i "$BATS_TEST_TMPDIR/ml.tar"
  run_galley rmi -a
  run ls "$GALLEY_TEST_ROOT/blobs/sha256"
  assert_output_equals ""

  galley load -i "$ARCHIVES/busybox.tar"
  galley untag busybox
  run_galley image prune -f
  assert_output_equals "$BUSYBOX_ID"
  run ls "$GALLEY_TEST_ROOT/blobs/sha256"
  assert_output_equals ""
}

@test "image exists, image inspect, history" {
  galley load -i "$ARCHIVES/busybox.tar"
  run_galley image exists busybox
  run_galley 1 image exists nosuch
  run_galley image inspect busybox
  [ "$(jq -r '.[0].Id' <<< "$output")" = "$BUSYBOX_ID" ]
  [ "$(jq -r '.[0].RootFS.Layers | length' <<< "$output")" = 1 ]
  [ "$(jq -r '.[0].RepoTags[0]' <<< "$output")" = "localhost/busybox:latest" ]
  [ "$(jq -r '.[0].Labels["org.galley.test"]' <<< "$output")" = "true" ]
  run_galley image inspect --format '{{.Os}}/{{.Architecture}}' busybox
  assert_output_matches '^linux/'
  run_galley 125 image inspect nosuch
  assert_stderr_contains "nosuch: image not known"
  run_galley history busybox
  assert_output_matches '^ID +CREATED +CREATED BY +SIZE +COMMENT'
  assert_output_contains "154708358fce"
  run_galley history -q busybox
  assert_output_equals "154708358fce"
}

@test "image prune: dangling only, -a all" {
  galley load -i "$ARCHIVES/busybox.tar"
  galley untag busybox
  run_galley images --format '{{.Repository}} {{.Tag}}'
  assert_output_equals "<none> <none>"
  run_galley image prune -f
  assert_output_equals "$BUSYBOX_ID"
  galley load -i "$ARCHIVES/busybox.tar"
  run_galley image prune -f
  assert_output_equals ""
  run_galley image prune -a -f
  assert_output_equals "$BUSYBOX_ID"
}

@test "rmi, image prune: an image a container uses stays unless forced" {
  galley load -i "$ARCHIVES/busybox.tar"
  run_galley create --name user busybox true
  cid=$output
  run_galley 2 rmi busybox
  assert_stderr_contains "image used by $cid: image is in use by a container"
  run_galley image prune -a -f
  assert_output_equals ""
  run_galley images -q
  assert_line_count 1
  # -f removes the container with the image (podman)
  run_galley rmi -f busybox
  assert_output_contains "Deleted: $BUSYBOX_ID"
  run_galley ps -a -q
  assert_output_equals ""
}

@test "images --filter: podman's errors, negation with !=, Go's booleans" {
  galley load -i "$ARCHIVES/busybox.tar"
  run_galley 125 images --filter bogus=1
  assert_single_error_line
  assert_stderr_contains 'unsupported image filter "bogus"'
  run_galley 125 images --filter label
  assert_single_error_line
  assert_stderr_contains 'invalid image filter "label": must be in the format "filter=value or filter!=value"'
  run_galley 125 images --filter dangling=maybe
  assert_single_error_line
  assert_stderr_contains 'non-boolean value "dangling" for maybe filter'
  run_galley images -q --filter label!=x --filter dangling=F
  assert_output_equals "${BUSYBOX_ID:0:12}"
  run_galley images -q --filter reference!=busybox
  assert_output_equals ""
}

@test "image prune --filter: until, label, dangling; bad filters change nothing" {
  galley load -i "$ARCHIVES/busybox.tar"
  run_galley 125 image prune -a -f --filter nosuch=1
  assert_single_error_line
  assert_stderr_contains 'unsupported image filter "nosuch"'
  run_galley 125 image prune -a -f --filter label
  assert_single_error_line
  assert_stderr_contains "filter input must be in the form of filter=value: label is invalid"
  run_galley 125 image prune -a -f --filter until=yesterday
  assert_single_error_line
  # the image was created long before 1h ago, and has no label "x"
  run_galley image prune -a -f --filter label=x
  assert_output_equals ""
  run_galley image prune -a -f --filter dangling=true
  assert_output_equals ""
  run_galley images -q
  assert_line_count 1
  run_galley image prune -a -f --filter label!=x --filter until=1h
  assert_output_equals "$BUSYBOX_ID"
}
