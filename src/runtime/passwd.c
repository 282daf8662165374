/* --user against the image's /etc/passwd and /etc/group, with runc's
 * (libcontainer/user GetExecUser) rules, which podman users see: numeric ids
 * need no entry, names must match one, a named user (or the uid's entry)
 * brings its supplementary groups unless a group was given.  The files come
 * from an untrusted rootfs: opened inside it with RESOLVE_IN_ROOT, regular
 * files only, size-capped.  */
#define _GNU_SOURCE
#include "config.h"
#include "runtime/passwd.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/xmalloc.h"
#include "util/fs.h"

/* Far above any real passwd file; bounds what an image can make us read.  */
#define PASSWD_MAX_SIZE (8u << 20)
#define PASSWD_MAX_GROUPS 1024

bool
passwd_spec_is_root (const char *spec)
{
  size_t n;

  if (spec == NULL)
    return true;
  n = strcspn (spec, ":");
  return n == 0 || (n == 4 && strncmp (spec, "root", 4) == 0) || (n == 1 && spec[0] == '0');
}

void
passwd_host_user_clear (struct passwd_host_user *u)
{
  free (u->name);
  free (u->gecos);
  free (u->home);
  free (u->group);
  memset (u, 0, sizeof *u);
}

int
passwd_host_user_current (struct passwd_host_user *out, galley_error_t *err)
{
  struct passwd *pw = getpwuid (getuid ());
  struct group *gr = pw ? getgrgid (getgid ()) : NULL;

  memset (out, 0, sizeof *out);
  if (pw == NULL || gr == NULL)
    return 0;
  out->uid = pw->pw_uid;
  out->gid = gr->gr_gid;
  out->name = strdup (pw->pw_name);
  out->gecos = strndup (pw->pw_gecos ? pw->pw_gecos : "", strcspn (pw->pw_gecos ? pw->pw_gecos : "", ","));
  out->home = strdup (pw->pw_dir ? pw->pw_dir : "/");
  out->group = strdup (gr->gr_name);
  if (out->name == NULL || out->gecos == NULL || out->home == NULL || out->group == NULL)
    {
      passwd_host_user_clear (out);
      return galley_error_make (err, ENOMEM, "allocating");
    }
  return 0;
}

void
passwd_user_clear (struct passwd_user *u)
{
  free (u->name);
  free (u->home);
  free (u->groups);
  memset (u, 0, sizeof *u);
}

int
passwd_read_in_root (int rootfs_fd, const char *relpath, char **out, galley_error_t *err)
{
  _cleanup_close_ int fd =
      fs_open_in_root (rootfs_fd, relpath, O_RDONLY | O_NOCTTY | O_NONBLOCK, RESOLVE_NO_MAGICLINKS);
  _cleanup_free_ char *buf = NULL;
  struct stat st;
  size_t len = 0;

  *out = NULL;
  if (fd < 0)
    {
      if (errno == ENOENT)
        return 0;
      return galley_error_make (err, errno, "open /%s in the container", relpath);
    }
  if (fstat (fd, &st) < 0)
    return galley_error_make (err, errno, "stat /%s in the container", relpath);
  /* A fifo or device would block or never end.  */
  if (! S_ISREG (st.st_mode))
    return galley_error_make (err, 0, "/%s in the container is not a regular file", relpath);
  if (st.st_size > PASSWD_MAX_SIZE)
    return galley_error_make (err, 0, "/%s in the container is too large", relpath);
  buf = malloc ((size_t)st.st_size + 1);
  if (buf == NULL)
    return galley_error_make (err, ENOMEM, "reading /%s", relpath);
  while (len < (size_t)st.st_size)
    {
      ssize_t r = read (fd, buf + len, (size_t)st.st_size - len);

      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        return galley_error_make (err, errno, "reading /%s in the container", relpath);
      if (r == 0)
        break;
      len += (size_t)r;
    }
  buf[len] = '\0';
  *out = steal_pointer (&buf);
  return 0;
}

/* Split line (modified in place) at ':' into at most max fields; returns
 * the number found.  */
static size_t
split_fields (char *line, char **fields, size_t max)
{
  size_t n = 0;

  while (n < max)
    {
      fields[n++] = line;
      line = strchr (line, ':');
      if (line == NULL)
        break;
      *line++ = '\0';
    }
  return n;
}

/* A decimal id in [0, UINT32_MAX - 1] ((uid_t) -1 means "no change").  */
static int
parse_id (const char *s, uint32_t *out)
{
  char *end;
  unsigned long long v;

  if (*s < '0' || *s > '9')
    return -1;
  errno = 0;
  v = strtoull (s, &end, 10);
  if (errno != 0 || *end != '\0' || v >= UINT32_MAX)
    return -1;
  *out = (uint32_t)v;
  return 0;
}

int
passwd_lookup (const char *text, const char *spec, uint32_t *id)
{
  const char *line = text;
  uint32_t want, got;
  bool numeric = parse_id (spec, &want) == 0;

  while (line != NULL && *line != '\0')
    {
      const char *end = strchr (line, '\n');
      _cleanup_free_ char *copy = strndup (line, end ? (size_t)(end - line) : strlen (line));
      char *f[4];

      line = end ? end + 1 : NULL;
      if (copy == NULL || copy[0] == '#' || split_fields (copy, f, 4) < 3 || parse_id (f[2], &got) < 0)
        continue;
      if (strcmp (f[0], spec) == 0 || (numeric && got == want))
        {
          *id = got;
          return 1;
        }
    }
  return 0;
}

/* The next line of *cursor (NUL-terminated in place), or NULL.  */
static char *
next_line (char **cursor)
{
  char *line = *cursor, *nl;

  if (line == NULL || *line == '\0')
    return NULL;
  nl = strchr (line, '\n');
  if (nl != NULL)
    {
      *nl = '\0';
      *cursor = nl + 1;
    }
  else
    *cursor = line + strlen (line);
  return line;
}

/* Find the passwd entry named name, or with uid *uid when name is NULL.  */
static int
find_passwd (char *text, const char *name, const uint32_t *uid, struct passwd_user *out)
{
  char *cursor = text, *line;

  while ((line = next_line (&cursor)) != NULL)
    {
      char *f[7];
      uint32_t u, g;
      size_t n;

      if (line[0] == '#' || (n = split_fields (line, f, 7)) < 4)
        continue;
      if (parse_id (f[2], &u) < 0 || parse_id (f[3], &g) < 0)
        continue;
      if (name != NULL ? strcmp (f[0], name) != 0 : u != *uid)
        continue;
      out->uid = u;
      out->gid = g;
      out->name = strdup (f[0]);
      if (n >= 6 && f[5][0] != '\0')
        out->home = strdup (f[5]);
      return 1;
    }
  return 0;
}

static bool
member_of (char *members, const char *name)
{
  char *save = NULL, *m;

  for (m = strtok_r (members, ",", &save); m != NULL; m = strtok_r (NULL, ",", &save))
    {
      m += strspn (m, " \t");
      m[strcspn (m, " \t\r")] = '\0';
      if (strcmp (m, name) == 0)
        return true;
    }
  return false;
}

/* Either find group_name's gid (group_name != NULL) or collect the groups
 * listing member as a member.  */
static int
scan_groups (char *text, const char *group_name, const char *member, gid_t *gid_out, struct passwd_user *u,
             galley_error_t *err)
{
  char *cursor = text, *line;

  while (text != NULL && (line = next_line (&cursor)) != NULL)
    {
      char *f[4];
      uint32_t g;
      size_t n;

      if (line[0] == '#' || (n = split_fields (line, f, 4)) < 3 || parse_id (f[2], &g) < 0)
        continue;
      if (group_name != NULL)
        {
          if (strcmp (f[0], group_name) == 0)
            {
              *gid_out = g;
              return 1;
            }
          continue;
        }
      if (n < 4 || ! member_of (f[3], member) || u->n_groups >= PASSWD_MAX_GROUPS)
        continue;
      if (u->groups == NULL)
        {
          u->groups = calloc (PASSWD_MAX_GROUPS, sizeof (gid_t));
          if (u->groups == NULL)
            return galley_error_make (err, ENOMEM, "supplementary groups");
        }
      u->groups[u->n_groups++] = g;
    }
  return 0;
}

static int
resolve_group (int rootfs_fd, const char *group, struct passwd_user *out, galley_error_t *err)
{
  _cleanup_free_ char *text = NULL;
  uint32_t gid;

  if (parse_id (group, &gid) == 0)
    {
      out->gid = gid;
      return 0;
    }
  if (passwd_read_in_root (rootfs_fd, "etc/group", &text, err) < 0)
    return -1;
  if (text == NULL || scan_groups (text, group, NULL, &out->gid, out, err) != 1)
    return galley_error_make (err, 0, "unable to find group %s: no matching entries in group file", group);
  return 0;
}

int
passwd_add_groups (int rootfs_fd, char *const *groups, struct passwd_user *u, galley_error_t *err)
{
  size_t i;

  for (i = 0; groups != NULL && groups[i] != NULL; i++)
    {
      struct passwd_user g = { 0 };
      int r = resolve_group (rootfs_fd, groups[i], &g, err);
      gid_t gid = g.gid;

      passwd_user_clear (&g);
      if (r < 0)
        return galley_error_wrap (err, "--group-add");
      if (u->groups == NULL)
        u->groups = xcalloc (PASSWD_MAX_GROUPS, sizeof (gid_t));
      if (u->n_groups >= PASSWD_MAX_GROUPS)
        return galley_error_make (err, 0, "--group-add: more than %d supplementary groups",
                                  PASSWD_MAX_GROUPS);
      u->groups[u->n_groups++] = gid;
    }
  return 0;
}

int
passwd_resolve_user (int rootfs_fd, const char *spec, struct passwd_user *out, galley_error_t *err)
{
  _cleanup_free_ char *user = strdup (spec == NULL ? "" : spec);
  _cleanup_free_ char *passwd_text = NULL;
  const char *group = NULL;
  char *colon;
  uint32_t uid = 0;
  bool by_name;
  int found;

  memset (out, 0, sizeof *out);
  if (user == NULL)
    return galley_error_make (err, ENOMEM, "user");
  colon = strchr (user, ':');
  if (colon != NULL)
    {
      *colon = '\0';
      group = colon + 1;
      if (*group == '\0')
        return galley_error_make (err, 0, "invalid user \"%s\": empty group", spec);
    }
  /* "" (no --user, or ":group") is uid 0, looked up by id like any number.  */
  by_name = user[0] != '\0' && parse_id (user, &uid) < 0;
  if (passwd_read_in_root (rootfs_fd, "etc/passwd", &passwd_text, err) < 0)
    goto fail;
  found = passwd_text != NULL && find_passwd (passwd_text, by_name ? user : NULL, &uid, out);
  if (! found)
    {
      if (by_name)
        {
          galley_error_make (err, 0, "unable to find user %s: no matching entries in passwd file", user);
          goto fail;
        }
      out->uid = uid;
      out->gid = 0;
    }
  if (out->home == NULL)
    out->home = strdup ("/");
  if (group != NULL)
    {
      if (resolve_group (rootfs_fd, group, out, err) < 0)
        goto fail;
    }
  else if (out->name != NULL)
    {
      _cleanup_free_ char *group_text = NULL;

      if (passwd_read_in_root (rootfs_fd, "etc/group", &group_text, err) < 0
          || scan_groups (group_text, NULL, out->name, NULL, out, err) < 0)
        goto fail;
    }
  if (out->home == NULL)
    {
      galley_error_make (err, ENOMEM, "user");
      goto fail;
    }
  return 0;

fail:
  passwd_user_clear (out);
  return -1;
}
