#!/usr/bin/env bats
# Go templates in --format: the functions and variables of podman 4.3's
# templates (Go's text/template builtins and podman's own), used through
# inspect and ps as scripts use them, and every command with a template
# --format taking '{{"\n"}}' (podman's 610-format.bats).

load helpers
load helpers-run

setup () {
  run_setup
}

teardown () {
  galley rm -af > /dev/null 2>&1 || true
  basic_teardown
}

@test "inspect --format: slice, as distrobox reads HOME out of .Config.Env" {
  galley create --name fmt -e HOME=/home/fmt-user -e X=1 "$RUN_IMAGE" true > /dev/null
  run_galley inspect --type container --format \
    '{{range .Config.Env}}{{if and (ge (len .) 5) (eq (slice . 0 5) "HOME=")}}{{slice . 5}}{{end}}{{end}}' fmt
  assert_output_equals /home/fmt-user
  run_galley container inspect --format '{{slice .Name 1}}|{{slice .Config.Cmd 0 1}}|{{index .Name 0}}' fmt
  assert_output_equals "mt|[true]|102"
  run_galley 125 inspect --format '{{slice .Name 3 1}}' fmt
  assert_stderr_contains "error calling slice: invalid slice index: 3 > 1"
}

@test "inspect and ps --format: variables, range with index, break and continue" {
  galley create --name fmt -e A=1 -e B=2 -e C=3 "$RUN_IMAGE" true > /dev/null
  run_galley inspect --format \
    '{{$n := .Name}}{{range $i, $e := .Config.Env}}{{if eq (slice $e 0 1) "A"}}{{continue}}{{end}}{{if eq (slice $e 0 1) "C"}}{{break}}{{end}}{{$n}}:{{$i}}={{$e}} {{end}}' fmt
  # A=1 is skipped, B=2 printed, C=3 stops the range
  assert_output_equals "fmt:1=B=2 "

  run_galley ps -a --format '{{$x := .Names}}{{upper $x}} {{$.Names | len}}'
  assert_output_equals "FMT 3"
  run_galley ps -a --format 'table {{$x := .Names}}{{upper $x}} {{.Names | printf "%q"}}'
  assert_equal "${lines[0]}" "NAMES       NAMES"
  assert_equal "${lines[1]}" 'FMT         "fmt"'
  run_galley 125 ps -a --format '{{$y}}'
  assert_stderr_contains 'undefined variable "$y"'
}

@test "ps --format: html, js, urlquery, print, and and or that stop early" {
  galley create --name 'fmt' "$RUN_IMAGE" true > /dev/null
  run_galley ps -a --format '{{html "<a&b>"}} {{js "it'"'"'s <x>"}} {{urlquery "a b/c"}} {{print 1 2}}'
  assert_output_equals "&lt;a&amp;b&gt; it\\'s \\u003Cx\\u003E a+b%2Fc 1 2"
  # index out of range is never evaluated: and stops at the first false value, or at the first true one
  run_galley ps -a --format '{{and 0 (index .Names 9)}} {{or .Names (index .Names 9)}}'
  assert_output_equals "0 fmt"
  run_galley 125 ps -a --format '{{call .Names}}'
  assert_stderr_contains "error calling call: non-function of type string"
}

@test "every command with a template --format prints only what the template says: {{\"\\n\"}}" {
  skip_if_no_registry
  galley create --name fmt "$RUN_IMAGE" true > /dev/null
  galley volume create fmtvol > /dev/null
  galley network create fmtnet > /dev/null
  galley secret create fmtsecret /etc/hosts > /dev/null
  galley pod create --name fmtpod > /dev/null
  # what each command needs beside --format
  declare -A extra=(
    [history]=$RUN_IMAGE [image history]=$RUN_IMAGE [image inspect]=$RUN_IMAGE [inspect]=fmt [container inspect]=fmt
    [volume inspect]=fmtvol [network inspect]=fmtnet [ps]=-a [container ps]=-a [container ls]=-a [container list]=-a [search]=$registry/busybox
    [secret inspect]=fmtsecret [events]=--stream=false [pod inspect]=fmtpod
  )
  local cmd sub tested=()
  for cmd in $(visible_commands); do
    local subs=("")
    if "$GALLEY" "$cmd" --help | grep -q '^Available Commands:'; then
      mapfile -t subs < <(completions "$cmd" "")
    fi
    for sub in "${subs[@]}"; do
      local name="$cmd${sub:+ $sub}"
      # a --format that takes a Go template (not save's or push's formats)
      "$GALLEY" $name --help | grep -q -- '--format.*Go template' || continue
      run_galley $name ${extra[$name]} --format '{{"\n"}}'
      # exactly one newline per record, nothing else
      [[ "$output" =~ ^$'\n'*$ ]] || {
        echo "FAIL: $name --format '{{\"\\n\"}}' printed: $output" >&2
        return 1
      }
      tested+=("$name")
      unset "extra[$name]"
    done
  done
  echo "# tested: ${tested[*]}" >&3
  assert_equal "${!extra[*]}" "" "commands in the table that were not found"
  [ "${#tested[@]}" -ge 14 ]
  # one newline, as podman: a template that \n-escaping everywhere would break is taken as written
  assert_equal "$(galley inspect --format '{{.Name}}{{"\n"}}' fmt | od -An -c | tr -s ' ')" " f m t \n"
}
