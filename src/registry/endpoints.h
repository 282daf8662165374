/* Which hosts serve a registry and how to reach them: registries.conf
 * mirrors (in order; digest-only mirrors only for digests) before the
 * location, "docker.io" served by registry-1.docker.io, and whether each may
 * skip TLS verification / use plain http (--tls-verify, `insecure = true`).  */
#ifndef GALLEY_REGISTRY_ENDPOINTS_H
#define GALLEY_REGISTRY_ENDPOINTS_H

#include <stdbool.h>
#include <stddef.h>

#include "registry/session.h"

#define ENDPOINTS_MAX 16

/* eps[0..*n-1], the registry's own location last (always present).  */
int registry_endpoints (struct registry_client *c, const char *registry, bool by_digest,
                        struct endpoint *eps[ENDPOINTS_MAX], size_t *n, galley_error_t *err);

/* The host that serves the API of registry ("docker.io" -> "registry-1.docker.io").  */
const char *registry_api_host (const char *registry);

#endif
