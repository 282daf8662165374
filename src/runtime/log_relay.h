/* The log relay of a detached container, served by its monitor's event
 * loop (runtime/monitor.c): it owns the container's output, writes each
 * line to the k8s-file log (state/container_log.h), rotating the file at
 * its size limit as conmon does (a fresh file renamed over the old one),
 * and serves `galley attach`: clients connected to the attach socket
 * receive the output as it comes and their input goes to the container's
 * stdin.  It is no process of its own: the monitor polls the descriptors
 * log_relay_poll_fds gives and hands the results to log_relay_dispatch.
 * In the foreground the command's own loop (runtime/process.c) serves it,
 * and it also copies the output to the user's stdout and stderr; when one
 * of those is closed, the stream ends (the container's writer then gets
 * EPIPE, as if it wrote there itself).
 *
 * Attach protocol (SOCK_SEQPACKET, one message per packet, as conmon's):
 * relay -> client: one byte 1 (stdout) or 2 (stderr), then the data;
 * client -> relay: one byte 0, then bytes for the container's stdin; or
 * one byte 1, then the client's terminal size (struct winsize) for the
 * container's terminal (conmon takes it on a separate control pipe).  The
 * relay closes every client when it ends (log_relay_end).  */
#ifndef GALLEY_RUNTIME_LOG_RELAY_H
#define GALLEY_RUNTIME_LOG_RELAY_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

#define LOG_RELAY_STDOUT 1
#define LOG_RELAY_STDERR 2
#define LOG_RELAY_INPUT 0
#define LOG_RELAY_RESIZE 1

/* The longest piece of output kept waiting for its newline; a longer line
 * is logged in P pieces of this size (conmon's are 8 KiB).  */
#define LOG_RELAY_LINE_MAX 16384
#define LOG_RELAY_MAX_CLIENTS 16
/* pollfds log_relay_poll_fds may fill */
#define LOG_RELAY_MAX_FDS (4 + LOG_RELAY_MAX_CLIENTS)

struct log_relay_options
{
  int out_fd, err_fd; /* the container's output (-1 when absent) */
  int log_fd;         /* -1: --log-driver none */
  const char *log_path;
  uint64_t max_size; /* 0: unlimited */
  int listen_fd;     /* the attach socket (listening), -1: none */
  int stdin_fd;      /* where attached input goes, -1: none */
  int min_fd;        /* clients' fds from this number up (the ones below
                      * are the container's --preserve-fds) */
  bool forward;      /* also copy stdout to our 1 and stderr to our 2 (a
                      * run in the foreground) */
};

struct log_relay_stream
{
  int fd; /* -1: closed */
  bool is_stderr;
  bool borrowed;  /* the caller closes fd (a pty master) */
  int forward_fd; /* where the output is copied as it comes, -1: nowhere */
  size_t used;
  char *buf; /* LOG_RELAY_LINE_MAX bytes of log_relay.lines */
};

struct log_relay
{
  int log_fd;
  const char *log_path;
  uint64_t max_size;
  uint64_t written; /* bytes in the current log file */
  int listen_fd;
  int stdin_fd;
  int terminal_fd; /* the container's pty master, -1: none */
  int min_fd;
  struct log_relay_stream streams[2]; /* stdout, stderr */
  int clients[LOG_RELAY_MAX_CLIENTS];
  size_t n_clients;
  /* Attached input the container's stdin did not take yet: while some
   * waits, clients are not read (the relay never blocks on a full pipe).  */
  size_t input_len;
  /* The buffers last: a relay that waits touches only the fields above.  */
  char input[LOG_RELAY_LINE_MAX];
  char lines[2][LOG_RELAY_LINE_MAX]; /* of the streams */
};

/* Take over the descriptors of o (closed by log_relay_end, except those
 * given as borrowed later).  */
void log_relay_init (struct log_relay *r, const struct log_relay_options *o);

/* Fill p with what the relay waits on; returns how many (at most
 * LOG_RELAY_MAX_FDS).  */
size_t log_relay_poll_fds (const struct log_relay *r, struct pollfd *p);
/* Serve the events poll() reported on the n entries log_relay_poll_fds
 * filled.  */
void log_relay_dispatch (struct log_relay *r, const struct pollfd *p, size_t n);
/* Read what is ready on the output streams without waiting (a container
 * that exited left its last output in the pipes).  */
void log_relay_drain (struct log_relay *r);
/* Whether an output stream is still open.  */
bool log_relay_streams_open (const struct log_relay *r);

/* Make fd stream 0 (stdout) or 1, borrowed (the caller closes it and then
 * calls log_relay_detach_stream): a pty master per run.  */
void log_relay_attach_stream (struct log_relay *r, int stream, int fd);
/* Log what remains of the stream (as P) and forget its fd.  */
void log_relay_detach_stream (struct log_relay *r, int stream);
/* Where attached input goes from now on (-1: nowhere); input still
 * waiting for the former one is dropped.  */
void log_relay_set_stdin (struct log_relay *r, int fd);

/* The container's terminal (its pty master, -1: none), which attached
 * clients resize.  */
void log_relay_set_terminal (struct log_relay *r, int fd);

/* Give back the pages of the buffers that hold nothing now (an idle
 * relay keeps what a burst of output touched otherwise).  */
void log_relay_trim (struct log_relay *r);

/* Log what remains, close every client and what the relay owns.  */
void log_relay_end (struct log_relay *r);

/* Relay until both output streams reach EOF, then end.  */
int log_relay_run (const struct log_relay_options *o, galley_error_t *err);

/* The attach socket of a container: runroot/containers/<id>/attach.  */
#define LOG_RELAY_ATTACH_SOCKET "attach"

/* Create and listen on dir/attach (dir_fd: the container's run
 * directory; paths longer than sun_path go through /proc/self/fd).  */
int log_relay_listen (int dir_fd, galley_error_t *err);
/* Connect to dir/attach.  */
int log_relay_connect (int dir_fd, galley_error_t *err);

#endif
