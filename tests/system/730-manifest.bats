#!/usr/bin/env bats
# galley manifest create/add/inspect/annotate/remove/rm/push, build
# --manifest and push --all: podman's lists (an image of the store with a
# Docker manifest list), its output and errors; what was pushed is read
# back with skopeo.

load helpers
load helpers-run

LIST_SOURCE=$registry/busybox-manifest-list

setup () {
  run_setup
  skip_if_no_registry "$scratch_registry"
  command -v skopeo > /dev/null || skip "skopeo is not installed"
  name=manifesttest/$(random_string 12)
  local_digest=$(galley image inspect --format '{{.Digest}}' "$RUN_IMAGE")
}

raw_manifest () {
  skopeo inspect --tls-verify=false --raw "docker://$1"
}

@test "manifest create, add, inspect: podman's list, from the store and from a registry" {
  run_galley manifest create mylist
  assert_output_matches '^[0-9a-f]{64}$'
  local id=$output
  run_galley manifest inspect mylist
  assert_output_equals '{
    "schemaVersion": 2,
    "mediaType": "application/vnd.docker.distribution.manifest.list.v2+json",
    "manifests": null
}'
  # an image of the store, named as podman lists it
  run_galley images --format '{{.ID}} {{.Repository}}:{{.Tag}}'
  assert_output_contains "${id:0:12} localhost/mylist:latest"

  run_galley manifest add mylist "containers-storage:$RUN_IMAGE"
  assert_output_equals "$id"
  run_galley manifest add mylist "$registry/busybox"
  assert_output_equals "$id"
  run_galley manifest add mylist "docker://$registry/busybox-oci"
  run_galley manifest inspect mylist
  [ "$(jq -r '.manifests | length' <<< "$output")" = 3 ]
  [ "$(jq -r '.manifests[0].digest' <<< "$output")" = "$local_digest" ]
  [ "$(jq -r '.manifests[0].platform.os + "/" + .manifests[0].platform.architecture' <<< "$output")" = linux/amd64 ]
  [ "$(jq -r '.manifests[1].digest' <<< "$output")" = "$(skopeo inspect --tls-verify=false "docker://$registry/busybox" | jq -r .Digest)" ]
  [ "$(jq -r '.manifests[2].mediaType' <<< "$output")" = application/vnd.oci.image.manifest.v1+json ]
  # adding the same image again changes nothing
  run_galley manifest add mylist "$registry/busybox"
  run_galley manifest inspect mylist
  [ "$(jq -r '.manifests | length' <<< "$output")" = 3 ]

  # a list: its instance for this platform, or --all of them
  run_galley manifest create one "$LIST_SOURCE"
  run_galley manifest inspect one
  [ "$(jq -r '.manifests | length' <<< "$output")" = 1 ]
  [ "$(jq -r '.manifests[0].platform.architecture' <<< "$output")" = amd64 ]
  # --arch (and --os, --variant) choose the instance too
  galley manifest create arm > /dev/null
  run_galley manifest add --arch arm64 arm "$LIST_SOURCE"
  run_galley manifest inspect arm
  [ "$(jq -r '.manifests[0].platform.architecture + "/" + .manifests[0].platform.variant' <<< "$output")" = arm64/v8 ]
  run_galley manifest create --all every "$LIST_SOURCE"
  run_galley manifest inspect every
  [ "$(jq -r '[.manifests[].platform.architecture] | join(",")' <<< "$output")" = "amd64,arm64" ]

  # a registry's manifest, when no list of the store has the name
  run_galley manifest inspect "$LIST_SOURCE"
  [ "$(jq -r '.manifests | length' <<< "$output")" = 2 ]
}

@test "manifest create and add: podman's errors, the store unchanged" {
  id=$(galley manifest create mylist)
  run_galley 125 manifest create mylist
  assert_stderr_contains "image name \"localhost/mylist:latest\" is already associated with image \"$id\": that name is already in use"
  run_galley manifest create --amend mylist
  assert_output_equals "$id"
  run_galley 125 manifest create busybox
  assert_stderr_contains "image name \"localhost/busybox:latest\" is already associated with image"
  run_galley 125 manifest create 'Bad:Name'
  assert_stderr_contains "repository name must be lowercase"
  run_galley 125 manifest add nolist "$registry/busybox"
  assert_stderr_contains "nolist: image not known"
  run_galley 125 manifest add busybox "$registry/busybox"
  assert_stderr_contains "localhost/busybox:latest: image is not a manifest list"
  run_galley 125 manifest add mylist "$registry/nosuchimage"
  assert_stderr_contains "manifest unknown"
  run_galley 125 manifest add mylist oci-archive:/tmp/x.tar
  assert_stderr_contains "the oci-archive transport is not supported"
  run_galley 125 manifest add mylist containers-storage:nosuch
  run_galley manifest inspect mylist
  assert_output_contains '"manifests": null'
}

@test "manifest annotate and remove" {
  galley manifest create mylist "containers-storage:$RUN_IMAGE" > /dev/null
  run_galley manifest annotate --annotation a=b --annotation c=d --arch arm64 --variant v8 --os-version 1.0 \
    --features f1 --os-features of1,of2 mylist "$local_digest"
  run_galley manifest inspect mylist
  [ "$(jq -c '.manifests[0].platform' <<< "$output")" = '{"architecture":"arm64","os":"linux","os.version":"1.0","os.features":["of1","of2"],"variant":"v8","features":["f1"]}' ]
  [ "$(jq -c '.manifests[0].annotations' <<< "$output")" = '{"a":"b","c":"d"}' ]
  # an image of the store names its instance too
  run_galley manifest annotate --os plan9 mylist "$RUN_IMAGE"
  run_galley manifest inspect mylist
  [ "$(jq -r '.manifests[0].platform.os' <<< "$output")" = plan9 ]
  run_galley 125 manifest annotate --annotation novalue mylist "$local_digest"
  assert_stderr_contains 'no value given for annotation "novalue"'
  run_galley 125 manifest annotate mylist "sha256:$(printf '0%.0s' {1..64})"
  assert_stderr_contains "found in manifest list: file does not exist"

  run_galley 125 manifest remove mylist notadigest
  assert_stderr_contains 'removing from manifest list mylist: invalid image digest "notadigest": invalid checksum digest format'
  run_galley manifest remove mylist "$local_digest"
  run_galley manifest inspect mylist
  assert_output_contains '"manifests": null'
  run_galley 125 manifest remove mylist "$local_digest"
  assert_stderr_contains "removing from manifest list mylist: no instance matching digest \"$local_digest\" found in manifest list: file does not exist"
}

@test "manifest rm: rmi of lists only" {
  id=$(galley manifest create mylist)
  galley tag mylist mylist:v2
  run_galley 1 manifest rm mylist nosuch
  assert_output_equals "Untagged: localhost/mylist:latest"
  assert_stderr_contains "nosuch: image not known"
  run_galley 125 manifest rm busybox
  assert_stderr_contains "localhost/busybox:latest: image is not a manifest list"
  run_galley images -q busybox
  assert_output_matches '^[0-9a-f]{12}$'
  run_galley manifest rm mylist:v2
  assert_output_equals $'Untagged: localhost/mylist:v2\nDeleted: '"$id"
  run_galley 125 manifest inspect mylist
}

@test "manifest push: instances by digest, then the list; --format, --all=false, --digestfile, --rm" {
  galley manifest create mylist "containers-storage:$RUN_IMAGE" "$registry/busybox-oci" > /dev/null
  galley manifest add --all mylist "$LIST_SOURCE" > /dev/null
  run_galley manifest push --digestfile "$BATS_TEST_TMPDIR/digest" mylist "docker://$scratch_registry/$name:v1"
  assert_stderr_contains "Copying 4 of 4 images in list"
  assert_stderr_contains "Writing manifest list to image destination"
  run raw_manifest "$scratch_registry/$name:v1"
  [ "$(jq -r .mediaType <<< "$output")" = application/vnd.oci.image.index.v1+json ]
  [ "$(jq -r '.manifests | length' <<< "$output")" = 4 ]
  [ "$(cat "$BATS_TEST_TMPDIR/digest")" = "sha256:$(printf '%s' "$output" | sha256sum | cut -d' ' -f1)" ]
  # every instance is there, by digest, with its platform
  local d
  for d in $(jq -r '.manifests[].digest' <<< "$output"); do
    raw_manifest "$scratch_registry/$name@$d" > /dev/null
  done
  [ "$(jq -r '[.manifests[].platform.architecture] | join(",")' <<< "$output")" = "amd64,amd64,amd64,arm64" ]
  # skopeo checks every blob of the instance for this platform
  skopeo copy -q --src-tls-verify=false "docker://$scratch_registry/$name:v1" "oci:$BATS_TEST_TMPDIR/layout:x"

  run_galley manifest push -q --format v2s2 mylist "$scratch_registry/$name:v2s2"
  assert_equal "$stderr" ""
  run raw_manifest "$scratch_registry/$name:v2s2"
  [ "$(jq -r .mediaType <<< "$output")" = application/vnd.docker.distribution.manifest.list.v2+json ]

  # the list alone: its instances are not copied (the registry refuses a
  # list of manifests it lacks, so they are there already)
  galley manifest create alone "$registry/busybox" > /dev/null
  run_galley manifest push --all=false alone "$scratch_registry/$name:alone"
  assert_stderr_contains "Writing manifest list to image destination"
  [[ "$stderr" != *"Copying image"* ]]
  run raw_manifest "$scratch_registry/$name:alone"
  [ "$(jq -r '.manifests | length' <<< "$output")" = 1 ]

  run_galley manifest push -q --rm mylist "$scratch_registry/$name:rm"
  run_galley 125 manifest inspect mylist
  run_galley 125 manifest push --sign-by 0123 alone "$scratch_registry/$name:signed"
  assert_stderr_contains "signing images is not supported"
  run_galley 125 manifest push nolist "$scratch_registry/$name:x"
  assert_stderr_contains "nolist: image not known"
}

@test "build --manifest, push --all, and a list where an image is used" {
  mkdir -p "$BATS_TEST_TMPDIR/ctx"
  printf 'FROM %s\nRUN echo built > /built\n' "$RUN_IMAGE" > "$BATS_TEST_TMPDIR/ctx/Containerfile"
  run_galley build -q --manifest built "$BATS_TEST_TMPDIR/ctx"
  local image=${lines[-1]}
  run_galley manifest inspect built
  [ "$(jq -r '.manifests | length' <<< "$output")" = 1 ]
  [ "$(jq -r '.manifests[0].digest' <<< "$output")" = "$(galley image inspect --format '{{.Digest}}' "$image")" ]
  # again: the same image, one instance; the list grows with another
  galley build -q --manifest built "$BATS_TEST_TMPDIR/ctx" > /dev/null
  galley manifest add built "containers-storage:$RUN_IMAGE" > /dev/null
  run_galley manifest inspect built
  [ "$(jq -r '.manifests | length' <<< "$output")" = 2 ]
  run_galley 125 build -q --manifest busybox "$BATS_TEST_TMPDIR/ctx"
  assert_stderr_contains "is already associated with image"

  # run, inspect, history, save: the list's image for this platform
  run_galley run --rm built cat /built
  assert_output_equals built
  run_galley image inspect --format '{{.Id}}' built
  assert_output_equals "$image"
  run_galley inspect --format '{{.Id}}' built
  assert_output_equals "$image"
  run_galley history -q --no-trunc built
  assert_output_contains "$image"
  run_galley save -o "$BATS_TEST_TMPDIR/built.tar" built
  [ "$(tar -xOf "$BATS_TEST_TMPDIR/built.tar" manifest.json | jq -r '.[0].Config')" = "${image}.json" ]
  galley manifest create remoteonly "$registry/busybox" > /dev/null
  run_galley 125 run --rm remoteonly true
  assert_stderr_contains "of manifest list"
  assert_stderr_contains "in local containers storage: image not known"
  run_galley 125 image inspect remoteonly
  assert_stderr_contains "in local containers storage: image not known"

  # push --all: the list; push: its image for this platform, as podman 4.3's
  run_galley push -q --all built "$scratch_registry/$name:all"
  run raw_manifest "$scratch_registry/$name:all"
  [ "$(jq -r .mediaType <<< "$output")" = application/vnd.oci.image.index.v1+json ]
  [ "$(jq -r '.manifests | length' <<< "$output")" = 2 ]
  run_galley push -q built "$scratch_registry/$name:single"
  run raw_manifest "$scratch_registry/$name:single"
  [ "$(jq -r '.layers | length' <<< "$output")" = 2 ]
}
