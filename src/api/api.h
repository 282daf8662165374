/* The REST service's request and reply, as every endpoint sees them: the
 * route's parameters, the query, the headers and the bounded body in; a
 * status with a JSON (or text) body, or a stream, out.  Endpoints never see
 * libmicrohttpd.  */
#ifndef GALLEY_API_H
#define GALLEY_API_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "state/galley_config.h"
#include "state/paths.h"
#include "util/error.h"

/* The Docker Engine API versions served, as podman 4.3's compat layer.  */
#define API_VERSION_MAX_MINOR 41
#define API_VERSION_MIN_MINOR 24
#define API_VERSION "1.41"
#define API_MIN_VERSION "1.24"

/* A request body is held in memory up to this size (JSON documents);
 * anything larger is refused with 413.  */
#define API_BODY_MAX (1024 * 1024)

#define API_MAX_PARAMS 2

/* What the whole service shares: the paths and galley.conf main resolved.  */
struct api_context
{
  const struct galley_paths *paths;
  const struct galley_config *config;
};

enum api_lookup_kind
{
  API_LOOKUP_QUERY,
  API_LOOKUP_HEADER,
};

struct api_request
{
  const struct api_context *ctx;
  const char *method;
  const char *path;       /* without the /vX.Y prefix */
  unsigned version_minor; /* 1.<minor>: the client's, or the newest served */
  const char *param[API_MAX_PARAMS];
  const char *body;
  size_t body_len;
  /* Query arguments (decoded) and headers, NULL when absent.  */
  const char *(*lookup) (void *conn, enum api_lookup_kind kind, const char *key);
  void *conn;
};

/* A streamed body: called until it returns 0 (end) or -1 (abort); it
 * writes up to max bytes at buf and returns how many in *n (blocking is
 * fine: each connection has its own thread).  */
typedef int (*api_stream_fn) (void *data, char *buf, size_t max, size_t *n);

/* A hijacked connection (attach, exec start): after a 101 reply with
 * Upgrade: tcp, called with the connection's socket (extra: what the
 * client sent after its request, already read); it runs for as long as
 * it likes in the connection's own thread, and the socket is closed when
 * it returns.  */
typedef void (*api_upgrade_fn) (void *data, int fd, const char *extra, size_t extra_len);

#define API_MAX_REPLY_HEADERS 4

struct api_reply
{
  unsigned status;
  const char *content_type; /* static string */
  /* Headers of this reply beyond those of every reply: name, value pairs
   * of static strings.  */
  const char *header[2 * API_MAX_REPLY_HEADERS];
  char *body; /* owned */
  size_t len;
  api_stream_fn stream;   /* instead of body when set */
  api_upgrade_fn upgrade; /* or this, with status 101 */
  void *stream_data;      /* of stream or upgrade */
  void (*stream_free) (void *data);
};

/* An endpoint: fill the reply and return 0, or return -1 with err set; the
 * error's errno chooses the status (api_error_status).  */
typedef int (*api_handler) (const struct api_request *req, struct api_reply *reply, galley_error_t *err);

const char *api_query (const struct api_request *req, const char *key);
const char *api_header (const struct api_request *req, const char *key);
/* A boolean query argument as Docker reads one: 1/true/True/... ; absent:
 * def.  Anything else is an EINVAL error naming the argument.  */
int api_query_bool (const struct api_request *req, const char *key, bool def, bool *out, galley_error_t *err);

/* Fill reply with obj serialized (obj is released).  */
void api_reply_json (struct api_reply *reply, unsigned status, json_object *obj);
void api_reply_text (struct api_reply *reply, unsigned status, const char *text);
/* Docker's error body as podman's compat API writes it: {"cause": ...,
 * "message": ..., "response": status}, the message twice (clients read
 * "message").  */
void api_reply_error (struct api_reply *reply, unsigned status, const char *message);
void api_reply_release (struct api_reply *reply);

/* Classify an error of a lower layer as the client's (EINVAL: 400) or
 * another errno's status; returns -1.  */
int api_error_as (galley_error_t *err, int errno_);

/* The HTTP status for an error: ENOENT 404, EEXIST/EBUSY 409, EINVAL 400,
 * EMSGSIZE 413, ENOTSUP 501, anything else 500.  */
unsigned api_error_status (const galley_error_t *err);

#endif
