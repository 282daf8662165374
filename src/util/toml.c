/* A recursive-descent reader for the TOML subset of util/toml.h.
 *
 * While parsing, each table and array carries a few flags (in json-c's
 * userdata slot, cleared before the tree is returned) that enforce TOML's
 * "define once" rules: a [header] may only name a table that was so far only
 * created implicitly, dotted keys may only extend tables that dotted keys
 * created, and inline tables and value arrays are closed once written.  */
#include "config.h"
#include "util/toml.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/utf8.h"
#include "util/xmalloc.h"

#define TOML_MAX_DEPTH 64
#define TOML_MAX_FILE_SIZE (4 * 1024 * 1024)

enum
{
  TABLE_IMPLICIT = 1 << 0, /* created as the parent of a [header] */
  TABLE_DEFINED = 1 << 1,  /* named by its own [header] or a [[header]] element */
  TABLE_DOTTED = 1 << 2,   /* created by a dotted key */
  TABLE_FROZEN = 1 << 3,   /* inline table or value array: never extended */
  ARRAY_OF_TABLES = 1 << 4,
};

struct toml_parser
{
  const char *p, *end;
  const char *filename;
  int line;
  int depth;
  galley_error_t *err;
};

struct key_path
{
  char **parts;
  size_t n;
};

struct text_buf
{
  char *data;
  size_t len, cap;
};

static unsigned
flags_of (json_object *o)
{
  return (unsigned)(uintptr_t)json_object_get_userdata (o);
}

static void
set_flags (json_object *o, unsigned flags)
{
  json_object_set_userdata (o, (void *)(uintptr_t)flags, NULL);
}

static int parse_fail (struct toml_parser *ps, int line, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

static int
parse_fail (struct toml_parser *ps, int line, const char *fmt, ...)
{
  _cleanup_free_ char *msg = NULL;
  va_list ap;

  va_start (ap, fmt);
  msg = xvasprintf (fmt, ap);
  va_end (ap);
  return galley_error_make (ps->err, 0, "%s:%d: %s", ps->filename, line, msg);
}

static void
key_path_release (struct key_path *k)
{
  for (size_t i = 0; i < k->n; i++)
    free (k->parts[i]);
  free (k->parts);
  k->parts = NULL;
  k->n = 0;
}
#define _cleanup_key_path_ __attribute__ ((cleanup (key_path_release)))

/* "a.b.c" for messages, up to and including part `upto`; control characters
 * are escaped so that the message stays on one line.  */
static char *
key_path_join (const struct key_path *k, size_t upto)
{
  struct text_buf b = { 0 };
  FILE *f;

  f = xalloc_check (open_memstream (&b.data, &b.len));
  for (size_t i = 0; i <= upto && i < k->n; i++)
    {
      if (i)
        fputc ('.', f);
      for (const char *c = k->parts[i]; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
          fprintf (f, "\\x%02x", (unsigned char)*c);
        else
          fputc (*c, f);
    }
  fclose (f);
  return b.data;
}

static void
buf_release (struct text_buf *b)
{
  free (b->data);
}
#define _cleanup_buf_ __attribute__ ((cleanup (buf_release)))

static void
buf_add (struct text_buf *b, const char *s, size_t n)
{
  if (b->len + n + 1 > b->cap)
    {
      size_t cap = b->cap ? b->cap : 64;
      while (cap < b->len + n + 1)
        cap *= 2;
      b->data = xrealloc (b->data, cap);
      b->cap = cap;
    }
  memcpy (b->data + b->len, s, n);
  b->len += n;
  b->data[b->len] = '\0';
}

static void
buf_addc (struct text_buf *b, char c)
{
  buf_add (b, &c, 1);
}

static bool
at_end (const struct toml_parser *ps)
{
  return ps->p >= ps->end;
}

static bool
looking_at (const struct toml_parser *ps, const char *s)
{
  size_t n = strlen (s);
  return (size_t)(ps->end - ps->p) >= n && memcmp (ps->p, s, n) == 0;
}

static bool
at_newline (const struct toml_parser *ps)
{
  return looking_at (ps, "\n") || looking_at (ps, "\r\n");
}

static void
skip_newline (struct toml_parser *ps)
{
  ps->p += *ps->p == '\r' ? 2 : 1;
  ps->line++;
}

static void
skip_blanks (struct toml_parser *ps)
{
  while (! at_end (ps) && (*ps->p == ' ' || *ps->p == '\t'))
    ps->p++;
}

static void
skip_comment (struct toml_parser *ps)
{
  while (! at_end (ps) && ! at_newline (ps))
    ps->p++;
}

/* Blanks, comments and newlines: the filler allowed inside arrays.  */
static void
skip_filler (struct toml_parser *ps)
{
  for (;;)
    {
      skip_blanks (ps);
      if (at_end (ps))
        return;
      if (*ps->p == '#')
        skip_comment (ps);
      else if (at_newline (ps))
        skip_newline (ps);
      else
        return;
    }
}

/* A character for an error message: printable as is, others in hex.  */
static const char *
char_name (char c, char buf[8])
{
  unsigned char u = (unsigned char)c;
  if (u >= 0x20 && u < 0x7f)
    snprintf (buf, 8, "'%c'", c);
  else
    snprintf (buf, 8, "0x%02x", u);
  return buf;
}

/* After a key/value pair or a header only a comment may follow on the line.  */
static int
expect_line_end (struct toml_parser *ps, const char *after)
{
  skip_blanks (ps);
  if (! at_end (ps) && *ps->p == '#')
    skip_comment (ps);
  if (at_end (ps))
    return 0;
  if (at_newline (ps))
    {
      skip_newline (ps);
      return 0;
    }
  char c[8];
  return parse_fail (ps, ps->line, "unexpected %s after %s, expected end of line", char_name (*ps->p, c),
                     after);
}

static bool
is_bare_key_char (char c)
{
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* ps->p is just after the backslash.  */
static int
parse_escape (struct toml_parser *ps, struct text_buf *b)
{
  static const char simple_in[] = "btnfr\"\\e";
  static const char simple_out[] = "\b\t\n\f\r\"\\\033";
  const char *hit;
  int digits;
  uint32_t cp = 0;
  char utf8[4];

  if (at_end (ps))
    return parse_fail (ps, ps->line, "unterminated string");
  if (*ps->p != '\0' && (hit = strchr (simple_in, *ps->p)) != NULL)
    {
      buf_addc (b, simple_out[hit - simple_in]);
      ps->p++;
      return 0;
    }
  if (*ps->p != 'u' && *ps->p != 'U')
    {
      if ((unsigned char)*ps->p < 0x20)
        return parse_fail (ps, ps->line, "invalid escape sequence in string");
      return parse_fail (ps, ps->line, "invalid escape sequence \"\\%c\" in string", *ps->p);
    }
  digits = *ps->p == 'u' ? 4 : 8;
  ps->p++;
  for (int i = 0; i < digits; i++, ps->p++)
    {
      char c = at_end (ps) ? '\0' : *ps->p;
      int v = (c >= '0' && c <= '9')   ? c - '0'
              : (c >= 'a' && c <= 'f') ? c - 'a' + 10
              : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                       : -1;
      if (v < 0)
        return parse_fail (ps, ps->line, "invalid escape sequence: \\%c needs %d hex digits",
                           digits == 4 ? 'u' : 'U', digits);
      cp = cp * 16 + (uint32_t)v;
    }
  if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
    return parse_fail (ps, ps->line, "invalid escape sequence: U+%04" PRIX32 " is not a Unicode scalar value",
                       cp);
  buf_add (b, utf8, utf8_encode (cp, utf8));
  return 0;
}

static bool
is_bad_control (char c)
{
  unsigned char u = (unsigned char)c;
  return (u < 0x20 && c != '\t') || u == 0x7f;
}

/* One piece of string content at ps->p (not the closing quote, not a
 * newline): an escape sequence in a basic string, else one character.  */
static int
parse_string_char (struct toml_parser *ps, char quote, struct text_buf *b)
{
  if (quote == '"' && *ps->p == '\\')
    {
      ps->p++;
      return parse_escape (ps, b);
    }
  if (is_bad_control (*ps->p))
    return parse_fail (ps, ps->line, "control character 0x%02x in string", (unsigned char)*ps->p);
  buf_addc (b, *ps->p++);
  return 0;
}

/* Basic ("...") or literal ('...') single-line string; ps->p at the quote.  */
static int
parse_single_line_string (struct toml_parser *ps, struct text_buf *b)
{
  char quote = *ps->p++;

  for (;;)
    {
      if (at_end (ps) || at_newline (ps))
        return parse_fail (ps, ps->line, "unterminated string");
      if (*ps->p == quote)
        {
          ps->p++;
          return 0;
        }
      if (parse_string_char (ps, quote, b) < 0)
        return -1;
    }
}

/* A backslash at ps->p that ends its line (white space may follow it)
 * eats the newline and the white space after it: skip all that and
 * return true; else leave ps->p alone and return false.  */
static bool
skip_line_ending_backslash (struct toml_parser *ps)
{
  const char *q = ps->p + 1;

  while (q < ps->end && (*q == ' ' || *q == '\t'))
    q++;
  if (q >= ps->end || ! (*q == '\n' || (*q == '\r' && q + 1 < ps->end && q[1] == '\n')))
    return false;
  ps->p = q;
  while (! at_end (ps) && (*ps->p == ' ' || *ps->p == '\t' || at_newline (ps)))
    {
      if (at_newline (ps))
        skip_newline (ps);
      else
        ps->p++;
    }
  return true;
}

/* """...""" or '''...'''; ps->p at the first of the three quotes.  */
static int
parse_multi_line_string (struct toml_parser *ps, struct text_buf *b)
{
  char quote = *ps->p;
  int start_line = ps->line;

  ps->p += 3;
  if (at_newline (ps))
    skip_newline (ps);
  for (;;)
    {
      if (at_end (ps))
        return parse_fail (ps, start_line, "unterminated multi-line string");
      if (*ps->p == quote && looking_at (ps, quote == '"' ? "\"\"\"" : "'''"))
        {
          size_t run = 0;
          while (ps->p + run < ps->end && ps->p[run] == quote)
            run++;
          if (run > 5)
            return parse_fail (ps, ps->line, "too many quotes closing multi-line string");
          for (size_t i = 3; i < run; i++)
            buf_addc (b, quote);
          ps->p += run;
          return 0;
        }
      if (at_newline (ps))
        {
          skip_newline (ps);
          buf_addc (b, '\n');
          continue;
        }
      if (quote == '"' && *ps->p == '\\' && skip_line_ending_backslash (ps))
        continue;
      if (parse_string_char (ps, quote, b) < 0)
        return -1;
    }
}

static int
parse_string (struct toml_parser *ps, struct text_buf *b)
{
  if (looking_at (ps, "\"\"\"") || looking_at (ps, "'''"))
    return parse_multi_line_string (ps, b);
  return parse_single_line_string (ps, b);
}

/* One or more key parts separated by dots (with optional blanks around them).  */
static int
parse_key (struct toml_parser *ps, struct key_path *k)
{
  for (;;)
    {
      _cleanup_buf_ struct text_buf b = { 0 };

      skip_blanks (ps);
      if (at_end (ps) || at_newline (ps))
        return parse_fail (ps, ps->line, "expected a key");
      if (*ps->p == '"' || *ps->p == '\'')
        {
          if (looking_at (ps, "\"\"\"") || looking_at (ps, "'''"))
            return parse_fail (ps, ps->line, "multi-line strings cannot be keys");
          if (parse_single_line_string (ps, &b) < 0)
            return -1;
          buf_add (&b, "", 0);
          if (strlen (b.data) != b.len)
            return parse_fail (ps, ps->line, "key contains a NUL character");
        }
      else
        {
          const char *start = ps->p;
          while (! at_end (ps) && is_bare_key_char (*ps->p))
            ps->p++;
          if (ps->p == start)
            {
              char c[8];
              return parse_fail (ps, ps->line, "invalid character %s in key", char_name (*ps->p, c));
            }
          buf_add (&b, start, (size_t)(ps->p - start));
        }
      k->parts = xreallocarray (k->parts, k->n + 1, sizeof *k->parts);
      k->parts[k->n++] = steal_pointer (&b.data);
      skip_blanks (ps);
      if (at_end (ps) || *ps->p != '.')
        return 0;
      ps->p++;
    }
}

static json_object *
new_table (unsigned flags)
{
  json_object *t = xalloc_check (json_object_new_object ());

  set_flags (t, flags);
  return t;
}

static void
freeze (json_object *v)
{
  if (json_object_is_type (v, json_type_object))
    {
      set_flags (v, flags_of (v) | TABLE_FROZEN);
      json_object_object_foreach (v, key, child)
      {
        (void)key;
        freeze (child);
      }
    }
  else if (json_object_is_type (v, json_type_array))
    set_flags (v, flags_of (v) | TABLE_FROZEN);
}

static int parse_value (struct toml_parser *ps, json_object **out);

/* Walk `key` below `table` for a key/value pair, creating the tables that
 * dotted keys name, and return the table that receives the last part.  */
static int
dotted_key_parent (struct toml_parser *ps, json_object *table, const struct key_path *k, json_object **parent)
{
  for (size_t i = 0; i + 1 < k->n; i++)
    {
      json_object *child;

      if (! json_object_object_get_ex (table, k->parts[i], &child))
        {
          child = new_table (TABLE_DOTTED);
          json_object_object_add (table, k->parts[i], child);
        }
      else if (! json_object_is_type (child, json_type_object)
               || (flags_of (child) & (TABLE_DOTTED | TABLE_FROZEN)) != TABLE_DOTTED)
        {
          _cleanup_free_ char *name = key_path_join (k, i);
          _cleanup_free_ char *full = key_path_join (k, k->n);
          return parse_fail (ps, ps->line, "cannot add key \"%s\": \"%s\" is already defined", full, name);
        }
      table = child;
    }
  *parent = table;
  return 0;
}

static int
parse_key_value (struct toml_parser *ps, json_object *table)
{
  _cleanup_key_path_ struct key_path k = { 0 };
  json_object *parent = NULL, *value = NULL;
  int key_line = ps->line;

  if (parse_key (ps, &k) < 0)
    return -1;
  if (at_end (ps) || *ps->p != '=')
    {
      _cleanup_free_ char *name = key_path_join (&k, k.n);
      return parse_fail (ps, ps->line, "missing '=' after key \"%s\"", name);
    }
  ps->p++;
  if (dotted_key_parent (ps, table, &k, &parent) < 0)
    return -1;
  if (json_object_object_get_ex (parent, k.parts[k.n - 1], NULL))
    {
      _cleanup_free_ char *name = key_path_join (&k, k.n);
      return parse_fail (ps, key_line, "duplicate key \"%s\"", name);
    }
  skip_blanks (ps);
  if (parse_value (ps, &value) < 0)
    return -1;
  json_object_object_add (parent, k.parts[k.n - 1], value);
  return 0;
}

static int
parse_array (struct toml_parser *ps, json_object **out)
{
  _cleanup_json_ json_object *arr = json_object_new_array ();
  int start_line = ps->line;

  ps->p++;
  for (;;)
    {
      json_object *v = NULL;

      skip_filler (ps);
      if (at_end (ps))
        return parse_fail (ps, start_line, "unterminated array");
      if (*ps->p == ']')
        break;
      if (parse_value (ps, &v) < 0)
        return -1;
      json_object_array_add (arr, v);
      skip_filler (ps);
      if (at_end (ps))
        return parse_fail (ps, start_line, "unterminated array");
      if (*ps->p == ',')
        {
          ps->p++;
          continue;
        }
      if (*ps->p != ']')
        {
          char c[8];
          return parse_fail (ps, ps->line, "expected ',' or ']' in array, found %s", char_name (*ps->p, c));
        }
      break;
    }
  ps->p++;
  set_flags (arr, TABLE_FROZEN);
  *out = steal_pointer (&arr);
  return 0;
}

/* { a = 1, b.c = "x" }.  Newlines, comments and a trailing comma are
 * accepted as TOML 1.1 does; people split long inline tables.  */
static int
parse_inline_table (struct toml_parser *ps, json_object **out)
{
  _cleanup_json_ json_object *table = new_table (TABLE_DEFINED);
  int start_line = ps->line;

  ps->p++;
  for (;;)
    {
      skip_filler (ps);
      if (at_end (ps))
        return parse_fail (ps, start_line, "unterminated inline table");
      if (*ps->p == '}')
        break;
      if (parse_key_value (ps, table) < 0)
        return -1;
      skip_filler (ps);
      if (at_end (ps))
        return parse_fail (ps, start_line, "unterminated inline table");
      if (*ps->p == ',')
        {
          ps->p++;
          continue;
        }
      if (*ps->p != '}')
        {
          char c[8];
          return parse_fail (ps, ps->line, "expected ',' or '}' in inline table, found %s",
                             char_name (*ps->p, c));
        }
      break;
    }
  ps->p++;
  freeze (table);
  *out = steal_pointer (&table);
  return 0;
}

/* digits with single underscores between them, in the given base.  */
static bool
valid_digits (const char *s, size_t n, int base)
{
  bool prev_digit = false;

  if (n == 0)
    return false;
  for (size_t i = 0; i < n; i++)
    {
      char c = s[i];
      bool digit = base == 16  ? ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))
                   : base == 8 ? (c >= '0' && c <= '7')
                   : base == 2 ? (c == '0' || c == '1')
                               : (c >= '0' && c <= '9');
      if (digit)
        prev_digit = true;
      else if (c == '_' && prev_digit && i + 1 < n)
        prev_digit = false;
      else
        return false;
    }
  return prev_digit;
}

static char *
strip_underscores (const char *s, size_t n)
{
  char *out = xmalloc (n + 1), *o = out;

  for (size_t i = 0; i < n; i++)
    if (s[i] != '_')
      *o++ = s[i];
  *o = '\0';
  return out;
}

static bool
is_datetime_like (const char *s, size_t n)
{
  /* 1979-05-27, 1979-05-27T07:32:00Z, 07:32:00 ... kept as written.  */
  return (n >= 10 && s[4] == '-' && s[7] == '-') || (n >= 8 && s[2] == ':');
}

static bool
valid_datetime (const char *s, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (! ((s[i] >= '0' && s[i] <= '9') || strchr ("-:.TtZz+ ", s[i]) != NULL))
      return false;
  return true;
}

/* Decimal integer part of a float or integer: no leading zeros.  */
static bool
valid_decimal (const char *s, size_t n)
{
  if (n > 0 && (*s == '+' || *s == '-'))
    s++, n--;
  if (n > 1 && s[0] == '0')
    return false;
  return valid_digits (s, n, 10);
}

static bool
valid_float (const char *s, size_t n)
{
  const char *dot = memchr (s, '.', n);
  const char *e = NULL;
  size_t int_len;

  for (size_t i = 0; i < n; i++)
    if (s[i] == 'e' || s[i] == 'E')
      {
        e = s + i;
        break;
      }
  if (dot == NULL && e == NULL)
    return false;
  if (dot && e && dot > e)
    return false;
  int_len = (size_t)((dot ? dot : e) - s);
  if (! valid_decimal (s, int_len))
    return false;
  if (dot && ! valid_digits (dot + 1, (size_t)((e ? e : s + n) - dot - 1), 10))
    return false;
  if (e)
    {
      const char *x = e + 1;
      size_t xn = (size_t)(s + n - x);
      if (xn > 0 && (*x == '+' || *x == '-'))
        x++, xn--;
      if (! valid_digits (x, xn, 10))
        return false;
    }
  return true;
}

static int
parse_number_or_date (struct toml_parser *ps, json_object **out)
{
  const char *start = ps->p;
  size_t n;
  _cleanup_free_ char *clean = NULL;

  while (! at_end (ps) && (is_bare_key_char (*ps->p) || strchr ("+.:", *ps->p)))
    ps->p++;
  n = (size_t)(ps->p - start);
  /* "1979-05-27 07:32:00": a space may separate date and time.  */
  if (n == 10 && is_datetime_like (start, n) && ps->end - ps->p >= 3 && ps->p[0] == ' ' && ps->p[1] >= '0'
      && ps->p[1] <= '9' && ps->p[2] >= '0' && ps->p[2] <= '9')
    {
      ps->p++;
      while (! at_end (ps) && (is_bare_key_char (*ps->p) || strchr ("+.:", *ps->p)))
        ps->p++;
      n = (size_t)(ps->p - start);
    }
  if (n == 0)
    {
      char c[8];
      return parse_fail (ps, ps->line, "expected a value, found %s", char_name (*ps->p, c));
    }

  if (is_datetime_like (start, n) && valid_datetime (start, n))
    {
      *out = json_object_new_string_len (start, (int)n);
      return 0;
    }
  {
    const char *s = start;
    size_t m = n;
    bool neg = false;
    if (*s == '+' || *s == '-')
      neg = *s == '-', s++, m--;
    if ((m == 3 && memcmp (s, "inf", 3) == 0) || (m == 3 && memcmp (s, "nan", 3) == 0))
      {
        double d = s[0] == 'i' ? INFINITY : NAN;
        *out = json_object_new_double (neg ? -d : d);
        return 0;
      }
    if (m > 2 && s == start && s[0] == '0' && strchr ("xob", s[1]))
      {
        int base = s[1] == 'x' ? 16 : s[1] == 'o' ? 8 : 2;
        unsigned long long v;
        if (! valid_digits (s + 2, m - 2, base))
          return parse_fail (ps, ps->line, "invalid number \"%.*s\"", (int)n, start);
        clean = strip_underscores (s + 2, m - 2);
        errno = 0;
        v = strtoull (clean, NULL, base);
        if (errno == ERANGE || v > INT64_MAX)
          return parse_fail (ps, ps->line, "integer \"%.*s\" out of range", (int)n, start);
        *out = json_object_new_int64 ((int64_t)v);
        return 0;
      }
  }
  if (valid_decimal (start, n))
    {
      long long v;
      clean = strip_underscores (start, n);
      errno = 0;
      v = strtoll (clean, NULL, 10);
      if (errno == ERANGE)
        return parse_fail (ps, ps->line, "integer \"%.*s\" out of range", (int)n, start);
      *out = json_object_new_int64 (v);
      return 0;
    }
  if (valid_float (start, n))
    {
      clean = strip_underscores (start, n);
      *out = json_object_new_double (strtod (clean, NULL));
      return 0;
    }
  return parse_fail (ps, ps->line, "invalid value \"%.*s\"", (int)n, start);
}

static bool
looking_at_word (const struct toml_parser *ps, const char *w)
{
  size_t n = strlen (w);
  return looking_at (ps, w) && (ps->p + n == ps->end || ! is_bare_key_char (ps->p[n]));
}

static int
parse_value (struct toml_parser *ps, json_object **out)
{
  int ret;

  if (at_end (ps) || at_newline (ps) || *ps->p == '#')
    return parse_fail (ps, ps->line, "missing value");
  if (*ps->p == '"' || *ps->p == '\'')
    {
      _cleanup_buf_ struct text_buf b = { 0 };
      if (parse_string (ps, &b) < 0)
        return -1;
      *out = json_object_new_string_len (b.data ? b.data : "", (int)b.len);
      return 0;
    }
  if (looking_at_word (ps, "true") || looking_at_word (ps, "false"))
    {
      bool v = *ps->p == 't';
      ps->p += v ? 4 : 5;
      *out = json_object_new_boolean (v);
      return 0;
    }
  if (*ps->p != '[' && *ps->p != '{')
    return parse_number_or_date (ps, out);
  if (++ps->depth > TOML_MAX_DEPTH)
    return parse_fail (ps, ps->line, "arrays and inline tables nested too deeply");
  ret = *ps->p == '[' ? parse_array (ps, out) : parse_inline_table (ps, out);
  ps->depth--;
  return ret;
}

/* The table that receives the parts of a [header] before the last one.  */
static int
header_parent (struct toml_parser *ps, json_object *root, const struct key_path *k, json_object **parent)
{
  json_object *table = root;

  for (size_t i = 0; i + 1 < k->n; i++)
    {
      json_object *child;

      if (! json_object_object_get_ex (table, k->parts[i], &child))
        {
          child = new_table (TABLE_IMPLICIT);
          json_object_object_add (table, k->parts[i], child);
        }
      else if (json_object_is_type (child, json_type_array) && (flags_of (child) & ARRAY_OF_TABLES))
        child = json_object_array_get_idx (child, json_object_array_length (child) - 1);
      else if (! json_object_is_type (child, json_type_object) || (flags_of (child) & TABLE_FROZEN))
        {
          _cleanup_free_ char *name = key_path_join (k, i);
          return parse_fail (ps, ps->line, "cannot define table under \"%s\": it is not a table", name);
        }
      table = child;
    }
  *parent = table;
  return 0;
}

static int
parse_header (struct toml_parser *ps, json_object *root, json_object **current)
{
  _cleanup_key_path_ struct key_path k = { 0 };
  _cleanup_free_ char *name = NULL;
  bool array = looking_at (ps, "[[");
  json_object *parent = NULL, *existing = NULL, *table;

  ps->p += array ? 2 : 1;
  if (parse_key (ps, &k) < 0)
    return -1;
  if (! looking_at (ps, array ? "]]" : "]"))
    return parse_fail (ps, ps->line, "expected '%s' to close the table header", array ? "]]" : "]");
  ps->p += array ? 2 : 1;
  name = key_path_join (&k, k.n);
  if (header_parent (ps, root, &k, &parent) < 0)
    return -1;
  if (! json_object_object_get_ex (parent, k.parts[k.n - 1], &existing))
    existing = NULL;

  if (array)
    {
      if (existing == NULL)
        {
          existing = json_object_new_array ();
          set_flags (existing, ARRAY_OF_TABLES);
          json_object_object_add (parent, k.parts[k.n - 1], existing);
        }
      else if (! json_object_is_type (existing, json_type_array) || ! (flags_of (existing) & ARRAY_OF_TABLES))
        return parse_fail (ps, ps->line, "cannot define array of tables [[%s]]: key already defined", name);
      table = new_table (TABLE_DEFINED);
      json_object_array_add (existing, table);
    }
  else if (existing == NULL)
    {
      table = new_table (TABLE_DEFINED);
      json_object_object_add (parent, k.parts[k.n - 1], table);
    }
  else if (json_object_is_type (existing, json_type_object) && flags_of (existing) == TABLE_IMPLICIT)
    {
      table = existing;
      set_flags (table, TABLE_DEFINED);
    }
  else if (json_object_is_type (existing, json_type_object)
           || (json_object_is_type (existing, json_type_array) && (flags_of (existing) & ARRAY_OF_TABLES)))
    return parse_fail (ps, ps->line, "redefinition of table [%s]", name);
  else
    return parse_fail (ps, ps->line, "cannot define table [%s]: key already has a value", name);
  *current = table;
  return expect_line_end (ps, "table header");
}

static void
clear_flags (json_object *v)
{
  if (json_object_is_type (v, json_type_object))
    {
      json_object_set_userdata (v, NULL, NULL);
      json_object_object_foreach (v, key, child)
      {
        (void)key;
        clear_flags (child);
      }
    }
  else if (json_object_is_type (v, json_type_array))
    {
      size_t n = json_object_array_length (v);
      json_object_set_userdata (v, NULL, NULL);
      for (size_t i = 0; i < n; i++)
        clear_flags (json_object_array_get_idx (v, i));
    }
}

int
toml_parse_string (const char *text, size_t len, const char *filename, json_object **out, galley_error_t *err)
{
  struct toml_parser ps = {
    .p = text,
    .end = text + len,
    .filename = filename ? filename : "<string>",
    .line = 1,
    .err = err,
  };
  _cleanup_json_ json_object *root = new_table (TABLE_DEFINED);
  json_object *current = root;
  const char *nul;

  if (len > INT32_MAX)
    return galley_error_make (err, EFBIG, "%s: document too large", ps.filename);
  if ((nul = memchr (text, '\0', len)) != NULL)
    {
      for (const char *q = text; q < nul; q++)
        ps.line += *q == '\n';
      return parse_fail (&ps, ps.line, "NUL character in file");
    }
  if (looking_at (&ps, "\xef\xbb\xbf"))
    ps.p += 3;
  while (! at_end (&ps))
    {
      skip_blanks (&ps);
      if (at_end (&ps))
        break;
      if (*ps.p == '#')
        skip_comment (&ps);
      else if (at_newline (&ps))
        skip_newline (&ps);
      else if (*ps.p == '[')
        {
          if (parse_header (&ps, root, &current) < 0)
            return -1;
        }
      else
        {
          if (parse_key_value (&ps, current) < 0 || expect_line_end (&ps, "value") < 0)
            return -1;
        }
    }
  clear_flags (root);
  *out = steal_pointer (&root);
  return 0;
}

int
toml_parse_file (const char *path, json_object **out, galley_error_t *err)
{
  _cleanup_free_ char *data = NULL;
  size_t len;

  if (fs_read_file (AT_FDCWD, path, TOML_MAX_FILE_SIZE, &data, &len, err) < 0)
    return -1;
  return toml_parse_string (data, len, path, out, err);
}
