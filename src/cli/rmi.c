/* galley rmi: remove images as podman does.  A name of an image with other
 * names is only untagged ("repo@digest" only its digested name, which a
 * pull by digest gives); an id (or the last name) removes the image and
 * the layers no other image uses.  All "Untagged:" lines come before the
 * "Deleted:" lines; errors are collected and reported at the end (exit 1
 * when every failure was an unknown image, 2 when one is used by a
 * container, as podman).  An image a container uses stays unless -f, which
 * removes those containers first.  `manifest rm` is rmi of manifest lists
 * only.  */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/image_users.h"
#include "image/image_info.h"
#include "image/store.h"
#include "state/container.h"
#include "util/cleanup.h"
#include "util/strv.h"

struct rmi_report
{
  char **untagged, **deleted, **errors; /* strv */
  bool in_use, other_error;
  struct image_users users;
};

static void
report_error (struct rmi_report *r, galley_error_t *err)
{
  if (galley_error_errno (err) == EBUSY)
    r->in_use = true;
  else if (galley_error_errno (err) != ENOENT)
    r->other_error = true;
  strv_append (&r->errors, (*err)->msg);
  galley_error_release (err);
}

/* Is the image free to go?  With force its containers go first.  */
static int
check_users (struct cli_context *ctx, const struct store_image *img, bool force, struct rmi_report *r,
             galley_error_t *err)
{
  const char *user;

  if (force)
    return image_users_remove (ctx, &r->users, img->id, err);
  if (image_users_first (ctx, &r->users, img->id, &user, err) < 0)
    return -1;
  if (user == NULL)
    return 0;
  return galley_error_kind (err, EBUSY,
                            "image used by %s: image is in use by a container: consider listing external "
                            "containers and force-removing image",
                            user);
}

struct rmi_options
{
  bool all, force, ignore;
  bool lists_only; /* manifest rm */
};

static int
remove_one (struct cli_context *ctx, struct store *s, const char *input, const struct rmi_options *o,
            struct rmi_report *r)
{
  _cleanup_error_ galley_error_t err = NULL;
  _cleanup_store_image_ struct store_image *img = NULL;
  _cleanup_free_ char *matched = NULL;
  _cleanup_close_ int names_lock = -1;
  bool all = o->all, force = o->force;
  size_t i;

  if (store_image_lookup (s, input, &img, &matched, &err) < 0)
    {
      if ((force || o->ignore) && galley_error_errno (&err) == ENOENT)
        return 0;
      report_error (r, &err);
      return -1;
    }
  if (o->lists_only && ! store_image_is_manifest_list (img))
    {
      galley_error_kind (&err, EINVAL, "%s: image is not a manifest list", matched ? matched : input);
      report_error (r, &err);
      return -1;
    }
  if (! all && matched && img->names[0] && img->names[1])
    {
      /* "repo@digest" removes a digested name, never a tag (podman).  */
      if (strchr (input, '@') != NULL && ! store_name_is_digested (matched))
        {
          _cleanup_free_ char *repo = NULL, *tag = NULL;
          image_split_name (matched, &repo, &tag);
          galley_error_make (&err, 0, "%s%s: tag not known", repo ? repo : "", strchr (input, '@'));
          report_error (r, &err);
          return -1;
        }
      if (store_image_untag (s, img->id, matched, &err) < 0)
        {
          report_error (r, &err);
          return -1;
        }
      strv_append (&r->untagged, matched);
      return 0;
    }
  if (! all && ! force && ! matched && img->names[0] && img->names[1])
    {
      size_t len = 3;
      _cleanup_free_ char *list = NULL;
      for (i = 0; img->names[i]; i++)
        len += strlen (img->names[i]) + 1;
      list = calloc (1, len);
      for (i = 0; list && img->names[i]; i++)
        {
          strcat (list, i ? " " : "[");
          strcat (list, img->names[i]);
        }
      if (list)
        strcat (list, "]");
      galley_error_make (
          &err, 0, "unable to delete image \"%s\" by ID with more than one tag (%s): please force removal",
          img->id, list ? list : "");
      report_error (r, &err);
      return -1;
    }
  /* No container is created on the image while its users are checked
   * (listed afresh under the lock) and it goes.  */
  names_lock = containers_lock (&ctx->paths, &err);
  image_users_clear (&r->users);
  if (names_lock < 0 || check_users (ctx, img, force, r, &err) < 0
      || store_image_remove (s, img->id, &err) < 0)
    {
      report_error (r, &err);
      return -1;
    }
  for (i = 0; img->names[i]; i++)
    strv_append (&r->untagged, img->names[i]);
  strv_append (&r->deleted, img->id);
  return 0;
}

/* Remove the images names[0 .. n) (every image with o->all) and report
 * as podman does.  */
static int
remove_images (struct cli_context *ctx, char **names, size_t n_names, const struct rmi_options *o,
               galley_error_t *err)
{
  _cleanup_store_ struct store *s = NULL;
  struct rmi_report r = { 0 };
  size_t i;
  int status, ret = 0;

  if (store_open (&ctx->paths, &s, err) < 0)
    return -1;
  if (o->all)
    {
      struct rmi_options every = *o;
      struct store_image **imgs = NULL;
      size_t n = 0;

      every.ignore = true;
      if (store_image_list (s, &imgs, &n, err) < 0)
        return -1;
      for (i = n; i-- > 0;)
        if (! imgs[i]->read_only) /* the site's: not the user's to remove */
          remove_one (ctx, s, imgs[i]->id, &every, &r);
      store_image_list_free (imgs, n);
    }
  else
    for (i = 0; i < n_names; i++)
      remove_one (ctx, s, names[i], o, &r);
  for (i = 0; r.untagged && r.untagged[i]; i++)
    printf ("Untagged: %s\n", r.untagged[i]);
  for (i = 0; r.deleted && r.deleted[i]; i++)
    printf ("Deleted: %s\n", r.deleted[i]);
  status = r.other_error ? GALLEY_EXIT_FAILURE : r.in_use ? 2 : 1;
  if (strv_len (r.errors) == 1)
    ret = galley_error_make_exit (err, status, 0, "%s", r.errors[0]);
  else if (strv_len (r.errors) > 1)
    {
      _cleanup_free_ char *list = strv_join (r.errors, "\n\t* ");
      ret =
          galley_error_make_exit (err, status, 0, "%zu errors occurred:\n\t* %s", strv_len (r.errors), list);
    }
  strv_free (r.untagged);
  strv_free (r.deleted);
  strv_free (r.errors);
  image_users_clear (&r.users);
  return ret;
}

int
cli_cmd_rmi (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  struct rmi_options o = { 0 };
  const char *arg;
  int opt;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    switch (opt)
      {
      case OPT_rmi_all:
        o.all = true;
        break;
      case OPT_rmi_force:
        o.force = true;
        break;
      case OPT_rmi_ignore:
        o.ignore = true;
        break;
      }
  if (opt < 0)
    return -1;
  if (o.all && p.optind < argc)
    return galley_error_make (err, 0,
                              "when using the --all switch, you may not pass any images names or IDs");
  if (! o.all && p.optind >= argc)
    return galley_error_make (err, 0, "image name or ID must be specified");
  return remove_images (ctx, argv + p.optind, (size_t)(argc - p.optind), &o, err);
}

int
cli_cmd_manifest_rm (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  struct rmi_options o = { .lists_only = true };
  const char *arg;
  int opt;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    ;
  if (opt < 0 || cli_positionals (&p, 1, -1, err) < 0)
    return -1;
  return remove_images (ctx, argv + p.optind, (size_t)(argc - p.optind), &o, err);
}
