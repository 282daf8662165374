/* Inside the registry client: endpoints (a host we talk to, how, and what it
 * asked us to authenticate with), the token cache, and one authenticated
 * call with redirects and retries.  Only src/registry/ includes this.  */
#ifndef GALLEY_REGISTRY_SESSION_H
#define GALLEY_REGISTRY_SESSION_H

#include <pthread.h>
#include <stdbool.h>
#include <time.h>

#include "registry/authfile.h"
#include "registry/challenge.h"
#include "registry/http.h"
#include "registry/registries_conf.h"
#include "registry/tls.h"
#include "state/paths.h"
#include "util/error.h"

#define SESSION_IDLE_HANDLES 8

struct endpoint
{
  char *host;     /* host[:port] in URLs */
  char *auth_key; /* the auth.json key and the name in messages ("docker.io") */
  bool insecure;  /* may skip TLS verification and fall back to http */
  bool pinged;
  const char *scheme; /* "https" or "http", once pinged */
  struct auth_challenges challenges;
  struct registry_tls tls;
  struct endpoint *next;
};

struct cached_token
{
  char *key; /* host, scope, user */
  char *value;
  time_t expires;
  struct cached_token *next;
};

struct registry_client
{
  const struct galley_paths *paths;
  char *authfile;
  char *certs_dir;
  int tls_verify;
  const struct registries_conf *conf;
  struct auth_credentials creds; /* --creds */
  bool have_creds;
  pthread_mutex_t lock;         /* endpoints, tokens (held across pings and token fetches) */
  pthread_mutex_t handles_lock; /* idle */
  struct endpoint *endpoints;
  struct cached_token *tokens;
  CURL *idle[SESSION_IDLE_HANDLES];
  size_t n_idle;
};

struct registry_call
{
  const char *repository; /* for credentials lookup; NULL for the catalog */
  const char *scope;      /* token scope ("repository:foo:pull") */
  const char *method;     /* NULL: GET */
  const char *path;       /* after "/v2/", query included */
  const char *url;        /* absolute URL instead of path (pagination), or NULL */
  const char *accept;
  const char *body; /* request body (POST/PUT), or NULL */
  size_t body_len;
  const struct http_upload *upload; /* or a body streamed from a file */
  const char *content_type;
  const char *content_range;
  size_t max_body;
  http_body_sink sink;
  void *sink_ctx;
  uint64_t offset;
  const struct auth_credentials *creds; /* use these instead of --creds/auth.json (login) */
  bool no_retry_401;
};

/* The endpoint for host (created on first use).  insecure: see struct endpoint.  */
struct endpoint *session_endpoint (struct registry_client *c, const char *host, const char *auth_key,
                                   bool insecure, galley_error_t *err);

/* Ping ep (/v2/) once: choose the scheme, record the challenges.  */
int session_ping (struct registry_client *c, struct endpoint *ep, galley_error_t *err);

/* One call: 0 with *rs for a 2xx answer; otherwise -1 with an error naming
 * the HTTP status and the registry's message (see client.h for errno).
 * *rs is filled as far as a response arrived.  */
int session_call (struct registry_client *c, struct endpoint *ep, const struct registry_call *call,
                  struct http_response *rs, galley_error_t *err);

void session_release (struct registry_client *c);

#endif
