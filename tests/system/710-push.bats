#!/usr/bin/env bats
# galley push: to the plain, scratch, Basic-auth, token and TLS registries;
# OCI and Docker schema-2 manifests, gzip and zstd layers; blobs already
# there skipped, blobs of another repository mounted, chunked uploads;
# --digestfile; what galley pushed is read back by skopeo, by galley into
# a fresh store, and by podman.

load helpers

user=${GALLEY_TEST_AUTH_USER:-galley}
password=${GALLEY_TEST_AUTH_PASSWORD:-galley-test-password}
token_registry=${GALLEY_TEST_TOKEN_REGISTRY:-127.0.0.1:5003}

setup () {
  basic_setup
  skip_if_no_registry "$scratch_registry"
  command -v skopeo > /dev/null || skip "skopeo is not installed"
  galley pull -q "$IMAGE" > /dev/null
  # A repository name per test: registries keep what earlier runs pushed.
  name=pushtest/$(random_string 12)
}

teardown () {
  remove_tree "$BATS_TEST_TMPDIR/fresh-root"
  remove_tree "$BATS_TEST_TMPDIR/fresh-runroot"
  basic_teardown
}

# The manifest of a pushed image as the registry serves it.
raw_manifest () {
  skopeo inspect --tls-verify=false --raw "docker://$1"
}

# Pull $1 into a store of its own and run echo in it.
pull_and_run_fresh () {
  local g=("$GALLEY" --root "$BATS_TEST_TMPDIR/fresh-root" --runroot "$BATS_TEST_TMPDIR/fresh-runroot")
  run timeout 120 "${g[@]}" pull -q "$1"
  echo "$output"
  assert_success
  run timeout 120 "${g[@]}" run --rm "$1" echo pushed-and-pulled
  echo "$output"
  assert_success
  assert_output_equals "pushed-and-pulled"
}

@test "push: podman's progress lines, the digest file, a Docker source stays v2s2" {
  run_galley push --digestfile "$BATS_TEST_TMPDIR/digest" "$IMAGE" "$scratch_registry/$name:v1"
  assert_output_equals ""
  assert_equal "${stderr_lines[0]}" "Getting image source signatures"
  [[ ${stderr_lines[1]} =~ ^Copying\ blob\ sha256:[0-9a-f]{64}$ ]]
  [[ ${stderr_lines[2]} =~ ^Copying\ config\ sha256:[0-9a-f]{64}$ ]]
  assert_equal "${stderr_lines[3]}" "Writing manifest to image destination"
  assert_equal "${stderr_lines[4]}" "Storing signatures"

  digest=$(skopeo inspect --tls-verify=false "docker://$scratch_registry/$name:v1" | jq -r .Digest)
  assert_equal "$(cat "$BATS_TEST_TMPDIR/digest")" "$digest" "--digestfile"
  run raw_manifest "$scratch_registry/$name:v1"
  assert_equal "$(jq -r .mediaType <<< "$output")" application/vnd.docker.distribution.manifest.v2+json
  assert_equal "$(jq -r '.layers[0].mediaType' <<< "$output")" application/vnd.docker.image.rootfs.diff.tar.gzip
  assert_equal "$(jq -r '.config.mediaType' <<< "$output")" application/vnd.docker.container.image.v1+json

  pull_and_run_fresh "$scratch_registry/$name:v1"
}

@test "push --format oci, image push, docker:// destination, -q" {
  run_galley image push -q --format oci "$IMAGE" "docker://$scratch_registry/$name:oci"
  assert_output_equals ""
  assert_stderr_empty
  run raw_manifest "$scratch_registry/$name:oci"
  assert_equal "$(jq -r .mediaType <<< "$output")" application/vnd.oci.image.manifest.v1+json
  assert_equal "$(jq -r '.layers[0].mediaType' <<< "$output")" application/vnd.oci.image.layer.v1.tar+gzip
  assert_equal "$(jq -r '.config.mediaType' <<< "$output")" application/vnd.oci.image.config.v1+json
  # skopeo checks every blob against its digest.
  skopeo copy -q --src-tls-verify=false "docker://$scratch_registry/$name:oci" "oci:$BATS_TEST_TMPDIR/layout:x"
  pull_and_run_fresh "$scratch_registry/$name:oci"
}

@test "push --compression-format zstd: OCI with tar+zstd layers; v2s2 cannot carry them" {
  run_galley push -q --compression-format zstd "$IMAGE" "$scratch_registry/$name:zstd"
  run raw_manifest "$scratch_registry/$name:zstd"
  assert_equal "$(jq -r .mediaType <<< "$output")" application/vnd.oci.image.manifest.v1+json
  assert_equal "$(jq -r '.layers[0].mediaType' <<< "$output")" application/vnd.oci.image.layer.v1.tar+zstd
  pull_and_run_fresh "$scratch_registry/$name:zstd"

  run_galley 125 push --format v2s2 --compression-format zstd "$IMAGE" "$scratch_registry/$name:bad"
  assert_stderr_contains "cannot carry zstd layers"
  run_galley 125 push --compression-format bzip2 "$IMAGE" "$scratch_registry/$name:bad"
  assert_stderr_contains 'unsupported compression format "bzip2"'
  run_galley 125 push --format v2s1 "$IMAGE" "$scratch_registry/$name:bad"
  assert_stderr_contains 'unsupported manifest type "v2s1"'
}

@test "push again: the registry's blobs are skipped, the digest is the same" {
  run_galley push -q --digestfile "$BATS_TEST_TMPDIR/d1" "$IMAGE" "$scratch_registry/$name"
  run_galley --log-level debug push --digestfile "$BATS_TEST_TMPDIR/d2" "$IMAGE" "$scratch_registry/$name"
  assert_stderr_contains "already in $scratch_registry/$name, skipped"
  [[ $stderr != *"mounted from"* ]]
  # the layers pushed before are not written and compressed again
  assert_stderr_contains "was pushed before and is there: not written again"
  assert_equal "$(cat "$BATS_TEST_TMPDIR/d2")" "$(cat "$BATS_TEST_TMPDIR/d1")" "digest of the second push"
  pull_and_run_fresh "$scratch_registry/$name"
}

@test "push sends the layers as they were pulled or loaded: the image keeps its id" {
  id=$(galley image inspect --format '{{.Id}}' "$IMAGE")
  run_galley push -q "$IMAGE" "$scratch_registry/$name:pulled"
  run raw_manifest "$scratch_registry/$name:pulled"
  assert_equal "$(jq -r .config.digest <<< "$output")" "sha256:$id" "the pushed config"

  # Loaded from a docker-archive (four layers, whiteouts, an opaque
  # directory), pushed, pulled back into another store: the same image.
  run skopeo copy --quiet "oci:${GALLEY_TEST_OCI_LAYOUT:-/var/tmp/galley-test/images/oci}:multilayer" \
    "docker-archive:$BATS_TEST_TMPDIR/ml.tar:localhost/multilayer:latest"
  assert_success
  galley load -q -i "$BATS_TEST_TMPDIR/ml.tar"
  id=$(galley image inspect --format '{{.Id}}' multilayer)
  layers=$(galley image inspect --format '{{.RootFS.Layers}}' multilayer)
  run_galley push -q --format oci multilayer "$scratch_registry/$name:loaded"
  local g=("$GALLEY" --root "$BATS_TEST_TMPDIR/fresh-root" --runroot "$BATS_TEST_TMPDIR/fresh-runroot")
  run --separate-stderr timeout 120 "${g[@]}" pull -q "$scratch_registry/$name:loaded"
  assert_success
  assert_output_equals "$id"
  run timeout 120 "${g[@]}" image inspect --format '{{.RootFS.Layers}}' "$id"
  assert_output_equals "$layers"
}

@test "push to another repository of the same registry mounts the blobs" {
  skip_if_no_registry "$registry"
  run_galley tag "$IMAGE" "$registry/$name-src:latest"
  run_galley push -q "$registry/$name-src:latest"
  # No DESTINATION: the name the image was found by.
  skopeo inspect --tls-verify=false "docker://$registry/$name-src:latest" > /dev/null
  run_galley --log-level debug push "$registry/$name-src" "$registry/$name-dst:v1"
  assert_stderr_contains "mounted from $name-src into $registry/$name-dst"
  pull_and_run_fresh "$registry/$name-dst:v1"
}

@test "push in chunks (PATCH with Content-Range, following Location)" {
  export GALLEY_PUSH_CHUNK_SIZE=262144
  run_galley --log-level debug push "$IMAGE" "$scratch_registry/$name:chunked"
  unset GALLEY_PUSH_CHUNK_SIZE
  assert_stderr_contains "bytes 0-262143 of"
  assert_stderr_contains "bytes 262144-524287 of"
  skopeo copy -q --src-tls-verify=false "docker://$scratch_registry/$name:chunked" "oci:$BATS_TEST_TMPDIR/layout:x"
  pull_and_run_fresh "$scratch_registry/$name:chunked"
}

@test "push to a registry with Basic auth: one error line without credentials, --creds works" {
  skip_if_no_registry "$auth_registry"
  run_galley 125 push "$IMAGE" "$auth_registry/$name"
  assert_stderr_contains "authentication required for $auth_registry (HTTP 401)"
  run_galley 125 push --creds "$user:wrong" "$IMAGE" "$auth_registry/$name"
  assert_stderr_contains "invalid username/password"
  run_galley push -q --creds "$user:$password" "$IMAGE" "$auth_registry/$name"
  skopeo inspect --tls-verify=false --creds "$user:$password" "docker://$auth_registry/$name" > /dev/null
  # The credentials that login stored, in the default file and with --authfile.
  run_galley login -u "$user" -p "$password" "$auth_registry"
  run_galley push -q "$IMAGE" "$auth_registry/$name:login"
  mv "$REGISTRY_AUTH_FILE" "$BATS_TEST_TMPDIR/other-auth.json"
  run_galley 125 push -q "$IMAGE" "$auth_registry/$name:login"
  run_galley push -q --authfile "$BATS_TEST_TMPDIR/other-auth.json" "$IMAGE" "$auth_registry/$name:authfile"
}

@test "push to a registry with token auth (scope pull,push)" {
  skip_if_no_registry "$token_registry"
  cat >> "$CONTAINERS_REGISTRIES_CONF" << EOF

[[registry]]
location = "$token_registry"
insecure = true
EOF
  run_galley 125 push "$IMAGE" "$token_registry/private/$name"
  run_galley push -q --creds "$user:$password" "$IMAGE" "$token_registry/private/$name"
  run_galley --log-level debug push --creds "$user:$password" "$IMAGE" "$token_registry/private/$name"
  assert_stderr_contains "skipped"
}

@test "push over TLS with --cert-dir; an unknown CA is refused" {
  curl -s -o /dev/null --max-time 5 --cacert "${GALLEY_TEST_CA:-/nonexistent}" "https://$tls_registry/v2/" ||
    skip "TLS registry $tls_registry is not running"
  run_galley 125 push "$IMAGE" "$tls_registry/$name"
  assert_stderr_contains "certificate"
  mkdir -p "$BATS_TEST_TMPDIR/certs"
  cp "$GALLEY_TEST_CA" "$BATS_TEST_TMPDIR/certs/ca.crt"
  run_galley push -q --cert-dir "$BATS_TEST_TMPDIR/certs" "$IMAGE" "$tls_registry/$name"
  skopeo inspect --cert-dir "$BATS_TEST_TMPDIR/certs" "docker://$tls_registry/$name" > /dev/null
}

@test "podman pulls and runs what galley pushed (v2s2 and OCI)" {
  command -v podman > /dev/null || skip "podman is not installed"
  skip_if_no_subids "podman needs subordinate ids to pull"
  run_galley push -q "$IMAGE" "$scratch_registry/$name:v2s2"
  run_galley push -q --format oci "$IMAGE" "$scratch_registry/$name:oci"
  # podman reads $REGISTRY_AUTH_FILE, which the tests' setup names but never creates.
  local p=(env -u REGISTRY_AUTH_FILE podman --root "$BATS_TEST_TMPDIR/podman-root" --runroot "$BATS_TEST_TMPDIR/podman-runroot"
    --storage-driver vfs)
  export XDG_RUNTIME_DIR=$BATS_TEST_TMPDIR/xdg
  mkdir -p -m 700 "$XDG_RUNTIME_DIR"
  for tag in v2s2 oci; do
    run timeout 120 "${p[@]}" pull -q --tls-verify=false "$scratch_registry/$name:$tag"
    echo "$output"
    assert_success
    run timeout 120 "${p[@]}" run --rm "$scratch_registry/$name:$tag" echo from-podman
    echo "$output"
    assert_success
    assert_equal "${lines[-1]}" from-podman "podman run's output"
  done
  "${p[@]}" unshare rm -rf "$BATS_TEST_TMPDIR/podman-root" || true
}

@test "push a 4-layer image (parallel uploads): the same tree with whiteouts and opaque directories" {
  run_galley pull -q "$registry/multilayer"
  run_galley run --rm "$registry/multilayer" ls -aR /data
  local before=$output
  run_galley push --format oci "$registry/multilayer" "$scratch_registry/$name:multi"
  [ "$(grep -c '^Copying blob' <<< "$stderr")" -eq 4 ]
  run raw_manifest "$scratch_registry/$name:multi"
  assert_equal "$(jq -r '.layers | length' <<< "$output")" 4
  skopeo copy -q --src-tls-verify=false "docker://$scratch_registry/$name:multi" "oci:$BATS_TEST_TMPDIR/layout:x"
  local g=("$GALLEY" --root "$BATS_TEST_TMPDIR/fresh-root" --runroot "$BATS_TEST_TMPDIR/fresh-runroot")
  timeout 120 "${g[@]}" pull -q "$scratch_registry/$name:multi"
  run timeout 120 "${g[@]}" run --rm "$scratch_registry/$name:multi" ls -aR /data
  assert_success
  assert_equal "$output" "$before" "the pushed image's /data"
}

@test "push an image made by commit: its layers, whiteouts and config arrive" {
  run_galley run --name c1 "$IMAGE" sh -c 'echo new > /new; rm /bin/vi; rm -rf /usr/sbin'
  run_galley commit -q -c 'ENV PUSHED=yes' c1 "localhost/$name:committed"
  galley rm c1 > /dev/null
  run_galley push -q "localhost/$name:committed" "$scratch_registry/$name:committed"
  run raw_manifest "$scratch_registry/$name:committed"
  assert_equal "$(jq -r .mediaType <<< "$output")" application/vnd.oci.image.manifest.v1+json
  assert_equal "$(jq -r '.layers | length' <<< "$output")" 2
  local g=("$GALLEY" --root "$BATS_TEST_TMPDIR/fresh-root" --runroot "$BATS_TEST_TMPDIR/fresh-runroot")
  timeout 120 "${g[@]}" pull -q "$scratch_registry/$name:committed"
  run timeout 120 "${g[@]}" run --rm "$scratch_registry/$name:committed" \
    sh -c 'cat /new; test -e /bin/vi || echo vi-gone; test -e /usr/sbin || echo sbin-gone; echo $PUSHED'
  echo "$output"
  assert_success
  assert_equal "$output" "new
vi-gone
sbin-gone
yes"
}

@test "push: bad destinations and sources, each one error line" {
  run_galley 125 push "$IMAGE" "oci-archive:$BATS_TEST_TMPDIR/x.tar"
  assert_stderr_contains '"oci-archive" transport is not supported'
  run_galley 125 push "$IMAGE" "$scratch_registry/$name@sha256:$(printf '%064d' 0)"
  assert_stderr_contains "cannot push to a digest reference"
  run_galley 125 push no-such-image "$scratch_registry/$name"
  assert_stderr_contains "image not known"
  id=$(galley images -q --no-trunc "$IMAGE" | head -1)
  run_galley 125 push "${id#sha256:}"
  assert_stderr_contains "needs a DESTINATION"
  run_galley 125 push --sign-by key "$IMAGE" "$scratch_registry/$name"
  assert_stderr_contains "signing images is not supported"
  run_galley 125 push
}
