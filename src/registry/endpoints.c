/* Endpoint lists from registries.conf.  See endpoints.h.  */
#include "config.h"
#include "registry/endpoints.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "registry/reference.h"
#include "registry/registries_conf.h"
#include "util/xmalloc.h"

const char *
registry_api_host (const char *registry)
{
  return strcmp (registry, "docker.io") == 0 ? "registry-1.docker.io" : registry;
}

static bool
insecure_for (const struct registry_client *c, bool conf_insecure)
{
  if (c->tls_verify == 0)
    return true;
  if (c->tls_verify == 1)
    return false;
  return conf_insecure;
}

static int
add_source (struct registry_client *c, struct registry_sources *s, const char *registry,
            const char *repository, bool insecure, bool is_mirror, galley_error_t *err)
{
  struct registry_source *src;

  if (s->n == ENDPOINTS_MAX)
    return 0;
  src = &s->items[s->n];
  src->ep = session_endpoint (c, registry_api_host (registry), registry, insecure_for (c, insecure), err);
  if (src->ep == NULL)
    return -1;
  src->repository = xstrdup (repository);
  src->is_mirror = is_mirror;
  s->n++;
  return 0;
}

int
registry_sources_for (struct registry_client *c, const struct image_ref *ref, struct registry_sources *out,
                      galley_error_t *err)
{
  struct pull_source *sources = NULL;
  size_t n = 0, i;

  memset (out, 0, sizeof *out);
  if (c->conf == NULL)
    {
      if (add_source (c, out, ref->registry, ref->repository, false, false, err) < 0)
        goto fail;
      return 0;
    }
  if (registries_conf_pull_sources (c->conf, ref, &sources, &n, err) < 0)
    return -1;
  /* Keep the location (the last source) even when there are too many mirrors.  */
  for (i = n > ENDPOINTS_MAX ? n - ENDPOINTS_MAX : 0; i < n; i++)
    if (add_source (c, out, sources[i].ref.registry, sources[i].ref.repository, sources[i].insecure,
                    sources[i].is_mirror, err)
        < 0)
      goto fail;
  pull_sources_free (sources, n);
  return 0;
fail:
  pull_sources_free (sources, n);
  registry_sources_release (out);
  return -1;
}

void
registry_sources_release (struct registry_sources *s)
{
  size_t i;

  for (i = 0; i < s->n; i++)
    free (s->items[i].repository);
  s->n = 0;
}

struct endpoint *
registry_location (struct registry_client *c, const char *registry, galley_error_t *err)
{
  const struct registry_entry *e = c->conf ? registries_conf_match (c->conf, registry) : NULL;

  return session_endpoint (c, registry_api_host (registry), registry, insecure_for (c, e && e->insecure),
                           err);
}
