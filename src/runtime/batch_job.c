/* The batch job galley runs in (see batch_job.h).  */
#include "config.h"
#include "runtime/batch_job.h"

#include <fcntl.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/fs.h"
#include "util/xmalloc.h"

/* A scheduler's cgroup path; the first group of the pattern is the job.  */
static const struct
{
  const char *scheduler, *pattern;
} job_cgroups[] = {
  { "slurm", "/slurm[^/]*/uid_[0-9]+/job_([0-9]+)(/|$)" }, /* v1 */
  { "slurm", "/slurmstepd\\.scope/job_([0-9]+)(/|$)" },    /* v2 */
  { "pbs", "/pbs_jobs\\.service/jobid/([^/]+)" },          /* v2 */
  { "pbs", "/pbspro/([^/]+)" },                            /* v1 */
  { "torque", "/torque/([^/]+)" },                         /* v1 */
  { "lsf", "/lsf/[^/]+/job\\.([0-9]+(\\.[0-9]+)?)" },      /* job.ID[.INDEX] */
};

/* Whether path is one of job_cgroups'; fills *out.  */
static bool
match_path (const char *path, struct batch_job *out)
{
  for (size_t i = 0; i < sizeof job_cgroups / sizeof *job_cgroups; i++)
    {
      regex_t re;
      regmatch_t m[2];
      bool found;

      if (regcomp (&re, job_cgroups[i].pattern, REG_EXTENDED) != 0)
        continue;
      found = regexec (&re, path, 2, m, 0) == 0;
      regfree (&re);
      if (! found)
        continue;
      out->scheduler = job_cgroups[i].scheduler;
      out->job_id = xstrndup (path + m[1].rm_so, (size_t)(m[1].rm_eo - m[1].rm_so));
      out->cgroup = xstrdup (path);
      return true;
    }
  return false;
}

bool
batch_job_parse (const char *cgroups, struct batch_job *out)
{
  const char *line = cgroups;

  *out = (struct batch_job){ 0 };
  while (line != NULL && *line != '\0')
    {
      const char *end = strchrnul (line, '\n');
      /* "ID:CONTROLLERS:PATH": the path follows the second colon */
      const char *c1 = memchr (line, ':', (size_t)(end - line));
      const char *c2 = c1 ? memchr (c1 + 1, ':', (size_t)(end - c1 - 1)) : NULL;

      if (c2 != NULL)
        {
          _cleanup_free_ char *path = xstrndup (c2 + 1, (size_t)(end - c2 - 1));
          if (match_path (path, out))
            return true;
        }
      line = *end == '\n' ? end + 1 : NULL;
    }
  return false;
}

bool
batch_job_detect (struct batch_job *out)
{
  _cleanup_free_ char *text = NULL;
  galley_error_t err = NULL;

  *out = (struct batch_job){ 0 };
  if (fs_read_file (AT_FDCWD, "/proc/self/cgroup", 1 << 16, &text, NULL, &err) < 0)
    {
      galley_error_release (&err);
      return false;
    }
  return batch_job_parse (text, out);
}

void
batch_job_release (struct batch_job *job)
{
  free (job->job_id);
  free (job->cgroup);
  *job = (struct batch_job){ 0 };
}
