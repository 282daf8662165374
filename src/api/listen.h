/* Where the service listens: the socket systemd hands over (LISTEN_FDS), a
 * unix socket (the default one in the runroot, or unix:///path), or
 * tcp://host:port when asked for.  */
#ifndef GALLEY_API_LISTEN_H
#define GALLEY_API_LISTEN_H

#include <stdbool.h>
#include <sys/types.h>

#include "util/error.h"

enum api_listen_kind
{
  API_LISTEN_UNIX,
  API_LISTEN_TCP,
};

struct api_listener
{
  int fd; /* listening, close-on-exec */
  enum api_listen_kind kind;
  bool inherited; /* from systemd: nobody unlinks its path */
  char *path;     /* a unix socket galley made, removed on close */
  char *address;  /* for messages: the path or host:port */
};

/* The socket file the service uses without a URI: RUNROOT/galley.sock.  */
char *api_listen_default_path (const char *runroot);

/* Split uri (unix:///path, unix:path, tcp://host:port, tcp:host:port) into
 * its kind and address.  An unknown scheme or an empty address is an
 * EINVAL error in podman's words.  */
int api_listen_parse_uri (const char *uri, enum api_listen_kind *kind, char **address, galley_error_t *err);

/* Take the socket systemd passed (LISTEN_PID is ours and LISTEN_FDS >= 1):
 * returns 1 with l filled, 0 when there is none.  Either way the LISTEN_*
 * variables are removed from the environment, so that no child sees them.  */
int api_listen_inherit (struct api_listener *l, galley_error_t *err);

/* Listen at uri (NULL: default_path).  A unix socket is made mode 0600; a
 * stale one of the caller's at the same path is replaced, a live one or
 * anything else there is an error.  */
int api_listen_open (const char *uri, const char *default_path, uid_t uid, struct api_listener *l,
                     galley_error_t *err);

/* Close the socket and remove the file it made, if any.  */
void api_listener_close (struct api_listener *l);

#endif
