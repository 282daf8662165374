/* galley image prune: remove dangling images (-a: every image no container
 * uses), asking first unless -f, printing each removed id.  */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "image/store.h"
#include "util/cleanup.h"

static bool
confirm (bool all)
{
  char line[16] = "";

  printf ("WARNING! This command removes all %s.\nAre you sure you want to continue? [y/N] ",
          all ? "images without at least one container associated with them" : "dangling images");
  fflush (stdout);
  if (fgets (line, sizeof line, stdin) == NULL)
    return false;
  return line[0] == 'y' || line[0] == 'Y';
}

int
cli_cmd_image_prune (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  _cleanup_store_ struct store *s = NULL;
  struct store_image **imgs = NULL;
  bool all = false, force = false;
  const char *arg;
  size_t n = 0, i;
  int opt, ret = 0;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    switch (opt)
      {
      case OPT_image_prune_all:
        all = true;
        break;
      case OPT_image_prune_force:
        force = true;
        break;
      case OPT_image_prune_filter:
        return galley_error_make (err, 0, "image prune --filter is not supported yet");
      }
  if (opt < 0 || cli_positionals (&p, 0, 0, err) < 0)
    return -1;
  if (! force && ! confirm (all))
    return 0;
  if (store_open (&ctx->paths, &s, err) < 0 || store_image_list (s, &imgs, &n, err) < 0)
    return -1;
  /* Newest first, so that an image goes before the ones it was built on.  */
  for (i = n; i-- > 0;)
    {
      if (! all && imgs[i]->names[0] != NULL)
        continue;
      if (store_image_remove (s, imgs[i]->id, err) < 0)
        {
          ret = -1;
          break;
        }
      printf ("%s\n", imgs[i]->id);
    }
  store_image_list_free (imgs, n);
  return ret;
}
