/* Containerfile parsing: the file's lines into instructions (parser
 * directives, escape-character continuations, comments, heredoc bodies)
 * and the instructions into stages.  One instruction's syntax is in
 * containerfile_instruction.c, variable substitution in
 * containerfile_expand.c.  */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "build/containerfile_internal.h"

struct reader
{
  const char *text;
  size_t len, pos;
  unsigned lineno;
};

/* The next line without its "\n" or "\r\n".  */
static bool
next_line (struct reader *r, const char **line, size_t *n)
{
  const char *start = r->text + r->pos, *nl;

  if (r->pos >= r->len)
    return false;
  nl = memchr (start, '\n', r->len - r->pos);
  *n = nl != NULL ? (size_t)(nl - start) : r->len - r->pos;
  r->pos += *n + (nl != NULL);
  if (*n > 0 && start[*n - 1] == '\r')
    (*n)--;
  *line = start;
  r->lineno++;
  return true;
}

static const char *
skip_blanks (const char *p, const char *end)
{
  while (p < end && (*p == ' ' || *p == '\t'))
    p++;
  return p;
}

static bool
is_comment (const char *line, size_t n)
{
  const char *p = skip_blanks (line, line + n);
  return p < line + n && *p == '#';
}

static bool
is_blank (const char *line, size_t n)
{
  return skip_blanks (line, line + n) == line + n;
}

struct directives
{
  bool done, seen_escape, seen_syntax, seen_check;
  char escape;
};

/* "# escape=`" style lines, only at the very top of the file: the first
 * line that is not one ends them (buildkit's DirectiveParser).  */
static int
parse_directive (struct directives *d, const struct cf_line_ctx *ctx, const char *line, size_t n,
                 galley_error_t *err)
{
  const char *p = skip_blanks (line, line + n), *end = line + n, *key, *value;
  size_t key_len, value_len;
  bool *seen;

  if (d->done)
    return 0;
  d->done = true;
  if (p == end || *p++ != '#')
    return 0;
  p = skip_blanks (p, end);
  key = p;
  while (p < end && (isalpha ((unsigned char)*p) || (p > key && isdigit ((unsigned char)*p))))
    p++;
  key_len = (size_t)(p - key);
  p = skip_blanks (p, end);
  if (key_len == 0 || p == end || *p++ != '=')
    return 0;
  value = skip_blanks (p, end);
  while (end > value && (end[-1] == ' ' || end[-1] == '\t'))
    end--;
  value_len = (size_t)(end - value);
  if (value_len == 0)
    return 0;
  if (key_len == 6 && strncasecmp (key, "escape", 6) == 0)
    seen = &d->seen_escape;
  else if (key_len == 6 && strncasecmp (key, "syntax", 6) == 0)
    seen = &d->seen_syntax;
  else if (key_len == 5 && strncasecmp (key, "check", 5) == 0)
    seen = &d->seen_check;
  else
    return 0;
  if (*seen)
    return cf_fail (ctx, err, "only one %.*s parser directive can be used", (int)key_len, key);
  *seen = true;
  d->done = false;
  if (seen == &d->seen_escape)
    {
      if (value_len != 1 || (*value != '`' && *value != '\\'))
        return cf_fail (ctx, err, "invalid escape token '%.*s' does not match ` or \\", (int)value_len,
                        value);
      d->escape = *value;
    }
  return 0;
}

/* Append a line to buf; true if it ends the instruction, false if it ended
 * with the escape character (then dropped, with the blanks after it).  */
static bool
append_line (struct cf_buf *buf, const char *line, size_t n, char escape)
{
  size_t m = n;

  while (m > 0 && (line[m - 1] == ' ' || line[m - 1] == '\t'))
    m--;
  if (m > 0 && line[m - 1] == escape)
    {
      cf_buf_put (buf, line, m - 1);
      return false;
    }
  cf_buf_put (buf, line, n);
  return true;
}

static int
read_heredoc_bodies (struct reader *r, const struct cf_line_ctx *ctx, struct cf_instruction *in,
                     galley_error_t *err)
{
  size_t i;

  for (i = 0; i < in->n_heredocs; i++)
    {
      struct cf_heredoc *h = &in->heredocs[i];
      _cleanup_cf_buf_ struct cf_buf content = { 0 };
      const char *line;
      size_t n;
      bool terminated = false;

      while (! terminated && next_line (r, &line, &n))
        {
          if (h->chomp)
            while (n > 0 && *line == '\t')
              line++, n--;
          if (n == strlen (h->name) && memcmp (line, h->name, n) == 0)
            terminated = true;
          else
            {
              cf_buf_put (&content, line, n);
              cf_buf_putc (&content, '\n');
            }
        }
      if (! terminated)
        return cf_fail (ctx, err, "unterminated heredoc %s (no line \"%s\" before the end of the file)",
                        h->name, h->name);
      h->content = cf_buf_steal (&content);
    }
  return 0;
}

/* Read one instruction (its continuation lines and heredoc bodies) into
 * in.  Returns 1 when one was read, 0 at the end of the file.  */
static int
read_instruction (struct reader *r, struct directives *d, const char *name, struct cf_instruction *in,
                  galley_error_t *err)
{
  _cleanup_cf_buf_ struct cf_buf joined = { 0 };
  struct cf_line_ctx ctx = { .name = name };
  const char *line;
  size_t n;
  bool ended;

  for (;;)
    {
      if (! next_line (r, &line, &n))
        return 0;
      ctx.line = r->lineno;
      ctx.escape = d->escape;
      if (r->lineno == 1 && n >= 3 && memcmp (line, "\xef\xbb\xbf", 3) == 0)
        line += 3, n -= 3;
      if (parse_directive (d, &ctx, line, n, err) < 0)
        return -1;
      ctx.escape = d->escape;
      if (is_comment (line, n))
        continue;
      {
        const char *t = skip_blanks (line, line + n);
        n -= (size_t)(t - line);
        line = t;
      }
      ended = append_line (&joined, line, n, d->escape);
      if (ended && is_blank (joined.s != NULL ? joined.s : "", joined.len))
        {
          cf_buf_release (&joined);
          continue;
        }
      break;
    }
  while (! ended && next_line (r, &line, &n))
    {
      if (is_comment (line, n) || is_blank (line, n))
        continue;
      ended = append_line (&joined, line, n, d->escape);
    }
  if (is_blank (joined.s != NULL ? joined.s : "", joined.len))
    return 0; /* a continuation at the very end with nothing after it */
  if (cf_instruction_parse (&ctx, joined.s, in, err) < 0)
    return -1;
  if (read_heredoc_bodies (r, &ctx, in, err) < 0)
    return -1;
  return 1;
}

static bool
valid_stage_name (const char *s)
{
  if (! islower ((unsigned char)*s))
    return false;
  for (s++; *s != '\0'; s++)
    if (! islower ((unsigned char)*s) && ! isdigit ((unsigned char)*s) && strchr ("-_.", *s) == NULL)
      return false;
  return true;
}

static int
add_stage (struct containerfile *cf, const char *file, struct cf_instruction *from, galley_error_t *err)
{
  struct cf_line_ctx ctx = { .name = file, .line = from->line };
  struct cf_stage *st;
  size_t i;

  cf->stages = xrealloc (cf->stages, (cf->n_stages + 1) * sizeof *cf->stages);
  st = &cf->stages[cf->n_stages++];
  memset (st, 0, sizeof *st);
  st->index = cf->n_stages - 1;
  st->line = from->line;
  st->base = xstrdup (from->args[0]);
  for (i = 0; i < from->n_flags; i++)
    if (strcmp (from->flags[i].name, "platform") == 0)
      st->platform = xstrdup (from->flags[i].value);
  if (from->n_args < 3)
    return 0;
  st->name = xstrdup (from->args[2]);
  for (char *p = st->name; *p; p++)
    *p = (char)tolower ((unsigned char)*p);
  if (! valid_stage_name (st->name))
    return cf_fail (&ctx, err,
                    "invalid name for build stage: \"%s\", name can't start with a number or contain symbols",
                    from->args[2]);
  for (i = 0; i + 1 < cf->n_stages; i++)
    if (cf->stages[i].name != NULL && strcmp (cf->stages[i].name, st->name) == 0)
      return cf_fail (&ctx, err, "duplicate stage name \"%s\" (first at line %u)", st->name,
                      cf->stages[i].line);
  return 0;
}

static void
push_instruction (struct cf_instruction **v, size_t *n, struct cf_instruction *in)
{
  *v = xrealloc (*v, (*n + 1) * sizeof **v);
  (*v)[(*n)++] = *in;
  memset (in, 0, sizeof *in);
}

static int
place_instruction (struct containerfile *cf, const char *name, struct cf_instruction *in, galley_error_t *err)
{
  struct cf_line_ctx ctx = { .name = name, .line = in->line };
  struct cf_stage *st;

  if (in->kind == CF_FROM)
    {
      int r = add_stage (cf, name, in, err);
      cf_instruction_clear (in);
      return r;
    }
  if (cf->n_stages == 0)
    {
      if (in->kind != CF_ARG)
        return cf_fail (&ctx, err, "%s before the first FROM (only ARG may come before FROM)",
                        cf_kind_name (in->kind));
      push_instruction (&cf->global_args, &cf->n_global_args, in);
      return 0;
    }
  st = &cf->stages[cf->n_stages - 1];
  push_instruction (&st->instructions, &st->n_instructions, in);
  return 0;
}

int
containerfile_parse (const char *name, const char *text, size_t len, struct containerfile **out,
                     galley_error_t *err)
{
  struct reader r = { .text = text, .len = len };
  struct directives d = { .escape = '\\' };
  struct containerfile *cf;
  const char *nul = memchr (text, '\0', len);
  int got;

  *out = NULL;
  if (nul != NULL)
    {
      struct cf_line_ctx ctx = { .name = name, .line = 1 };
      for (const char *p = text; p < nul; p++)
        ctx.line += *p == '\n';
      return cf_fail (&ctx, err, "NUL byte in the file");
    }
  cf = calloc (1, sizeof *cf);
  if (cf == NULL)
    abort ();
  for (;;)
    {
      struct cf_instruction in = { 0 };

      got = read_instruction (&r, &d, name, &in, err);
      if (got > 0 && place_instruction (cf, name, &in, err) < 0)
        got = -1;
      cf_instruction_clear (&in);
      if (got <= 0)
        break;
    }
  if (got == 0 && cf->n_stages == 0)
    {
      struct cf_line_ctx ctx = { .name = name };
      got = cf_fail (&ctx, err, "no FROM instruction: nothing to build");
    }
  if (got < 0)
    {
      containerfile_free (cf);
      return -1;
    }
  *out = cf;
  return 0;
}

void
containerfile_free (struct containerfile *cf)
{
  size_t i, j;

  if (cf == NULL)
    return;
  for (i = 0; i < cf->n_global_args; i++)
    cf_instruction_clear (&cf->global_args[i]);
  free (cf->global_args);
  for (i = 0; i < cf->n_stages; i++)
    {
      struct cf_stage *st = &cf->stages[i];

      free (st->base);
      free (st->name);
      free (st->platform);
      for (j = 0; j < st->n_instructions; j++)
        cf_instruction_clear (&st->instructions[j]);
      free (st->instructions);
    }
  free (cf->stages);
  free (cf);
}

ssize_t
containerfile_stage_index (const struct containerfile *cf, const char *name_or_index, size_t before)
{
  size_t i, n = before < cf->n_stages ? before : cf->n_stages;
  const char *p = name_or_index;

  if (*p != '\0' && strspn (p, "0123456789") == strlen (p))
    {
      char *end;
      unsigned long long v;

      errno = 0;
      v = strtoull (p, &end, 10);
      return errno == 0 && v < n ? (ssize_t)v : -1;
    }
  for (i = 0; i < n; i++)
    if (cf->stages[i].name != NULL && strcasecmp (cf->stages[i].name, name_or_index) == 0)
      return (ssize_t)i;
  return -1;
}

int
cf_parse_trigger (const char *name, const char *text, struct cf_instruction **out, galley_error_t *err)
{
  struct cf_line_ctx ctx = { .name = name, .line = 1, .escape = '\\' };
  struct cf_instruction *in = calloc (1, sizeof *in);
  int r;

  if (in == NULL)
    abort ();
  *out = NULL;
  r = cf_instruction_parse (&ctx, text, in, err);
  if (r == 0 && (in->kind == CF_ONBUILD || in->kind == CF_FROM || in->kind == CF_MAINTAINER))
    r = cf_fail (&ctx, err, "%s isn't allowed as an ONBUILD trigger", cf_kind_name (in->kind));
  if (r == 0 && in->n_heredocs > 0)
    r = cf_fail (&ctx, err, "heredocs are not supported in ONBUILD triggers");
  if (r < 0)
    {
      cf_instruction_free (in);
      return -1;
    }
  *out = in;
  return 0;
}

void
cf_instruction_free (struct cf_instruction *in)
{
  if (in == NULL)
    return;
  cf_instruction_clear (in);
  free (in);
}

char *
cf_run_heredoc_script (const struct cf_instruction *in)
{
  struct cf_buf script = { 0 };
  size_t i;

  cf_buf_puts (&script, in->n_args > 0 ? in->args[0] : "");
  for (i = 0; i < in->n_heredocs; i++)
    {
      cf_buf_putc (&script, '\n');
      cf_buf_puts (&script, in->heredocs[i].content != NULL ? in->heredocs[i].content : "");
      cf_buf_puts (&script, in->heredocs[i].name);
    }
  cf_buf_putc (&script, '\n');
  return cf_buf_steal (&script);
}
