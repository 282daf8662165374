#!/usr/bin/env bats
# The API service's image endpoints, through Debian's docker client and
# curl: list (filters), inspect, history, tag, on the same store the
# command line uses.

load helpers
load helpers-run
load helpers-api

setup () {
  api_setup
  api_start
}

teardown () {
  api_teardown
}

@test "api images: docker images lists what galley images lists" {
  skip_if_no_docker_client
  run docker images --format '{{.Repository}}:{{.Tag}} {{.ID}}'
  assert_success
  local id
  id=$(galley images --format '{{.ID}}')
  assert_output_equals "localhost/busybox:latest ${id:0:12}"
  run docker images --filter dangling=true -q
  assert_success
  assert_output_equals ""
  run api_curl -w '\n%{http_code}' 'http://d/v1.41/images/json?filters=%7B%22reference%22%3A%5B%22busybox%22%5D%7D'
  assert_equal "${lines[1]}" 200
  assert_equal "$(jq -r '.[0].RepoTags[0]' <<< "${lines[0]}")" localhost/busybox:latest
  assert_equal "$(jq -r '.[0].Id' <<< "${lines[0]}")" "sha256:$(galley images --no-trunc --format '{{.ID}}' | sed 's/^sha256://')"
  run api_curl -w '\n%{http_code}' 'http://d/v1.41/images/json?filters=%7B%22nosuch%22%3A%5B%22x%22%5D%7D'
  assert_equal "${lines[1]}" 400
  assert_equal "$(jq -r .message <<< "${lines[0]}")" 'unsupported image filter "nosuch"'
  run api_curl -w '\n%{http_code}' 'http://d/v1.41/images/json?filters=%5B1'
  assert_equal "${lines[1]}" 400
  run api_curl -w '\n%{http_code}' 'http://d/v1.41/images/json?all=maybe'
  assert_equal "${lines[1]}" 400
}

@test "api images: inspect and history" {
  skip_if_no_docker_client
  run docker image inspect --format '{{.Os}} {{.Architecture}} {{index .RepoTags 0}} {{.Config.Cmd}}' busybox
  assert_success
  assert_output_equals "linux $(galley image inspect --format '{{.Architecture}}' busybox) localhost/busybox:latest [sh]"
  run docker history --format '{{.CreatedBy}}' busybox
  assert_success
  assert_output_equals "$(galley history --format '{{.CreatedBy}}' busybox)"
  run docker image inspect nosuch
  assert_status 1
  assert_output_contains "No such image: nosuch"
  run api_curl -w '\n%{http_code}' http://d/v1.41/images/nosuch/json
  assert_equal "${lines[1]}" 404
}

@test "api images: docker tag adds a name galley sees" {
  skip_if_no_docker_client
  run docker tag busybox example.com/team/tool:v1
  assert_success
  run_galley images --format '{{.Repository}}:{{.Tag}}' --sort created
  assert_output_contains example.com/team/tool:v1
  run docker tag busybox localrepo
  assert_success
  run_galley image exists localhost/localrepo:latest
  run api_curl -w '\n%{http_code}' -X POST 'http://d/v1.41/images/busybox/tag?repo=Bad%20Name'
  assert_equal "${lines[-1]}" 400
  run api_curl -w '\n%{http_code}' -X POST 'http://d/v1.41/images/nosuch/tag?repo=x'
  assert_equal "${lines[-1]}" 404
}
