/* Endpoint lists from registries.conf.  See endpoints.h.  */
#include "config.h"
#include "registry/endpoints.h"

#include <string.h>

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

int
registry_endpoints (struct registry_client *c, const char *registry, bool by_digest,
                    struct endpoint *eps[ENDPOINTS_MAX], size_t *n, galley_error_t *err)
{
  bool conf_insecure = false;

  *n = 0;
  (void) by_digest; /* mirrors: registries.conf integration pending */
  eps[*n] = session_endpoint (c, registry_api_host (registry), registry, insecure_for (c, conf_insecure), err);
  if (eps[*n] == NULL)
    return -1;
  (*n)++;
  return 0;
}
