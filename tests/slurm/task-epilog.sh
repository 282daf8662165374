#!/bin/sh
# Slurm TaskEpilog of the test cluster (tests/slurm/slurm.sh), and an example
# for a site's: slurmstepd runs it as the job's user, with the job's
# environment, when a task ends, however it ends (scancel too).  When the
# batch script ends, the job does: its containers, those labelled
# slurm.job=JOBID, are removed (their processes are gone or going: the job's
# cgroup is killed), and the listing settles the records of every container
# of this store whose monitor the job's end killed (those of --rm go).
[ -n "${SLURM_JOB_ID:-}" ] && [ -z "${SLURM_STEP_ID:-}" ] || exit 0
galley=${GALLEY:-galley}
"$galley" ps --all --quiet --no-trunc --filter "label=slurm.job=$SLURM_JOB_ID" |
  xargs -r "$galley" rm --force --ignore --time 0 > /dev/null
