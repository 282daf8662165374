/* Changes to ids a container's user namespace does not map, made no-ops
 * that succeed (--unmapped-ids=ignore): without subordinate ids a
 * container has one uid and one gid, so `useradd -m`, `chown -R user`
 * and a package manager's setgroups(2) fail with EINVAL or EPERM, and
 * with them builds of ordinary images.  As charliecloud's
 * --force=seccomp and Apptainer's fakeroot do, those calls are caught
 * by a seccomp filter of the container that notifies a supervisor (a
 * process of the monitor's): chown(2) and its kin to ids the map has
 * go on as asked, to ids it lacks change nothing and return 0;
 * setgroups(2), which a one-id namespace always refuses, returns 0.
 * Nothing else is caught, so a container without the option pays
 * nothing for it.  */
#ifndef GALLEY_RUNTIME_UNMAPPED_IDS_H
#define GALLEY_RUNTIME_UNMAPPED_IDS_H

#include <stdbool.h>
#include <sys/types.h>

#include "ns/idmap.h"
#include "util/error.h"

/* mode: "ignore", "fail" (or NULL), or "auto" (build's default): ignore
 * exactly when map is the one-id map of a user without subordinate ids.  */
bool unmapped_ids_ignored (const char *mode, const struct idmap *map);

/* In the container init, root in its user namespace (or with
 * no_new_privs set), before its other seccomp filter: catch the calls
 * above and send the listener, tagged 'S', over the channel to the
 * monitor.  */
int unmapped_ids_catch (const struct idmap *map, int channel, galley_error_t *err);

/* In the monitor: answer the calls caught behind listener (taken) in a
 * process of its own, which ends when no process of the container is
 * left.  Returns its pid.  */
pid_t unmapped_ids_supervise (int listener, const struct idmap *map, galley_error_t *err);

/* Stop and reap the supervisor (a pid <= 0: none).  */
void unmapped_ids_stop (pid_t supervisor);

#endif
