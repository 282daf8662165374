/* The one libcurl boundary: a single HTTP exchange with galley's policies
 * applied (no automatic redirects, timeouts, User-Agent, TLS trust), CURLcode
 * turned into a typed failure plus a galley error, and the few response
 * headers the registry client reads.  Everything above this file speaks
 * http_request / http_response, never libcurl.  */
#ifndef GALLEY_REGISTRY_HTTP_H
#define GALLEY_REGISTRY_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <curl/curl.h>

#include "util/error.h"

static inline void
cleanup_curlp (CURL **h)
{
  if (*h != NULL)
    curl_easy_cleanup (*h);
}
#define _cleanup_curl_ __attribute__ ((cleanup (cleanup_curlp)))

/* Call once before any other http_* function (thread safe, idempotent).  */
void http_global_init (void);

/* A fresh easy handle with the options every request shares.  NULL on OOM.  */
CURL *http_handle_new (void);

/* TLS trust for one request.  */
struct http_tls
{
  bool verify;         /* verify peer and host name */
  const char *ca_blob; /* PEM: system bundle plus the certs.d .crt files; NULL: libcurl's defaults */
  size_t ca_blob_len;
  const char *client_cert; /* PEM files (certs.d .cert and .key); NULL: none */
  const char *client_key;
};

/* Body chunks of a 2xx response are passed here (other statuses are
 * buffered for their error document).  Returning < 0 aborts the transfer.  */
typedef int (*http_body_sink) (void *ctx, const void *buf, size_t len, galley_error_t *err);

/* A request body streamed from a file (blob uploads): len bytes of fd from
 * offset, read with pread so that a retried request sends them again.  */
struct http_upload
{
  int fd;
  uint64_t offset;
  uint64_t len;
};

struct http_request
{
  const char *method; /* "GET" when NULL */
  const char *url;
  const char *authorization; /* value of the Authorization header, or NULL */
  const char *accept;        /* value of the Accept header, or NULL */
  uint64_t range_from;       /* > 0: Range: bytes=N- */
  const char *body;          /* request body (POST/PUT), or NULL */
  size_t body_len;
  const struct http_upload *upload; /* or a body from a file (PUT/PATCH); NULL: none */
  const char *content_type;
  const char *content_range; /* value of the Content-Range header (chunked uploads), or NULL */
  const struct http_tls *tls;
  size_t max_body;     /* buffered bodies larger than this fail (0: 64 KiB) */
  http_body_sink sink; /* NULL: buffer the body */
  void *sink_ctx;
};

struct http_response
{
  long status;
  char *body; /* buffered body, NUL-terminated; error bodies are truncated at 64 KiB */
  size_t body_len;
  uint64_t delivered;     /* bytes handed to the sink */
  int64_t content_length; /* -1 when unknown */
  char *content_type;
  char *docker_content_digest;
  char *location; /* redirects: the absolute target (resolved against the request URL);
                     other statuses: the Location header as sent (upload sessions) */
  char *link;     /* the Link header (pagination) */
  char *content_range;
  char *range;             /* the Range header of an upload status (distribution: "0-N") */
  char **www_authenticate; /* every WWW-Authenticate header, NULL-terminated */
  size_t n_www_authenticate;
};

void http_response_release (struct http_response *rs);
#define _cleanup_http_response_ __attribute__ ((cleanup (http_response_release)))

enum http_failure
{
  HTTP_FAIL_NONE = 0,  /* got a response (any status) */
  HTTP_FAIL_CONNECT,   /* could not connect or resolve: try another endpoint */
  HTTP_FAIL_TLS,       /* TLS handshake or verification failed */
  HTTP_FAIL_TRANSFER,  /* dropped, timed out or truncated mid-way: retry/resume */
  HTTP_FAIL_TOO_LARGE, /* body over max_body */
  HTTP_FAIL_SINK,      /* the sink refused; *err is the sink's error */
  HTTP_FAIL_OTHER,
};

/* Perform one exchange on h (reset by this call).  Returns 0 when a response
 * arrived (whatever its status), else -1 with *failure and *err set.  */
int http_perform (CURL *h, const struct http_request *rq, struct http_response *rs,
                  enum http_failure *failure, galley_error_t *err);

/* Do two absolute URLs have the same origin (scheme, host, port)?  Only then
 * may credentials follow a redirect.  */
bool http_same_origin (const char *a, const char *b);

/* Percent-encode s for a query component.  */
char *http_escape (const char *s);

/* ref (absolute, or relative: "/v2/x", "?q", "x") resolved against the
 * absolute URL base; NULL when unusable or not http(s).  */
char *http_url_resolve (const char *base, const char *ref);

/* The URL of rel="next" in a Link header, resolved against base; NULL if none.  */
char *http_link_next (const char *link, const char *base);

#endif
