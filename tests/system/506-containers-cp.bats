#!/usr/bin/env bats
# galley cp as podman 4.3's (its test/system/065-cp.bats is the reference):
# a relative container path starts at the container's working directory;
# a container that is not running is copied into through its mounts (a
# volume or bind mount gets the file, a tmpfs shows it once started, as
# the tmpfs is filled from the image); "/" is the container's root; a cp
# that fails leaves nothing it made behind; podman's words for a path that
# is not there.

load helpers
load helpers-run

setup () {
  run_setup
  mkdir "$BATS_TEST_TMPDIR/src"
  echo "content-$(random_string 12)" > "$BATS_TEST_TMPDIR/src/hostfile"
  content=$(< "$BATS_TEST_TMPDIR/src/hostfile")
}

# podman's table: the destination given to cp, and where the file lands
# with --workdir /srv.
workdir_cases=". /srv/hostfile
./ /srv/hostfile
anotherbase.txt /srv/anotherbase.txt
subdir /srv/subdir/hostfile"

# An image whose /srv/subdir exists, as podman's test commits one.
make_srv_image () {
  run_galley run --name srvbase --workdir /srv "$RUN_IMAGE" mkdir /srv/subdir
  run_galley commit -q srvbase srvimage
}

@test "cp: relative container paths start at the working directory (running container)" {
  local dest full
  run_galley run -d --name c --workdir /srv "$RUN_IMAGE" sh -c "mkdir /srv/subdir; sleep 1000"
  wait_until -t 10 galley exec c test -d /srv/subdir
  while read -r dest full; do
    run_galley cp "$BATS_TEST_TMPDIR/src/hostfile" "c:$dest"
    run_galley exec c cat "$full"
    assert_output_equals "$content"
    run_galley exec c rm "$full"
  done <<< "$workdir_cases"
  run_galley exec c sh -c "echo in-workdir > /srv/subdir/ctrfile"
  run_galley cp c:subdir/ctrfile "$BATS_TEST_TMPDIR/back"
  assert_equal "$(< "$BATS_TEST_TMPDIR/back")" "in-workdir"
  run_galley rm -f -t 0 c
}

@test "cp: relative container paths start at the working directory (created container)" {
  local dest full
  make_srv_image
  while read -r dest full; do
    run_galley create --name c --workdir /srv srvimage cat "$full"
    run_galley cp "$BATS_TEST_TMPDIR/src/hostfile" "c:$dest"
    run_galley start -a c
    assert_output_equals "$content"
    run_galley rm c
  done <<< "$workdir_cases"
}

@test "cp: into a created container's volumes and bind mounts" {
  local v1 v2 mnt=$BATS_TEST_TMPDIR/mnt
  mkdir "$mnt"
  run_galley volume create vol1
  run_galley volume inspect vol1 --format '{{.Mountpoint}}'
  v1=$output
  run_galley volume create vol2
  run_galley volume inspect vol2 --format '{{.Mountpoint}}'
  v2=$output
  # vol2 and the bind mount lie inside vol1: the deepest mount gets the file
  run_galley create --name c -v vol1:/tmp/volume -v vol2:/tmp/volume/sub-volume \
    -v "$mnt:/tmp/volume/mount" "$RUN_IMAGE" true
  run_galley cp "$BATS_TEST_TMPDIR/src/hostfile" c:/tmp/volume/sub-volume
  assert_equal "$(< "$v2/hostfile")" "$content"
  run_galley cp "$BATS_TEST_TMPDIR/src/hostfile" c:/tmp/volume/mount/renamed
  assert_equal "$(< "$mnt/renamed")" "$content"
  run_galley cp "$BATS_TEST_TMPDIR/src/hostfile" c:/tmp/volume/
  assert_equal "$(< "$v1/hostfile")" "$content"
  assert_equal "$(ls "$v1")" "hostfile" "vol1 holds only its own file"
  # and out of it again
  run_galley cp c:/tmp/volume/sub-volume/hostfile "$BATS_TEST_TMPDIR/back"
  assert_equal "$(< "$BATS_TEST_TMPDIR/back")" "$content"
  run_galley rm c
}

@test "cp: into a created container's tmpfs, shown once it runs (tmpcopyup)" {
  run_galley create --name c --mount type=tmpfs,dst=/tmp "$RUN_IMAGE" cat /tmp/hostfile
  run_galley cp "$BATS_TEST_TMPDIR/src/hostfile" c:/tmp
  run_galley start -a c
  assert_output_equals "$content"
  run_galley create --name c2 --tmpfs /tmp "$RUN_IMAGE" cat /tmp/hostfile
  run_galley cp "$BATS_TEST_TMPDIR/src/hostfile" c2:/tmp/
  run_galley start -a c2
  assert_output_equals "$content"
  # notmpcopyup: the tmpfs starts empty, as podman's
  run_galley create --name c3 --mount type=tmpfs,dst=/tmp,notmpcopyup "$RUN_IMAGE" ls -A /tmp
  run_galley cp "$BATS_TEST_TMPDIR/src/hostfile" c3:/tmp
  run_galley start -a c3
  assert_output_equals ""
}

@test "cp: a container's / is its root, never the host's" {
  local marker=marker-$(random_string 8)
  run_galley run --name c "$RUN_IMAGE" touch "/$marker"
  run_galley cp c:/ "$BATS_TEST_TMPDIR/root-copy"
  [ -f "$BATS_TEST_TMPDIR/root-copy/$marker" ]
  [ -f "$BATS_TEST_TMPDIR/root-copy/bin/busybox" ]
  [ ! -e "$BATS_TEST_TMPDIR/root-copy/home/$(id -un)" ]
}

@test "cp: a copy out of a container that fails leaves nothing behind" {
  run_galley run -d --name c "$RUN_IMAGE" sleep 1000
  wait_running c
  # /proc/1 holds files that cannot be read (mem at offset 0, for one)
  run_galley 125 cp c:/proc/1 "$BATS_TEST_TMPDIR/out"
  [ ! -e "$BATS_TEST_TMPDIR/out" ]
  run_galley 125 cp c:/proc/1/mem "$BATS_TEST_TMPDIR/mem"
  [ ! -e "$BATS_TEST_TMPDIR/mem" ]
  run_galley rm -f -t 0 c
}

@test "cp: a FIFO at the destination is replaced, never waited on" {
  run_galley run -d --name c "$RUN_IMAGE" sh -c "mkfifo /tmp/fifo; sleep 1000"
  wait_until -t 10 galley exec c test -p /tmp/fifo
  GALLEY_TEST_TIMEOUT=20
  run_galley cp "$BATS_TEST_TMPDIR/src/hostfile" c:/tmp/fifo
  run_galley exec c cat /tmp/fifo
  assert_output_equals "$content"
  run_galley rm -f -t 0 c
}

@test "cp: paths that are not there, in podman's words" {
  run_galley create --name c "$RUN_IMAGE" true
  run_galley 125 cp "$BATS_TEST_TMPDIR/src/IdoNotExist" c:/tmp
  assert_stderr_contains "\"$BATS_TEST_TMPDIR/src/IdoNotExist\" could not be found on the host: no such file or directory"
  run_galley 125 cp "$BATS_TEST_TMPDIR/src/hostfile" c:/IdoNotExist/
  assert_stderr_contains '"/IdoNotExist/" could not be found on container c: no such file or directory'
  run_galley 125 cp c:/IdoNotExist "$BATS_TEST_TMPDIR/x"
  assert_stderr_contains '"/IdoNotExist" could not be found on container c: no such file or directory'
  [ ! -e "$BATS_TEST_TMPDIR/x" ]
}
