/* Container log files in podman's k8s-file format: one line per record,
 *
 *     2006-01-02T15:04:05.000000000Z stdout F message
 *
 * where F ends a line of the container's output and P is a piece of a
 * longer line (or output that ended without a newline).  The writer is
 * the monitor's log relay (the container's stdout/stderr pipes -> the
 * file); the reader is `galley logs`.  */
#ifndef GALLEY_STATE_CONTAINER_LOG_H
#define GALLEY_STATE_CONTAINER_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

/* Copy the container's output from out_fd and err_fd (-1 when absent) into
 * log_fd (opened O_APPEND) until both reach EOF.  When max_size > 0 the
 * file is rotated (truncated, as conmon does) once it would exceed it.  */
int log_relay_run (int out_fd, int err_fd, int log_fd, uint64_t max_size, galley_error_t *err);

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
