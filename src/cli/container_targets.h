/* Which containers a lifecycle command acts on: its positional names or
 * ids, --all, --latest, --cidfile; shared by stop, kill, rm, wait,
 * restart, pause, unpause, logs, inspect.  */
#ifndef GALLEY_CLI_CONTAINER_TARGETS_H
#define GALLEY_CLI_CONTAINER_TARGETS_H

#include <stdbool.h>

#include "cli/cli.h"
#include "state/container_list.h"

struct container_target
{
  struct container_entry entry;
  char *label;  /* what the command prints for it: the argument as given, or the full id */
};

struct target_request
{
  bool all, latest, ignore_missing;
  const char *cidfile;
  char **names;  /* positionals */
  int n_names;
};

/* Resolve the request.  With ignore_missing unknown names are skipped;
 * else the first unknown name is the error.  */
int container_targets_collect (struct cli_context *ctx, const struct target_request *r,
                               struct container_target **out, size_t *n, galley_error_t *err);
void container_targets_free (struct container_target *t, size_t n);

/* Report one failure of a command that goes on with the next container
 * (podman prints each, exits 125 at the end).  */
void container_target_report (galley_error_t *err);

#endif
