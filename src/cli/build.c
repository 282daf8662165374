/* galley build (and image build): podman's options, the step output on
 * stdout and the image id last (only the id with -q); the work is
 * build/executor.h's.  */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "build/executor.h"
#include "cli/cli.h"
#include "util/cleanup.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/xmalloc.h"

/* podman's --pull takes an optional value: a bare --pull means "true".  */
static char **
argv_with_pull_value (int argc, char **argv)
{
  char **v = xcalloc ((size_t)argc + 1, sizeof *v);
  int i;
  bool done = false;

  for (i = 0; i < argc; i++)
    {
      if (! done && strcmp (argv[i], "--") == 0)
        done = true;
      v[i] = ! done && strcmp (argv[i], "--pull") == 0 ? (char *)"--pull=true" : argv[i];
    }
  return v;
}

static int
pull_policy (const char *arg, const char **out, galley_error_t *err)
{
  if (strcasecmp (arg, "always") == 0)
    *out = "always";
  else if (strcasecmp (arg, "missing") == 0 || strcasecmp (arg, "false") == 0)
    *out = "missing";
  else if (strcasecmp (arg, "never") == 0)
    *out = "never";
  else if (strcasecmp (arg, "newer") == 0 || strcasecmp (arg, "true") == 0)
    *out = "newer";
  else
    return galley_error_make (err, EINVAL, "invalid pull policy \"%s\" (always, missing, never, newer)", arg);
  return 0;
}

static int
parse_build_options (struct cli_context *ctx, int argc, char **argv, struct build_options *o,
                     int *first_positional, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  const char *arg;
  bool b;
  int opt;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    switch (opt)
      {
      case OPT_build_authfile:
        o->pull_opts.authfile = arg;
        break;
      case OPT_build_build_arg:
        strv_append (&o->build_args, arg);
        break;
      case OPT_build_cert_dir:
        o->pull_opts.cert_dir = arg;
        break;
      case OPT_build_compression_format:
        if (strcmp (arg, "gzip") != 0 && strcmp (arg, "zstd") != 0 && strcmp (arg, "zstd:chunked") != 0)
          return galley_error_make (err, EINVAL, "invalid compression format \"%s\" (gzip, zstd)", arg);
        break;
      case OPT_build_creds:
        o->pull_opts.creds = arg;
        break;
      case OPT_build_file:
        o->containerfile = arg;
        break;
      case OPT_build_format:
        if (strcmp (arg, "oci") != 0 && strcmp (arg, "docker") != 0)
          return galley_error_make (err, EINVAL, "unrecognized image type \"%s\" (oci, docker)", arg);
        o->format = arg;
        break;
      case OPT_build_label:
        strv_append (&o->labels, arg);
        break;
      case OPT_build_layers:
        if (cli_bool (&p, arg, &b, err) < 0)
          return -1;
        o->layers = b;
        break;
      case OPT_build_manifest:
        o->manifest = arg;
        break;
      case OPT_build_network:
        o->network = arg;
        break;
      case OPT_build_unmapped_ids:
        if (cli_unmapped_ids (arg, err) < 0)
          return -1;
        o->unmapped_ids = arg;
        break;
      case OPT_build_no_cache:
        o->no_cache = true;
        break;
      case OPT_build_platform:
        o->pull_opts.platform = arg;
        break;
      case OPT_build_pull:
        if (pull_policy (arg, &o->pull, err) < 0)
          return -1;
        break;
      case OPT_build_quiet:
        o->quiet = true;
        break;
      case OPT_build_secret:
        strv_append (&o->secrets, arg);
        break;
      case OPT_build_squash:
        o->squash = true;
        break;
      case OPT_build_tag:
        strv_append (&o->tags, arg);
        break;
      case OPT_build_target:
        o->target = arg;
        break;
      case OPT_build_tls_verify:
        if (cli_bool (&p, arg, &b, err) < 0)
          return -1;
        o->pull_opts.tls_verify = b;
        break;
      case OPT_build_rm:
      case OPT_build_force_rm:
        /* Build containers never outlive their step.  */
        break;
      }
  if (opt < 0 || cli_positionals (&p, 0, 1, err) < 0)
    return -1;
  *first_positional = p.optind;
  return 0;
}

int
cli_cmd_build (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  struct build_options o = { .layers = true, .out = stdout, .pull_opts = { .tls_verify = -1 } };
  _cleanup_free_ char **words = argv_with_pull_value (argc, argv);
  _cleanup_free_ char *id = NULL;
  int first = argc, ret = -1;

  if (parse_build_options (ctx, argc, words, &o, &first, err) < 0)
    goto out;
  if (first < argc)
    o.context_dir = words[first];
  o.pull_opts.progress = o.quiet ? NULL : stderr;
  if (build_image (&ctx->paths, &o, &id, err) < 0)
    goto out;
  printf ("%s\n", id);
  ret = 0;
out:
  strv_free (o.tags);
  strv_free (o.build_args);
  strv_free (o.labels);
  strv_free (o.secrets);
  return ret;
}
