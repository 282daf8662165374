#!/usr/bin/env bats
# The command line itself: help, version, and how bad input fails (exit 125,
# one "Error: ..." line on stderr, nothing on stdout).

load helpers

@test "galley --help lists the commands and global options" {
  run_galley_raw --help
  assert_output_contains "Usage:"
  assert_output_contains "galley [options] COMMAND"
  assert_output_contains "Available Commands:"
  for opt in --root --runroot --log-level --version --help; do
    assert_output_contains "$opt"
  done
  for cmd in $(visible_commands); do
    grep -qE "^  $cmd +[^ ]" <<< "$output" ||
      { echo "FAIL: galley --help does not list $cmd" >&2; return 1; }
  done
  assert_stderr_empty
}

@test "galley -h is galley --help" {
  run_galley_raw --help
  local long=$output
  run_galley_raw -h
  assert_output_equals "$long"
}

@test "galley without a command: usage and exit 125" {
  run_galley_raw 125
  assert_output_equals ""
  assert_stderr_contains "Usage:"
  assert_stderr_contains "missing command"
}

@test "galley --version and -v print the version" {
  run_galley_raw --version
  assert_output_matches "^galley version [0-9]+\.[0-9]+\.[0-9]+"
  assert_line_count 1
  local v=$output
  run_galley_raw -v
  assert_output_equals "$v"
}

@test "galley version shows the same version" {
  run_galley_raw --version
  local v=${output#galley version }
  run_galley version
  assert_output_contains "$v"
}

@test "galley version --format json is JSON with Client.Version" {
  run_galley_raw --version
  local v=${output#galley version }
  run_galley version --format json
  run jq -r .Client.Version <<< "$output"
  assert_success
  assert_output_equals "$v"
}

# needs: Go templates in `version --format`.
@test "galley version --format with a Go template" {
  run_galley_raw --version
  local v=${output#galley version }
  run_galley version --format '{{.Client.Version}}'
  assert_output_equals "$v"
}

# The build date is the sources' (SOURCE_DATE_EPOCH, the last commit), never
# the compiler's clock: two builds of one tree are the same bytes.
@test "galley version: Built is the source date in seconds, BuiltTime the same in Go's ANSIC layout" {
  TZ=UTC run_galley version --format json
  local built
  built=$(jq -r .Client.Built <<< "$output")
  [[ $built =~ ^[0-9]+$ ]] || { echo "FAIL: Client.Built is not a number: $built" >&2; return 1; }
  assert_equal "$(jq -r .Client.BuiltTime <<< "$output")" "$(TZ=UTC date -d "@$built" '+%a %b %e %H:%M:%S %Y')" "BuiltTime"
  TZ=UTC run_galley version
  assert_output_contains "Built:        $(TZ=UTC date -d "@$built" '+%a %b %e %H:%M:%S %Y')"
}

# Only commands that use the store or galley.conf resolve the paths and read
# the configuration (CMD_SETUP in commands.def): help and version work
# whatever those are, and the others still refuse them.
@test "help, version, __man and __complete run with a bad --root or galley.conf; commands that need them fail" {
  run_galley_raw --root rel help
  assert_output_contains "Usage:"
  run_galley_raw --runroot rel version --format '{{.Client.Version}}'
  assert_output_matches '^[0-9]+\.[0-9]+\.[0-9]+$'
  GALLEY_ROOT=rel run_galley_raw __man --list
  assert_output_contains "galley-images"
  run_galley_raw --root rel __complete ""
  assert_output_contains "images"
  run_galley_raw 125 --root rel images
  assert_stderr_contains '--root must be an absolute path: "rel"'
  GALLEY_RUNROOT=rel run_galley_raw 125 ps
  assert_stderr_contains 'GALLEY_RUNROOT must be an absolute path: "rel"'

  mkdir -p "$XDG_CONFIG_HOME/galley"
  echo 'not toml [' > "$XDG_CONFIG_HOME/galley/galley.conf"
  run_galley help images
  assert_output_contains "galley images"
  run_galley version
  assert_output_contains "Version:"
  run_galley 125 images
  assert_stderr_contains "$XDG_CONFIG_HOME/galley/galley.conf:1:"
}

@test "unknown command: exit 125, the error naming it and where to look, as podman" {
  run_galley 125 nosuchcommand
  assert_output_equals ""
  assert_equal "$stderr" "Error: unrecognized command \`galley nosuchcommand\`
Try 'galley --help' for more information" "stderr"
  assert_single_error_line
}

@test "unknown global option: exit 125, the error naming it, as podman" {
  run_galley_raw 125 --no-such-flag version
  assert_output_equals ""
  assert_equal "$stderr" "Error: unknown flag: --no-such-flag
See 'galley --help'" "stderr"
}

@test "unknown short global option: exit 125, the error naming it, as podman" {
  run_galley_raw 125 -Z version
  assert_output_equals ""
  assert_equal "$stderr" "Error: unknown shorthand flag: 'Z' in -Z
See 'galley --help'" "stderr"
}

@test "unknown command option: exit 125, one error line naming it" {
  local cmd
  for cmd in $(visible_commands); do
    run_galley 125 "$cmd" --no-such-flag
    assert_output_equals ""
    assert_stderr_contains "Error: unknown flag: --no-such-flag"
    assert_single_error_line
  done
}

@test "missing option argument: exit 125, one error line naming the option" {
  run_galley_raw 125 --root
  assert_stderr_contains "Error: flag needs an argument: --root"
  assert_single_error_line

  run_galley_raw 125 --runroot
  assert_stderr_contains "--runroot"

  run_galley 125 version --format
  assert_output_equals ""
  assert_stderr_contains "--format"
  assert_single_error_line

  run_galley 125 info -f
  assert_output_equals ""
  assert_equal "$stderr" "Error: flag needs an argument: 'f' in -f
See 'galley info --help'" "stderr"
}

@test "invalid --log-level: exit 125, one error line" {
  run_galley 125 --log-level loud version
  assert_stderr_contains "loud"
  assert_equal "${#stderr_lines[@]}" 1 "stderr lines"
}

@test "valid --log-level values are accepted" {
  local level
  for level in trace debug info warn error; do
    run_galley --log-level "$level" version --format json
  done
}

@test "--root and --runroot must be usable paths" {
  run_galley_raw 125 --root "" info
  run_galley_raw 125 --runroot "" info
}

@test "every visible command has --help" {
  local cmd
  for cmd in $(visible_commands); do
    run_galley "$cmd" --help
    assert_output_contains "Usage:"
    assert_output_contains "galley $cmd"
    assert_stderr_empty
  done
}

@test "galley help CMD is galley CMD --help" {
  local cmd
  for cmd in $(visible_commands); do
    run_galley "$cmd" --help
    local want=$output
    run_galley help "$cmd"
    assert_output_equals "$want"
  done
}

@test "galley help with no command is galley --help" {
  run_galley_raw --help
  local want=$output
  run_galley help
  assert_output_equals "$want"
}

@test "galley help of an unknown command: exit 125" {
  run_galley 125 help nosuchcommand
  assert_output_equals ""
  assert_stderr_contains "nosuchcommand"
}

@test "--help wins over other arguments" {
  run_galley version --format json --help
  assert_output_contains "Usage:"
}

@test "an option given as --opt=value works" {
  run_galley version --format=json
  run jq -e .Client <<< "$output"
  assert_success
}

@test "a failure writes nothing to stdout even with a pipe" {
  run --separate-stderr bash -c '"$GALLEY" nosuchcommand | cat'
  assert_equal "$output" "" "stdout"
}

@test "abbreviated long options are refused, as podman (full names only)" {
  local cmd opt longest abbrev
  for cmd in $(visible_commands); do
    longest=""
    for opt in $(completions "$cmd" --); do
      [ "${#opt}" -gt "${#longest}" ] && longest=$opt
    done
    abbrev=${longest%?}
    # (skip when the shorter name is an option of its own)
    completions "$cmd" -- | grep -qx -- "$abbrev" && continue
    run_galley 125 "$cmd" "$abbrev"
    assert_output_equals ""
    assert_single_error_line
    assert_stderr_contains "Error: unknown flag: $abbrev"
  done
  run_galley_raw 125 --roo "$GALLEY_TEST_ROOT" images
  assert_stderr_contains "Error: unknown flag: --roo"
  run_galley 125 volume create --lab a=b vol
  assert_stderr_contains "Error: unknown flag: --lab"
}

@test "run: --priv, --rea, --pids are not --privileged, --read-only, --pids-limit" {
  run_galley load -q -i "$GALLEY_TEST_BUSYBOX_ARCHIVE"
  run_galley 125 run --rm --priv localhost/busybox true
  assert_single_error_line
  assert_stderr_contains "Error: unknown flag: --priv"
  run_galley 125 run --rm --rea=true localhost/busybox true
  assert_stderr_contains "Error: unknown flag: --rea"
  run_galley 125 run --rm --pids host localhost/busybox true
  assert_stderr_contains "Error: unknown flag: --pids"
  run_galley 125 create --mem
  assert_stderr_contains "Error: unknown flag: --mem"
  run_galley ps -a --format '{{.ID}}'
  assert_output_equals ""
  # full names and podman's hidden alias --net still work
  run_galley run --rm --read-only=true --net none localhost/busybox echo ok
  assert_output_equals "ok"
  run_galley 125 run --rm --memory
  assert_stderr_contains "Error: flag needs an argument: --memory"
}
