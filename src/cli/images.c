/* galley images: list stored images as podman does (one row per name,
 * newest first; filters select images, not rows).  Reads the store without
 * its lock.  */
#include "config.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "image/image_info.h"
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
  char **filters;        /* key=value */
  size_t n_filters;
};

struct image_entry
{
  struct store_image *img;
  json_object *config;
  time_t created;
};

static bool
reference_matches (const struct store_image *img, const char *pattern)
{
  size_t i;

  for (i = 0; img->names[i]; i++)
    {
      _cleanup_free_ char *repo = NULL, *tag = NULL;
      const char *name = img->names[i], *p;

      if (fnmatch (pattern, name, 0) == 0)
        return true;
      image_split_name (name, &repo, &tag);
      if (repo && fnmatch (pattern, repo, 0) == 0)
        return true;
      /* Short forms: "busybox", "library/busybox:latest".  */
      for (p = strchr (name, '/'); p; p = strchr (p + 1, '/'))
        {
          if (fnmatch (pattern, p + 1, 0) == 0)
            return true;
          if (repo && (size_t)(p - name) < strlen (repo) && fnmatch (pattern, repo + (p - name) + 1, 0) == 0)
            return true;
        }
    }
  return false;
}

/* Compare created times with the image named by `ref`: before / since.  */
static int
reference_time (struct store *s, const char *ref, time_t *out, galley_error_t *err)
{
  _cleanup_store_image_ struct store_image *img = NULL;

  if (store_image_find (s, ref, &img, err) < 0)
    return -1;
  if (image_parse_time (img->created, out) < 0)
    *out = 0;
  return 0;
}

static int
entry_selected (struct store *s, const struct images_options *o, const struct image_entry *e, bool *selected,
                galley_error_t *err)
{
  bool any_reference = false, reference_hit = false;
  size_t i;

  *selected = false;
  if (o->reference && ! reference_matches (e->img, o->reference))
    {
      _cleanup_store_image_ struct store_image *found = NULL;
      _cleanup_error_ galley_error_t ignored = NULL;
      if (store_image_find (s, o->reference, &found, &ignored) < 0 || strcmp (found->id, e->img->id) != 0)
        return 0;
    }
  for (i = 0; i < o->n_filters; i++)
    {
      const char *f = o->filters[i], *v = strchr (f, '=');
      size_t klen = v ? (size_t)(v - f) : strlen (f);
      time_t t;

      if (v == NULL)
        return galley_error_make (err, 0, "invalid image filter %s: must be KEY=VALUE", f);
      v++;
      if (klen == 9 && strncmp (f, "reference", 9) == 0)
        {
          any_reference = true;
          reference_hit = reference_hit || reference_matches (e->img, v);
        }
      else if (klen == 8 && strncmp (f, "dangling", 8) == 0)
        {
          bool want = strcmp (v, "true") == 0 || strcmp (v, "1") == 0;
          if (! want && strcmp (v, "false") != 0 && strcmp (v, "0") != 0)
            return galley_error_make (err, 0, "invalid filter dangling=%s: must be true or false", v);
          if (want != (e->img->names[0] == NULL))
            return 0;
        }
      else if (klen == 5 && strncmp (f, "label", 5) == 0)
        {
          if (! image_config_label_matches (e->config, v))
            return 0;
        }
      else if ((klen == 6 && strncmp (f, "before", 6) == 0) || (klen == 5 && strncmp (f, "since", 5) == 0))
        {
          if (reference_time (s, v, &t, err) < 0)
            return -1;
          if (klen == 6 ? ! (e->created < t) : ! (e->created > t))
            return 0;
        }
      else
        return galley_error_make (err, 0, "invalid image filter \"%.*s\"", (int)klen, f);
    }
  if (any_reference && ! reference_hit)
    return 0;
  *selected = true;
  return 0;
}

static int
compare_entries (const void *a, const void *b)
{
  const struct image_entry *x = a, *y = b;

  if (x->created != y->created)
    return x->created > y->created ? -1 : 1;
  return strcmp (x->img->added ? x->img->added : "", y->img->added ? y->img->added : "");
}

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
  ADD ("ReadOnly", json_object_new_boolean (0));
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
static bool
image_is_intermediate (struct store_image **imgs, size_t n, size_t i)
{
  size_t j, k, li = 0;

  if (imgs[i]->names != NULL && imgs[i]->names[0] != NULL)
    return false;
  while (imgs[i]->layers && imgs[i]->layers[li])
    li++;
  for (j = 0; j < n; j++)
    {
      size_t lj = 0;
      if (j == i)
        continue;
      while (imgs[j]->layers && imgs[j]->layers[lj])
        lj++;
      if (lj < li || (lj == li && j < i))
        continue;
      for (k = 0; k < li && strcmp (imgs[i]->layers[k], imgs[j]->layers[k]) == 0; k++)
        ;
      if (k == li)
        return true;
    }
  return false;
}

static int
list_images (struct cli_context *ctx, const struct images_options *o, galley_error_t *err)
{
  _cleanup_store_ struct store *s = NULL;
  struct store_image **imgs = NULL;
  struct image_entry *e = NULL;
  size_t n = 0, i, k = 0;
  int ret = -1;

  if (store_open (&ctx->paths, &s, err) < 0 || store_image_list (s, &imgs, &n, err) < 0)
    return -1;
  e = calloc (n + 1, sizeof *e);
  if (e == NULL)
    {
      galley_error_make (err, ENOMEM, "allocating");
      goto out;
    }
  for (i = 0; i < n; i++)
    {
      struct image_entry cand = { .img = imgs[i] };
      bool selected;

      if (! o->all && image_is_intermediate (imgs, n, i))
        continue;
      /* the config blob only for what shows it: 500 images, 500 reads */
      if (o->want_config && store_image_config (s, imgs[i], &cand.config, err) < 0)
        {
          /* Removed while we listed: not an error for a reader.  */
          galley_error_release (err);
          continue;
        }
      if (image_parse_time (imgs[i]->created, &cand.created) < 0)
        cand.created = 0;
      if (entry_selected (s, o, &cand, &selected, err) < 0)
        {
          json_object_put (cand.config);
          goto out;
        }
      if (selected)
        e[k++] = cand;
      else
        json_object_put (cand.config);
    }
  qsort (e, k, sizeof *e, compare_entries);
  ret = print_entries (o, e, k, err);
out:
  for (i = 0; e && i < k; i++)
    json_object_put (e[i].config);
  free (e);
  store_image_list_free (imgs, n);
  return ret;
}

int
cli_cmd_images (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  struct images_options o = { 0 };
  char *filters[64];
  const char *arg;
  int opt;

  o.filters = filters;
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
        if (o.n_filters == sizeof filters / sizeof *filters)
          return galley_error_make (err, 0, "too many filters");
        filters[o.n_filters++] = (char *)arg;
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
  if (opt < 0 || cli_positionals (&p, 0, 1, err) < 0)
    return -1;
  if (p.optind < argc)
    o.reference = argv[p.optind];
  o.want_config = o.format != NULL && (format_is_json (o.format) || strstr (o.format, "Labels") != NULL);
  for (size_t i = 0; i < o.n_filters; i++)
    o.want_config = o.want_config || strncmp (o.filters[i], "label", 5) == 0;
  return list_images (ctx, &o, err);
}
