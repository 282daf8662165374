/* WWW-Authenticate parsing.  See challenge.h.  */
#include "config.h"
#include "registry/challenge.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/xmalloc.h"

#define MAX_CHALLENGES 16

static bool
is_tchar (char c)
{
  return isalnum ((unsigned char)c) || (c != '\0' && strchr ("!#$%&'*+-.^_`|~", c) != NULL);
}

static bool
is_token68_char (char c)
{
  return isalnum ((unsigned char)c) || (c != '\0' && strchr ("-._~+/", c) != NULL);
}

static const char *
skip_ws (const char *p)
{
  while (*p == ' ' || *p == '\t')
    p++;
  return p;
}

static char *
dup_lower (const char *s, size_t n)
{
  char *d = xstrndup (s, n);
  size_t i;

  for (i = 0; i < n; i++)
    d[i] = (char)tolower ((unsigned char)d[i]);
  return d;
}

static size_t
token_len (const char *p)
{
  size_t n = 0;

  while (is_tchar (p[n]))
    n++;
  return n;
}

/* A quoted-string at *pp ('"' ... '"' with backslash escapes).  */
static char *
parse_quoted (const char **pp)
{
  const char *p = *pp + 1;
  _cleanup_free_ char *out = xmalloc (strlen (p) + 1);
  size_t n = 0;

  for (; *p != '"'; p++)
    {
      if (*p == '\0')
        return NULL;
      if (*p == '\\')
        {
          p++;
          if (*p == '\0')
            return NULL;
        }
      out[n++] = *p;
    }
  out[n] = '\0';
  *pp = p + 1;
  return steal_pointer (&out);
}

/* Does an auth-param ("name BWS = BWS value") start at p?  */
static bool
at_param (const char *p)
{
  size_t n = token_len (p);

  if (n == 0)
    return false;
  p = skip_ws (p + n);
  if (*p != '=')
    return false;
  /* "abc==" or "abc=" followed by nothing: a token68, not a parameter.  */
  p = skip_ws (p + 1);
  return *p != '\0' && *p != ',' && *p != '=';
}

static void
challenge_release (struct auth_challenge *c)
{
  size_t i;

  free (c->scheme);
  free (c->token68);
  for (i = 0; i < c->n_params; i++)
    {
      free (c->params[i].name);
      free (c->params[i].value);
    }
  memset (c, 0, sizeof *c);
}

static int
parse_param (const char **pp, struct auth_challenge *c, const char *header, galley_error_t *err)
{
  const char *p = *pp;
  size_t n = token_len (p);
  _cleanup_free_ char *name = dup_lower (p, n);
  char *value;

  p = skip_ws (skip_ws (p + n) + 1); /* at_param checked the '=' */
  if (*p == '"')
    value = parse_quoted (&p);
  else
    {
      n = token_len (p);
      if (n == 0)
        return galley_error_make (err, EINVAL, "invalid WWW-Authenticate header \"%s\": bad value of %s",
                                  header, name);
      value = xstrndup (p, n);
      p += n;
    }
  if (value == NULL)
    return galley_error_make (err, EINVAL, "invalid WWW-Authenticate header \"%s\": unterminated string",
                              header);
  if (c->n_params == CHALLENGE_MAX_PARAMS)
    {
      free (value);
      return galley_error_make (err, EINVAL, "invalid WWW-Authenticate header \"%s\": too many parameters",
                                header);
    }
  c->params[c->n_params].name = steal_pointer (&name);
  c->params[c->n_params].value = value;
  c->n_params++;
  *pp = p;
  return 0;
}

/* One challenge starting at *pp (at its scheme).  */
static int
parse_challenge (const char **pp, struct auth_challenge *c, const char *header, galley_error_t *err)
{
  const char *p = *pp;
  size_t n = token_len (p);

  if (n == 0)
    return galley_error_make (err, EINVAL, "invalid WWW-Authenticate header \"%s\": expected a scheme",
                              header);
  c->scheme = dup_lower (p, n);
  p = skip_ws (p + n);
  if (*p == '\0' || *p == ',')
    {
      *pp = p;
      return 0;
    }
  if (! at_param (p))
    {
      size_t m = 0;
      while (is_token68_char (p[m]))
        m++;
      while (p[m] == '=')
        m++;
      if (m == 0)
        return galley_error_make (err, EINVAL, "invalid WWW-Authenticate header \"%s\": unexpected '%c'",
                                  header, *p);
      c->token68 = strndup (p, m);
      p = skip_ws (p + m);
      if (*p != '\0' && *p != ',')
        return galley_error_make (err, EINVAL, "invalid WWW-Authenticate header \"%s\": unexpected '%c'",
                                  header, *p);
      *pp = p;
      return 0;
    }
  for (;;)
    {
      const char *next;
      if (parse_param (&p, c, header, err) < 0)
        return -1;
      p = skip_ws (p);
      if (*p == '\0')
        break;
      if (*p != ',')
        return galley_error_make (err, EINVAL, "invalid WWW-Authenticate header \"%s\": unexpected '%c'",
                                  header, *p);
      /* After a comma: another parameter of this challenge, or the next challenge.  */
      next = p;
      while (*next == ',' || *next == ' ' || *next == '\t')
        next++;
      if (! at_param (next))
        break;
      p = next;
    }
  *pp = p;
  return 0;
}

int
auth_challenges_parse (const char *header, struct auth_challenges *out, galley_error_t *err)
{
  struct auth_challenge parsed[MAX_CHALLENGES];
  const char *p = header;
  size_t n = 0, i;
  struct auth_challenge *items;

  memset (parsed, 0, sizeof parsed);
  for (;;)
    {
      while (*p == ',' || *p == ' ' || *p == '\t')
        p++;
      if (*p == '\0')
        break;
      if (n == MAX_CHALLENGES)
        {
          galley_error_make (err, EINVAL, "invalid WWW-Authenticate header \"%s\": too many challenges",
                             header);
          goto fail;
        }
      if (parse_challenge (&p, &parsed[n], header, err) < 0)
        {
          challenge_release (&parsed[n]);
          goto fail;
        }
      n++;
    }
  if (n == 0)
    {
      galley_error_make (err, EINVAL, "invalid WWW-Authenticate header \"%s\": no challenge", header);
      goto fail;
    }
  items = xreallocarray (out->items, out->n + n, sizeof *items);
  memcpy (items + out->n, parsed, n * sizeof *items);
  out->items = items;
  out->n += n;
  return 0;

fail:
  for (i = 0; i < n; i++)
    challenge_release (&parsed[i]);
  return -1;
}

const struct auth_challenge *
auth_challenges_find (const struct auth_challenges *c, const char *scheme)
{
  size_t i;

  for (i = 0; i < c->n; i++)
    if (strcmp (c->items[i].scheme, scheme) == 0)
      return &c->items[i];
  return NULL;
}

const char *
auth_challenge_param (const struct auth_challenge *c, const char *name)
{
  size_t i;

  for (i = 0; i < c->n_params; i++)
    if (strcmp (c->params[i].name, name) == 0)
      return c->params[i].value;
  return NULL;
}

void
auth_challenges_release (struct auth_challenges *c)
{
  size_t i;

  for (i = 0; i < c->n; i++)
    challenge_release (&c->items[i]);
  free (c->items);
  c->items = NULL;
  c->n = 0;
}
