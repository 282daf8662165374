/* The exit code of a container removed when it exited (--rm), kept in
 * runroot/exits/<id> as podman keeps its exit files, so that a waiter who
 * looks only after the removal (the REST service's wait for
 * condition=removed) still learns how it ended.  The runroot is volatile:
 * the files go with it.  */
#ifndef GALLEY_STATE_CONTAINER_EXIT_H
#define GALLEY_STATE_CONTAINER_EXIT_H

#include "state/paths.h"
#include "util/error.h"

int container_exit_record (const struct galley_paths *p, const char *id, int exit_code, galley_error_t *err);

/* 0 with *exit_code, or -1 when none was recorded (no error: there is
 * simply nothing to tell).  */
int container_exit_lookup (const struct galley_paths *p, const char *id, int *exit_code);

#endif
