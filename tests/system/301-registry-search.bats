#!/usr/bin/env bats
# galley search: the catalog of a registry (or of every
# unqualified-search registry), --list-tags, --limit, --format, filters.

load helpers

setup () {
  basic_setup
  skip_if_no_registry
}

teardown () {
  basic_teardown
}

@test "search REGISTRY/TERM: matching repositories, podman's columns" {
  run_galley search "$registry/busybox"
  assert_output_matches '^NAME +DESCRIPTION'
  assert_output_contains "$registry/busybox"
  assert_output_contains "$registry/busybox-oci"
  assert_output_not_contains "$registry/multilayer"
}

@test "search TERM uses the unqualified-search registries" {
  run_galley search --format '{{.Name}}' busybox-oci
  assert_output_equals "$registry/busybox-oci"
}

@test "search --limit, --format json and templates, --no-trunc" {
  run_galley search --limit 2 --format '{{.Name}}' "$registry/busybox"
  assert_line_count 2
  run_galley search --format json "$registry/busybox-zstd"
  assert_equal "$(jq -r '.[0].Name' <<< "$output")" "$registry/busybox-zstd" "Name"
  assert_equal "$(jq -r '.[0].Index' <<< "$output")" "$registry" "Index"
  run_galley search --no-trunc --format '{{.Index}} {{.Name}}' "$registry/busybox-zstd"
  assert_output_equals "$registry $registry/busybox-zstd"
}

@test "search --list-tags" {
  run_galley search --list-tags "$registry/busybox"
  assert_output_matches '^NAME +TAG'
  assert_output_matches "$registry/busybox +latest"
  run_galley search --list-tags --format '{{.Tag}}' --limit 1 "$registry/busybox"
  assert_line_count 1
  run_galley 125 search --list-tags "$registry/busybox:latest"
  assert_stderr_contains "must not have a tag"
  run_galley 125 search --list-tags "$registry/no-such-repo"
  assert_stderr_contains "(HTTP 404)"
}

@test "search --filter" {
  run_galley search --filter is-official=true --format '{{.Name}}' "$registry/busybox"
  assert_output_equals ""
  run_galley search --filter stars=0 --format '{{.Name}}' "$registry/busybox-oci"
  assert_output_equals "$registry/busybox-oci"
  run_galley 125 search --filter bogus=1 "$registry/busybox"
  assert_stderr_contains 'invalid filter type "bogus"'
}

@test "search a registry that needs credentials" {
  skip_if_no_registry "$auth_registry"
  run_galley 125 search "$auth_registry/busybox"
  assert_stderr_contains "authentication required for $auth_registry (HTTP 401)"
  run_galley search --creds "${GALLEY_TEST_AUTH_USER:-galley}:${GALLEY_TEST_AUTH_PASSWORD:-galley-test-password}" \
    --format '{{.Name}}' "$auth_registry/busybox"
  assert_output_equals "$auth_registry/busybox"
}

@test "search: an unreachable registry is one error line" {
  run_galley 125 search --tls-verify=false 127.0.0.1:1/busybox
  assert_stderr_contains "pinging container registry 127.0.0.1:1"
}
