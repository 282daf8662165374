#!/usr/bin/env bats
# MPI in the hybrid model: mpirun on the host starts each rank as a galley
# container (galley.conf's hpc profile: the host's pid, IPC, UTS and
# network namespaces, keep-id, keep-groups, --init), the ranks find
# mpirun through the environment (--env-host) and talk to each other.
# Open MPI is the host's (Debian's openmpi-bin, libopenmpi-dev); the
# container is busybox with the host's /usr bound in, where the program's
# libraries are.

load helpers
load helpers-run

setup () {
  command -v mpicc > /dev/null && command -v mpirun > /dev/null \
    || skip "no Open MPI here (tests/setup-host.sh installs openmpi-bin and libopenmpi-dev)"
  run_setup
  # Open MPI's session directory holds its sockets: a short path (sun_path)
  mpi_dir=$(mktemp -d /tmp/galley-mpi.XXXXXX)
  mkdir "$mpi_dir/tmp"
  mpicc -o "$mpi_dir/hello" "$BATS_TEST_DIRNAME/mpi/hello.c"
  printf '[containers]\nprofile = "hpc"\n' > "$BATS_TEST_TMPDIR/site.conf"
  export GALLEY_SYSTEM_CONFIG=$BATS_TEST_TMPDIR/site.conf
}

teardown () {
  [ -n "${mpi_dir:-}" ] && rm -rf "$mpi_dir"
  basic_teardown
}

# Each rank in its own user namespace: Linux refuses cross-memory attach
# (process_vm_readv) between them, so shared memory copies twice, as Open
# MPI would find out itself, with a warning.
mpi_run () {
  run --separate-stderr env TMPDIR="$mpi_dir/tmp" OMPI_MCA_btl_vader_single_copy_mechanism=none \
    timeout -k 10 "$GALLEY_TEST_TIMEOUT" mpirun -np 2 --oversubscribe \
    "$GALLEY" --root "$GALLEY_TEST_ROOT" --runroot "$GALLEY_TEST_RUNROOT" run --rm --env-host \
    -v /usr:/usr:ro -v /lib:/lib:ro -v /lib64:/lib64:ro -v /etc/openmpi:/etc/openmpi:ro \
    -v /etc/alternatives:/etc/alternatives:ro -v "$mpi_dir:$mpi_dir" "$@"
  echo "$output"
  echo "[stderr] $stderr"
  echo "[status $status]"
}

@test "mpirun on the host runs 2 ranks in containers, which exchange data" {
  mpi_run $RUN_IMAGE "$mpi_dir/hello"
  assert_success
  assert_equal "$(echo "$output" | sort)" \
    "rank 0 of 2 on $(uname -n) in galley"$'\n'"rank 1 of 2 on $(uname -n) in galley"$'\n'"sum 1"
  # nothing is left behind: each rank's container went with it
  run_galley ps -a --format '{{.ID}}'
  assert_output_equals ""
}

@test "a rank that fails fails the job, with its status" {
  mpi_run $RUN_IMAGE sh -c 'exit 3'
  assert_status 3
}
