/* Container records: storage/containers/<id>/ holds container.json (the
 * create-time configuration, podman-style field names where they exist),
 * upper/ and work/ (the overlay's writable layer); the volatile part
 * (hosts, resolv.conf, the rootfs mount point) lives in
 * runroot/containers/<id>/.  Beside them, storage/containers holds
 * containers.lock (creation and renaming) and "changes", the change
 * counter ps trusts its listing cache by.  Names, lookups and creation
 * are container_list.h's: they need the listing.  */
#ifndef GALLEY_STATE_CONTAINER_H
#define GALLEY_STATE_CONTAINER_H

#include <stdbool.h>

#include <json-c/json.h>

#include "ns/idmap.h"
#include "state/paths.h"
#include "util/digest.h"
#include "util/error.h"

/* 64 lower-case hex digits: a container id (and a directory name).  */
bool container_id_valid (const char *s);

/* A fresh random 64-hex id.  */
int container_new_id (char out[HEX_ID_BUFSIZE], galley_error_t *err);

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

/* Remove both directories.  The upper layer may hold files owned by
 * subordinate ids: removal runs inside the user namespace of map.  */
int container_remove (const struct galley_paths *p, const struct idmap *map, const char *id,
                      galley_error_t *err);

#endif
