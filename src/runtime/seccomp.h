/* The libseccomp boundary: load a seccomp profile in the containers-common /
 * moby JSON format (conf/seccomp.json is galley's default) into a filter for
 * this host's architectures, and install it.  */
#ifndef GALLEY_RUNTIME_SECCOMP_H
#define GALLEY_RUNTIME_SECCOMP_H

#include <seccomp.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

static inline void
cleanup_seccompp (scmp_filter_ctx *c)
{
  if (*c != NULL)
    seccomp_release (*c);
}
#define _cleanup_seccomp_ __attribute__ ((cleanup (cleanup_seccompp)))

/* Where the default profile is: $GALLEY_SECCOMP_PROFILE if set, else
 * $(datadir)/galley/seccomp.json if it exists, else the source tree's copy
 * ($GALLEY_SRCDIR/conf/seccomp.json, or the build's srcdir) for tests.
 * malloc'ed.  */
char *seccomp_default_profile_path (void);

/* Parse the profile at path (NULL: the default) into a new filter.
 * caps: the container's capabilities (bit N = capability N; pass the
 * bounding set, as podman does) against which "includes"/"excludes" "caps"
 * are matched.  Syscall names this libseccomp does not know are skipped.
 * Errors name the file and the failing entry ("syscalls[3]: ...").  */
int seccomp_profile_load (const char *path, uint64_t caps, scmp_filter_ctx *out, galley_error_t *err);

/* The same over a buffer; `what` names it in errors (the fuzz target's entry).  */
int seccomp_profile_load_data (const char *data, size_t len, const char *what, uint64_t caps,
                               scmp_filter_ctx *out, galley_error_t *err);

/* Install the filter in the calling process (all threads: there is one).
 * It does not set no_new_privs by itself: without no_new_privs the kernel
 * requires CAP_SYS_ADMIN (in the user namespace), so call it while still
 * root in the container — before the uid switch — unless no_new_privs was
 * set, then call it last, right before execve.  */
int seccomp_profile_apply (scmp_filter_ctx ctx, galley_error_t *err);

#endif
