#!/usr/bin/env bats
# galley login / logout against the htpasswd (Basic) registry: checking the
# credentials, auth.json (atomic, 0600, other entries kept), --get-login,
# --password-stdin, --authfile, and pulling with the stored or --creds
# credentials.

load helpers

user=${GALLEY_TEST_AUTH_USER:-galley}
password=${GALLEY_TEST_AUTH_PASSWORD:-galley-test-password}

setup () {
  basic_setup
  skip_if_no_registry "$auth_registry"
}

teardown () {
  basic_teardown
}

@test "login: wrong password fails with one line naming the registry, writes nothing" {
  run_galley 125 login -u "$user" -p wrong "$auth_registry"
  assert_stderr_contains "Error: logging into \"$auth_registry\": authentication failed for $auth_registry: invalid username/password (HTTP 401)"
  [ ! -e "$REGISTRY_AUTH_FILE" ]
}

@test "login writes auth.json 0600 keeping other entries; --get-login; logout removes only ours" {
  printf '{"auths":{"other.example.com":{"auth":"dTpw"}},"credHelpers":{"x.io":"h"}}\n' > "$REGISTRY_AUTH_FILE"
  run_galley login -u "$user" -p "$password" "$auth_registry"
  assert_output_equals "Login Succeeded!"
  assert_equal "$(stat -c %a "$REGISTRY_AUTH_FILE")" 600 "mode of auth.json"
  assert_equal "$(jq -r '.auths["other.example.com"].auth' "$REGISTRY_AUTH_FILE")" dTpw "other entry"
  assert_equal "$(jq -r '.credHelpers["x.io"]' "$REGISTRY_AUTH_FILE")" h "other member"
  assert_equal "$(jq -r --arg r "$auth_registry" '.auths[$r].auth' "$REGISTRY_AUTH_FILE" | base64 -d)" \
    "$user:$password" "stored credentials"

  run_galley login --get-login "$auth_registry"
  assert_output_equals "$user"

  # Logged in already: podman reuses the stored credentials without asking.
  run_galley login "$auth_registry" < /dev/null
  assert_output_contains "Existing credentials are valid. Already logged in to $auth_registry"

  run_galley logout "$auth_registry"
  assert_output_equals "Removed login credentials for $auth_registry"
  assert_equal "$(jq -r --arg r "$auth_registry" '.auths[$r]' "$REGISTRY_AUTH_FILE")" null "our entry"
  assert_equal "$(jq -r '.auths["other.example.com"].auth' "$REGISTRY_AUTH_FILE")" dTpw "other entry"

  run_galley 125 logout "$auth_registry"
  assert_stderr_contains "Error: not logged into $auth_registry"
  run_galley 125 login --get-login "$auth_registry"
  assert_stderr_contains "Error: not logged into $auth_registry"
}

@test "login --password-stdin and the prompts; logout --all" {
  run_galley login -u "$user" --password-stdin "$auth_registry" <<< "$password"
  assert_output_equals "Login Succeeded!"
  run_galley logout --all
  assert_output_equals "Removed login credentials for all registries"
  assert_equal "$(jq -c .auths "$REGISTRY_AUTH_FILE")" '{}' "auths after --all"

  # Username and password from the prompts (stdin is not a terminal).
  run_galley login "$auth_registry" <<< "$user
$password"
  assert_output_contains "Username: "
  assert_output_contains "Login Succeeded!"

  run_galley 125 login -p x --password-stdin -u "$user" "$auth_registry"
  assert_stderr_contains "can't specify both --password-stdin and --password"
}

@test "login --authfile writes only that file" {
  run_galley login --authfile "$BATS_TEST_TMPDIR/other.json" -u "$user" -p "$password" "$auth_registry"
  [ -s "$BATS_TEST_TMPDIR/other.json" ]
  [ ! -e "$REGISTRY_AUTH_FILE" ]
  run_galley login --authfile "$BATS_TEST_TMPDIR/other.json" --get-login "$auth_registry"
  assert_output_equals "$user"
  run_galley logout --authfile "$BATS_TEST_TMPDIR/other.json" "$auth_registry"
}

@test "pull from the Basic-auth registry: refused anonymously, works after login and with --creds" {
  run_galley 125 pull "$auth_registry/busybox"
  assert_stderr_contains "authentication required for $auth_registry (HTTP 401)"

  run_galley pull -q --creds "$user:$password" "$auth_registry/busybox"
  assert_output_matches '^[0-9a-f]{64}$'

  run_galley 125 pull -q --creds "$user:wrong" "$auth_registry/busybox"
  assert_stderr_contains "invalid username/password (HTTP 401)"

  run_galley login -u "$user" -p "$password" "$auth_registry"
  run_galley rmi -a
  run_galley pull -q "$auth_registry/busybox"
  assert_output_matches '^[0-9a-f]{64}$'
}

@test "not found and unauthorized are told apart" {
  run_galley login -u "$user" -p "$password" "$auth_registry"
  run_galley 125 pull "$auth_registry/does-not-exist"
  assert_stderr_contains "pulling manifest $auth_registry/does-not-exist:latest:"
  assert_stderr_contains "(HTTP 404)"
}
