/* build --secret id=ID[,src=PATH|env=VAR][,type=file|env] and the
 * RUN --mount=type=secret,id=ID[,target=PATH][,required][,mode=][,uid=][,gid=]
 * that use them (podman's, buildah's syntax): for the one RUN, the
 * secret is a read-only file in its container (/run/secrets/ID unless
 * target= says otherwise), a copy that goes with the container, and the
 * mount point the runtime made for it leaves the layer: the secret is in
 * no layer and no image.  */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build/executor_internal.h"
#include "image/whiteout.h"
#include "state/container_secrets.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/strv.h"
#include "util/xmalloc.h"

#define SECRET_SYNTAX \
  "incorrect secret flag format: should be --secret id=foo,src=bar[,env=ENV,type=file|env]"

void
build_secrets_free (struct build_secret *list, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      free (list[i].id);
      free (list[i].source);
    }
  free (list);
}

static int
parse_one (const char *spec, struct build_secret *out, galley_error_t *err)
{
  _cleanup_strv_ char **parts = strv_split (spec, ',');
  _cleanup_free_ char *id = NULL, *src = NULL;
  bool env = false;
  struct stat st;

  for (size_t i = 0; parts && parts[i]; i++)
    {
      const char *eq = strchr (parts[i], '='), *v = eq ? eq + 1 : "";
      size_t klen = eq ? (size_t)(eq - parts[i]) : strlen (parts[i]);
      char **slot = NULL;
      if (klen == 2 && strncmp (parts[i], "id", 2) == 0)
        slot = &id;
      else if (klen == 3 && strncmp (parts[i], "src", 3) == 0)
        slot = &src;
      else if (klen == 3 && strncmp (parts[i], "env", 3) == 0)
        slot = &src, env = true;
      else if (klen == 4 && strncmp (parts[i], "type", 4) == 0)
        {
          if (strcmp (v, "file") != 0 && strcmp (v, "env") != 0)
            return galley_error_kind (err, EINVAL, "invalid secret type, must be file or env");
          env = strcmp (v, "env") == 0;
          continue;
        }
      if (slot == NULL)
        continue; /* buildah ignores what it does not know */
      free (*slot);
      *slot = xstrdup (v);
    }
  if (id == NULL || *id == '\0')
    return galley_error_kind (err, EINVAL, SECRET_SYNTAX);
  if (src == NULL || *src == '\0')
    {
      free (src);
      src = xstrdup (id);
    }
  if (env && getenv (src) == NULL)
    return galley_error_kind (err, EINVAL, "could not parse secrets: cannot find env var %s", src);
  if (! env && stat (src, &st) < 0)
    return galley_error_make (err, errno, "could not parse secrets: stat %s", src);
  *out = (struct build_secret){ .id = steal_pointer (&id), .source = steal_pointer (&src), .env = env };
  return 0;
}

int
build_secrets_parse (char *const *specs, struct build_secret **out, size_t *n, galley_error_t *err)
{
  size_t count = strv_len (specs);

  *out = NULL;
  *n = 0;
  if (count == 0)
    return 0;
  *out = xcalloc (count, sizeof **out);
  for (size_t i = 0; i < count; i++, (*n)++)
    if (parse_one (specs[i], &(*out)[i], err) < 0)
      {
        build_secrets_free (*out, *n);
        *out = NULL;
        *n = 0;
        return -1;
      }
  return 0;
}

/* One --mount=type=secret,... value.  */
struct secret_mount
{
  char *id;
  char *target; /* absolute, clean */
  bool required;
  uid_t uid;
  gid_t gid;
  mode_t mode;
};

static void
secret_mount_clear (struct secret_mount *m)
{
  free (m->id);
  free (m->target);
  memset (m, 0, sizeof *m);
}

static int
mount_syntax (const char *value, galley_error_t *err)
{
  return galley_error_kind (err, EINVAL,
                            "RUN --mount=%s: incorrect secret mount format: should be "
                            "type=secret,id=ID[,target=PATH][,required][,mode=MODE][,uid=UID][,gid=GID]",
                            value);
}

static int
parse_number (const char *value, const char *v, int base, unsigned long max, unsigned long *out,
              galley_error_t *err)
{
  char *end = NULL;

  errno = 0;
  *out = v ? strtoul (v, &end, base) : 0;
  if (v == NULL || *v < '0' || *v > '9' || *end != '\0' || errno != 0 || *out > max)
    return mount_syntax (value, err);
  return 0;
}

static bool
key_is (const char *part, size_t klen, const char *key)
{
  return strlen (key) == klen && strncmp (part, key, klen) == 0;
}

static void
replace_string (char **slot, const char *value)
{
  free (*slot);
  *slot = xstrdup (value);
}

/* One KEY[=VALUE] of a secret mount.  */
static int
parse_mount_option (const char *value, const char *part, struct secret_mount *m, char **target,
                    galley_error_t *err)
{
  const char *eq = strchr (part, '='), *v = eq ? eq + 1 : NULL;
  size_t klen = eq ? (size_t)(eq - part) : strlen (part);
  unsigned long n;

  if (key_is (part, klen, "type"))
    return 0;
  if (key_is (part, klen, "required"))
    {
      m->required = v == NULL || strcmp (v, "true") == 0;
      return 0;
    }
  if (v != NULL && key_is (part, klen, "id"))
    {
      replace_string (&m->id, v);
      return 0;
    }
  if (v != NULL
      && (key_is (part, klen, "target") || key_is (part, klen, "dst") || key_is (part, klen, "destination")))
    {
      replace_string (target, v);
      return 0;
    }
  if (key_is (part, klen, "mode"))
    {
      if (parse_number (value, v, 8, 07777, &n, err) < 0)
        return -1;
      m->mode = (mode_t)n;
      return 0;
    }
  if (key_is (part, klen, "uid") || key_is (part, klen, "gid"))
    {
      if (parse_number (value, v, 10, 0xfffffffeUL, &n, err) < 0)
        return -1;
      if (part[0] == 'u')
        m->uid = (uid_t)n;
      else
        m->gid = (gid_t)n;
      return 0;
    }
  return mount_syntax (value, err);
}

/* Fills *m and returns 1 for a secret mount, 0 for another type.  */
static int
parse_secret_mount (const char *value, struct secret_mount *m, galley_error_t *err)
{
  _cleanup_strv_ char **parts = strv_split (value, ',');
  _cleanup_free_ char *target = NULL, *joined = NULL, *rel = NULL;
  const char *t;

  *m = (struct secret_mount){ .mode = 0400 };
  if (! strv_contains (parts, "type=secret"))
    return 0;
  for (size_t i = 0; parts && parts[i]; i++)
    if (parse_mount_option (value, parts[i], m, &target, err) < 0)
      {
        secret_mount_clear (m);
        return -1;
      }
  if (m->id == NULL || *m->id == '\0')
    {
      secret_mount_clear (m);
      return mount_syntax (value, err);
    }
  t = target && *target ? target : m->id;
  if (asprintf (&joined, "%s%s", t[0] == '/' ? "" : "/run/secrets/", t) < 0
      || (rel = fs_clean_relative (joined)) == NULL || asprintf (&m->target, "/%s", rel) < 0)
    abort ();
  return 1;
}

int
run_secrets_check (const struct build *b, const struct cf_instruction *in, galley_error_t *err)
{
  for (size_t i = 0; i < in->n_flags; i++)
    {
      struct secret_mount m;
      bool known = false;
      int r;
      if (strcmp (in->flags[i].name, "mount") != 0)
        continue;
      if ((r = parse_secret_mount (in->flags[i].value, &m, err)) <= 0)
        {
          if (r < 0)
            return -1;
          continue;
        }
      for (size_t k = 0; k < b->n_secrets; k++)
        known = known || strcmp (b->secrets[k].id, m.id) == 0;
      if (! known && m.required)
        {
          galley_error_kind (err, ENOENT, "secret required but no secret with id %s found", m.id);
          secret_mount_clear (&m);
          return -1;
        }
      secret_mount_clear (&m);
    }
  return 0;
}

/* The secret's data written into dirfd/name (0600, a new file).  */
static int
write_copy (const struct build_secret *s, int dirfd, const char *name, galley_error_t *err)
{
  _cleanup_close_ int out = openat (dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  _cleanup_close_ int in = -1;
  struct stat st;

  if (out < 0)
    return galley_error_make (err, errno, "creating the copy of secret %s", s->id);
  if (s->env)
    {
      const char *v = getenv (s->source);
      if (v == NULL)
        return galley_error_kind (err, EINVAL, "cannot find env var %s", s->source);
      if (fs_write_all (out, v, strlen (v)) < 0)
        return galley_error_make (err, errno, "writing the copy of secret %s", s->id);
      return 0;
    }
  in = open (s->source, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (in < 0 || fstat (in, &st) < 0)
    return galley_error_make (err, errno, "secret %s: opening %s", s->id, s->source);
  if (! S_ISREG (st.st_mode))
    return galley_error_kind (err, EINVAL, "secret %s: %s is not a regular file", s->id, s->source);
  return fs_copy_data (in, out, st.st_size, err);
}

static void
add_mount (struct run_spec *spec, char *source, const struct secret_mount *m)
{
  spec->mounts = xreallocarray (spec->mounts, spec->n_mounts + 1, sizeof *spec->mounts);
  spec->mounts[spec->n_mounts++] = (struct mount_spec){
    .kind = MOUNT_KIND_BIND,
    .source = source,
    .destination = xstrdup (m->target),
    .readonly = true,
    .secret = true,
    .owner_uid = m->uid,
    .owner_gid = m->gid,
    .secret_mode = m->mode,
  };
}

int
run_secrets_attach (struct build *b, const struct cf_instruction *in, const char *cid, struct run_spec *spec,
                    char ***targets, galley_error_t *err)
{
  _cleanup_close_ int dirfd = -1;

  for (size_t i = 0; i < in->n_flags; i++)
    {
      const struct build_secret *s = NULL;
      struct secret_mount m;
      char name[32];
      int r;

      if (strcmp (in->flags[i].name, "mount") != 0)
        continue;
      if ((r = parse_secret_mount (in->flags[i].value, &m, err)) <= 0)
        {
          if (r < 0)
            return -1;
          continue;
        }
      for (size_t k = 0; k < b->n_secrets && s == NULL; k++)
        if (strcmp (b->secrets[k].id, m.id) == 0)
          s = &b->secrets[k];
      /* an unknown secret that is not required: no mount, as buildah's */
      snprintf (name, sizeof name, "run-%zu", i);
      if (s != NULL)
        {
          if (dirfd < 0)
            dirfd = container_secrets_dir (b->paths, cid, err);
          r = dirfd < 0 ? -1 : write_copy (s, dirfd, name, err);
          if (r == 0)
            {
              add_mount (spec, container_secret_copy_path (b->paths, cid, name), &m);
              strv_append (targets, m.target);
            }
        }
      secret_mount_clear (&m);
      if (r < 0)
        return -1;
    }
  return 0;
}

void
run_secrets_drop_mount_points (const char *upper, char *const *targets)
{
  _cleanup_close_ int fd = open (upper, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  for (size_t i = 0; fd >= 0 && targets && targets[i]; i++)
    {
      _cleanup_free_ char *rel = fs_clean_relative (targets[i]);
      struct stat st;
      char *slash;

      /* the empty file the runtime made to mount on */
      if (rel == NULL || fstatat (fd, rel, &st, AT_SYMLINK_NOFOLLOW) < 0 || ! S_ISREG (st.st_mode)
          || st.st_size != 0 || unlinkat (fd, rel, 0) < 0)
        continue;
      /* and the directories made for it, while they are empty */
      while ((slash = strrchr (rel, '/')) != NULL)
        {
          _cleanup_close_ int d = -1;
          *slash = '\0';
          d = openat (fd, rel, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
          if (d < 0 || whiteout_dir_is_opaque (d) || unlinkat (fd, rel, AT_REMOVEDIR) < 0)
            break;
        }
    }
}
