/* The service's container endpoints that act and answer at once: list,
 * create, inspect, start, stop, kill, restart, pause, unpause, rename and
 * remove, each through the engine's operation (engine/container.h) that
 * the matching command calls, in the Docker Engine API's shapes.  */
#include "config.h"
#include "api/endpoints.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/containers.h"
#include "api/create_body.h"
#include "api/filters.h"
#include "engine/container.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/signal_names.h"
#include "util/strv.h"
#include "util/xmalloc.h"

void
api_engine (const struct api_request *req, struct engine *e)
{
  *e = (struct engine){ .paths = req->ctx->paths, .config = req->ctx->config };
}

int
api_container_find (const struct api_request *req, struct container_entry *c, galley_error_t *err)
{
  struct engine e;

  api_engine (req, &e);
  if (engine_container_find (&e, req->param[0], c, err) < 0)
    {
      if (galley_error_errno (err) != ENOENT)
        return -1;
      galley_error_release (err);
      return galley_error_kind (err, ENOENT, "No such container: %s", req->param[0]);
    }
  return 0;
}

/* Docker's state names: galley's "stopping" is still running.  */
const char *
api_container_state (enum container_status s)
{
  return s == CONTAINER_STATUS_STOPPING ? "running" : container_status_name (s);
}

static json_object *
sha256_id (const char *hex)
{
  char id[80];

  snprintf (id, sizeof id, "sha256:%s", hex != NULL ? hex : "");
  return json_object_new_string (id);
}

static json_object *
slash_name (const char *name)
{
  char buf[512];

  snprintf (buf, sizeof buf, "/%s", name);
  return json_object_new_string (buf);
}

/* podman's PortMappings as Docker's Ports: one entry a host port.  */
static json_object *
ports_of (json_object *mappings)
{
  json_object *ports = json_object_new_array ();
  size_t i, n = mappings != NULL ? json_object_array_length (mappings) : 0;

  for (i = 0; i < n; i++)
    {
      json_object *m = json_object_array_get_idx (mappings, i), *v;
      int container = 0, host = 0, range = 1, k;
      const char *ip = json_get_string (m, "host_ip"), *proto = json_get_string (m, "protocol");

      if (json_object_object_get_ex (m, "container_port", &v))
        container = json_object_get_int (v);
      if (json_object_object_get_ex (m, "host_port", &v))
        host = json_object_get_int (v);
      if (json_object_object_get_ex (m, "range", &v) && json_object_get_int (v) > 1)
        range = json_object_get_int (v);
      for (k = 0; k < range; k++)
        {
          json_object *p = json_object_new_object ();
          json_object_object_add (p, "IP", json_object_new_string (ip != NULL && *ip ? ip : "0.0.0.0"));
          json_object_object_add (p, "PrivatePort", json_object_new_int (container + k));
          json_object_object_add (p, "PublicPort", json_object_new_int (host + k));
          json_object_object_add (p, "Type", json_object_new_string (proto != NULL ? proto : "tcp"));
          json_object_array_add (ports, p);
        }
    }
  return ports;
}

static json_object *
labels_object (char *const *labels)
{
  json_object *o = json_object_new_object ();
  size_t i;

  for (i = 0; labels != NULL && labels[i] != NULL; i++)
    {
      const char *eq = strchr (labels[i], '=');
      _cleanup_free_ char *key = eq != NULL ? xstrndup (labels[i], (size_t)(eq - labels[i])) : NULL;
      if (key != NULL)
        json_object_object_add (o, key, json_object_new_string (eq + 1));
    }
  return o;
}

/* One filter "key=value" of docker ps against container c.  */
static int
filter_match (const char *filter, const struct container_brief *b, const struct container_entry *c,
              bool *match, galley_error_t *err)
{
  const char *eq = strchr (filter, '='), *value = eq + 1;
  size_t klen = (size_t)(eq - filter);

  if (klen == 2 && strncmp (filter, "id", 2) == 0)
    *match = strncmp (b->id, value, strlen (value)) == 0;
  else if (klen == 4 && strncmp (filter, "name", 4) == 0)
    *match = strstr (b->name, value) != NULL;
  else if (klen == 6 && strncmp (filter, "status", 6) == 0)
    *match = strcmp (api_container_state (b->state->status), value) == 0;
  else if (klen == 5 && strncmp (filter, "label", 5) == 0)
    {
      const char *veq = strchr (value, '=');
      if (veq == NULL)
        {
          size_t i, n = strlen (value);
          *match = false;
          for (i = 0; c->config.labels != NULL && c->config.labels[i] != NULL; i++)
            if (strncmp (c->config.labels[i], value, n) == 0 && c->config.labels[i][n] == '=')
              *match = true;
        }
      else
        {
          _cleanup_free_ char *key = xstrndup (value, (size_t)(veq - value));
          const char *have = strv_kv_get (c->config.labels, key);
          *match = have != NULL && strcmp (have, veq + 1) == 0;
        }
    }
  else
    return galley_error_kind (err, EINVAL, "invalid filter \"%.*s\"", (int)klen, filter);
  return 0;
}

/* Filters of one key are alternatives, of different keys all must hold.  */
static int
filters_match (char *const *filters, const struct container_brief *b, const struct container_entry *c,
               bool *match, galley_error_t *err)
{
  size_t i, j;

  *match = true;
  for (i = 0; filters[i] != NULL; i++)
    {
      size_t klen = (size_t)(strchr (filters[i], '=') - filters[i]);
      bool any = false, seen_before = false;
      for (j = 0; j < i; j++)
        if (strncmp (filters[j], filters[i], klen + 1) == 0)
          seen_before = true;
      if (seen_before)
        continue;
      for (j = i; filters[j] != NULL; j++)
        {
          bool m = false;
          if (strncmp (filters[j], filters[i], klen + 1) != 0)
            continue;
          if (filter_match (filters[j], b, c, &m, err) < 0)
            return -1;
          any = any || m;
        }
      if (! any)
        {
          *match = false;
          return 0;
        }
    }
  return 0;
}

static json_object *
summary (const struct container_brief *b, const struct container_entry *c)
{
  json_object *o = json_object_new_object (), *names = json_object_new_array ();
  json_object *hc = json_object_new_object (), *ns = json_object_new_object ();
  char status[128];

  container_status_human (b->state, status, sizeof status);
  json_object_array_add (names, slash_name (b->name));
  json_object_object_add (o, "Id", json_object_new_string (b->id));
  json_object_object_add (o, "Names", names);
  json_object_object_add (o, "Image", json_object_new_string (b->image != NULL ? b->image : ""));
  json_object_object_add (o, "ImageID", sha256_id (b->image_id));
  json_object_object_add (o, "Command",
                          json_object_new_string (b->command_line != NULL ? b->command_line : ""));
  json_object_object_add (o, "Created", json_object_new_int64 (b->created / 1000000000));
  json_object_object_add (o, "Ports", ports_of (c->config.port_mappings));
  json_object_object_add (o, "Labels", labels_object (c->config.labels));
  json_object_object_add (o, "State", json_object_new_string (api_container_state (b->state->status)));
  json_object_object_add (o, "Status", json_object_new_string (status));
  json_object_object_add (hc, "NetworkMode",
                          json_object_new_string (c->config.network != NULL ? c->config.network : "default"));
  json_object_object_add (o, "HostConfig", hc);
  json_object_object_add (ns, "Networks", json_object_new_object ());
  json_object_object_add (o, "NetworkSettings", ns);
  json_object_object_add (o, "Mounts", json_object_new_array ());
  return o;
}

int
api_containers_list (const struct api_request *req, struct api_reply *reply, galley_error_t *err)
{
  struct container_listing *l = NULL;
  _cleanup_strv_ char **filters = NULL;
  json_object *list = NULL;
  struct engine e;
  const char *limit_arg = api_query (req, "limit");
  long limit = -1;
  bool all = false;
  size_t i, n;
  int ret = -1;

  api_engine (req, &e);
  if (api_query_bool (req, "all", false, &all, err) < 0
      || api_filters_parse (api_query (req, "filters"), &filters, err) < 0)
    return -1;
  if (limit_arg != NULL && *limit_arg != '\0')
    {
      char *end;
      limit = strtol (limit_arg, &end, 10);
      if (*end != '\0')
        return galley_error_kind (err, EINVAL, "invalid value \"%.64s\" of query argument limit", limit_arg);
      if (limit > 0)
        all = true; /* docker ps -n: the last n of every state */
    }
  if (engine_container_list (&e, &l, err) < 0)
    return -1;
  list = json_object_new_array ();
  n = container_listing_count (l);
  /* newest first, as docker ps */
  for (i = n; i-- > 0;)
    {
      _cleanup_container_entry_ struct container_entry c = { 0 };
      struct container_brief b;
      bool match;

      if (limit > 0 && json_object_array_length (list) >= (size_t)limit)
        break;
      container_listing_brief (l, i, &b);
      if (! all && ! container_status_is_live (b.state->status))
        continue;
      if (container_listing_entry (l, i, &c, err) < 0)
        goto out;
      if (filters_match (filters, &b, &c, &match, err) < 0)
        goto out;
      if (match)
        json_object_array_add (list, summary (&b, &c));
    }
  api_reply_json (reply, 200, steal_pointer (&list));
  ret = 0;
out:
  json_object_put (list);
  container_listing_close (l);
  return ret;
}

int
api_containers_create (const struct api_request *req, struct api_reply *reply, galley_error_t *err)
{
  _cleanup_json_ json_object *doc = NULL;
  _cleanup_container_config_ struct container_config config = { 0 };
  json_object *o;
  struct engine e;

  api_engine (req, &e);
  if (api_create_body_parse (req->body, req->body_len, &doc, err) < 0
      || api_create_body_config (doc, api_query (req, "name"), &config, err) < 0)
    return -1;
  if (engine_container_create (&e, &config, err) < 0)
    {
      /* Docker's 404 for an image that is not there (and pull=missing
       * found nowhere either) lets docker run pull it and retry.  */
      if (galley_error_errno (err) == ENOENT && strstr ((*err)->msg, "image") != NULL)
        {
          _cleanup_free_ char *msg = strdup ((*err)->msg);
          galley_error_release (err);
          return galley_error_kind (err, ENOENT, "No such image: %s (%s)", config.image,
                                    msg != NULL ? msg : "");
        }
      if (galley_error_errno (err) == 0 && strstr ((*err)->msg, "already in use") != NULL)
        return api_error_as (err, EEXIST);
      return -1;
    }
  o = json_object_new_object ();
  json_object_object_add (o, "Id", json_object_new_string (config.id));
  json_object_object_add (o, "Warnings", json_object_new_array ());
  api_reply_json (reply, 201, o);
  return 0;
}

/* podman's inspect record in Docker's shape: names with their slash,
 * image ids with their algorithm, Docker's state names, a StopSignal
 * that is a name.  */
static void
docker_inspect (json_object *r, const struct container_entry *c)
{
  json_object *state = NULL, *config = NULL;
  char sig[32];

  json_object_object_add (r, "Name", slash_name (container_entry_name (c)));
  json_object_object_add (r, "Image", sha256_id (c->config.image_id));
  if (json_object_object_get_ex (r, "State", &state))
    json_object_object_add (state, "Status", json_object_new_string (api_container_state (c->state.status)));
  if (json_object_object_get_ex (r, "Config", &config))
    {
      snprintf (sig, sizeof sig, "%s", c->config.stop_signal != NULL ? c->config.stop_signal : "SIGTERM");
      json_object_object_add (config, "StopSignal", json_object_new_string (sig));
    }
}

int
api_containers_inspect (const struct api_request *req, struct api_reply *reply, galley_error_t *err)
{
  _cleanup_container_entry_ struct container_entry c = { 0 };
  json_object *r = NULL;
  struct engine e;

  api_engine (req, &e);
  if (api_container_find (req, &c, err) < 0 || engine_container_inspect (&e, &c, &r, err) < 0)
    return -1;
  docker_inspect (r, &c);
  api_reply_json (reply, 200, r);
  return 0;
}

static void
reply_empty (struct api_reply *reply, unsigned status)
{
  api_reply_release (reply);
  reply->status = status;
}

int
api_containers_start (const struct api_request *req, struct api_reply *reply, galley_error_t *err)
{
  _cleanup_container_entry_ struct container_entry c = { 0 };
  const struct engine_start_options o = { 0 };
  struct engine e;

  api_engine (req, &e);
  if (api_container_find (req, &c, err) < 0)
    return -1;
  if (container_status_is_live (c.state.status))
    return reply_empty (reply, 304), 0;
  if (engine_container_start (&e, c.id, &o, err) < 0)
    return -1;
  reply_empty (reply, 204);
  return 0;
}

/* The t= of stop and restart: seconds, 10 when absent.  */
static int
timeout_arg (const struct api_request *req, int *out, galley_error_t *err)
{
  const char *t = api_query (req, "t");
  char *end;
  long v;

  *out = 10;
  if (t == NULL || *t == '\0')
    return 0;
  v = strtol (t, &end, 10);
  if (*end != '\0' || v < -1 || v > 1 << 30)
    return galley_error_kind (err, EINVAL, "invalid value \"%.64s\" of query argument t", t);
  *out = v < 0 ? 1 << 30 : (int)v;
  return 0;
}

int
api_containers_stop (const struct api_request *req, struct api_reply *reply, galley_error_t *err)
{
  _cleanup_container_entry_ struct container_entry c = { 0 };
  struct engine e;
  int timeout;

  api_engine (req, &e);
  if (timeout_arg (req, &timeout, err) < 0 || api_container_find (req, &c, err) < 0)
    return -1;
  if (! container_status_is_live (c.state.status))
    return reply_empty (reply, 304), 0;
  if (engine_container_stop (&e, &c, timeout, err) < 0)
    return -1;
  reply_empty (reply, 204);
  return 0;
}

int
api_containers_restart (const struct api_request *req, struct api_reply *reply, galley_error_t *err)
{
  _cleanup_container_entry_ struct container_entry c = { 0 };
  struct engine e;
  int timeout;

  api_engine (req, &e);
  if (timeout_arg (req, &timeout, err) < 0 || api_container_find (req, &c, err) < 0
      || engine_container_restart (&e, &c, timeout, err) < 0)
    return -1;
  reply_empty (reply, 204);
  return 0;
}

int
api_containers_kill (const struct api_request *req, struct api_reply *reply, galley_error_t *err)
{
  _cleanup_container_entry_ struct container_entry c = { 0 };
  const char *name = api_query (req, "signal");
  struct engine e;
  int sig = SIGKILL;

  api_engine (req, &e);
  if (name != NULL && *name != '\0' && (sig = signal_parse (name)) <= 0)
    return galley_error_kind (err, EINVAL, "invalid signal: %.64s", name);
  if (api_container_find (req, &c, err) < 0)
    return -1;
  if (! container_status_is_live (c.state.status))
    return galley_error_kind (err, EBUSY, "Cannot kill container: %s: Container %s is not running",
                              req->param[0], c.id);
  if (engine_container_kill (&e, &c, sig, err) < 0)
    return -1;
  reply_empty (reply, 204);
  return 0;
}

static int
pause_or_unpause (const struct api_request *req, struct api_reply *reply, bool pause, galley_error_t *err)
{
  _cleanup_container_entry_ struct container_entry c = { 0 };
  struct engine e;

  api_engine (req, &e);
  if (api_container_find (req, &c, err) < 0)
    return -1;
  if (pause ? c.state.status != CONTAINER_STATUS_RUNNING : c.state.status != CONTAINER_STATUS_PAUSED)
    return galley_error_kind (err, EBUSY, "Container %s is %s", c.id, pause ? "not running" : "not paused");
  if (engine_container_pause (&e, &c, pause, err) < 0)
    return -1;
  reply_empty (reply, 204);
  return 0;
}

int
api_containers_pause (const struct api_request *req, struct api_reply *reply, galley_error_t *err)
{
  return pause_or_unpause (req, reply, true, err);
}

int
api_containers_unpause (const struct api_request *req, struct api_reply *reply, galley_error_t *err)
{
  return pause_or_unpause (req, reply, false, err);
}

int
api_containers_rename (const struct api_request *req, struct api_reply *reply, galley_error_t *err)
{
  _cleanup_container_entry_ struct container_entry c = { 0 };
  const char *name = api_query (req, "name");
  struct engine e;

  api_engine (req, &e);
  if (name == NULL || *name == '\0')
    return galley_error_kind (err, EINVAL, "rename needs a new name (query argument name)");
  if (api_container_find (req, &c, err) < 0)
    return -1;
  if (engine_container_rename (&e, &c, name, err) < 0)
    return strstr ((*err)->msg, "already in use") != NULL ? api_error_as (err, EEXIST) : -1;
  reply_empty (reply, 204);
  return 0;
}

int
api_containers_delete (const struct api_request *req, struct api_reply *reply, galley_error_t *err)
{
  _cleanup_container_entry_ struct container_entry c = { 0 };
  _cleanup_error_ galley_error_t volumes_err = NULL;
  struct engine_rm_options o = { 0 };
  struct engine e;

  api_engine (req, &e);
  if (api_query_bool (req, "force", false, &o.force, err) < 0
      || api_query_bool (req, "v", false, &o.volumes, err) < 0 || api_container_find (req, &c, err) < 0)
    return -1;
  if (container_status_is_live (c.state.status) && ! o.force)
    return galley_error_kind (err, EBUSY,
                              "You cannot remove a running container %s. Stop the container before "
                              "attempting removal or force remove",
                              c.id);
  o.ignore_missing = true;
  if (engine_container_rm (&e, &c, &o, &volumes_err, err) < 0)
    return -1;
  if (volumes_err != NULL)
    {
      *err = steal_pointer (&volumes_err);
      return -1;
    }
  reply_empty (reply, 204);
  return 0;
}
