/* What endpoints share for reading a request and writing a reply (api.h):
 * query and header lookup, JSON and text bodies, Docker's error body.  */
#include "config.h"
#include "api/api.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/json.h"

const char *
api_query (const struct api_request *req, const char *key)
{
  return req->lookup == NULL ? NULL : req->lookup (req->conn, API_LOOKUP_QUERY, key);
}

const char *
api_header (const struct api_request *req, const char *key)
{
  return req->lookup == NULL ? NULL : req->lookup (req->conn, API_LOOKUP_HEADER, key);
}

int
api_query_bool (const struct api_request *req, const char *key, bool def, bool *out, galley_error_t *err)
{
  static const char *const yes[] = { "1", "t", "T", "true", "TRUE", "True" };
  static const char *const no[] = { "", "0", "f", "F", "false", "FALSE", "False" };
  const char *v = api_query (req, key);
  size_t i;

  *out = def;
  if (v == NULL)
    return 0;
  for (i = 0; i < sizeof yes / sizeof *yes; i++)
    if (strcmp (v, yes[i]) == 0)
      return *out = true, 0;
  for (i = 0; i < sizeof no / sizeof *no; i++)
    if (strcmp (v, no[i]) == 0)
      return *out = false, 0;
  return galley_error_kind (err, EINVAL, "invalid value \"%.64s\" of query argument %s: not a boolean", v,
                            key);
}

static void
reply_body (struct api_reply *reply, unsigned status, const char *type, const char *text, size_t len)
{
  api_reply_release (reply);
  reply->status = status;
  reply->content_type = type;
  reply->body = malloc (len + 1);
  if (reply->body == NULL)
    {
      reply->status = 500;
      reply->len = 0;
      return;
    }
  memcpy (reply->body, text, len);
  reply->body[len] = '\0';
  reply->len = len;
}

void
api_reply_json (struct api_reply *reply, unsigned status, json_object *obj)
{
  size_t len = 0;
  const char *text =
      json_object_to_json_string_length (obj, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);

  reply_body (reply, status, "application/json", text, len);
  json_object_put (obj);
}

void
api_reply_text (struct api_reply *reply, unsigned status, const char *text)
{
  reply_body (reply, status, "text/plain; charset=utf-8", text, strlen (text));
}

void
api_reply_error (struct api_reply *reply, unsigned status, const char *message)
{
  json_object *o = json_object_new_object ();

  json_object_object_add (o, "cause", json_object_new_string (message));
  json_object_object_add (o, "message", json_object_new_string (message));
  json_object_object_add (o, "response", json_object_new_int (status));
  api_reply_json (reply, status, o);
}

void
api_reply_release (struct api_reply *reply)
{
  free (reply->body);
  reply->body = NULL;
  reply->len = 0;
  if (reply->stream_free != NULL && reply->stream_data != NULL)
    reply->stream_free (reply->stream_data);
  reply->stream = NULL;
  reply->upgrade = NULL;
  reply->stream_data = NULL;
  reply->stream_free = NULL;
}

int
api_error_as (galley_error_t *err, int errno_)
{
  if (err != NULL && *err != NULL)
    (*err)->errno_ = errno_;
  return -1;
}

unsigned
api_error_status (const galley_error_t *err)
{
  switch (galley_error_errno (err))
    {
    case ENOENT:
      return 404;
    case EEXIST:
    case EBUSY:
      return 409;
    case EINVAL:
      return 400;
    case EMSGSIZE:
      return 413;
    case ENOTSUP:
      return 501;
    default:
      return 500;
    }
}
