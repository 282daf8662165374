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
#include "util/xmalloc.h"

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
  *out = xstrdup (value);
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
      p->root_explicit = true;
    }
  else if ((v = env_nonempty ("GALLEY_ROOT")) != NULL)
    {
      if (absolute_dup (v, "GALLEY_ROOT", &p->root, err) < 0)
        return -1;
      p->root_source = "GALLEY_ROOT";
      p->root_explicit = true;
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

/* A variable of a template at *s ("USER" or "{USER}"); *s moves past it.  */
static const char *
template_variable (const char **s, const char *user, const char *uid, const char *home, char *name,
                   size_t size)
{
  const char *p = *s;
  size_t n = 0;
  bool braced = *p == '{';

  if (braced)
    p++;
  while ((p[n] >= 'A' && p[n] <= 'Z') || (p[n] >= 'a' && p[n] <= 'z') || (p[n] >= '0' && p[n] <= '9')
         || p[n] == '_')
    n++;
  snprintf (name, size, "%.*s", (int)n, p);
  if (braced && p[n] != '}')
    return NULL;
  *s = p + n + braced;
  if (strcmp (name, "USER") == 0)
    return user;
  if (strcmp (name, "UID") == 0)
    return uid;
  if (strcmp (name, "HOME") == 0)
    return home;
  return NULL;
}

int
paths_expand_template (const char *tmpl, const char *user, uid_t uid, const char *home, char **out,
                       galley_error_t *err)
{
  _cleanup_free_ char *text = NULL;
  size_t len = 0;
  char uid_text[16], name[64];
  FILE *f;

  if (user[0] == '\0' || strchr (user, '/') != NULL || strcmp (user, ".") == 0 || strcmp (user, "..") == 0)
    return galley_error_make (err, 0, "\"%s\": the user name \"%s\" cannot be part of a path", tmpl, user);
  snprintf (uid_text, sizeof uid_text, "%u", (unsigned)uid);
  f = xalloc_check (open_memstream (&text, &len));
  for (const char *s = tmpl; *s != '\0';)
    {
      const char *value;
      if (*s != '$')
        {
          fputc (*s++, f);
          continue;
        }
      s++;
      value = template_variable (&s, user, uid_text, home, name, sizeof name);
      if (value == NULL)
        {
          fclose (f);
          return galley_error_make (err, 0, "\"%s\": unknown variable $%s (known: $USER, $UID, $HOME)", tmpl,
                                    name);
        }
      fputs (value, f);
    }
  if (fclose (f) != 0)
    xalloc_die (); /* a memory stream fails only for want of memory */
  if (text[0] != '/')
    return galley_error_make (err, 0, "\"%s\" is not an absolute path once expanded (\"%s\")", tmpl, text);
  *out = steal_pointer (&text);
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

/* Each directory above path (made 0700 when missing) is root's or uid's
 * and, unless sticky, writable by no one else: nobody else can move what
 * galley makes below it.  A symbolic link on the way must be root's or
 * uid's too.  */
static int
ensure_owned_ancestors (const char *path, uid_t uid, galley_error_t *err)
{
  _cleanup_free_ char *prefix = xstrdup (path);
  char owner[320];

  for (char *slash = strchr (prefix + 1, '/'); slash != NULL; slash = strchr (slash + 1, '/'))
    {
      struct stat lst, st;
      *slash = '\0';
      if (lstat (prefix, &lst) < 0 && errno == ENOENT && mkdir (prefix, 0700) < 0 && errno != EEXIST)
        return galley_error_make (err, errno, "creating %s", prefix);
      if (lstat (prefix, &lst) < 0 || stat (prefix, &st) < 0)
        return galley_error_make (err, errno, "%s", prefix);
      if (! S_ISDIR (st.st_mode))
        return galley_error_make (err, ENOTDIR, "%s", prefix);
      if ((lst.st_uid != 0 && lst.st_uid != uid) || (st.st_uid != 0 && st.st_uid != uid))
        {
          describe_uid (lst.st_uid != 0 && lst.st_uid != uid ? lst.st_uid : st.st_uid, owner, sizeof owner);
          return galley_error_make (err, 0, "%s is owned by %s, neither root nor the current user (uid %u)",
                                    prefix, owner, (unsigned)uid);
        }
      if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0 && (st.st_mode & S_ISVTX) == 0)
        return galley_error_make (err, 0, "%s is writable by other users (mode %04o)", prefix,
                                  (unsigned)(st.st_mode & 07777));
      *slash = '/';
    }
  return 0;
}

int
paths_use_storage_template (struct galley_paths *p, const char *tmpl, const char *origin, galley_error_t *err)
{
  struct passwd *pw;
  const char *user;
  char *root = NULL;

  if (tmpl == NULL || p->root_explicit || ! p->rootless)
    return 0;
  pw = getpwuid (p->uid);
  user = pw != NULL ? pw->pw_name : env_nonempty ("USER");
  if (user == NULL)
    return galley_error_make (err, 0,
                              "[storage] rootless_storage_path in %s names $USER, but uid %u has no name: "
                              "use --root",
                              origin, (unsigned)p->uid);
  if (paths_expand_template (tmpl, user, p->uid, p->home, &root, err) < 0)
    return galley_error_wrap (err, "[storage] rootless_storage_path in %s", origin);
  free (p->root);
  p->root = root;
  free (p->root_source_text);
  p->root_source_text = xasprintf ("[storage] rootless_storage_path in %s", origin);
  p->root_source = p->root_source_text;
  if (ensure_owned_ancestors (p->root, p->uid, err) < 0)
    return galley_error_wrap (err, "unsafe storage root %s (%s)", p->root, p->root_source);
  return 0;
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
  alt = xasprintf ("%s/galley-%u", tmpdir, (unsigned)p->uid);
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
  free (p->root_source_text);
  free (p->runroot);
  free (p->xdg_runtime_dir);
  memset (p, 0, sizeof *p);
}
