/* fs_path_trusted (see fs_trust.h): a walk of the path, component by
 * component, that checks every directory it passes through.  */
#include "config.h"
#include "util/fs_trust.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/cleanup.h"

/* As the kernel's limit on symlinks followed in one lookup.  */
#define MAX_SYMLINKS 40

static int
check_one (const char *path, const struct stat *st, bool leaf, galley_error_t *err)
{
  uid_t uid = geteuid ();

  if (st->st_uid != 0 && st->st_uid != uid)
    return galley_error_kind (err, EPERM, "%s belongs to uid %u, neither root nor the user", path,
                              (unsigned)st->st_uid);
  if ((st->st_mode & (S_IWGRP | S_IWOTH)) == 0)
    return 0;
  if (! leaf && S_ISDIR (st->st_mode) && (st->st_mode & S_ISVTX) && st->st_uid == 0)
    return 0;
  return galley_error_kind (err, EPERM, "%s is writable by other users (mode %04o)", path,
                            (unsigned)(st->st_mode & 07777));
}

/* Replace *rest by target + "/" + the components after the current one.  */
static int
splice_link (char **rest, const char *target, const char *after)
{
  char *next = NULL;

  if (asprintf (&next, "%s%s%s", target, *after ? "/" : "", after) < 0)
    return -1;
  free (*rest);
  *rest = next;
  return 0;
}

int
fs_path_trusted (const char *path, galley_error_t *err)
{
  _cleanup_free_ char *rest = strdup (path);
  char cur[PATH_MAX] = "/";
  size_t links = 0;
  struct stat st;

  if (rest == NULL)
    return galley_error_make (err, ENOMEM, "%s", path);
  if (path[0] != '/')
    return galley_error_make (err, EINVAL, "%s: not an absolute path", path);
  if (lstat ("/", &st) < 0)
    return galley_error_make (err, errno, "/");
  if (check_one ("/", &st, false, err) < 0)
    return -1;
  for (;;)
    {
      char *comp = rest, *end, *after, target[PATH_MAX];
      size_t len = strlen (cur);
      ssize_t n;

      while (*comp == '/')
        comp++;
      if (*comp == '\0')
        break;
      end = comp + strcspn (comp, "/");
      after = end + strspn (end, "/");
      if ((size_t)(end - comp) == 1 && comp[0] == '.')
        {
          memmove (rest, after, strlen (after) + 1);
          continue;
        }
      if ((size_t)(end - comp) == 2 && comp[0] == '.' && comp[1] == '.')
        {
          /* Back to a directory the walk has checked.  */
          char *slash = strrchr (cur, '/');
          if (slash != cur)
            *slash = '\0';
          else
            cur[1] = '\0';
          memmove (rest, after, strlen (after) + 1);
          continue;
        }
      if (len + 1 + (size_t)(end - comp) >= sizeof cur)
        return galley_error_make (err, ENAMETOOLONG, "%s", path);
      snprintf (cur + len, sizeof cur - len, "%s%.*s", len > 1 ? "/" : "", (int)(end - comp), comp);
      if (lstat (cur, &st) < 0)
        return galley_error_make (err, errno, "%s", cur);
      if (S_ISLNK (st.st_mode))
        {
          if (++links > MAX_SYMLINKS)
            return galley_error_make (err, ELOOP, "%s", path);
          n = readlink (cur, target, sizeof target - 1);
          if (n < 0)
            return galley_error_make (err, errno, "%s", cur);
          target[n] = '\0';
          /* The link's directory was checked; its target is walked from
           * there, or from "/" when absolute.  */
          *strrchr (cur, '/') = '\0';
          if (target[0] == '/' || cur[0] == '\0')
            strcpy (cur, "/");
          if (splice_link (&rest, target, after) < 0)
            return galley_error_make (err, ENOMEM, "%s", path);
          continue;
        }
      if (check_one (cur, &st, *after == '\0', err) < 0)
        return -1;
      if (*after != '\0' && ! S_ISDIR (st.st_mode))
        return galley_error_make (err, ENOTDIR, "%s", cur);
      memmove (rest, after, strlen (after) + 1);
    }
  return 0;
}
