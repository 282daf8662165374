/* Resource limits through cgroups (see cgroup.h).  */
#include "config.h"
#include "runtime/cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/size.h"
#include "util/strv.h"
#include "util/xmalloc.h"

enum cgroup_mode
cgroup_detect (void)
{
  struct statfs fs;

  if (statfs ("/sys/fs/cgroup", &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC)
    return CGROUP_V2;
  if (statfs ("/sys/fs/cgroup/unified", &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC)
    return CGROUP_HYBRID;
  return CGROUP_V1;
}

const char *
cgroup_mode_name (enum cgroup_mode m)
{
  return m == CGROUP_V2 ? "v2" : m == CGROUP_HYBRID ? "hybrid" : "v1";
}

static bool
has_limits (const struct cgroup_limits *l)
{
  return l->memory != 0 || l->cpu_quota != 0 || l->pids != 0;
}

char *
cgroup_delegated_dir (const char **why)
{
  _cleanup_free_ char *self = NULL, *controllers = NULL;
  char *dir = NULL, *line;
  galley_error_t err = NULL;

  if (cgroup_detect () != CGROUP_V2)
    {
      *why = "cgroup v1 without delegation";
      return NULL;
    }
  if (fs_read_file (AT_FDCWD, "/proc/self/cgroup", 1 << 16, &self, NULL, &err) < 0)
    {
      galley_error_release (&err);
      *why = "cannot read /proc/self/cgroup";
      return NULL;
    }
  line = strstr (self, "0::");
  if (line == NULL)
    {
      *why = "no cgroup v2 entry in /proc/self/cgroup";
      return NULL;
    }
  line += 3;
  line[strcspn (line, "\n")] = '\0';
  if (asprintf (&dir, "/sys/fs/cgroup%s", line) < 0)
    return NULL;
  if (access (dir, W_OK) < 0)
    {
      *why = "the cgroup v2 subtree of this session is not delegated to the user";
      free (dir);
      return NULL;
    }
  {
    _cleanup_free_ char *path = NULL;
    if (asprintf (&path, "%s/cgroup.controllers", dir) < 0
        || fs_read_file (AT_FDCWD, path, 4096, &controllers, NULL, &err) < 0
        || strstr (controllers, "memory") == NULL || strstr (controllers, "pids") == NULL
        || strstr (controllers, "cpu") == NULL)
      {
        galley_error_release (&err);
        *why = "the delegated cgroup v2 subtree lacks the memory, cpu or pids controller";
        free (dir);
        return NULL;
      }
  }
  return dir;
}

int
cgroup_parse_memory (const char *s, int64_t *out, galley_error_t *err)
{
  if (size_parse (s, out) < 0)
    return errno == ERANGE ? galley_error_make (
               err, 0, "memory limit \"%s\" is too large: the largest is 8 EiB (8191p)", s)
                           : galley_error_make (err, 0, "invalid memory size \"%s\"", s);
  if (*out < 6 * 1024 * 1024)
    return galley_error_make (err, 0, "minimum memory limit allowed is 6MB");
  return 0;
}

int
cgroup_parse_cpus (const char *s, int64_t *quota_out, galley_error_t *err)
{
  char *end = NULL;
  double v;

  errno = 0;
  v = strtod (s, &end);
  if (errno != 0 || end == s || *end != '\0' || v <= 0 || v > 4096)
    return galley_error_make (err, 0, "invalid --cpus value \"%s\"", s);
  *quota_out = (int64_t)(v * 100000);
  return 0;
}

int
cgroup_check_mode (const char *mode, const char *parent, bool limits, galley_error_t *err)
{
  static char *const modes[] = { "enabled", "disabled", "no-conmon", "split", NULL };

  if (mode == NULL)
    return 0;
  if (! strv_contains (modes, mode))
    return galley_error_make (err, 0, "invalid cgroup mode \"%s\"", mode);
  if (strcmp (mode, "disabled") != 0)
    return 0;
  if (parent != NULL)
    return galley_error_make (err, 0, "cannot set cgroup parent if not creating cgroups");
  if (limits)
    return galley_error_make (err, 0,
                              "resource limits (--memory, --cpus, --pids-limit) need a cgroup: "
                              "they cannot go with --cgroups=disabled");
  return 0;
}

int
cgroup_check_manager (const char *manager, galley_error_t *err)
{
  if (strcmp (manager, "systemd") == 0)
    log_warn ("galley has no systemd cgroup manager: falling back to --cgroup-manager=cgroupfs");
  else if (strcmp (manager, "cgroupfs") != 0)
    return galley_error_make (err, 0, "cgroup manager must be one of cgroupfs and systemd");
  return 0;
}

int
cgroup_check_limits (const struct cgroup_limits *l, galley_error_t *err)
{
  const char *why = NULL;
  _cleanup_free_ char *dir = NULL;

  if (! has_limits (l))
    return 0;
  if (getuid () == 0)
    return 0;
  dir = cgroup_delegated_dir (&why);
  if (dir == NULL)
    return galley_error_make (err, 0,
                              "resource limits cannot be enforced: --memory, --cpus and "
                              "--pids-limit need a delegated cgroup v2 subtree (%s)",
                              why ? why : "unknown");
  return 0;
}

static int
write_value (const char *dir, const char *name, const char *value, galley_error_t *err)
{
  _cleanup_free_ char *path = NULL;
  _cleanup_close_ int fd = -1;

  path = xasprintf ("%s/%s", dir, name);
  fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd < 0 || write (fd, value, strlen (value)) < 0)
    return galley_error_make (err, errno, "writing %s to %s", value, path);
  return 0;
}

int
cgroup_apply (const struct cgroup_limits *l, const char *id, pid_t pid, galley_error_t *err)
{
  _cleanup_free_ char *base = NULL, *dir = NULL;
  const char *why = NULL;
  char value[64];

  if (! has_limits (l))
    return 0;
  if (getuid () == 0 && cgroup_detect () != CGROUP_V2)
    {
      /* Real root on v1: one directory per controller.  */
      static const char *const ctl[] = { "memory", "cpu", "pids" };
      size_t i;
      for (i = 0; i < 3; i++)
        {
          _cleanup_free_ char *d = NULL;
          d = xasprintf ("/sys/fs/cgroup/%s/galley-%.12s", ctl[i], id);
          if (mkdir (d, 0755) < 0 && errno != EEXIST)
            return galley_error_make (err, errno, "creating %s", d);
          if (i == 0 && l->memory > 0)
            {
              snprintf (value, sizeof value, "%lld", (long long)l->memory);
              if (write_value (d, "memory.limit_in_bytes", value, err) < 0)
                return -1;
            }
          if (i == 1 && l->cpu_quota > 0)
            {
              snprintf (value, sizeof value, "%lld", (long long)l->cpu_quota);
              if (write_value (d, "cpu.cfs_period_us", "100000", err) < 0
                  || write_value (d, "cpu.cfs_quota_us", value, err) < 0)
                return -1;
            }
          if (i == 2 && l->pids != 0)
            {
              snprintf (value, sizeof value, "%lld", (long long)l->pids);
              if (write_value (d, "pids.max", l->pids < 0 ? "max" : value, err) < 0)
                return -1;
            }
          snprintf (value, sizeof value, "%d", (int)pid);
          if (write_value (d, "cgroup.procs", value, err) < 0)
            return -1;
        }
      return 0;
    }
  base = getuid () == 0 ? strdup ("/sys/fs/cgroup") : cgroup_delegated_dir (&why);
  if (base == NULL)
    return galley_error_make (err, 0, "resource limits cannot be enforced: %s", why ? why : "?");
  dir = xasprintf ("%s/galley-%.12s", base, id);
  if (mkdir (dir, 0755) < 0 && errno != EEXIST)
    return galley_error_make (err, errno, "creating %s", dir);
  if (l->memory > 0)
    {
      snprintf (value, sizeof value, "%lld", (long long)l->memory);
      if (write_value (dir, "memory.max", value, err) < 0)
        return -1;
    }
  if (l->cpu_quota > 0)
    {
      snprintf (value, sizeof value, "%lld 100000", (long long)l->cpu_quota);
      if (write_value (dir, "cpu.max", value, err) < 0)
        return -1;
    }
  if (l->pids != 0)
    {
      snprintf (value, sizeof value, "%lld", (long long)l->pids);
      if (write_value (dir, "pids.max", l->pids < 0 ? "max" : value, err) < 0)
        return -1;
    }
  snprintf (value, sizeof value, "%d", (int)pid);
  return write_value (dir, "cgroup.procs", value, err);
}
