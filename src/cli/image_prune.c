/* galley image prune: remove dangling images (-a: every image), never one
 * a container uses, asking first unless -f, printing each removed id.
 * --filter as podman's (image_prune_filter_syntax): until=, label=KEY[=VALUE],
 * dangling=BOOL, each negated by "!=" (several filters must all match).  */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/image_users.h"
#include "image/image_info.h"
#include "image/image_select.h"
#include "image/store.h"
#include "state/container.h"
#include "util/cleanup.h"
#include "util/filter.h"
#include "util/json.h"
#include "util/strv.h"
#include "util/time.h"

/* Every filter must hold.  */
static int
filters_match (struct store *s, const struct filter_set *f, const struct store_image *img, bool *out,
               galley_error_t *err)
{
  _cleanup_json_ json_object *config = NULL;
  size_t k, i;

  *out = false;
  for (k = 0; k < f->n; k++)
    for (i = 0; i < f->groups[k].n; i++)
      {
        const char *key = f->groups[k].key->name, *v = f->groups[k].values[i].text;
        bool hit;
        int64_t until;

        if (strcmp (key, "until") == 0)
          {
            if (time_parse_when (v, &until, err) < 0)
              return -1;
            hit = img->created != NULL && time_parse_rfc3339 (img->created) < until;
          }
        else if (strcmp (key, "dangling") == 0)
          {
            bool want = false;
            filter_parse_bool (v, &want);
            hit = want == (img->names[0] == NULL);
          }
        else
          {
            if (config == NULL && store_image_config (s, img, &config, err) < 0)
              return -1;
            hit = image_config_label_matches (config, v);
          }
        if (hit == f->groups[k].values[i].negated)
          return 0;
      }
  *out = true;
  return 0;
}

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
  struct image_users users = { 0 };
  _cleanup_strv_ char **filter_items = NULL;
  _cleanup_filter_set_ struct filter_set *filters = NULL;
  _cleanup_close_ int names_lock = -1;
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
        strv_append (&filter_items, arg);
        break;
      }
  if (opt < 0 || cli_positionals (&p, 0, 0, err) < 0
      || filter_set_parse (&image_prune_filter_syntax, filter_items, &filters, err) < 0)
    return -1;
  if (! force && ! confirm (all))
    return 0;
  if (store_open (&ctx->paths, &s, err) < 0 || store_image_list (s, &imgs, &n, err) < 0)
    return -1;
  /* No container is created on an image while its users are checked and
   * it goes.  */
  names_lock = containers_lock (&ctx->paths, err);
  if (names_lock < 0)
    {
      store_image_list_free (imgs, n);
      return -1;
    }
  /* Newest first, so that an image goes before the ones it was built on.  */
  for (i = n; i-- > 0;)
    {
      const char *user = NULL;
      bool match;

      if (imgs[i]->read_only || (! all && imgs[i]->names[0] != NULL))
        continue;
      if (filters_match (s, filters, imgs[i], &match, err) < 0
          || (match && image_users_first (ctx, &users, imgs[i]->id, &user, err) < 0))
        {
          ret = -1;
          break;
        }
      if (! match || user != NULL)
        continue;
      if (store_image_remove (s, imgs[i]->id, err) < 0)
        {
          ret = -1;
          break;
        }
      printf ("%s\n", imgs[i]->id);
    }
  store_image_list_free (imgs, n);
  image_users_clear (&users);
  return ret;
}
