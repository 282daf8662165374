/* Pod records (see pod.h).  */
#include "config.h"
#include "state/pod.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ns/userns.h"
#include "state/container.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/json_fields.h"
#include "util/strv.h"
#include "util/time.h"

#define POD_RECORD "pod.json"

#define FIELD(key, type, member)                                       \
  {                                                                    \
    key, JSON_FIELD_##type, offsetof (struct pod_config, member), NULL \
  }

static const struct json_field fields[] = {
  FIELD ("Id", STRING, id),
  FIELD ("Name", STRING, name),
  FIELD ("Created", STRING, created),
  FIELD ("CreateCommand", STRV, create_command),
  FIELD ("ExitPolicy", STRING, exit_policy),
  FIELD ("Hostname", STRING, hostname),
  FIELD ("Labels", MAP, labels),
  FIELD ("CreateInfra", NOT_BOOL, no_infra),
  FIELD ("InfraContainerID", STRING, infra_id),
  FIELD ("SharedNamespaces", STRV, shared),
  FIELD ("UserNS", STRING, userns),
  FIELD ("CgroupParent", STRING, cgroup_parent),
};

static const struct json_fields table = { fields, sizeof fields / sizeof fields[0],
                                          offsetof (struct pod_config, unknown) };

static const struct
{
  const char *name;
  unsigned bit;
} share_names[] = {
  { "uts", POD_SHARE_UTS }, { "ipc", POD_SHARE_IPC },       { "net", POD_SHARE_NET },
  { "pid", POD_SHARE_PID }, { "cgroup", POD_SHARE_CGROUP },
};

int
pod_share_parse (const char *text, unsigned *out, galley_error_t *err)
{
  _cleanup_strv_ char **words = NULL;
  unsigned share = 0;
  size_t i, k;

  if (text[0] == '+')
    {
      share = POD_SHARE_DEFAULT;
      text++;
    }
  if ((words = strv_split (text, ',')) == NULL)
    return galley_error_make (err, ENOMEM, "allocating");
  for (i = 0; words[i] != NULL; i++)
    {
      if (strcmp (words[i], "none") == 0 || words[i][0] == '\0')
        continue;
      for (k = 0; k < sizeof share_names / sizeof share_names[0]; k++)
        if (strcmp (words[i], share_names[k].name) == 0)
          break;
      if (k == sizeof share_names / sizeof share_names[0])
        return galley_error_make (err, 0,
                                  "invalid kernel namespace to share: %s. Options are: cgroup, ipc, net, "
                                  "pid, uts or none",
                                  words[i]);
      share |= share_names[k].bit;
    }
  *out = share;
  return 0;
}

char **
pod_share_names (unsigned share)
{
  char **v = calloc (1, sizeof (char *));
  size_t k;

  for (k = 0; v != NULL && k < sizeof share_names / sizeof share_names[0]; k++)
    if ((share & share_names[k].bit) && strv_append (&v, share_names[k].name) < 0)
      cleanup_strvp (&v);
  return v;
}

unsigned
pod_config_share (const struct pod_config *c)
{
  unsigned share = 0;
  size_t i, k;

  if (c->no_infra)
    return 0;
  for (i = 0; c->shared != NULL && c->shared[i] != NULL; i++)
    for (k = 0; k < sizeof share_names / sizeof share_names[0]; k++)
      if (strcmp (c->shared[i], share_names[k].name) == 0)
        share |= share_names[k].bit;
  return share;
}

void
pod_config_clear (struct pod_config *c)
{
  json_fields_clear (&table, c, sizeof *c);
}

int
pod_config_from_json (json_object *record, struct pod_config *out, galley_error_t *err)
{
  return json_fields_read (&table, record, out, "pod record", err);
}

int
pod_config_to_json (const struct pod_config *c, json_object **out, galley_error_t *err)
{
  return json_fields_write (&table, c, out, err);
}

bool
pod_name_valid (const char *name)
{
  size_t i;

  if (! isalnum ((unsigned char)name[0]))
    return false;
  for (i = 1; name[i] != '\0'; i++)
    if (! isalnum ((unsigned char)name[i]) && strchr ("_.-", name[i]) == NULL)
      return false;
  return i <= 253;
}

char *
pod_dir (const struct galley_paths *p, const char *id)
{
  char *s = NULL;
  return asprintf (&s, "%s/pods/%s", p->root, id) < 0 ? NULL : s;
}

char *
pod_run_dir (const struct galley_paths *p, const char *id)
{
  char *s = NULL;
  return asprintf (&s, "%s/pods/%s", p->runroot, id) < 0 ? NULL : s;
}

static int
read_record (const struct galley_paths *p, const char *id, struct pod_config *out, galley_error_t *err)
{
  _cleanup_free_ char *dir = pod_dir (p, id), *path = NULL, *text = NULL;
  _cleanup_json_ json_object *record = NULL;
  size_t len = 0;

  if (dir == NULL || asprintf (&path, "%s/" POD_RECORD, dir) < 0)
    return galley_error_make (err, ENOMEM, "allocating");
  if (fs_read_file (AT_FDCWD, path, 1 << 20, &text, &len, err) < 0
      || json_parse_strict (text, len, path, &record, err) < 0 || pod_config_from_json (record, out, err) < 0)
    return -1;
  if (out->id == NULL || strcmp (out->id, id) != 0)
    return galley_error_make (err, EINVAL, "%s: not the record of pod %s", path, id);
  return 0;
}

static int
by_created (const void *a, const void *b)
{
  const struct pod_config *x = a, *y = b;
  int64_t tx = time_parse_rfc3339 (x->created), ty = time_parse_rfc3339 (y->created);

  return tx < ty ? -1 : tx > ty;
}

void
pod_list_free (struct pod_config *list, size_t n)
{
  size_t i;

  for (i = 0; list != NULL && i < n; i++)
    pod_config_clear (&list[i]);
  free (list);
}

int
pod_list (const struct galley_paths *p, struct pod_config **out, size_t *n, galley_error_t *err)
{
  _cleanup_free_ char *dir = NULL;
  _cleanup_closedir_ DIR *d = NULL;
  struct pod_config *list = NULL;
  size_t count = 0, cap = 0;
  struct dirent *e;

  *out = NULL;
  *n = 0;
  if (asprintf (&dir, "%s/pods", p->root) < 0)
    return galley_error_make (err, ENOMEM, "allocating");
  d = opendir (dir);
  if (d == NULL)
    return errno == ENOENT ? 0 : galley_error_make (err, errno, "opening %s", dir);
  while ((e = readdir (d)) != NULL)
    {
      galley_error_t gone = NULL;

      if (! container_id_valid (e->d_name))
        continue;
      if (count == cap)
        {
          struct pod_config *bigger = reallocarray (list, cap = cap ? 2 * cap : 8, sizeof *list);
          if (bigger == NULL)
            {
              pod_list_free (list, count);
              return galley_error_make (err, ENOMEM, "allocating");
            }
          list = bigger;
        }
      memset (&list[count], 0, sizeof list[count]);
      if (read_record (p, e->d_name, &list[count], &gone) == 0)
        count++;
      else
        {
          /* removed while we listed */
          pod_config_clear (&list[count]);
          if (galley_error_errno (&gone) != ENOENT)
            {
              pod_list_free (list, count);
              *err = gone;
              return -1;
            }
          galley_error_release (&gone);
        }
    }
  if (count > 1)
    qsort (list, count, sizeof *list, by_created);
  *out = list;
  *n = count;
  return 0;
}

/* The pod of listing list named key, or with that id, or else with that
 * unique id prefix; NULL when none.  -1 for an ambiguous prefix.  */
static int
match_in (const struct pod_config *list, size_t n, const char *key, bool by_name_only,
          const struct pod_config **out)
{
  size_t i, prefixes = 0;

  *out = NULL;
  for (i = 0; i < n; i++)
    if ((list[i].name && strcmp (list[i].name, key) == 0)
        || (! by_name_only && strcmp (list[i].id, key) == 0))
      {
        *out = &list[i];
        return 0;
      }
  for (i = 0; i < n && ! by_name_only && *key != '\0'; i++)
    if (strncmp (list[i].id, key, strlen (key)) == 0)
      {
        prefixes++;
        *out = &list[i];
      }
  return prefixes > 1 ? -1 : 0;
}

/* The id of the pod key names: 1 with *id_out, 0 when none, -1 on error.  */
static int
find (const struct galley_paths *p, const char *key, bool by_name_only, char **id_out, galley_error_t *err)
{
  struct pod_config *list = NULL;
  const struct pod_config *match;
  size_t n = 0;
  int ret = 0;

  if (pod_list (p, &list, &n, err) < 0)
    return -1;
  if (match_in (list, n, key, by_name_only, &match) < 0)
    ret = galley_error_make (err, 0, "more than one result for pod \"%s\"", key);
  else if (match != NULL)
    ret = (*id_out = strdup (match->id)) != NULL ? 1 : galley_error_make (err, ENOMEM, "allocating");
  pod_list_free (list, n);
  return ret;
}

int
pod_name_lookup (const struct galley_paths *p, const char *name, galley_error_t *err)
{
  _cleanup_free_ char *id = NULL;

  return find (p, name, true, &id, err);
}

int
pod_find (const struct galley_paths *p, const char *name_or_id, struct pod_config *out, galley_error_t *err)
{
  _cleanup_free_ char *id = NULL;
  int found = find (p, name_or_id, false, &id, err);

  if (found < 0)
    return -1;
  if (found == 0)
    return galley_error_kind (err, ENOENT, "no pod with name or ID %s found: no such pod", name_or_id);
  return read_record (p, id, out, err);
}

static int
write_record (const struct galley_paths *p, const struct pod_config *config, galley_error_t *err)
{
  _cleanup_free_ char *dir = pod_dir (p, config->id);
  _cleanup_json_ json_object *record = NULL;
  _cleanup_close_ int dfd = -1;

  if (dir == NULL)
    return galley_error_make (err, ENOMEM, "allocating");
  dfd = open (dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return galley_error_make (err, errno, "opening %s", dir);
  if (pod_config_to_json (config, &record, err) < 0)
    return -1;
  return json_write_atomic (dfd, POD_RECORD, record, err);
}

int
pod_create (const struct galley_paths *p, const struct pod_config *config, galley_error_t *err)
{
  _cleanup_free_ char *dir = pod_dir (p, config->id);
  int found;

  if (dir == NULL)
    return galley_error_make (err, ENOMEM, "allocating");
  found = pod_name_lookup (p, config->name, err);
  if (found < 0)
    return -1;
  if (found > 0)
    return galley_error_kind (err, EEXIST, "adding pod to state: name \"%s\" is in use: pod already exists",
                              config->name);
  if (fs_mkdir_p (dir, 0700, err) < 0)
    return -1;
  if (write_record (p, config, err) == 0)
    return 0;
  {
    galley_error_t ignored = NULL;
    fs_remove_tree (AT_FDCWD, dir, &ignored);
    galley_error_release (&ignored);
  }
  return -1;
}

int
pod_write (const struct galley_paths *p, const struct pod_config *config, galley_error_t *err)
{
  return write_record (p, config, err);
}

int
pod_remove (const struct galley_paths *p, const struct idmap *map, const char *id, galley_error_t *err)
{
  _cleanup_free_ char *dir = pod_dir (p, id), *run = pod_run_dir (p, id), *record = NULL;

  if (dir == NULL || run == NULL || asprintf (&record, "%s/" POD_RECORD, dir) < 0)
    return galley_error_make (err, ENOMEM, "allocating");
  /* out of every lookup first */
  if (unlink (record) < 0 && errno != ENOENT)
    return galley_error_make (err, errno, "removing pod %s", id);
  if (fs_remove_tree (AT_FDCWD, dir, err) < 0)
    return galley_error_wrap (err, "removing pod %s", id);
  if (access (run, F_OK) < 0)
    return 0;
  return userns_remove_tree (map, AT_FDCWD, run, err);
}

int
pod_shm_dir (const struct galley_paths *p, const char *id, char **out, galley_error_t *err)
{
  _cleanup_free_ char *run = pod_run_dir (p, id), *shm = NULL;
  struct stat st;

  if (run == NULL || asprintf (&shm, "%s/shm", run) < 0)
    return galley_error_make (err, ENOMEM, "allocating");
  if (fs_mkdir_p (run, 0700, err) < 0)
    return -1;
  /* 1777 as a /dev/shm, but inside the user's private runroot */
  if (mkdir (shm, 01777) < 0 && errno != EEXIST)
    return galley_error_make (err, errno, "creating %s", shm);
  if (lstat (shm, &st) < 0 || ! S_ISDIR (st.st_mode) || st.st_uid != p->uid)
    return galley_error_make (err, EPERM, "%s is not a directory of the user's", shm);
  if (chmod (shm, 01777) < 0)
    return galley_error_make (err, errno, "chmod %s", shm);
  *out = steal_pointer (&shm);
  return 0;
}

const char *
pod_status (const enum container_status *st, size_t n)
{
  size_t running = 0, paused = 0, exited = 0, i;

  for (i = 0; i < n; i++)
    switch (st[i])
      {
      case CONTAINER_STATUS_RUNNING:
      case CONTAINER_STATUS_STOPPING:
        running++;
        break;
      case CONTAINER_STATUS_PAUSED:
        paused++;
        break;
      case CONTAINER_STATUS_EXITED:
        exited++;
        break;
      case CONTAINER_STATUS_CREATED:
        break;
      }
  if (n == 0)
    return "Created";
  if (running == n)
    return "Running";
  if (running > 0)
    return "Degraded";
  if (paused == n)
    return "Paused";
  if (exited == n)
    return "Exited";
  if (exited > 0)
    return "Stopped";
  return "Created";
}
