/* The namespaces a container shares with the host rather than getting its
 * own (--pid host, --ipc host, --uts host), its /dev/shm (--ipc none,
 * --shm-size) and its supplementary groups (--group-add, keep-groups).
 * Another container's namespaces (container:NAME, a pod's) are joined
 * elsewhere: "host" here is the host's and nothing else.  */
#ifndef GALLEY_RUNTIME_NAMESPACES_H
#define GALLEY_RUNTIME_NAMESPACES_H

#include <stdbool.h>
#include <stdint.h>

#include "ns/idmap.h"
#include "util/error.h"

/* /dev/shm's size when --shm-size is not given: podman's 64 MiB.  */
#define NS_SHM_SIZE_DEFAULT (64 * 1024 * 1024)

struct ns_options
{
  bool host_pid, host_ipc, host_uts;
  bool no_shm;        /* --ipc none: no /dev/shm at all */
  int64_t shm_size;   /* bytes of the private /dev/shm; 0: NS_SHM_SIZE_DEFAULT */
  bool shm_unlimited; /* --shm-size 0 */
  bool keep_groups;   /* --group-add keep-groups: setgroups is never called */
  char **group_add;   /* the other --group-add values: names or ids of the container's /etc/group */
};

/* The options as given (NULL: not given) -> *out, with podman's errors:
 * "unrecognized namespace mode bogus passed", "cannot set hostname when
 * running in the host UTS namespace", "cannot set shmsize when running in
 * the {host } IPC Namespace", an --shm-size that is no size, keep-groups
 * with other groups.  Cleared first.  */
int ns_options_parse (const char *pid, const char *ipc, const char *uts, const char *shm_size,
                      const char *hostname, char *const *group_add, struct ns_options *out,
                      galley_error_t *err);

void ns_options_clear (struct ns_options *o);

/* Whether the container's processes set their supplementary groups: not
 * with keep-groups, nor where the user namespace denies setgroups (a
 * single-id map).  */
bool ns_may_setgroups (const struct ns_options *o, const struct idmap *map);

/* CLONE_NEWPID, CLONE_NEWIPC and CLONE_NEWUTS but for the host's.  */
int ns_clone_flags (const struct ns_options *o);

/* The hostname of a container with the host's network or UTS namespace
 * and no --hostname: the host's, as podman gives it.  NULL on failure.  */
char *ns_host_hostname (void);

#endif
