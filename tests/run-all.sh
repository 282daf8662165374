#!/bin/bash
# galley's whole test suite, as root on a fresh Debian 12 machine:
#
#   tests/run-all.sh
#
#  1. tests/setup-host.sh: packages, devices, test users, local registries,
#     test images (stopped again at the end, whatever happens)
#  2. a -Werror build (VPATH, in a directory the test users can read),
#     `make check` (cmocka unit tests) and `make install` into a private prefix
#  3. a second build with --enable-sanitizers (ASan + UBSan), its
#     `make check` and `make install` into a second prefix; then -Werror
#     builds with gcc -O0, clang -O0 and clang -O2, each with its
#     `make check` (-O0 calls what -O2 inlines, and clang warns where gcc
#     does not)
#  4. valgrind --leak-check=full over every unit test program
#     (the -Werror build: valgrind and ASan do not mix)
#  5. the bats system tests as galley-t1 (subordinate ids) and as galley-t2
#     (none), against the installed binary, without XDG_RUNTIME_DIR; then
#     once more as galley-t1 against the ASan+UBSan build
#  6. clang-format --dry-run over src/ when a .clang-format exists; the
#     documents' relative links lead to files in the tree, and nothing cites
#     an issue number
#  7. `make distcheck` (the tarball builds, passes `make check` and installs
#     out of tree), and the tarball holds every file git tracks
#
# The last line is the summary "N passed, M failed, K skipped"; the exit
# status is non-zero when anything failed.
#
# Environment: GALLEY_BUILD_DIR (default /var/tmp/galley-build),
# GALLEY_TEST_JOBS (make -j, default the number of CPUs), GALLEY_TEST_SKIP
# (space-separated stages to leave out: werror sanitizers compilers valgrind
# system format distcheck).
set -uo pipefail

SRCDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${GALLEY_BUILD_DIR:-/var/tmp/galley-build}
JOBS=${GALLEY_TEST_JOBS:-$(nproc 2> /dev/null || echo 2)}
SKIP=" ${GALLEY_TEST_SKIP:-} "
STATE=${GALLEY_TEST_STATE:-/var/tmp/galley-test}
TEST_USERS=(galley-t1 galley-t2)
SAN_ASAN=detect_leaks=1:abort_on_error=1
SAN_UBSAN=print_stacktrace=1:halt_on_error=1

PASSED=0
FAILED=0
SKIPPED=0
FAILURES=()

say () { printf '\n=== %s (at %d s)\n' "$*" "$SECONDS"; }

# add_counts SUITE PASSED FAILED SKIPPED
add_counts () {
  PASSED=$((PASSED + $2))
  FAILED=$((FAILED + $3))
  SKIPPED=$((SKIPPED + $4))
  printf '%s: %d passed, %d failed, %d skipped\n' "$1" "$2" "$3" "$4"
  [ "$3" -eq 0 ] || FAILURES+=("$1")
}

# A step that is not itself a test (configure, make) counts as one test, so
# that a broken build can never look like a green run.
step () {
  local name=$1
  shift
  if "$@"; then
    add_counts "$name" 1 0 0
    return 0
  fi
  echo "run-all: FAILED: $name" >&2
  add_counts "$name" 0 1 0
  return 1
}

skipped_stage () { [[ $SKIP == *" $1 "* ]]; }

# Counts from automake's TAP driver: the "# PASS:" ... lines of `make check`.
make_check () {
  local name=$1 dir=$2 log=$2/make-check.out rc pass fail skip
  (cd "$dir" && make -j"$JOBS" check) > "$log" 2>&1
  rc=$?
  pass=$(sed -n -E 's/^# (PASS|XFAIL): +([0-9]+)$/\2/p' "$log" | awk '{ s += $1 } END { print s + 0 }')
  fail=$(sed -n -E 's/^# (FAIL|XPASS|ERROR): +([0-9]+)$/\2/p' "$log" | awk '{ s += $1 } END { print s + 0 }')
  skip=$(sed -n -E 's/^# SKIP: +([0-9]+)$/\1/p' "$log" | awk '{ s += $1 } END { print s + 0 }')
  grep -E '^(PASS|FAIL|ERROR|XPASS|SKIP|XFAIL):|^# (TOTAL|PASS|SKIP|XFAIL|FAIL|XPASS|ERROR):' "$log" |
    grep -vE '^(PASS|SKIP|XFAIL):' || true
  if [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then
    # make itself failed (a compile error): show why and count it.
    tail -n 40 "$log"
    fail=1
  fi
  if [ "$fail" -ne 0 ] && [ -f "$dir/test-suite.log" ]; then
    sed -n '/^FAIL\|^ERROR/,/^$/p' "$dir/test-suite.log" | head -n 200
    grep -h -B2 -A20 -E '^not ok' "$dir"/tests/unit/*.log 2> /dev/null | head -n 200
  fi
  add_counts "$name" "$pass" "$fail" "$skip"
}

# build NAME DIR CONFIGURE-ARGS...
build () {
  local name=$1 dir=$2
  shift 2
  rm -rf "$dir"
  mkdir -p "$dir"
  step "$name: configure" bash -c 'cd "$1" && shift && "$@" > configure.out 2>&1 || { tail -n 30 configure.out; exit 1; }' \
    _ "$dir" "$SRCDIR/configure" "$@" || return 1
  step "$name: make" bash -c 'cd "$1" && make -j"$2" > make.out 2>&1 || { grep -E "error|warning" make.out | head -n 60; tail -n 20 make.out; exit 1; }' \
    _ "$dir" "$JOBS" || return 1
}

unit_programs () {
  find "$1/tests/unit" -maxdepth 1 -type f -name 'test-*' -perm -u+x 2> /dev/null | sort
}

# Programs listed in tests/valgrind.skip are left out (with the reason given
# there); a program that valgrind cannot run (a syscall it does not know,
# such as openat2 in valgrind 3.19) counts as skipped, not passed.
run_valgrind () {
  local dir=$1 prog name pass=0 fail=0 skip=0 log
  for prog in $(unit_programs "$dir"); do
    name=${prog##*/}
    log=$prog.valgrind
    if grep -qE "^$name([[:space:]]|$)" "$SRCDIR/tests/valgrind.skip" 2> /dev/null; then
      echo "valgrind: skipped $name: $(grep -E "^$name([[:space:]]|$)" "$SRCDIR/tests/valgrind.skip" | sed -E 's/^[^#]*#? *//')"
      skip=$((skip + 1))
      continue
    fi
    if (cd "$dir" && GALLEY_SRCDIR=$SRCDIR CMOCKA_MESSAGE_OUTPUT=TAP \
          valgrind -q --leak-check=full --show-leak-kinds=definite,indirect \
          --errors-for-leak-kinds=definite,indirect --error-exitcode=1 \
          --suppressions="$SRCDIR/tests/valgrind.supp" "$prog") > "$log" 2>&1; then
      pass=$((pass + 1))
    elif grep -q 'WARNING: unhandled .* syscall' "$log"; then
      echo "valgrind: skipped $name: valgrind cannot run it ($(grep -o -m1 'unhandled .* syscall: [0-9]*' "$log"))"
      skip=$((skip + 1))
    else
      fail=$((fail + 1))
      echo "valgrind: FAILED: $name (log: $log)"
      grep -E '^==[0-9]+==|^not ok' "$log" | head -n 60
    fi
  done
  add_counts "valgrind" "$pass" "$fail" "$skip"
}

# Bats as USER with a minimal environment, as over ssh: no XDG_RUNTIME_DIR.
# run_system_tests LABEL USER PREFIX [VAR=VALUE...]
run_system_tests () {
  local label=$1 user=$2 prefix=$3 home log pass fail skip rc
  shift 3
  log=$BUILD/bats-${label// /-}.tap
  home=$(getent passwd "$user" | cut -d: -f6)
  (cd / && runuser -u "$user" -- env -i HOME="$home" USER="$user" LOGNAME="$user" \
    PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin LANG=C.UTF-8 CI="${CI:-}" \
    GALLEY="$prefix/bin/galley" GALLEY_TEST_ENV="$STATE/env" \
    GALLEY_TEST_MANDIR="$prefix/share/man/man1" \
    GALLEY_TEST_COMPLETIONSDIR="$prefix/share/bash-completion/completions" \
    "$@" bats --tap --timing "$BUILD/tests/system") > "$log" 2>&1
  rc=$?
  pass=$(grep -cE '^ok [0-9]+' "$log" | tr -d ' ')
  skip=$(grep -cE '^ok [0-9]+ .*# [Ss][Kk][Ii][Pp]' "$log" | tr -d ' ')
  fail=$(grep -cE '^not ok [0-9]+' "$log" | tr -d ' ')
  pass=$((pass - skip))
  # Print the failures with their diagnostics (the "# " lines after them).
  awk '/^not ok/ { on = 1; print; next } /^(ok|not ok) / { on = 0 } on && /^#/ { print }' "$log" | head -n 400
  if [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then
    tail -n 30 "$log"
    fail=1
  fi
  add_counts "system tests $label" "$pass" "$fail" "$skip"
}

check_format () {
  local files f bad=0
  mapfile -t files < <(cd "$SRCDIR" && find src tests/unit tests/fuzz -name '*.[ch]' 2> /dev/null | sort)
  for f in "${files[@]}"; do
    if ! (cd "$SRCDIR" && clang-format --dry-run --Werror "$f" > /dev/null 2>&1); then
      echo "not clang-formatted: $f (clang-format -i $f)"
      bad=1
    fi
  done
  return $bad
}

# The repository is all a user gets: a relative link in a document must lead
# to a file of the tree, and no document or source cites an issue number.
check_references () {
  local doc target bad=0
  while read -r doc; do
    while read -r target; do
      target=${target%%#*}
      case $target in '' | *://* | mailto:*) continue ;; esac
      if ! [ -e "$SRCDIR/$(dirname "$doc")/$target" ] ||
        [[ $(realpath -m "$SRCDIR/$(dirname "$doc")/$target") != "$SRCDIR"/* ]]; then
        echo "$doc: the link to $target leads outside the tree"
        bad=1
      fi
    done < <(grep -oE '\]\([^)]+\)' "$SRCDIR/$doc" | sed -E 's/^\]\((.*)\)$/\1/')
  done < <(cd "$SRCDIR" && find . -name '*.md' -not -path './.git/*' -not -path './build*' | sed 's|^\./||' | sort)
  if (cd "$SRCDIR" && grep -rnE '\(issue [0-9]+\)|issue #?[0-9]+|\.\./shared/' \
      src tests/system tests/unit tests/fuzz bench man conf docs README.md); then
    echo "(cite docs/ or the code, not an issue tracker or a file outside the tree)"
    bad=1
  fi
  return $bad
}

# Every file git tracks is in the tarball (.gitignore aside), so that a
# release holds all that README.md tells a user to run.
dist_complete () {
  local tarball tracked missing
  [ -e "$SRCDIR/.git" ] || return 0
  tarball=$(ls "$1"/galley-*.tar.xz | head -n 1)
  tracked=$(git -C "$SRCDIR" ls-files) || return 1
  missing=$(comm -23 <(grep -vx '.gitignore' <<< "$tracked" | sort) <(tar -tJf "$tarball" | sed 's|^[^/]*/||' | sort))
  [ -z "$missing" ] && return 0
  echo "not in $tarball (add them to EXTRA_DIST):"
  sed 's/^/  /' <<< "$missing"
  return 1
}

# Stop the services; quietly, so that the summary stays the last line.
cleanup () {
  "$SRCDIR/tests/setup-host.sh" --stop > /dev/null 2>&1 || true
}

main () {
  [ "$(id -u)" = 0 ] || { echo "run-all: run me as root (see tests/setup-host.sh)" >&2; exit 1; }
  local start=$SECONDS
  trap cleanup EXIT
  trap 'exit 130' INT TERM

  say "host setup"
  step "host setup" "$SRCDIR/tests/setup-host.sh" || {
    echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
    exit 1
  }

  say "autogen"
  step "autogen" bash -c 'cd "$1" && ./autogen.sh > /dev/null 2>&1 || { cd "$1" && ./autogen.sh; exit 1; }' _ "$SRCDIR"

  mkdir -p "$BUILD"
  chmod 0755 "$BUILD"

  if ! skipped_stage werror; then
    say "build with -Werror, make check, make install"
    if build "werror" "$BUILD/werror" --enable-werror --prefix="$BUILD/prefix"; then
      make_check "unit tests" "$BUILD/werror"
      rm -rf "$BUILD/prefix"
      step "make install" bash -c 'cd "$1" && make install > make-install.out 2>&1 || { tail -n 30 make-install.out; exit 1; }' _ "$BUILD/werror"
    fi
  fi

  if ! skipped_stage sanitizers; then
    say "build with ASan and UBSan, make check"
    if build "sanitizers" "$BUILD/sanitizers" --enable-werror --enable-sanitizers --prefix="$BUILD/prefix-san"; then
      ASAN_OPTIONS=$SAN_ASAN UBSAN_OPTIONS=$SAN_UBSAN make_check "unit tests (ASan+UBSan)" "$BUILD/sanitizers"
      rm -rf "$BUILD/prefix-san"
      step "make install (ASan+UBSan)" bash -c 'cd "$1" && make install > make-install.out 2>&1 || { tail -n 30 make-install.out; exit 1; }' _ "$BUILD/sanitizers"
    fi
  fi

  if ! skipped_stage compilers; then
    local cc_opt cc opt
    for cc_opt in gcc-O0 clang-O0 clang-O2; do
      cc=${cc_opt%-*} opt=${cc_opt#*-}
      say "build with $cc -$opt, make check"
      if build "$cc -$opt" "$BUILD/$cc_opt" --enable-werror CC="$cc" CFLAGS="-g -$opt"; then
        make_check "unit tests ($cc -$opt)" "$BUILD/$cc_opt"
      fi
    done
  fi

  if ! skipped_stage valgrind && [ -d "$BUILD/werror/tests/unit" ]; then
    say "valgrind over the unit tests"
    run_valgrind "$BUILD/werror"
  fi

  if ! skipped_stage system; then
    say "system tests"
    # The test users may not be able to read the checkout (CI clones into
    # root's directories): they get a copy of tests/.
    rm -rf "$BUILD/tests"
    cp -a "$SRCDIR/tests" "$BUILD/tests"
    chmod -R a+rX "$BUILD"
    if [ -x "$BUILD/prefix/bin/galley" ]; then
      local user
      for user in "${TEST_USERS[@]}"; do
        run_system_tests "as $user" "$user" "$BUILD/prefix"
      done
    else
      echo "run-all: no installed galley; system tests not run" >&2
      add_counts "system tests" 0 1 0
    fi
    # The real binary under ASan and UBSan too (once, as the user with
    # subordinate ids): helpers.bash fails a test on any sanitizer report.
    # Opt-in (GALLEY_TEST_SAN_SYSTEM=1) because it doubles the time of the
    # system tests; the unit tests always run under ASan+UBSan above.
    if [ "${GALLEY_TEST_SAN_SYSTEM:-0}" = 1 ] && [ -x "$BUILD/prefix-san/bin/galley" ]; then
      run_system_tests "(ASan+UBSan) as ${TEST_USERS[0]}" "${TEST_USERS[0]}" "$BUILD/prefix-san" \
        ASAN_OPTIONS="$SAN_ASAN" UBSAN_OPTIONS="$SAN_UBSAN"
    fi
  fi

  if ! skipped_stage format && [ -f "$SRCDIR/.clang-format" ]; then
    say "clang-format"
    step "clang-format" check_format
    step "references in the tree" check_references
  fi

  if ! skipped_stage distcheck && [ -f "$BUILD/werror/Makefile" ]; then
    say "make distcheck"
    step "make distcheck" bash -c 'cd "$1" && make -j"$2" distcheck > distcheck.out 2>&1 || { tail -n 40 distcheck.out; exit 1; }' \
      _ "$BUILD/werror" "$JOBS" &&
      step "tarball complete" dist_complete "$BUILD/werror"
  fi

  "$SRCDIR/tests/setup-host.sh" --stop
  say "summary ($((SECONDS - start)) s)"
  if [ ${#FAILURES[@]} -gt 0 ]; then
    printf 'failed: %s\n' "${FAILURES[@]}"
  fi
  echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
  [ "$FAILED" -eq 0 ]
}

main "$@"
