/* galley ps: list containers with podman's columns, filters and JSON.
 * Reads the records and the reconciled state without any lock.  */
#include "config.h"

#include <errno.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "image/image_info.h"
#include "image/store.h"
#include "state/container.h"
#include "engine/container.h"
#include "state/container_filter.h"
#include "state/container_list.h"
#include "state/pod.h"
#include "util/cleanup.h"
#include "util/digest.h"
#include "util/format.h"
#include "util/json.h"
#include "util/strv.h"
#include "util/time.h"

/* A row of ps: the listing's brief fields, the record's others when the
 * output or a filter needs them, and the sizes of ps -s.  */
struct ps_item
{
  struct container_brief b;
  struct container_entry entry; /* empty when not needed */
  uint64_t rw_size, image_size;
  bool sized;   /* rw_size and image_size are known */
  size_t index; /* in the listing */
};

static uint64_t tree_bytes; /* nftw's callback has no argument */

/* podman 4.3's --sort keys.  "created" (the default) is the listing's own
 * order, oldest first; the others order a copy of the rows.  */
enum ps_sort
{
  PS_SORT_COMMAND,
  PS_SORT_CREATED,
  PS_SORT_ID,
  PS_SORT_IMAGE,
  PS_SORT_NAMES,
  PS_SORT_RUNNINGFOR,
  PS_SORT_SIZE,
  PS_SORT_STATUS,
};
static const char *const ps_sort_keys[] = { "command",    "created", "id",     "image", "names",
                                            "runningfor", "size",    "status", NULL };

struct ps_options
{
  bool all, latest, no_trunc, noheading, quiet, size, pod;
  bool need_record; /* the output or a filter reads beyond the brief fields */
  long last;
  const char *format;
  enum ps_sort sort;
  char **filters;
  size_t n_filters;
  struct pod_config *pods; /* for PodName, when the output shows it */
  size_t n_pods;
};

/* The name of the pod id (pod_list's).  */
static const char *
pod_name_of (const struct ps_options *o, const char *id)
{
  size_t i;

  for (i = 0; id != NULL && i < o->n_pods; i++)
    if (strcmp (o->pods[i].id, id) == 0)
      return o->pods[i].name;
  return "";
}

static int
filters_match (const struct ps_options *o, const struct ps_item *it, bool *out, galley_error_t *err)
{
  const struct container_brief *b = &it->b;
  struct container_filter_subject subject = {
    .id = b->id,
    .name = b->name,
    .image = b->image,
    .image_id = b->image_id,
    .state = b->state,
  };

  subject.labels = it->entry.config.labels;
  return container_filters_match (o->filters, o->n_filters, &subject, out, err);
}

static int
add_file_size (const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
  (void)path, (void)ftw;
  if (type == FTW_F)
    tree_bytes += (uint64_t)sb->st_size;
  return 0;
}

/* ps -s: the bytes of the container's writable layer and of its image.  */
static void
container_sizes (struct cli_context *ctx, struct store *s, struct ps_item *e)
{
  _cleanup_free_ char *dir = container_dir (&ctx->paths, e->b.id), *upper = NULL;
  const char *image_id = e->b.image_id;

  if (e->sized)
    return;
  _cleanup_store_image_ struct store_image *img = NULL;
  galley_error_t ignore = NULL;

  /* files of subordinate owners may be unreadable: a best effort */
  tree_bytes = 0;
  if (dir != NULL && asprintf (&upper, "%s/upper", dir) >= 0)
    nftw (upper, add_file_size, 16, FTW_PHYS | FTW_MOUNT);
  e->rw_size = tree_bytes;
  if (s != NULL && image_id[0] != '\0' && store_image_find (s, image_id, &img, &ignore) == 0)
    e->image_size = img->size;
  e->sized = true;
  galley_error_release (&ignore);
}

/* "a,b" as the JSON array ["a", "b"] (network names have no commas).  */
static json_object *
networks_array (const char *joined)
{
  _cleanup_strv_ char **v = strv_split (joined, ',');

  return v ? json_strings_array (v, strv_len (v)) : json_object_new_array ();
}

/* podman's record of a container (ps --format json), and for templates
 * the same with its text columns.  A field the output never shows is not
 * computed (format_stream_uses): a 1000-row table needs 7 of the 30, all
 * from the brief fields of the listing.  */
static json_object *
ps_record (const struct ps_options *o, const struct ps_item *it, struct format_stream *out)
{
  const struct container_brief *b = &it->b;
  const struct container_entry *e = &it->entry;
  const bool json = format_is_json (o->format ? o->format : "");
  json_object *r = json_object_new_object ();
  char status[128], since[64], human[80];
  bool exited = b->state->status == CONTAINER_STATUS_EXITED;

#define ADD(key, value)                         \
  do                                            \
    if (format_stream_uses (out, key))          \
      json_object_object_add (r, key, (value)); \
  while (0)

  container_status_human (b->state, status, sizeof status);
  human_duration (time_now_ns () - b->created, since, sizeof since);
  snprintf (human, sizeof human, "%s ago", since);
  ADD ("AutoRemove", json_object_new_boolean (b->auto_remove));
  if (json)
    {
      _cleanup_strv_ char **command = container_command (&e->config);
      json_object_object_add (r, "Command", json_strings_array (command, strv_len (command)));
    }
  ADD ("CreatedAt", json_object_new_string (human));
  ADD ("Exited", json_object_new_boolean (exited));
  ADD ("ExitedAt",
       json_object_new_int64 (b->state->finished_at ? b->state->finished_at / NSEC_PER_SEC : -62135596800LL));
  ADD ("ExitCode", json_object_new_int (exited ? b->state->exit_code : 0));
  ADD ("Id", json_object_new_string (b->id));
  ADD ("Image", json_object_new_string (b->image));
  ADD ("ImageID", json_object_new_string (b->image_id));
  ADD ("IsInfra", json_object_new_boolean (e->config.is_infra));
  ADD ("Labels", e->config.labels ? json_kv_object (e->config.labels) : NULL);
  if (json)
    {
      json_object *names = json_object_new_array ();
      json_object_array_add (names, json_object_new_string (b->name));
      json_object_object_add (r, "Mounts", json_object_new_array ());
      json_object_object_add (r, "Names", names);
    }
  ADD ("Namespaces", json_object_new_object ());
  if (json)
    json_object_object_add (r, "Networks", networks_array (b->networks));
  ADD ("Pid", json_object_new_int (b->state->status == CONTAINER_STATUS_RUNNING
                                           || b->state->status == CONTAINER_STATUS_PAUSED
                                       ? b->state->pid
                                       : 0));
  ADD ("Pod", json_object_new_string_len (e->config.pod ? e->config.pod : "",
                                          e->config.pod && ! json && ! o->no_trunc
                                              ? 12
                                              : (int)strlen (e->config.pod ? e->config.pod : "")));
  ADD ("PodName", json_object_new_string (pod_name_of (o, e->config.pod)));
  if (json)
    {
      json_object *mappings = e->config.port_mappings;
      json_object_object_add (r, "Ports",
                              json_object_is_type (mappings, json_type_array)
                                      && json_object_array_length (mappings) > 0
                                  ? json_object_get (mappings)
                                  : NULL);
      if (o->size)
        {
          json_object *size = json_object_new_object ();
          json_object_object_add (size, "rwSize", json_object_new_int64 ((int64_t)it->rw_size));
          json_object_object_add (size, "rootFsSize",
                                  json_object_new_int64 ((int64_t)(it->rw_size + it->image_size)));
          json_object_object_add (r, "Size", size);
        }
      else
        json_object_object_add (r, "Size", NULL);
    }
  ADD ("StartedAt",
       json_object_new_int64 (b->state->started_at ? b->state->started_at / NSEC_PER_SEC : -62135596800LL));
  ADD ("State", json_object_new_string (container_status_name (b->state->status)));
  ADD ("Status", json_object_new_string (status));
  ADD ("Created", json_object_new_int64 (b->created / NSEC_PER_SEC));
  if (json)
    return r;
  /* template fields */
  if (format_stream_uses (out, "ID"))
    {
      char id[HEX_ID_BUFSIZE];
      snprintf (id, sizeof id, "%.*s", o->no_trunc ? 64 : 12, b->id);
      json_object_object_add (r, "ID", json_object_new_string (id));
    }
  if (format_stream_uses (out, "Command"))
    {
      char shown[21];
      /* podman's: 17 bytes and "..." when longer than 20 */
      snprintf (shown, sizeof shown, "%.17s...", b->command_line);
      json_object_object_add (
          r, "Command",
          json_object_new_string (! o->no_trunc && strlen (b->command_line) > 20 ? shown : b->command_line));
    }
  ADD ("CreatedHuman", json_object_new_string (human));
  ADD ("RunningFor", json_object_new_string (since));
  ADD ("Names", json_object_new_string (b->name));
  ADD ("Ports", json_object_new_string (b->ports));
  if (o->size)
    {
      char rw[32], virt[32], text[80];
      /* go-units HumanSizeWithPrecision (n, 3): "12B", "1.2MB" */
      image_human_size_sep (it->rw_size, "", rw, sizeof rw);
      image_human_size_sep (it->rw_size + it->image_size, "", virt, sizeof virt);
      snprintf (text, sizeof text, "%s (virtual %s)", rw, virt);
      json_object_object_add (r, "Size", json_object_new_string (text));
    }
  else
    ADD ("Size", json_object_new_string (""));
  ADD ("Mounts", json_object_new_string (""));
  ADD ("Networks", json_object_new_string (b->networks));
  return r;
#undef ADD
}

static const struct format_header ps_header_titles[] = {
  { "ID", "CONTAINER ID" },
  { "CreatedHuman", "CREATED" },
  { "CreatedAt", "CREATED" },
  { "RunningFor", "CREATED" },
  { "Pod", "POD ID" },
  { "PodName", "PODNAME" },
  { NULL, NULL },
};

static int
parse_sort (const char *arg, enum ps_sort *out, galley_error_t *err)
{
  _cleanup_free_ char *choices = NULL;
  size_t k;

  for (k = 0; ps_sort_keys[k] != NULL; k++)
    if (strcmp (ps_sort_keys[k], arg) == 0)
      {
        *out = (enum ps_sort)k;
        return 0;
      }
  choices = strv_join ((char *const *)ps_sort_keys, ", ");
  return galley_error_make (err, 0,
                            "invalid argument \"%s\" for \"--sort\" flag: \"%s\" is not a valid value.  "
                            "Choose from: \"%s\"",
                            arg, arg, choices ? choices : "");
}

static int
parse_ps (struct cli_context *ctx, int argc, char **argv, struct ps_options *o, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  const char *arg;
  int opt;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    switch (opt)
      {
      case OPT_ps_all:
        o->all = true;
        break;
      case OPT_ps_latest:
        o->latest = true;
        break;
      case OPT_ps_no_trunc:
        o->no_trunc = true;
        break;
      case OPT_ps_noheading:
        o->noheading = true;
        break;
      case OPT_ps_quiet:
        o->quiet = true;
        break;
      case OPT_ps_pod:
        o->pod = true;
        break;
      case OPT_ps_size:
        o->size = true;
        break;
      case OPT_ps_format:
        o->format = arg;
        break;
      case OPT_ps_sort:
        if (parse_sort (arg, &o->sort, err) < 0)
          return -1;
        break;
      case OPT_ps_last:
        {
          unsigned long long n;
          if (cli_uint (&p, arg, 1u << 30, &n, err) < 0)
            return -1;
          o->last = (long)n;
          break;
        }
      case OPT_ps_filter:
        {
          char **bigger = realloc (o->filters, (o->n_filters + 1) * sizeof *bigger);
          if (bigger == NULL)
            return galley_error_make (err, 0, "allocating");
          o->filters = bigger;
          o->filters[o->n_filters++] = (char *)arg;
          break;
        }
      }
  if (opt < 0)
    return -1;
  return cli_positionals (&p, 0, 0, err);
}

/* The row of a container of the listing (its brief fields in it), when
 * the options select it.  */
static int
ps_row (struct cli_context *ctx, const struct ps_options *o, struct container_listing *l, struct ps_item *it,
        bool status_filter, struct store *store, struct format_stream *out, galley_error_t *err)
{
  json_object *row;
  bool keep = true;
  int ret;

  if (! o->all && ! o->latest && o->last < 0 && ! status_filter
      && ! container_status_is_live (it->b.state->status))
    return 0;
  if (o->need_record && container_listing_entry (l, it->index, &it->entry, err) < 0)
    return -1;
  if (filters_match (o, it, &keep, err) < 0)
    {
      container_entry_clear (&it->entry);
      return -1;
    }
  if (! keep || o->quiet)
    {
      if (keep)
        printf ("%.*s\n", o->no_trunc ? 64 : 12, it->b.id);
      container_entry_clear (&it->entry);
      return 0;
    }
  /* rendered and freed one by one: a long listing never holds all its rows */
  if (o->size)
    container_sizes (ctx, store, it);
  row = ps_record (o, it, out);
  ret = format_stream_add (out, row, err);
  json_object_put (row);
  container_entry_clear (&it->entry);
  return ret;
}

static enum ps_sort sort_key; /* qsort's comparator has no argument */

static int
compare_numbers (int64_t a, int64_t b)
{
  return a < b ? -1 : a > b;
}

/* podman's orders, all ascending; ties keep the listing's order.  */
static int
compare_items (const void *x, const void *y)
{
  const struct ps_item *a = x, *b = y;
  int c = 0;

  switch (sort_key)
    {
    case PS_SORT_COMMAND:
      c = strcmp (a->b.command_line, b->b.command_line);
      break;
    case PS_SORT_CREATED:
      c = compare_numbers (a->b.created, b->b.created);
      break;
    case PS_SORT_ID:
      c = strcmp (a->b.id, b->b.id);
      break;
    case PS_SORT_IMAGE:
      c = strcmp (a->b.image, b->b.image);
      break;
    case PS_SORT_NAMES:
      c = strcmp (a->b.name, b->b.name);
      break;
    case PS_SORT_RUNNINGFOR:
      /* by the start (never started: first) */
      c = compare_numbers (a->b.state->started_at, b->b.state->started_at);
      break;
    case PS_SORT_SIZE:
      /* the size ps -s shows; without -s none is known (podman's) */
      c = compare_numbers ((int64_t)(a->rw_size + a->image_size), (int64_t)(b->rw_size + b->image_size));
      break;
    case PS_SORT_STATUS:
      c = strcmp (container_status_name (a->b.state->status), container_status_name (b->b.state->status));
      break;
    }
  return c != 0 ? c : compare_numbers ((int64_t)a->index, (int64_t)b->index);
}

/* The listing's containers first..n-1 in the order of --sort.  */
static int
ps_sorted (struct cli_context *ctx, const struct ps_options *o, const struct container_listing *l,
           size_t first, size_t n, struct store *store, struct ps_item **out, galley_error_t *err)
{
  struct ps_item *items = calloc (n - first + 1, sizeof *items);
  size_t i;

  if (items == NULL)
    return galley_error_make (err, errno, "allocating");
  for (i = first; i < n; i++)
    {
      struct ps_item *it = &items[i - first];
      it->index = i;
      container_listing_brief (l, i, &it->b);
      if (o->sort == PS_SORT_SIZE && o->size)
        container_sizes (ctx, store, it);
    }
  sort_key = o->sort;
  qsort (items, n - first, sizeof *items, compare_items);
  *out = items;
  return 0;
}

/* podman's columns: the size with -s, the pod with --pod.  */
#define PS_COLUMNS \
  "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.CreatedHuman}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}"
#define PS_POD_COLUMNS "\t{{.Pod}}\t{{.PodName}}"
static const char *
ps_default_format (const struct ps_options *o)
{
  if (o->size)
    return o->pod ? PS_COLUMNS "\t{{.Size}}" PS_POD_COLUMNS : PS_COLUMNS "\t{{.Size}}";
  return o->pod ? PS_COLUMNS PS_POD_COLUMNS : PS_COLUMNS;
}

int
cli_cmd_ps (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  const struct engine e = cli_engine (ctx);
  struct ps_options o = { .last = -1, .sort = PS_SORT_CREATED };
  _cleanup_free_ struct ps_item *sorted = NULL;
  struct container_listing *l = NULL;
  struct format_stream *out = NULL;
  _cleanup_store_ struct store *store = NULL;
  _cleanup_json_ json_object *hdr = format_headers (ps_header_titles);
  size_t n = 0, i, first = 0;
  bool status_filter = false;
  int ret = -1;

  if (parse_ps (ctx, argc, argv, &o, err) < 0)
    goto out;
  if (engine_container_list (&e, &l, err) < 0)
    goto out;
  n = container_listing_count (l);
  if (o.latest)
    first = n > 0 ? n - 1 : 0;
  else if (o.last >= 0 && (size_t)o.last < n)
    first = n - (size_t)o.last;
  for (i = 0; i < o.n_filters; i++)
    status_filter = status_filter || strncmp (o.filters[i], "status=", 7) == 0
                    || strncmp (o.filters[i], "exited=", 7) == 0;
  if (! o.quiet)
    {
      out = format_stream_new (stdout, o.format, ps_default_format (&o), hdr, o.noheading, err);
      if (out == NULL)
        goto out;
      format_stream_set_json_indent (out, 2); /* podman's ps */
    }
  o.need_record = out != NULL
                  && (format_stream_uses (out, "Labels") || format_stream_uses (out, "Pod")
                      || format_stream_uses (out, "PodName") || format_stream_uses (out, "IsInfra"));
  o.need_record = o.need_record || container_filters_need_labels (o.filters, o.n_filters);
  if (out != NULL && format_stream_uses (out, "PodName")
      && pod_list (&ctx->paths, &o.pods, &o.n_pods, err) < 0)
    goto out;
  if (o.size && store_open (&ctx->paths, &store, err) < 0)
    goto out;
  if (o.sort != PS_SORT_CREATED)
    {
      if (ps_sorted (ctx, &o, l, first, n, store, &sorted, err) < 0)
        goto out;
      for (i = 0; i < n - first; i++)
        if (ps_row (ctx, &o, l, &sorted[i], status_filter, store, out, err) < 0)
          goto out;
    }
  else
    for (i = first; i < n; i++)
      {
        struct ps_item it = { .index = i };
        container_listing_brief (l, i, &it.b);
        if (ps_row (ctx, &o, l, &it, status_filter, store, out, err) < 0)
          goto out;
      }
  ret = 0;
  if (out != NULL)
    {
      ret = format_stream_finish (out, err);
      out = NULL;
    }
out:
  format_stream_abort (out);
  container_listing_close (l);
  pod_list_free (o.pods, o.n_pods);
  free (o.filters);
  return ret;
}
