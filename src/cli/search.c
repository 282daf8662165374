/* galley search: find repositories in a registry's catalog, or list the tags
 * of one repository, as podman search against v2 registries.  */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "registry/client.h"
#include "registry/reference.h"
#include "registry/registries_conf.h"
#include "util/cleanup.h"
#include "util/format.h"
#include "util/json.h"
#include "util/log.h"
#include "util/xmalloc.h"

#define SEARCH_DEFAULT_LIMIT 25

struct search_options
{
  const char *format;
  const char *authfile;
  const char *cert_dir;
  const char *creds;
  const char **filters;
  size_t n_filters;
  unsigned long long limit;
  int tls_verify;
  bool list_tags;
  bool no_trunc;
};

/* --filter: stars=N, is-official=BOOL, is-automated=BOOL.  Catalog entries
 * have no stars and are neither official nor automated.  */
static int
filters_accept (const struct search_options *o, bool *accept, galley_error_t *err)
{
  size_t i;

  *accept = true;
  for (i = 0; i < o->n_filters; i++)
    {
      const char *f = o->filters[i], *eq = strchr (f, '=');
      if (eq == NULL)
        return galley_error_make (err, 0, "invalid filter \"%s\", should be of the form KEY=VALUE", f);
      if (strncmp (f, "stars=", 6) == 0)
        {
          char *end;
          long n = strtol (eq + 1, &end, 10);
          if (*end != '\0' || end == eq + 1 || n < 0)
            return galley_error_make (err, 0, "incorrect value type for stars filter: \"%s\"", eq + 1);
          if (n > 0)
            *accept = false;
        }
      else if (strncmp (f, "is-official=", 12) == 0 || strncmp (f, "is-automated=", 13) == 0)
        {
          if (strcmp (eq + 1, "true") == 0)
            *accept = false;
          else if (strcmp (eq + 1, "false") != 0)
            return galley_error_make (err, 0, "invalid filter value \"%s\" for %.*s", eq + 1, (int)(eq - f),
                                      f);
        }
      else
        return galley_error_make (err, 0, "invalid filter type \"%.*s\"", (int)(eq - f), f);
    }
  return 0;
}

static json_object *
result_record (const char *registry, const char *name, const char *tag)
{
  json_object *r = json_object_new_object ();
  _cleanup_free_ char *full = NULL;

  if (asprintf (&full, "%s/%s", registry, name) < 0)
    full = NULL;
  json_object_object_add (r, "Index", json_object_new_string (registry));
  json_object_object_add (r, "Name", json_object_new_string (full ? full : name));
  json_object_object_add (r, "Description", json_object_new_string (""));
  json_object_object_add (r, "Stars", json_object_new_int (0));
  json_object_object_add (r, "Official", json_object_new_string (""));
  json_object_object_add (r, "Automated", json_object_new_string (""));
  json_object_object_add (r, "Tag", json_object_new_string (tag ? tag : ""));
  return r;
}

/* Split TERM into a registry (NULL when it has none) and what to look for.  */
static int
split_term (const char *term, char **registry, const char **rest, galley_error_t *err)
{
  const char *slash = strchr (term, '/');
  size_t n = slash ? (size_t)(slash - term) : 0;

  *registry = NULL;
  *rest = term;
  if (slash == NULL
      || (memchr (term, '.', n) == NULL && memchr (term, ':', n) == NULL
          && ! (n == 9 && strncmp (term, "localhost", 9) == 0)))
    return 0;
  *registry = xstrndup (term, n);
  if (! image_ref_domain_is_valid (*registry))
    return galley_error_make (err, 0, "invalid registry \"%s\" in search term \"%s\"", *registry, term);
  *rest = slash + 1;
  return 0;
}

static int
search_catalog (struct registry_client *c, const char *registry, const char *needle,
                const struct search_options *o, json_object *results, galley_error_t *err)
{
  _cleanup_strv_ char **repos = NULL;
  unsigned long long found = 0;
  bool accept;
  size_t i;

  if (filters_accept (o, &accept, err) < 0 || registry_list_catalog (c, registry, 0, &repos, err) < 0)
    return -1;
  for (i = 0; accept && repos[i] != NULL && found < o->limit; i++)
    if (strstr (repos[i], needle) != NULL)
      {
        json_object_array_add (results, result_record (registry, repos[i], NULL));
        found++;
      }
  return 0;
}

static int
search_tags (struct registry_client *c, const char *registry, const char *repository,
             const struct search_options *o, json_object *results, galley_error_t *err)
{
  _cleanup_strv_ char **tags = NULL;
  size_t i;

  if (registry_list_tags (c, registry, repository, (size_t)o->limit, &tags, err) < 0)
    return -1;
  for (i = 0; tags[i] != NULL; i++)
    json_object_array_add (results, result_record (registry, repository, tags[i]));
  return 0;
}

static int
search_one (struct registry_client *c, const char *registry, const char *term, const char *rest,
            const struct search_options *o, json_object *results, galley_error_t *err)
{
  _cleanup_free_ char *repository = NULL;

  if (! o->list_tags)
    return search_catalog (c, registry, rest, o, results, err);
  if (strpbrk (rest, ":@") != NULL)
    return galley_error_make (err, 0, "reference \"%s\" must not have a tag or digest with --list-tags",
                              term);
  if (strcmp (registry, "docker.io") == 0 && strchr (rest, '/') == NULL)
    {
      repository = xasprintf ("library/%s", rest);
    }
  else
    repository = xstrdup (rest);
  return search_tags (c, registry, repository, o, results, err);
}

/* The registry in TERM, or every unqualified-search registry; an error of
 * one registry only fails the command if no registry answered.  */
static int
run_search (struct cli_context *ctx, const char *term, const struct search_options *o, json_object *results,
            galley_error_t *err)
{
  _cleanup_registries_conf_ struct registries_conf *conf = NULL;
  _cleanup_registry_client_ struct registry_client *c = NULL;
  _cleanup_free_ char *registry = NULL;
  _cleanup_error_ galley_error_t first = NULL;
  struct registry_options ro = {
    .authfile = o->authfile, .creds = o->creds, .tls_verify = o->tls_verify, .certs_dir = o->cert_dir
  };
  const char *single[2] = { NULL, NULL };
  const char *const *registries;
  const char *rest;
  size_t i, ok = 0;

  if (split_term (term, &registry, &rest, err) < 0 || registries_conf_load (&ctx->paths, &conf, err) < 0)
    return -1;
  single[0] = registry;
  registries = registry ? single : (const char *const *)conf->search;
  if (registries == NULL || registries[0] == NULL)
    return galley_error_make (
        err, 0, "no registry in \"%s\" and no unqualified-search-registries in %s: use REGISTRY/TERM", term,
        conf->sources ? conf->sources : "registries.conf");
  ro.conf = conf;
  if (registry_client_new (&ctx->paths, &ro, &c, err) < 0)
    return -1;
  for (i = 0; registries[i] != NULL; i++)
    {
      _cleanup_error_ galley_error_t one = NULL;
      if (search_one (c, registries[i], term, rest, o, results, &one) == 0)
        ok++;
      else if (first == NULL)
        first = steal_pointer (&one);
      else
        log_warn ("%s", one->msg);
    }
  if (ok == 0)
    {
      *err = steal_pointer (&first);
      return -1;
    }
  if (first != NULL)
    log_warn ("%s", first->msg);
  return 0;
}

int
cli_cmd_search (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  _cleanup_json_ json_object *results = json_object_new_array ();
  _cleanup_json_ json_object *headers = json_object_new_object ();
  _cleanup_free_ const char **filters = xcalloc ((size_t)argc + 1, sizeof *filters);
  struct search_options o = { .tls_verify = -1, .limit = SEARCH_DEFAULT_LIMIT, .filters = filters };
  const char *arg;
  bool b;
  int opt;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    switch (opt)
      {
      case OPT_search_format:
        o.format = arg;
        break;
      case OPT_search_limit:
        if (cli_uint (&p, arg, 1000000, &o.limit, err) < 0)
          return -1;
        if (o.limit == 0)
          o.limit = SEARCH_DEFAULT_LIMIT;
        break;
      case OPT_search_list_tags:
        o.list_tags = true;
        break;
      case OPT_search_no_trunc:
        o.no_trunc = true;
        break;
      case OPT_search_filter:
        filters[o.n_filters++] = arg;
        break;
      case OPT_search_authfile:
        o.authfile = arg;
        break;
      case OPT_search_cert_dir:
        o.cert_dir = arg;
        break;
      case OPT_search_creds:
        o.creds = arg;
        break;
      case OPT_search_tls_verify:
        if (cli_bool (&p, arg, &b, err) < 0)
          return -1;
        o.tls_verify = b;
        break;
      }
  if (opt < 0 || cli_positionals (&p, 1, 1, err) < 0)
    return -1;
  if (o.list_tags && o.n_filters > 0)
    return galley_error_make (err, 0, "filters are not applicable to list tags result");
  if (run_search (ctx, argv[p.optind], &o, results, err) < 0)
    return galley_error_wrap (err, "searching for \"%s\"", argv[p.optind]);
  json_object_object_add (headers, "Tag", json_object_new_string ("TAG"));
  return format_print (stdout, o.format,
                       o.list_tags ? "table {{.Name}}\t{{.Tag}}" : "table {{.Name}}\t{{.Description}}",
                       results, headers, false, err);
}
