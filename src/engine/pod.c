/* Pods (see pod.h).  */
#include "config.h"
#include "engine/pod.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/container.h"
#include "ns/userns.h"
#include "runtime/launch.h"
#include "runtime/lifecycle.h"
#include "state/container.h"
#include "util/cleanup.h"
#include "util/digest.h"
#include "util/json.h"
#include "util/strv.h"
#include "util/time.h"

#define NEW_POD_PREFIX "new:"

int
engine_pod_find (const struct engine *e, const char *name_or_id, struct pod_config *out, galley_error_t *err)
{
  return pod_find (e->paths, name_or_id, out, err);
}

/* The pod's record, checked against the containers' names: pods and
 * containers share one namespace of names.  */
static int
record_pod (const struct engine *e, struct pod_config *config, galley_error_t *err)
{
  _cleanup_close_ int lock = -1;
  int found;

  if (paths_ensure_root (e->paths, err) < 0 || (lock = containers_lock (e->paths, err)) < 0)
    return -1;
  if (config->name == NULL && container_generate_name (e->paths, &config->name, err) < 0)
    return -1;
  found = container_name_lookup (e->paths, config->name, err);
  if (found < 0)
    return -1;
  if (found > 0)
    return galley_error_kind (
        err, EEXIST, "adding pod to state: name \"%s\" is in use: container already exists", config->name);
  return pod_create (e->paths, config, err);
}

static void
remove_record (const struct engine *e, const char *id)
{
  _cleanup_close_ int lock = -1;
  galley_error_t ignored = NULL;
  struct idmap map;

  if (idmap_for_current_user (&map, &ignored) == 0 && (lock = containers_lock (e->paths, &ignored)) >= 0)
    pod_remove (e->paths, &map, id, &ignored);
  galley_error_release (&ignored);
}

/* Its infra container: no image, no command; the pod's hostname, ports,
 * network and user namespace.  */
static int
create_infra (const struct engine *e, struct pod_config *pod, const struct engine_pod_create_options *o,
              galley_error_t *err)
{
  _cleanup_container_config_ struct container_config infra = { 0 };

  infra.is_infra = true;
  infra.detach = true;
  infra.quiet = true;
  if (asprintf (&infra.name, "%.12s-infra", pod->id) < 0 || (infra.pod = strdup (pod->id)) == NULL
      || (infra.hostname = strdup (pod->hostname ? pod->hostname : pod->name)) == NULL
      || (o->network && (infra.network = strdup (o->network)) == NULL)
      || (pod->userns && (infra.userns = strdup (pod->userns)) == NULL)
      || (o->publish && (infra.publish = strv_copy (o->publish)) == NULL))
    return galley_error_make (err, ENOMEM, "allocating");
  if (engine_container_create (e, &infra, err) < 0)
    return -1;
  pod->infra_id = steal_pointer (&infra.id);
  return 0;
}

int
engine_pod_create (const struct engine *e, struct pod_config *config,
                   const struct engine_pod_create_options *o, galley_error_t *err)
{
  char id[HEX_ID_BUFSIZE], created[64];

  if (config->name != NULL && ! pod_name_valid (config->name))
    return galley_error_make (err, 0,
                              "running pod create option: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: "
                              "invalid argument");
  if (config->no_infra && (o->publish != NULL || o->network != NULL))
    return galley_error_make (err, 0,
                              "you must have an infra container to publish port bindings or set a network");
  if (container_new_id (id, err) < 0)
    return -1;
  time_format_rfc3339 (time_now_ns (), created, sizeof created);
  if (container_config_set_string (&config->id, id, err) < 0
      || container_config_set_string (&config->created, created, err) < 0
      || (config->shared == NULL && (config->shared = pod_share_names (POD_SHARE_DEFAULT)) == NULL))
    return galley_error_make (err, ENOMEM, "allocating");
  if (record_pod (e, config, err) < 0)
    return -1;
  if (config->no_infra)
    return 0;
  if (create_infra (e, config, o, err) < 0 || pod_write (e->paths, config, err) < 0)
    {
      struct container_entry infra = { 0 };
      galley_error_t ignored = NULL;
      if (config->infra_id != NULL && container_find (e->paths, config->infra_id, &infra, &ignored) == 0)
        container_rm (e->paths, &infra, true, &ignored);
      container_entry_clear (&infra);
      galley_error_release (&ignored);
      remove_record (e, config->id);
      return -1;
    }
  return 0;
}

int
engine_pod_containers (const struct engine *e, const char *id, struct container_entry **out, size_t *n,
                       galley_error_t *err)
{
  struct container_entry *all = NULL;
  size_t count = 0, i, k = 0;

  if (container_list (e->paths, &all, &count, err) < 0)
    return -1;
  for (i = 0; i < count; i++)
    {
      if (all[i].config.pod != NULL && strcmp (all[i].config.pod, id) == 0)
        {
          if (k != i)
            {
              all[k] = all[i];
              memset (&all[i], 0, sizeof all[i]);
            }
          k++;
        }
      else
        container_entry_clear (&all[i]);
    }
  *out = all;
  *n = k;
  return 0;
}

const char *
engine_pod_status (const struct container_entry *list, size_t n)
{
  enum container_status st[n > 0 ? n : 1];
  size_t i;

  for (i = 0; i < n; i++)
    st[i] = list[i].state.status;
  return pod_status (st, n);
}

int
engine_pod_start (const struct engine *e, const struct pod_config *pod, galley_error_t *err)
{
  struct container_entry *list = NULL;
  size_t n = 0, i;
  int ret = 0;

  if (pod->infra_id != NULL && run_start_existing (e->paths, pod->infra_id, err) < 0)
    return galley_error_wrap (err, "starting the infra container of pod %s", pod->name);
  if (engine_pod_containers (e, pod->id, &list, &n, err) < 0)
    return -1;
  for (i = 0; i < n && ret == 0; i++)
    if (! list[i].config.is_infra)
      ret = run_start_existing (e->paths, list[i].id, err);
  container_list_free (list, n);
  return ret;
}

/* Apply fn to each container of the pod, its infra container last; the
 * first failure is returned, the others go on.  */
static int
each_container (const struct engine *e, const struct pod_config *pod,
                int (*fn) (const struct engine *, struct container_entry *, int, galley_error_t *), int arg,
                galley_error_t *err)
{
  struct container_entry *list = NULL;
  size_t n = 0, i, pass;
  int ret = 0;

  if (engine_pod_containers (e, pod->id, &list, &n, err) < 0)
    return -1;
  for (pass = 0; pass < 2; pass++)
    for (i = 0; i < n; i++)
      {
        galley_error_t local = NULL;
        if (list[i].config.is_infra != (pass == 1))
          continue;
        if (fn (e, &list[i], arg, &local) == 0)
          continue;
        if (ret == 0)
          {
            *err = local;
            ret = -1;
          }
        else
          galley_error_release (&local);
      }
  container_list_free (list, n);
  return ret;
}

static int
stop_one (const struct engine *e, struct container_entry *c, int timeout, galley_error_t *err)
{
  return container_stop (e->paths, c, timeout, err);
}

static int
kill_one (const struct engine *e, struct container_entry *c, int sig, galley_error_t *err)
{
  if (! container_status_is_live (c->state.status))
    return 0;
  return container_signal (e->paths, c, sig, true, err);
}

static int
rm_one (const struct engine *e, struct container_entry *c, int force, galley_error_t *err)
{
  if (container_rm (e->paths, c, force, err) == 0 || galley_error_errno (err) == ENOENT)
    {
      galley_error_release (err);
      return 0;
    }
  return -1;
}

static int
pause_one (const struct engine *e, struct container_entry *c, int pause, galley_error_t *err)
{
  if (c->state.status != (pause ? CONTAINER_STATUS_RUNNING : CONTAINER_STATUS_PAUSED))
    return 0;
  return container_pause (e->paths, c, pause, err);
}

int
engine_pod_pause (const struct engine *e, const struct pod_config *pod, bool pause, galley_error_t *err)
{
  return each_container (e, pod, pause_one, pause, err);
}

int
engine_pod_is_stopped (const struct engine *e, const struct pod_config *pod, bool *out, galley_error_t *err)
{
  struct container_entry *list = NULL;
  size_t n = 0, i;

  if (engine_pod_containers (e, pod->id, &list, &n, err) < 0)
    return -1;
  *out = true;
  for (i = 0; i < n; i++)
    *out = *out && ! container_status_is_live (list[i].state.status);
  container_list_free (list, n);
  return 0;
}

int
engine_pod_stop (const struct engine *e, const struct pod_config *pod, int timeout, galley_error_t *err)
{
  return each_container (e, pod, stop_one, timeout, err);
}

int
engine_pod_kill (const struct engine *e, const struct pod_config *pod, int sig, galley_error_t *err)
{
  return each_container (e, pod, kill_one, sig, err);
}

int
engine_pod_rm (const struct engine *e, const struct pod_config *pod, bool force, int timeout,
               galley_error_t *err)
{
  struct container_entry *list = NULL;
  size_t n = 0, i;
  bool live = false;

  if (engine_pod_containers (e, pod->id, &list, &n, err) < 0)
    return -1;
  for (i = 0; i < n; i++)
    live |= ! list[i].config.is_infra && container_status_is_live (list[i].state.status);
  container_list_free (list, n);
  if (live && ! force)
    return galley_error_make (err, 0,
                              "not all containers could be removed from pod %s: removing pod containers: "
                              "a container of the pod is running: cannot remove a running pod without "
                              "force",
                              pod->id);
  if ((force && engine_pod_stop (e, pod, timeout, err) < 0)
      || each_container (e, pod, rm_one, force, err) < 0)
    return -1;
  remove_record (e, pod->id);
  return 0;
}

static json_object *
containers_json (const struct container_entry *list, size_t n)
{
  json_object *a = json_object_new_array ();
  size_t i;

  for (i = 0; a && i < n; i++)
    {
      json_object *c = json_object_new_object ();
      if (c == NULL)
        break;
      json_object_object_add (c, "Id", json_object_new_string (list[i].id));
      json_object_object_add (c, "Name",
                              json_object_new_string (list[i].config.name ? list[i].config.name : ""));
      json_object_object_add (c, "State",
                              json_object_new_string (container_status_name (list[i].state.status)));
      json_object_array_add (a, c);
    }
  return a;
}

int
engine_pod_inspect (const struct engine *e, const struct pod_config *pod, json_object **out,
                    galley_error_t *err)
{
  struct container_entry *list = NULL;
  size_t n = 0;
  _cleanup_json_ json_object *o = json_object_new_object ();

  if (o == NULL)
    return galley_error_make (err, ENOMEM, "allocating");
  if (engine_pod_containers (e, pod->id, &list, &n, err) < 0)
    return -1;
  json_object_object_add (o, "Id", json_object_new_string (pod->id));
  json_object_object_add (o, "Name", json_object_new_string (pod->name));
  json_object_object_add (o, "Created", json_object_new_string (pod->created ? pod->created : ""));
  json_object_object_add (o, "CreateCommand",
                          json_strings_array (pod->create_command, strv_len (pod->create_command)));
  json_object_object_add (o, "ExitPolicy",
                          json_object_new_string (pod->exit_policy ? pod->exit_policy : "continue"));
  json_object_object_add (o, "State", json_object_new_string (engine_pod_status (list, n)));
  json_object_object_add (o, "Hostname", json_object_new_string (pod->hostname ? pod->hostname : pod->name));
  json_object_object_add (o, "Labels", json_kv_object (pod->labels));
  json_object_object_add (o, "CreateCgroup", json_object_new_boolean (false));
  json_object_object_add (o, "CreateInfra", json_object_new_boolean (! pod->no_infra));
  if (pod->infra_id)
    json_object_object_add (o, "InfraContainerID", json_object_new_string (pod->infra_id));
  json_object_object_add (o, "SharedNamespaces", json_strings_array (pod->shared, strv_len (pod->shared)));
  json_object_object_add (o, "NumContainers", json_object_new_int ((int)n));
  json_object_object_add (o, "Containers", containers_json (list, n));
  container_list_free (list, n);
  *out = steal_pointer (&o);
  return 0;
}

/* What a container of a pod that shares its network may not set.  */
static int
check_shared_net (const struct container_config *config, galley_error_t *err)
{
  if (config->publish != NULL || config->publish_all)
    return galley_error_make (err, 0,
                              "invalid config provided: published or exposed ports must be defined when the "
                              "pod is created: network cannot be configured when it is shared with a pod");
  if (config->network != NULL)
    return galley_error_make (err, 0,
                              "invalid config provided: networks must be defined when the pod is created: "
                              "network cannot be configured when it is shared with a pod");
  return 0;
}

static int
new_pod (const struct engine *e, struct container_config *config, const char *name, struct pod_config *pod,
         galley_error_t *err)
{
  struct engine_pod_create_options o = { .publish = config->publish };

  if ((pod->name = strdup (name)) == NULL)
    return galley_error_make (err, ENOMEM, "allocating");
  if (engine_pod_create (e, pod, &o, err) < 0)
    return -1;
  /* the container's ports are its new pod's */
  cleanup_strvp (&config->publish);
  return 0;
}

int
engine_pod_join (const struct engine *e, struct container_config *config, char **created_pod,
                 galley_error_t *err)
{
  _cleanup_pod_config_ struct pod_config pod = { 0 };
  _cleanup_free_ char *network = NULL;
  const char *name = config->pod;

  *created_pod = NULL;
  if (strncmp (name, NEW_POD_PREFIX, strlen (NEW_POD_PREFIX)) == 0)
    {
      if (new_pod (e, config, name + strlen (NEW_POD_PREFIX), &pod, err) < 0)
        return -1;
      if ((*created_pod = strdup (pod.id)) == NULL)
        return galley_error_make (err, ENOMEM, "allocating");
    }
  else if (engine_pod_find (e, name, &pod, err) < 0)
    return -1;
  if (container_config_set_string (&config->pod, pod.id, err) < 0)
    return -1;
  if (pod.userns != NULL && config->userns == NULL
      && container_config_set_string (&config->userns, pod.userns, err) < 0)
    return -1;
  if (pod.infra_id == NULL || ! (pod_config_share (&pod) & POD_SHARE_NET))
    return 0;
  if (check_shared_net (config, err) < 0)
    return -1;
  if (asprintf (&network, "container:%s", pod.infra_id) < 0)
    return galley_error_make (err, ENOMEM, "allocating");
  return container_config_set_string (&config->network, network, err);
}
