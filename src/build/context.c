/* The build context: COPY/ADD sources expanded (Go filepath.Match globs per
 * path component) and resolved strictly beneath the context directory, and
 * their content digest for the layer cache.  Copying is in context_copy.c.
 *
 * Confinement: every lookup is openat2 RESOLVE_BENEATH from the context's
 * fd, so neither ".." nor a symlink (absolute or relative) can reach a file
 * outside; such a source is refused with an error naming it.  */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/openat2.h>

#include "build/context.h"
#include "build/context_internal.h"
#include "util/cleanup.h"
#include "util/digest.h"
#include "util/error_text.h"
#include "util/fs.h"
#include "util/path.h"

int
context_open_beneath (int ctx_fd, const char *rel, int flags)
{
  return fs_openat2 (ctx_fd, rel, flags, RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS);
}

int
context_escape_error (const char *source, galley_error_t *err)
{
  galley_error_make (err, 0, "COPY source \"%s\": outside the build context (through \"..\" or a symlink)",
                     source);
  if (err != NULL && *err != NULL)
    (*err)->errno_ = EXDEV;
  return -1;
}

int
context_clean_source (const char *source, char **out, galley_error_t *err)
{
  _cleanup_free_ char *c = path_clean (source);
  const char *rel = c;

  *out = NULL;
  while (*rel == '/')
    rel++;
  if (*rel == '\0')
    rel = ".";
  if (strcmp (rel, "..") == 0 || strncmp (rel, "../", 3) == 0)
    return context_escape_error (source, err);
  *out = strdup (rel);
  if (*out == NULL)
    abort ();
  return 0;
}

char *
context_join (const char *dir, const char *name)
{
  char *s;

  if (strcmp (dir, ".") == 0)
    s = strdup (name);
  else if (asprintf (&s, "%s/%s", dir, name) < 0)
    s = NULL;
  if (s == NULL)
    abort ();
  return s;
}

int
context_not_found (const char *source, galley_error_t *err)
{
  error_untrusted (err, "COPY source \"%s\": no such file or directory in the build context", source);
  if (err != NULL && *err != NULL)
    (*err)->errno_ = ENOENT;
  return -1;
}

struct matches
{
  char **v;
  size_t n;
};

static void
matches_add (struct matches *m, char *path)
{
  char **v = realloc (m->v, (m->n + 2) * sizeof *v);

  if (v == NULL)
    abort ();
  m->v = v;
  m->v[m->n++] = path;
  m->v[m->n] = NULL;
}

static bool
has_meta (const char *s)
{
  return strpbrk (s, "*?[\\") != NULL;
}

/* Whether rel is visible in the context: it exists (beneath), and is not
 * ignored (an ignored directory stays visible when "!" patterns may keep
 * something inside).  1 visible, 0 not, -1 escape error.  */
static int
visible (int ctx_fd, const struct build_ignore *ig, const char *rel, const char *source, galley_error_t *err)
{
  _cleanup_close_ int fd = context_open_beneath (ctx_fd, rel, O_PATH);
  struct stat st;

  if (fd < 0 && (errno == EXDEV || errno == ELOOP))
    return context_escape_error (source, err);
  if (fd < 0)
    return 0;
  if (! build_ignore_match (ig, rel))
    return 1;
  return fstat (fd, &st) == 0 && S_ISDIR (st.st_mode) && build_ignore_has_exceptions (ig);
}

static int
glob_walk (int ctx_fd, const struct build_ignore *ig, const char *dir, char **comps, size_t n_comps,
           const char *source, struct matches *m, galley_error_t *err)
{
  _cleanup_closedir_ DIR *d = NULL;
  struct dirent *e;
  int fd;

  if (n_comps == 0)
    {
      int r = visible (ctx_fd, ig, dir, source, err);
      if (r > 0)
        matches_add (m, context_join (".", dir));
      return r < 0 ? -1 : 0;
    }
  if (! has_meta (comps[0]))
    {
      _cleanup_free_ char *next = context_join (dir, comps[0]);
      return glob_walk (ctx_fd, ig, next, comps + 1, n_comps - 1, source, m, err);
    }
  fd = context_open_beneath (ctx_fd, dir, O_RDONLY | O_DIRECTORY);
  if (fd < 0 && (errno == EXDEV || errno == ELOOP))
    return context_escape_error (source, err);
  if (fd < 0)
    return 0; /* not a directory: no match below it */
  d = fdopendir (fd);
  if (d == NULL)
    {
      close (fd);
      return galley_error_make (err, errno, "reading %s in the build context", dir);
    }
  while ((e = readdir (d)) != NULL)
    {
      _cleanup_free_ char *next = NULL;

      if (strcmp (e->d_name, ".") == 0 || strcmp (e->d_name, "..") == 0
          || fnmatch (comps[0], e->d_name, 0) != 0)
        continue;
      next = context_join (dir, e->d_name);
      if (glob_walk (ctx_fd, ig, next, comps + 1, n_comps - 1, source, m, err) < 0)
        return -1;
    }
  return 0;
}

static int
compare_strings (const void *a, const void *b)
{
  return strcmp (*(char *const *)a, *(char *const *)b);
}

int
build_context_glob (int context_fd, const struct build_ignore *ig, const char *pattern, char ***paths,
                    size_t *n, galley_error_t *err)
{
  _cleanup_free_ char *rel = NULL;
  struct matches m = { 0 };
  char **comps = NULL, *save = NULL, *tok;
  size_t n_comps = 0, i, j;
  int r;

  *paths = NULL;
  *n = 0;
  if (context_clean_source (pattern, &rel, err) < 0)
    return -1;
  if (strcmp (rel, ".") != 0)
    for (tok = strtok_r (rel, "/", &save); tok != NULL; tok = strtok_r (NULL, "/", &save))
      {
        char **v = realloc (comps, (n_comps + 1) * sizeof *v);
        if (v == NULL)
          abort ();
        comps = v;
        comps[n_comps++] = tok;
      }
  r = glob_walk (context_fd, ig, ".", comps, n_comps, pattern, &m, err);
  free (comps);
  if (r == 0 && m.n == 0)
    r = context_not_found (pattern, err);
  if (r < 0)
    {
      cleanup_strvp (&m.v);
      return -1;
    }
  qsort (m.v, m.n, sizeof *m.v, compare_strings);
  for (i = j = 0; i < m.n; i++)
    if (j == 0 || strcmp (m.v[j - 1], m.v[i]) != 0)
      m.v[j++] = m.v[i];
    else
      free (m.v[i]);
  m.v[j] = NULL;
  *paths = m.v;
  *n = j;
  return 0;
}

/* The digest covers, for each entry: its path, type, permission bits, and
 * its content (regular files) or target (symlinks), separated by NULs so
 * that no two different trees can hash alike.  Owners and times are left
 * out: COPY sets the owner, and a touched but unchanged file keeps the
 * cache (as Docker).  */
static int hash_entry (int ctx_fd, const struct build_ignore *ig, const char *rel, bool top,
                       struct digester *dg, galley_error_t *err);

static int
hash_dir (int ctx_fd, const struct build_ignore *ig, const char *rel, int dir_fd, struct digester *dg,
          galley_error_t *err)
{
  _cleanup_closedir_ DIR *d = fdopendir (dup (dir_fd));
  char **names = NULL;
  size_t n = 0, i;
  struct dirent *e;
  int r = 0;

  if (d == NULL)
    return galley_error_make (err, errno, "reading %s in the build context", rel);
  while ((e = readdir (d)) != NULL)
    {
      char **v;
      if (strcmp (e->d_name, ".") == 0 || strcmp (e->d_name, "..") == 0)
        continue;
      v = realloc (names, (n + 2) * sizeof *v);
      if (v == NULL)
        abort ();
      names = v;
      names[n] = strdup (e->d_name);
      if (names[n++] == NULL)
        abort ();
      names[n] = NULL;
    }
  if (n > 0)
    qsort (names, n, sizeof *names, compare_strings);
  for (i = 0; i < n && r == 0; i++)
    {
      _cleanup_free_ char *child = context_join (rel, names[i]);
      r = hash_entry (ctx_fd, ig, child, false, dg, err);
    }
  if (names != NULL)
    cleanup_strvp (&names);
  return r;
}

static int
hash_entry (int ctx_fd, const struct build_ignore *ig, const char *rel, bool top, struct digester *dg,
            galley_error_t *err)
{
  _cleanup_close_ int fd = context_open_beneath (ctx_fd, rel, (top ? 0 : O_NOFOLLOW) | O_PATH);
  char header[64], buf[65536];
  struct stat st;
  ssize_t got;
  int len;

  if (fd < 0 && (errno == EXDEV || errno == ELOOP))
    return context_escape_error (rel, err);
  if (fd < 0 || fstat (fd, &st) < 0)
    return galley_error_make (err, errno, "%s in the build context", rel);
  if (build_ignore_match (ig, rel) && ! (S_ISDIR (st.st_mode) && build_ignore_has_exceptions (ig)))
    return 0;
  len = snprintf (header, sizeof header, "%c%o %lld",
                  S_ISDIR (st.st_mode)   ? 'd'
                  : S_ISLNK (st.st_mode) ? 'l'
                  : S_ISREG (st.st_mode) ? 'f'
                                         : 'o',
                  (unsigned)(st.st_mode & 07777), S_ISREG (st.st_mode) ? (long long)st.st_size : 0LL);
  if (digest_update (dg, rel, strlen (rel) + 1, err) < 0
      || digest_update (dg, header, (size_t)len + 1, err) < 0)
    return -1;
  if (S_ISDIR (st.st_mode))
    {
      _cleanup_close_ int dfd =
          context_open_beneath (ctx_fd, rel, O_RDONLY | O_DIRECTORY | (top ? 0 : O_NOFOLLOW));
      if (dfd < 0)
        return galley_error_make (err, errno, "opening %s in the build context", rel);
      return hash_dir (ctx_fd, ig, rel, dfd, dg, err);
    }
  if (S_ISLNK (st.st_mode))
    {
      char target[PATH_MAX];
      got = readlinkat (fd, "", target, sizeof target);
      if (got < 0)
        return galley_error_make (err, errno, "reading link %s in the build context", rel);
      return digest_update (dg, target, (size_t)got, err) < 0 || digest_update (dg, "", 1, err) < 0 ? -1 : 0;
    }
  if (S_ISREG (st.st_mode))
    {
      _cleanup_close_ int in = context_open_beneath (ctx_fd, rel, O_RDONLY | (top ? 0 : O_NOFOLLOW));
      if (in < 0)
        return galley_error_make (err, errno, "opening %s in the build context", rel);
      while ((got = read (in, buf, sizeof buf)) > 0)
        if (digest_update (dg, buf, (size_t)got, err) < 0)
          return -1;
      if (got < 0)
        return galley_error_make (err, errno, "reading %s in the build context", rel);
      return 0;
    }
  return 0;
}

int
build_context_digest (int context_fd, const struct build_ignore *ig, char *const *paths, size_t n,
                      char **digest, galley_error_t *err)
{
  _cleanup_digester_ struct digester dg = { 0 };
  char out[DIGEST_BUFSIZE];
  size_t i;

  *digest = NULL;
  if (digest_init (&dg, "sha256", err) < 0)
    return -1;
  for (i = 0; i < n; i++)
    {
      _cleanup_free_ char *rel = NULL;

      if (context_clean_source (paths[i], &rel, err) < 0
          || hash_entry (context_fd, ig, rel, true, &dg, err) < 0)
        return -1;
      if (digest_update (&dg, "\n", 1, err) < 0)
        return -1;
    }
  if (digest_final (&dg, out, err) < 0)
    return -1;
  *digest = strdup (out);
  if (*digest == NULL)
    abort ();
  return 0;
}
