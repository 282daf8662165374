/* Named volumes: storage/volumes/<name>/volume.json (podman's inspect
 * fields) and storage/volumes/<name>/_data, the directory containers
 * mount.  Creation and removal are serialised by storage/volumes/.lock (a
 * name never starts with '.', so the lock cannot collide with a volume);
 * readers never take it.  _data may hold files of subordinate ids, so its
 * removal falls back to the user namespace.  */
#ifndef GALLEY_STATE_VOLUME_H
#define GALLEY_STATE_VOLUME_H

#include <stdbool.h>

#include <json-c/json.h>

#include "state/container_config.h"
#include "state/paths.h"
#include "util/error.h"

/* [a-zA-Z0-9][a-zA-Z0-9_.-]*, at most 255 bytes.  */
bool volume_valid_name (const char *name);

struct volume_create_options
{
  const char *name;     /* NULL: a random 64-hex name (an anonymous volume) */
  json_object *labels;  /* string -> string, may be NULL (not consumed) */
  json_object *options; /* string -> string, may be NULL (not consumed) */
  bool ignore_existing; /* --ignore: an existing volume is not an error */
  bool anonymous;       /* created for `-v /path` (removed by rm -v) */
};

/* Create the volume; *name_out (optional) receives its name.  An existing
 * name fails with EEXIST: 'volume with name x already exists: volume
 * already exists' (unless ignore_existing).  */
int volume_create (const struct galley_paths *p, const struct volume_create_options *o, char **name_out,
                   galley_error_t *err);

/* The volume.json record.  ENOENT: 'no volume with name "x" found: no such
 * volume'.  */
int volume_load (const struct galley_paths *p, const char *name, json_object **out, galley_error_t *err);
bool volume_exists (const struct galley_paths *p, const char *name);

/* Names of all volumes, sorted (a NULL-terminated strv; empty when there is
 * no volumes directory).  */
int volume_list (const struct galley_paths *p, char ***names, galley_error_t *err);

/* storage/volumes/<name>/_data (malloc'ed).  */
char *volume_data_dir (const struct galley_paths *p, const char *name);

/* Ids of the containers whose configuration uses the volume (a strv).  */
int volume_users (const struct galley_paths *p, const char *name, char ***ids, galley_error_t *err);

/* Named volumes a container configuration refers to (-v NAME:/dst,
 * --mount type=volume,source=NAME and its anonymous volumes): a strv.
 * Pure.  */
char **volume_names_in_config (const struct container_config *config);

/* Remove the volume.  Unless force, a volume used by a container fails
 * with EBUSY: 'volume x is being used by the following container(s): id:
 * volume is being used'.  ENOENT as volume_load.  */
int volume_remove (const struct galley_paths *p, const char *name, bool force, galley_error_t *err);

/* Set a boolean field of volume.json ("NeedsCopyUp", "NeedsChown") under
 * the lock.  */
int volume_set_flag (const struct galley_paths *p, const char *name, const char *field, bool value,
                     galley_error_t *err);

/* The `volume inspect` object (volume.json plus "MountCount" 0 and without
 * galley's private fields).  */
json_object *volume_inspect_record (json_object *record);

#endif
