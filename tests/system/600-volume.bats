#!/usr/bin/env bats
# galley volume create/ls/inspect/rm/prune/exists (podman's output and
# exit codes), and removal of data written by subordinate ids.

load helpers
load helpers-run

@test "volume create: prints the name, random 64-hex without one, --ignore" {
  run_galley volume create --label app=web --opt o=nodev myvol
  assert_output_equals "myvol"
  run_galley volume create
  assert_output_matches '^[0-9a-f]{64}$'
  run_galley 125 volume create myvol
  assert_stderr_contains "volume with name myvol already exists: volume already exists"
  run_galley volume create --ignore myvol
  assert_output_equals "myvol"
  run_galley 125 volume create 'bad name'
  assert_stderr_contains "names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*"
  run_galley 125 volume create ../escape
  run_galley 125 volume create --driver nfs other
}

@test "volume inspect: podman's fields, --format, -a, unknown names" {
  galley volume create --label app=web --opt o=nodev myvol > /dev/null
  run_galley volume inspect myvol
  [ "$(jq -r '.[0].Name' <<< "$output")" = myvol ]
  [ "$(jq -r '.[0].Driver' <<< "$output")" = local ]
  [ "$(jq -r '.[0].Scope' <<< "$output")" = local ]
  [ "$(jq -r '.[0].Labels.app' <<< "$output")" = web ]
  [ "$(jq -r '.[0].Options.o' <<< "$output")" = nodev ]
  [ "$(jq -r '.[0].Mountpoint' <<< "$output")" = "$GALLEY_TEST_ROOT/volumes/myvol/_data" ]
  [ "$(jq -r '.[0].MountCount' <<< "$output")" = 0 ]
  [[ "$(jq -r '.[0].CreatedAt' <<< "$output")" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T ]]
  [ -d "$GALLEY_TEST_ROOT/volumes/myvol/_data" ]
  run_galley volume inspect --format '{{.Name}} {{.Labels}}' myvol
  assert_output_equals "myvol map[app:web]"
  galley volume create other > /dev/null
  run_galley volume inspect -a --format '{{.Name}}'
  assert_output_equals $'myvol\nother'
  run_galley 125 volume inspect myvol nosuch
  assert_stderr_contains "no such volume nosuch"
  [ "$(jq -r '.[0].Name' <<< "$output")" = myvol ]
}

@test "volume ls: table, -q, --format json, filters" {
  galley volume create --label app=web web > /dev/null
  galley volume create db > /dev/null
  run_galley volume ls
  assert_equal "${lines[0]}" "DRIVER      VOLUME NAME"
  assert_equal "${lines[1]}" "local       db"
  assert_equal "${lines[2]}" "local       web"
  run_galley volume ls -q
  assert_output_equals $'db\nweb'
  run_galley volume ls --noheading --format '{{.Name}}:{{.Driver}}'
  assert_output_equals $'db:local\nweb:local'
  run_galley volume ls --format json
  [ "$(jq -r 'length' <<< "$output")" = 2 ]
  # indented by two, as podman's volume ls
  assert_equal "${lines[1]}" "  {"
  run_galley volume ls -q --filter label=app=web
  assert_output_equals "web"
  run_galley volume ls -q --filter name=^d
  assert_output_equals "db"
  run_galley volume ls -q --filter dangling=true
  assert_output_equals $'db\nweb'
  run_galley 125 volume ls --filter bogus=1
  run_galley volume list -q
  assert_output_equals $'db\nweb'
}

@test "volume ls, prune --filter: podman's errors, checked before any volume is read or removed" {
  # with no volume at all, too
  run_galley 125 volume ls --filter bogus=1
  assert_single_error_line
  assert_stderr_contains '"bogus" is an invalid volume filter'
  run_galley 125 volume ls --filter 'name=['
  assert_single_error_line
  assert_stderr_contains 'invalid regular expression "["'
  run_galley 125 volume ls --filter dangling=maybe
  assert_stderr_contains '"maybe" is not a valid value for the "dangling" filter - must be true or false'
  run_galley 125 volume ls --filter name
  assert_stderr_contains "filter input must be in the form of filter=value: name is invalid"
  galley volume create keep > /dev/null
  galley volume create gone > /dev/null
  run_galley 125 volume prune -f --filter label!=x
  assert_single_error_line
  assert_stderr_contains '"label!" is an invalid volume filter'
  # prune takes ls's filters, as podman's
  run_galley volume prune -f --filter name=^g --filter dangling=1
  assert_output_equals "gone"
  run_galley volume ls -q
  assert_output_equals "keep"
}

@test "volume rm, exists, prune: podman's exit codes" {
  galley volume create a > /dev/null
  galley volume create b > /dev/null
  run_galley volume exists a
  run_galley 1 volume exists nosuch
  run_galley 1 volume rm nosuch
  assert_stderr_contains 'no volume with name "nosuch" found: no such volume'
  run_galley volume rm -f nosuch
  assert_output_equals ""
  run_galley volume rm a
  assert_output_equals "a"
  run_galley 1 volume exists a
  run_galley volume prune -f
  assert_output_equals "b"
  run_galley volume ls -q
  assert_output_equals ""
  galley volume create c > /dev/null
  run_galley volume rm -a
  assert_output_equals "c"
  run_galley 125 volume rm
}

@test "volume rm: data owned by subordinate ids is removed" {
  skip_if_no_subids
  galley volume create owned > /dev/null
  local data=$GALLEY_TEST_ROOT/volumes/owned/_data
  unshare --map-auto --map-root-user sh -c "mkdir -p $data/d && touch $data/d/f && chown -R 100:100 $data/d && chmod 700 $data/d"
  run_galley volume rm owned
  assert_output_equals "owned"
  [ ! -e "$GALLEY_TEST_ROOT/volumes/owned" ]
  [ -z "$(ls -A "$GALLEY_TEST_ROOT/volumes" | grep -v '^\.lock$')" ]
}

# ---------------------------------------------------------------- in containers

@test "volume in a container: created on first use, data survives the container" {
  run_setup
  run_galley run --rm -v data:/data $RUN_IMAGE sh -c 'echo kept > /data/f'
  run_galley volume ls -q
  assert_output_equals "data"
  run_galley run --name c1 -v data:/data $RUN_IMAGE cat /data/f
  assert_output_equals "kept"
  run_galley 2 volume rm data
  assert_stderr_contains "volume is being used"
  # -f removes the containers that use it first (podman)
  run_galley create --name c2 -v data:/data $RUN_IMAGE true
  run_galley volume rm -f data
  assert_output_equals "data"
  run_galley ps -a --format '{{.Names}}'
  assert_output_equals ""
  run_galley run --rm -v data:/data $RUN_IMAGE sh -c 'echo kept > /data/f'
  run_galley run --name c1 -v data:/data $RUN_IMAGE true
  run_galley rm c1
  run_galley 1 run --rm --mount type=volume,source=data,target=/d,ro $RUN_IMAGE sh -c 'cat /d/f; touch /d/g'
  assert_output_equals "kept"
  assert_stderr_contains "Read-only file system"
  run_galley volume rm data
}

@test "volume in a container: filled from the image when empty, owners kept; :U" {
  run_setup
  run_galley run --rm -v etc:/etc $RUN_IMAGE sh -c 'ls -ln /etc/passwd'
  assert_output_matches ' 0 +0 '
  [ -s "$GALLEY_TEST_ROOT/volumes/etc/_data/passwd" ]
  # not empty any more: nothing is copied over the user's data
  run_galley run --rm -v etc:/etc $RUN_IMAGE sh -c 'echo mine > /etc/passwd'
  run_galley run --rm -v etc:/etc $RUN_IMAGE cat /etc/passwd
  assert_output_equals "mine"
  # copied up once only (podman's NeedsCopyUp): emptied by the user, it stays empty
  run_galley volume inspect --format '{{.NeedsCopyUp}}' etc
  assert_output_equals "false"
  run_galley run --rm -v etc:/etc $RUN_IMAGE sh -c 'rm -rf /etc/* && ls -A /etc'
  run_galley run --rm -v etc:/etc $RUN_IMAGE ls -A /etc
  assert_output_equals ""
  run_galley run --rm -v nocp:/etc:nocopy $RUN_IMAGE ls /etc
  assert_output_equals ""
  run_galley run --rm --user 1000:1000 -v home:/home/u:U $RUN_IMAGE sh -c 'touch /home/u/x && stat -c "%u:%g" /home/u /home/u/x'
  # (with a single-id map the container's only id owns everything already)
  has_subids && assert_output_equals $'1000:1000\n1000:1000'
  run_galley run --rm --user 1000:1000 -v home:/home/u:U $RUN_IMAGE touch /home/u/y
}

@test "volume in a container: anonymous volumes, --rm and rm -v remove them" {
  run_setup
  run_galley run --rm -v /anon $RUN_IMAGE touch /anon/x
  run_galley volume ls -q
  assert_output_equals ""
  run_galley run --name keep -v /anon --mount type=volume,target=/anon2 $RUN_IMAGE true
  run_galley volume ls -q
  assert_line_count 2
  run_galley rm -v keep
  run_galley volume ls -q
  assert_output_equals ""
  run_galley 125 run --rm -v 'b@d:/x' $RUN_IMAGE true
  assert_stderr_contains 'invalid volume name "b@d"'
  run_galley volume ls -q
  assert_output_equals ""
}

@test "volumes and binds over /proc, /sys, /dev are refused before anything is created" {
  run_setup
  local dst
  for dst in /proc /sys /dev //proc/ /proc/sys; do
    run_galley 125 run --rm -v "procvol:$dst" $RUN_IMAGE true
    assert_single_error_line
    assert_stderr_contains "cannot be mounted because it is"
  done
  run_galley 125 run --rm -v "$BATS_TEST_TMPDIR:/proc" $RUN_IMAGE true
  assert_stderr_contains '"/proc" cannot be mounted because it is not of type proc'
  run_galley 125 create --mount type=volume,source=procvol,target=/sys $RUN_IMAGE true
  assert_stderr_contains '"/sys" cannot be mounted because it is not of type sysfs'
  run_galley 125 run --rm --tmpfs /proc $RUN_IMAGE true
  run_galley volume ls -q
  assert_output_equals ""
  run_galley ps -a -q
  assert_output_equals ""
  # below /dev is fine
  run_galley run --rm -v shm:/dev/shm $RUN_IMAGE sh -c 'touch /dev/shm/x && ls /dev/shm'
  assert_output_equals "x"
}

@test "volume copy-up: from the image alone, and a failed one leaves the volume empty to be filled later" {
  run_setup
  # a tree deeper than copy-up goes, beside a file it copies first or later
  run_galley run --name mk $RUN_IMAGE sh -c \
    'mkdir -p /data && cd /data && echo top > a-file && i=0 && while [ $i -lt 130 ]; do mkdir d && cd d; i=$((i + 1)); done'
  run_galley commit -q mk deep
  run_galley 125 run --rm -v deepvol:/data deep true
  assert_stderr_contains "too deep"
  run ls -A "$GALLEY_TEST_ROOT/volumes/deepvol/_data"
  assert_equal "$output" "" "the volume after a failed copy-up"
  run_galley volume inspect --format '{{.NeedsCopyUp}}' deepvol
  assert_output_equals "true"
  # the image's /etc (which has no hosts file), not the container's with
  # the hosts file galley mounts there
  run_galley run --rm -v etcvol:/etc $RUN_IMAGE true
  [ -s "$GALLEY_TEST_ROOT/volumes/etcvol/_data/passwd" ]
  [ ! -e "$GALLEY_TEST_ROOT/volumes/etcvol/_data/hosts" ]
}

@test "conflicting mount options are refused as podman does, and create nothing" {
  run_setup
  local h=$BATS_TEST_TMPDIR
  run_galley 125 run --rm -v "$h:/b:ro,rw" $RUN_IMAGE true
  assert_single_error_line
  assert_stderr_contains "invalid options \"ro, rw\", can only specify 1 'rw' or 'ro' option"
  run_galley 125 run --rm -v "newvol:/b:rw,ro" $RUN_IMAGE true
  assert_stderr_contains "can only specify 1 'rw' or 'ro' option"
  run_galley 125 run --rm -v "newvol:/b:exec,noexec" $RUN_IMAGE true
  assert_stderr_contains "can only specify 1 'noexec' or 'exec' option"
  run_galley 125 run --rm -v "newvol:/b:copy,nocopy" $RUN_IMAGE true
  assert_stderr_contains "can only specify 1 'copy' or 'nocopy' option"
  run_galley 125 run --rm -v "newvol:/b:U,U" $RUN_IMAGE true
  assert_stderr_contains "can only specify 1 'U' option"
  run_galley 125 run --rm -v "newvol:/b:bogus" $RUN_IMAGE true
  assert_stderr_contains 'invalid option type "bogus"'
  run_galley 125 run --rm -v "newvol:relative" $RUN_IMAGE true
  run_galley 125 create --mount "type=bind,src=$h,dst=/b,ro,rw" $RUN_IMAGE true
  assert_stderr_contains "cannot pass 'readonly', 'ro', or 'rw' options more than once"
  run_galley 125 create --mount "type=volume,src=newvol,dst=/b,suid,nosuid" $RUN_IMAGE true
  assert_stderr_contains "cannot pass 'nosuid' and 'suid' options more than once"
  run_galley 125 create --mount "type=tmpfs,dst=/b,tmpfs-size=1m,tmpfs-size=2m" $RUN_IMAGE true
  assert_stderr_contains "only one tmpfs size can be specified"
  run_galley 125 run --rm --tmpfs "/b:ro,rw" $RUN_IMAGE true
  assert_stderr_contains "only one of 'rw' and 'ro' can be used"
  run_galley 125 run --rm --tmpfs "/b:dev,nodev" $RUN_IMAGE true
  assert_stderr_contains "only one of 'nodev' and 'dev' can be used"
  run_galley 125 run --rm -v "newvol:/b" -v "$h:/b/" $RUN_IMAGE true
  assert_stderr_contains "/b: duplicate mount destination"
  run_galley volume ls -q
  assert_output_equals ""
  run_galley ps -a -q
  assert_output_equals ""
  # each alone does what it says; the same -v twice is one mount
  run_galley 1 run --rm -v "$h:/b:rw" -v "$h:/b:rw" --tmpfs /t:ro $RUN_IMAGE sh -c 'touch /b/ok && touch /t/x'
  assert_stderr_contains "Read-only file system"
  [ -e "$h/ok" ]
}

@test "volume prune: the prompt lists only the volumes it would remove" {
  run_setup
  local v
  for v in used1 used2 free1; do galley volume create $v > /dev/null; done
  galley volume create --label mylabel free2 > /dev/null
  run_galley create --name c1 -v used1:/a -v used2:/b $RUN_IMAGE true
  run_galley volume prune <<< N
  assert_equal "${lines[0]}" "WARNING! This will remove all volumes not used by at least one container. The following volumes will be removed:"
  assert_equal "$(echo $(sort <<< "${lines[*]:1:2}"))" "free1 free2"
  assert_equal "${lines[3]}" "Are you sure you want to continue? [y/N] "
  assert_line_count 4
  run_galley volume prune --filter label=mylabel <<< N
  assert_equal "${lines[1]}" "free2"
  assert_line_count 3
  run_galley volume ls -q
  assert_output_equals $'free1\nfree2\nused1\nused2'
  run_galley volume prune <<< y
  assert_equal "$(echo $(sort <<< "${lines[*]:1:2}"))" "free1 free2"
  run_galley volume ls -q
  assert_output_equals $'used1\nused2'
  run_galley rm c1
  run_galley volume prune -f
  assert_output_equals $'used1\nused2'
}

@test "volume create -o type=tmpfs: a tmpfs, with the o= options it names" {
  run_setup
  run_galley volume create -o type=tmpfs -o device=tmpfs tv
  assert_output_equals "tv"
  run_galley run --rm -v tv:/vol $RUN_IMAGE stat -f -c %T /vol
  assert_output_equals "tmpfs"
  # filled from the image in each container, as a tmpfs is
  run_galley run --rm -v tv:/etc $RUN_IMAGE sh -c 'stat -f -c %T /etc; cat /etc/os-release'
  assert_equal "${lines[0]}" "tmpfs"
  assert_output_contains 'NAME="galley test busybox"'
  run_galley run --rm -v tv:/etc $RUN_IMAGE grep -c busybox /etc/os-release
  assert_output_equals "2"
  run_galley volume create -o type=tmpfs -o device=tmpfs -o o=size=2m,mode=0700,noexec tv2
  run_galley 126 run --rm -v tv2:/vol $RUN_IMAGE sh -c \
    'stat -c %a /vol; df -k /vol | tail -1 | awk "{print \$2}"; cp /bin/busybox /vol/b && /vol/b true'
  assert_equal "${lines[0]}" "700"
  assert_equal "${lines[1]}" "2048"
  assert_stderr_contains "Permission denied"
  if has_subids; then
    run_galley volume create -o type=tmpfs -o o=uid=1000,gid=1000 tv3
    run_galley run --rm -v tv3:/vol $RUN_IMAGE stat -c %u:%g /vol
    assert_output_equals "1000:1000"
  fi
}

@test "volume create -o: plain and bind volumes do what their options say; wrong options are refused" {
  run_setup
  # o= flags on a plain volume
  run_galley volume create -o o=noexec,nodev,ro pv
  run_galley 1 run --rm -v pv:/vol $RUN_IMAGE sh -c 'grep " /vol " /proc/mounts; touch /vol/x'
  assert_output_matches ' ro,nodev,noexec'
  assert_stderr_contains "Read-only file system"
  # the owner of its root
  run_galley volume create -o o=uid=1000,gid=1001 owned
  run_galley volume inspect --format '{{.NeedsChown}}' owned
  assert_output_equals "false"
  if has_subids; then
    run_galley run --rm -v owned:/vol $RUN_IMAGE stat -c %u:%g /vol
    assert_output_equals "1000:1001"
  else
    run_galley 125 run --rm -v owned:/vol $RUN_IMAGE true
    assert_stderr_contains "not mapped in the container's user namespace"
  fi
  # type=bind (and o=bind): the host directory
  mkdir "$BATS_TEST_TMPDIR/hostdir"
  echo from-host > "$BATS_TEST_TMPDIR/hostdir/myfile"
  run_galley 125 volume create -o type=bind -o device=/bogus bv
  assert_stderr_contains "invalid volume option device for driver 'local': stat /bogus: No such file or directory"
  run_galley volume create -o type=bind -o "device=$BATS_TEST_TMPDIR/hostdir" bv
  run_galley run --rm -v bv:/vol:z $RUN_IMAGE sh -c 'stat -c %u /vol/myfile; cat /vol/myfile; echo back > /vol/new'
  assert_output_equals $'0\nfrom-host'
  [ "$(cat "$BATS_TEST_TMPDIR/hostdir/new")" = back ]
  run_galley volume create -o o=bind,ro -o "device=$BATS_TEST_TMPDIR/hostdir" bv2
  run_galley 1 run --rm -v bv2:/vol $RUN_IMAGE touch /vol/other
  assert_stderr_contains "Read-only file system"
  # what the local driver does not have
  run_galley 125 volume create -o bogus=1 x1
  assert_stderr_contains "invalid mount option bogus for driver 'local'"
  run_galley 125 volume create -o o=size=1m x2
  assert_stderr_contains "size=, mode= and nr_inodes= need type=tmpfs"
  run_galley 125 volume create -o type=ext4 -o device=/dev/sda x3
  run_galley 125 volume create -o o=uid=x x4
  assert_stderr_contains "cannot convert UID x to integer"
  run_galley 125 volume create -o o=whatever x5
  run_galley volume ls -q
  assert_output_equals $'bv\nbv2\nowned\npv'
}
