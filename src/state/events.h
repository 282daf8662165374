/* The event log, podman's "file" events backend: every lifecycle change of a
 * container, image, volume or network appends one line of JSON, podman's
 * Event, to the user's log:
 *
 *   {"ID":"…","Image":"…","Name":"…","Status":"start","Time":"…Z","Type":"container","Attributes":{…}}
 *
 * The log is RUNROOT/events/events.log, or galley.conf's [engine]
 * events_logfile_path; [engine] events_logger = "none" (or --events-backend
 * none) writes nothing.  A line is one write(2) with O_APPEND, so writers
 * never interleave; the directory and the file are created with
 * O_EXCL|O_NOFOLLOW and must be the user's.  Writing an event never fails
 * the operation it records: a log that cannot be written is a debug
 * message.  `galley events` reads the log (events_read below).  */
#ifndef GALLEY_STATE_EVENTS_H
#define GALLEY_STATE_EVENTS_H

#include <stdbool.h>
#include <stdint.h>

#include <json-c/json.h>

#include "state/container_config.h"
#include "state/paths.h"
#include "util/error.h"

enum event_type
{
  EVENT_CONTAINER,
  EVENT_IMAGE,
  EVENT_VOLUME,
  EVENT_NETWORK,
  EVENT_SYSTEM,
};

/* "container", "image", ... as podman writes them.  */
const char *event_type_name (enum event_type t);

struct event
{
  enum event_type type;
  const char *status;      /* "create", "start", "pull", "log-rotation", ... */
  const char *id;          /* NULL: none */
  const char *name;        /* NULL: none */
  const char *image;       /* containers: the image they run */
  const char *network;     /* network connect/disconnect: the network */
  json_object *attributes; /* an object of strings (a container's labels); NULL: null */
  bool has_exit_code;      /* "died", "exec_died": the exit code */
  int exit_code;
};

/* The backend of this invocation: "file" (the default) or "none", from
 * --events-backend, which wins over galley.conf's events_logger.  */
int events_set_backend (const char *backend, galley_error_t *err);
/* Whether events are written (and can be read) at all.  */
bool events_enabled (void);

/* The log's path: [engine] events_logfile_path, else
 * RUNROOT/events/events.log (malloc'ed; NULL when out of memory).  */
char *events_log_path (const struct galley_paths *p);

/* Append e, stamped now, to the log.  */
void event_write (const struct galley_paths *p, const struct event *e);

/* An event of the container of configuration config (its name, image and
 * labels); status "died" or "exec_died" take exit_code (else ignored).  */
void event_write_container (const struct galley_paths *p, const char *status, const char *id,
                            const struct container_config *config, int exit_code);

/* An event of an image, volume or network (the object's id and name;
 * either may be NULL).  */
void event_write_object (const struct galley_paths *p, enum event_type type, const char *status,
                         const char *id, const char *name);

/* A container's connect or disconnect event of network `network`: podman
 * writes them as network events naming the container.  */
void event_write_network_member (const struct galley_paths *p, const char *status, const char *container_id,
                                 const char *container_name, const char *network);

/* One event read back: the parsed line, and its time.  */
struct event_record
{
  json_object *json; /* owned: podman's Event, as written */
  int64_t time_ns;
};

/* What to read: since/until in ns (0: unbounded); filters "KEY=VALUE" as
 * podman's (container=, event= or status=, image=, label=, type=, volume=,
 * network=, pod=: the same key ORed, different keys ANDed); follow: wait
 * for new events (from the end of the log unless since is given), until
 * the until time passes or *stop becomes true.  */
struct events_query
{
  int64_t since_ns, until_ns;
  char **filters;
  size_t n_filters;
  bool follow;
  volatile int *stop;
};

/* Call fn on each event of the log that passes the query, oldest first;
 * fn returns negative to end the read with that error.  A log that does
 * not exist yet has no events.  */
typedef int (*event_fn) (const struct event_record *r, void *arg, galley_error_t *err);
int events_read (const struct galley_paths *p, const struct events_query *q, event_fn fn, void *arg,
                 galley_error_t *err);

/* Check the query's filters before reading ("KEY=VALUE", known keys).  */
int events_check_filters (char *const *filters, size_t n, galley_error_t *err);

#endif
