/* galley manifest create/add/inspect/annotate/remove/push: podman's
 * commands over the manifest lists of image/manifest_list.h (`manifest
 * rm` is rmi's, in rmi.c).  */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "image/manifest_list.h"
#include "util/cleanup.h"
#include "util/format.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/strv.h"

/* What add and annotate share: --annotation, --arch, --features, --os,
 * --os-features, --os-version, --variant (their vectors owned here).  */
struct instance_flags
{
  struct manifest_instance_options o;
  char **annotations, **features, **os_features;
};

static void
instance_flags_clear (struct instance_flags *f)
{
  cleanup_strvp (&f->annotations);
  cleanup_strvp (&f->features);
  cleanup_strvp (&f->os_features);
}

/* podman's --features and --os-features: comma-separated.  */
static int
append_split (char ***v, const char *arg, galley_error_t *err)
{
  _cleanup_strv_ char **parts = strv_split (arg, ',');

  for (size_t i = 0; parts && parts[i]; i++)
    strv_append (v, parts[i]);
  return 0;
}

static void
instance_flags_finish (struct instance_flags *f)
{
  f->o.annotations = (const char *const *)f->annotations;
  f->o.features = (const char *const *)f->features;
  f->o.os_features = (const char *const *)f->os_features;
}

/* One of the options add and annotate share, by its long name: 1 when it
 * was one, 0 when not.  */
static int
instance_flag (struct instance_flags *f, const char *name, const char *arg, galley_error_t *err)
{
  if (strcmp (name, "annotation") == 0)
    {
      strv_append (&f->annotations, arg);
      return 1;
    }
  if (strcmp (name, "features") == 0 || strcmp (name, "os-features") == 0)
    return append_split (name[0] == 'f' ? &f->features : &f->os_features, arg, err) < 0 ? -1 : 1;
  if (strcmp (name, "arch") == 0)
    f->o.arch = arg;
  else if (strcmp (name, "os") == 0)
    f->o.os = arg;
  else if (strcmp (name, "os-version") == 0)
    f->o.os_version = arg;
  else if (strcmp (name, "variant") == 0)
    f->o.variant = arg;
  else
    return 0;
  return 1;
}

int
cli_cmd_manifest_create (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  _cleanup_free_ char *id = NULL;
  struct manifest_add_options add = { .registry = { .tls_verify = -1 } };
  bool amend = false, b;
  const char *arg;
  int opt;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    switch (opt)
      {
      case OPT_manifest_create_all:
        add.all = true;
        break;
      case OPT_manifest_create_amend:
        amend = true;
        break;
      case OPT_manifest_create_tls_verify:
        if (cli_bool (&p, arg, &b, err) < 0)
          return -1;
        add.registry.tls_verify = b;
        break;
      }
  if (opt < 0 || cli_positionals (&p, 1, -1, err) < 0)
    return -1;
  if (manifest_list_create (&ctx->paths, argv[p.optind], amend, &id, err) < 0)
    return -1;
  for (int i = p.optind + 1; i < argc; i++)
    if (manifest_list_add (&ctx->paths, id, argv[i], &add, NULL, err) < 0)
      return -1;
  printf ("%s\n", id);
  return 0;
}

int
cli_cmd_manifest_add (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  _cleanup_free_ char *id = NULL;
  struct instance_flags f = { 0 };
  struct manifest_add_options add = { .registry = { .tls_verify = -1 } };
  const char *arg;
  bool b;
  int opt, r, ret = -1;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    {
      if ((r = instance_flag (&f, cli_option_by_id (ctx->cmd, opt)->name, arg, err)) < 0)
        goto out;
      if (r > 0)
        continue;
      if (opt == OPT_manifest_add_all)
        add.all = true;
      else if (opt == OPT_manifest_add_authfile)
        add.registry.authfile = arg;
      else if (opt == OPT_manifest_add_cert_dir)
        add.registry.cert_dir = arg;
      else if (opt == OPT_manifest_add_creds)
        add.registry.creds = arg;
      else if (opt == OPT_manifest_add_tls_verify)
        {
          if (cli_bool (&p, arg, &b, err) < 0)
            goto out;
          add.registry.tls_verify = b;
        }
    }
  if (opt < 0 || cli_positionals (&p, 2, -1, err) < 0)
    goto out;
  instance_flags_finish (&f);
  add.set = f.o;
  for (int i = p.optind + 1; i < argc; i++)
    {
      free (id);
      id = NULL;
      if (manifest_list_add (&ctx->paths, argv[p.optind], argv[i], &add, &id, err) < 0)
        goto out;
    }
  printf ("%s\n", id);
  ret = 0;
out:
  instance_flags_clear (&f);
  return ret;
}

int
cli_cmd_manifest_inspect (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  _cleanup_json_ json_object *doc = NULL;
  struct manifest_registry_options ro = { .tls_verify = -1 };
  const char *arg;
  int opt;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    ;
  if (opt < 0 || cli_positionals (&p, 1, 1, err) < 0
      || manifest_list_inspect (&ctx->paths, argv[p.optind], &ro, &doc, err) < 0)
    return -1;
  format_print_json (stdout, doc, 4);
  return 0;
}

int
cli_cmd_manifest_annotate (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  _cleanup_free_ char *id = NULL;
  struct instance_flags f = { 0 };
  const char *arg;
  int opt, ret = -1;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    if (instance_flag (&f, cli_option_by_id (ctx->cmd, opt)->name, arg, err) < 0)
      goto out;
  if (opt < 0 || cli_positionals (&p, 2, 2, err) < 0)
    goto out;
  instance_flags_finish (&f);
  if (manifest_list_annotate (&ctx->paths, argv[p.optind], argv[p.optind + 1], &f.o, &id, err) < 0)
    goto out;
  printf ("%s\n", id);
  ret = 0;
out:
  instance_flags_clear (&f);
  return ret;
}

int
cli_cmd_manifest_remove (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  _cleanup_free_ char *id = NULL;
  const char *arg;
  int opt;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    ;
  if (opt < 0 || cli_positionals (&p, 2, 2, err) < 0
      || manifest_list_remove (&ctx->paths, argv[p.optind], argv[p.optind + 1], &id, err) < 0)
    return -1;
  printf ("%s\n", id);
  return 0;
}

int
cli_cmd_manifest_push (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  _cleanup_free_ char *digest = NULL;
  struct manifest_push_options o = { .all = true,
                                     .format = PUSH_FORMAT_OCI,
                                     .push = { .tls_verify = -1, .compression = LAYER_GZIP } };
  const char *digestfile = NULL, *arg;
  bool quiet = false, rm = false, b;
  int opt;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    switch (opt)
      {
      case OPT_manifest_push_all:
        if (cli_bool (&p, arg, &b, err) < 0)
          return -1;
        o.all = b;
        break;
      case OPT_manifest_push_authfile:
        o.push.authfile = arg;
        break;
      case OPT_manifest_push_cert_dir:
        o.push.cert_dir = arg;
        break;
      case OPT_manifest_push_compression_format:
        if (push_compression_parse (arg, &o.push.compression) < 0)
          return galley_error_make (err, 0, "unsupported compression format \"%s\" (gzip, zstd)", arg);
        break;
      case OPT_manifest_push_creds:
        o.push.creds = arg;
        break;
      case OPT_manifest_push_digestfile:
        digestfile = arg;
        break;
      case OPT_manifest_push_format:
        if (push_format_parse (arg, &o.format) < 0)
          return galley_error_make (err, 0, "unsupported manifest type \"%s\" (oci, v2s2)", arg);
        o.push.format = o.format;
        break;
      case OPT_manifest_push_quiet:
        quiet = true;
        break;
      case OPT_manifest_push_rm:
        rm = true;
        break;
      case OPT_manifest_push_sign_by:
      case OPT_manifest_push_sign_by_sigstore_private_key:
        return galley_error_make (err, 0, "signing images is not supported");
      case OPT_manifest_push_tls_verify:
        if (cli_bool (&p, arg, &b, err) < 0)
          return -1;
        o.push.tls_verify = b;
        break;
      default:
        /* --remove-signatures (galley copies none), --sign-passphrase-file */
        break;
      }
  if (opt < 0 || cli_positionals (&p, 2, 2, err) < 0)
    return -1;
  if (! quiet)
    {
      o.push.progress = stderr;
      o.push.progress_tty = false;
    }
  if (manifest_list_push (&ctx->paths, argv[p.optind], argv[p.optind + 1], &o, &digest, err) < 0)
    return -1;
  if (digestfile != NULL && fs_write_atomic (AT_FDCWD, digestfile, digest, strlen (digest), 0644, err) < 0)
    return galley_error_wrap (err, "writing the digest file");
  return rm ? manifest_list_delete (&ctx->paths, argv[p.optind], err) : 0;
}

CLI_GROUP_HANDLER (manifest)
