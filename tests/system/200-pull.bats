#!/usr/bin/env bats
# galley pull: compressions, manifest formats, indexes, digests, output.

load helpers

setup () {
  basic_setup
  skip_if_no_registry
}

teardown () {
  basic_teardown
}

# The extracted layers of an image, bottom first.
layer_dirs () {
  local l
  for l in $(jq -r '.layers[]' "$GALLEY_TEST_ROOT"/images/"$1"/image.json 2>/dev/null); do
    echo "$GALLEY_TEST_ROOT/layers/${l#sha256:}/diff"
  done
}

@test "pull: Docker schema 2, gzip: podman's progress lines, the id on stdout" {
  run_galley pull "$IMAGE"
  assert_line_count 1
  assert_output_matches '^[0-9a-f]{64}$'
  assert_stderr_contains "Trying to pull $IMAGE..."
  assert_stderr_contains "Getting image source signatures"
  assert_stderr_contains "Copying blob sha256:"
  assert_stderr_contains "Copying config sha256:$output"
  assert_stderr_contains "Writing manifest to image destination"
  [ -x "$(layer_dirs "$output" | head -1)/bin/busybox" ]
}

@test "pull -q prints only the id; a second pull finds every layer" {
  run_galley pull -q "$IMAGE"
  id=$output
  # Warnings still go to stderr (as podman's); progress does not.
  [[ $stderr != *Copying* && $stderr != *Trying* ]]
  assert_output_matches '^[0-9a-f]{64}$'
  run_galley pull "$IMAGE"
  assert_output_equals "$id"
  run_galley pull --quiet "$registry/busybox:1.35"
  assert_output_equals "$id"
}

@test "pull: OCI gzip, zstd and uncompressed layers give the same tree" {
  local name id first=""
  for name in busybox-oci busybox-zstd busybox-uncompressed; do
    run_galley pull -q "$registry/$name:latest"
    id=$output
    dir=$(layer_dirs "$id" | head -1)
    [ -x "$dir/bin/busybox" ]
    sum=$(cd "$dir" && find . -printf '%p %y %m\n' | sort | sha256sum)
    [ -z "$first" ] || assert_equal "$sum" "$first" "tree of $name"
    first=$sum
  done
}

@test "pull: four layers with whiteouts, opaque dirs, hardlinks, setuid and owners" {
  run_galley pull -q "$registry/multilayer:latest"
  id=$output
  run_galley pull -q "$registry/multilayer-oci:latest"
  mapfile -t dirs < <(layer_dirs "$id")
  assert_equal "${#dirs[@]}" 4
  top=${dirs[3]}
  mid=${dirs[2]}
  # layer 3 deletes /data/remove-me and makes /data/opq opaque
  [ -c "$top/data/remove-me" ] || [ -c "${dirs[1]}/data/remove-me" ] || [ -c "$mid/data/remove-me" ]
  found=0
  for d in "${dirs[@]}"; do
    [ -d "$d/data/opq" ] || continue
    if python3 -c 'import os,sys; sys.exit(0 if os.getxattr(sys.argv[1], "user.overlay.opaque") == b"y" else 1)' "$d/data/opq"; then
      found=1
    fi
  done
  assert_equal "$found" 1 "an opaque /data/opq"
  for d in "${dirs[@]}"; do
    [ -f "$d/data/suid" ] || continue
    assert_equal "$(stat -c %a "$d/data/suid")" 4755
    assert_equal "$(stat -c %a "$d/data/sgid")" 2755
    assert_equal "$(stat -c %i "$d/data/hard-src")" "$(stat -c %i "$d/data/hard-link")"
    assert_equal "$(readlink "$d/data/link")" a.txt
  done
  # Owners: 1000 inside is our first subordinate id + 999; without
  # subordinate ids everything is ours.
  for d in "${dirs[@]}"; do
    [ -f "$d/data/owned-1000" ] || continue
    owner=$(stat -c %u "$d/data/owned-1000")
    if has_subids; then
      start=$(awk -F: -v u="$(id -un)" '$1 == u { print $2; exit }' /etc/subuid)
      assert_equal "$owner" "$((start + 999))"
    else
      assert_equal "$owner" "$(id -u)"
    fi
  done
}

@test "pull: no subordinate ids: one warning, owners are the user's" {
  skip_if_subids
  run_galley pull "$registry/multilayer:latest"
  n=$(grep -c "no subordinate ids for $(id -un): file owners in the image are mapped to your user" <<< "$stderr")
  assert_equal "$n" 1
}

@test "pull: multi-arch index picks the host, --arch/--platform pick another" {
  run_galley pull -q "$registry/busybox-multiarch:latest"
  host_id=$output
  run_galley pull -q --arch arm64 "$registry/busybox-multiarch:latest"
  arm_id=$output
  [ "$host_id" != "$arm_id" ]
  run_galley pull -q --platform linux/arm64 "$registry/busybox-manifest-list:latest"
  run_galley pull -q --platform linux/arm64/v8 "$registry/busybox-multiarch:latest"
  assert_output_equals "$arm_id"
  arch=$(jq -r .architecture "$GALLEY_TEST_ROOT/blobs/sha256/$arm_id")
  assert_equal "$arch" arm64
  run_galley 125 pull --arch s390x "$registry/busybox-multiarch:latest"
  assert_stderr_contains "s390x"
}

@test "pull by digest verifies it" {
  digest=$(curl -s -D - -o /dev/null -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
    "http://$registry/v2/busybox/manifests/latest" | tr -d '\r' | awk -F': ' 'tolower($1) == "docker-content-digest" { print $2 }')
  [ -n "$digest" ]
  run_galley pull -q "$registry/busybox@$digest"
  assert_output_matches '^[0-9a-f]{64}$'
  run_galley 125 pull "$registry/busybox@sha256:0000000000000000000000000000000000000000000000000000000000000000"
}

@test "pull by digest names the image REPO@DIGEST; rmi REPO@DIGEST removes only that name" {
  run_galley pull -q "$IMAGE"
  id=$output
  run_galley images -a
  baseline=$output
  digest=$(galley image inspect --format '{{.Digest}}' "$id")
  fqin=$registry/busybox@$digest

  # The same image: listed as before, now with the digested name too.
  run_galley pull -q "$fqin"
  assert_output_equals "$id"
  run_galley images -a
  assert_output_equals "$baseline"
  run_galley image inspect --format '{{.RepoTags}} {{.RepoDigests}}' "$id"
  assert_output_equals "[$IMAGE] [$fqin]"
  run_galley rmi "$fqin"
  assert_output_equals "Untagged: $fqin"
  run_galley images -a
  assert_output_equals "$baseline"

  # Pulled by digest only: listed under its repository without a tag;
  # the digested name is its last, so rmi removes the image.
  run_galley rmi -a
  run_galley pull -q "$fqin"
  run_galley images --format '{{.Repository}} {{.Tag}} {{.ID}}'
  assert_output_equals "$registry/busybox <none> ${id:0:12}"
  run_galley image inspect --format '{{.RepoTags}} {{.RepoDigests}}' "$id"
  assert_output_equals "[] [$fqin]"
  run_galley rmi "$fqin"
  assert_output_equals "Untagged: $fqin
Deleted: $id"

  # An image with tags but no digested name: repo@digest is not one of its
  # tags (podman's "tag not known"), and nothing is removed.
  galley pull -q "$IMAGE" > /dev/null
  galley tag "$IMAGE" foo:1 foo:2
  run_galley 125 rmi "localhost/foo@$digest"
  assert_single_error_line
  assert_stderr_contains "localhost/foo@$digest: tag not known"
  run_galley images --format '{{.Repository}}:{{.Tag}}'
  assert_line_count 3
}

@test "pull: short names go through the search registries" {
  run_galley pull busybox
  assert_stderr_contains "Trying to pull $registry/busybox:latest..."
}

@test "pull: a missing image or registry fails with one error line" {
  run_galley 125 pull "$registry/does-not-exist:latest"
  assert_stderr_contains "does-not-exist"
  run_galley 125 pull --tls-verify=false 127.0.0.1:1/busybox:latest
  run_galley 125 pull
  run_galley 125 pull --tls-verify=maybe "$IMAGE"
}

@test "pull: several images at once" {
  run_galley pull -q "$IMAGE" "$registry/busybox-oci:latest"
  assert_line_count 2
}

@test "pull --all-tags pulls every tag of the repository" {
  run_galley pull -q --all-tags "$registry/busybox"
  assert_line_count 2
  assert_equal "${lines[0]}" "${lines[1]}" "busybox:1.35 and :latest are the same image"
  run_galley 125 pull -a "$registry/busybox:latest"
  assert_stderr_contains "tag can't be used with --all-tags/-a"
}

@test "pull on a terminal draws per-layer progress bars" {
  command -v script > /dev/null || skip "script(1) not installed"
  script -qec "$GALLEY --root $GALLEY_TEST_ROOT --runroot $GALLEY_TEST_RUNROOT pull $registry/multilayer:latest" \
    "$BATS_TEST_TMPDIR/typescript" > /dev/null
  grep -q 'Copying blob [0-9a-f]\{12\} done' "$BATS_TEST_TMPDIR/typescript"
  grep -q 'Writing manifest to image destination' "$BATS_TEST_TMPDIR/typescript"
}

@test "pull: Basic auth with --creds, TLS with --cert-dir" {
  skip_if_no_registry "$auth_registry"
  run_galley 125 pull -q "$auth_registry/busybox:latest"
  assert_stderr_contains "401"
  run_galley pull -q --creds "$GALLEY_TEST_AUTH_USER:$GALLEY_TEST_AUTH_PASSWORD" "$auth_registry/busybox:latest"
  assert_output_matches '^[0-9a-f]{64}$'
  [ -n "${GALLEY_TEST_CERTS_D:-}" ] || skip "no TLS registry"
  run_galley pull -q --cert-dir "$GALLEY_TEST_CERTS_D/$tls_registry" "$tls_registry/busybox:latest"
  assert_output_matches '^[0-9a-f]{64}$'
}
