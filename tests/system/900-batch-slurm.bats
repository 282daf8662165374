#!/usr/bin/env bats
# Containers in Slurm jobs, on the one-node cluster that tests/setup-host.sh
# starts (tests/slurm/slurm.sh): the tasks of srun -n 8 and of a 32-task job
# array each run a container at once on one store, and scancel of a job
# that runs containers leaves nothing of them: no process, no mount, no
# record (the job's cgroup ends the processes, the cluster's TaskEpilog,
# tests/slurm/task-epilog.sh, the records).

load helpers
load helpers-run

setup () {
  export SLURM_CONF=${GALLEY_TEST_SLURM_CONF:-${GALLEY_TEST_STATE:-/var/tmp/galley-test}/slurm/slurm.conf}
  [ -r "$SLURM_CONF" ] || skip "no test cluster (run tests/setup-host.sh as root)"
  command -v srun > /dev/null || skip "Slurm's clients are not installed"
  sinfo -h -o %t 2> /dev/null | grep -qE '^(idle|mix|alloc)' || skip "the test cluster does not answer"
  basic_setup
  galley load -q -i "$ARCHIVES/busybox.tar" > /dev/null
  # the jobs' galley finds the test's store as the test's own does
  export GALLEY_ROOT=$GALLEY_TEST_ROOT GALLEY_RUNROOT=$GALLEY_TEST_RUNROOT
  cd "$BATS_TEST_TMPDIR"
}

teardown () {
  local jobs
  jobs=$(squeue -h -u "$(id -u)" -o %A 2> /dev/null) || true
  if [ -n "$jobs" ]; then
    # shellcheck disable=SC2086
    scancel $jobs 2> /dev/null || true
    wait_until -t 60 no_jobs || true
  fi
  basic_teardown
}

# The user has no job queued or running.
no_jobs () {
  [ -z "$(squeue -h -u "$(id -u)" -o %A)" ]
}

# A process of ours runs whose command line holds $1.
running_with () {
  pgrep -u "$(id -u)" -f -- "$1" > /dev/null
}

@test "slurm: srun -n 8 runs eight containers at once, one per task" {
  run srun -n 8 --time 5 "$GALLEY" run --rm --env SLURM_PROCID busybox sh -c 'echo "task $SLURM_PROCID"'
  assert_success
  for i in 0 1 2 3 4 5 6 7; do
    assert_output_contains "task $i"
  done
  assert_line_count 8
  run container_dirs
  assert_output_equals ""
}

@test "slurm: a 32-task job array runs a container in each task" {
  run sbatch --parsable --array=1-32 --time 5 --output 'out-%a.txt' \
    --wrap '"$GALLEY" run --rm busybox sh -c "echo array task \$0" $SLURM_ARRAY_TASK_ID'
  assert_success
  wait_until -t 300 no_jobs
  for i in $(seq 1 32); do
    grep -qx "array task $i" "out-$i.txt" || { cat "out-$i.txt"; false; }
  done
  run container_dirs
  assert_output_equals ""
}

@test "slurm: scancel of a running job leaves none of its containers, processes or mounts" {
  marker=3$(random_string 20 | tr -dc 0-9 | head -c 6)1
  cat > job.sh << EOF
#!/bin/sh
"\$GALLEY" run -d --label slurm.job=\$SLURM_JOB_ID busybox sleep $marker
"\$GALLEY" run --rm --label slurm.job=\$SLURM_JOB_ID busybox sh -c 'echo ready; exec sleep $marker'
EOF
  run sbatch --parsable --time 5 --output job.out job.sh
  assert_success
  job=$output
  wait_until -t 60 grep -qsx ready job.out
  run_galley ps --quiet --filter "label=slurm.job=$job"
  assert_line_count 2
  dirs=$(container_dirs)
  [ "$(echo "$dirs" | wc -l)" = 2 ]
  running_with "sleep $marker"
  # (a monitor's command line is the galley run it was forked from)
  running_with "slurm.job=$job"

  scancel "$job"
  wait_until -t 60 no_jobs
  # the job's end is its processes' end, its TaskEpilog has run
  ! running_with "sleep $marker"
  ! running_with "slurm.job=$job"
  for d in $dirs; do
    [ ! -e "$d" ] || { echo "left: $d" >&2; false; }
  done
  run awk -v r="$GALLEY_TEST_ROOT" 'index ($5, r) == 1' /proc/self/mountinfo
  assert_output_equals ""
  run_galley ps --all --quiet
  assert_output_equals ""
}

@test "slurm: info names the job whose cgroup galley runs in" {
  run_galley info --format '{{.Host.BatchJob.Scheduler}}|{{.Host.BatchJob.JobID}}|{{.Host.BatchJob.Cgroup}}'
  assert_output_equals "||"
  run srun --time 5 sh -c '"$GALLEY" info --format "{{.Host.BatchJob.Scheduler}}|{{.Host.BatchJob.JobID}}|{{.Host.BatchJob.Cgroup}}"; echo "job $SLURM_JOB_ID"'
  assert_success
  job=${lines[1]#job }
  assert_output_matches "^slurm\|$job\|/slurm[^|]*/job_$job/step_0"
}

@test "slurm: a container stays in its job's cgroup, with podman's cgroup flags too" {
  run srun --time 5 sh -c '"$GALLEY" --cgroup-manager cgroupfs run --rm --cgroups disabled busybox cat /proc/self/cgroup; echo "job $SLURM_JOB_ID"'
  assert_success
  job=${lines[-1]#job }
  assert_output_matches "/slurm[^/]*/uid_[0-9]+/job_$job/step_0"
}
