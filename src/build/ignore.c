/* .containerignore / .dockerignore with Docker's semantics
 * (moby/patternmatcher): patterns are cleaned paths relative to the
 * context; "*" and "?" never match "/", "**" matches any number of
 * directories, "[...]" classes and "\" escapes as Go's filepath.Match; a
 * pattern matching a parent directory matches everything below it; the
 * last matching pattern wins, "!" patterns re-include.  Each pattern is
 * compiled to a token list and run as an NFA (linear in the path, unlike
 * backtracking, so a hostile pattern costs nothing).  */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/openat2.h>

#include "build/ignore.h"
#include "util/cleanup.h"
#include "util/error_text.h"
#include "util/fs.h"
#include "util/path.h"

/* Ignore files are short; this only bounds a hostile one.  */
#define IGNORE_FILE_MAX (16 * 1024 * 1024)

enum tok_kind
{
  TOK_LITERAL,
  TOK_ANY,         /* ?: one character but "/" */
  TOK_STAR,        /* *: any run without "/" */
  TOK_DSTAR_SLASH, /* ** before more pattern: "" or anything ending in "/" */
  TOK_DSTAR_END,   /* ** at the end: anything */
  TOK_CLASS,       /* [...] */
};

struct class_range
{
  uint32_t lo, hi;
};

struct tok
{
  enum tok_kind kind;
  uint32_t ch;
  bool negated;
  struct class_range *ranges;
  size_t n_ranges;
};

struct pattern
{
  bool exclusion;
  char *suffix; /* buildkit's suffix match: "**" then only literal text */
  struct tok *toks;
  size_t n_toks;
};

struct build_ignore
{
  struct pattern *patterns;
  size_t n_patterns;
  bool exceptions;
};

/* One code point of UTF-8 (an invalid byte stands for itself).  */
static uint32_t
next_rune (const char **s)
{
  const unsigned char *p = (const unsigned char *)*s;
  uint32_t c = p[0];
  int extra = c >= 0xf0 && c < 0xf8 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;
  int i;

  if (c < 0x80 || c >= 0xf8)
    extra = 0;
  for (i = 1; i <= extra; i++)
    if ((p[i] & 0xc0) != 0x80)
      extra = 0;
  if (extra > 0)
    {
      c &= 0x3fu >> extra;
      for (i = 1; i <= extra; i++)
        c = (c << 6) | (p[i] & 0x3fu);
    }
  *s += 1 + extra;
  return c;
}

static void
tok_push (struct pattern *p, struct tok t)
{
  struct tok *v = realloc (p->toks, (p->n_toks + 1) * sizeof *v);

  if (v == NULL)
    abort ();
  p->toks = v;
  p->toks[p->n_toks++] = t;
}

/* A class character: "\x" escapes; "-" and "]" must be escaped (Go's
 * filepath.Match rejects them bare).  */
static int
class_char (const char **s, uint32_t *c)
{
  if (**s == '\0' || **s == '-' || **s == ']')
    return -1;
  if (**s == '\\')
    {
      (*s)++;
      if (**s == '\0')
        return -1;
    }
  *c = next_rune (s);
  return 0;
}

static int
compile_class (const char **s, struct tok *t)
{
  t->kind = TOK_CLASS;
  if (**s == '^')
    {
      t->negated = true;
      (*s)++;
    }
  do
    {
      struct class_range r;
      struct class_range *v;

      if (class_char (s, &r.lo) < 0)
        return -1;
      r.hi = r.lo;
      if (**s == '-' && class_char ((++*s, s), &r.hi) < 0)
        return -1;
      v = realloc (t->ranges, (t->n_ranges + 1) * sizeof *v);
      if (v == NULL)
        abort ();
      t->ranges = v;
      t->ranges[t->n_ranges++] = r;
    }
  while (**s != ']');
  (*s)++;
  return 0;
}

static int
compile (struct pattern *p, const char *s)
{
  const char *rest;

  /* buildkit takes "**" followed by literal text as a plain suffix test.  */
  if (strncmp (s, "**", 2) == 0 && s[2] != '\0' && strpbrk (s + 2, "*?[]\\") == NULL)
    {
      p->suffix = strdup (s + 2);
      if (p->suffix == NULL)
        abort ();
      return 0;
    }
  for (rest = s; *rest != '\0';)
    {
      struct tok t = { .kind = TOK_LITERAL };

      if (rest[0] == '*' && rest[1] == '*')
        {
          rest += 2;
          if (*rest == '/')
            rest++;
          t.kind = *rest == '\0' ? TOK_DSTAR_END : TOK_DSTAR_SLASH;
        }
      else if (*rest == '*' || *rest == '?')
        t.kind = *rest++ == '*' ? TOK_STAR : TOK_ANY;
      else if (*rest == '[')
        {
          rest++;
          if (compile_class (&rest, &t) < 0)
            {
              free (t.ranges);
              return -1;
            }
        }
      else
        {
          if (rest[0] == '\\' && rest[1] != '\0')
            rest++;
          t.ch = next_rune (&rest);
        }
      tok_push (p, t);
    }
  return 0;
}

static void
pattern_clear (struct pattern *p)
{
  size_t i;

  for (i = 0; i < p->n_toks; i++)
    free (p->toks[i].ranges);
  free (p->toks);
  free (p->suffix);
}

static bool
class_matches (const struct tok *t, uint32_t c)
{
  size_t i;

  for (i = 0; i < t->n_ranges; i++)
    if (c >= t->ranges[i].lo && c <= t->ranges[i].hi)
      return ! t->negated;
  return t->negated;
}

static void
closure (const struct pattern *p, bool *active)
{
  size_t i;

  for (i = 0; i < p->n_toks; i++)
    if (active[i]
        && (p->toks[i].kind == TOK_STAR || p->toks[i].kind == TOK_DSTAR_SLASH
            || p->toks[i].kind == TOK_DSTAR_END))
      active[i + 1] = true;
}

static bool
glob_matches (const struct pattern *p, const char *path, size_t len)
{
  const char *s = path, *end = path + len;
  size_t n = p->n_toks + 1, i;
  _cleanup_free_ bool *active = calloc (n, sizeof *active);
  _cleanup_free_ bool *next = calloc (n, sizeof *next);
  bool any = true;

  if (active == NULL || next == NULL)
    abort ();
  active[0] = true;
  closure (p, active);
  while (s < end && any)
    {
      uint32_t c = next_rune (&s);

      memset (next, 0, n * sizeof *next);
      any = false;
      for (i = 0; i < p->n_toks; i++)
        {
          const struct tok *t = &p->toks[i];

          if (! active[i])
            continue;
          switch (t->kind)
            {
            case TOK_LITERAL:
              next[i + 1] |= c == t->ch;
              break;
            case TOK_ANY:
              next[i + 1] |= c != '/';
              break;
            case TOK_CLASS:
              next[i + 1] |= class_matches (t, c);
              break;
            case TOK_STAR:
              next[i] |= c != '/';
              break;
            case TOK_DSTAR_END:
              next[i] = true;
              break;
            case TOK_DSTAR_SLASH:
              next[i] = true;
              next[i + 1] |= c == '/';
              break;
            }
        }
      closure (p, next);
      memcpy (active, next, n * sizeof *active);
      for (i = 0; i < n; i++)
        any |= active[i];
    }
  return s >= end && active[p->n_toks];
}

static bool
pattern_matches (const struct pattern *p, const char *path, size_t len)
{
  if (p->suffix != NULL)
    {
      size_t sl = strlen (p->suffix);
      if (len >= sl && memcmp (path + len - sl, p->suffix, sl) == 0)
        return true;
      return p->suffix[0] == '/' && len == sl - 1 && memcmp (path, p->suffix + 1, len) == 0;
    }
  return glob_matches (p, path, len);
}

static bool
escapes_context (const char *cleaned)
{
  return strcmp (cleaned, "..") == 0 || strncmp (cleaned, "../", 3) == 0;
}

static int
add_pattern (struct build_ignore *ig, unsigned line, const char *text, size_t len, galley_error_t *err)
{
  _cleanup_free_ char *raw = strndup (text, len), *cleaned = NULL;
  struct pattern p = { 0 };
  const char *s;
  struct pattern *v;

  if (raw == NULL)
    abort ();
  s = raw;
  if (*s == '!')
    {
      p.exclusion = true;
      for (s++; *s == ' ' || *s == '\t'; s++)
        ;
      if (*s == '\0')
        return error_untrusted (err, "line %u: illegal exclusion pattern: \"!\"", line);
    }
  cleaned = path_clean (s);
  s = cleaned;
  if (s[0] == '/' && s[1] != '\0')
    s++;
  if (escapes_context (s))
    return error_untrusted (err, "line %u: pattern \"%s\" points outside the build context", line, raw);
  if (compile (&p, s) < 0)
    {
      pattern_clear (&p);
      return error_untrusted (err, "line %u: syntax error in pattern \"%s\"", line, raw);
    }
  v = realloc (ig->patterns, (ig->n_patterns + 1) * sizeof *v);
  if (v == NULL)
    abort ();
  ig->patterns = v;
  ig->patterns[ig->n_patterns++] = p;
  ig->exceptions |= p.exclusion;
  return 0;
}

int
build_ignore_parse (const char *text, size_t len, struct build_ignore **out, galley_error_t *err)
{
  struct build_ignore *ig = calloc (1, sizeof *ig);
  const char *p = text, *end = text + len;
  unsigned line = 0;

  *out = NULL;
  if (ig == NULL)
    abort ();
  if (len >= 3 && memcmp (p, "\xef\xbb\xbf", 3) == 0)
    p += 3;
  while (p < end)
    {
      const char *nl = memchr (p, '\n', (size_t)(end - p)), *eol = nl != NULL ? nl : end, *a = p, *b = eol;

      line++;
      p = nl != NULL ? nl + 1 : end;
      if (*a == '#')
        continue;
      while (a < b && (*a == ' ' || *a == '\t' || *a == '\r' || *a == '\v' || *a == '\f'))
        a++;
      while (b > a && (b[-1] == ' ' || b[-1] == '\t' || b[-1] == '\r' || b[-1] == '\v' || b[-1] == '\f'))
        b--;
      if (a == b)
        continue;
      if (memchr (a, '\0', (size_t)(b - a)) != NULL)
        {
          build_ignore_free (ig);
          return error_untrusted (err, "line %u: NUL byte in pattern", line);
        }
      if (add_pattern (ig, line, a, (size_t)(b - a), err) < 0)
        {
          build_ignore_free (ig);
          return -1;
        }
    }
  *out = ig;
  return 0;
}

bool
build_ignore_match (const struct build_ignore *ig, const char *relpath)
{
  _cleanup_free_ char *path = NULL;
  bool matched = false;
  size_t i, len;

  if (ig == NULL || ig->n_patterns == 0)
    return false;
  path = path_clean (relpath);
  if (path[0] == '/')
    memmove (path, path + 1, strlen (path));
  if (strcmp (path, ".") == 0 || path[0] == '\0')
    return false; /* the context itself is never excluded */
  len = strlen (path);
  for (i = 0; i < ig->n_patterns; i++)
    {
      const struct pattern *p = &ig->patterns[i];
      bool match;
      const char *slash;

      if (p->exclusion != matched)
        continue;
      match = pattern_matches (p, path, len);
      /* A pattern matching a parent directory matches its contents.  */
      for (slash = strchr (path, '/'); ! match && slash != NULL; slash = strchr (slash + 1, '/'))
        match = pattern_matches (p, path, (size_t)(slash - path));
      if (match)
        matched = ! p->exclusion;
    }
  return matched;
}

bool
build_ignore_has_exceptions (const struct build_ignore *ig)
{
  return ig != NULL && ig->exceptions;
}

void
build_ignore_free (struct build_ignore *ig)
{
  size_t i;

  if (ig == NULL)
    return;
  for (i = 0; i < ig->n_patterns; i++)
    pattern_clear (&ig->patterns[i]);
  free (ig->patterns);
  free (ig);
}

static int
load_fd (int fd, const char *what, struct build_ignore **out, galley_error_t *err)
{
  _cleanup_free_ char *text = NULL;
  char proc_path[64];
  size_t len = 0;

  /* Read through the fd already opened safely; regular files only.  */
  snprintf (proc_path, sizeof proc_path, "/proc/self/fd/%d", fd);
  if (fs_read_file (AT_FDCWD, proc_path, IGNORE_FILE_MAX, &text, &len, err) < 0)
    return galley_error_wrap (err, "reading %s", what);
  if (build_ignore_parse (text, len, out, err) < 0)
    return galley_error_wrap (err, "%s", what);
  return 0;
}

int
build_ignore_load (int context_fd, const char *containerfile_path, struct build_ignore **out,
                   galley_error_t *err)
{
  static const char *const beside[] = { ".containerignore", ".dockerignore" };
  size_t i;

  *out = NULL;
  for (i = 0; containerfile_path != NULL && i < 2; i++)
    {
      _cleanup_free_ char *path = NULL;
      _cleanup_close_ int fd = -1;

      if (asprintf (&path, "%s%s", containerfile_path, beside[i]) < 0)
        abort ();
      fd = open (path, O_RDONLY | O_CLOEXEC);
      if (fd < 0 && errno == ENOENT)
        continue;
      if (fd < 0)
        return galley_error_make (err, errno, "opening %s", path);
      return load_fd (fd, path, out, err);
    }
  for (i = 0; i < 2; i++)
    {
      /* Beneath, not in-root: an ignore file that is a symlink out of the
       * context is refused rather than silently read from elsewhere.  */
      _cleanup_close_ int fd =
          fs_openat2 (context_fd, beside[i], O_RDONLY, RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS);

      if (fd < 0 && errno == ENOENT)
        continue;
      if (fd < 0 && (errno == EXDEV || errno == ELOOP))
        return galley_error_make (err, 0, "%s points outside the build context", beside[i]);
      if (fd < 0)
        return galley_error_make (err, errno, "opening %s in the build context", beside[i]);
      return load_fd (fd, beside[i], out, err);
    }
  *out = calloc (1, sizeof **out);
  if (*out == NULL)
    abort ();
  return 0;
}
