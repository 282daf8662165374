#!/usr/bin/env bats
# galley pull when things go wrong: a corrupted blob, an interrupted pull,
# two pulls of the same image at once.

load helpers

MKHOSTILE=$BATS_TEST_DIRNAME/../images/hostile/mkhostile.py

setup () {
  basic_setup
  skip_if_no_registry "$scratch_registry"
}

teardown () {
  basic_teardown
}

# Nothing half-done in the store: no incomplete layer, no temporary file.
assert_no_leftovers () {
  local f left
  for f in "$GALLEY_TEST_ROOT"/layers/*/layer.json; do
    [ -e "$f" ] || continue
    assert_equal "$(jq -r .state "$f")" ready "state of $f"
  done
  left=$(find "$GALLEY_TEST_ROOT" -name '*.tmp-*' -o -name '.removing-*' -o -name 'extracting' 2> /dev/null)
  assert_equal "$left" "" "leftovers"
}

# The registry's data file of a blob.
blob_file () {
  local hex=${1#sha256:}
  echo "$GALLEY_TEST_SCRATCH_STORAGE/docker/registry/v2/blobs/sha256/${hex:0:2}/$hex/data"
}

@test "pull: a corrupted blob fails naming its digest, nothing is committed" {
  [ -w "$GALLEY_TEST_SCRATCH_STORAGE" ] || skip "scratch registry storage not writable"
  name=corrupt-$(random_string)
  mapfile -t digests < <(python3 "$MKHOSTILE" big "$scratch_registry" "$name" 1)
  f=$(blob_file "${digests[2]}")
  [ -w "$f" ] || skip "blob file $f not writable"
  python3 - "$f" << 'PY'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
b[len(b) // 2] ^= 0xff
open(p, "wb").write(b)
PY
  run_galley 125 pull "$scratch_registry/$name"
  assert_stderr_contains "blob ${digests[2]}: digest mismatch (got sha256:"
  assert_no_leftovers
  [ ! -e "$GALLEY_TEST_ROOT/layers/${digests[2]#sha256:}" ]
  run galley images -q
  [ -z "$output" ]
}

no_pull_left () {
  ! pgrep -f -- "--root $GALLEY_TEST_ROOT " > /dev/null
}

# The delays are the points at which the pull is killed, not waits.
@test "pull: killed with -9 at any point, the next pull succeeds with no leftovers" {
  name=big-$(random_string)
  python3 "$MKHOSTILE" big "$scratch_registry" "$name" 64 > /dev/null
  for delay in 0.05 0.15 0.3 0.5 0.8; do
    "$GALLEY" --root "$GALLEY_TEST_ROOT" --runroot "$GALLEY_TEST_RUNROOT" pull -q "$scratch_registry/$name" \
      > /dev/null 2>&1 &
    pid=$!
    sleep "$delay"
    kill -9 "$pid" 2> /dev/null || true
    wait "$pid" 2> /dev/null || true
    # The extraction child dies with its parent.
    wait_until -t 5 no_pull_left
    run pgrep -f -- "--root $GALLEY_TEST_ROOT "
    assert_equal "$output" "" "processes left after kill -9 (delay $delay)"
    run_galley pull -q "$scratch_registry/$name"
    assert_no_leftovers
    n=$(ls "$GALLEY_TEST_ROOT/layers" | wc -l)
    assert_equal "$n" 4
    remove_tree "$GALLEY_TEST_ROOT"
  done
}

@test "pull: two concurrent pulls both succeed and download each layer once" {
  name=big-$(random_string)
  python3 "$MKHOSTILE" big "$scratch_registry" "$name" 32 > /dev/null
  "$GALLEY" --root "$GALLEY_TEST_ROOT" --runroot "$GALLEY_TEST_RUNROOT" --log-level debug \
    pull -q "$scratch_registry/$name" > "$BATS_TEST_TMPDIR/out1" 2> "$BATS_TEST_TMPDIR/err1" &
  p1=$!
  "$GALLEY" --root "$GALLEY_TEST_ROOT" --runroot "$GALLEY_TEST_RUNROOT" --log-level debug \
    pull -q "$scratch_registry/$name" > "$BATS_TEST_TMPDIR/out2" 2> "$BATS_TEST_TMPDIR/err2" &
  p2=$!
  wait "$p1"
  wait "$p2"
  assert_equal "$(cat "$BATS_TEST_TMPDIR/out1")" "$(cat "$BATS_TEST_TMPDIR/out2")"
  n=$(cat "$BATS_TEST_TMPDIR/err1" "$BATS_TEST_TMPDIR/err2" | grep -c 'fetching blob sha256:')
  assert_equal "$n" 4
  assert_no_leftovers
}
