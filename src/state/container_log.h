/* Container log files in podman's k8s-file format: one line per record,
 *
 *     2006-01-02T15:04:05.000000000Z stdout F message
 *
 * where F ends a line of the container's output and P is a piece of a
 * longer line (or output that ended without a newline).  The writer is
 * the monitor's log relay (runtime/log_relay.h); the reader is `galley
 * logs`.  */
#ifndef GALLEY_STATE_CONTAINER_LOG_H
#define GALLEY_STATE_CONTAINER_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "state/container_config.h"
#include "util/error.h"

/* How a container logs, from its --log-driver and --log-opt: path is NULL for the "none" driver, else
 * --log-opt path= or containers_dir/ctr.log (malloc'ed); max_size is
 * max-size= in bytes (0: unlimited).  Errors name the bad option.  */
struct container_log_config
{
  char *path;
  uint64_t max_size;
};
int container_log_config (const struct container_config *config, const char *container_dir,
                          struct container_log_config *out, galley_error_t *err);

/* Open (create 0600) the log at path for appending: a regular file of
 * this user's, never through a symlink.  Returns the fd (O_CLOEXEC).  */
int container_log_open (const char *path, galley_error_t *err);

/* The same for reading, before the container's first start as well: a
 * reader that must not miss its first line (the REST service's attach)
 * makes the file the relay will append to.  */
int container_log_open_read (const char *path, galley_error_t *err);

/* Format one record into buf (NUL-terminated); returns its length.  */
size_t log_format_record (char *buf, size_t size, int64_t ns, bool is_stderr, bool partial, const char *msg,
                          size_t len);

struct log_record
{
  int64_t time;      /* ns since the epoch */
  const char *stamp; /* the timestamp text, stamp_len bytes */
  size_t stamp_len;
  bool is_stderr;
  bool partial;    /* P: no newline follows msg */
  const char *msg; /* points into the parsed line; not NUL-terminated */
  size_t msg_len;
};

/* Parse one line (without its newline).  -1 when it is not a record.  */
int log_parse_record (const char *line, size_t len, struct log_record *out);

#endif
