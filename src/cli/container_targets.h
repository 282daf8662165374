/* Which containers a lifecycle command acts on: its positional names or
 * ids, --all, --latest, --cidfile; shared by stop, kill, rm, wait,
 * restart, pause, unpause, logs, inspect, port; and the spec of one, for
 * export and diff.  */
#ifndef GALLEY_CLI_CONTAINER_TARGETS_H
#define GALLEY_CLI_CONTAINER_TARGETS_H

#include <stdbool.h>

#include "cli/cli.h"
#include "state/container_list.h"

struct container_target
{
  struct container_entry entry;
  char *label; /* what the command prints for it: the argument as given, or the full id */
};

#define TARGET_MAX_FILTERS 32

struct target_request
{
  bool all, latest, ignore_missing;
  const char *cidfile;
  char **names; /* positionals */
  int n_names;
  char *filters[TARGET_MAX_FILTERS]; /* --filter KEY=VALUE (state/container_filter.h) */
  size_t n_filters;                  /* may exceed TARGET_MAX_FILTERS: an error */
};

/* Take option opt (with its argument) into r when it is one of the
 * target options --all, --latest, --cidfile, --ignore, --filter; returns
 * whether it was.  With filters and no names, all containers are
 * considered; the filters keep those that pass.  */
bool target_request_option (const struct cli_command *cmd, int opt, const char *arg,
                            struct target_request *r);

/* Resolve the request.  With ignore_missing unknown names are skipped;
 * else the first unknown name is the error.  */
int container_targets_collect (struct cli_context *ctx, const struct target_request *r,
                               struct container_target **out, size_t *n, galley_error_t *err);
void container_targets_free (struct container_target *t, size_t n);

/* container_targets_collect with the positionals left after p's options
 * as the names.  */
int container_targets_collect_args (struct cli_context *ctx, struct target_request *r,
                                    const struct cli_parser *p, struct container_target **out, size_t *n,
                                    galley_error_t *err);

/* What a command does to one target: 0 when done (the label is printed),
 * CONTAINER_TARGET_QUIET when done with nothing to print (skipped, or it
 * printed its own line), -1 with err filled on failure.  */
#define CONTAINER_TARGET_QUIET 1
typedef int (*container_target_fn) (struct cli_context *ctx, struct container_target *t, void *data,
                                    galley_error_t *err);

/* Resolve as container_targets_collect_args and run fn on each target,
 * reporting each failure and going on.  Returns 0, GALLEY_EXIT_FAILURE
 * when fn failed for some, or -1 when the request could not be
 * resolved.  */
int container_targets_run (struct cli_context *ctx, struct target_request *r, const struct cli_parser *p,
                           container_target_fn fn, void *data, galley_error_t *err);

/* The one container a command that takes one acts on: its argument, or
 * with --latest the latest container's id.  */
int container_target_name (struct cli_context *ctx, struct target_request *r, const struct cli_parser *p,
                           char **name, galley_error_t *err);

#endif
