#!/usr/bin/env bats
# galley pull of hostile layers (tests/images/hostile/mkhostile.py): every
# write stays inside the layer directory, or the pull is refused and leaves
# nothing behind.

load helpers

MKHOSTILE=$BATS_TEST_DIRNAME/../images/hostile/mkhostile.py

setup_file () {
  . "${GALLEY_TEST_ENV:-/var/tmp/galley-test/env}" 2> /dev/null || true
  local r=${GALLEY_TEST_SCRATCH_REGISTRY:-127.0.0.1:5002}
  if curl -s -o /dev/null --max-time 5 "http://$r/v2/"; then
    python3 "$MKHOSTILE" push "$r" > /dev/null
  fi
}

setup () {
  basic_setup
  skip_if_no_registry "$scratch_registry"
}

teardown () {
  basic_teardown
}

assert_nothing_outside () {
  local leaked
  leaked=$(ls -d /tmp/galley-hostile-* 2> /dev/null || true)
  assert_equal "$leaked" "" "files written outside the layer"
}

assert_no_incomplete_layers () {
  local f
  for f in "$GALLEY_TEST_ROOT"/layers/*/layer.json; do
    [ -e "$f" ] || continue
    assert_equal "$(jq -r .state "$f")" ready "state of $f"
  done
}

@test "pull: every hostile image is refused or kept inside" {
  while read -r name expect; do
    if [ "$expect" = refuse ]; then
      run_galley 125 pull -q "$scratch_registry/hostile-$name"
      assert_stderr_contains "blob sha256:"
    else
      run_galley pull -q "$scratch_registry/hostile-$name"
    fi
    assert_nothing_outside
    assert_no_incomplete_layers
  done < <(python3 "$MKHOSTILE" list)
}

@test "pull: ../ names are refused, naming the entry" {
  run_galley 125 pull "$scratch_registry/hostile-dotdot"
  assert_stderr_contains 'refusing a path with ".."'
  run galley images -q
  [ -z "$output" ] || [ "$status" -ne 0 ]
}

@test "pull: absolute names and symlinked parents land inside the layer" {
  run_galley pull -q "$scratch_registry/hostile-absolute"
  dir=$(ls -d "$GALLEY_TEST_ROOT"/layers/*/diff)
  assert_equal "$(cat "$dir/tmp/galley-hostile-absolute")" abs
  run_galley pull -q "$scratch_registry/hostile-symlink-parent"
  [ -n "$(find "$GALLEY_TEST_ROOT/layers" -path '*/diff/tmp/galley-hostile-symlink-parent')" ]
  run_galley pull -q "$scratch_registry/hostile-whiteout-symlink"
  [ -n "$(find "$GALLEY_TEST_ROOT/layers" -path '*/diff/tmp/galley-hostile-victim' -type c)" ]
  assert_nothing_outside
}
