#!/usr/bin/env bats
# SquashFS images: `galley image squash IMAGE FILE` writes an image as one
# file, and `galley run FILE.sqfs` (or --rootfs FILE) runs it through
# squashfuse_ll without unpacking it: the file's config gives the command,
# environment and working directory, its owners are the image's, writes go
# to the container's own upper dir, and many containers start from one
# file at once.

load helpers
load helpers-run

setup () {
  run_setup
  command -v mksquashfs > /dev/null || skip "mksquashfs (squashfs-tools) is not installed"
  command -v squashfuse_ll > /dev/null || skip "squashfuse_ll (squashfuse) is not installed"
  [ -w /dev/fuse ] || skip "/dev/fuse is not usable"
  SQFS_DIR=$BATS_TEST_TMPDIR/shared
  mkdir -p "$SQFS_DIR"
}

MKIMAGE=$BATS_TEST_DIRNAME/../images/mkimage.py

# This user's squashfuse_ll processes that serve a file of this test.
squashfuse_count () {
  pgrep -u "$(id -u)" -f "squashfuse_ll -f $BATS_TEST_TMPDIR" | wc -l
}

@test "image squash: one file with the image's config; run FILE.sqfs uses it, writes go to the container" {
  run_galley run --name base $RUN_IMAGE true
  run_galley commit -q --change 'ENV GREETING=hello' --change 'WORKDIR /tmp' \
    --change 'CMD ["sh", "-c", "echo $GREETING from $(pwd)"]' base localhost/cfg
  run_galley image squash localhost/cfg "$SQFS_DIR/cfg.sqfs"
  assert_output_equals ""
  [ -f "$SQFS_DIR/cfg.sqfs" ]
  # nothing else beside it, nothing left in the store
  [ "$(ls -A "$SQFS_DIR")" = cfg.sqfs ]
  [ ! -e "$GALLEY_TEST_ROOT/squash-tmp" ] || [ -z "$(ls -A "$GALLEY_TEST_ROOT/squash-tmp")" ]
  local sum
  sum=$(sha256sum < "$SQFS_DIR/cfg.sqfs")

  # relative to the current directory, as given
  cd "$SQFS_DIR"
  run_galley run --rm cfg.sqfs
  assert_output_equals "hello from /tmp"
  run_galley run --rm ./cfg.sqfs sh -c 'echo $PATH; cat /etc/hostname > /dev/null; echo written > /bin/new; cat /bin/new'
  assert_equal "${lines[0]}" "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
  assert_equal "${lines[1]}" "written"
  # the image config is the image's own
  run_galley image inspect --format '{{.Id}}' localhost/cfg
  local id=$output
  run_galley run --rm cfg.sqfs sh -c 'sha256sum < /.galley/image.json'
  assert_output_equals "$id  -"

  # a detached one keeps what it wrote across a restart, made absolute
  run_galley run -d --name keep cfg.sqfs sh -c 'echo started >> /log; exec sleep 1000'
  cd /
  run_galley ps -a --filter name=keep --format '{{.Image}}'
  assert_output_equals "$SQFS_DIR/cfg.sqfs"
  run_galley restart -t 0 keep
  wait_until container_is_running keep
  run_galley exec keep sh -c 'echo $GREETING; cat /log'
  assert_output_equals "$(printf 'hello\nstarted\nstarted')"
  # a stopped one: cp and export mount the file in place
  run_galley stop -t 0 keep
  run_galley cp keep:/log "$BATS_TEST_TMPDIR/log"
  [ "$(cat "$BATS_TEST_TMPDIR/log")" = "$(printf 'started\nstarted')" ]
  galley export keep | tar -t > "$BATS_TEST_TMPDIR/list"
  grep -qx 'bin/busybox' "$BATS_TEST_TMPDIR/list"
  grep -qx 'log' "$BATS_TEST_TMPDIR/list"
  run_galley rm keep
  [ "$(squashfuse_count)" -eq 0 ]

  # --rootfs takes any file name; the file itself never changed
  cp "$SQFS_DIR/cfg.sqfs" "$SQFS_DIR/image"
  run_galley run --rm --rootfs "$SQFS_DIR/image"
  assert_output_equals "hello from /tmp"
  [ "$(sha256sum < "$SQFS_DIR/cfg.sqfs")" = "$sum" ]
}

@test "image squash: the file keeps the image's owners (folded onto root when stored without subordinate ids)" {
  python3 "$MKIMAGE" docker-archive owners "$BATS_TEST_TMPDIR/owners.tar" --ref localhost/owners:latest > /dev/null
  run_galley load -q -i "$BATS_TEST_TMPDIR/owners.tar"
  run_galley image squash localhost/owners "$SQFS_DIR/owners.sqfs"
  run_galley run --rm "$SQFS_DIR/owners.sqfs" stat -c '%n %a %u %g' /etc/shadow /usr/bin/suid-root /var/daemon /var/nobody
  if has_subids; then
    assert_output_equals "$(printf '%s\n' '/etc/shadow 640 0 42' '/usr/bin/suid-root 4755 0 0' \
      '/var/daemon 755 1 1' '/var/nobody 700 65534 65534')"
    run_galley run --rm --userns keep-id "$SQFS_DIR/owners.sqfs" stat -c '%n %u %g' /etc/shadow /var/daemon
    assert_output_equals "$(printf '%s\n' '/etc/shadow 0 42' '/var/daemon 1 1')"
  else
    # stored without subordinate ids, every owner folded onto the user: root
    assert_output_equals "$(printf '%s\n' '/etc/shadow 640 0 0' '/usr/bin/suid-root 4755 0 0' \
      '/var/daemon 755 0 0' '/var/nobody 700 0 0')"
    run_galley 125 run --rm --userns keep-id "$SQFS_DIR/owners.sqfs" true
    assert_single_error_line
    assert_stderr_contains "a SquashFS image with --userns=keep-id needs subordinate ids"
  fi
}

@test "run FILE.sqfs: a file made elsewhere with other owners; without subordinate ids they are nobody's" {
  # as an administrator would leave one on shared storage: mksquashfs of a
  # root filesystem, with directories of other owners
  mkdir "$BATS_TEST_TMPDIR/plain"
  cp /bin/busybox "$BATS_TEST_TMPDIR/plain/" 2> /dev/null || skip "no /bin/busybox on the host"
  mksquashfs "$BATS_TEST_TMPDIR/plain" "$SQFS_DIR/foreign.sqfs" -noappend -quiet -no-progress \
    -p "/busybox m 755 0 0" -p "/daemon d 750 1 2" -p "/home d 755 1000 1000" > /dev/null
  run_galley run --rm "$SQFS_DIR/foreign.sqfs" /busybox stat -c '%n %a %u %g' /busybox /daemon /home
  if has_subids; then
    assert_output_equals "$(printf '%s\n' '/busybox 755 0 0' '/daemon 750 1 2' '/home 755 1000 1000')"
    run_galley run --rm "$SQFS_DIR/foreign.sqfs" /busybox sh -c '/busybox ls /daemon && /busybox touch /home/x'
  else
    # only root is mapped: the others show as nobody, closed to root inside
    assert_output_equals "$(printf '%s\n' '/busybox 755 0 0' '/daemon 750 65534 65534' '/home 755 65534 65534')"
    run_galley 1 run --rm "$SQFS_DIR/foreign.sqfs" /busybox ls /daemon
    assert_stderr_contains "Permission denied"
  fi
  run_galley run --rm "$SQFS_DIR/foreign.sqfs" /busybox sh -c '/busybox mkdir -p /tmp/w && echo ok > /tmp/w/f && /busybox cat /tmp/w/f'
  assert_output_equals "ok"
}

@test "image squash: the multilayer image's tree as tests/images/mkimage.py expects it (whiteouts, opaque dirs, hard links)" {
  python3 "$MKIMAGE" docker-archive multilayer "$BATS_TEST_TMPDIR/multilayer.tar" --ref localhost/multilayer:latest > /dev/null
  run_galley load -q -i "$BATS_TEST_TMPDIR/multilayer.tar"
  run_galley image squash localhost/multilayer "$SQFS_DIR/multilayer.sqfs"
  run_galley rmi localhost/multilayer
  run_galley run --rm "$SQFS_DIR/multilayer.sqfs" sh -c "$MULTILAYER_LISTING"
  assert_multilayer_listing
}

@test "image squash: 16 containers start at once from one file, with no copy of it" {
  run_galley image squash $RUN_IMAGE "$SQFS_DIR/bb.sqfs"
  run_galley rmi $RUN_IMAGE
  local i pids=()
  for i in $(seq 1 16); do
    galley run --rm --network none "$SQFS_DIR/bb.sqfs" sh -c "echo task $i > /out; cat /out" \
      > "$BATS_TEST_TMPDIR/out.$i" 2> "$BATS_TEST_TMPDIR/err.$i" &
    pids+=($!)
  done
  for i in $(seq 1 16); do
    wait "${pids[$((i - 1))]}" || { cat "$BATS_TEST_TMPDIR/err.$i"; false; }
    [ "$(cat "$BATS_TEST_TMPDIR/out.$i")" = "task $i" ]
  done
  # nothing unpacked, nothing left
  run_galley images -q
  assert_output_equals ""
  [ -z "$(ls -A "$GALLEY_TEST_ROOT/layers" 2> /dev/null)" ]
  run_galley ps -a -q
  assert_output_equals ""
  [ "$(squashfuse_count)" -eq 0 ]
}

@test "image squash, run FILE.sqfs: bad input fails clearly and leaves nothing behind" {
  run_galley 125 image squash nosuch "$SQFS_DIR/x.sqfs"
  assert_single_error_line
  assert_stderr_contains "nosuch: image not known"
  run_galley 125 image squash $RUN_IMAGE "$SQFS_DIR/no/such/dir/x.sqfs"
  assert_single_error_line
  assert_stderr_contains "no/such/dir/x.sqfs"
  run_galley 125 image squash $RUN_IMAGE
  [ -z "$(ls -A "$SQFS_DIR")" ]

  # not a SquashFS file
  echo "not squashfs" > "$SQFS_DIR/bad.sqfs"
  run_galley 125 run --rm "$SQFS_DIR/bad.sqfs" true
  assert_single_error_line
  assert_stderr_contains "Error: $SQFS_DIR/bad.sqfs: not a SquashFS file"
  run_galley 125 run --rm --rootfs "$SQFS_DIR/bad.sqfs" true
  assert_stderr_contains "not a SquashFS file"
  # no command given and none in the file: a plain root filesystem
  mkdir "$BATS_TEST_TMPDIR/plain"
  cp -a /bin/busybox "$BATS_TEST_TMPDIR/plain/" 2> /dev/null || skip "no /bin/busybox on the host"
  mksquashfs "$BATS_TEST_TMPDIR/plain" "$SQFS_DIR/plain.sqfs" -noappend -quiet -no-progress > /dev/null
  run_galley 125 run --rm "$SQFS_DIR/plain.sqfs"
  assert_stderr_contains "no command or entrypoint provided"
  run_galley run --rm "$SQFS_DIR/plain.sqfs" /busybox echo plain
  assert_output_equals "plain"
  run_galley ps -a -q
  assert_output_equals ""

  # an existing output is replaced whole
  echo old > "$SQFS_DIR/out.sqfs"
  run_galley image squash $RUN_IMAGE "$SQFS_DIR/out.sqfs"
  run_galley run --rm "$SQFS_DIR/out.sqfs" echo replaced
  assert_output_equals "replaced"
  [ -z "$(ls -A "$SQFS_DIR" | grep -v -e '^bad.sqfs$' -e '^plain.sqfs$' -e '^out.sqfs$')" ]
}
