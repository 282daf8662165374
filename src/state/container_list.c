/* Container lookup and listing (see container_list.h).  */
#include "config.h"
#include "state/container_list.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state/container.h"
#include "state/lock.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/json.h"

void
container_entry_clear (struct container_entry *e)
{
  free (e->id);
  if (e->config != NULL)
    json_object_put (e->config);
  memset (e, 0, sizeof *e);
}

const char *
container_entry_name (const struct container_entry *e)
{
  const char *n = json_get_string (e->config, "Name");
  return n ? n : "";
}

static int
fill_entry (const struct galley_paths *p, json_object *config, struct container_entry *out,
            galley_error_t *err)
{
  const char *id = json_get_string (config, "Id");

  memset (out, 0, sizeof *out);
  if (id == NULL)
    {
      json_object_put (config);
      return galley_error_make (err, EINVAL, "container record without an Id");
    }
  out->config = config;
  out->id = strdup (id);
  out->created = time_parse_rfc3339 (json_get_string (config, "Created"));
  if (container_state_read (p, id, &out->state, err) < 0)
    {
      container_entry_clear (out);
      return -1;
    }
  return 0;
}

int
container_find (const struct galley_paths *p, const char *name_or_id, struct container_entry *out,
                galley_error_t *err)
{
  json_object *config = NULL;

  memset (out, 0, sizeof *out);
  if (container_load (p, name_or_id, &config, err) < 0)
    {
      if (galley_error_errno (err) == ENOENT)
        {
          galley_error_release (err);
          galley_error_make (err, 0,
                             "no container with name or ID \"%s\" found: "
                             "no such container",
                             name_or_id);
          (*err)->errno_ = ENOENT; /* the kind, without strerror's words */
          return -1;
        }
      return -1;
    }
  return fill_entry (p, config, out, err);
}

static int
by_created (const void *a, const void *b)
{
  const struct container_entry *x = a, *y = b;
  return x->created < y->created ? -1 : x->created > y->created;
}

void
container_list_sort (struct container_entry *list, size_t n)
{
  if (n > 1)
    qsort (list, n, sizeof *list, by_created);
}

int
container_list (const struct galley_paths *p, struct container_entry **out, size_t *n, galley_error_t *err)
{
  _cleanup_free_ char *dir = NULL;
  _cleanup_closedir_ DIR *d = NULL;
  struct container_entry *list = NULL;
  size_t count = 0, cap = 0;
  struct dirent *e;

  *out = NULL;
  *n = 0;
  if (asprintf (&dir, "%s/containers", p->root) < 0)
    return galley_error_make (err, errno, "allocating");
  d = opendir (dir);
  if (d == NULL)
    return errno == ENOENT ? 0 : galley_error_make (err, errno, "reading %s", dir);
  while ((e = readdir (d)) != NULL)
    {
      _cleanup_free_ char *text = NULL, *path = NULL;
      galley_error_t skip = NULL;
      json_object *config = NULL;
      size_t len;

      if (! container_id_valid (e->d_name))
        continue;
      if (asprintf (&path, "%s/%s/container.json", dir, e->d_name) < 0)
        {
          container_list_free (list, count);
          return galley_error_make (err, errno, "allocating");
        }
      /* A container removed or half-created meanwhile is not listed.  */
      if (fs_read_file (AT_FDCWD, path, 4 << 20, &text, &len, &skip) < 0
          || json_parse_strict (text, len, path, &config, &skip) < 0)
        {
          galley_error_release (&skip);
          continue;
        }
      if (count == cap)
        {
          struct container_entry *bigger;
          cap = cap ? 2 * cap : 64;
          bigger = realloc (list, cap * sizeof *list);
          if (bigger == NULL)
            {
              json_object_put (config);
              container_list_free (list, count);
              return galley_error_make (err, errno, "allocating");
            }
          list = bigger;
        }
      if (fill_entry (p, config, &list[count], &skip) < 0)
        {
          galley_error_release (&skip);
          continue;
        }
      count++;
    }
  container_list_sort (list, count);
  *out = list;
  *n = count;
  return 0;
}

void
container_list_free (struct container_entry *list, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++)
    container_entry_clear (&list[i]);
  free (list);
}

void
human_duration (int64_t ns, char *buf, size_t len)
{
  int64_t s = ns / 1000000000, m = s / 60, h = m / 60;

  if (s < 1)
    snprintf (buf, len, "Less than a second");
  else if (s == 1)
    snprintf (buf, len, "1 second");
  else if (s < 60)
    snprintf (buf, len, "%lld seconds", (long long)s);
  else if (m == 1)
    snprintf (buf, len, "About a minute");
  else if (m < 60)
    snprintf (buf, len, "%lld minutes", (long long)m);
  else if (h == 1)
    snprintf (buf, len, "About an hour");
  else if (h < 48)
    snprintf (buf, len, "%lld hours", (long long)h);
  else if (h < 24 * 7 * 2)
    snprintf (buf, len, "%lld days", (long long)(h / 24));
  else if (h < 24 * 30 * 2)
    snprintf (buf, len, "%lld weeks", (long long)(h / 24 / 7));
  else if (h < 24 * 365 * 2)
    snprintf (buf, len, "%lld months", (long long)(h / 24 / 30));
  else
    snprintf (buf, len, "%lld years", (long long)(h / 24 / 365));
}

void
container_status_human (const struct container_state *st, char *buf, size_t len)
{
  char d[64];
  int64_t now = time_now_ns ();

  switch (st->status)
    {
    case CONTAINER_STATUS_RUNNING:
    case CONTAINER_STATUS_STOPPING:
      human_duration (now - st->started_at, d, sizeof d);
      snprintf (buf, len, "Up %s%s", d, st->elsewhere ? " (on another host)" : "");
      break;
    case CONTAINER_STATUS_PAUSED:
      snprintf (buf, len, "Paused%s", st->elsewhere ? " (on another host)" : "");
      break;
    case CONTAINER_STATUS_EXITED:
      human_duration (now - st->finished_at, d, sizeof d);
      snprintf (buf, len, "Exited (%d) %s ago", st->exit_code, d);
      break;
    default:
      snprintf (buf, len, "Created");
    }
}

json_object *
container_command (const struct container_entry *e)
{
  json_object *arr = json_object_new_array (), *v;
  static const char *const keys[] = { "Entrypoint", "Command" };
  size_t k, i;

  /* The resolved command line when the record has it (image defaults
   * included), else what was given.  */
  if (json_object_object_get_ex (e->config, "Args", &v) && json_object_is_type (v, json_type_array))
    {
      json_object_put (arr);
      return json_object_get (v);
    }
  for (k = 0; k < 2; k++)
    if (json_object_object_get_ex (e->config, keys[k], &v) && json_object_is_type (v, json_type_array))
      for (i = 0; i < json_object_array_length (v); i++)
        json_object_array_add (arr, json_object_get (json_object_array_get_idx (v, i)));
  return arr;
}

int
container_rename (const struct galley_paths *p, const char *id, const char *name, galley_error_t *err)
{
  _cleanup_free_ char *containers = NULL, *dir = container_dir (p, id), *text = NULL;
  _cleanup_close_ int names_lock = -1, lock = -1, dfd = -1;
  _cleanup_json_ json_object *config = NULL;
  size_t len, i;

  for (i = 0; name[i]; i++)
    if (strchr ("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-", name[i]) == NULL
        || (i == 0 && strchr ("_.-", name[i]) != NULL))
      break;
  if (name[0] == '\0' || name[i] != '\0' || i > 253)
    return galley_error_make (err, 0,
                              "invalid container name \"%s\": names must match "
                              "[a-zA-Z0-9][a-zA-Z0-9_.-]*",
                              name);
  if (dir == NULL || asprintf (&containers, "%s/containers", p->root) < 0)
    return galley_error_make (err, errno, "allocating");
  /* the same critical section as creation: name check + change */
  names_lock = containers_lock (p, err);
  if (names_lock < 0)
    return -1;
  switch (container_name_lookup (p, name, err))
    {
    case -1:
      return -1;
    case 1:
      return galley_error_make (err, EEXIST, "container name %s is in use: name is in use", name);
    }
  lock = container_lock (p, id, err);
  if (lock < 0)
    return -1;
  dfd = open (dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return galley_error_make (err, errno, "opening %s", dir);
  if (fs_read_file (dfd, "container.json", 4 << 20, &text, &len, err) < 0
      || json_parse_strict (text, len, "container.json", &config, err) < 0)
    return -1;
  json_object_object_add (config, "Name", json_object_new_string (name));
  return container_write_record (p, id, config, err);
}
