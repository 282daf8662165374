/* The libcap boundary: capability names and values, the sets a container
 * gets (podman's defaults, --cap-add/--cap-drop/--privileged, root or not in
 * the container), and applying them in the container init.  */
#ifndef GALLEY_RUNTIME_CAPS_H
#define GALLEY_RUNTIME_CAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/capability.h>

#include "util/error.h"

static inline void
cleanup_capp (cap_t *c)
{
  if (*c != NULL)
    cap_free (*c);
}
#define _cleanup_cap_ __attribute__ ((cleanup (cleanup_capp)))

/* Bit N stands for capability N (CAP_CHOWN = bit 0, ...).  */
#define CAPS_BIT(cap) (UINT64_C (1) << (cap))

/* What the container's process ends up with.  Inheritable equals ambient:
 * empty for root (CVE-2022-27649), the --cap-add'ed capabilities for a
 * non-root user, whom they must follow across execve (podman's rule).  */
struct caps_set
{
  uint64_t bounding;
  uint64_t effective; /* == permitted */
  uint64_t ambient;
};

/* The capabilities podman grants by default (11 of them).  */
uint64_t caps_default (void);
/* Every capability this kernel knows (cap_max_bits ()).  */
uint64_t caps_all (void);

/* "CAP_NET_ADMIN", "NET_ADMIN", "net_admin" -> 12.  "ALL" is not a
 * capability: callers that accept it test caps_is_all first.  */
int caps_from_name (const char *name, int *cap_out, galley_error_t *err);
bool caps_is_all (const char *name);
/* "CAP_NET_ADMIN"; NULL when unknown.  Static storage.  */
const char *caps_to_name (int cap);
/* "CAP_CHOWN,CAP_KILL" (sorted by value), malloc'ed; "" for none.  */
char *caps_format (uint64_t caps);

/* The container's sets, as podman computes them: bounding = the defaults
 * (everything with privileged) plus cap_add minus cap_drop ("ALL" allowed in
 * both; "drop ALL" keeps only the added ones; adding and dropping the same
 * one is an error).  user_is_root: the container user is root (no --user and
 * no --userns=keep-id, or "root"/"0" before any ':'; see
 * passwd_spec_is_root), then effective = bounding; otherwise effective =
 * ambient = only the --cap-add'ed ones.  Lists are NULL-terminated and may
 * be NULL.  Bad names: 'unknown capability "CAP_FOO"'.  */
int caps_compute (const char *const *cap_add, const char *const *cap_drop, bool privileged, bool user_is_root,
                  struct caps_set *out, galley_error_t *err);

/* In the container init, BEFORE the uid/gid switch, as (namespaced) root:
 * drops everything not in set->bounding from the bounding set, clears the
 * ambient set and sets PR_SET_KEEPCAPS so permitted survives setuid.  */
int caps_apply_before_setuid (const struct caps_set *set, galley_error_t *err);

/* In the container init, AFTER setgroups/setgid/setuid, right before
 * seccomp/execve: sets permitted = effective = set->effective, inheritable
 * to what ambient needs, raises the ambient ones, clears KEEPCAPS.  */
int caps_apply_after_setuid (const struct caps_set *set, galley_error_t *err);

#endif
