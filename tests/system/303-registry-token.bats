#!/usr/bin/env bats
# Bearer tokens: distribution's `auth: token` trusting the test token server
# (tests/registry/token/).  public/* may be pulled anonymously, private/*
# only by the test user.

load helpers

token_registry=${GALLEY_TEST_TOKEN_REGISTRY:-127.0.0.1:5003}
user=${GALLEY_TEST_AUTH_USER:-galley}
password=${GALLEY_TEST_AUTH_PASSWORD:-galley-test-password}

setup () {
  basic_setup
  skip_if_no_registry "$token_registry"
  cat >> "$CONTAINERS_REGISTRIES_CONF" << EOF

[[registry]]
location = "$token_registry"
insecure = true
EOF
}

teardown () {
  basic_teardown
}

@test "token auth: anonymous pull of a public repository" {
  run_galley pull -q "$token_registry/public/busybox"
  assert_output_matches '^[0-9a-f]{64}$'
  run_galley search --list-tags --format '{{.Tag}}' "$token_registry/public/busybox"
  assert_output_equals "latest"
}

@test "token auth: a private repository needs credentials" {
  run_galley 125 pull "$token_registry/private/busybox"
  assert_stderr_contains "authentication required for $token_registry (HTTP 401)"
  run_galley pull -q --creds "$user:$password" "$token_registry/private/busybox"
  assert_output_matches '^[0-9a-f]{64}$'
  run_galley 125 pull --creds "$user:wrong" "$token_registry/private/busybox"
  assert_stderr_contains "invalid username/password"
}

@test "token auth: login, then pull and search the catalog" {
  run_galley 125 login -u "$user" -p wrong "$token_registry"
  assert_stderr_contains "logging into \"$token_registry\""
  run_galley login -u "$user" -p "$password" "$token_registry"
  assert_output_equals "Login Succeeded!"
  run_galley pull -q "$token_registry/private/busybox"
  assert_output_matches '^[0-9a-f]{64}$'
  run_galley search --format '{{.Name}}' "$token_registry/busybox"
  assert_output_contains "$token_registry/private/busybox"
  assert_output_contains "$token_registry/public/busybox"
  run_galley 125 pull "$token_registry/private/missing"
  assert_stderr_contains "manifest unknown (HTTP 404)"
}
