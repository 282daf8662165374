#!/bin/sh
# Replay every seed through every fuzz target (TAP).  A crash or an abort()
# from a target's own invariant checks fails the test.
seeds=${GALLEY_SRCDIR:-$(dirname "$0")/../..}/tests/fuzz/seeds
n=0
status=0
targets="fuzz-toml fuzz-template fuzz-reference fuzz-manifest fuzz-www-authenticate fuzz-seccomp-profile fuzz-network fuzz-image-change fuzz-containerfile fuzz-build-ignore fuzz-api-request fuzz-api-create-body"
echo "1..12"
for t in $targets; do
  n=$((n + 1))
  if tests/fuzz/$t "$seeds"/* > /dev/null 2>&1; then
    echo "ok $n - $t replays the seeds"
  else
    echo "not ok $n - $t replays the seeds"
    status=1
  fi
done
exit $status
