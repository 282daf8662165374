/* Unit tests of finding the batch job galley runs in from the text of
 * /proc/self/cgroup (runtime/batch_job).  */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "runtime/batch_job.h"

static void
expect_job (const char *cgroups, const char *scheduler, const char *job_id, const char *cgroup)
{
  struct batch_job job;

  assert_true (batch_job_parse (cgroups, &job));
  assert_string_equal (job.scheduler, scheduler);
  assert_string_equal (job.job_id, job_id);
  assert_string_equal (job.cgroup, cgroup);
  batch_job_release (&job);
}

static void
test_schedulers (void **state)
{
  (void)state;
  /* Slurm's proctrack/cgroup on v1: only the freezer has the job */
  expect_job ("9:name=systemd:/\n"
              "6:freezer:/slurm/uid_1031/job_107/step_batch\n"
              "4:memory:/\n"
              "0::/\n",
              "slurm", "107", "/slurm/uid_1031/job_107/step_batch");
  /* a multiple-slurmd node names its hierarchy after the node */
  expect_job ("6:freezer:/slurm_node3/uid_5/job_42/step_0/task_1\n", "slurm", "42",
              "/slurm_node3/uid_5/job_42/step_0/task_1");
  /* Slurm on cgroup v2 */
  expect_job ("0::/system.slice/slurmstepd.scope/job_9001/step_3/user/task_0\n", "slurm", "9001",
              "/system.slice/slurmstepd.scope/job_9001/step_3/user/task_0");
  expect_job ("0::/pbs_jobs.service/jobid/1234.server\n", "pbs", "1234.server",
              "/pbs_jobs.service/jobid/1234.server");
  expect_job ("3:cpuset:/pbspro/77.head\n", "pbs", "77.head", "/pbspro/77.head");
  expect_job ("4:memory:/torque/88.master\n", "torque", "88.master", "/torque/88.master");
  expect_job ("4:memory:/lsf/cluster1/job.5150.1.1700000000\n", "lsf", "5150.1",
              "/lsf/cluster1/job.5150.1.1700000000");
  /* no trailing newline */
  expect_job ("0::/system.slice/slurmstepd.scope/job_1", "slurm", "1",
              "/system.slice/slurmstepd.scope/job_1");
}

static void
test_no_job (void **state)
{
  struct batch_job job;

  (void)state;
  assert_false (batch_job_parse ("", &job));
  assert_null (job.scheduler);
  assert_null (job.job_id);
  assert_false (batch_job_parse ("0::/user.slice/user-1000.slice/session-3.scope\n", &job));
  /* a name that only looks like one: no uid_N/job_N below slurm, a job_
   * without digits, slurmstepd.scope's own processes */
  assert_false (batch_job_parse ("6:freezer:/slurm/job_5\n", &job));
  assert_false (batch_job_parse ("0::/system.slice/slurmstepd.scope/job_x\n", &job));
  assert_false (batch_job_parse ("0::/system.slice/slurmstepd.scope/system\n", &job));
  /* a path with a colon in it is still one path; a malformed line none */
  assert_false (batch_job_parse ("0::/a:b/slurm\nbroken\n", &job));
  assert_null (job.cgroup);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_schedulers),
    cmocka_unit_test (test_no_job),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
