/* Evaluation of parsed templates (template-internal.h) against json-c
 * records: field lookup (exact, then case-insensitive), Go truthiness, the
 * function table, and printing values the way Go's fmt %v does so that
 * output matches podman's.  */
#include "config.h"

#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/cleanup.h"
#include "util/format.h"
#include "util/json.h"
#include "util/template-internal.h"

struct render_ctx
{
  const struct template *t;
  galley_error_t *err;
};

static struct tpl_value
value_missing (void)
{
  return (struct tpl_value){ .missing = true, .obj = NULL };
}

static struct tpl_value
value_take (json_object *o)
{
  return (struct tpl_value){ .missing = false, .obj = o };
}

static struct tpl_value
value_borrow (json_object *o)
{
  return (struct tpl_value){ .missing = false, .obj = json_object_get (o) };
}

static void
value_release (struct tpl_value *v)
{
  if (v->obj)
    json_object_put (v->obj);
  v->obj = NULL;
}
#define _cleanup_value_ __attribute__ ((cleanup (value_release)))

static int render_fail (struct render_ctx *ctx, size_t pos, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

static int
render_fail (struct render_ctx *ctx, size_t pos, const char *fmt, ...)
{
  _cleanup_free_ char *msg = NULL;
  va_list ap;
  int line, col;

  va_start (ap, fmt);
  if (vasprintf (&msg, fmt, ap) < 0)
    msg = NULL;
  va_end (ap);
  tpl_position (ctx->t, pos, &line, &col);
  return galley_error_make (ctx->err, 0, "template: format:%d:%d: %s", line, col,
                            msg ? msg : "out of memory");
}

static const char *
type_name (const struct tpl_value *v)
{
  if (v->missing || v->obj == NULL)
    return "nil";
  switch (json_object_get_type (v->obj))
    {
    case json_type_boolean:
      return "bool";
    case json_type_int:
      return "int64";
    case json_type_double:
      return "float64";
    case json_type_string:
      return "string";
    case json_type_array:
      return "[]interface {}";
    case json_type_object:
      return "map[string]interface {}";
    default:
      return "nil";
    }
}

static bool
is_type (const struct tpl_value *v, json_type type)
{
  return ! v->missing && v->obj != NULL && json_object_is_type (v->obj, type);
}

static bool
is_number (const struct tpl_value *v)
{
  return is_type (v, json_type_int) || is_type (v, json_type_double);
}

static bool
truthy (const struct tpl_value *v)
{
  if (v->missing || v->obj == NULL)
    return false;
  switch (json_object_get_type (v->obj))
    {
    case json_type_boolean:
      return json_object_get_boolean (v->obj);
    case json_type_int:
      return json_object_get_int64 (v->obj) != 0;
    case json_type_double:
      return json_object_get_double (v->obj) != 0.0;
    case json_type_string:
      return json_object_get_string_len (v->obj) > 0;
    case json_type_array:
      return json_object_array_length (v->obj) > 0;
    case json_type_object:
      return json_object_object_length (v->obj) > 0;
    default:
      return false;
    }
}

/* Exact key first, then case-insensitive: .Host.Kernel finds host.kernel.  */
static json_object *
lookup_field (json_object *obj, const char *name, bool *found)
{
  json_object *v;

  *found = true;
  if (json_object_object_get_ex (obj, name, &v))
    return v;
  json_object_object_foreach (obj, key, val)
  {
    if (strcasecmp (key, name) == 0)
      return val;
  }
  *found = false;
  return NULL;
}

/* Go's fmt %v.  */

void
tpl_print_double (FILE *out, double d)
{
  char buf[40], digits[20];
  int prec, exp, nd = 0;
  const char *p;

  if (isnan (d))
    {
      fputs ("NaN", out);
      return;
    }
  if (isinf (d))
    {
      fputs (d > 0 ? "+Inf" : "-Inf", out);
      return;
    }
  if (d == 0)
    {
      fputs (signbit (d) ? "-0" : "0", out);
      return;
    }
  /* The shortest digits that read back as the same double, as strconv does.  */
  for (prec = 1; prec < 17; prec++)
    {
      snprintf (buf, sizeof buf, "%.*e", prec - 1, d);
      if (strtod (buf, NULL) == d)
        break;
    }
  snprintf (buf, sizeof buf, "%.*e", prec - 1, d);
  p = buf;
  if (*p == '-')
    {
      fputc ('-', out);
      p++;
    }
  for (; *p && *p != 'e'; p++)
    if (isdigit ((unsigned char)*p))
      digits[nd++] = *p;
  while (nd > 1 && digits[nd - 1] == '0')
    nd--;
  digits[nd] = '\0';
  exp = atoi (p + 1);
  /* %e when the exponent is < -4 or >= 6 (strconv's rule for the shortest %g).  */
  if (exp < -4 || exp >= 6)
    {
      fputc (digits[0], out);
      if (nd > 1)
        fprintf (out, ".%s", digits + 1);
      fprintf (out, "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
      return;
    }
  if (exp < 0)
    {
      fputs ("0.", out);
      for (int i = 0; i < -exp - 1; i++)
        fputc ('0', out);
      fputs (digits, out);
      return;
    }
  for (int i = 0; i <= exp; i++)
    fputc (i < nd ? digits[i] : '0', out);
  if (nd > exp + 1)
    fprintf (out, ".%s", digits + exp + 1);
}

static int
compare_keys (const void *a, const void *b)
{
  return strcmp (*(const char *const *)a, *(const char *const *)b);
}

static void print_json_value (FILE *out, json_object *o, bool nested);

static void
print_json_value (FILE *out, json_object *o, bool nested)
{
  if (o == NULL)
    {
      fputs ("<nil>", out);
      return;
    }
  switch (json_object_get_type (o))
    {
    case json_type_boolean:
      fputs (json_object_get_boolean (o) ? "true" : "false", out);
      break;
    case json_type_int:
      fprintf (out, "%" PRId64, json_object_get_int64 (o));
      break;
    case json_type_double:
      tpl_print_double (out, json_object_get_double (o));
      break;
    case json_type_string:
      fwrite (json_object_get_string (o), 1, (size_t)json_object_get_string_len (o), out);
      break;
    case json_type_array:
      {
        size_t n = json_object_array_length (o);
        fputc ('[', out);
        for (size_t i = 0; i < n; i++)
          {
            if (i)
              fputc (' ', out);
            print_json_value (out, json_object_array_get_idx (o, i), true);
          }
        fputc (']', out);
        break;
      }
    case json_type_object:
      {
        /* Go prints maps with sorted keys.  */
        size_t n = (size_t)json_object_object_length (o), i = 0;
        _cleanup_free_ const char **keys = calloc (n ? n : 1, sizeof *keys);
        if (keys == NULL)
          abort ();
        json_object_object_foreach (o, key, val)
        {
          (void)val;
          keys[i++] = key;
        }
        qsort (keys, n, sizeof *keys, compare_keys);
        fputs ("map[", out);
        for (i = 0; i < n; i++)
          {
            json_object *v = NULL;
            json_object_object_get_ex (o, keys[i], &v);
            fprintf (out, "%s%s:", i ? " " : "", keys[i]);
            print_json_value (out, v, true);
          }
        fputc (']', out);
        break;
      }
    default:
      fputs ("<nil>", out);
    }
  (void)nested;
}

void
tpl_print_value (FILE *out, const struct tpl_value *v)
{
  if (v->missing)
    fputs ("<no value>", out);
  else
    print_json_value (out, v->obj, false);
}

void
tpl_print_json (FILE *out, const struct tpl_value *v)
{
  if (v->missing || v->obj == NULL)
    fputs ("null", out);
  else
    fputs (json_object_to_json_string_ext (v->obj, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
           out);
}

/* %v of a value as a new string.  */
static char *
value_string (const struct tpl_value *v)
{
  char *s = NULL;
  size_t n = 0;
  FILE *f = open_memstream (&s, &n);

  if (f == NULL)
    abort ();
  if (v->missing)
    ; /* functions see a missing value as empty, not as "<no value>" */
  else if (is_type (v, json_type_string))
    fwrite (json_object_get_string (v->obj), 1, (size_t)json_object_get_string_len (v->obj), f);
  else
    tpl_print_value (f, v);
  fclose (f);
  return s;
}

static struct tpl_value
string_value (const char *s, size_t n)
{
  return value_take (json_object_new_string_len (s, (int)n));
}

static int fn_fail (char **msg, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

static int
fn_fail (char **msg, const char *fmt, ...)
{
  va_list ap;

  va_start (ap, fmt);
  if (vasprintf (msg, fmt, ap) < 0)
    *msg = NULL;
  va_end (ap);
  return -1;
}

static bool
get_int (const struct tpl_value *v, int64_t *out)
{
  double d;

  if (is_type (v, json_type_int))
    {
      *out = json_object_get_int64 (v->obj);
      return true;
    }
  if (! is_type (v, json_type_double))
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

  if (! is_type (list, json_type_array) && is_type (sep, json_type_array))
    list = &args[1], sep = &args[0];
  if (list->missing || list->obj == NULL)
    {
      *out = string_value ("", 0);
      return 0;
    }
  if (! is_type (list, json_type_array))
    {
      if (is_type (list, json_type_string))
        {
          *out = value_borrow (list->obj);
          return 0;
        }
      return fn_fail (msg, "expected a list, got %s", type_name (list));
    }
  sep_s = value_string (sep);
  f = open_memstream (&s, &n);
  if (f == NULL)
    abort ();
  for (size_t i = 0; i < json_object_array_length (list->obj); i++)
    {
      struct tpl_value e = { .obj = json_object_array_get_idx (list->obj, i) };
      if (i)
        fputs (sep_s, f);
      print_json_value (f, e.obj, true);
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
  FILE *f = open_memstream (&s, &n);

  if (f == NULL)
    abort ();
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
    return fn_fail (msg, "expected a length, got %s", type_name (len));
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
          return fn_fail (msg, "expected a number of spaces, got %s", type_name (&args[i]));
        nnums++;
      }
  s = value_string (src);
  len = strlen (s);
  f = open_memstream (&r, &rn);
  if (f == NULL)
    abort ();
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
  *out = value_take (arr);
  return 0;
}

static int
fn_len (struct tpl_value *args, size_t nargs, struct tpl_value *out, char **msg)
{
  struct tpl_value *v = &args[0];
  int64_t n;

  if (is_type (v, json_type_string))
    n = json_object_get_string_len (v->obj);
  else if (is_type (v, json_type_array))
    n = (int64_t)json_object_array_length (v->obj);
  else if (is_type (v, json_type_object))
    n = json_object_object_length (v->obj);
  else
    return fn_fail (msg, "len of %s", type_name (v));
  *out = value_take (json_object_new_int64 (n));
  return 0;
}

static int
fn_index (struct tpl_value *args, size_t nargs, struct tpl_value *out, char **msg)
{
  struct tpl_value cur = args[0];

  for (size_t i = 1; i < nargs; i++)
    {
      int64_t idx;
      if (is_type (&cur, json_type_array))
        {
          if (! get_int (&args[i], &idx))
            return fn_fail (msg, "cannot index slice with %s", type_name (&args[i]));
          if (idx < 0 || (size_t)idx >= json_object_array_length (cur.obj))
            return fn_fail (msg, "index out of range: %" PRId64, idx);
          cur.obj = json_object_array_get_idx (cur.obj, (size_t)idx);
        }
      else if (is_type (&cur, json_type_object))
        {
          _cleanup_free_ char *key = value_string (&args[i]);
          json_object *v;
          if (! json_object_object_get_ex (cur.obj, key, &v))
            {
              *out = value_missing ();
              return 0;
            }
          cur.obj = v;
        }
      else
        return fn_fail (msg, "can't index item of type %s", type_name (&cur));
    }
  *out = cur.missing ? value_missing () : value_borrow (cur.obj);
  return 0;
}

/* -1, 0, 1; or 2 when the values are not comparable.  */
static int
compare_values (const struct tpl_value *a, const struct tpl_value *b)
{
  if (is_number (a) && is_number (b))
    {
      if (is_type (a, json_type_int) && is_type (b, json_type_int))
        {
          int64_t x = json_object_get_int64 (a->obj), y = json_object_get_int64 (b->obj);
          return x < y ? -1 : x > y;
        }
      double x = json_object_get_double (a->obj), y = json_object_get_double (b->obj);
      return x < y ? -1 : x > y;
    }
  if (is_type (a, json_type_string) && is_type (b, json_type_string))
    {
      int c = strcmp (json_object_get_string (a->obj), json_object_get_string (b->obj));
      return c < 0 ? -1 : c > 0;
    }
  if (is_type (a, json_type_boolean) && is_type (b, json_type_boolean))
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
  *out = value_take (json_object_new_boolean (eq));
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

  if (c == 2 || is_type (&args[0], json_type_boolean))
    return fn_fail (msg, "incompatible types for comparison");
  *out = value_take (json_object_new_boolean (c == want_a || c == want_b));
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
  *out = value_take (json_object_new_boolean (! truthy (&args[0])));
  return 0;
}

/* and: the first false argument or the last; or: the first true one or the last.  */
static int
pick_by_truth (struct tpl_value *args, size_t nargs, struct tpl_value *out, bool stop_on)
{
  size_t i = 0;

  while (i + 1 < nargs && truthy (&args[i]) != stop_on)
    i++;
  *out = args[i].missing ? value_missing () : value_borrow (args[i].obj);
  return 0;
}

static int
fn_and (struct tpl_value *args, size_t nargs, struct tpl_value *out, char **msg)
{
  return pick_by_truth (args, nargs, out, false);
}

static int
fn_or (struct tpl_value *args, size_t nargs, struct tpl_value *out, char **msg)
{
  return pick_by_truth (args, nargs, out, true);
}

/* fmt.Sprint / Sprintln: Sprint puts spaces between operands when neither is a string.  */
static int
sprint (struct tpl_value *args, size_t nargs, struct tpl_value *out, bool ln)
{
  char *s = NULL;
  size_t n = 0;
  FILE *f = open_memstream (&s, &n);

  if (f == NULL)
    abort ();
  for (size_t i = 0; i < nargs; i++)
    {
      if (i > 0
          && (ln || (! is_type (&args[i - 1], json_type_string) && ! is_type (&args[i], json_type_string))))
        fputc (' ', f);
      tpl_print_value (f, &args[i]);
    }
  if (ln)
    fputc ('\n', f);
  fclose (f);
  *out = string_value (s, n);
  free (s);
  return 0;
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
          s = strdup ("<no value>");
        else
          s = value_string (v);
        snprintf (full, sizeof full, "%ss", spec);
        fprintf (f, full, s ? s : "");
        return;
      }
    default:
      fprintf (f, "%%!%c(", verb);
      tpl_print_value (f, v);
      fputc (')', f);
      return;
    }
  fprintf (f, "%%!%c(%s=", verb, type_name (v));
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
  FILE *f = open_memstream (&s, &n);

  if (f == NULL)
    abort ();
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
          fprintf (f, "%s%s=", i > next ? ", " : "", type_name (&args[i]));
          tpl_print_value (f, &args[i]);
        }
      fputc (')', f);
    }
  fclose (f);
  *out = string_value (s, n);
  free (s);
  return 0;
}

static const struct tpl_function functions[] = {
  { "and", 1, -1, fn_and },     { "eq", 2, -1, fn_eq },         { "ge", 2, 2, fn_ge },
  { "gt", 2, 2, fn_gt },        { "index", 1, -1, fn_index },   { "join", 2, 2, fn_join },
  { "json", 1, 1, fn_json },    { "le", 2, 2, fn_le },          { "len", 1, 1, fn_len },
  { "lower", 1, 1, fn_lower },  { "lt", 2, 2, fn_lt },          { "ne", 2, 2, fn_ne },
  { "not", 1, 1, fn_not },      { "or", 1, -1, fn_or },         { "pad", 2, 3, fn_pad },
  { "print", 0, -1, fn_print }, { "printf", 1, -1, fn_printf }, { "println", 0, -1, fn_println },
  { "split", 2, 2, fn_split },  { "title", 1, 1, fn_title },    { "truncate", 2, 2, fn_truncate },
  { "upper", 1, 1, fn_upper },
};

const struct tpl_function *
tpl_function_lookup (const char *name, size_t len)
{
  for (size_t i = 0; i < sizeof functions / sizeof functions[0]; i++)
    if (strlen (functions[i].name) == len && memcmp (functions[i].name, name, len) == 0)
      return &functions[i];
  return NULL;
}

/* Evaluation.  */

static int eval_pipeline (struct render_ctx *ctx, const struct tpl_pipeline *pipe,
                          const struct tpl_value *dot, struct tpl_value *out);

static int
eval_fields (struct render_ctx *ctx, const struct tpl_arg *a, struct tpl_value base, struct tpl_value *out)
{
  _cleanup_value_ struct tpl_value cur = base;

  for (size_t i = 0; i < a->nfields; i++)
    {
      json_object *next;
      bool found;

      if (cur.missing || cur.obj == NULL)
        {
          value_release (&cur);
          *out = value_missing ();
          return 0;
        }
      if (! json_object_is_type (cur.obj, json_type_object))
        return render_fail (ctx, a->pos, "can't evaluate field %s in type %s", a->fields[i],
                            type_name (&cur));
      next = lookup_field (cur.obj, a->fields[i], &found);
      json_object_get (next);
      value_release (&cur);
      cur = found ? value_take (next) : value_missing ();
    }
  *out = cur;
  cur = value_missing ();
  return 0;
}

static int
eval_arg (struct render_ctx *ctx, const struct tpl_arg *a, const struct tpl_value *dot, struct tpl_value *out)
{
  switch (a->kind)
    {
    case TPL_ARG_FIELD:
      return eval_fields (ctx, a, dot->missing ? value_missing () : value_borrow (dot->obj), out);
    case TPL_ARG_STRING:
      *out = string_value (a->str, a->str_len);
      return 0;
    case TPL_ARG_INT:
      *out = value_take (json_object_new_int64 (a->i));
      return 0;
    case TPL_ARG_FLOAT:
      *out = value_take (json_object_new_double (a->d));
      return 0;
    case TPL_ARG_BOOL:
      *out = value_take (json_object_new_boolean (a->b));
      return 0;
    case TPL_ARG_NIL:
      *out = value_take (NULL);
      return 0;
    case TPL_ARG_PIPELINE:
      {
        struct tpl_value v = value_missing ();
        if (eval_pipeline (ctx, a->pipe, dot, &v) < 0)
          return -1;
        if (a->nfields == 0)
          {
            *out = v;
            return 0;
          }
        return eval_fields (ctx, a, v, out);
      }
    case TPL_ARG_FUNCTION:
    default:
      return render_fail (ctx, a->pos, "function %s used as a value", a->fn ? a->fn->name : "?");
    }
}

static int
eval_command (struct render_ctx *ctx, const struct tpl_command *cmd, const struct tpl_value *dot,
              struct tpl_value *piped, struct tpl_value *out)
{
  const struct tpl_function *fn;
  struct tpl_value *args;
  size_t nargs = 0;
  _cleanup_free_ char *msg = NULL;
  int ret = -1;

  if (cmd->args[0].kind != TPL_ARG_FUNCTION)
    return eval_arg (ctx, &cmd->args[0], dot, out);
  fn = cmd->args[0].fn;
  args = calloc (cmd->nargs + 1, sizeof *args);
  if (args == NULL)
    abort ();
  for (size_t i = 1; i < cmd->nargs; i++)
    {
      if (eval_arg (ctx, &cmd->args[i], dot, &args[nargs]) < 0)
        goto out;
      nargs++;
    }
  if (piped)
    {
      args[nargs++] = *piped;
      *piped = value_missing ();
    }
  if (fn->impl (args, nargs, out, &msg) < 0)
    {
      render_fail (ctx, cmd->pos, "error calling %s: %s", fn->name, msg ? msg : "failed");
      goto out;
    }
  ret = 0;
out:
  for (size_t i = 0; i < nargs; i++)
    value_release (&args[i]);
  free (args);
  return ret;
}

static int
eval_pipeline (struct render_ctx *ctx, const struct tpl_pipeline *pipe, const struct tpl_value *dot,
               struct tpl_value *out)
{
  _cleanup_value_ struct tpl_value prev = value_missing ();

  for (size_t i = 0; i < pipe->ncmds; i++)
    {
      struct tpl_value result = value_missing ();
      if (eval_command (ctx, &pipe->cmds[i], dot, i > 0 ? &prev : NULL, &result) < 0)
        return -1;
      value_release (&prev);
      prev = result;
    }
  *out = prev;
  prev = value_missing ();
  return 0;
}

static int render_list (struct render_ctx *ctx, const struct tpl_list *list, const struct tpl_value *dot,
                        FILE *out);

static int
render_range (struct render_ctx *ctx, const struct tpl_node *n, const struct tpl_value *v, FILE *out)
{
  if (is_type (v, json_type_array) && json_object_array_length (v->obj) > 0)
    {
      for (size_t i = 0; i < json_object_array_length (v->obj); i++)
        {
          struct tpl_value elem = { .obj = json_object_array_get_idx (v->obj, i) };
          if (render_list (ctx, &n->body, &elem, out) < 0)
            return -1;
        }
      return 0;
    }
  if (is_type (v, json_type_object) && json_object_object_length (v->obj) > 0)
    {
      size_t count = (size_t)json_object_object_length (v->obj), i = 0;
      _cleanup_free_ const char **keys = calloc (count, sizeof *keys);
      if (keys == NULL)
        abort ();
      json_object_object_foreach (v->obj, key, val)
      {
        (void)val;
        keys[i++] = key;
      }
      qsort (keys, count, sizeof *keys, compare_keys);
      for (i = 0; i < count; i++)
        {
          struct tpl_value elem = { 0 };
          json_object_object_get_ex (v->obj, keys[i], &elem.obj);
          if (render_list (ctx, &n->body, &elem, out) < 0)
            return -1;
        }
      return 0;
    }
  if (! truthy (v) || is_type (v, json_type_array) || is_type (v, json_type_object))
    return render_list (ctx, &n->else_body, v, out);
  return render_fail (ctx, n->pos, "range can't iterate over %s", type_name (v));
}

static int
render_node (struct render_ctx *ctx, const struct tpl_node *n, const struct tpl_value *dot, FILE *out)
{
  _cleanup_value_ struct tpl_value v = value_missing ();

  if (n->kind == TPL_NODE_TEXT)
    {
      fwrite (n->text, 1, n->text_len, out);
      return 0;
    }
  if (eval_pipeline (ctx, n->pipe, dot, &v) < 0)
    return -1;
  switch (n->kind)
    {
    case TPL_NODE_ACTION:
      tpl_print_value (out, &v);
      return 0;
    case TPL_NODE_IF:
      return render_list (ctx, truthy (&v) ? &n->body : &n->else_body, dot, out);
    case TPL_NODE_WITH:
      return truthy (&v) ? render_list (ctx, &n->body, &v, out) : render_list (ctx, &n->else_body, dot, out);
    case TPL_NODE_RANGE:
      return render_range (ctx, n, &v, out);
    default:
      return 0;
    }
}

static int
render_list (struct render_ctx *ctx, const struct tpl_list *list, const struct tpl_value *dot, FILE *out)
{
  for (size_t i = 0; i < list->n; i++)
    if (render_node (ctx, list->nodes[i], dot, out) < 0)
      return -1;
  return 0;
}

int
template_render (const struct template *t, json_object *data, FILE *out, galley_error_t *err)
{
  struct render_ctx ctx = { .t = t, .err = err };
  struct tpl_value dot = { .obj = data };

  return render_list (&ctx, &t->root, &dot, out);
}

/* Table headers.  */

/* The first field an expression reads, searching sub-pipelines too.  */
static const struct tpl_arg *
first_field (const struct tpl_pipeline *pipe)
{
  for (size_t i = 0; pipe && i < pipe->ncmds; i++)
    for (size_t j = 0; j < pipe->cmds[i].nargs; j++)
      {
        const struct tpl_arg *a = &pipe->cmds[i].args[j];
        const struct tpl_arg *sub;
        if (a->kind == TPL_ARG_FIELD)
          return a;
        if (a->kind == TPL_ARG_PIPELINE && (sub = first_field (a->pipe)) != NULL)
          return sub;
      }
  return NULL;
}

/* podman's report.Headers: the field name split where the case changes
 * (fatih/camelcase rules) and upper-cased: CreatedAt -> CREATED AT.  */
static void
print_field_title (FILE *out, const char *name)
{
  size_t n = strlen (name);

  for (size_t i = 0; i < n; i++)
    {
      unsigned char c = (unsigned char)name[i];
      if (i > 0)
        {
          unsigned char p = (unsigned char)name[i - 1];
          unsigned char nx = i + 1 < n ? (unsigned char)name[i + 1] : 0;
          bool boundary = (islower (p) && isupper (c)) || (isalpha (p) && isdigit (c))
                          || (isdigit (p) && isalpha (c)) || (isupper (p) && isupper (c) && islower (nx));
          if (boundary)
            fputc (' ', out);
        }
      fputc (toupper (c), out);
    }
}

static void
print_header_title (FILE *out, const struct tpl_arg *field, json_object *headers)
{
  _cleanup_free_ char *path = NULL;
  size_t len = 0;
  FILE *f;
  bool found;
  json_object *title;

  if (field->nfields == 0)
    return;
  f = open_memstream (&path, &len);
  if (f == NULL)
    abort ();
  for (size_t i = 0; i < field->nfields; i++)
    fprintf (f, "%s%s", i ? "." : "", field->fields[i]);
  fclose (f);
  if (headers != NULL && json_object_is_type (headers, json_type_object))
    {
      title = lookup_field (headers, path, &found);
      if (! found)
        title = lookup_field (headers, field->fields[field->nfields - 1], &found);
      if (found && json_object_is_type (title, json_type_string))
        {
          fputs (json_object_get_string (title), out);
          return;
        }
    }
  print_field_title (out, field->fields[field->nfields - 1]);
}

static int
render_header_list (struct render_ctx *ctx, const struct tpl_list *list, json_object *headers, FILE *out)
{
  for (size_t i = 0; i < list->n; i++)
    {
      const struct tpl_node *n = list->nodes[i];
      const struct tpl_arg *field;
      struct tpl_value nothing = value_missing ();

      switch (n->kind)
        {
        case TPL_NODE_TEXT:
          fwrite (n->text, 1, n->text_len, out);
          break;
        case TPL_NODE_ACTION:
        case TPL_NODE_RANGE:
          field = first_field (n->pipe);
          if (field != NULL)
            print_header_title (out, field, headers);
          else if (n->kind == TPL_NODE_ACTION)
            {
              /* {{"LITERAL"}}: the text it prints is its own header.  */
              _cleanup_value_ struct tpl_value v = value_missing ();
              if (eval_pipeline (ctx, n->pipe, &nothing, &v) < 0)
                return -1;
              tpl_print_value (out, &v);
            }
          break;
        case TPL_NODE_IF:
        case TPL_NODE_WITH:
          if (render_header_list (ctx, n->body.n ? &n->body : &n->else_body, headers, out) < 0)
            return -1;
          break;
        }
    }
  return 0;
}

int
template_render_header (const struct template *t, json_object *headers, FILE *out, galley_error_t *err)
{
  struct render_ctx ctx = { .t = t, .err = err };

  return render_header_list (&ctx, &t->root, headers, out);
}
