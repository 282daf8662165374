/* The options of the local volume driver (see volume_options.h).  */
#include "config.h"
#include "state/volume_options.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "util/cleanup.h"
#include "util/strv.h"
#include "util/xmalloc.h"

void
volume_options_clear (struct volume_options *o)
{
  free (o->device);
  free (o->tmpfs_data);
  memset (o, 0, sizeof *o);
}

static void
add_tmpfs_data (struct volume_options *o, const char *key, const char *value)
{
  char *joined =
      xasprintf ("%s%s%s=%s", o->tmpfs_data ? o->tmpfs_data : "", o->tmpfs_data ? "," : "", key, value);

  free (o->tmpfs_data);
  o->tmpfs_data = joined;
}

/* uid=N / gid=N: kept for the tmpfs, or the owner of a plain volume's root.  */
static int
set_id (struct volume_options *o, const char *key, const char *value, galley_error_t *err)
{
  char *end = NULL;
  unsigned long n;

  errno = 0;
  n = strtoul (value, &end, 10);
  if (*value == '\0' || *value == '-' || *end != '\0' || errno != 0 || n >= (unsigned long)(uid_t)-1)
    return galley_error_make (err, 0, "cannot convert %s %s to integer",
                              strcasecmp (key, "uid") == 0 ? "UID" : "GID", value);
  o->set_owner = true;
  if (strcasecmp (key, "uid") == 0)
    o->uid = (uid_t)n;
  else
    o->gid = (gid_t)n;
  add_tmpfs_data (o, strcasecmp (key, "uid") == 0 ? "uid" : "gid", value);
  return 0;
}

/* One word of o=: a mount flag, bind, or KEY=VALUE.  */
static int
apply_o_word (struct volume_options *o, const char *word, galley_error_t *err)
{
  static const struct
  {
    const char *name;
    unsigned long flag;
    bool on;
  } flags[] = {
    { "nodev", MS_NODEV, true },  { "dev", MS_NODEV, false },    { "noexec", MS_NOEXEC, true },
    { "exec", MS_NOEXEC, false }, { "nosuid", MS_NOSUID, true }, { "suid", MS_NOSUID, false },
    { "ro", MS_RDONLY, true },    { "rw", MS_RDONLY, false },
  };
  static const char *const tmpfs_keys[] = { "size", "mode", "nr_inodes" };
  const char *eq = strchr (word, '=');
  _cleanup_free_ char *key = xstrndup (word, eq ? (size_t)(eq - word) : strlen (word));
  size_t i;

  for (i = 0; eq == NULL && i < sizeof flags / sizeof flags[0]; i++)
    if (strcmp (word, flags[i].name) == 0)
      {
        if (flags[i].flag == MS_RDONLY)
          o->readonly = flags[i].on;
        else if (flags[i].on)
          o->flags_on |= flags[i].flag, o->flags_off &= ~flags[i].flag;
        else
          o->flags_off |= flags[i].flag, o->flags_on &= ~flags[i].flag;
        return 0;
      }
  if (eq == NULL && (strcmp (word, "bind") == 0 || strcmp (word, "rbind") == 0))
    {
      o->type = VOLUME_TYPE_BIND;
      return 0;
    }
  if (eq != NULL && (strcasecmp (key, "uid") == 0 || strcasecmp (key, "gid") == 0))
    return set_id (o, key, eq + 1, err);
  for (i = 0; eq != NULL && eq[1] != '\0' && i < sizeof tmpfs_keys / sizeof tmpfs_keys[0]; i++)
    if (strcmp (key, tmpfs_keys[i]) == 0)
      {
        add_tmpfs_data (o, key, eq + 1);
        return 0;
      }
  return galley_error_make (
      err, 0, "invalid volume option o=%s for driver 'local': unknown mount option \"%s\"", word, word);
}

static int
apply_key (struct volume_options *o, const char *key, const char *value, bool *tmpfs_only,
           galley_error_t *err)
{
  _cleanup_strv_ char **words = NULL;
  size_t i;

  if (strcasecmp (key, "type") == 0)
    {
      if (strcmp (value, "tmpfs") == 0)
        o->type = VOLUME_TYPE_TMPFS;
      else if (strcmp (value, "bind") == 0)
        o->type = VOLUME_TYPE_BIND;
      else if (*value != '\0')
        return galley_error_make (err, 0,
                                  "invalid volume option type=%s for driver 'local': rootless volumes are a "
                                  "directory, type=tmpfs or type=bind",
                                  value);
      return 0;
    }
  if (strcasecmp (key, "device") == 0)
    {
      free (o->device);
      o->device = xstrdup (value);
      return 0;
    }
  if (strcasecmp (key, "o") == 0)
    {
      words = strv_split (value, ',');
      for (i = 0; words[i] != NULL; i++)
        {
          if (strncmp (words[i], "size=", 5) == 0 || strncmp (words[i], "nr_inodes=", 10) == 0
              || strncmp (words[i], "mode=", 5) == 0)
            *tmpfs_only = true;
          if (apply_o_word (o, words[i], err) < 0)
            return -1;
        }
      return 0;
    }
  if (strcasecmp (key, "uid") == 0 || strcasecmp (key, "gid") == 0)
    return set_id (o, key, value, err);
  if (strcasecmp (key, "size") == 0 || strcasecmp (key, "inodes") == 0)
    {
      *tmpfs_only = true;
      add_tmpfs_data (o, strcasecmp (key, "size") == 0 ? "size" : "nr_inodes", value);
      return 0;
    }
  if (strcasecmp (key, "nocopy") == 0)
    {
      o->nocopy = true;
      return 0;
    }
  if (strcasecmp (key, "copy") == 0 || strcasecmp (key, "noquota") == 0)
    return 0;
  return galley_error_kind (err, EINVAL, "invalid mount option %s for driver 'local': invalid argument", key);
}

int
volume_options_parse (json_object *options, bool check_device, struct volume_options *out,
                      galley_error_t *err)
{
  bool tmpfs_only = false;
  struct stat st;

  memset (out, 0, sizeof *out);
  if (options != NULL)
    {
      json_object_object_foreach (options, key, v)
      {
        if (apply_key (out, key, json_object_get_string (v), &tmpfs_only, err) < 0)
          goto fail;
      }
    }
  if (out->type == VOLUME_TYPE_BIND)
    {
      if (out->device == NULL || out->device[0] != '/')
        {
          galley_error_make (err, 0,
                             "invalid volume option device for driver 'local': a bind volume needs "
                             "device=/absolute/host/path");
          goto fail;
        }
      if (check_device && stat (out->device, &st) < 0)
        {
          galley_error_make (err, errno, "invalid volume option device for driver 'local': stat %s",
                             out->device);
          goto fail;
        }
      if (out->set_owner)
        {
          galley_error_make (err, 0,
                             "invalid volume option o=uid/gid for driver 'local': a bind volume keeps "
                             "the owner of its host directory");
          goto fail;
        }
    }
  if (out->type == VOLUME_TYPE_DIR && out->device != NULL)
    {
      galley_error_make (
          err, 0, "invalid volume option device=%s for driver 'local': it needs type=tmpfs or type=bind",
          out->device);
      goto fail;
    }
  if (out->type != VOLUME_TYPE_TMPFS && tmpfs_only)
    {
      galley_error_make (err, 0,
                         "volume options size and inodes not supported. Filesystem does not support "
                         "Project Quota (size=, mode= and nr_inodes= need type=tmpfs)");
      goto fail;
    }
  return 0;
fail:
  volume_options_clear (out);
  return -1;
}
