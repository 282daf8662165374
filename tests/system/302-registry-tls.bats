#!/usr/bin/env bats
# TLS: the test CA through certs.d (the user's, or --cert-dir), an untrusted
# certificate refused, --tls-verify=false; plain http only for insecure
# registries.

load helpers

setup () {
  basic_setup
  curl -s -o /dev/null --max-time 5 --cacert "${GALLEY_TEST_CA:-/nonexistent}" "https://$tls_registry/v2/" ||
    skip "TLS registry $tls_registry is not running (run tests/setup-host.sh as root)"
}

teardown () {
  basic_teardown
}

@test "TLS: a certificate from an unknown CA is refused with one clear line" {
  run_galley 125 pull "$tls_registry/busybox"
  assert_stderr_contains "pinging container registry $tls_registry"
  assert_stderr_contains "certificate"
}

@test "TLS: the CA in \$XDG_CONFIG_HOME/containers/certs.d/HOST:PORT is trusted" {
  mkdir -p "$XDG_CONFIG_HOME/containers/certs.d/$tls_registry"
  cp "$GALLEY_TEST_CA" "$XDG_CONFIG_HOME/containers/certs.d/$tls_registry/ca.crt"
  run_galley pull -q "$tls_registry/busybox"
  assert_output_matches '^[0-9a-f]{64}$'
  run_galley search --format '{{.Name}}' "$tls_registry/busybox"
  assert_output_equals "$tls_registry/busybox"
}

@test "TLS: --cert-dir" {
  mkdir -p "$BATS_TEST_TMPDIR/certs"
  cp "$GALLEY_TEST_CA" "$BATS_TEST_TMPDIR/certs/ca.crt"
  run_galley search --cert-dir "$BATS_TEST_TMPDIR/certs" --format '{{.Name}}' "$tls_registry/busybox"
  assert_output_equals "$tls_registry/busybox"
  run_galley 125 search --cert-dir "$BATS_TEST_TMPDIR/missing" "$tls_registry/busybox"
}

@test "TLS: --tls-verify=false skips verification" {
  run_galley pull -q --tls-verify=false "$tls_registry/busybox"
  assert_output_matches '^[0-9a-f]{64}$'
}

@test "plain http is used only for insecure registries" {
  skip_if_no_registry
  # Not insecure in registries.conf: https only, and the registry speaks http.
  cat > "$CONTAINERS_REGISTRIES_CONF" << EOF2
unqualified-search-registries = []
EOF2
  run_galley 125 pull "$registry/busybox"
  assert_stderr_contains "server gave HTTP response to HTTPS client"
  run_galley 125 pull --tls-verify=true "$registry/busybox"
  assert_stderr_contains "server gave HTTP response to HTTPS client"
  run_galley pull -q --tls-verify=false "$registry/busybox"
  assert_output_matches '^[0-9a-f]{64}$'
}
