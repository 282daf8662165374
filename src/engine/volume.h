/* The engine's operations on named volumes (see engine.h), over
 * state/volume.h.  A volume's record is podman's `volume inspect` object
 * (volume_inspect_record).  */
#ifndef GALLEY_ENGINE_VOLUME_H
#define GALLEY_ENGINE_VOLUME_H

#include <stdbool.h>

#include <json-c/json.h>

#include "engine/engine.h"
#include "util/error.h"

/* Create a volume; *name gets its name.  An existing name fails with
 * EEXIST unless ignore_existing.  */
struct engine_volume_create_options
{
  const char *name;         /* NULL: a generated one */
  const char *driver;       /* NULL or "local", the only one */
  char **labels, **options; /* "KEY[=VALUE]" as given, may be NULL */
  bool ignore_existing;
};
int engine_volume_create (const struct engine *e, const struct engine_volume_create_options *o, char **name,
                          galley_error_t *err);

/* The records of the volumes, by name, that pass the filters, podman's
 * "KEY=VALUE" ones (name: a regular expression; label=KEY[=VALUE];
 * dangling=true|false; driver; scope: util/filter.h): of one key any, of
 * each key one must match.  */
int engine_volume_list (const struct engine *e, char *const *filters, json_object **records,
                        galley_error_t *err);

/* The record of one.  ENOENT: 'no volume with name "x" found: no such
 * volume'.  */
int engine_volume_inspect (const struct engine *e, const char *name, json_object **record,
                           galley_error_t *err);
bool engine_volume_exists (const struct engine *e, const char *name);

/* Remove it.  In use by a container, it fails with EBUSY, unless force:
 * then those containers go first (running ones killed).  ENOENT as
 * inspect.  */
int engine_volume_rm (const struct engine *e, const char *name, bool force, galley_error_t *err);

/* Remove the volumes no container uses that pass the filters (as
 * list's); with dry_run, only say which.  *names gets them (a strv;
 * on failure, those removed before it).  */
int engine_volume_prune (const struct engine *e, char *const *filters, bool dry_run, char ***names,
                         galley_error_t *err);

#endif
