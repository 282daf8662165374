/* The engine's operations on pods (see engine.h and state/pod.h).  A pod
 * is its record and its containers: its infra container (unless created
 * without one), which holds the namespaces the pod shares and its
 * published ports, and the containers created with --pod, which join
 * them.  Starting a pod starts its infra container first; stopping it
 * stops it last.  */
#ifndef GALLEY_ENGINE_POD_H
#define GALLEY_ENGINE_POD_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "engine/engine.h"
#include "state/container_config.h"
#include "state/container_list.h"
#include "state/pod.h"
#include "util/error.h"

/* What pod create is given beyond the pod's record: its infra
 * container's network and published ports (--network, -p).  */
struct engine_pod_create_options
{
  char *network;
  char **publish;
};

/* Create the pod of config (its name, hostname, labels, shared
 * namespaces, userns, infra as asked; its id, created, infra id and a
 * generated name filled) and its infra container, created, not started.
 * Nothing is left behind when it fails.  */
int engine_pod_create (const struct engine *e, struct pod_config *config,
                       const struct engine_pod_create_options *o, galley_error_t *err);

/* The pod by name, full id or unique id prefix (the caller clears *out).  */
int engine_pod_find (const struct engine *e, const char *name_or_id, struct pod_config *out,
                     galley_error_t *err);

/* The containers of the pod id, oldest first (container_list_free).  */
int engine_pod_containers (const struct engine *e, const char *id, struct container_entry **out, size_t *n,
                           galley_error_t *err);

/* podman's status of a pod of those containers (state/pod.h).  */
const char *engine_pod_status (const struct container_entry *list, size_t n);

/* Start every container of the pod, its infra container first.  */
int engine_pod_start (const struct engine *e, const struct pod_config *pod, galley_error_t *err);

/* Stop every container of the pod (SIGKILL after timeout seconds), its
 * infra container last.  */
int engine_pod_stop (const struct engine *e, const struct pod_config *pod, int timeout, galley_error_t *err);

/* Send sig to every running container of the pod.  */
int engine_pod_kill (const struct engine *e, const struct pod_config *pod, int sig, galley_error_t *err);

/* Pause (every process stopped) or unpause every container of the pod
 * that runs (or is paused).  */
int engine_pod_pause (const struct engine *e, const struct pod_config *pod, bool pause, galley_error_t *err);

/* Whether no container of the pod runs or is paused (pod prune's).  */
int engine_pod_is_stopped (const struct engine *e, const struct pod_config *pod, bool *out,
                           galley_error_t *err);

/* Remove the pod and its containers: running ones only with force
 * (stopped first, SIGKILL after timeout seconds).  */
int engine_pod_rm (const struct engine *e, const struct pod_config *pod, bool force, int timeout,
                   galley_error_t *err);

/* podman's pod inspect record.  */
int engine_pod_inspect (const struct engine *e, const struct pod_config *pod, json_object **out,
                        galley_error_t *err);

/* A container created with --pod: its pod found (or, for "new:NAME",
 * created, taking the container's published ports), config->pod set to
 * its id and what the pod shares given to the container (its network,
 * its user namespace).  *created_pod: the id of a pod made here, which the
 * caller removes when the container cannot be created.  */
int engine_pod_join (const struct engine *e, struct container_config *config, char **created_pod,
                     galley_error_t *err);

#endif
