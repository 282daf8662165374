/* Endpoints, authentication and the request loop of the registry client.
 * See session.h.  */
#include "config.h"
#include "registry/session.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/json.h"
#include "util/log.h"
#include "util/xmalloc.h"

#define MAX_REDIRECTS 10
#define MAX_ATTEMPTS 3
#define TOKEN_MAX_SIZE (1024u * 1024)

/* Handles ------------------------------------------------------------- */

static CURL *
handle_get (struct registry_client *c)
{
  CURL *h = NULL;

  pthread_mutex_lock (&c->handles_lock);
  if (c->n_idle > 0)
    h = c->idle[--c->n_idle];
  pthread_mutex_unlock (&c->handles_lock);
  return h ? h : xalloc_check (http_handle_new ());
}

static void
handle_put (struct registry_client *c, CURL *h)
{
  if (h == NULL)
    return;
  pthread_mutex_lock (&c->handles_lock);
  if (c->n_idle < SESSION_IDLE_HANDLES)
    {
      c->idle[c->n_idle++] = h;
      h = NULL;
    }
  pthread_mutex_unlock (&c->handles_lock);
  if (h != NULL)
    curl_easy_cleanup (h);
}

/* Endpoints ----------------------------------------------------------- */

struct endpoint *
session_endpoint (struct registry_client *c, const char *host, const char *auth_key, bool insecure,
                  galley_error_t *err)
{
  struct endpoint *ep;

  pthread_mutex_lock (&c->lock);
  for (ep = c->endpoints; ep != NULL; ep = ep->next)
    if (strcmp (ep->host, host) == 0 && strcmp (ep->auth_key, auth_key) == 0 && ep->insecure == insecure)
      break;
  if (ep == NULL)
    {
      ep = xcalloc (1, sizeof *ep);
      ep->host = xstrdup (host);
      ep->auth_key = xstrdup (auth_key);
      ep->insecure = insecure;
      if (registry_tls_load (c->paths, c->certs_dir, host, ! insecure, &ep->tls, err) < 0)
        {
          free (ep->host);
          free (ep->auth_key);
          free (ep);
          pthread_mutex_unlock (&c->lock);
          return NULL;
        }
      ep->next = c->endpoints;
      c->endpoints = ep;
    }
  pthread_mutex_unlock (&c->lock);
  return ep;
}

static int
record_challenges (struct endpoint *ep, const struct http_response *rs)
{
  struct auth_challenges parsed = { 0 };
  _cleanup_error_ galley_error_t perr = NULL;
  size_t i;

  for (i = 0; i < rs->n_www_authenticate; i++)
    if (auth_challenges_parse (rs->www_authenticate[i], &parsed, &perr) < 0)
      {
        log_warn ("%s: ignoring %s", ep->host, perr->msg);
        galley_error_release (&perr);
      }
  if (parsed.n == 0)
    return 0;
  auth_challenges_release (&ep->challenges);
  ep->challenges = parsed;
  return 1;
}

static int
ping_scheme (struct registry_client *c, struct endpoint *ep, const char *scheme, enum http_failure *failure,
             galley_error_t *err)
{
  _cleanup_http_response_ struct http_response rs = { 0 };
  _cleanup_free_ char *url = NULL;
  CURL *h = handle_get (c);
  struct http_request rq = { 0 };
  int r;

  url = xasprintf ("%s://%s/v2/", scheme, ep->host);
  rq.url = url;
  rq.tls = &ep->tls.http;
  r = http_perform (h, &rq, &rs, failure, err);
  handle_put (c, h);
  if (r < 0)
    return -1;
  if (rs.status >= 500)
    {
      *failure = HTTP_FAIL_OTHER;
      galley_error_make (err, 0, "GET %s: HTTP %ld", url, rs.status);
      (*err)->errno_ = EPROTO;
      return -1;
    }
  /* 200, 401 and even 404 (some registries hide /v2/) all mean "an API is here".  */
  ep->scheme = scheme;
  record_challenges (ep, &rs);
  return 0;
}

int
session_ping (struct registry_client *c, struct endpoint *ep, galley_error_t *err)
{
  enum http_failure failure;
  int r = 0;

  pthread_mutex_lock (&c->lock);
  if (ep->pinged)
    goto out;
  r = ping_scheme (c, ep, "https", &failure, err);
  /* Plain http only for registries the user marked insecure.  */
  if (r < 0 && ep->insecure && (failure == HTTP_FAIL_CONNECT || failure == HTTP_FAIL_TLS))
    {
      _cleanup_error_ galley_error_t http_err = NULL;
      enum http_failure http_failure;
      if (ping_scheme (c, ep, "http", &http_failure, &http_err) == 0)
        {
          galley_error_release (err);
          r = 0;
        }
      else
        {
          /* Both answers matter: say "https failed; http failed".  */
          char *both = NULL;
          if (asprintf (&both, "%s; and over http: %s", (*err)->msg, http_err->msg) > 0)
            {
              free ((*err)->msg);
              (*err)->msg = both;
            }
        }
    }
  if (r < 0 && ! ep->insecure && failure == HTTP_FAIL_TLS
      && strstr ((*err)->msg, "wrong version number") != NULL)
    {
      /* OpenSSL's words for a plain-http server: say it as podman does.  */
      galley_error_release (err);
      galley_error_make (err, 0, "GET https://%s/v2/: http: server gave HTTP response to HTTPS client",
                         ep->host);
      (*err)->errno_ = EPROTO;
    }
  if (r < 0)
    galley_error_wrap (err, "pinging container registry %s", ep->auth_key);
  else
    ep->pinged = true;
out:
  pthread_mutex_unlock (&c->lock);
  return r;
}

/* Errors from responses ----------------------------------------------- */

/* The registry's own words: {"errors":[{"code":..., "message":...}]}.  */
static void
registry_message (const struct http_response *rs, const char **code, const char **message, json_object **doc)
{
  json_object *errors, *first;
  _cleanup_error_ galley_error_t ignored = NULL;

  *code = *message = NULL;
  *doc = NULL;
  if (rs->body_len == 0 || json_parse_strict (rs->body, rs->body_len, "error", doc, &ignored) < 0)
    return;
  if (json_object_object_get_ex (*doc, "errors", &errors) && json_object_is_type (errors, json_type_array)
      && json_object_array_length (errors) > 0 && (first = json_object_array_get_idx (errors, 0)) != NULL)
    {
      *code = json_get_string (first, "code");
      *message = json_get_string (first, "message");
    }
  else
    /* Token servers: {"details": "..."} or {"error": "..."}.  */
    *message = json_get_string (*doc, "details") ? json_get_string (*doc, "details")
                                                 : json_get_string (*doc, "error");
}

static int
response_error (const struct endpoint *ep, const struct http_response *rs, bool had_credentials,
                galley_error_t *err)
{
  _cleanup_json_ json_object *doc = NULL;
  const char *code, *message;
  int errno_ = EPROTO;

  registry_message (rs, &code, &message, &doc);
  if (rs->status == 401)
    {
      if (had_credentials)
        galley_error_make (err, 0, "authentication failed for %s: invalid username/password (HTTP 401)",
                           ep->auth_key);
      else
        galley_error_make (err, 0, "authentication required for %s (HTTP 401)", ep->auth_key);
      errno_ = EACCES;
    }
  else if (rs->status == 403 || (code && strcmp (code, "DENIED") == 0))
    {
      galley_error_make (err, 0, "access to %s denied: %s (HTTP %ld)", ep->auth_key,
                         message ? message : "requested access to the resource is denied", rs->status);
      errno_ = EACCES;
    }
  else
    {
      if (rs->status == 404 || (code && strstr (code, "UNKNOWN") != NULL))
        errno_ = ENOENT;
      galley_error_make (err, 0, "%s (HTTP %ld)",
                         message             ? message
                         : rs->status == 404 ? "not found"
                                             : "unexpected response",
                         rs->status);
    }
  (*err)->errno_ = errno_;
  return -1;
}

/* Redirects ----------------------------------------------------------- */

static bool
is_redirect (long status)
{
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

/* Perform rq, following redirects ourselves: the Authorization header goes
 * only to the origin of `origin`, never to another host (blob storage).  */
static int
perform_following (CURL *h, const char *origin, struct http_request *rq, struct http_response *rs,
                   enum http_failure *failure, galley_error_t *err)
{
  _cleanup_free_ char *url = xstrdup (rq->url);
  const char *authorization = rq->authorization;
  int hops;

  for (hops = 0; hops <= MAX_REDIRECTS; hops++)
    {
      rq->url = url;
      rq->authorization = http_same_origin (url, origin) ? authorization : NULL;
      if (http_perform (h, rq, rs, failure, err) < 0)
        return -1;
      if (! is_redirect (rs->status) || rs->location == NULL)
        return 0;
      free (url);
      url = steal_pointer (&rs->location);
      if (rs->status == 303)
        rq->method = "GET", rq->body = NULL, rq->upload = NULL;
    }
  *failure = HTTP_FAIL_OTHER;
  return galley_error_make (err, 0, "%s: too many redirects", origin);
}

/* Tokens -------------------------------------------------------------- */

static const char *
token_lookup (struct registry_client *c, const char *key)
{
  struct cached_token *t;
  time_t now = time (NULL);

  for (t = c->tokens; t != NULL; t = t->next)
    if (strcmp (t->key, key) == 0 && t->expires > now)
      return t->value;
  return NULL;
}

static void
token_forget (struct registry_client *c, const char *key)
{
  struct cached_token **pp = &c->tokens;

  while (*pp != NULL)
    {
      struct cached_token *t = *pp;
      if (strcmp (t->key, key) == 0)
        {
          *pp = t->next;
          free (t->key);
          free (t->value);
          free (t);
        }
      else
        pp = &t->next;
    }
}

static void
token_store (struct registry_client *c, const char *key, const char *value, long expires_in)
{
  struct cached_token *t = xcalloc (1, sizeof *t);

  t->key = xstrdup (key);
  t->value = xstrdup (value);
  /* The distribution spec: at least 60 s; renew a little early.  */
  if (expires_in < 60)
    expires_in = 60;
  t->expires = time (NULL) + expires_in - 10;
  token_forget (c, key);
  t->next = c->tokens;
  c->tokens = t;
}

static char *
basic_header (const struct auth_credentials *cr)
{
  _cleanup_free_ char *b64 = authfile_encode (cr->username, cr->password);

  return xasprintf ("Basic %s", b64);
}

static char *
token_url (const char *realm, const char *service, const char *scope, const struct auth_credentials *cr)
{
  _cleanup_free_ char *s = service ? http_escape (service) : NULL;
  _cleanup_free_ char *sc = scope ? http_escape (scope) : NULL;
  _cleanup_free_ char *acc = cr && cr->username ? http_escape (cr->username) : NULL;

  return xasprintf ("%s%c%s%s%s%s%s%s", realm, strchr (realm, '?') ? '&' : '?', s ? "service=" : "",
                    s ? s : "", sc ? (s ? "&scope=" : "scope=") : "", sc ? sc : "",
                    acc ? (s || sc ? "&account=" : "account=") : "", acc ? acc : "");
}

static int
parse_token (const struct http_response *rs, const char *realm, char **token, long *expires_in,
             galley_error_t *err)
{
  _cleanup_json_ json_object *doc = NULL;
  json_object *v;
  const char *t;

  if (json_parse_strict (rs->body ? rs->body : "", rs->body_len, "token response", &doc, err) < 0)
    goto bad;
  t = json_get_string (doc, "token");
  if (t == NULL || *t == '\0')
    t = json_get_string (doc, "access_token");
  if (t == NULL || *t == '\0')
    {
      galley_error_make (err, 0, "no token in the answer");
      goto bad;
    }
  *expires_in = json_object_object_get_ex (doc, "expires_in", &v) ? (long)json_object_get_int64 (v) : 0;
  *token = xstrdup (t);
  return 0;
bad:
  (*err)->errno_ = EPROTO;
  return galley_error_wrap (err, "getting a token from %s", realm);
}

/* Ask the realm of a Bearer challenge for a token for call->scope.  */
static int
fetch_token (struct registry_client *c, struct endpoint *ep, const struct auth_challenge *bearer,
             const char *scope, const struct auth_credentials *cr, char **token, long *expires_in,
             galley_error_t *err)
{
  _cleanup_http_response_ struct http_response rs = { 0 };
  const char *realm = auth_challenge_param (bearer, "realm");
  const char *service = auth_challenge_param (bearer, "service");
  _cleanup_free_ char *url = NULL, *basic = NULL, *form = NULL;
  _cleanup_free_ char *esc_refresh = NULL, *esc_service = NULL, *esc_scope = NULL;
  struct http_request rq = { .max_body = TOKEN_MAX_SIZE, .tls = &ep->tls.http };
  enum http_failure failure;
  CURL *h;
  int r;

  if (realm == NULL || (strncmp (realm, "https://", 8) != 0 && strncmp (realm, "http://", 7) != 0))
    {
      galley_error_make (err, 0, "%s: Bearer challenge without a valid realm", ep->auth_key);
      (*err)->errno_ = EPROTO;
      return -1;
    }
  if (scope == NULL)
    scope = auth_challenge_param (bearer, "scope");
  if (cr != NULL && cr->identity_token != NULL && cr->username == NULL)
    {
      /* OAuth2 refresh token (docker's "identitytoken").  */
      esc_refresh = http_escape (cr->identity_token);
      esc_service = http_escape (service ? service : "");
      esc_scope = http_escape (scope ? scope : "");
      form = xasprintf ("grant_type=refresh_token&client_id=galley&refresh_token=%s&service=%s&scope=%s",
                        esc_refresh, esc_service, esc_scope);
      url = xstrdup (realm);
      rq.method = "POST";
      rq.body = form;
      rq.body_len = strlen (form);
      rq.content_type = "application/x-www-form-urlencoded";
    }
  else
    {
      url = token_url (realm, service, scope, cr);
      if (cr != NULL && cr->username != NULL)
        basic = basic_header (cr);
      rq.authorization = basic;
    }
  rq.url = url;
  h = handle_get (c);
  r = perform_following (h, realm, &rq, &rs, &failure, err);
  handle_put (c, h);
  if (r < 0)
    return galley_error_wrap (err, "getting a token for %s", ep->auth_key);
  if (rs.status < 200 || rs.status >= 300)
    return response_error (ep, &rs, cr != NULL, err);
  return parse_token (&rs, realm, token, expires_in, err);
}

/* Authorization ------------------------------------------------------- */

/* The credentials to use for call: the caller's, --creds, or auth.json.
 * Returns 1 with *out filled, 0 when anonymous.  */
static int
credentials_for (struct registry_client *c, const struct endpoint *ep, const struct registry_call *call,
                 struct auth_credentials *out, galley_error_t *err)
{
  const struct auth_credentials *src = call->creds ? call->creds : c->have_creds ? &c->creds : NULL;

  if (src != NULL)
    {
      out->username = src->username ? strdup (src->username) : NULL;
      out->password = src->password ? strdup (src->password) : NULL;
      out->identity_token = src->identity_token ? strdup (src->identity_token) : NULL;
      return 1;
    }
  return authfile_lookup (c->paths, c->authfile, ep->auth_key, call->repository, out, err);
}

/* The Authorization header for call on ep (NULL: anonymous).  renew drops a
 * cached token first.  *had_credentials says whether a secret was used.  */
static int
authorization_for (struct registry_client *c, struct endpoint *ep, const struct registry_call *call,
                   bool renew, char **header, bool *had_credentials, galley_error_t *err)
{
  _cleanup_auth_credentials_ struct auth_credentials cr = { 0 };
  const struct auth_challenge *bearer, *basic;
  _cleanup_free_ char *key = NULL, *token = NULL;
  const char *cached;
  long expires_in = 0;
  int have, r = 0;

  *header = NULL;
  *had_credentials = false;
  pthread_mutex_lock (&c->lock);
  bearer = auth_challenges_find (&ep->challenges, "bearer");
  basic = auth_challenges_find (&ep->challenges, "basic");
  if (bearer == NULL && basic == NULL)
    goto out;
  if ((have = credentials_for (c, ep, call, &cr, err)) < 0)
    {
      r = -1;
      goto out;
    }
  *had_credentials = have > 0;
  if (bearer == NULL)
    {
      if (have > 0 && cr.username != NULL)
        *header = basic_header (&cr);
      goto out;
    }
  key = xasprintf ("%s %s %s", ep->host, call->scope ? call->scope : "", cr.username ? cr.username : "");
  if (renew)
    token_forget (c, key);
  cached = token_lookup (c, key);
  if (cached == NULL)
    {
      /* Under the lock, so that parallel layer downloads share one token.  */
      if (fetch_token (c, ep, bearer, call->scope, have > 0 ? &cr : NULL, &token, &expires_in, err) < 0)
        {
          r = -1;
          goto out;
        }
      token_store (c, key, token, expires_in);
      cached = token;
    }
  *header = xasprintf ("Bearer %s", cached);
out:
  pthread_mutex_unlock (&c->lock);
  return r;
}

/* The call ------------------------------------------------------------ */

static void
backoff (int attempt)
{
  struct timespec ts = { .tv_sec = 0, .tv_nsec = 500000000L };

  if (attempt > 1)
    ts = (struct timespec){ .tv_sec = 1 << (attempt - 2), .tv_nsec = 0 };
  nanosleep (&ts, NULL);
}

static bool
retryable_status (long status)
{
  return status == 500 || status == 502 || status == 503 || status == 504 || status == 429;
}

int
session_call (struct registry_client *c, struct endpoint *ep, const struct registry_call *call,
              struct http_response *rs, galley_error_t *err)
{
  _cleanup_free_ char *url = NULL, *origin = NULL;
  uint64_t delivered = 0;
  bool renewed = false, had_credentials = false;
  int attempt = 1;
  CURL *h;

  if (session_ping (c, ep, err) < 0)
    return -1;
  origin = xasprintf ("%s://%s/v2/", ep->scheme, ep->host);
  url = call->url != NULL ? xstrdup (call->url) : xasprintf ("%s%s", origin, call->path);

  for (;;)
    {
      _cleanup_free_ char *authorization = NULL;
      struct http_request rq = { .method = call->method,
                                 .accept = call->accept,
                                 .body = call->body,
                                 .body_len = call->body_len,
                                 .upload = call->upload,
                                 .content_type = call->content_type,
                                 .content_range = call->content_range,
                                 .tls = &ep->tls.http,
                                 .max_body = call->max_body,
                                 .sink = call->sink,
                                 .sink_ctx = call->sink_ctx,
                                 .range_from = call->offset + delivered,
                                 .url = url };
      enum http_failure failure = HTTP_FAIL_NONE;
      int r;

      if (authorization_for (c, ep, call, renewed, &authorization, &had_credentials, err) < 0)
        return -1;
      rq.authorization = authorization;
      h = handle_get (c);
      r = perform_following (h, origin, &rq, rs, &failure, err);
      handle_put (c, h);
      delivered += rs->delivered;
      if (r < 0)
        {
          if ((failure != HTTP_FAIL_TRANSFER && failure != HTTP_FAIL_CONNECT) || attempt >= MAX_ATTEMPTS)
            return -1;
          log_debug ("retrying (%d/%d) after: %s", attempt, MAX_ATTEMPTS, (*err)->msg);
          galley_error_release (err);
          backoff (attempt++);
          continue;
        }
      if (rs->status >= 200 && rs->status < 300)
        return 0;
      if (rs->status == 401 && ! renewed && ! call->no_retry_401)
        {
          /* A stale token, or a registry that wants more than the ping said.  */
          pthread_mutex_lock (&c->lock);
          record_challenges (ep, rs);
          pthread_mutex_unlock (&c->lock);
          renewed = true;
          continue;
        }
      if (retryable_status (rs->status) && attempt < MAX_ATTEMPTS)
        {
          log_debug ("retrying (%d/%d) after HTTP %ld from %s", attempt, MAX_ATTEMPTS, rs->status, ep->host);
          backoff (attempt++);
          continue;
        }
      return response_error (ep, rs, had_credentials, err);
    }
}

void
session_release (struct registry_client *c)
{
  struct endpoint *ep = c->endpoints;

  while (ep != NULL)
    {
      struct endpoint *next = ep->next;
      free (ep->host);
      free (ep->auth_key);
      auth_challenges_release (&ep->challenges);
      registry_tls_release (&ep->tls);
      free (ep);
      ep = next;
    }
  c->endpoints = NULL;
  while (c->tokens != NULL)
    {
      struct cached_token *t = c->tokens;
      c->tokens = t->next;
      free (t->key);
      free (t->value);
      free (t);
    }
  while (c->n_idle > 0)
    curl_easy_cleanup (c->idle[--c->n_idle]);
}
