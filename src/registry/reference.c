/* Image reference parsing, validation, normalisation and formatting, after
 * docker/distribution's reference package (grammar and ParseNormalizedNamed).  */
#include "config.h"
#include "registry/reference.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/error_text.h"
#include "util/xmalloc.h"

#define DEFAULT_DOMAIN "docker.io"
#define LEGACY_DEFAULT_DOMAIN "index.docker.io"
#define OFFICIAL_REPO_PREFIX "library/"

static bool
is_lower_alnum (char c)
{
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool
is_alnum (char c)
{
  return is_lower_alnum (c) || (c >= 'A' && c <= 'Z');
}

static bool
is_word (char c)
{
  return is_alnum (c) || c == '_';
}

static bool
has_upper (const char *s, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (s[i] >= 'A' && s[i] <= 'Z')
      return true;
  return false;
}

/* [\w][\w.-]{0,127} */
bool
image_ref_tag_is_valid (const char *tag)
{
  size_t n = strlen (tag);

  if (n == 0 || n > IMAGE_REF_TAG_MAX || ! is_word (tag[0]))
    return false;
  for (size_t i = 1; i < n; i++)
    if (! is_word (tag[i]) && tag[i] != '.' && tag[i] != '-')
      return false;
  return true;
}

/* [a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)* over s[0..n)  */
static bool
path_component_is_valid (const char *s, size_t n)
{
  size_t i = 0;

  if (n == 0 || ! is_lower_alnum (s[0]) || ! is_lower_alnum (s[n - 1]))
    return false;
  while (i < n)
    {
      size_t start;

      while (i < n && is_lower_alnum (s[i]))
        i++;
      if (i == n)
        break;
      start = i;
      while (i < n && ! is_lower_alnum (s[i]))
        i++;
      /* A separator run: ".", "_", "__", or dashes only.  */
      if (i - start == 1 && (s[start] == '.' || s[start] == '_'))
        continue;
      if (i - start == 2 && s[start] == '_' && s[start + 1] == '_')
        continue;
      for (size_t j = start; j < i; j++)
        if (s[j] != '-')
          return false;
    }
  return true;
}

static bool
path_is_valid (const char *s, size_t n)
{
  size_t start = 0;

  if (n == 0)
    return false;
  for (size_t i = 0; i <= n; i++)
    if (i == n || s[i] == '/')
      {
        if (! path_component_is_valid (s + start, i - start))
          return false;
        start = i + 1;
      }
  return true;
}

bool
image_ref_path_is_valid (const char *path)
{
  return path_is_valid (path, strlen (path));
}

/* (?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]) over s[0..n)  */
static bool
domain_component_is_valid (const char *s, size_t n)
{
  if (n == 0 || ! is_alnum (s[0]) || ! is_alnum (s[n - 1]))
    return false;
  for (size_t i = 1; i + 1 < n; i++)
    if (! is_alnum (s[i]) && s[i] != '-')
      return false;
  return true;
}

/* host [":" port] with host a dotted domain name, an IPv4 address (which the
 * domain grammar covers) or a bracketed IPv6 address.  */
static bool
domain_is_valid (const char *s, size_t n)
{
  size_t host_end = n, start = 0;

  if (n == 0)
    return false;
  if (s[0] == '[')
    {
      const char *close = memchr (s, ']', n);
      if (close == NULL || close == s + 1)
        return false;
      for (const char *p = s + 1; p < close; p++)
        if (! ((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') || (*p >= 'A' && *p <= 'F') || *p == ':'))
          return false;
      host_end = (size_t)(close - s) + 1;
    }
  else
    {
      const char *colon = memchr (s, ':', n);
      if (colon != NULL)
        host_end = (size_t)(colon - s);
      for (size_t i = 0; i <= host_end; i++)
        if (i == host_end || s[i] == '.')
          {
            if (! domain_component_is_valid (s + start, i - start))
              return false;
            start = i + 1;
          }
    }
  if (host_end == n)
    return true;
  if (s[host_end] != ':' || host_end + 1 == n)
    return false;
  for (size_t i = host_end + 1; i < n; i++)
    if (s[i] < '0' || s[i] > '9')
      return false;
  return true;
}

bool
image_ref_domain_is_valid (const char *domain)
{
  return domain_is_valid (domain, strlen (domain));
}

static bool
is_64_hex (const char *s)
{
  size_t i;

  for (i = 0; s[i]; i++)
    if (! ((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
      return false;
  return i == 64;
}

static int
invalid_format (galley_error_t *err, const char *what, const char *input)
{
  if (what == NULL)
    return error_untrusted (err, "invalid reference format: \"%s\"", input);
  return error_untrusted (err, "invalid reference format: %s: \"%s\"", what, input);
}

/* Does the name start with a domain, as distribution's splitDockerDomain
 * decides?  */
static bool
first_component_is_domain (const char *name, size_t len, size_t *domain_len)
{
  const char *slash = memchr (name, '/', len);
  size_t n;

  if (slash == NULL)
    return false;
  n = (size_t)(slash - name);
  *domain_len = n;
  return memchr (name, '.', n) != NULL || memchr (name, ':', n) != NULL
         || (n == 9 && memcmp (name, "localhost", 9) == 0) || has_upper (name, n);
}

static int
parse_name (const char *input, const char *name, size_t len, struct image_ref *out, galley_error_t *err)
{
  size_t domain_len = 0;
  const char *path = name;
  size_t path_len = len;

  if (len == 0)
    return invalid_format (err, "repository name must have at least one component", input);
  if (first_component_is_domain (name, len, &domain_len))
    {
      if (! domain_is_valid (name, domain_len))
        return invalid_format (err, "invalid registry name", input);
      path = name + domain_len + 1;
      path_len = len - domain_len - 1;
      if (domain_len == strlen (LEGACY_DEFAULT_DOMAIN)
          && memcmp (name, LEGACY_DEFAULT_DOMAIN, domain_len) == 0)
        out->registry = strdup (DEFAULT_DOMAIN);
      else
        out->registry = strndup (name, domain_len);
      if (out->registry == NULL)
        return galley_error_make (err, ENOMEM, "parsing reference");
    }
  if (path_len == 0)
    return invalid_format (err, "repository name must have at least one component", input);
  if (has_upper (path, path_len))
    return invalid_format (err, "repository name must be lowercase", input);
  if (! path_is_valid (path, path_len))
    return invalid_format (err, NULL, input);

  if (out->registry != NULL && strcmp (out->registry, DEFAULT_DOMAIN) == 0
      && memchr (path, '/', path_len) == NULL)
    {
      if (asprintf (&out->repository, "%s%.*s", OFFICIAL_REPO_PREFIX, (int)path_len, path) < 0)
        out->repository = NULL;
    }
  else
    out->repository = strndup (path, path_len);
  if (out->repository == NULL)
    return galley_error_make (err, ENOMEM, "parsing reference");

  if ((out->registry ? strlen (out->registry) + 1 : 0) + strlen (out->repository) > IMAGE_REF_NAME_MAX)
    return invalid_format (err, "repository name must not be more than 255 characters", input);
  return 0;
}

static int
parse_into (const char *s, struct image_ref *out, galley_error_t *err)
{
  const char *at, *colon, *slash;
  size_t name_len;

  if (s[0] == '\0')
    return invalid_format (err, "repository name must have at least one component", s);
  if (is_64_hex (s))
    return error_untrusted (err,
                            "invalid repository name (%s), cannot specify 64-byte hexadecimal "
                            "strings",
                            s);

  at = strchr (s, '@');
  if (at != NULL)
    {
      if (! digest_is_valid (at + 1))
        return invalid_format (err, "invalid digest", s);
      if ((out->digest = strdup (at + 1)) == NULL)
        return galley_error_make (err, ENOMEM, "parsing reference");
    }
  name_len = at ? (size_t)(at - s) : strlen (s);

  /* A tag is after the last ':' that follows the last '/'.  */
  colon = memrchr (s, ':', name_len);
  slash = memrchr (s, '/', name_len);
  if (colon != NULL && (slash == NULL || colon > slash))
    {
      out->tag = strndup (colon + 1, name_len - (size_t)(colon + 1 - s));
      if (out->tag == NULL)
        return galley_error_make (err, ENOMEM, "parsing reference");
      if (! image_ref_tag_is_valid (out->tag))
        return invalid_format (err, "invalid tag", s);
      name_len = (size_t)(colon - s);
    }

  if (parse_name (s, s, name_len, out, err) < 0)
    return -1;

  if (out->tag == NULL && out->digest == NULL && (out->tag = strdup (IMAGE_REF_DEFAULT_TAG)) == NULL)
    return galley_error_make (err, ENOMEM, "parsing reference");
  return 0;
}

int
image_ref_parse (const char *s, struct image_ref *out, galley_error_t *err)
{
  memset (out, 0, sizeof *out);
  if (parse_into (s, out, err) < 0)
    {
      image_ref_release (out);
      return -1;
    }
  return 0;
}

char *
image_ref_name (const struct image_ref *r)
{
  if (r->registry == NULL)
    return xstrdup (r->repository);
  return xasprintf ("%s/%s", r->registry, r->repository);
}

char *
image_ref_format (const struct image_ref *r)
{
  _cleanup_free_ char *name = image_ref_name (r);

  return xasprintf ("%s%s%s%s%s", name, r->tag ? ":" : "", r->tag ? r->tag : "", r->digest ? "@" : "",
                    r->digest ? r->digest : "");
}

static int
dup_or_null (const char *s, char **out)
{
  *out = NULL;
  if (s != NULL && (*out = strdup (s)) == NULL)
    return -1;
  return 0;
}

int
image_ref_copy (const struct image_ref *src, struct image_ref *dst)
{
  memset (dst, 0, sizeof *dst);
  if (dup_or_null (src->registry, &dst->registry) < 0 || dup_or_null (src->repository, &dst->repository) < 0
      || dup_or_null (src->tag, &dst->tag) < 0 || dup_or_null (src->digest, &dst->digest) < 0)
    {
      image_ref_release (dst);
      errno = ENOMEM;
      return -1;
    }
  return 0;
}

int
image_ref_set_tag (struct image_ref *r, const char *tag, galley_error_t *err)
{
  char *copy = NULL;

  if (tag != NULL)
    {
      if (! image_ref_tag_is_valid (tag))
        return error_untrusted (err, "invalid tag \"%s\"", tag);
      if ((copy = strdup (tag)) == NULL)
        return galley_error_make (err, ENOMEM, "setting tag");
    }
  free (r->tag);
  r->tag = copy;
  return 0;
}

int
image_ref_normalize_name (const char *input, char **out, galley_error_t *err)
{
  _cleanup_image_ref_ struct image_ref ref = { 0 };

  if (image_ref_parse (input, &ref, err) < 0)
    return galley_error_wrap (err, "normalizing name \"%s\"", input);
  if (ref.digest)
    return galley_error_make (err, 0, "normalizing name \"%s\": tagging by digest is not supported", input);
  *out = xasprintf ("%s/%s:%s", ref.registry ? ref.registry : "localhost", ref.repository,
                    ref.tag ? ref.tag : "latest");
  return 0;
}

void
image_ref_release (struct image_ref *r)
{
  free (r->registry);
  free (r->repository);
  free (r->tag);
  free (r->digest);
  memset (r, 0, sizeof *r);
}
