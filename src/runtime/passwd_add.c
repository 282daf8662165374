/* The entries a container's /etc/passwd and /etc/group get (passwd_add.h),
 * as podman 4.3's libpod makes them (generatePasswdAndGroup): written into
 * the rootfs where it is writable, so that they stay with the container and
 * tools that rewrite the files keep working, or bind-mounted copies from
 * the container's runroot directory when the rootfs is read-only.  */
#include "config.h"
#include "runtime/passwd_add.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/mounts.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/xmalloc.h"

/* podman's "user[:group]" split; *group NULL without a colon.  */
static char *
split_user (const char *spec, const char **group)
{
  char *user = strdup (spec), *colon;

  *group = NULL;
  if (user != NULL && (colon = strchr (user, ':')) != NULL)
    {
      *colon = '\0';
      *group = colon + 1;
    }
  return user;
}

static bool
is_number (const char *s)
{
  return *s != '\0' && strspn (s, "0123456789") == strlen (s);
}

/* Is the user or the group of spec a number?  */
static bool
names_a_number (const char *spec)
{
  const char *group = NULL;
  _cleanup_free_ char *user = spec ? split_user (spec, &group) : NULL;

  return user != NULL && (is_number (user) || (group != NULL && is_number (group)));
}

/* keep-id's user, unless the image names it or its id already.  */
static void
add_keep_user (const struct passwd_additions *a, const char *passwd_text, const char *group_text, FILE *pw,
               FILE *gr)
{
  const struct passwd_host_user *k = a->keep;
  char id[16];
  uint32_t found;

  snprintf (id, sizeof id, "%u", (unsigned)k->uid);
  if (! passwd_lookup (passwd_text, k->name, &found) && ! passwd_lookup (passwd_text, id, &found))
    fprintf (pw, "%s:*:%u:%u:%s:%s:/bin/sh\n", k->name, (unsigned)k->uid, (unsigned)k->gid, k->gecos,
             a->keep_home);
  snprintf (id, sizeof id, "%u", (unsigned)k->gid);
  if (! passwd_lookup (group_text, k->group, &found) && ! passwd_lookup (group_text, id, &found))
    fprintf (gr, "%s:x:%u:%s\n", k->group, (unsigned)k->gid, k->name);
}

/* A numeric user the image does not name, and its numeric group.  */
static void
add_numeric_user (const struct passwd_additions *a, const char *passwd_text, const char *group_text, FILE *pw,
                  FILE *gr)
{
  const char *group = NULL;
  _cleanup_free_ char *user = split_user (a->user, &group);
  const char *group_or_user = group ? group : user;
  uint32_t found, gid = 0;

  if (user == NULL)
    return;
  if (is_number (user) && ! (a->keep && strtoul (user, NULL, 10) == a->keep->uid)
      && ! passwd_lookup (passwd_text, user, &found)
      && (group == NULL || passwd_lookup (group_text, group, &gid) || is_number (group)))
    {
      if (group != NULL && is_number (group))
        gid = (uint32_t)strtoul (group, NULL, 10);
      fprintf (pw, "%s:*:%s:%" PRIu32 ":container user:%s:/bin/sh\n", user, user, gid, a->workdir);
    }
  if (is_number (group_or_user) && ! (a->keep && strtoul (group_or_user, NULL, 10) == a->keep->gid)
      && ! passwd_lookup (group_text, group_or_user, &found))
    fprintf (gr, "%s:x:%s:%s\n", group_or_user, group_or_user, user);
}

int
passwd_additions_compute (const struct passwd_additions *a, const char *passwd_text, const char *group_text,
                          char **passwd_add, char **group_add, galley_error_t *err)
{
  size_t pw_len = 0, gr_len = 0;
  FILE *pw = open_memstream (passwd_add, &pw_len);
  FILE *gr = open_memstream (group_add, &gr_len);
  int ret = 0;

  if (pw == NULL || gr == NULL)
    ret = galley_error_make (err, errno, "allocating");
  else
    {
      if (a->keep != NULL && a->keep->name != NULL)
        add_keep_user (a, passwd_text, group_text, pw, gr);
      if (a->user != NULL)
        add_numeric_user (a, passwd_text, group_text, pw, gr);
    }
  if ((pw != NULL && fclose (pw) != 0) || (gr != NULL && fclose (gr) != 0))
    ret = galley_error_make (err, errno, "allocating");
  if (ret < 0)
    {
      free (*passwd_add);
      free (*group_add);
      *passwd_add = *group_add = NULL;
    }
  return ret;
}

/* podman's home for keep-id's user: the user's own home when it, or a
 * directory above it, is a mount destination, else the working directory.  */
static const char *
keep_home (const struct run_spec *spec, const char *workdir)
{
  const char *home = spec->keep_user.home;
  _cleanup_free_ char *dir = home ? strdup (home) : NULL;
  char *slash;

  while (dir != NULL && dir[0] == '/' && dir[1] != '\0')
    {
      if (mounts_user_mount_at (spec, dir))
        return home;
      slash = strrchr (dir, '/');
      *(slash == dir ? slash + 1 : slash) = '\0';
    }
  return workdir;
}

/* Append text to /etc/NAME of the rootfs (created when missing).  */
static int
append_in_root (int rootfd, const char *name, const char *text, galley_error_t *err)
{
  char rel[32];
  _cleanup_close_ int fd = -1;
  struct stat st;

  snprintf (rel, sizeof rel, "etc/%s", name);
  fd = fs_open_in_root (rootfd, rel, O_WRONLY | O_APPEND | O_NOCTTY | O_NONBLOCK, RESOLVE_NO_MAGICLINKS);
  if (fd < 0 && errno == ENOENT)
    {
      _cleanup_close_ int made = mounts_resolve_target (rootfd, rel, false, err);
      if (made < 0)
        return galley_error_wrap (err, "creating /%s in the container", rel);
      fd = fs_open_in_root (rootfd, rel, O_WRONLY | O_APPEND | O_NOCTTY | O_NONBLOCK, RESOLVE_NO_MAGICLINKS);
    }
  if (fd < 0)
    return galley_error_make (err, errno, "opening /%s in the container", rel);
  /* A fifo or device in the image would take the entry, or block.  */
  if (fstat (fd, &st) < 0)
    return galley_error_make (err, errno, "stat /%s in the container", rel);
  if (! S_ISREG (st.st_mode))
    return galley_error_make (err, 0, "/%s in the container is not a regular file", rel);
  if (fs_write_all (fd, text, strlen (text)) < 0)
    return galley_error_make (err, errno, "appending to /%s in the container", rel);
  return 0;
}

/* --read-only: the image's file plus text, from the runroot, mounted over
 * /etc/NAME.  */
static int
bind_extended_copy (int rootfd, const struct run_spec *spec, const char *name, const char *orig,
                    const char *text, galley_error_t *err)
{
  _cleanup_free_ char *all = NULL, *src = NULL;
  _cleanup_close_ int dfd = -1, target = -1;
  char rel[32];

  snprintf (rel, sizeof rel, "/etc/%s", name);
  all = xasprintf ("%s%s", orig ? orig : "", text);
  src = xasprintf ("%s/%s", spec->state_dir, name);
  dfd = open (spec->state_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return galley_error_make (err, errno, "opening %s", spec->state_dir);
  if (fs_write_text (dfd, name, all, 0644, err) < 0)
    return -1;
  target = mounts_resolve_target (rootfd, rel, false, err);
  if (target < 0 || mounts_bind_at (src, false, 0, target, err) < 0)
    return galley_error_wrap (err, "mounting %s", rel);
  return 0;
}

static int
add_to_file (int rootfd, const struct run_spec *spec, const char *name, const char *orig, const char *text,
             galley_error_t *err)
{
  char dst[32];

  snprintf (dst, sizeof dst, "/etc/%s", name);
  if (*text == '\0' || mounts_user_mount_at (spec, dst))
    return 0;
  if (spec->read_only)
    return bind_extended_copy (rootfd, spec, name, orig, text, err);
  return append_in_root (rootfd, name, text, err);
}

int
passwd_add_entries (int rootfd, const struct run_spec *spec, galley_error_t *err)
{
  _cleanup_free_ char *passwd_text = NULL, *group_text = NULL, *pw_add = NULL, *gr_add = NULL;
  const char *workdir = spec->workdir ? spec->workdir : "/";
  struct passwd_additions a = { .user = spec->user, .workdir = workdir };

  if (spec->no_passwd_entries)
    return 0;
  if (spec->keep_user.name != NULL)
    {
      a.keep = &spec->keep_user;
      a.keep_home = keep_home (spec, workdir);
    }
  /* The common case costs nothing: only numeric ids can need an entry.  */
  if (a.keep == NULL && ! names_a_number (spec->user))
    return 0;
  if (passwd_read_in_root (rootfd, "etc/passwd", &passwd_text, err) < 0
      || passwd_read_in_root (rootfd, "etc/group", &group_text, err) < 0
      || passwd_additions_compute (&a, passwd_text, group_text, &pw_add, &gr_add, err) < 0)
    return -1;
  if (add_to_file (rootfd, spec, "passwd", passwd_text, pw_add, err) < 0
      || add_to_file (rootfd, spec, "group", group_text, gr_add, err) < 0)
    return galley_error_wrap (err, "adding the container's user to /etc/passwd and /etc/group");
  return 0;
}
