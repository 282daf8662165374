/* galley commit: a container's changes as a new image (runtime/commit.h).
 * As podman: the copy progress goes to stderr (none with -q), the image id
 * to stdout.  */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "engine/container.h"
#include "image/image_change.h"
#include "registry/reference.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/json.h"

static int
image_format_parse (const char *name, enum image_writer_format *out, galley_error_t *err)
{
  if (strcmp (name, "oci") == 0)
    *out = IMAGE_WRITER_OCI;
  else if (strcmp (name, "docker") == 0)
    *out = IMAGE_WRITER_DOCKER;
  else
    return galley_error_make (err, 0, "unrecognized image type \"%s\"", name);
  return 0;
}

int
cli_cmd_commit (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  _cleanup_json_ json_object *changes = NULL;
  _cleanup_free_ char **change_args = NULL;
  _cleanup_free_ char *name = NULL, *id = NULL;
  struct commit_options o = { .format = IMAGE_WRITER_OCI, .progress = stderr };
  _cleanup_container_entry_ struct container_entry c = { 0 };
  const struct engine e = cli_engine (ctx);
  const char *arg, *iidfile = NULL, *names[2] = { NULL, NULL };
  size_t n_changes = 0;
  bool quiet = false;
  int opt;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  change_args = calloc ((size_t)argc + 1, sizeof *change_args);
  if (change_args == NULL)
    return galley_error_make (err, ENOMEM, "allocating");
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    switch (opt)
      {
      case OPT_commit_author:
        o.author = arg;
        break;
      case OPT_commit_change:
        change_args[n_changes++] = (char *)arg;
        break;
      case OPT_commit_format:
        if (image_format_parse (arg, &o.format, err) < 0)
          return -1;
        break;
      case OPT_commit_include_volumes:
        o.include_volumes = true;
        break;
      case OPT_commit_iidfile:
        iidfile = arg;
        break;
      case OPT_commit_message:
        o.message = arg;
        break;
      case OPT_commit_pause:
        if (cli_bool (&p, arg, &o.pause, err) < 0)
          return -1;
        break;
      case OPT_commit_quiet:
        quiet = true;
        break;
      case OPT_commit_squash:
        o.squash = true;
        break;
      }
  if (opt < 0 || cli_positionals (&p, 1, 2, err) < 0)
    return -1;
  /* Everything the user typed is checked before any work.  */
  if (image_changes_parse (change_args, n_changes, &changes, err) < 0)
    return -1;
  o.changes = changes;
  if (p.optind + 1 < argc)
    {
      if (image_ref_normalize_name (argv[p.optind + 1], &name, err) < 0)
        return -1;
      names[0] = name;
      o.names = names;
    }
  if (quiet)
    o.progress = NULL;
  if (engine_container_find (&e, argv[p.optind], &c, err) < 0
      || engine_container_commit (&e, &c, &o, &id, err) < 0)
    return -1;
  if (iidfile && fs_write_atomic (AT_FDCWD, iidfile, id, strlen (id), 0644, err) < 0)
    return -1;
  printf ("%s\n", id);
  return 0;
}
