#!/bin/sh
# The layering of src/ (TAP, run by `make check`).  The directories form
# layers, lowest first; a file may include the headers of its own directory
# and of the layers below it, never of a layer above or beside it:
LAYERS='util ns state registry image runtime build engine cli,api main.c,system_service.c'
# (cli/ and api/, the two front ends, share a layer: neither includes the
# other; main.c is above them all, and so is system_service.c, which joins
# the command line to the API service.)  And no file includes another that
# leads back to it, however far round: a .c and its .h count as one file,
# and so does a *_internal.h.
#
# Usage: tests/check-layering.sh [SRCDIR]   (default: $GALLEY_SRCDIR, else
# the tree this script is in)
LC_ALL=C
export LC_ALL
top=${1:-${GALLEY_SRCDIR:-$(dirname "$0")/..}}
cd "$top/src" || exit 1

# "FILE HEADER" for every #include "HEADER" that names a file of src/.
# shellcheck disable=SC2016 # the $ are awk's
edges=$(find . -name '*.[ch]' | sed 's|^\./||' | sort | xargs awk '
  /^[ \t]*#[ \t]*include[ \t]*"/ {
    h = $0
    sub (/^[^"]*"/, "", h)
    sub (/".*/, "", h)
    if ((getline line < h) >= 0) {
      close (h)
      print FILENAME, h
    }
  }')

echo "1..2"

# 1: every include goes down the layers (or stays in its directory)
bad=$(echo "$edges" | awk -v layers="$LAYERS" '
  BEGIN {
    n = split (layers, level, " ")
    for (i = 1; i <= n; i++) {
      m = split (level[i], dirs, ",")
      for (j = 1; j <= m; j++)
        rank[dirs[j]] = i
    }
  }
  NF == 2 {
    from = $1; sub (/\/.*/, "", from)
    to = $2; sub (/\/.*/, "", to)
    if (from == to)
      next
    if (! (from in rank))
      print "# src/" from "/ is not in the layer order (tests/check-layering.sh): src/" $1
    else if (! (to in rank))
      print "# src/" to "/ is not in the layer order (tests/check-layering.sh): src/" $1
    else if (rank[to] >= rank[from])
      print "# src/" $1 " includes " $2 ": " to "/ is not below " from "/ (" layers ")"
  }' | sort -u)
if [ -z "$bad" ]; then
  echo "ok 1 - every include goes down the layers"
else
  echo "$bad"
  echo "not ok 1 - every include goes down the layers"
fi

# 2: no include cycle between files (tsort names the files of each cycle it
# breaks)
loops=$(echo "$edges" | awk '
  function module (f) {
    sub (/\.[ch]$/, "", f)
    sub (/[_-]internal$/, "", f)
    return f
  }
  NF == 2 && module($1) != module($2) { print module($1), module($2) }' \
  | tsort 2>&1 > /dev/null \
  | sed -e 's/^tsort: .*input contains a loop.*/# a cycle:/' -e 's/^tsort: /#   /')
if [ -z "$loops" ]; then
  echo "ok 2 - no include cycle between files"
else
  echo "$loops"
  echo "not ok 2 - no include cycle between files"
fi
[ -z "$bad" ] && [ -z "$loops" ]
