/* Container records: storage/containers/<id>/ holds container.json (the
 * create-time configuration, podman-style field names where they exist),
 * upper/ and work/ (the overlay's writable layer); the volatile part
 * (hosts, resolv.conf, the rootfs mount point) lives in
 * runroot/containers/<id>/.  Beside them, storage/containers holds
 * containers.lock (below) and "changes", the change
 * counter ps trusts its listing cache by.  Names, lookups and creation
 * are container_list.h's: they need the listing.  */
#ifndef GALLEY_STATE_CONTAINER_H
#define GALLEY_STATE_CONTAINER_H

#include <stdbool.h>

#include "ns/idmap.h"
#include "state/container_config.h"
#include "state/paths.h"
#include "util/digest.h"
#include "util/error.h"

/* 64 lower-case hex digits: a container id (and a directory name).  */
bool container_id_valid (const char *s);

/* A fresh random 64-hex id.  */
int container_new_id (char out[HEX_ID_BUFSIZE], galley_error_t *err);

/* storage/containers/containers.lock (exclusive, waiting; close the fd to
 * release): held across a name check and the creation or renaming it
 * decides, and by a removal of images across its check of their users and
 * the removal, so that no container is created on an image that goes.  */
#define CONTAINERS_LOCK_FILE "containers.lock"
int containers_lock (const struct galley_paths *p, galley_error_t *err);

/* storage/containers/<id> and runroot/containers/<id> (malloc'ed).  */
char *container_dir (const struct galley_paths *p, const char *id);
char *container_run_dir (const struct galley_paths *p, const char *id);

/* The change counter of storage/containers (util/change_counter.h):
 * every writer of a container's record or state, creation and removal
 * count their change, so that ps trusts its listing cache with one
 * stat(2) while nothing changed.  */
#define CONTAINERS_CHANGE_COUNTER "changes"
void container_count_change (const struct galley_paths *p);

/* Read the record of container id (a full id) into *config (zeroed or
 * cleared).  */
int container_read_record (const struct galley_paths *p, const char *id, struct container_config *config,
                           galley_error_t *err);

/* Replace the record of container id with config (the caller holds the
 * container's lock).  */
int container_write_record (const struct galley_paths *p, const char *id,
                            const struct container_config *config, galley_error_t *err);

/* Remove both directories of a container whose run lock and record lock
 * the caller holds (*run_lock and *record_lock: closed here, before their
 * files are removed).  The record vanishes from every lookup at once (its
 * directory renamed), then the rest goes.  The upper layer may hold files
 * owned by subordinate ids: removal runs inside the user namespace of map
 * (container_remove, container_state.h, takes the record lock itself).  */
int container_remove_locked (const struct galley_paths *p, const struct idmap *map, const char *id,
                             int *run_lock, int *record_lock, galley_error_t *err);

#endif
