/* The container configuration: release, and the parsers of -v, --mount and
 * --tmpfs (podman's syntax and messages).  */
#include "config.h"
#include "runtime/spec.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>

#include "util/cleanup.h"

static void
strv_free (char **v)
{
  _cleanup_strv_ char **tmp = v;
}

void
mount_spec_clear (struct mount_spec *m)
{
  free (m->source);
  free (m->destination);
  free (m->data);
  free (m->volume);
  memset (m, 0, sizeof *m);
}

void
run_spec_clear (struct run_spec *s)
{
  size_t i;

  free (s->id);
  free (s->name);
  free (s->rootfs_dir);
  strv_free (s->lower_dirs);
  free (s->upper_dir);
  free (s->work_dir);
  free (s->mountpoint);
  free (s->fuse_overlayfs);
  free (s->state_dir);
  strv_free (s->argv);
  strv_free (s->image_env);
  env_list_clear (&s->user_env);
  free (s->user);
  free (s->workdir);
  free (s->hostname);
  for (i = 0; i < s->n_mounts; i++)
    mount_spec_clear (&s->mounts[i]);
  free (s->mounts);
  free (s->ulimits);
  for (i = 0; i < s->n_devices; i++)
    device_spec_clear (&s->devices[i]);
  free (s->devices);
  free (s->seccomp_profile);
  network_spec_clear (&s->net);
  memset (s, 0, sizeof *s);
}

int
run_exit_status (int wait_status)
{
  if (WIFEXITED (wait_status))
    return WEXITSTATUS (wait_status);
  if (WIFSIGNALED (wait_status))
    return 128 + WTERMSIG (wait_status);
  return GALLEY_EXIT_FAILURE;
}

static int
check_destination (const char *dst, galley_error_t *err)
{
  if (dst == NULL || dst[0] != '/')
    return galley_error_make (err, 0, "invalid container path \"%s\", must be an absolute path",
                              dst ? dst : "");
  return 0;
}

static int
dup_into (char **dst, const char *s, size_t len, galley_error_t *err)
{
  free (*dst);
  *dst = strndup (s, len);
  if (*dst == NULL)
    return galley_error_make (err, errno, "allocating");
  return 0;
}

/* The mount flag options shared by -v and --tmpfs; 1 if `opt` was one.  */
static int
apply_flag_option (struct mount_spec *m, const char *opt)
{
  static const struct
  {
    const char *name;
    unsigned long flag;
    bool set;
  } table[] = {
    { "nosuid", MS_NOSUID, true }, { "suid", MS_NOSUID, false },  { "nodev", MS_NODEV, true },
    { "dev", MS_NODEV, false },    { "noexec", MS_NOEXEC, true }, { "exec", MS_NOEXEC, false },
  };
  size_t i;

  if (strcmp (opt, "ro") == 0 || strcmp (opt, "rw") == 0)
    {
      m->readonly = opt[1] == 'o';
      return 1;
    }
  for (i = 0; i < sizeof table / sizeof table[0]; i++)
    if (strcmp (opt, table[i].name) == 0)
      {
        if (table[i].set)
          m->flags |= table[i].flag;
        else
          m->flags &= ~table[i].flag;
        return 1;
      }
  return 0;
}

/* Accepted and meaningless for rootless binds (labels, propagation,
 * chown-on-mount which podman also ignores for bind mounts of host paths).  */
static bool
ignorable_volume_option (const char *opt)
{
  static const char *const names[] = { "z",       "Z",      "private", "rprivate",   "shared",
                                       "rshared", "slave",  "rslave",  "unbindable", "runbindable",
                                       "copy",    "nocopy", NULL };
  size_t i;

  for (i = 0; names[i] != NULL; i++)
    if (strcmp (opt, names[i]) == 0)
      return true;
  return false;
}

int
mount_parse_volume (const char *arg, struct mount_spec *out, galley_error_t *err)
{
  _cleanup_free_ char *copy = strdup (arg);
  char *fields[4] = { NULL }, *p, *save = NULL, *opt;
  size_t n = 0;

  memset (out, 0, sizeof *out);
  out->kind = MOUNT_KIND_BIND;
  out->recursive = true;
  if (copy == NULL)
    return galley_error_make (err, errno, "allocating");
  for (p = copy; n < 4; n++)
    {
      fields[n] = p;
      p = strchr (p, ':');
      if (p == NULL)
        {
          n++;
          break;
        }
      *p++ = '\0';
    }
  if (p != NULL || n < 2 || fields[0][0] == '\0' || fields[1][0] == '\0')
    return galley_error_make (err, 0, "invalid volume specification \"%s\" (expected SRC:DST[:OPTS])", arg);
  if (fields[0][0] != '/')
    return galley_error_make (err, 0,
                              "volume source \"%s\": a host path must be absolute (a name without "
                              "\"/\" or \".\" is a named volume)",
                              fields[0]);
  if (check_destination (fields[1], err) < 0)
    return -1;
  if (dup_into (&out->source, fields[0], strlen (fields[0]), err) < 0
      || dup_into (&out->destination, fields[1], strlen (fields[1]), err) < 0)
    return -1;
  if (n == 3)
    for (opt = strtok_r (fields[2], ",", &save); opt != NULL; opt = strtok_r (NULL, ",", &save))
      {
        if (apply_flag_option (out, opt))
          continue;
        if (strcmp (opt, "bind") == 0 || strcmp (opt, "rbind") == 0)
          out->recursive = opt[0] == 'r';
        else if (! ignorable_volume_option (opt))
          {
            mount_spec_clear (out);
            return galley_error_make (err, 0, "invalid option type \"%s\" in volume \"%s\"", opt, arg);
          }
      }
  return 0;
}

static int
tmpfs_add_data (struct mount_spec *m, const char *opt, galley_error_t *err)
{
  char *joined = NULL;

  if (asprintf (&joined, "%s%s%s", m->data ? m->data : "", m->data ? "," : "", opt) < 0)
    return galley_error_make (err, errno, "allocating");
  free (m->data);
  m->data = joined;
  return 0;
}

int
mount_parse_tmpfs (const char *arg, struct mount_spec *out, galley_error_t *err)
{
  const char *colon = strchr (arg, ':');
  _cleanup_free_ char *opts = NULL;
  char *opt, *save = NULL;

  memset (out, 0, sizeof *out);
  out->kind = MOUNT_KIND_TMPFS;
  out->flags = MS_NOSUID | MS_NODEV | MS_NOEXEC;
  if (dup_into (&out->destination, arg, colon ? (size_t)(colon - arg) : strlen (arg), err) < 0)
    return -1;
  if (check_destination (out->destination, err) < 0)
    goto fail;
  if (colon != NULL)
    {
      opts = strdup (colon + 1);
      if (opts == NULL)
        return galley_error_make (err, errno, "allocating");
      for (opt = strtok_r (opts, ",", &save); opt != NULL; opt = strtok_r (NULL, ",", &save))
        {
          if (apply_flag_option (out, opt))
            continue;
          if (strncmp (opt, "size=", 5) == 0 || strncmp (opt, "mode=", 5) == 0
              || strncmp (opt, "nr_inodes=", 10) == 0 || strncmp (opt, "uid=", 4) == 0
              || strncmp (opt, "gid=", 4) == 0)
            {
              if (tmpfs_add_data (out, opt, err) < 0)
                goto fail;
            }
          else if (strcmp (opt, "tmpcopyup") != 0 && strcmp (opt, "notmpcopyup") != 0
                   && ! ignorable_volume_option (opt))
            {
              galley_error_make (err, 0, "invalid option \"%s\" for --tmpfs %s", opt, arg);
              goto fail;
            }
        }
    }
  return 0;
fail:
  mount_spec_clear (out);
  return -1;
}

static bool
parse_bool_value (const char *v, bool *out)
{
  if (v == NULL || strcmp (v, "true") == 0 || strcmp (v, "1") == 0)
    *out = true;
  else if (strcmp (v, "false") == 0 || strcmp (v, "0") == 0)
    *out = false;
  else
    return false;
  return true;
}

int
mount_parse_mount (const char *arg, struct mount_spec *out, galley_error_t *err)
{
  _cleanup_free_ char *copy = strdup (arg);
  char *kv, *save = NULL;
  int type = -1;

  memset (out, 0, sizeof *out);
  out->recursive = true;
  if (copy == NULL)
    return galley_error_make (err, errno, "allocating");
  for (kv = strtok_r (copy, ",", &save); kv != NULL; kv = strtok_r (NULL, ",", &save))
    {
      char *value = strchr (kv, '=');
      if (value != NULL)
        *value++ = '\0';
      if (strcmp (kv, "type") == 0 && value != NULL)
        {
          if (strcmp (value, "bind") == 0)
            type = MOUNT_KIND_BIND;
          else if (strcmp (value, "tmpfs") == 0)
            type = MOUNT_KIND_TMPFS;
          else
            {
              galley_error_make (err, 0, "--mount %s: unsupported mount type \"%s\" (bind, tmpfs)", arg,
                                 value);
              goto fail;
            }
        }
      else if ((strcmp (kv, "source") == 0 || strcmp (kv, "src") == 0) && value != NULL)
        {
          if (dup_into (&out->source, value, strlen (value), err) < 0)
            goto fail;
        }
      else if ((strcmp (kv, "target") == 0 || strcmp (kv, "destination") == 0 || strcmp (kv, "dst") == 0)
               && value != NULL)
        {
          if (dup_into (&out->destination, value, strlen (value), err) < 0)
            goto fail;
        }
      else if (strcmp (kv, "ro") == 0 || strcmp (kv, "readonly") == 0)
        {
          if (! parse_bool_value (value, &out->readonly))
            {
              galley_error_make (err, 0, "--mount %s: invalid value for %s: \"%s\"", arg, kv, value);
              goto fail;
            }
        }
      else if (strcmp (kv, "rw") == 0 && value == NULL)
        out->readonly = false;
      else if (strcmp (kv, "bind-nonrecursive") == 0)
        {
          bool b;
          if (! parse_bool_value (value, &b))
            {
              galley_error_make (err, 0, "--mount %s: invalid value for %s", arg, kv);
              goto fail;
            }
          out->recursive = ! b;
        }
      else if (strcmp (kv, "tmpfs-size") == 0 && value != NULL)
        {
          _cleanup_free_ char *o = NULL;
          if (asprintf (&o, "size=%s", value) < 0 || tmpfs_add_data (out, o, err) < 0)
            goto fail;
        }
      else if (strcmp (kv, "tmpfs-mode") == 0 && value != NULL)
        {
          _cleanup_free_ char *o = NULL;
          if (asprintf (&o, "mode=%s", value) < 0 || tmpfs_add_data (out, o, err) < 0)
            goto fail;
        }
      else if ((strcmp (kv, "bind-propagation") == 0 || strcmp (kv, "relabel") == 0) && value != NULL)
        ;
      else if (value == NULL && apply_flag_option (out, kv))
        ;
      else
        {
          galley_error_make (err, 0, "--mount %s: unknown option \"%s\"", arg, kv);
          goto fail;
        }
    }
  if (type < 0)
    {
      galley_error_make (err, 0, "--mount %s: type is required (type=bind or type=tmpfs)", arg);
      goto fail;
    }
  out->kind = (enum mount_kind)type;
  if (out->destination == NULL)
    {
      galley_error_make (err, 0, "--mount %s: target is required", arg);
      goto fail;
    }
  if (check_destination (out->destination, err) < 0)
    goto fail;
  if (out->kind == MOUNT_KIND_BIND && (out->source == NULL || out->source[0] != '/'))
    {
      galley_error_make (err, 0, "--mount %s: source must be an absolute host path", arg);
      goto fail;
    }
  if (out->kind == MOUNT_KIND_TMPFS)
    {
      if (out->source != NULL)
        {
          galley_error_make (err, 0, "--mount %s: tmpfs takes no source", arg);
          goto fail;
        }
      out->flags |= MS_NOSUID | MS_NODEV;
    }
  return 0;
fail:
  mount_spec_clear (out);
  return -1;
}
