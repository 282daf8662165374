/* Whether galley runs inside a batch scheduler's job, as the cgroup the
 * scheduler put it in says (/proc/self/cgroup, every hierarchy): Slurm
 * (proctrack/cgroup on v1, slurmstepd.scope on v2), PBS Pro and OpenPBS,
 * Torque, LSF.  A job's end reaches every process of its cgroup, the
 * containers galley started in it too; `galley info` shows the job.  */
#ifndef GALLEY_RUNTIME_BATCH_JOB_H
#define GALLEY_RUNTIME_BATCH_JOB_H

#include <stdbool.h>

struct batch_job
{
  const char *scheduler; /* static: "slurm", "pbs", "torque", "lsf" */
  char *job_id;
  char *cgroup; /* the path in its hierarchy, as /proc/self/cgroup has it */
};

/* Find the job in the text of a /proc/PID/cgroup; false (and *out zeroed)
 * when no line is a scheduler's.  */
bool batch_job_parse (const char *cgroups, struct batch_job *out);

/* The same for the calling process.  */
bool batch_job_detect (struct batch_job *out);

void batch_job_release (struct batch_job *job);

#endif
