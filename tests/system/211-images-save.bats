#!/usr/bin/env bats
# galley save (docker-archive, oci-archive), inspect, image completion and
# the image group's help, over archives built by tests/images (no registry
# needed).

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

# The layers of a docker-archive, in order (as manifest.json lists them).
archive_layers () {
  tar -xOf "$1" manifest.json | jq -r '.[0].Layers[]'
}

# "name mode owner size" of every entry of a layer tar, sorted.  Without
# subordinate ids every owner was folded onto the user at extraction.
layer_listing () {
  if has_subids; then
    tar --numeric-owner -tvf - | awk '{ print $6, $1, $2, $3 }' | sort
  else
    tar --numeric-owner -tvf - | awk '{ print $6, $1, $3 }' | sort
  fi
}

# The media type of the first layer of the (only) image of an oci-archive.
oci_layer_type () {
  local manifest
  manifest=$(tar -xOf "$1" index.json | jq -r '.manifests[0].digest | sub("sha256:"; "")')
  tar -xOf "$1" "blobs/sha256/$manifest" | jq -r '.layers[0].mediaType'
}

@test "save: docker-archive keeps the content; save, load, save is a fixed point" {
  galley load -i "$ARCHIVES/busybox.tar"
  run_galley save -o "$BATS_TEST_TMPDIR/a.tar" busybox
  assert_stderr_contains "Copying blob sha256:"
  assert_stderr_contains "Writing manifest to image destination"
  tar -tf "$BATS_TEST_TMPDIR/a.tar" > "$BATS_TEST_TMPDIR/members"
  grep -qx manifest.json "$BATS_TEST_TMPDIR/members"
  grep -qx repositories "$BATS_TEST_TMPDIR/members"
  grep -qE '^[0-9a-f]{64}/layer.tar$' "$BATS_TEST_TMPDIR/members"
  [ "$(tar -xOf "$BATS_TEST_TMPDIR/a.tar" manifest.json | jq -r '.[0].RepoTags[0]')" = localhost/busybox:latest ]
  [ "$(tar -xOf "$BATS_TEST_TMPDIR/a.tar" repositories | jq -r 'keys[0]')" = localhost/busybox ]

  # The regenerated layer holds what the original did.
  local orig saved
  orig=$(tar -xOf "$ARCHIVES/busybox.tar" "$(archive_layers "$ARCHIVES/busybox.tar")" | layer_listing)
  saved=$(tar -xOf "$BATS_TEST_TMPDIR/a.tar" "$(archive_layers "$BATS_TEST_TMPDIR/a.tar")" | layer_listing)
  assert_equal "$saved" "$orig" "layer listing"

  run_galley rmi busybox
  run_galley load -i "$BATS_TEST_TMPDIR/a.tar"
  assert_output_equals "Loaded image: localhost/busybox:latest"
  run_galley image inspect --format '{{.RootFS.Layers}}' busybox
  assert_output_equals "[sha256:$(archive_layers "$BATS_TEST_TMPDIR/a.tar" | sed 's/\.tar$//')]"
  run_galley image save -q -o "$BATS_TEST_TMPDIR/b.tar" busybox
  assert_stderr_empty
  cmp "$BATS_TEST_TMPDIR/a.tar" "$BATS_TEST_TMPDIR/b.tar"
}

@test "save: the layers exactly as loaded, so the image keeps its id (docker-archive, oci-archive)" {
  galley load -i "$ARCHIVES/busybox.tar"
  galley save -q -o "$BATS_TEST_TMPDIR/a.tar" busybox
  # Byte for byte the layer that was loaded (owners too, also where they
  # were folded onto the user at extraction).
  cmp <(tar -xOf "$ARCHIVES/busybox.tar" "$(archive_layers "$ARCHIVES/busybox.tar")") \
    <(tar -xOf "$BATS_TEST_TMPDIR/a.tar" "$(archive_layers "$BATS_TEST_TMPDIR/a.tar")")
  [ "$(tar -xOf "$BATS_TEST_TMPDIR/a.tar" manifest.json | jq -r '.[0].Config')" = "$BUSYBOX_ID.json" ]
  run_galley rmi busybox
  run_galley load -q -i "$BATS_TEST_TMPDIR/a.tar"
  run_galley images -q --no-trunc
  assert_output_equals "sha256:$BUSYBOX_ID"

  # oci-archive: gzip layers of the same tars, the same config.
  galley save -q --format oci-archive -o "$BATS_TEST_TMPDIR/oci.tar" busybox
  manifest=$(tar -xOf "$BATS_TEST_TMPDIR/oci.tar" index.json | jq -r '.manifests[0].digest | sub("sha256:"; "")')
  [ "$(tar -xOf "$BATS_TEST_TMPDIR/oci.tar" "blobs/sha256/$manifest" | jq -r .config.digest)" = "sha256:$BUSYBOX_ID" ]

  # Four layers with whiteouts and an opaque directory, from gzip blobs.
  run skopeo copy --quiet "oci:$ARCHIVES/oci:multilayer" \
    "docker-archive:$BATS_TEST_TMPDIR/ml.tar:localhost/multilayer:latest"
  assert_success
  galley load -q -i "$BATS_TEST_TMPDIR/ml.tar"
  id=$(galley image inspect --format '{{.Id}}' multilayer)
  galley save -q -o "$BATS_TEST_TMPDIR/ml-saved.tar" multilayer
  [ "$(tar -xOf "$BATS_TEST_TMPDIR/ml-saved.tar" manifest.json | jq -r '.[0].Config')" = "$id.json" ]
  paste <(archive_layers "$BATS_TEST_TMPDIR/ml.tar") <(archive_layers "$BATS_TEST_TMPDIR/ml-saved.tar") |
    while read -r loaded saved; do
      cmp <(tar -xOf "$BATS_TEST_TMPDIR/ml.tar" "$loaded" | gzip -dcf) <(tar -xOf "$BATS_TEST_TMPDIR/ml-saved.tar" "$saved")
    done
}

@test "save: to stdout; refuses a terminal" {
  galley load -i "$ARCHIVES/busybox.tar"
  galley save busybox > "$BATS_TEST_TMPDIR/out.tar"
  tar -xOf "$BATS_TEST_TMPDIR/out.tar" manifest.json | jq -e '.[0].Layers | length == 1'
  if command -v script > /dev/null; then
    run script -qec "$GALLEY --root $GALLEY_TEST_ROOT --runroot $GALLEY_TEST_RUNROOT save busybox" /dev/null
    [ "$status" -eq 125 ]
    [[ $output == *"refusing to save to terminal. Use -o flag or redirect"* ]]
  fi
}

@test "save: oci-archive round trip, gzip and --uncompressed layers" {
  galley load -i "$ARCHIVES/busybox.tar"
  run_galley save --format oci-archive -o "$BATS_TEST_TMPDIR/oci.tar" busybox
  tar -xOf "$BATS_TEST_TMPDIR/oci.tar" oci-layout | jq -e '.imageLayoutVersion == "1.0.0"'
  run jq -r '.manifests[0].annotations["org.opencontainers.image.ref.name"]' \
    < <(tar -xOf "$BATS_TEST_TMPDIR/oci.tar" index.json)
  assert_output_equals "localhost/busybox:latest"
  run skopeo inspect "oci-archive:$BATS_TEST_TMPDIR/oci.tar"
  assert_success
  [ "$(oci_layer_type "$BATS_TEST_TMPDIR/oci.tar")" = application/vnd.oci.image.layer.v1.tar+gzip ]

  galley save -o "$BATS_TEST_TMPDIR/docker.tar" busybox
  run_galley rmi busybox
  run_galley load -i "$BATS_TEST_TMPDIR/oci.tar"
  assert_output_equals "Loaded image: localhost/busybox:latest"
  # The same layer as the docker-archive's (one generator), so the same id.
  run_galley image inspect --format '{{.RootFS.Layers}}' busybox
  assert_output_equals "[sha256:$(archive_layers "$BATS_TEST_TMPDIR/docker.tar" | sed 's/\.tar$//')]"

  run_galley save -q --format oci-archive --uncompressed -o "$BATS_TEST_TMPDIR/plain.tar" busybox
  run skopeo inspect "oci-archive:$BATS_TEST_TMPDIR/plain.tar"
  assert_success
  [ "$(oci_layer_type "$BATS_TEST_TMPDIR/plain.tar")" = application/vnd.oci.image.layer.v1.tar ]
}

@test "save: skopeo reads and copies the docker-archive" {
  galley load -i "$ARCHIVES/busybox.tar"
  galley save -q -o "$BATS_TEST_TMPDIR/a.tar" busybox
  run skopeo inspect "docker-archive:$BATS_TEST_TMPDIR/a.tar"
  assert_success
  [ "$(jq -r '.Layers | length' <<< "$output")" = 1 ]
  [ "$(jq -r '.Labels["org.galley.test"]' <<< "$output")" = true ]
  run skopeo copy --quiet "docker-archive:$BATS_TEST_TMPDIR/a.tar" "oci:$BATS_TEST_TMPDIR/layout:x"
  assert_success
}

@test "save: a multi-layer image keeps its whiteouts and opaque directories" {
  run skopeo copy --quiet "oci:$ARCHIVES/oci:multilayer" \
    "docker-archive:$BATS_TEST_TMPDIR/ml.tar:localhost/multilayer:latest"
  assert_success
  galley load -i "$BATS_TEST_TMPDIR/ml.tar"
  galley save -q -o "$BATS_TEST_TMPDIR/saved.tar" multilayer
  local l all=""
  for l in $(archive_layers "$BATS_TEST_TMPDIR/saved.tar"); do
    all+=$(tar -xOf "$BATS_TEST_TMPDIR/saved.tar" "$l" | tar -tf -)$'\n'
  done
  grep -qx 'data/.wh.remove-me' <<< "$all"
  grep -qx 'data/opq/.wh..wh..opq' <<< "$all"
  grep -qx 'data/opq/new' <<< "$all"
  # The marker comes right after its directory.
  grep -A1 -x 'data/opq/' <<< "$all" | grep -qx 'data/opq/.wh..wh..opq'
  [ "$(archive_layers "$BATS_TEST_TMPDIR/saved.tar" | wc -l)" -eq 4 ]

  # Loaded again, the same layers; saved again, the same bytes.
  run_galley rmi -a
  run_galley load -i "$BATS_TEST_TMPDIR/saved.tar"
  galley save -q -o "$BATS_TEST_TMPDIR/again.tar" multilayer
  cmp "$BATS_TEST_TMPDIR/saved.tar" "$BATS_TEST_TMPDIR/again.tar"
}

@test "save: podman loads and runs what galley saved" {
  command -v podman > /dev/null || skip "podman is not installed"
  skip_if_no_subids "podman needs subordinate ids"
  run skopeo copy --quiet "oci:$ARCHIVES/oci:multilayer" \
    "docker-archive:$BATS_TEST_TMPDIR/ml.tar:localhost/multilayer:latest"
  galley load -i "$BATS_TEST_TMPDIR/ml.tar"
  galley save -q -o "$BATS_TEST_TMPDIR/saved.tar" multilayer
  unset REGISTRY_AUTH_FILE
  export XDG_RUNTIME_DIR=$BATS_TEST_TMPDIR/xdg
  mkdir -m 700 "$XDG_RUNTIME_DIR"
  local p=(podman --root "$BATS_TEST_TMPDIR/root/podman" --runroot "$BATS_TEST_TMPDIR/runroot/podman")
  run "${p[@]}" load -q -i "$BATS_TEST_TMPDIR/saved.tar"
  [ "$status" -eq 0 ] || skip "podman load does not work here: $output"
  run "${p[@]}" run --rm --net=none localhost/multilayer:latest \
    sh -c 'ls -A /data /data/opq; cat /data/a.txt /data/dir; stat -c %h /data/hard-src'
  "${p[@]}" unshare rm -rf "$BATS_TEST_TMPDIR/root/podman" 2> /dev/null || true
  [ "$status" -eq 0 ] || skip "podman run does not work here: $output"
  [[ $output != *remove-me* ]]
  [[ $output != *old* ]]
  [[ $output == *"layer 3"* ]]
  [[ $output == *"a file now"* ]]
  [ "${lines[-1]}" = 2 ]
}

@test "save: more tags without -m, several images with -m, image save alias" {
  galley load -i "$ARCHIVES/busybox.tar"
  galley save -q -o "$BATS_TEST_TMPDIR/t.tar" busybox foo bar:1
  run jq -c '.[0].RepoTags' < <(tar -xOf "$BATS_TEST_TMPDIR/t.tar" manifest.json)
  assert_output_equals '["localhost/foo:latest","localhost/bar:1","localhost/busybox:latest"]'
  galley tag busybox other
  run_galley image save -q -m -o "$BATS_TEST_TMPDIR/m.tar" busybox other busybox
  run jq -c '[length, .[0].RepoTags]' < <(tar -xOf "$BATS_TEST_TMPDIR/m.tar" manifest.json)
  assert_output_equals '[1,["localhost/busybox:latest","localhost/other:latest"]]'
  # By id: no tag (as podman and docker).
  local id
  id=$(galley images -q --no-trunc | sed 's/^sha256://')
  galley save -q -o "$BATS_TEST_TMPDIR/id.tar" "$id"
  run jq -c '.[0].RepoTags' < <(tar -xOf "$BATS_TEST_TMPDIR/id.tar" manifest.json)
  assert_output_equals '[]'
}

@test "save: bad input fails with one line and leaves no file" {
  galley load -i "$ARCHIVES/busybox.tar"
  mkdir "$BATS_TEST_TMPDIR/out"
  run_galley 125 save -o "$BATS_TEST_TMPDIR/out/x.tar" nosuch
  assert_stderr_contains "nosuch: image not known"
  run_galley 125 save --format tar -o "$BATS_TEST_TMPDIR/out/x.tar" busybox
  assert_stderr_contains "format value must be one of"
  run_galley 125 save -m --format oci-archive -o "$BATS_TEST_TMPDIR/out/x.tar" busybox busybox:latest
  assert_stderr_contains 'unsupported format "oci-archive" for saving multiple images'
  run_galley 125 save -o "$BATS_TEST_TMPDIR/out/x.tar"
  run_galley 125 save -o "$BATS_TEST_TMPDIR/out" busybox
  run_galley 125 save -o "$BATS_TEST_TMPDIR/nodir/x.tar" busybox
  [ -z "$(ls -A "$BATS_TEST_TMPDIR/out")" ]
}

@test "inspect: images by any name, --type, podman's errors" {
  galley load -i "$ARCHIVES/busybox.tar"
  run_galley inspect busybox
  [ "$(jq -r '.[0].RepoTags[0]' <<< "$output")" = localhost/busybox:latest ]
  local id
  id=$(jq -r '.[0].Id' <<< "$output")
  run_galley inspect --type image -f '{{.Id}}' "${id:0:12}"
  assert_output_equals "$id"
  run_galley inspect -t all --format '{{.Id}}' busybox
  assert_output_equals "$id"
  run_galley 125 inspect nosuch
  assert_equal "$stderr" 'Error: inspecting object: no such object: "nosuch"'
  run_galley 125 inspect --format '{{.Id}}' busybox nosuch
  assert_output_equals "$id"
  run_galley 125 inspect --type image nosuch
  assert_stderr_contains "nosuch: image not known"
  run_galley 125 inspect --type container busybox
  assert_equal "$stderr" "Error: inspecting object: no such container busybox"
  run_galley 125 inspect --type bogus busybox
  assert_stderr_contains 'invalid type "bogus"'
}

@test "completion: image names and ids from the store; group help lists aliases" {
  run_galley __completeNoDesc save ""
  assert_output_equals ":4"
  galley load -i "$ARCHIVES/busybox.tar"
  run_galley __completeNoDesc save ""
  assert_output_equals $'localhost/busybox:latest\n:4'
  run_galley __completeNoDesc rmi bus
  assert_output_contains "busybox:latest"
  assert_output_contains "busybox"
  assert_output_not_contains "localhost/"
  local id
  id=$(galley images -q)
  run_galley __completeNoDesc image inspect "${id:0:4}"
  assert_output_equals "$id"$'\n:4'
  run_galley image --help
  assert_output_matches $'\n  ls +List images'
  assert_output_matches $'\n  rm +Remove one or more images'
  assert_output_matches $'\n  save +Save image'
}
