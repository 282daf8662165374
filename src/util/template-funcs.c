/* The functions templates may call: podman's (join, json, lower, pad,
 * split, title, truncate, upper) and Go's builtins (and, call, html, index,
 * js, len, not, or, print, printf, println, slice, urlquery, eq, ne, lt,
 * le, gt, ge), with Go's semantics where podman users rely on them and
 * lenient operand order where podman's documentation uses both orders.  */
#include "config.h"

#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/json.h"
#include "util/template-internal.h"
#include "util/utf8.h"
#include "util/xmalloc.h"

static bool
is_number (const struct tpl_value *v)
{
  return tpl_is_type (v, json_type_int) || tpl_is_type (v, json_type_double);
}

/* %v of a value as a new string.  */
static char *
value_string (const struct tpl_value *v)
{
  char *s = NULL;
  size_t n = 0;
  FILE *f = xalloc_check (open_memstream (&s, &n));
  if (v->missing)
    ; /* functions see a missing value as empty, not as "<no value>" */
  else if (tpl_is_type (v, json_type_string))
    fwrite (json_object_get_string (v->obj), 1, (size_t)json_object_get_string_len (v->obj), f);
  else
    tpl_print_value (f, v);
  fclose (f);
  return s;
}

static struct tpl_value
string_value (const char *s, size_t n)
{
  return tpl_value_take (json_object_new_string_len (s, (int)n));
}

static int fn_fail (char **msg, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

static int
fn_fail (char **msg, const char *fmt, ...)
{
  va_list ap;

  va_start (ap, fmt);
  *msg = xvasprintf (fmt, ap);
  va_end (ap);
  return -1;
}

static bool
get_int (const struct tpl_value *v, int64_t *out)
{
  double d;

  if (tpl_is_type (v, json_type_int))
    {
      *out = json_object_get_int64 (v->obj);
      return true;
    }
  if (! tpl_is_type (v, json_type_double))
    return false;
  d = json_object_get_double (v->obj);
  if (d != floor (d) || d < -9.2e18 || d > 9.2e18)
    return false;
  *out = (int64_t)d;
  return true;
}

/* The functions.  Podman's documentation writes both {{join .Names ","}}
 * and {{.Names | join ","}} (where the pipeline appends the list last), so
 * join, truncate and pad find their operands by type.  */

static int
fn_join (struct tpl_value *args, size_t nargs, struct tpl_value *out, char **msg)
{
  struct tpl_value *list = &args[0], *sep = &args[1];
  _cleanup_free_ char *sep_s = NULL;
  char *s = NULL;
  size_t n = 0;
  FILE *f;

  if (! tpl_is_type (list, json_type_array) && tpl_is_type (sep, json_type_array))
    list = &args[1], sep = &args[0];
  if (list->missing || list->obj == NULL)
    {
      *out = string_value ("", 0);
      return 0;
    }
  if (! tpl_is_type (list, json_type_array))
    {
      if (tpl_is_type (list, json_type_string))
        {
          *out = tpl_value_borrow (list->obj);
          return 0;
        }
      return fn_fail (msg, "expected a list, got %s", tpl_type_name (list));
    }
  sep_s = value_string (sep);
  f = xalloc_check (open_memstream (&s, &n));
  for (size_t i = 0; i < json_object_array_length (list->obj); i++)
    {
      struct tpl_value e = { .obj = json_object_array_get_idx (list->obj, i) };
      if (i)
        fputs (sep_s, f);
      tpl_print_value (f, &e);
    }
  fclose (f);
  *out = string_value (s, n);
  free (s);
  return 0;
}

static int
fn_json (struct tpl_value *args, size_t nargs, struct tpl_value *out, char **msg)
{
  char *s = NULL;
  size_t n = 0;
  FILE *f = xalloc_check (open_memstream (&s, &n));
  tpl_print_json (f, &args[0]);
  fclose (f);
  *out = string_value (s, n);
  free (s);
  return 0;
}

static int
map_string (struct tpl_value *args, struct tpl_value *out, int (*map) (int), bool title)
{
  _cleanup_free_ char *s = value_string (&args[0]);
  bool word_start = true;

  for (char *c = s; *c; c++)
    {
      if (title)
        {
          if (word_start && islower ((unsigned char)*c))
            *c = (char)toupper ((unsigned char)*c);
          word_start =
              ! isalnum ((unsigned char)*c) && ! ((unsigned char)*c & 0x80) && *c != '_' && *c != '\'';
        }
      else if (! ((unsigned char)*c & 0x80))
        *c = (char)map ((unsigned char)*c);
    }
  *out = string_value (s, strlen (s));
  return 0;
}

static int
fn_lower (struct tpl_value *args, size_t nargs, struct tpl_value *out, char **msg)
{
  return map_string (args, out, tolower, false);
}

static int
fn_upper (struct tpl_value *args, size_t nargs, struct tpl_value *out, char **msg)
{
  return map_string (args, out, toupper, false);
}

static int
fn_title (struct tpl_value *args, size_t nargs, struct tpl_value *out, char **msg)
{
  return map_string (args, out, toupper, true);
}

static int
fn_truncate (struct tpl_value *args, size_t nargs, struct tpl_value *out, char **msg)
{
  struct tpl_value *src = &args[0], *len = &args[1];
  _cleanup_free_ char *s = NULL;
  int64_t n;

  if (! get_int (len, &n) && get_int (src, &n))
    src = &args[1], len = &args[0];
  if (! get_int (len, &n) || n < 0)
    return fn_fail (msg, "expected a length, got %s", tpl_type_name (len));
  s = value_string (src);
  *out = string_value (s, strlen (s) < (size_t)n ? strlen (s) : (size_t)n);
  return 0;
}

/* pad S PREFIX SUFFIX as podman (spaces around a non-empty S), and pad S
 * WIDTH (left-aligned in WIDTH columns).  */
static int
fn_pad (struct tpl_value *args, size_t nargs, struct tpl_value *out, char **msg)
{
  struct tpl_value *src = &args[0];
  int64_t nums[2] = { 0, 0 };
  size_t nnums = 0;
  _cleanup_free_ char *s = NULL;
  char *r = NULL;
  size_t rn = 0, len;
  FILE *f;

  if (get_int (&args[0], &nums[0]) && ! get_int (&args[nargs - 1], &nums[1]))
    src = &args[nargs - 1];
  for (size_t i = 0; i < nargs; i++)
    if (&args[i] != src)
      {
        if (! get_int (&args[i], &nums[nnums]) || nums[nnums] < 0 || nums[nnums] > 4096)
          return fn_fail (msg, "expected a number of spaces, got %s", tpl_type_name (&args[i]));
        nnums++;
      }
  s = value_string (src);
  len = strlen (s);
  f = xalloc_check (open_memstream (&r, &rn));
  if (nnums == 2 && len > 0)
    fprintf (f, "%*s%s%*s", (int)nums[0], "", s, (int)nums[1], "");
  else if (nnums == 1)
    fprintf (f, "%s%*s", s, (int)((size_t)nums[0] > len ? (size_t)nums[0] - len : 0), "");
  else
    fputs (s, f);
  fclose (f);
  *out = string_value (r, rn);
  free (r);
  return 0;
}

static int
fn_split (struct tpl_value *args, size_t nargs, struct tpl_value *out, char **msg)
{
  _cleanup_free_ char *s = value_string (&args[0]);
  _cleanup_free_ char *sep = value_string (&args[1]);
  json_object *arr = json_object_new_array ();
  size_t seplen = strlen (sep);
  char *p = s, *hit;

  if (seplen == 0)
    {
      for (; *p; p++)
        json_object_array_add (arr, json_object_new_string_len (p, 1));
    }
  else
    {
      while ((hit = strstr (p, sep)) != NULL)
        {
          json_object_array_add (arr, json_object_new_string_len (p, (int)(hit - p)));
          p = hit + seplen;
        }
      json_object_array_add (arr, json_object_new_string (p));
    }
  *out = tpl_value_take (arr);
  return 0;
}

static int
fn_len (struct tpl_value *args, size_t nargs, struct tpl_value *out, char **msg)
{
  struct tpl_value *v = &args[0];
  int64_t n;

  if (tpl_is_type (v, json_type_string))
    n = json_object_get_string_len (v->obj);
  else if (tpl_is_type (v, json_type_array))
    n = (int64_t)json_object_array_length (v->obj);
  else if (tpl_is_type (v, json_type_object))
    n = json_object_object_length (v->obj);
  else
    return fn_fail (msg, "len of %s", tpl_type_name (v));
  *out = tpl_value_take (json_object_new_int64 (n));
  return 0;
}

static int
fn_index (struct tpl_value *args, size_t nargs, struct tpl_value *out, char **msg)
{
  struct tpl_value cur = args[0];

  for (size_t i = 1; i < nargs; i++)
    {
      int64_t idx;
      if (tpl_is_type (&cur, json_type_array))
        {
          if (! get_int (&args[i], &idx))
            return fn_fail (msg, "cannot index slice with %s", tpl_type_name (&args[i]));
          if (idx < 0 || (size_t)idx >= json_object_array_length (cur.obj))
            return fn_fail (msg, "index out of range: %" PRId64, idx);
          cur.obj = json_object_array_get_idx (cur.obj, (size_t)idx);
        }
      else if (tpl_is_type (&cur, json_type_string) && i + 1 == nargs)
        {
          /* A string's element is a byte (Go's uint8), which prints as a number.  */
          if (! get_int (&args[i], &idx))
            return fn_fail (msg, "cannot index slice/array with type %s", tpl_type_name (&args[i]));
          if (idx < 0 || idx >= json_object_get_string_len (cur.obj))
            return fn_fail (msg, "index out of range: %" PRId64, idx);
          *out =
              tpl_value_take (json_object_new_int64 ((unsigned char)json_object_get_string (cur.obj)[idx]));
          return 0;
        }
      else if (tpl_is_type (&cur, json_type_object))
        {
          _cleanup_free_ char *key = value_string (&args[i]);
          json_object *v;
          if (! json_object_object_get_ex (cur.obj, key, &v))
            {
              *out = tpl_value_missing ();
              return 0;
            }
          cur.obj = v;
        }
      else
        return fn_fail (msg, "can't index item of type %s", tpl_type_name (&cur));
    }
  *out = cur.missing ? tpl_value_missing () : tpl_value_borrow (cur.obj);
  return 0;
}

/* slice X [I [J [K]]]: X[I:J:K] of a list, X[I:J] of a string (in bytes).  */
static int
fn_slice (struct tpl_value *args, size_t nargs, struct tpl_value *out, char **msg)
{
  struct tpl_value *item = &args[0];
  int64_t idx[3] = { 0, 0, 0 }, len, cap;
  bool is_string = tpl_is_type (item, json_type_string);

  if (item->missing || item->obj == NULL)
    return fn_fail (msg, "slice of untyped nil");
  if (nargs > 4)
    return fn_fail (msg, "too many slice indexes: %zu", nargs - 1);
  if (is_string)
    {
      if (nargs == 4)
        return fn_fail (msg, "cannot 3-index slice a string");
      len = json_object_get_string_len (item->obj);
    }
  else if (tpl_is_type (item, json_type_array))
    len = (int64_t)json_object_array_length (item->obj);
  else
    return fn_fail (msg, "can't slice item of type %s", tpl_type_name (item));
  cap = len;
  idx[1] = len;
  for (size_t i = 1; i < nargs; i++)
    {
      if (args[i].missing || args[i].obj == NULL)
        return fn_fail (msg, "cannot index slice/array with nil");
      if (! get_int (&args[i], &idx[i - 1]))
        return fn_fail (msg, "cannot index slice/array with type %s", tpl_type_name (&args[i]));
      if (idx[i - 1] < 0 || idx[i - 1] > cap)
        return fn_fail (msg, "index out of range: %" PRId64, idx[i - 1]);
    }
  if (idx[0] > idx[1])
    return fn_fail (msg, "invalid slice index: %" PRId64 " > %" PRId64, idx[0], idx[1]);
  if (nargs == 4 && idx[1] > idx[2])
    return fn_fail (msg, "invalid slice index: %" PRId64 " > %" PRId64, idx[1], idx[2]);
  if (is_string)
    {
      *out = string_value (json_object_get_string (item->obj) + idx[0], (size_t)(idx[1] - idx[0]));
      return 0;
    }
  *out = tpl_value_take (json_object_new_array_ext ((int)(idx[1] - idx[0])));
  for (int64_t i = idx[0]; i < idx[1]; i++)
    json_object_array_add (out->obj, json_object_get (json_object_array_get_idx (item->obj, (size_t)i)));
  return 0;
}

/* call F ARGS...: no value of a record is a function.  */
static int
fn_call (struct tpl_value *args, size_t nargs, struct tpl_value *out, char **msg)
{
  if (args[0].missing || args[0].obj == NULL)
    return fn_fail (msg, "call of nil");
  return fn_fail (msg, "non-function of type %s", tpl_type_name (&args[0]));
}

/* -1, 0, 1; or 2 when the values are not comparable.  */
static int
compare_values (const struct tpl_value *a, const struct tpl_value *b)
{
  if (is_number (a) && is_number (b))
    {
      if (tpl_is_type (a, json_type_int) && tpl_is_type (b, json_type_int))
        {
          int64_t x = json_object_get_int64 (a->obj), y = json_object_get_int64 (b->obj);
          return x < y ? -1 : x > y;
        }
      double x = json_object_get_double (a->obj), y = json_object_get_double (b->obj);
      return x < y ? -1 : x > y;
    }
  if (tpl_is_type (a, json_type_string) && tpl_is_type (b, json_type_string))
    {
      int c = strcmp (json_object_get_string (a->obj), json_object_get_string (b->obj));
      return c < 0 ? -1 : c > 0;
    }
  if (tpl_is_type (a, json_type_boolean) && tpl_is_type (b, json_type_boolean))
    return json_object_get_boolean (a->obj) == json_object_get_boolean (b->obj) ? 0 : 1;
  if ((a->missing || a->obj == NULL) && (b->missing || b->obj == NULL))
    return 0;
  return 2;
}

static int
fn_eq (struct tpl_value *args, size_t nargs, struct tpl_value *out, char **msg)
{
  bool eq = false;

  for (size_t i = 1; i < nargs && ! eq; i++)
    {
      int c = compare_values (&args[0], &args[i]);
      if (c == 2 && ! (args[0].missing || args[i].missing))
        return fn_fail (msg, "incompatible types for comparison");
      eq = c == 0;
    }
  *out = tpl_value_take (json_object_new_boolean (eq));
  return 0;
}

static int
fn_ne (struct tpl_value *args, size_t nargs, struct tpl_value *out, char **msg)
{
  if (fn_eq (args, nargs, out, msg) < 0)
    return -1;
  json_object_set_boolean (out->obj, ! json_object_get_boolean (out->obj));
  return 0;
}

static int
ordered (struct tpl_value *args, struct tpl_value *out, char **msg, int want_a, int want_b)
{
  int c = compare_values (&args[0], &args[1]);

  if (c == 2 || tpl_is_type (&args[0], json_type_boolean))
    return fn_fail (msg, "incompatible types for comparison");
  *out = tpl_value_take (json_object_new_boolean (c == want_a || c == want_b));
  return 0;
}

static int
fn_lt (struct tpl_value *args, size_t nargs, struct tpl_value *out, char **msg)
{
  return ordered (args, out, msg, -1, -1);
}

static int
fn_le (struct tpl_value *args, size_t nargs, struct tpl_value *out, char **msg)
{
  return ordered (args, out, msg, -1, 0);
}

static int
fn_gt (struct tpl_value *args, size_t nargs, struct tpl_value *out, char **msg)
{
  return ordered (args, out, msg, 1, 1);
}

static int
fn_ge (struct tpl_value *args, size_t nargs, struct tpl_value *out, char **msg)
{
  return ordered (args, out, msg, 1, 0);
}

static int
fn_not (struct tpl_value *args, size_t nargs, struct tpl_value *out, char **msg)
{
  *out = tpl_value_take (json_object_new_boolean (! tpl_truthy (&args[0])));
  return 0;
}

/* fmt.Sprint / Sprintln as a new string of *len bytes: Sprint puts spaces
 * between operands when neither is a string.  */
static char *
sprint_string (struct tpl_value *args, size_t nargs, bool ln, size_t *len)
{
  char *s = NULL;
  FILE *f = xalloc_check (open_memstream (&s, len));
  for (size_t i = 0; i < nargs; i++)
    {
      if (i > 0
          && (ln
              || (! tpl_is_type (&args[i - 1], json_type_string)
                  && ! tpl_is_type (&args[i], json_type_string))))
        fputc (' ', f);
      tpl_print_value (f, &args[i]);
    }
  if (ln)
    fputc ('\n', f);
  fclose (f);
  return s;
}

static int
sprint (struct tpl_value *args, size_t nargs, struct tpl_value *out, bool ln)
{
  size_t n;
  _cleanup_free_ char *s = sprint_string (args, nargs, ln, &n);

  *out = string_value (s, n);
  return 0;
}

/* html, js, urlquery: Go's escapers over the arguments printed as print does.  */

typedef void (*escaper) (FILE *f, const char *s, size_t n);

static int
escape_printed (struct tpl_value *args, size_t nargs, struct tpl_value *out, escaper escape)
{
  size_t n, rn = 0;
  _cleanup_free_ char *s = sprint_string (args, nargs, false, &n);
  char *r = NULL;
  FILE *f = xalloc_check (open_memstream (&r, &rn));
  escape (f, s, n);
  fclose (f);
  *out = string_value (r, rn);
  free (r);
  return 0;
}

static void
html_escape (FILE *f, const char *s, size_t n)
{
  for (size_t i = 0; i < n; i++)
    switch (s[i])
      {
      case '"':
        fputs ("&#34;", f);
        break;
      case '\'':
        fputs ("&#39;", f);
        break;
      case '&':
        fputs ("&amp;", f);
        break;
      case '<':
        fputs ("&lt;", f);
        break;
      case '>':
        fputs ("&gt;", f);
        break;
      case '\0':
        fputs ("\xef\xbf\xbd", f); /* U+FFFD */
        break;
      default:
        fputc (s[i], f);
      }
}

/* Go's unicode.IsPrint for a code point past ASCII, short of its tables:
 * the controls, spaces and format characters people meet.  */
static bool
rune_is_print (uint32_t cp)
{
  return ! (cp < 0xa1 || cp == 0xad || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200f)
            || (cp >= 0x2028 && cp <= 0x202f) || (cp >= 0x205f && cp <= 0x206f) || cp == 0x3000
            || cp == 0xfeff || (cp >= 0xfff9 && cp <= 0xfffb));
}

static void
js_escape (FILE *f, const char *s, size_t n)
{
  const unsigned char *u = (const unsigned char *)s;
  size_t len;

  for (size_t i = 0; i < n; i += len)
    {
      uint32_t cp;
      len = 1;
      if (u[i] == '\\' || u[i] == '\'' || u[i] == '"')
        fprintf (f, "\\%c", u[i]);
      else if (u[i] == '<' || u[i] == '>' || u[i] == '&' || u[i] == '=' || u[i] < 0x20)
        fprintf (f, "\\u%04X", u[i]);
      else if (u[i] < 0x80)
        fputc (u[i], f);
      else if (! rune_is_print (cp = utf8_decode (s + i, n - i, &len)))
        fprintf (f, "\\u%04X", cp);
      else
        fwrite (u + i, 1, len, f);
    }
}

/* Go's url.QueryEscape.  */
static void
query_escape (FILE *f, const char *s, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      unsigned char c = (unsigned char)s[i];
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
          || c == '.' || c == '~')
        fputc (c, f);
      else if (c == ' ')
        fputc ('+', f);
      else
        fprintf (f, "%%%02X", c);
    }
}

static int
fn_html (struct tpl_value *args, size_t nargs, struct tpl_value *out, char **msg)
{
  return escape_printed (args, nargs, out, html_escape);
}

static int
fn_js (struct tpl_value *args, size_t nargs, struct tpl_value *out, char **msg)
{
  return escape_printed (args, nargs, out, js_escape);
}

static int
fn_urlquery (struct tpl_value *args, size_t nargs, struct tpl_value *out, char **msg)
{
  return escape_printed (args, nargs, out, query_escape);
}

static int
fn_print (struct tpl_value *args, size_t nargs, struct tpl_value *out, char **msg)
{
  return sprint (args, nargs, out, false);
}

static int
fn_println (struct tpl_value *args, size_t nargs, struct tpl_value *out, char **msg)
{
  return sprint (args, nargs, out, true);
}

/* One printf directive (flags, width, precision already copied into spec).
 * The C format is built at run time from characters fn_printf checked to be
 * flags, digits and '.', so the non-literal format is safe here.  */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static void
printf_one (FILE *f, char *spec, size_t speclen, char verb, const struct tpl_value *v)
{
  int64_t i;

  spec[speclen] = '\0';
  switch (verb)
    {
    case 'd':
      if (get_int (v, &i))
        {
          char full[48];
          snprintf (full, sizeof full, "%s" PRId64, spec);
          fprintf (f, full, i);
          return;
        }
      break;
    case 'f':
    case 'e':
    case 'g':
    case 'F':
    case 'E':
    case 'G':
      if (is_number (v))
        {
          char full[48];
          snprintf (full, sizeof full, "%s%c", spec, verb);
          fprintf (f, full, json_object_get_double (v->obj));
          return;
        }
      break;
    case 'x':
    case 'X':
    case 'o':
      if (get_int (v, &i))
        {
          char full[48];
          snprintf (full, sizeof full, "%s%s", spec, verb == 'x' ? PRIx64 : verb == 'X' ? PRIX64 : PRIo64);
          fprintf (f, full, i);
          return;
        }
      break;
    case 'c':
      if (get_int (v, &i) && i >= 0 && i <= 0x10ffff)
        {
          char rune[4];
          fwrite (rune, 1, utf8_encode ((uint32_t)i, rune), f);
          return;
        }
      break;
    case 'q':
      {
        _cleanup_free_ char *s = value_string (v);
        json_object *js = json_object_new_string (s);
        fputs (json_object_to_json_string_ext (js, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
               f);
        json_object_put (js);
        return;
      }
    case 's':
    case 'v':
      {
        _cleanup_free_ char *s = NULL;
        char full[48];
        if (v->missing)
          s = xstrdup ("<no value>");
        else
          s = value_string (v);
        snprintf (full, sizeof full, "%ss", spec);
        fprintf (f, full, s);
        return;
      }
    default:
      fprintf (f, "%%!%c(", verb);
      tpl_print_value (f, v);
      fputc (')', f);
      return;
    }
  fprintf (f, "%%!%c(%s=", verb, tpl_type_name (v));
  tpl_print_value (f, v);
  fputc (')', f);
}
#pragma GCC diagnostic pop

static int
fn_printf (struct tpl_value *args, size_t nargs, struct tpl_value *out, char **msg)
{
  _cleanup_free_ char *fmt = value_string (&args[0]);
  char *s = NULL;
  size_t n = 0, next = 1;
  FILE *f = xalloc_check (open_memstream (&s, &n));
  for (const char *p = fmt; *p; p++)
    {
      char spec[32];
      size_t speclen = 1;

      if (*p != '%')
        {
          fputc (*p, f);
          continue;
        }
      if (p[1] == '%')
        {
          fputc ('%', f);
          p++;
          continue;
        }
      spec[0] = '%';
      while (p[1] && strchr ("+- #0123456789.", p[1]) && speclen < 20)
        spec[speclen++] = *++p;
      spec[speclen] = '\0';
      if (p[1] == '\0')
        {
          fputs ("%!(NOVERB)", f);
          break;
        }
      p++;
      if (strtol (spec + strspn (spec, "%+- #0"), NULL, 10) > 4096
          || (strchr (spec, '.') && strtol (strchr (spec, '.') + 1, NULL, 10) > 4096))
        {
          fputs ("%!(BADWIDTH)", f);
          next++;
          continue;
        }
      if (next >= nargs)
        fprintf (f, "%%!%c(MISSING)", *p);
      else
        printf_one (f, spec, speclen, *p, &args[next++]);
    }
  if (next < nargs)
    {
      fputs ("%!(EXTRA ", f);
      for (size_t i = next; i < nargs; i++)
        {
          fprintf (f, "%s%s=", i > next ? ", " : "", tpl_type_name (&args[i]));
          tpl_print_value (f, &args[i]);
        }
      fputc (')', f);
    }
  fclose (f);
  *out = string_value (s, n);
  free (s);
  return 0;
}

/* and and or have no impl: eval_command evaluates them itself, lazily.  */
static const struct tpl_function functions[] = {
  { "and", 1, -1, NULL, TPL_EVAL_UNTIL_FALSE },
  { "call", 1, -1, fn_call },
  { "eq", 2, -1, fn_eq },
  { "ge", 2, 2, fn_ge },
  { "gt", 2, 2, fn_gt },
  { "html", 0, -1, fn_html },
  { "index", 1, -1, fn_index },
  { "join", 2, 2, fn_join },
  { "js", 0, -1, fn_js },
  { "json", 1, 1, fn_json },
  { "le", 2, 2, fn_le },
  { "len", 1, 1, fn_len },
  { "lower", 1, 1, fn_lower },
  { "lt", 2, 2, fn_lt },
  { "ne", 2, 2, fn_ne },
  { "not", 1, 1, fn_not },
  { "or", 1, -1, NULL, TPL_EVAL_UNTIL_TRUE },
  { "pad", 2, 3, fn_pad },
  { "print", 0, -1, fn_print },
  { "printf", 1, -1, fn_printf },
  { "println", 0, -1, fn_println },
  { "slice", 1, -1, fn_slice },
  { "split", 2, 2, fn_split },
  { "title", 1, 1, fn_title },
  { "truncate", 2, 2, fn_truncate },
  { "upper", 1, 1, fn_upper },
  { "urlquery", 0, -1, fn_urlquery },
};

const struct tpl_function *
tpl_function_lookup (const char *name, size_t len)
{
  for (size_t i = 0; i < sizeof functions / sizeof functions[0]; i++)
    if (strlen (functions[i].name) == len && memcmp (functions[i].name, name, len) == 0)
      return &functions[i];
  return NULL;
}
