/* libcurl wrapped once: request setup, response headers, CURLcode -> typed
 * failure.  See http.h.  */
#include "config.h"
#include "registry/http.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/xmalloc.h"

#define ERROR_BODY_MAX (64u * 1024)

static pthread_once_t global_once = PTHREAD_ONCE_INIT;

static void
global_init_once (void)
{
  curl_global_init (CURL_GLOBAL_DEFAULT);
}

void
http_global_init (void)
{
  pthread_once (&global_once, global_init_once);
}

CURL *
http_handle_new (void)
{
  http_global_init ();
  return curl_easy_init ();
}

void
http_response_release (struct http_response *rs)
{
  size_t i;

  free (rs->body);
  free (rs->content_type);
  free (rs->docker_content_digest);
  free (rs->location);
  free (rs->link);
  free (rs->content_range);
  free (rs->range);
  for (i = 0; i < rs->n_www_authenticate; i++)
    free (rs->www_authenticate[i]);
  free (rs->www_authenticate);
  memset (rs, 0, sizeof *rs);
  rs->content_length = -1;
}

struct transfer
{
  CURL *h;
  const struct http_request *rq;
  struct http_response *rs;
  galley_error_t sink_err;
  size_t body_cap;
  uint64_t skip; /* bytes of a 200 answer to a Range request already delivered */
  uint64_t sent; /* bytes of the upload body handed to libcurl */
  bool too_large;
  bool got_headers;
};

static void
set_header (char **slot, const char *value, size_t len)
{
  free (*slot);
  *slot = strndup (value, len);
}

static size_t
header_cb (char *buf, size_t size, size_t nitems, void *userdata)
{
  struct transfer *t = userdata;
  struct http_response *rs = t->rs;
  size_t len = size * nitems, name_len, value_len;
  const char *colon, *value;

  t->got_headers = true;
  /* A new status line (after 100 Continue or a proxy CONNECT): forget the
   * previous block.  */
  if (len >= 5 && strncmp (buf, "HTTP/", 5) == 0)
    {
      uint64_t delivered = rs->delivered;
      http_response_release (rs);
      rs->delivered = delivered;
      return len;
    }
  colon = memchr (buf, ':', len);
  if (colon == NULL)
    return len;
  name_len = (size_t)(colon - buf);
  value = colon + 1;
  value_len = len - name_len - 1;
  while (value_len > 0 && (*value == ' ' || *value == '\t'))
    value++, value_len--;
  while (value_len > 0 && strchr ("\r\n \t", value[value_len - 1]) != NULL)
    value_len--;

#define IS(name) (name_len == sizeof (name) - 1 && strncasecmp (buf, name, name_len) == 0)
  if (IS ("Content-Type"))
    set_header (&rs->content_type, value, value_len);
  else if (IS ("Docker-Content-Digest"))
    set_header (&rs->docker_content_digest, value, value_len);
  else if (IS ("Link"))
    set_header (&rs->link, value, value_len);
  else if (IS ("Content-Range"))
    set_header (&rs->content_range, value, value_len);
  else if (IS ("Location"))
    set_header (&rs->location, value, value_len);
  else if (IS ("Range"))
    set_header (&rs->range, value, value_len);
  else if (IS ("Content-Length"))
    {
      char tmp[32];
      if (value_len < sizeof tmp)
        {
          memcpy (tmp, value, value_len);
          tmp[value_len] = '\0';
          rs->content_length = strtoll (tmp, NULL, 10);
        }
    }
  else if (IS ("WWW-Authenticate") && rs->n_www_authenticate < 16)
    {
      char **v = realloc (rs->www_authenticate, (rs->n_www_authenticate + 2) * sizeof *v);
      if (v == NULL)
        return 0;
      rs->www_authenticate = v;
      v[rs->n_www_authenticate] = strndup (value, value_len);
      if (v[rs->n_www_authenticate] == NULL)
        return 0;
      v[++rs->n_www_authenticate] = NULL;
    }
#undef IS
  return len;
}

static size_t
write_cb (char *buf, size_t size, size_t nmemb, void *userdata)
{
  struct transfer *t = userdata;
  struct http_response *rs = t->rs;
  size_t len = size * nmemb;
  long status = 0;

  curl_easy_getinfo (t->h, CURLINFO_RESPONSE_CODE, &status);
  if (t->rq->sink != NULL && status >= 200 && status < 300)
    {
      /* A server that ignores Range sends everything again: drop what the
       * sink already has.  */
      if (status == 200 && t->skip > 0)
        {
          size_t n = t->skip < len ? (size_t)t->skip : len;
          t->skip -= n;
          buf += n;
          len -= n;
          if (len == 0)
            return size * nmemb;
        }
      if (t->rq->sink (t->rq->sink_ctx, buf, len, &t->sink_err) < 0)
        return 0;
      rs->delivered += len;
      return size * nmemb;
    }
  if (rs->body_len + len > t->body_cap)
    {
      /* Error documents are only read for their message: truncate them.  */
      if (t->rq->sink != NULL || status < 200 || status >= 300)
        len = rs->body_len < t->body_cap ? t->body_cap - rs->body_len : 0;
      else
        {
          t->too_large = true;
          return 0;
        }
    }
  if (len > 0)
    {
      char *b = realloc (rs->body, rs->body_len + len + 1);
      if (b == NULL)
        return 0;
      memcpy (b + rs->body_len, buf, len);
      rs->body = b;
      rs->body_len += len;
      rs->body[rs->body_len] = '\0';
    }
  return size * nmemb;
}

/* The upload body, from the file at the transfer's position.  */
static size_t
read_cb (char *buf, size_t size, size_t nitems, void *userdata)
{
  struct transfer *t = userdata;
  const struct http_upload *up = t->rq->upload;
  size_t want = size * nitems;
  ssize_t n;

  if (t->sent >= up->len)
    return 0;
  if (want > up->len - t->sent)
    want = (size_t)(up->len - t->sent);
  do
    n = pread (up->fd, buf, want, (off_t)(up->offset + t->sent));
  while (n < 0 && errno == EINTR);
  if (n <= 0)
    return CURL_READFUNC_ABORT; /* an error, or the file shrank */
  t->sent += (uint64_t)n;
  return (size_t)n;
}

/* libcurl rewinds the body to send it again (after a 401, on a reused
 * connection that was closed).  */
static int
seek_cb (void *userdata, curl_off_t offset, int origin)
{
  struct transfer *t = userdata;

  if (origin != SEEK_SET || offset < 0 || (uint64_t)offset > t->rq->upload->len)
    return CURL_SEEKFUNC_CANTSEEK;
  t->sent = (uint64_t)offset;
  return CURL_SEEKFUNC_OK;
}

static enum http_failure
classify (CURLcode rc, const struct transfer *t, int *errno_)
{
  switch (rc)
    {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      *errno_ = EHOSTUNREACH;
      return HTTP_FAIL_CONNECT;
    case CURLE_COULDNT_CONNECT:
      *errno_ = ECONNREFUSED;
      return HTTP_FAIL_CONNECT;
    case CURLE_OPERATION_TIMEDOUT:
      *errno_ = ETIMEDOUT;
      return t->got_headers ? HTTP_FAIL_TRANSFER : HTTP_FAIL_CONNECT;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CLIENTCERT:
      *errno_ = EPROTO;
      return HTTP_FAIL_TLS;
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_GOT_NOTHING:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      *errno_ = ECONNRESET;
      return HTTP_FAIL_TRANSFER;
    case CURLE_WRITE_ERROR:
      *errno_ = EFBIG;
      if (t->sink_err != NULL)
        return HTTP_FAIL_SINK;
      return t->too_large ? HTTP_FAIL_TOO_LARGE : HTTP_FAIL_OTHER;
    case CURLE_OUT_OF_MEMORY:
      *errno_ = ENOMEM;
      return HTTP_FAIL_OTHER;
    default:
      *errno_ = EIO;
      return HTTP_FAIL_OTHER;
    }
}

static int
set_tls (CURL *h, const struct http_tls *tls)
{
  if (tls == NULL)
    return 0;
  curl_easy_setopt (h, CURLOPT_SSL_VERIFYPEER, tls->verify ? 1L : 0L);
  curl_easy_setopt (h, CURLOPT_SSL_VERIFYHOST, tls->verify ? 2L : 0L);
  if (tls->ca_blob != NULL)
    {
      struct curl_blob blob = { .data = (void *)tls->ca_blob,
                                .len = tls->ca_blob_len,
                                .flags = CURL_BLOB_COPY };
      if (curl_easy_setopt (h, CURLOPT_CAINFO_BLOB, &blob) != CURLE_OK)
        return -1;
    }
  if (tls->client_cert != NULL)
    curl_easy_setopt (h, CURLOPT_SSLCERT, tls->client_cert);
  if (tls->client_key != NULL)
    curl_easy_setopt (h, CURLOPT_SSLKEY, tls->client_key);
  return 0;
}

static struct curl_slist *
add_header (struct curl_slist *list, const char *name, const char *value, bool *oom)
{
  _cleanup_free_ char *line = NULL;
  struct curl_slist *n;

  if (value == NULL || *oom)
    return list;
  if (asprintf (&line, "%s: %s", name, value) < 0)
    {
      *oom = true;
      return list;
    }
  n = curl_slist_append (list, line);
  if (n == NULL)
    *oom = true;
  return n ? n : list;
}

static void
setup_common (CURL *h, const struct http_request *rq, struct transfer *t, char *errbuf)
{
  const char *method = rq->method ? rq->method : "GET";

  curl_easy_setopt (h, CURLOPT_URL, rq->url);
  curl_easy_setopt (h, CURLOPT_USERAGENT, "galley/" PACKAGE_VERSION);
  curl_easy_setopt (h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt (h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (h, CURLOPT_CONNECTTIMEOUT, 30L);
  /* Abort a stalled transfer: under 1 KiB/s for a minute.  */
  curl_easy_setopt (h, CURLOPT_LOW_SPEED_LIMIT, 1024L);
  curl_easy_setopt (h, CURLOPT_LOW_SPEED_TIME, 60L);
  curl_easy_setopt (h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt (h, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt (h, CURLOPT_HEADERFUNCTION, header_cb);
  curl_easy_setopt (h, CURLOPT_HEADERDATA, t);
  curl_easy_setopt (h, CURLOPT_WRITEFUNCTION, write_cb);
  curl_easy_setopt (h, CURLOPT_WRITEDATA, t);
  if (strcmp (method, "HEAD") == 0)
    curl_easy_setopt (h, CURLOPT_NOBODY, 1L);
  else if (strcmp (method, "GET") != 0)
    curl_easy_setopt (h, CURLOPT_CUSTOMREQUEST, method);
  if (rq->body != NULL)
    {
      curl_easy_setopt (h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)rq->body_len);
      curl_easy_setopt (h, CURLOPT_POSTFIELDS, rq->body);
    }
  else if (rq->upload != NULL)
    {
      curl_easy_setopt (h, CURLOPT_UPLOAD, 1L);
      curl_easy_setopt (h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)rq->upload->len);
      curl_easy_setopt (h, CURLOPT_READFUNCTION, read_cb);
      curl_easy_setopt (h, CURLOPT_READDATA, t);
      curl_easy_setopt (h, CURLOPT_SEEKFUNCTION, seek_cb);
      curl_easy_setopt (h, CURLOPT_SEEKDATA, t);
    }
  if (rq->range_from > 0)
    {
      char range[32];
      snprintf (range, sizeof range, "%llu-", (unsigned long long)rq->range_from);
      curl_easy_setopt (h, CURLOPT_RANGE, range);
    }
}

int
http_perform (CURL *h, const struct http_request *rq, struct http_response *rs, enum http_failure *failure,
              galley_error_t *err)
{
  struct transfer t = { .h = h, .rq = rq, .rs = rs, .skip = rq->range_from };
  struct curl_slist *headers = NULL;
  char errbuf[CURL_ERROR_SIZE] = "";
  const char *method = rq->method ? rq->method : "GET";
  bool oom = false;
  CURLcode rc;
  int errno_ = 0;

  http_response_release (rs);
  *failure = HTTP_FAIL_NONE;
  t.body_cap = rq->sink != NULL ? ERROR_BODY_MAX : (rq->max_body ? rq->max_body : ERROR_BODY_MAX);
  curl_easy_reset (h);
  setup_common (h, rq, &t, errbuf);
  headers = add_header (headers, "Authorization", rq->authorization, &oom);
  headers = add_header (headers, "Accept", rq->accept, &oom);
  headers = add_header (headers, "Content-Type", rq->content_type, &oom);
  headers = add_header (headers, "Content-Range", rq->content_range, &oom);
  /* libcurl adds "Expect: 100-continue" to larger POSTs: registries don't need it.  */
  headers = add_header (headers, "Expect", "", &oom);
  if (oom)
    {
      curl_slist_free_all (headers);
      *failure = HTTP_FAIL_OTHER;
      return galley_error_make (err, ENOMEM, "%s %s: allocating", method, rq->url);
    }
  curl_easy_setopt (h, CURLOPT_HTTPHEADER, headers);
  if (set_tls (h, rq->tls) < 0)
    {
      curl_slist_free_all (headers);
      *failure = HTTP_FAIL_OTHER;
      return galley_error_make (err, 0, "%s %s: cannot use the CA certificates", method, rq->url);
    }

  rc = curl_easy_perform (h);
  curl_easy_setopt (h, CURLOPT_HTTPHEADER, NULL);
  curl_slist_free_all (headers);
  if (rc == CURLE_OK)
    {
      char *redirect = NULL;
      curl_easy_getinfo (h, CURLINFO_RESPONSE_CODE, &rs->status);
      if (curl_easy_getinfo (h, CURLINFO_REDIRECT_URL, &redirect) == CURLE_OK && redirect != NULL)
        {
          free (rs->location);
          rs->location = strdup (redirect);
        }
      return 0;
    }

  *failure = classify (rc, &t, &errno_);
  if (*failure == HTTP_FAIL_SINK)
    {
      *err = steal_pointer (&t.sink_err);
      return -1;
    }
  galley_error_release (&t.sink_err);
  if (*failure == HTTP_FAIL_TOO_LARGE)
    galley_error_make (err, 0, "%s %s: response larger than %zu bytes", method, rq->url, t.body_cap);
  else
    galley_error_make (err, 0, "%s %s: %s", method, rq->url, errbuf[0] ? errbuf : curl_easy_strerror (rc));
  (*err)->errno_ = errno_;
  return -1;
}

bool
http_same_origin (const char *a, const char *b)
{
  const CURLUPart parts[] = { CURLUPART_SCHEME, CURLUPART_HOST, CURLUPART_PORT };
  CURLU *ua = curl_url (), *ub = curl_url ();
  bool same = ua != NULL && ub != NULL && curl_url_set (ua, CURLUPART_URL, a, 0) == CURLUE_OK
              && curl_url_set (ub, CURLUPART_URL, b, 0) == CURLUE_OK;
  size_t i;

  for (i = 0; same && i < sizeof parts / sizeof parts[0]; i++)
    {
      char *pa = NULL, *pb = NULL;
      same = curl_url_get (ua, parts[i], &pa, CURLU_DEFAULT_PORT) == CURLUE_OK
             && curl_url_get (ub, parts[i], &pb, CURLU_DEFAULT_PORT) == CURLUE_OK && strcasecmp (pa, pb) == 0;
      curl_free (pa);
      curl_free (pb);
    }
  curl_url_cleanup (ua);
  curl_url_cleanup (ub);
  return same;
}

char *
http_escape (const char *s)
{
  char *e = xalloc_check (curl_easy_escape (NULL, s, 0));
  char *copy = xstrdup (e);

  curl_free (e);
  return copy;
}

char *
http_url_resolve (const char *base, const char *ref)
{
  CURLU *u = curl_url ();
  char *full = NULL, *scheme = NULL, *copy = NULL;

  if (u != NULL && ref != NULL && *ref != '\0' && curl_url_set (u, CURLUPART_URL, base, 0) == CURLUE_OK
      && curl_url_set (u, CURLUPART_URL, ref, 0) == CURLUE_OK
      && curl_url_get (u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK
      && (strcmp (scheme, "http") == 0 || strcmp (scheme, "https") == 0)
      && curl_url_get (u, CURLUPART_URL, &full, 0) == CURLUE_OK)
    copy = strdup (full);
  curl_free (scheme);
  curl_free (full);
  curl_url_cleanup (u);
  return copy;
}

/* Link: <url>; rel="next", <url2>; rel="prev"  */
char *
http_link_next (const char *link, const char *base)
{
  const char *p = link;

  while (p != NULL && *p != '\0')
    {
      const char *lt = strchr (p, '<'), *gt, *end;
      if (lt == NULL || (gt = strchr (lt, '>')) == NULL)
        return NULL;
      end = strchr (gt, ',');
      if (end == NULL)
        end = gt + strlen (gt);
      {
        _cleanup_free_ char *params = strndup (gt + 1, (size_t)(end - gt - 1));
        if (params != NULL && (strstr (params, "rel=\"next\"") || strstr (params, "rel=next")))
          {
            _cleanup_free_ char *target = strndup (lt + 1, (size_t)(gt - lt - 1));
            return target ? http_url_resolve (base, target) : NULL;
          }
      }
      p = *end ? end + 1 : end;
    }
  return NULL;
}
