/* galley image prune: remove dangling images (-a: every image), never one
 * a container uses, asking first unless -f, printing each removed id.
 * --filter as podman's: until=, label=KEY[=VALUE], label!=KEY[=VALUE],
 * dangling=true|false (several filters must all match).  */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/image_users.h"
#include "image/image_info.h"
#include "image/store.h"
#include "state/container.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/time.h"

struct prune_filters
{
  const char **items;
  size_t n;
};

/* Check the filters' syntax before anything is removed.  */
static int
filters_check (const struct prune_filters *f, galley_error_t *err)
{
  size_t i;
  int64_t t;

  for (i = 0; i < f->n; i++)
    {
      const char *item = f->items[i];

      if (strncmp (item, "until=", 6) == 0)
        {
          if (time_parse_when (item + 6, &t, err) < 0)
            return galley_error_wrap (err, "invalid filter \"%s\"", item);
        }
      else if (strcmp (item, "dangling=true") != 0 && strcmp (item, "dangling=false") != 0
               && strncmp (item, "label=", 6) != 0 && strncmp (item, "label!=", 7) != 0)
        return galley_error_make (
            err, EINVAL, "invalid filter \"%s\": supported are until, label, label! and dangling", item);
    }
  return 0;
}

static int
filters_match (struct store *s, const struct prune_filters *f, const struct store_image *img, bool *out,
               galley_error_t *err)
{
  _cleanup_json_ json_object *config = NULL;
  size_t i;

  *out = false;
  for (i = 0; i < f->n; i++)
    {
      const char *item = f->items[i];
      int64_t until;

      if (strncmp (item, "until=", 6) == 0)
        {
          if (time_parse_when (item + 6, &until, err) < 0)
            return -1;
          if (img->created == NULL || time_parse_rfc3339 (img->created) >= until)
            return 0;
        }
      else if (strncmp (item, "dangling=", 9) == 0)
        {
          if ((strcmp (item + 9, "true") == 0) != (img->names[0] == NULL))
            return 0;
        }
      else
        {
          bool negate = item[5] == '!';
          if (config == NULL && store_image_config (s, img, &config, err) < 0)
            return -1;
          if (image_config_label_matches (config, item + (negate ? 7 : 6)) == negate)
            return 0;
        }
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
  struct prune_filters filters = { 0 };
  _cleanup_free_ const char **filter_items = NULL;
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
        {
          const char **grown = realloc (filter_items, (filters.n + 1) * sizeof *grown);
          if (grown == NULL)
            return galley_error_make (err, ENOMEM, "allocating");
          filter_items = grown;
          filter_items[filters.n++] = arg;
          filters.items = filter_items;
        }
        break;
      }
  if (opt < 0 || cli_positionals (&p, 0, 0, err) < 0 || filters_check (&filters, err) < 0)
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
      if (filters_match (s, &filters, imgs[i], &match, err) < 0
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
