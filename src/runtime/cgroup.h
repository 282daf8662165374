/* Resource limits through cgroups: which hierarchy the host runs (v1, v2,
 * hybrid), whether this user has a delegated, writable v2 subtree, and
 * putting the container into a child cgroup with --memory, --cpus and
 * --pids-limit.  A limit that cannot be enforced is an error, never
 * silently ignored.  */
#ifndef GALLEY_RUNTIME_CGROUP_H
#define GALLEY_RUNTIME_CGROUP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/error.h"

enum cgroup_mode
{
  CGROUP_V1,
  CGROUP_V2,
  CGROUP_HYBRID,
};

struct cgroup_limits
{
  int64_t memory;    /* bytes; 0 = none */
  int64_t cpu_quota; /* microseconds per 100000 period; 0 = none */
  int64_t pids;      /* 0 = none; -1 = unlimited */
};

enum cgroup_mode cgroup_detect (void);
const char *cgroup_mode_name (enum cgroup_mode m);

/* The delegated v2 directory of the calling process's cgroup
 * (/sys/fs/cgroup/<path from /proc/self/cgroup>) when it is writable and has
 * the controllers, else NULL with *why (static) saying what is missing.  */
char *cgroup_delegated_dir (const char **why);

/* Parse --memory ("512m", "1g", bytes), --cpus ("1.5"), --pids-limit.  */
int cgroup_parse_memory (const char *s, int64_t *out, galley_error_t *err);
int cgroup_parse_cpus (const char *s, int64_t *quota_out, galley_error_t *err);

/* run's and create's --cgroups MODE (podman's: enabled, disabled,
 * no-conmon, split; NULL is enabled) and --cgroup-parent PATH (NULL for
 * none), with or without resource limits: one clear error for what cannot
 * go together.  galley creates a cgroup only for resource limits, below the
 * caller's (with a delegated cgroup v2 subtree), so enabled, no-conmon and
 * split are the same, and a parent changes nothing.  */
int cgroup_check_mode (const char *mode, const char *parent, bool limits, galley_error_t *err);

/* The global --cgroup-manager: cgroupfs, or systemd (a warning: galley
 * has no systemd scopes).  */
int cgroup_check_manager (const char *manager, galley_error_t *err);

/* Fail with one clear error when limits are asked for and cannot be
 * enforced here.  */
int cgroup_check_limits (const struct cgroup_limits *l, galley_error_t *err);

/* Create <delegated>/galley-<id>, write the limits, move pid into it.  No-op
 * without limits.  */
int cgroup_apply (const struct cgroup_limits *l, const char *id, pid_t pid, galley_error_t *err);

#endif
