/* Per-registry TLS trust, as containers-certs.d(5): the first existing
 * directory of $XDG_CONFIG_HOME/containers/certs.d/<host:port>,
 * /etc/containers/certs.d/<host:port>, /etc/docker/certs.d/<host:port> (or
 * --cert-dir itself) adds its .crt files as CAs on top of the system bundle,
 * and a .cert and .key pair as the client certificate.  */
#ifndef GALLEY_REGISTRY_TLS_H
#define GALLEY_REGISTRY_TLS_H

#include <stdbool.h>

#include "registry/http.h"
#include "state/paths.h"
#include "util/error.h"

struct registry_tls
{
  struct http_tls http; /* points into the fields below */
  char *ca_blob;
  char *client_cert;
  char *client_key;
  char *dir; /* the certs.d directory used, or NULL */
};

/* Fill *out for host ("host:port" as in the URL).  */
int registry_tls_load (const struct galley_paths *p, const char *certs_dir, const char *host, bool verify,
                       struct registry_tls *out, galley_error_t *err);
void registry_tls_release (struct registry_tls *t);

#endif
