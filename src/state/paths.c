/* Resolution of the per-user storage, runtime and configuration paths,
 * including the runroot fallback for sessions without XDG_RUNTIME_DIR
 * (ssh to a login node, su, batch jobs).  */
#include "config.h"
#include "state/paths.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fs.h"
#include "util/log.h"

static char *
xstrdup_or_null (const char *s)
{
  return s ? strdup (s) : NULL;
}

static const char *
env_nonempty (const char *name)
{
  const char *v = getenv (name);
  return (v != NULL && v[0] != '\0') ? v : NULL;
}

static int
absolute_dup (const char *value, const char *what, char **out, galley_error_t *err)
{
  if (value[0] != '/')
    return galley_error_make (err, 0, "%s must be an absolute path: \"%s\"", what, value);
  *out = strdup (value);
  if (*out == NULL)
    return galley_error_make (err, errno, "allocating");
  /* Drop trailing slashes, keep "/" itself.  */
  for (size_t n = strlen (*out); n > 1 && (*out)[n - 1] == '/'; n--)
    (*out)[n - 1] = '\0';
  return 0;
}

/* XDG_RUNTIME_DIR counts only if it is a directory owned by us.  */
static bool
runtime_dir_usable (const char *dir, uid_t uid)
{
  struct stat st;
  return dir != NULL && stat (dir, &st) == 0 && S_ISDIR (st.st_mode) && st.st_uid == uid
         && access (dir, W_OK) == 0;
}

int
paths_resolve (struct galley_paths *p, const char *root_opt, const char *runroot_opt, galley_error_t *err)
{
  const char *v;

  memset (p, 0, sizeof *p);
  p->uid = geteuid ();
  p->gid = getegid ();
  p->rootless = p->uid != 0;

  v = env_nonempty ("HOME");
  if (v == NULL)
    {
      struct passwd *pw = getpwuid (p->uid);
      v = pw ? pw->pw_dir : "/";
    }
  p->home = strdup (v);

  if ((v = env_nonempty ("XDG_CONFIG_HOME")) != NULL)
    p->config_home = strdup (v);
  else if (asprintf (&p->config_home, "%s/.config", p->home) < 0)
    p->config_home = NULL;

  v = env_nonempty ("XDG_RUNTIME_DIR");
  if (runtime_dir_usable (v, p->uid))
    p->xdg_runtime_dir = xstrdup_or_null (v);

  if (root_opt != NULL)
    {
      if (absolute_dup (root_opt, "--root", &p->root, err) < 0)
        return -1;
      p->root_source = "--root";
    }
  else if ((v = env_nonempty ("GALLEY_ROOT")) != NULL)
    {
      if (absolute_dup (v, "GALLEY_ROOT", &p->root, err) < 0)
        return -1;
      p->root_source = "GALLEY_ROOT";
    }
  else if (! p->rootless)
    {
      p->root = strdup ("/var/lib/galley/storage");
      p->root_source = "default for root";
    }
  else if ((v = env_nonempty ("XDG_DATA_HOME")) != NULL && v[0] == '/')
    {
      if (asprintf (&p->root, "%s/galley/storage", v) < 0)
        p->root = NULL;
      p->root_source = "XDG_DATA_HOME";
    }
  else
    {
      if (asprintf (&p->root, "%s/.local/share/galley/storage", p->home) < 0)
        p->root = NULL;
      p->root_source = "default ($HOME/.local/share)";
    }

  if (runroot_opt != NULL)
    {
      if (absolute_dup (runroot_opt, "--runroot", &p->runroot, err) < 0)
        return -1;
      p->runroot_source = "--runroot";
    }
  else if ((v = env_nonempty ("GALLEY_RUNROOT")) != NULL)
    {
      if (absolute_dup (v, "GALLEY_RUNROOT", &p->runroot, err) < 0)
        return -1;
      p->runroot_source = "GALLEY_RUNROOT";
    }
  else if (! p->rootless)
    {
      p->runroot = strdup ("/run/galley");
      p->runroot_source = "default for root";
    }
  else if (p->xdg_runtime_dir != NULL)
    {
      if (asprintf (&p->runroot, "%s/galley", p->xdg_runtime_dir) < 0)
        p->runroot = NULL;
      p->runroot_source = "XDG_RUNTIME_DIR";
    }
  else
    {
      if (asprintf (&p->runroot, "/tmp/galley-%u", (unsigned)p->uid) < 0)
        p->runroot = NULL;
      p->runroot_source = "fallback: XDG_RUNTIME_DIR is unset or not ours";
      p->runroot_fallback = true;
    }

  if (p->home == NULL || p->config_home == NULL || p->root == NULL || p->runroot == NULL)
    return galley_error_make (err, ENOMEM, "resolving paths");
  return 0;
}

/* "uid 1006 (alice)", or "uid 1006" for an id without a name.  */
static void
describe_uid (uid_t uid, char *buf, size_t size)
{
  struct passwd *pw = getpwuid (uid);

  if (pw != NULL)
    snprintf (buf, size, "uid %u (%s)", (unsigned)uid, pw->pw_name);
  else
    snprintf (buf, size, "uid %u", (unsigned)uid);
}

static int
check_private_stat (const char *path, const struct stat *st, uid_t uid, galley_error_t *err)
{
  char owner[320];

  if (S_ISDIR (st->st_mode) && st->st_uid == uid && (st->st_mode & (S_IWGRP | S_IWOTH)) == 0)
    return 0;
  describe_uid (st->st_uid, owner, sizeof owner);
  if (S_ISLNK (st->st_mode))
    return galley_error_make (err, 0, "%s is a symbolic link owned by %s, not a directory", path, owner);
  if (! S_ISDIR (st->st_mode))
    return galley_error_make (err, 0, "%s is not a directory", path);
  if (st->st_uid != uid)
    return galley_error_make (err, 0, "%s is owned by %s, not by the current user (uid %u)", path, owner,
                              (unsigned)uid);
  return galley_error_make (err, 0, "%s is writable by other users (mode %04o)", path,
                            (unsigned)(st->st_mode & 07777));
}

int
paths_check_private_dir (const char *path, uid_t uid, galley_error_t *err)
{
  struct stat st;

  if (lstat (path, &st) < 0)
    return galley_error_make (err, errno, "%s", path);
  return check_private_stat (path, &st, uid, err);
}

/* One lstat(2) when the directory exists, as it nearly always does.  */
static int
ensure_private_dir (const char *path, uid_t uid, galley_error_t *err)
{
  struct stat st;

  if (lstat (path, &st) == 0)
    return check_private_stat (path, &st, uid, err);
  if (errno != ENOENT)
    return galley_error_make (err, errno, "%s", path);
  if (fs_mkdir_p (path, 0700, err) < 0)
    return -1;
  return paths_check_private_dir (path, uid, err);
}

/* The fallback runroot in /tmp is someone else's (or open to others): a
 * private directory under $TMPDIR instead, when there is one.  */
static int
runroot_from_tmpdir (struct galley_paths *p, galley_error_t *err)
{
  const char *tmpdir = env_nonempty ("TMPDIR");
  _cleanup_free_ char *why = steal_pointer (&(*err)->msg), *alt = NULL;

  galley_error_release (err);
  if (tmpdir == NULL || tmpdir[0] != '/')
    return galley_error_make (err, 0, "unsafe runroot: %s; set XDG_RUNTIME_DIR or TMPDIR, or use --runroot",
                              why);
  if (asprintf (&alt, "%s/galley-%u", tmpdir, (unsigned)p->uid) < 0)
    return galley_error_make (err, errno, "allocating");
  if (strcmp (alt, p->runroot) == 0)
    return galley_error_make (err, 0, "unsafe runroot: %s; set XDG_RUNTIME_DIR or use --runroot", why);
  if (ensure_private_dir (alt, p->uid, err) < 0)
    return galley_error_wrap (err, "unsafe runroot: %s, and under TMPDIR", why);
  log_warn ("%s: using %s as the runroot", why, alt);
  free (p->runroot);
  p->runroot = steal_pointer (&alt);
  p->runroot_source = "fallback: TMPDIR, as /tmp/galley-UID is not private";
  return 0;
}

int
paths_prepare_runroot (struct galley_paths *p, galley_error_t *err)
{
  if (ensure_private_dir (p->runroot, p->uid, err) == 0)
    return 0;
  if (galley_error_errno (err) != 0)
    return galley_error_wrap (err, "runroot");
  if (p->runroot_fallback)
    return runroot_from_tmpdir (p, err);
  return galley_error_wrap (err, "unsafe runroot");
}

int
paths_ensure_root (const struct galley_paths *p, galley_error_t *err)
{
  if (ensure_private_dir (p->root, p->uid, err) == 0)
    return 0;
  return galley_error_wrap (err, galley_error_errno (err) != 0 ? "storage root" : "unsafe storage root");
}

void
paths_release (struct galley_paths *p)
{
  free (p->home);
  free (p->config_home);
  free (p->root);
  free (p->runroot);
  free (p->xdg_runtime_dir);
  memset (p, 0, sizeof *p);
}
