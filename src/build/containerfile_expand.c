/* Docker's word processing (buildkit's shell lexer, ProcessWord): quotes
 * removed, escapes applied, $VAR / ${VAR...} substituted from the build's
 * ARG and ENV values; and Go durations for HEALTHCHECK's flags.  */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "build/containerfile_internal.h"
#include "util/error_text.h"

/* Deep enough for any real ${a:-${b:-...}}, shallow enough for the stack.  */
#define EXPAND_MAX_DEPTH 64

struct expander
{
  const char *s;
  size_t pos;
  char *const *env;
  unsigned depth;
  bool heredoc; /* quotes are plain text, escapes stay (buildkit's
                   SkipProcessQuotes + RawEscapes for heredoc bodies) */
  galley_error_t *err;
};

static const char *
env_lookup (char *const *env, const char *name, size_t len)
{
  const char *found = NULL;

  for (; env != NULL && *env != NULL; env++)
    if (strncmp (*env, name, len) == 0 && (*env)[len] == '=')
      found = *env + len + 1;
  return found;
}

static bool
is_special_param (char c)
{
  return strchr ("@*#?-$!0", c) != NULL && c != '\0';
}

/* A name after "$": digits, one special parameter, or [A-Za-z0-9_]+.  */
static size_t
process_name (struct expander *x)
{
  const char *p = x->s + x->pos;
  size_t n = 0;

  if (isdigit ((unsigned char)p[0]))
    while (isdigit ((unsigned char)p[n]))
      n++;
  else if (is_special_param (p[0]))
    n = 1;
  else
    while (isalnum ((unsigned char)p[n]) || p[n] == '_')
      n++;
  x->pos += n;
  return n;
}

static int process_until (struct expander *x, char stop, bool raw_escapes, struct cf_buf *out);

static int
process_single_quote (struct expander *x, struct cf_buf *out)
{
  const char *end = strchr (x->s + x->pos + 1, '\'');

  if (end == NULL)
    return galley_error_make (x->err, 0,
                              "unexpected end of statement while looking for matching single-quote");
  cf_buf_put (out, x->s + x->pos + 1, (size_t)(end - (x->s + x->pos + 1)));
  x->pos = (size_t)(end - x->s) + 1;
  return 0;
}

static int process_dollar (struct expander *x, struct cf_buf *out);

static int
process_double_quote (struct expander *x, struct cf_buf *out)
{
  x->pos++;
  for (;;)
    {
      char c = x->s[x->pos];

      if (c == '\0')
        return galley_error_make (x->err, 0,
                                  "unexpected end of statement while looking for matching double-quote");
      if (c == '"')
        {
          x->pos++;
          return 0;
        }
      if (c == '$')
        {
          if (process_dollar (x, out) < 0)
            return -1;
          continue;
        }
      x->pos++;
      if (c == '\\')
        {
          char next = x->s[x->pos];

          if (next == '\0')
            continue;
          if (next == '"' || next == '$' || next == '\\')
            c = next, x->pos++;
        }
      cf_buf_putc (out, c);
    }
}

/* ${VAR#pattern} and friends: the shortest (or, greedy, longest) prefix or
 * suffix of value matching the shell pattern is removed.  */
static void
trim_pattern (const char *value, const char *pattern, bool suffix, bool greedy, struct cf_buf *out)
{
  size_t len = strlen (value), i;

  for (i = 0; i <= len; i++)
    {
      size_t cut = greedy ? len - i : i;
      _cleanup_free_ char *part = suffix ? xstrdup (value + len - cut) : xstrndup (value, cut);

      if (fnmatch (pattern, part, 0) == 0)
        {
          if (suffix)
            cf_buf_put (out, value, len - cut);
          else
            cf_buf_puts (out, value + cut);
          return;
        }
    }
  cf_buf_puts (out, value);
}

static int
apply_modifier (struct expander *x, const char *name, size_t name_len, char op, bool null_is_unset,
                struct cf_buf *out)
{
  _cleanup_cf_buf_ struct cf_buf word = { 0 };
  const char *value = env_lookup (x->env, name, name_len);
  bool unset = value == NULL || (null_is_unset && *value == '\0');

  if (process_until (x, '}', op == '#' || op == '%', &word) < 0)
    return -1;
  if (word.s == NULL)
    cf_buf_puts (&word, "");
  switch (op)
    {
    case '-':
      cf_buf_puts (out, unset ? word.s : value);
      return 0;
    case '+':
      if (! unset)
        cf_buf_puts (out, word.s);
      return 0;
    case '?':
      if (unset)
        return galley_error_make (x->err, 0, "%.*s: %s", (int)name_len, name,
                                  word.len > 0    ? word.s
                                  : value == NULL ? "is not allowed to be unset"
                                                  : "is not allowed to be empty");
      cf_buf_puts (out, value);
      return 0;
    default: /* '#' and '%' */
      {
        bool greedy = word.s[0] == op;
        trim_pattern (value != NULL ? value : "", word.s + greedy, op == '%', greedy, out);
        return 0;
      }
    }
}

static int
process_dollar (struct expander *x, struct cf_buf *out)
{
  const char *name;
  size_t name_len;
  bool null_is_unset = false;
  char op;

  x->pos++;
  if (x->s[x->pos] != '{')
    {
      name = x->s + x->pos;
      name_len = process_name (x);
      if (name_len == 0)
        cf_buf_putc (out, '$');
      else
        {
          const char *v = env_lookup (x->env, name, name_len);
          cf_buf_puts (out, v != NULL ? v : "");
        }
      return 0;
    }
  x->pos++;
  if (x->s[x->pos] == '\0')
    return galley_error_make (x->err, 0, "syntax error: missing '}'");
  if (strchr ("{}:", x->s[x->pos]) != NULL)
    return galley_error_make (x->err, 0, "syntax error: bad substitution");
  name = x->s + x->pos;
  name_len = process_name (x);
  op = x->s[x->pos];
  if (op == '\0')
    return galley_error_make (x->err, 0, "syntax error: missing '}'");
  x->pos++;
  if (op == '}')
    {
      const char *v = env_lookup (x->env, name, name_len);
      cf_buf_puts (out, v != NULL ? v : "");
      return 0;
    }
  if (op == ':')
    {
      null_is_unset = true;
      op = x->s[x->pos];
      if (op != '\0')
        x->pos++;
      if (op != '-' && op != '+' && op != '?')
        return galley_error_make (x->err, 0, "unsupported modifier (:%c) in substitution", op ? op : ' ');
    }
  if (op != '-' && op != '+' && op != '?' && op != '#' && op != '%')
    return galley_error_make (x->err, 0, "unsupported modifier (%c) in substitution", op);
  if (++x->depth > EXPAND_MAX_DEPTH)
    return galley_error_make (x->err, 0, "substitution nested too deeply");
  if (apply_modifier (x, name, name_len, op, null_is_unset, out) < 0)
    return -1;
  x->depth--;
  return 0;
}

static int
process_until (struct expander *x, char stop, bool raw_escapes, struct cf_buf *out)
{
  for (;;)
    {
      char c = x->s[x->pos];
      int r = 0;

      if (c == '\0')
        break;
      if (stop != '\0' && c == stop)
        {
          x->pos++;
          return 0;
        }
      if (c == '\'' && ! x->heredoc)
        r = process_single_quote (x, out);
      else if (c == '"' && ! x->heredoc)
        r = process_double_quote (x, out);
      else if (c == '$')
        r = process_dollar (x, out);
      else
        {
          x->pos++;
          if (c == '\\')
            {
              if (raw_escapes || x->heredoc)
                cf_buf_putc (out, c);
              c = x->s[x->pos];
              if (c == '\0')
                break;
              x->pos++;
            }
          cf_buf_putc (out, c);
        }
      if (r < 0)
        return -1;
    }
  if (stop != '\0')
    return galley_error_make (x->err, 0, "syntax error: missing '%c'", stop);
  return 0;
}

static int
expand (const char *word, char *const *env, bool heredoc, char **out, galley_error_t *err)
{
  _cleanup_cf_buf_ struct cf_buf buf = { 0 };
  struct expander x = { .s = word, .env = env, .heredoc = heredoc, .err = err };

  *out = NULL;
  if (process_until (&x, '\0', false, &buf) < 0)
    {
      _cleanup_free_ char *msg = NULL;

      /* The word may hold anything (a JSON "\n"): keep the error one line.  */
      if (err != NULL && *err != NULL)
        {
          msg = steal_pointer (&(*err)->msg);
          galley_error_release (err);
        }
      return error_untrusted (err, "expanding \"%s\": %s", word, msg != NULL ? msg : "failed");
    }
  *out = cf_buf_steal (&buf);
  return 0;
}

int
cf_expand (const char *word, char *const *env, char **out, galley_error_t *err)
{
  return expand (word, env, false, out, err);
}

int
cf_expand_heredoc (const char *content, char *const *env, char **out, galley_error_t *err)
{
  return expand (content, env, true, out, err);
}

/* One "<number>[.<fraction>]<unit>" of a Go duration; returns the
 * nanoseconds as a double (overflow is checked by the caller).  */
static int
duration_part (const char **sp, double *ns)
{
  static const struct
  {
    const char *unit;
    double ns;
  } units[] = { { "ns", 1 },   { "us", 1e3 }, { "\xc2\xb5s", 1e3 }, { "\xce\xbcs", 1e3 },
                { "ms", 1e6 }, { "s", 1e9 },  { "m", 60e9 },        { "h", 3600e9 } };
  const char *s = *sp;
  double v = 0, scale = 1;
  bool digits = false;
  size_t i, best = 0, best_len = 0;

  for (; isdigit ((unsigned char)*s); s++, digits = true)
    v = v * 10 + (*s - '0');
  if (*s == '.')
    for (s++; isdigit ((unsigned char)*s); s++, digits = true)
      {
        scale /= 10;
        v += (*s - '0') * scale;
      }
  if (! digits)
    return -1;
  for (i = 0; i < sizeof units / sizeof units[0]; i++)
    {
      size_t l = strlen (units[i].unit);
      if (strncmp (s, units[i].unit, l) == 0 && l > best_len)
        best = i, best_len = l;
    }
  if (best_len == 0)
    return -1;
  *ns = v * units[best].ns;
  *sp = s + best_len;
  return 0;
}

int
cf_parse_duration (const char *s, int64_t *ns)
{
  double total = 0, part;
  bool negative = false;

  if (*s == '-' || *s == '+')
    negative = *s++ == '-';
  if (strcmp (s, "0") == 0)
    {
      *ns = 0;
      return 0;
    }
  if (*s == '\0')
    return -1;
  while (*s != '\0')
    {
      if (duration_part (&s, &part) < 0)
        return -1;
      total += part;
    }
  if (total > 9.2e18)
    return -1;
  *ns = (int64_t)(negative ? -total : total);
  return 0;
}
