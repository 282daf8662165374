/* Using a loaded registries.conf: longest-prefix matching of [[registry]],
 * pull sources (mirrors, location rewriting, blocking) and short-name
 * resolution, after containers/image's sysregistriesv2 and shortnames.  */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "registry/registries_conf.h"
#include "util/cleanup.h"
#include "util/error_text.h"

/* "*.example.com" matches "a.example.com/...", "a.b.example.com:5000/...":
 * the length of the matched host, or -1.  */
static ssize_t
match_wildcard (const char *ref, const char *prefix)
{
  const char *suffix = prefix + 1; /* ".example.com" */
  const char *found = strstr (ref, suffix);
  size_t end;

  if (found == NULL || memchr (ref, '/', (size_t)(found - ref)) != NULL)
    return -1;
  end = (size_t)(found - ref) + strlen (suffix);
  if (ref[end] == '\0' || ref[end] == ':' || ref[end] == '/' || ref[end] == '@')
    return (ssize_t)end;
  return -1;
}

/* The length of ref that prefix covers, or -1.  */
static ssize_t
match_prefix (const char *ref, const char *prefix)
{
  size_t n = strlen (prefix);

  if (strncmp (prefix, "*.", 2) == 0)
    return match_wildcard (ref, prefix);
  if (strncmp (ref, prefix, n) != 0)
    return -1;
  if (ref[n] == '\0' || ref[n] == ':' || ref[n] == '/' || ref[n] == '@')
    return (ssize_t)n;
  return -1;
}

const struct registry_entry *
registries_conf_match (const struct registries_conf *c, const char *name)
{
  const struct registry_entry *best = NULL;
  size_t best_len = 0;

  for (size_t i = 0; c != NULL && i < c->n_registries; i++)
    {
      const struct registry_entry *e = &c->registries[i];
      size_t len = strlen (e->prefix);

      if (match_prefix (name, e->prefix) >= 0 && len > best_len)
        {
          best = e;
          best_len = len;
        }
    }
  return best;
}

static int
add_source (struct pull_source *list, size_t *n, const struct image_ref *ref, const char *full,
            const char *prefix, const char *location, bool insecure, bool is_mirror, galley_error_t *err)
{
  struct pull_source *s = &list[*n];
  _cleanup_free_ char *rewritten = NULL;
  ssize_t matched;

  memset (s, 0, sizeof *s);
  s->insecure = insecure;
  s->is_mirror = is_mirror;
  if (location == NULL)
    {
      if (image_ref_copy (ref, &s->ref) < 0)
        return galley_error_make (err, ENOMEM, "rewriting %s", full);
      (*n)++;
      return 0;
    }
  matched = match_prefix (full, prefix);
  if (matched < 0)
    return error_untrusted (err, "invalid prefix \"%s\" for reference \"%s\"", prefix, full);
  if (asprintf (&rewritten, "%s%s", location, full + matched) < 0)
    return galley_error_make (err, ENOMEM, "rewriting %s", full);
  if (image_ref_parse (rewritten, &s->ref, err) < 0)
    return galley_error_wrap (err, "rewriting %s with registries.conf location \"%s\"", full, location);
  (*n)++;
  return 0;
}

int
registries_conf_pull_sources (const struct registries_conf *c, const struct image_ref *ref,
                              struct pull_source **out, size_t *n_out, galley_error_t *err)
{
  _cleanup_free_ char *full = image_ref_format (ref);
  const struct registry_entry *e;
  struct pull_source *list;
  size_t n = 0;
  bool by_digest = ref->digest != NULL;

  if (full == NULL)
    return galley_error_make (err, ENOMEM, "resolving %s", ref->repository);
  e = registries_conf_match (c, full);
  list = calloc (e ? e->n_mirrors + 1 : 1, sizeof *list);
  if (list == NULL)
    return galley_error_make (err, ENOMEM, "resolving %s", full);
  if (e != NULL && e->blocked)
    {
      free (list);
      return error_untrusted (err, "registry %s is blocked in %s", e->prefix,
                              c->sources ? c->sources : "registries.conf");
    }
  for (size_t i = 0; e != NULL && i < e->n_mirrors; i++)
    {
      const struct registry_mirror *m = &e->mirrors[i];

      if ((e->mirror_by_digest_only && ! by_digest)
          || (m->pull_from == MIRROR_PULL_DIGEST_ONLY && ! by_digest)
          || (m->pull_from == MIRROR_PULL_TAG_ONLY && by_digest))
        continue;
      if (add_source (list, &n, ref, full, e->prefix, m->location, m->insecure, true, err) < 0)
        goto fail;
    }
  if (add_source (list, &n, ref, full, e ? e->prefix : NULL, e ? e->location : NULL, e ? e->insecure : false,
                  false, err)
      < 0)
    goto fail;
  *out = list;
  *n_out = n;
  return 0;
fail:
  pull_sources_free (list, n);
  return -1;
}

void
pull_sources_free (struct pull_source *s, size_t n)
{
  for (size_t i = 0; s != NULL && i < n; i++)
    image_ref_release (&s[i].ref);
  free (s);
}

void
image_ref_candidates_free (struct image_ref *cands, size_t n)
{
  for (size_t i = 0; cands != NULL && i < n; i++)
    image_ref_release (&cands[i]);
  free (cands);
}

static const struct registry_alias *
find_alias (const struct registries_conf *c, const char *name)
{
  for (size_t i = 0; c != NULL && i < c->n_aliases; i++)
    if (strcmp (c->aliases[i].name, name) == 0)
      return &c->aliases[i];
  return NULL;
}

/* "alias value" + the tag and digest the user gave.  */
static int
resolve_alias (const struct registry_alias *a, const struct image_ref *input, struct image_ref *out,
               galley_error_t *err)
{
  if (image_ref_parse (a->value, out, err) < 0)
    return galley_error_wrap (err, "alias \"%s\" in %s", a->name, a->origin);
  free (out->tag);
  out->tag = NULL;
  if ((input->tag && (out->tag = strdup (input->tag)) == NULL)
      || (input->digest && (out->digest = strdup (input->digest)) == NULL))
    return galley_error_make (err, ENOMEM, "resolving %s", a->name);
  return 0;
}

static int
no_search_registries (const struct registries_conf *c, const char *input, galley_error_t *err)
{
  if (c != NULL && c->search_origin != NULL)
    return error_untrusted (err,
                            "short-name \"%s\" did not resolve to an alias and no "
                            "unqualified-search registries are defined in \"%s\"",
                            input, c->search_origin);
  if (c != NULL && c->found)
    return error_untrusted (err,
                            "short-name \"%s\" did not resolve to an alias and no "
                            "unqualified-search registries are defined in \"%s\"",
                            input, c->sources);
  return error_untrusted (err,
                          "short-name \"%s\" did not resolve to an alias and no "
                          "containers-registries.conf(5) was found",
                          input);
}

int
image_ref_resolve_tty (const struct registries_conf *c, const char *input, bool tty, struct image_ref **cands,
                       size_t *n_out, galley_error_t *err)
{
  _cleanup_image_ref_ struct image_ref ref = { NULL, NULL, NULL, NULL };
  const struct registry_alias *alias;
  struct image_ref *list;
  size_t n = 0;

  if (image_ref_parse (input, &ref, err) < 0)
    return -1;
  alias = ref.registry == NULL ? find_alias (c, ref.repository) : NULL;
  if (ref.registry != NULL || alias != NULL)
    {
      if ((list = calloc (1, sizeof *list)) == NULL)
        return galley_error_make (err, ENOMEM, "resolving %s", input);
      if (alias == NULL)
        *list = ref, memset (&ref, 0, sizeof ref);
      else if (resolve_alias (alias, &ref, list, err) < 0)
        {
          image_ref_candidates_free (list, 1);
          return -1;
        }
      *cands = list;
      *n_out = 1;
      return 0;
    }

  if (c == NULL || c->n_search == 0)
    return no_search_registries (c, input, err);
  if (c->n_search > 1 && c->short_name_mode == SHORT_NAME_MODE_ENFORCING && ! tty)
    return error_untrusted (err,
                            "short-name resolution enforced but cannot prompt without a TTY "
                            "(short-name \"%s\", %zu unqualified-search registries in \"%s\")",
                            input, c->n_search, c->search_origin);
  if ((list = calloc (c->n_search, sizeof *list)) == NULL)
    return galley_error_make (err, ENOMEM, "resolving %s", input);
  for (; n < c->n_search; n++)
    {
      _cleanup_free_ char *qualified = NULL;

      if (asprintf (&qualified, "%s/%s", c->search[n], input) < 0)
        {
          image_ref_candidates_free (list, n);
          return galley_error_make (err, ENOMEM, "resolving %s", input);
        }
      if (image_ref_parse (qualified, &list[n], err) < 0)
        {
          image_ref_candidates_free (list, n);
          return galley_error_wrap (err,
                                    "creating reference with unqualified-search registry "
                                    "\"%s\"",
                                    c->search[n]);
        }
    }
  *cands = list;
  *n_out = n;
  return 0;
}

int
image_ref_resolve (const struct registries_conf *c, const char *input, struct image_ref **cands, size_t *n,
                   galley_error_t *err)
{
  return image_ref_resolve_tty (c, input, isatty (STDIN_FILENO) && isatty (STDOUT_FILENO), cands, n, err);
}
