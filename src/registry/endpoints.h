/* Which hosts serve a reference and how to reach them: registries.conf
 * mirrors (in order, as registries_conf_pull_sources says) before the
 * location, "docker.io" served by registry-1.docker.io, and whether each may
 * skip TLS verification / use plain http (--tls-verify, `insecure = true`).  */
#ifndef GALLEY_REGISTRY_ENDPOINTS_H
#define GALLEY_REGISTRY_ENDPOINTS_H

#include <stdbool.h>
#include <stddef.h>

#include "registry/session.h"

#define ENDPOINTS_MAX 16

struct registry_source
{
  struct endpoint *ep;
  char *repository; /* the repository on that endpoint (a mirror may rewrite it) */
  bool is_mirror;
};

struct registry_sources
{
  struct registry_source items[ENDPOINTS_MAX];
  size_t n;
};

/* Where to fetch ref's repository from, the registry's own location last.  */
int registry_sources_for (struct registry_client *c, const struct image_ref *ref,
                          struct registry_sources *out, galley_error_t *err);
void registry_sources_release (struct registry_sources *s);
#define _cleanup_registry_sources_ __attribute__ ((cleanup (registry_sources_release)))

/* The endpoint of registry itself (catalog, tags, login).  */
struct endpoint *registry_location (struct registry_client *c, const char *registry, galley_error_t *err);

/* The host that serves the API of registry ("docker.io" -> "registry-1.docker.io").  */
const char *registry_api_host (const char *registry);

#endif
