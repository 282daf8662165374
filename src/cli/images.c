/* galley images: list stored images as podman does (one row per name,
 * newest first; filters select images, not rows).  Reads the store without
 * its lock.  */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "engine/image.h"
#include "image/image_info.h"
#include "image/image_select.h"
#include "image/store.h"
#include "util/cleanup.h"
#include "util/format.h"
#include "util/json.h"
#include "util/strv.h"

struct images_options
{
  bool all, digests, no_trunc, noheading, quiet;
  bool want_config; /* labels are filtered or shown */
  const char *format;
  const char *reference; /* positional */
  const struct filter_set *filters;
};

/* Add field key of record r unless the template out does not show it
 * (out NULL: JSON, every field); for json_record and template_row.  */
#define ADD(key, value)                               \
  do                                                  \
    if (out == NULL || format_stream_uses (out, key)) \
      json_object_object_add (r, key, (value));       \
  while (0)

/* podman's `images --format json` object (one per name, as podman).  */
static json_object *
json_record (const struct image_entry *e, struct format_stream *out)
{
  json_object *r = json_object_new_object ();
  size_t i;

  ADD ("Id", json_object_new_string (e->img->id));
  ADD ("ParentId", json_object_new_string (""));
  ADD ("RepoTags", NULL);
  ADD ("RepoDigests", image_repo_digests (e->img));
  ADD ("Size", json_object_new_int64 ((int64_t)e->img->size));
  ADD ("SharedSize", json_object_new_int (0));
  ADD ("VirtualSize", json_object_new_int64 ((int64_t)e->img->size));
  ADD ("Labels", image_config_labels (e->config));
  ADD ("Containers", json_object_new_int (0));
  if (e->img->names[0] && (out == NULL || format_stream_uses (out, "Names")))
    {
      json_object *names = json_object_new_array ();
      for (i = 0; e->img->names[i]; i++)
        json_object_array_add (names, json_object_new_string (e->img->names[i]));
      json_object_object_add (r, "Names", names);
    }
  ADD ("Digest", json_object_new_string (e->img->manifest_digest ? e->img->manifest_digest : ""));
  if (e->img->names_history[0] && out == NULL)
    {
      json_object *h = json_object_new_array ();
      for (i = 0; e->img->names_history[i]; i++)
        json_object_array_add (h, json_object_new_string (e->img->names_history[i]));
      json_object_object_add (r, "History", h);
    }
  if (out == NULL)
    {
      char buf[64];
      struct tm tm;
      json_object_object_add (r, "Created", json_object_new_int64 ((int64_t)e->created));
      gmtime_r (&e->created, &tm);
      strftime (buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
      json_object_object_add (r, "CreatedAt", json_object_new_string (buf));
    }
  return r;
}

/* The fields templates see (podman's imageReporter).  */
static json_object *
template_row (const struct images_options *o, const struct image_entry *e, const char *name,
              struct format_stream *out)
{
  json_object *r = json_record (e, out);
  _cleanup_free_ char *repo = NULL, *tag = NULL, *id = NULL;
  char buf[96];

  image_split_name (name, &repo, &tag);
  if (o->no_trunc)
    {
      if (asprintf (&id, "sha256:%s", e->img->id) < 0)
        id = NULL;
    }
  else
    id = strndup (e->img->id, 12);
  ADD ("ID", json_object_new_string (id ? id : ""));
  ADD ("Repository", json_object_new_string (repo ? repo : "<none>"));
  ADD ("Tag", json_object_new_string (tag ? tag : "<none>"));
  image_human_since (e->created, buf, sizeof buf);
  ADD ("Created", json_object_new_string (buf));
  ADD ("CreatedSince", json_object_new_string (buf));
  if (format_stream_uses (out, "CreatedAt"))
    {
      image_format_go_time (e->created, buf, sizeof buf);
      json_object_object_add (r, "CreatedAt", json_object_new_string (buf));
    }
  if (format_stream_uses (out, "Size"))
    {
      image_human_size (e->img->size, buf, sizeof buf);
      json_object_object_add (r, "Size", json_object_new_string (buf));
    }
  ADD ("Dangling", json_object_new_boolean (e->img->names[0] == NULL));
  ADD ("ReadOnly", json_object_new_boolean (e->img->read_only));
  if (e->img->names[0] == NULL)
    ADD ("Names", json_object_new_array ());
  if (format_stream_uses (out, "History"))
    {
      /* podman's History field is the names history joined.  */
      _cleanup_free_ char *joined = strv_join (e->img->names_history, ", ");
      json_object_object_add (r, "History", json_object_new_string (joined ? joined : ""));
    }
  return r;
#undef ADD
}

static const struct format_header images_headers[] = {
  { "Repository", "REPOSITORY" },
  { "Tag", "TAG" },
  { "ID", "IMAGE ID" },
  { "Id", "IMAGE ID" },
  { "Digest", "DIGEST" },
  { "Created", "CREATED" },
  { "CreatedAt", "CREATED AT" },
  { "CreatedSince", "CREATED" },
  { "Size", "SIZE" },
  { "VirtualSize", "VIRTUAL SIZE" },
  { "SharedSize", "SHARED SIZE" },
  { "ReadOnly", "R/O" },
  { NULL, NULL },
};

/* The next name img is listed under, as podman lists images: each tagged
 * name; an image without one once, under its first digested name or,
 * unnamed, as <none> (*name NULL).  *j walks the names from 0; false after
 * the last.  */
static bool
next_listed_name (const struct store_image *img, size_t *j, const char **name)
{
  if (! image_has_tag (img))
    {
      *name = img->names[0];
      return (*j)++ == 0;
    }
  while (img->names[*j] != NULL && store_name_is_digested (img->names[*j]))
    (*j)++;
  *name = img->names[*j];
  if (*name == NULL)
    return false;
  (*j)++;
  return true;
}

static int
print_entries (const struct images_options *o, struct image_entry *e, size_t n, galley_error_t *err)
{
  _cleanup_json_ json_object *rows = json_object_new_array ();
  _cleanup_json_ json_object *hdr = format_headers (images_headers);
  struct format_stream *out;
  const char *def = o->digests
                        ? "table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.Created}}\t{{.Size}}"
                        : "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.Created}}\t{{.Size}}";
  const char *name;
  size_t i, j;

  if (o->quiet && o->format == NULL)
    {
      for (i = 0; i < n; i++)
        printf (o->no_trunc ? "sha256:%s\n" : "%.12s\n", e[i].img->id);
      return 0;
    }
  if (o->format && strcmp (o->format, "json") == 0)
    {
      for (i = 0; i < n; i++)
        for (j = 0; next_listed_name (e[i].img, &j, &name);)
          json_object_array_add (rows, json_record (&e[i], NULL));
      return format_print (stdout, "json", NULL, rows, NULL, false, err);
    }
  out = format_stream_new (stdout, o->format, def, hdr, o->noheading, err);
  if (out == NULL)
    return -1;
  /* rendered and freed one by one: a long listing never holds all its rows */
  for (i = 0; i < n; i++)
    for (j = 0; next_listed_name (e[i].img, &j, &name);)
      {
        json_object *row = template_row (o, &e[i], name, out);
        if (format_stream_add (out, row, err) < 0)
          {
            json_object_put (row);
            format_stream_abort (out);
            return -1;
          }
        json_object_put (row);
      }
  return format_stream_finish (out, err);
}

/* As podman's: an unnamed image that another image was built on (its
 * layers a prefix of the other's; for the same layers, the later one is the
 * child) is an intermediate image of a build, listed only with -a.  */
static int
list_images (struct cli_context *ctx, const struct images_options *o, galley_error_t *err)
{
  const struct engine eng = cli_engine (ctx);
  struct image_select sel = {
    .all = o->all, .want_config = o->want_config, .reference = o->reference, .filters = o->filters
  };
  struct image_entry *e = NULL;
  size_t n = 0;
  int ret;

  if (engine_image_list (&eng, &sel, &e, &n, err) < 0)
    return -1;
  ret = print_entries (o, e, n, err);
  image_entries_free (e, n);
  return ret;
}

int
cli_cmd_images (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  struct images_options o = { 0 };
  _cleanup_strv_ char **filters = NULL;
  _cleanup_filter_set_ struct filter_set *f = NULL;
  const char *arg;
  int opt;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    switch (opt)
      {
      case OPT_images_all:
        o.all = true;
        break;
      case OPT_images_digests:
        o.digests = true;
        break;
      case OPT_images_filter:
        strv_append (&filters, arg);
        break;
      case OPT_images_format:
        o.format = arg;
        break;
      case OPT_images_no_trunc:
        o.no_trunc = true;
        break;
      case OPT_images_noheading:
        o.noheading = true;
        break;
      case OPT_images_quiet:
        o.quiet = true;
        break;
      case OPT_images_sort:
        if (strcmp (arg, "created") != 0)
          return galley_error_make (err, 0, "unsupported sort \"%s\": only \"created\" is supported", arg);
        break;
      }
  if (opt < 0 || cli_positionals (&p, 0, 1, err) < 0
      || filter_set_parse (&image_filter_syntax, filters, &f, err) < 0)
    return -1;
  if (p.optind < argc)
    o.reference = argv[p.optind];
  o.filters = f;
  o.want_config = (o.format != NULL && (format_is_json (o.format) || strstr (o.format, "Labels") != NULL))
                  || filter_set_group (f, "label") != NULL;
  return list_images (ctx, &o, err);
}
