/* The log relay of a detached container: a small process forked by the
 * monitor that owns the container's output.  It writes each line to the
 * k8s-file log (state/container_log.h), rotating the file at its size limit
 * as conmon does (a fresh file renamed over the old one), and serves
 * `galley attach`: clients connected to the attach socket receive the
 * output as it comes and their input goes to the container's stdin.
 *
 * Attach protocol (SOCK_SEQPACKET, one message per packet, as conmon's):
 * relay -> client: one byte 1 (stdout) or 2 (stderr), then the data;
 * client -> relay: the bytes for the container's stdin.  The relay closes
 * every client when the container's output ends.  */
#ifndef GALLEY_RUNTIME_LOG_RELAY_H
#define GALLEY_RUNTIME_LOG_RELAY_H

#include <stdint.h>

#include "util/error.h"

#define LOG_RELAY_STDOUT 1
#define LOG_RELAY_STDERR 2

struct log_relay_options
{
  int out_fd, err_fd; /* the container's output (-1 when absent) */
  int log_fd;         /* -1: --log-driver none */
  const char *log_path;
  uint64_t max_size; /* 0: unlimited */
  int listen_fd;     /* the attach socket (listening), -1: none */
  int stdin_fd;      /* where attached input goes, -1: none */
};

/* Relay until both output streams reach EOF.  */
int log_relay_run (const struct log_relay_options *o, galley_error_t *err);

/* The attach socket of a container: runroot/containers/<id>/attach.  */
#define LOG_RELAY_ATTACH_SOCKET "attach"

/* Create and listen on dir/attach (dir_fd: the container's run
 * directory; paths longer than sun_path go through /proc/self/fd).  */
int log_relay_listen (int dir_fd, galley_error_t *err);
/* Connect to dir/attach.  */
int log_relay_connect (int dir_fd, galley_error_t *err);

#endif
