#!/usr/bin/env bats
# Docs sanity (as charliecloud's): every command has a man page, and every
# option that `galley CMD --help` shows appears in the man page and in the
# completions.  All three are generated from src/cli/commands.def, so a
# failure here means a generator dropped something.
#
# GALLEY_TEST_MANDIR (optional): directory of installed galley*.1 pages, to
# check against `galley __man`.  GALLEY_TEST_COMPLETIONSDIR (optional): the
# installed bash completion directory.

load helpers

# Every visible command, subcommands of groups as "group sub".
all_commands () {
  local cmd sub
  for cmd in $(visible_commands); do
    echo "$cmd"
    "$GALLEY" "$cmd" --help | awk '
      /^Available Commands:/ { on = 1; next }
      on && /^[^ ]/ { on = 0 }
      on && NF >= 1 { print $1 }' | while read -r sub; do
      echo "$cmd $sub"
    done
  done
}

# "SHORT LONG" for each option in the Options section of --help ("-" when
# there is no short name).
help_options () {
  "$GALLEY" "$@" --help | sed -n -E 's/^ +(-([A-Za-z0-9]), )?--([a-z0-9][a-z0-9-]*).*/\2 \3/p' |
    awk '{ if (NF == 1) print "-", $1; else print $1, $2 }'
}

# Does the roff text in $1 mention option $2 ("--format" or "-f")?
man_mentions () {
  local esc=${2//-/\\-}
  [[ $1 == *"$esc\\f"* || $1 == *"$esc="* || $1 == *"$esc "* || $1 == *"$esc,"* ]]
}

check_command_docs () {
  local -a cmd=()
  [ -n "$1" ] && read -r -a cmd <<< "$1"
  local page complete_long complete_short short long n=0
  page=$("$GALLEY" __man "${cmd[@]}")
  complete_long=$(completions "${cmd[@]}" --)
  complete_short=$(completions "${cmd[@]}" -)
  while read -r short long; do
    n=$((n + 1))
    if ! man_mentions "$page" "--$long"; then
      echo "FAIL: 'galley $1 --help' shows --$long but 'galley __man $1' does not" >&2
      return 1
    fi
    if ! grep -qxF -- "--$long" <<< "$complete_long"; then
      echo "FAIL: 'galley $1 --help' shows --$long but 'galley __complete $1 --' does not" >&2
      return 1
    fi
    [ "$short" = - ] || [ "$short" = h ] && continue
    if ! man_mentions "$page" "-$short"; then
      echo "FAIL: 'galley $1 --help' shows -$short but 'galley __man $1' does not" >&2
      return 1
    fi
    if ! grep -qxF -- "-$short" <<< "$complete_short"; then
      echo "FAIL: 'galley $1 --help' shows -$short but 'galley __complete $1 -' does not" >&2
      return 1
    fi
  done < <(help_options "${cmd[@]}")
  # Every command has at least --help.
  [ "$n" -ge 1 ] || { echo "FAIL: no options parsed from 'galley $1 --help'" >&2; return 1; }
}

@test "every visible command has a man page" {
  local cmd name
  while read -r cmd; do
    name=galley-${cmd// /-}
    # shellcheck disable=SC2086
    run_galley __man $cmd
    assert_output_contains ".TH \"$name\" \"1\""
    assert_output_contains ".SH NAME"
    assert_output_contains ".SH SYNOPSIS"
    assert_output_contains ".SH OPTIONS"
  done < <(all_commands)
}

@test "galley(1) lists every visible command" {
  run_galley __man
  assert_output_contains '.TH "galley" "1"'
  local cmd
  for cmd in $(visible_commands); do
    assert_output_contains "galley-$cmd (1)"
  done
}

@test "every global option in --help is in galley(1) and the completions" {
  check_command_docs ""
}

@test "every option in CMD --help is in its man page and the completions" {
  local cmd
  while read -r cmd; do
    check_command_docs "$cmd"
  done < <(all_commands)
}

@test "the man page's options are the ones --help shows" {
  local cmd page long
  while read -r cmd; do
    # shellcheck disable=SC2086
    page=$("$GALLEY" __man $cmd)
    # shellcheck disable=SC2086
    local help_longs
    help_longs=$(help_options $cmd | awk '{ print $2 }')
    for long in $(sed -n -E 's/^\\fB\\-\\-([a-z0-9\\-]+)\\fR.*/\1/p; s/^\\fB\\-[A-Za-z0-9]\\fR, \\fB\\-\\-([a-z0-9\\-]+)\\fR.*/\1/p' <<< "$page" | sed 's/\\-/-/g'); do
      if ! grep -qxF -- "$long" <<< "$help_longs"; then
        echo "FAIL: 'galley __man $cmd' documents --$long that 'galley $cmd --help' does not show" >&2
        return 1
      fi
    done
  done < <(all_commands)
}

# needs: -h in the man pages and in `galley __complete CMD -`.
@test "-h is documented and completed like --help" {
  local cmd
  while read -r cmd; do
    # shellcheck disable=SC2086
    man_mentions "$("$GALLEY" __man $cmd)" -h ||
      { echo "FAIL: 'galley __man $cmd' does not mention -h" >&2; return 1; }
    # shellcheck disable=SC2086
    completions $cmd - | grep -qxF -- -h ||
      { echo "FAIL: 'galley __complete $cmd -' does not offer -h" >&2; return 1; }
  done < <(all_commands)
}

@test "__complete offers the visible commands and no hidden ones" {
  run_galley __complete ""
  local cmd
  for cmd in help version info; do
    assert_output_contains "$cmd"
  done
  assert_output_not_contains "__complete"
  assert_output_not_contains "__man"
  run_galley __completeNoDesc ver
  assert_output_equals $'version\n:4'
  assert_equal "$stderr" "Completion ended with directive: ShellCompDirectiveNoFileComp" "stderr"
}

# needs: `galley __complete` must take its words as they are, without parsing
# them as its own options (the bash shim sends `galley --log-level <TAB>`
# as `__complete --log-level ""`).
@test "__complete offers values of --log-level" {
  run_galley __complete --log-level ""
  assert_output_contains "debug"
  assert_output_contains "error"
}

@test "installed man pages match galley __man" {
  [ -n "${GALLEY_TEST_MANDIR:-}" ] || skip "GALLEY_TEST_MANDIR is not set"
  local cmd name
  [ -f "$GALLEY_TEST_MANDIR/galley.1" ] || { echo "FAIL: no galley.1 in $GALLEY_TEST_MANDIR" >&2; return 1; }
  while read -r cmd; do
    name=galley-${cmd// /-}
    [ -f "$GALLEY_TEST_MANDIR/$name.1" ] || { echo "FAIL: no $name.1 in $GALLEY_TEST_MANDIR" >&2; return 1; }
    # shellcheck disable=SC2086
    assert_equal "$(cat "$GALLEY_TEST_MANDIR/$name.1")" "$("$GALLEY" __man $cmd)" "$name.1"
  done < <(all_commands)
}

@test "the installed bash completion completes commands and options" {
  [ -n "${GALLEY_TEST_COMPLETIONSDIR:-}" ] || skip "GALLEY_TEST_COMPLETIONSDIR is not set"
  local f=$GALLEY_TEST_COMPLETIONSDIR/galley
  [ -f "$f" ] || { echo "FAIL: no $f" >&2; return 1; }
  run bash -c '
    source "$1"
    COMP_WORDS=("$2" ver); COMP_CWORD=1; _galley_complete; echo "${COMPREPLY[*]}"
    COMP_WORDS=("$2" version --fo); COMP_CWORD=2; _galley_complete; echo "${COMPREPLY[*]}"' _ "$f" "$GALLEY"
  assert_success
  assert_equal "${lines[0]}" "version" "completion of 'galley ver'"
  assert_equal "${lines[1]}" "--format" "completion of 'galley version --fo'"
}
