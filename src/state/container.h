/* Container records: storage/containers/<id>/ holds container.json (the
 * create-time configuration, podman-style field names where they exist),
 * upper/ and work/ (the overlay's writable layer); the volatile part
 * (hosts, resolv.conf, the rootfs mount point) lives in
 * runroot/containers/<id>/.  Beside them, storage/containers holds
 * containers.lock (creation and renaming) and "changes", the change
 * counter ps trusts its listing cache by.  Names are unique; lookups
 * accept a name, a full id or a unique id prefix.  */
#ifndef GALLEY_STATE_CONTAINER_H
#define GALLEY_STATE_CONTAINER_H

#include <stdbool.h>

#include <json-c/json.h>

#include "ns/idmap.h"
#include "state/paths.h"
#include "util/error.h"

/* 64 lower-case hex digits: a container id (and a directory name).  */
bool container_id_valid (const char *s);

/* A fresh random 64-hex id.  */
int container_new_id (char out[65], galley_error_t *err);
/* A podman-style "adjective_name" name not used by another container.  */
int container_generate_name (const struct galley_paths *p, char **out, galley_error_t *err);

/* Create containers/<id>/ with upper/ and work/ and write container.json
 * (config gets "Id", "Name", "Created" added).  Fails when the name is
 * taken: 'the container name "x" is already in use by <id>'.  */
int container_create (const struct galley_paths *p, const char *id, const char *name, json_object *config,
                      galley_error_t *err);

/* 1 when a container is named name, 0 when none is, -1 on error.  */
int container_name_lookup (const struct galley_paths *p, const char *name, galley_error_t *err);

/* Load by name, id or unique id prefix.  ENOENT: 'no container with name or
 * ID "x" found'.  */
int container_load (const struct galley_paths *p, const char *name_or_id, json_object **config,
                    galley_error_t *err);

/* storage/containers/<id> and runroot/containers/<id> (malloc'ed).  */
char *container_dir (const struct galley_paths *p, const char *id);
char *container_run_dir (const struct galley_paths *p, const char *id);

/* The change counter of storage/containers (util/change_counter.h):
 * every writer of a container's record or state, creation and removal
 * count their change, so that ps trusts its listing cache with one
 * stat(2) while nothing changed.  */
#define CONTAINERS_CHANGE_COUNTER "changes"
void container_count_change (const struct galley_paths *p);

/* Replace the record of container id with config (the caller holds the
 * container's lock).  */
int container_write_record (const struct galley_paths *p, const char *id, json_object *config,
                            galley_error_t *err);

/* Record the last exit ("State": {"Status": "exited", "ExitCode": n, "FinishedAt"}).  */
int container_record_exit (const struct galley_paths *p, const char *id, int exit_code, galley_error_t *err);

/* Remove both directories.  The upper layer may hold files owned by
 * subordinate ids: removal runs inside the user namespace of map.  */
int container_remove (const struct galley_paths *p, const struct idmap *map, const char *id,
                      galley_error_t *err);

#endif
