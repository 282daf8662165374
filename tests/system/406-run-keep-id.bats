#!/usr/bin/env bats
# --userns=keep-id: the user's own uid and gid inside; the image's files with
# the owners they have in the image, whatever the rootfs method (the layers
# are stored through the user's own map, which keep-id rearranges); the
# user's /etc/passwd and /etc/group entries, $HOME and whoami, as podman's.
# Without subordinate ids the namespace holds one id, the user's: every owner
# of the image folds onto it (podman refuses keep-id there).

load helpers
load helpers-run

setup () {
  run_setup
}

MKIMAGE=$BATS_TEST_DIRNAME/../images/mkimage.py
OWNED="/etc /etc/shadow /usr/bin/suid-root /var/daemon /var/nobody"

# localhost/owners: busybox plus a layer of varied owners (mkimage.py).
load_owners_image () {
  python3 "$MKIMAGE" docker-archive owners "$BATS_TEST_TMPDIR/owners.tar" --ref localhost/owners:latest > /dev/null
  galley load -q -i "$BATS_TEST_TMPDIR/owners.tar" > /dev/null
}

# "path mode uid gid" of $OWNED in a keep-id container (extra run options: $@).
owners_inside () {
  run_galley run --rm --network none --userns keep-id "$@" localhost/owners stat -c '%n %a %u %g' $OWNED
}

# What mkimage.py says the image holds, in owners_inside's format.
owners_expected () {
  python3 "$MKIMAGE" expected owners | awk '!/^#/ { sub (/^0+/, "", $3); print $1, $3, $4, $5 }'
}

# The methods this machine can run: the probed default, then each forced.
rootfs_methods () {
  echo default
  if command -v fuse-overlayfs > /dev/null && [ -w /dev/fuse ]; then echo fuse-overlayfs; fi
  echo copy
}

with_method () {
  local m=$1
  shift
  if [ "$m" = default ]; then "$@"; else GALLEY_ROOTFS_METHOD=$m "$@"; fi
}

@test "keep-id: the image's files keep their owners, and stay closed to the user (every rootfs method)" {
  skip_if_no_subids
  load_owners_image
  local m expected
  expected=$(owners_expected)
  for m in $(rootfs_methods); do
    echo "# method $m"
    with_method "$m" owners_inside
    assert_equal "$output" "$expected" "owners with the $m method"
    with_method "$m" run_galley 1 run --rm --network none --userns keep-id localhost/owners \
      sh -c 'touch /etc/x || exit 1'
    assert_stderr_contains "Permission denied"
    # what the user writes is the user's, inside and again at the next start
    with_method "$m" run_galley run --name "w-$m" --network none --userns keep-id localhost/owners \
      sh -c 'touch /tmp/mine && stat -c "%u:%g" /tmp/mine'
    assert_equal "$output" "$(id -u):$(id -g)"
    with_method "$m" run_galley start -a "w-$m"
    assert_equal "$output" "$(id -u):$(id -g)"
  done
}

@test "keep-id: the owners of the image with keep-id:uid=,gid= too" {
  skip_if_no_subids
  load_owners_image
  owners_inside --userns keep-id:uid=1,gid=1
  assert_equal "$output" "$(owners_expected)"
  run_galley run --rm --network none --userns keep-id:uid=70000,gid=70000 localhost/owners \
    sh -c 'stat -c "%u %g" /etc/shadow /var/nobody; id -u'
  assert_equal "$output" "0 42
65534 65534
70000"
}

@test "keep-id without subordinate ids: every owner of the image is the user's" {
  skip_if_subids
  load_owners_image
  owners_inside
  assert_equal "$output" "$(owners_expected | awk -v u="$(id -u)" -v g="$(id -g)" '{ print $1, $2, u, g }')"
  # the user's own files: writable, as on the host
  run_galley run --rm --network none --userns keep-id localhost/owners sh -c 'touch /etc/x && echo written'
  assert_output_equals "written"
}

@test "keep-id: the user's passwd and group entries, whoami and HOME (as podman)" {
  local name gname gecos
  name=$(id -un)
  gname=$(id -gn)
  gecos=$(getent passwd "$name" | cut -d: -f5)
  run_galley run --rm --network none --userns keep-id $RUN_IMAGE \
    sh -c 'id -un; whoami; echo "$HOME"; grep "^$(id -un):" /etc/passwd; grep ":$(id -g):" /etc/group'
  assert_equal "$output" "$name
$name
/
$name:*:$(id -u):$(id -g):$gecos:/:/bin/sh
$gname:x:$(id -g):$name"
  # home: the working directory, unless the user's own home is mounted
  run_galley run --rm --network none --userns keep-id -w /tmp $RUN_IMAGE sh -c 'echo "$HOME"; echo ~'
  assert_equal "$output" "/tmp
/tmp"
  mkdir "$BATS_TEST_TMPDIR/home"
  run_galley run --rm --network none --userns keep-id -v "$BATS_TEST_TMPDIR/home:$HOME" $RUN_IMAGE \
    sh -c 'echo "$HOME"; pwd'
  assert_equal "$output" "$HOME
/"
  # -e HOME wins over the entry
  run_galley run --rm --network none --userns keep-id -e HOME=/elsewhere $RUN_IMAGE sh -c 'echo "$HOME"'
  assert_equal "$output" "/elsewhere"
}

@test "keep-id: the entries are added once, seen by exec, and kept out of a read-only rootfs" {
  local name
  name=$(id -un)
  run_galley run --name k --network none --userns keep-id $RUN_IMAGE grep -c "^$name:" /etc/passwd
  assert_equal "$output" "1"
  run_galley start -a k
  assert_equal "$output" "1"
  galley run -d --name kx --network none --userns keep-id $RUN_IMAGE sleep 1000 > /dev/null
  run_galley exec kx whoami
  assert_equal "$output" "$name"
  run_galley run --name ro --network none --read-only --userns keep-id $RUN_IMAGE \
    sh -c 'whoami; grep -c "^$(id -un):" /etc/passwd'
  assert_equal "$output" "$name
1"
  run_galley diff ro
  assert_output_not_contains "/etc/passwd"
  run_galley rm -f -t 0 kx
}

@test "keep-id:uid=,gid=: a numeric entry for the chosen ids (as podman)" {
  run_galley run --rm --network none --userns keep-id:uid=2000,gid=3000 $RUN_IMAGE \
    sh -c 'id -u; id -g; whoami; grep "^2000:" /etc/passwd; grep "^3000:" /etc/group'
  assert_equal "$output" "2000
3000
2000
2000:*:2000:3000:container user:/:/bin/sh
3000:x:3000:2000"
  # an id the image names already gets no entry
  run_galley run --rm --network none --userns keep-id:uid=1000,gid=1000 $RUN_IMAGE \
    sh -c 'whoami; echo "$HOME"; grep -c ":1000:" /etc/passwd'
  assert_equal "$output" "user
/home/user
1"
}

@test "run --user with a uid the image does not name: a passwd entry (as podman)" {
  skip_if_no_subids # uid 2000 must be mapped
  run_galley run --rm --network none --user 2000 $RUN_IMAGE \
    sh -c 'whoami; grep "^2000:" /etc/passwd; grep "^2000:" /etc/group'
  assert_equal "$output" "2000
2000:*:2000:0:container user:/:/bin/sh
2000:x:2000:2000"
}

@test "build: a RUN as a numeric USER adds no passwd entry to the image (as buildah)" {
  mkdir "$BATS_TEST_TMPDIR/ctx"
  printf 'FROM %s\nUSER 2000\nRUN true\n' "$RUN_IMAGE" > "$BATS_TEST_TMPDIR/ctx/Containerfile"
  run_galley build -q -t numeric-user "$BATS_TEST_TMPDIR/ctx"
  run_galley run --rm --network none --user 0 numeric-user sh -c 'grep -c "^2000:" /etc/passwd /etc/group || true'
  assert_equal "$output" "/etc/passwd:0
/etc/group:0"
}
