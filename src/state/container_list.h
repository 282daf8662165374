/* Finding, naming and listing containers: names are unique (creation and
 * renaming check under storage/containers/containers.lock), lookups accept
 * a name, a full id or a unique id prefix, and entries carry the
 * reconciled state, for the lifecycle commands (ps, inspect, stop, rm,
 * ...).  Lookups read without locks.  */
#ifndef GALLEY_STATE_CONTAINER_LIST_H
#define GALLEY_STATE_CONTAINER_LIST_H

#include <stddef.h>

#include <json-c/json.h>

#include "state/container_config.h"
#include "state/container_state.h"
#include "state/paths.h"
#include "util/error.h"

struct container_entry
{
  char *id;
  struct container_config config; /* container.json */
  struct container_state state;   /* reconciled */
  int64_t created;                /* ns since the epoch */
};

void container_entry_clear (struct container_entry *e);
#define _cleanup_container_entry_ __attribute__ ((cleanup (container_entry_clear)))

/* A podman-style "adjective_name" name not used by another container.  */
int container_generate_name (const struct galley_paths *p, char **out, galley_error_t *err);

/* Create containers/<id>/ with upper/, work/ and its lock files, and write
 * container.json (config gets its id, name and creation time); the caller
 * holds containers_lock.  *run_lock (unless NULL) gets the container's run
 * lock, taken before the record was visible (container_state.h).  Fails
 * when the name is taken: 'the container name "x" is already in use by
 * <id>'.  */
int container_create (const struct galley_paths *p, const char *id, const char *name,
                      struct container_config *config, int *run_lock, galley_error_t *err);

/* 1 when a container is named name, 0 when none is, -1 on error.  */
int container_name_lookup (const struct galley_paths *p, const char *name, galley_error_t *err);

/* Load by name, id or unique id prefix into *config (zeroed or cleared).
 * ENOENT: 'no container with name or ID "x" found'.  */
int container_load (const struct galley_paths *p, const char *name_or_id, struct container_config *config,
                    galley_error_t *err);

/* Look a container up by name, full id or unique id prefix.  ENOENT:
 * 'no container with name or ID "x" found: no such container'.  */
int container_find (const struct galley_paths *p, const char *name_or_id, struct container_entry *out,
                    galley_error_t *err);

/* Every container, oldest first.  Containers removed while listing are
 * skipped.  */
int container_list (const struct galley_paths *p, struct container_entry **out, size_t *n,
                    galley_error_t *err);
void container_list_free (struct container_entry *list, size_t n);

/* The listing of ps, which must stay fast with thousands of containers:
 * a cache in the runroot holds what ps shows of each, trusted whole while
 * nothing changed in storage/containers (one stat(2), see
 * state/container_list_cache.c) and otherwise checked against each
 * container directory's ctime.  A table is printed from the brief
 * fields; the record's other fields are parsed only when asked for.
 * States are reconciled as container_state_read's.  Oldest first.  */
struct container_listing;
int container_listing_open (const struct galley_paths *p, struct container_listing **out,
                            galley_error_t *err);
size_t container_listing_count (const struct container_listing *l);
/* What ps shows of container i, straight from the listing: valid while
 * the listing is open.  */
struct container_brief
{
  const char *id;
  const struct container_state *state;
  int64_t created;
  const char *name, *image, *image_id;
  const char *command_line; /* entrypoint and command, joined by spaces */
  const char *ports;        /* the published ports, as the PORTS column */
  const char *networks;     /* the named networks, joined by commas */
  bool auto_remove;
};
void container_listing_brief (const struct container_listing *l, size_t i, struct container_brief *out);
/* Container i as an entry (the caller clears it), for the fields beyond
 * the brief: of its configuration, the id, name, image, image_id, rm,
 * created, args, entrypoint, command, labels and port_mappings.  */
int container_listing_entry (struct container_listing *l, size_t i, struct container_entry *out,
                             galley_error_t *err);
void container_listing_close (struct container_listing *l);

/* Oldest first (by their creation).  */
void container_list_sort (struct container_entry *list, size_t n);

/* The container's name ("" when its record has none).  */
const char *container_entry_name (const struct container_entry *e);

/* podman's "Up 3 seconds", "Exited (0) 2 seconds ago", "Created", "Paused";
 * a container live on another host says so: "Up 3 seconds (on another
 * host)".  */
void container_status_human (const struct container_state *st, char *buf, size_t len);
/* Go's units.HumanDuration: "Less than a second", "3 seconds", "About a minute" ...  */
void human_duration (int64_t ns, char *buf, size_t len);

/* The container's command line: the resolved one (image defaults
 * included) when the record has it, else its entrypoint and command.
 * NULL only when out of memory.  */
char **container_command (const struct container_config *c);

/* Give a container a new name (unique, as at creation).  */
int container_rename (const struct galley_paths *p, const char *id, const char *name, galley_error_t *err);

#endif
