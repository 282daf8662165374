/* Running one OCI hook: a child of the caller with the container's state
 * on stdin, only the hook's own arguments and environment, its stdout and
 * stderr to a pipe (quoted in the error when it fails), no other fd, no
 * blocked or ignored signal, and killed with the caller.  */
#ifndef GALLEY_RUNTIME_HOOKS_EXEC_H
#define GALLEY_RUNTIME_HOOKS_EXEC_H

#include "runtime/hook_set.h"
#include "util/error.h"

/* Run h for stage (named in errors) in the directory cwd (NULL: the
 * caller's; "/" when cwd is gone) with state on its stdin, and wait for it
 * (killing it after its timeout).  A failure is exit code 126, as podman's
 * runtime errors: the command could not be invoked.  */
int hook_exec (const struct oci_hook *h, enum hook_stage stage, const char *cwd, const char *state,
               galley_error_t *err);

#endif
