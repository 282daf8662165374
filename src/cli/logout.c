/* galley logout: forget the credentials of a registry (or of all) in
 * auth.json, as podman logout.  */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "registry/authfile.h"
#include "registry/reference.h"
#include "util/cleanup.h"
#include "util/xmalloc.h"

int
cli_cmd_logout (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  _cleanup_free_ char *path = NULL, *key = NULL, *host = NULL;
  _cleanup_auth_credentials_ struct auth_credentials elsewhere = { 0 };
  const char *authfile = NULL, *arg;
  bool all = false;
  int opt, r;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    switch (opt)
      {
      case OPT_logout_all:
        all = true;
        break;
      case OPT_logout_authfile:
        authfile = arg;
        break;
      }
  if (opt < 0 || cli_positionals (&p, 0, 1, err) < 0)
    return -1;
  path = authfile_write_path (&ctx->paths, authfile);
  if (all)
    {
      if (p.optind < argc)
        return galley_error_make (err, 0, "--all takes no arguments");
      if (authfile_remove_all (path, err) < 0)
        return -1;
      printf ("Removed login credentials for all registries\n");
      return 0;
    }
  if (p.optind >= argc)
    return galley_error_make (err, 0, "please provide a registry to log out of");
  key = authfile_normalize_key (argv[p.optind]);
  host = xstrndup (key, strcspn (key, "/"));
  if (*host == '\0' || ! image_ref_domain_is_valid (host))
    return galley_error_make (err, 0, "invalid registry \"%s\"", argv[p.optind]);
  r = authfile_remove (path, key, err);
  if (r < 0)
    return -1;
  if (r == 0)
    {
      /* podman says where else the credentials came from.  */
      if (authfile == NULL && authfile_lookup (&ctx->paths, NULL, host, NULL, &elsewhere, err) > 0)
        return galley_error_make (err, 0,
                                  "not logged into %s with galley: the credentials come from another file "
                                  "(~/.config/containers/auth.json or ~/.docker/config.json)",
                                  key);
      galley_error_release (err);
      return galley_error_make (err, 0, "not logged into %s", key);
    }
  printf ("Removed login credentials for %s\n", key);
  return 0;
}
