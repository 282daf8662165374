/* galley inspect: podman's type-agnostic inspect.  Each name is looked up
 * by the kinds --type allows (containers first, as podman), and the
 * records of whatever was found are printed together.  */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "image/image_info.h"
#include "image/manifest_list.h"
#include "image/store.h"
#include "engine/container.h"
#include "util/cleanup.h"
#include "util/format.h"
#include "util/json.h"

enum inspect_type
{
  INSPECT_ALL,
  INSPECT_IMAGE,
  INSPECT_CONTAINER,
};

struct inspect_state
{
  struct cli_context *ctx;
  struct store *store; /* opened on first use */
};

/* 1 and *rec when name is an image, 0 when it is not.  */
static int
inspect_image (struct inspect_state *st, const char *name, json_object **rec, galley_error_t *err)
{
  _cleanup_store_image_ struct store_image *img = NULL;

  if (st->store == NULL && store_open (&st->ctx->paths, &st->store, err) < 0)
    return -1;
  if (store_image_find (st->store, name, &img, err) < 0)
    {
      if (galley_error_errno (err) != ENOENT)
        return -1;
      galley_error_release (err);
      return 0;
    }
  /* a manifest list stands for its image for this platform, as podman's */
  if (manifest_list_resolve_image (st->store, &img, err) < 0
      || image_inspect_record (st->store, img, rec, err) < 0)
    return -1;
  return 1;
}

/* 1 and *rec when name is a container, 0 when it is not.  */
static int
inspect_container (struct inspect_state *st, const char *name, json_object **rec, galley_error_t *err)
{
  _cleanup_container_entry_ struct container_entry c = { 0 };
  const struct engine e = cli_engine (st->ctx);

  if (engine_container_find (&e, name, &c, err) < 0)
    {
      if (galley_error_errno (err) != ENOENT)
        return -1;
      galley_error_release (err);
      return 0;
    }
  return engine_container_inspect (&e, &c, rec, err) < 0 ? -1 : 1;
}

/* 1 and *rec when name is something --type allows, 0 when it is not.  */
static int
inspect_one (struct inspect_state *st, enum inspect_type type, const char *name, json_object **rec,
             galley_error_t *err)
{
  int r;

  if (type != INSPECT_IMAGE && (r = inspect_container (st, name, rec, err)) != 0)
    return r;
  if (type != INSPECT_CONTAINER && (r = inspect_image (st, name, rec, err)) != 0)
    return r;
  return 0;
}

/* podman's words for a name that is none of the kinds looked at.  */
static int
not_found (enum inspect_type type, const char *name, galley_error_t *err)
{
  switch (type)
    {
    case INSPECT_IMAGE:
      return galley_error_make (err, 0, "%s: image not known", name);
    case INSPECT_CONTAINER:
      return galley_error_make (err, 0, "no such container %s", name);
    case INSPECT_ALL:
    default:
      return galley_error_make (err, 0, "no such object: \"%s\"", name);
    }
}

int
cli_cmd_inspect (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  _cleanup_json_ json_object *records = json_object_new_array ();
  _cleanup_error_ galley_error_t missing = NULL;
  struct inspect_state st = { .ctx = ctx };
  enum inspect_type type = INSPECT_ALL;
  const char *format = NULL, *arg;
  int opt, i, ret = -1;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    switch (opt)
      {
      case OPT_inspect_format:
        format = arg;
        break;
      case OPT_inspect_type:
        if (strcmp (arg, "all") == 0)
          type = INSPECT_ALL;
        else if (strcmp (arg, "image") == 0)
          type = INSPECT_IMAGE;
        else if (strcmp (arg, "container") == 0)
          type = INSPECT_CONTAINER;
        else
          return galley_error_make (err, 0,
                                    "invalid type \"%s\": must be \"image\", \"container\", or \"all\"", arg);
        break;
      case OPT_inspect_size:
        break; /* images always carry their size; containers will use it */
      }
  if (opt < 0 || cli_positionals (&p, 1, -1, err) < 0)
    return -1;
  for (i = p.optind; i < argc; i++)
    {
      json_object *rec = NULL;
      int found = inspect_one (&st, type, argv[i], &rec, err);

      if (found < 0)
        goto out;
      if (found > 0)
        json_object_array_add (records, rec);
      else if (missing == NULL)
        not_found (type, argv[i],
                   &missing); /* podman prints what it found, then fails on the first unknown */
    }
  if (format_print (stdout, format ? format : "json", NULL, records, NULL,
                    format != NULL && strcmp (format, "json") != 0, err)
      < 0)
    goto out;
  ret = 0;
  if (missing)
    {
      *err = steal_pointer (&missing);
      ret = galley_error_wrap (err, "inspecting object");
    }
out:
  if (st.store)
    store_close (st.store);
  return ret;
}
