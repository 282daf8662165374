/* Detection of repeated object keys in a JSON document.  json-c silently
 * keeps the last of two equal keys while other readers keep the first, so a
 * manifest with "mediaType" twice could be one thing to galley and another
 * to a registry or a signer: such documents are refused.  */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "image/manifest.h"
#include "util/cleanup.h"
#include "util/error_text.h"

#define MAX_DEPTH 128

struct key
{
  const char *s;
  size_t len;
  char *decoded; /* owned, when the raw key had escapes */
};

struct scanner
{
  const char *p, *end;
  const char *what;
  galley_error_t *err;
};

static void
skip_ws (struct scanner *sc)
{
  while (sc->p < sc->end && (*sc->p == ' ' || *sc->p == '\t' || *sc->p == '\r' || *sc->p == '\n'))
    sc->p++;
}

static int
malformed (struct scanner *sc)
{
  return error_untrusted (sc->err, "%s: invalid JSON", sc->what);
}

/* At an opening quote; leaves p after the closing one.  */
static int
skip_string (struct scanner *sc, bool *escaped)
{
  *escaped = false;
  sc->p++;
  while (sc->p < sc->end && *sc->p != '"')
    {
      if (*sc->p == '\\')
        {
          *escaped = true;
          sc->p++;
        }
      sc->p++;
    }
  if (sc->p >= sc->end)
    return malformed (sc);
  sc->p++;
  return 0;
}

/* The key's characters; escapes are resolved by json-c itself so that
 * "\u006dediaType" and "mediaType" compare equal.  */
static int
key_from_span (struct scanner *sc, const char *start, bool escaped, struct key *k)
{
  json_tokener *tok;
  json_object *o;

  k->s = start + 1;
  k->len = (size_t)(sc->p - start) - 2;
  k->decoded = NULL;
  if (! escaped)
    return 0;
  tok = json_tokener_new ();
  if (tok == NULL)
    return galley_error_make (sc->err, ENOMEM, "%s: checking keys", sc->what);
  o = json_tokener_parse_ex (tok, start, (int)(sc->p - start));
  json_tokener_free (tok);
  if (o == NULL || ! json_object_is_type (o, json_type_string))
    {
      json_object_put (o);
      return malformed (sc);
    }
  k->len = (size_t)json_object_get_string_len (o);
  k->decoded = malloc (k->len + 1);
  if (k->decoded != NULL)
    memcpy (k->decoded, json_object_get_string (o), k->len + 1);
  json_object_put (o);
  if (k->decoded == NULL)
    return galley_error_make (sc->err, ENOMEM, "%s: checking keys", sc->what);
  k->s = k->decoded;
  return 0;
}

static int
compare_keys (const void *a, const void *b)
{
  const struct key *x = a, *y = b;
  int c = memcmp (x->s, y->s, x->len < y->len ? x->len : y->len);

  if (c != 0)
    return c;
  return x->len < y->len ? -1 : x->len > y->len;
}

static void
free_keys (struct key *keys, size_t n)
{
  for (size_t i = 0; i < n; i++)
    free (keys[i].decoded);
  free (keys);
}

static int
check_unique (struct scanner *sc, struct key *keys, size_t n)
{
  qsort (keys, n, sizeof *keys, compare_keys);
  for (size_t i = 1; i < n; i++)
    if (compare_keys (&keys[i - 1], &keys[i]) == 0)
      return error_untrusted (sc->err, "%s: duplicate key \"%.*s\"", sc->what,
                              (int)(keys[i].len > 64 ? 64 : keys[i].len), keys[i].s);
  return 0;
}

static int scan_value (struct scanner *sc, int depth);

static int
scan_object (struct scanner *sc, int depth)
{
  struct key *keys = NULL;
  size_t n = 0, alloc = 0;
  int ret = -1;

  sc->p++;
  skip_ws (sc);
  if (sc->p < sc->end && *sc->p == '}')
    {
      sc->p++;
      return 0;
    }
  for (;;)
    {
      const char *start = sc->p;
      bool escaped;

      skip_ws (sc);
      start = sc->p;
      if (sc->p >= sc->end || *sc->p != '"' || skip_string (sc, &escaped) < 0)
        goto out_malformed;
      if (n == alloc)
        {
          struct key *grown = reallocarray (keys, alloc ? alloc * 2 : 8, sizeof *keys);
          if (grown == NULL)
            {
              galley_error_make (sc->err, ENOMEM, "%s: checking keys", sc->what);
              goto out;
            }
          keys = grown;
          alloc = alloc ? alloc * 2 : 8;
        }
      if (key_from_span (sc, start, escaped, &keys[n]) < 0)
        goto out;
      n++;
      skip_ws (sc);
      if (sc->p >= sc->end || *sc->p++ != ':')
        goto out_malformed;
      if (scan_value (sc, depth + 1) < 0)
        goto out;
      skip_ws (sc);
      if (sc->p >= sc->end)
        goto out_malformed;
      if (*sc->p == '}')
        {
          sc->p++;
          break;
        }
      if (*sc->p++ != ',')
        goto out_malformed;
    }
  ret = check_unique (sc, keys, n);
  goto out;
out_malformed:
  malformed (sc);
out:
  free_keys (keys, n);
  return ret;
}

static int
scan_array (struct scanner *sc, int depth)
{
  sc->p++;
  skip_ws (sc);
  if (sc->p < sc->end && *sc->p == ']')
    {
      sc->p++;
      return 0;
    }
  for (;;)
    {
      if (scan_value (sc, depth + 1) < 0)
        return -1;
      skip_ws (sc);
      if (sc->p >= sc->end)
        return malformed (sc);
      if (*sc->p == ']')
        {
          sc->p++;
          return 0;
        }
      if (*sc->p++ != ',')
        return malformed (sc);
    }
}

static int
scan_value (struct scanner *sc, int depth)
{
  bool escaped;

  if (depth > MAX_DEPTH)
    return error_untrusted (sc->err, "%s: JSON nested too deeply", sc->what);
  skip_ws (sc);
  if (sc->p >= sc->end)
    return malformed (sc);
  switch (*sc->p)
    {
    case '{':
      return scan_object (sc, depth);
    case '[':
      return scan_array (sc, depth);
    case '"':
      return skip_string (sc, &escaped);
    default:
      /* A number or literal: json-c has validated it already.  */
      if (strchr (",]}", *sc->p) != NULL)
        return malformed (sc);
      while (sc->p < sc->end && strchr (",]} \t\r\n", *sc->p) == NULL)
        sc->p++;
      return 0;
    }
}

int
json_check_duplicate_keys (const char *buf, size_t len, const char *what, galley_error_t *err)
{
  struct scanner sc = { buf, buf + len, what, err };

  return scan_value (&sc, 0);
}
