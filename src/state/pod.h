/* Pods, as podman's: a group of containers that share namespaces (network,
 * IPC, UTS by default) held by the pod's infra container, and that are
 * started, stopped and removed together.
 *
 * storage/pods/<id>/pod.json holds the pod's create-time configuration
 * (podman's pod inspect field names); runroot/pods/<id>/shm is the /dev/shm
 * its containers share with its IPC namespace.  A pod's containers are the
 * containers whose record names it (container_config.pod), its infra
 * container among them (is_infra, and the pod's infra_id).  Pods and
 * containers share one namespace of names: creating, renaming and removing
 * either is done under storage/containers/containers.lock
 * (state/container.h), which the caller holds.  Readers take no lock.  */
#ifndef GALLEY_STATE_POD_H
#define GALLEY_STATE_POD_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "ns/idmap.h"
#include "state/container_state.h"
#include "state/paths.h"
#include "util/error.h"

/* The namespaces a pod's containers may share (podman's --share names).  */
enum pod_share
{
  POD_SHARE_CGROUP = 1 << 0,
  POD_SHARE_IPC = 1 << 1,
  POD_SHARE_NET = 1 << 2,
  POD_SHARE_PID = 1 << 3,
  POD_SHARE_UTS = 1 << 4,
};
#define POD_SHARE_DEFAULT (POD_SHARE_IPC | POD_SHARE_NET | POD_SHARE_UTS)

/* Parse a --share value: "ipc,net", "+pid" (added to the default), "none"
 * or "".  Errors as podman's: 'invalid kernel namespace to share: x.
 * Options are: cgroup, ipc, net, pid, uts or none'.  */
int pod_share_parse (const char *text, unsigned *out, galley_error_t *err);

/* podman's SharedNamespaces: those of "uts", "ipc", "net", "pid",
 * "cgroup" in share.  A strv, NULL when out of memory.  */
char **pod_share_names (unsigned share);

/* The pod's configuration: strings NULL when not given, "map" fields
 * vectors of "KEY=value".  */
struct pod_config
{
  char *id, *name;
  char *created; /* RFC 3339 */
  char **create_command;
  char *exit_policy; /* "continue" (NULL) or "stop" */
  char *hostname;    /* NULL: the pod's name */
  char **labels;     /* map */
  bool no_infra;     /* --infra=false: nothing is shared */
  char *infra_id;
  char **shared; /* SharedNamespaces, as pod_share_names */
  char *userns;  /* --userns of the pod, its containers' */
  char *cgroup_parent;
  json_object *unknown; /* the record's other keys, written back as read */
};

void pod_config_clear (struct pod_config *c);
#define _cleanup_pod_config_ __attribute__ ((cleanup (pod_config_clear)))

int pod_config_from_json (json_object *record, struct pod_config *out, galley_error_t *err);
int pod_config_to_json (const struct pod_config *c, json_object **out, galley_error_t *err);

/* The namespaces the pod's containers share (POD_SHARE_*): none without
 * an infra container.  */
unsigned pod_config_share (const struct pod_config *c);

/* podman's pod names: [a-zA-Z0-9][a-zA-Z0-9_.-]*.  */
bool pod_name_valid (const char *name);

/* storage/pods/<id> and runroot/pods/<id> (malloc'ed).  */
char *pod_dir (const struct galley_paths *p, const char *id);
char *pod_run_dir (const struct galley_paths *p, const char *id);

/* 1 when a pod is named name, 0 when none is, -1 on error.  */
int pod_name_lookup (const struct galley_paths *p, const char *name, galley_error_t *err);

/* Record the new pod config (its id, name and created set by the caller,
 * who holds containers_lock and has checked that no container has the
 * name).  EEXIST when a pod has the name.  */
int pod_create (const struct galley_paths *p, const struct pod_config *config, galley_error_t *err);

/* Rewrite the record of an existing pod (under containers_lock).  */
int pod_write (const struct galley_paths *p, const struct pod_config *config, galley_error_t *err);

/* The pod by name, full id or unique id prefix.  ENOENT: 'no pod with name
 * or ID x found: no such pod'.  */
int pod_find (const struct galley_paths *p, const char *name_or_id, struct pod_config *out,
              galley_error_t *err);

/* Every pod, oldest first; pods removed meanwhile are skipped.  */
int pod_list (const struct galley_paths *p, struct pod_config **out, size_t *n, galley_error_t *err);
void pod_list_free (struct pod_config *list, size_t n);

/* Remove the pod's record and directories (under containers_lock, its
 * containers gone); its /dev/shm may hold files of any id of map.  */
int pod_remove (const struct galley_paths *p, const struct idmap *map, const char *id, galley_error_t *err);

/* The pod's /dev/shm (runroot/pods/<id>/shm), made when missing (mode
 * 1777 in a directory only the user can enter).  */
int pod_shm_dir (const struct galley_paths *p, const char *id, char **out, galley_error_t *err);

/* podman's pod status from its containers' statuses: "Created" (none, or
 * none started), "Running" (all), "Degraded" (some), "Paused" (all),
 * "Exited" (all), "Stopped" (some exited, none running).  */
const char *pod_status (const enum container_status *st, size_t n);

#endif
