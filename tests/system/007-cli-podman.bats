#!/usr/bin/env bats
# The command line as scripts written for podman use it: cobra's "Did you
# mean this?", pflag's boolean flags ("-a=false") and clusters, and cobra's
# hidden completion command (__complete, __completeNoDesc).

load helpers
load helpers-run

setup () {
  run_setup
}

teardown () {
  galley rm -af > /dev/null 2>&1 || true
  basic_teardown
}

@test "unknown command: podman's suggestions (two edits or a prefix at the top, a prefix in a group)" {
  run_galley 125 psx
  assert_output_equals ""
  assert_equal "$stderr" "Error: unrecognized command \`galley psx\`

Did you mean this?
	pod
	ps
	push

Try 'galley --help' for more information" "stderr"
  assert_single_error_line

  run_galley 125 imags
  assert_stderr_contains $'Did you mean this?\n\timage\n\timages\n'

  run_galley 125 volume cre
  assert_equal "$stderr" "Error: unrecognized command \`galley volume cre\`

Did you mean this?
	create

Try 'galley volume --help' for more information" "stderr"

  # in a group only a prefix is suggested, as podman's
  run_galley 125 volume lst
  assert_equal "$stderr" "Error: unrecognized command \`galley volume lst\`
Try 'galley volume --help' for more information" "stderr"
}

@test "an unknown subcommand of a group fails even with --help" {
  run_galley 125 volume nosuch --help
  assert_output_equals ""
  assert_stderr_contains "Error: unrecognized command \`galley volume nosuch\`"
  run_galley 125 image nosuch -h
  assert_output_equals ""
  assert_stderr_contains "Error: unrecognized command \`galley image nosuch\`"
  # the group's own help still works, and a group alone still fails
  run_galley volume --help
  assert_output_contains "Available Commands:"
  run_galley 125 volume
  assert_stderr_contains "Error: missing command 'galley volume COMMAND'"
}

@test "boolean flags take =true or =false, the short ones too (-a=false)" {
  run_galley volume create boolvol
  run_galley volume ls --quiet=false --noheading
  assert_output_matches "^local +boolvol$"
  run_galley volume ls -q=false --noheading
  assert_output_matches "^local +boolvol$"
  run_galley volume ls -q=true
  assert_output_equals "boolvol"
  run_galley volume ls -nq=T
  assert_output_equals "boolvol"
  # a flag podman spells -a=false: ps -a=false shows running containers only
  run_galley create --name boolctr $RUN_IMAGE true
  run_galley ps -a=false --format '{{.Names}}'
  assert_output_equals ""
  run_galley ps -a=1 --format '{{.Names}}'
  assert_output_equals "boolctr"
  run_galley ps --all=False --format '{{.Names}}'
  assert_output_equals ""
}

@test "bad boolean values and unknown flags in clusters fail as podman's" {
  run_galley 125 ps -a=maybe
  assert_equal "$stderr" "Error: invalid argument \"maybe\" for \"-a, --all\" flag: parsing \"maybe\": invalid syntax
See 'galley ps --help'" "stderr"
  run_galley 125 ps --all=yes
  assert_stderr_contains "Error: invalid argument \"yes\" for \"-a, --all\" flag"
  run_galley 125 ps -aqx
  assert_equal "$stderr" "Error: unknown shorthand flag: 'x' in -x
See 'galley ps --help'" "stderr"
  run_galley 125 ps -xaq
  assert_stderr_contains "Error: unknown shorthand flag: 'x' in -xaq"
  run_galley 125 ps --allx
  assert_equal "$stderr" "Error: unknown flag: --allx
See 'galley ps --help'" "stderr"
  run_galley 125 run -h
  assert_equal "$stderr" "Error: flag needs an argument: 'h' in -h
See 'galley run --help'" "stderr"
}

@test "clusters of short flags: booleans, then a value in the word or the next one" {
  local image=$RUN_IMAGE
  run_galley run --rm -ie=FOO=bar "$image" sh -c 'echo $FOO'
  assert_output_equals "bar"
  run_galley run --rm -iw/tmp "$image" pwd
  assert_output_equals "/tmp"
  run_galley run --rm -iw /etc "$image" pwd
  assert_output_equals "/etc"
  run_galley run --rm -t=false -i=false "$image" sh -c 'tty || true'
  assert_output_equals "not a tty"
}

@test "ps --external and container exists --external: galley has no external containers" {
  run_galley create --name extctr $RUN_IMAGE true
  run_galley ps --all --external --format '{{.ID}} {{.Names}}'
  assert_output_matches "^[0-9a-f]{12} extctr$"
  run_galley ps --external --format '{{.Names}}'
  assert_output_equals ""
  run_galley container exists --external extctr
  run_galley 1 container exists --external nosuch
}

@test "__complete answers as cobra's: candidates, :DIRECTIVE, the directive's name on stderr" {
  run_galley __completeNoDesc vers
  assert_output_equals $'version\n:4'
  assert_equal "$stderr" "Completion ended with directive: ShellCompDirectiveNoFileComp" "stderr"
  # with descriptions
  run_galley __complete vers
  assert_output_equals $'version\tDisplay the galley version information\n:4'
  # flags: each long name followed by its short one, sorted
  run_galley __completeNoDesc volume ls -
  assert_output_contains $'--filter\n-f\n--format\n'
  run_galley __completeNoDesc volume ls --f
  assert_output_equals $'--filter\n--format\n:4'
  run_galley __completeNoDesc volume ls -f
  assert_output_equals $'-f\n:4'
  # a file name: no candidates, the shell's own file completion (Default)
  run_galley __completeNoDesc export --output ""
  assert_output_equals ":0"
  assert_equal "$stderr" "Completion ended with directive: ShellCompDirectiveDefault" "stderr"
  # past the last argument: nothing at all
  run_galley __completeNoDesc version ""
  assert_output_equals ":4"
  run_galley __completeNoDesc __completeNoDesc
  assert_output_equals ":4"
}

@test "__complete: the kind of each argument from the usage: an image, then the command's files" {
  local image=$RUN_IMAGE
  run_galley __completeNoDesc run ""
  assert_output_equals "$image"$'\n:4'
  run_galley __completeNoDesc run -d --name x ""
  assert_output_equals "$image"$'\n:4'
  run_galley __completeNoDesc run "$image" ""
  assert_output_equals ":0"
  run_galley __completeNoDesc run "$image" ls -
  assert_output_equals ":0"
  run_galley __completeNoDesc tag "$image" ""
  assert_output_equals ":4"
}

@test "__complete offers containers, volumes, networks and secrets by name" {
  local image=$RUN_IMAGE
  run_galley create --name compctr "$image" true
  local id
  id=$(galley inspect --format '{{.Id}}' compctr)
  galley volume create compvol > /dev/null
  galley network create compnet > /dev/null
  galley secret create compsecret /etc/hostname > /dev/null
  run_galley __completeNoDesc rm ""
  assert_output_equals $'compctr\n:4'
  run_galley __completeNoDesc rm "${id:0:3}"
  assert_output_equals "${id:0:12}"$'\n:4'
  run_galley __completeNoDesc cp ""
  assert_output_equals $'compctr:\n:2'
  assert_equal "$stderr" "Completion ended with directive: ShellCompDirectiveNoSpace" "stderr"
  run_galley __completeNoDesc volume rm ""
  assert_output_equals $'compvol\n:4'
  run_galley __completeNoDesc network inspect comp
  assert_output_equals $'compnet\n:4'
  run_galley __completeNoDesc secret rm ""
  assert_output_equals $'compsecret\n:4'
  run_galley __completeNoDesc inspect comp
  assert_output_equals $'compctr\n:4'
  galley network rm compnet > /dev/null
}

@test "the bash completion reads the directive: no file names after 4, files after 0" {
  [ -n "${GALLEY_TEST_COMPLETIONSDIR:-}" ] || skip "GALLEY_TEST_COMPLETIONSDIR is not set"
  # compopt works only inside a completion: record what the shim asks of it
  run bash -c '
    source "$1"
    compopt () { echo compopt "$@"; }
    COMP_WORDS=("$2" version ""); COMP_CWORD=2; _galley_complete; echo "[${COMPREPLY[*]}]"
    COMP_WORDS=("$2" export --output ""); COMP_CWORD=3; _galley_complete; echo "[${COMPREPLY[*]}]"
    COMP_WORDS=("$2" vol); COMP_CWORD=1; _galley_complete; echo "[${COMPREPLY[*]}]"' _ \
    "$GALLEY_TEST_COMPLETIONSDIR/galley" "$GALLEY"
  assert_success
  assert_equal "${lines[0]}" "[]" "completion after 'galley version'"
  assert_equal "${lines[1]}" "compopt -o default" "files for --output"
  assert_equal "${lines[2]}" "[]" "completion of --output"
  assert_equal "${lines[3]}" "[volume]" "completion of 'galley vol'"
}
