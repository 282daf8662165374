/* `galley attach`: the client side of a detached container's attach
 * socket (runtime/log_relay.h).  The container's output goes to our
 * stdout/stderr, our stdin to the container's (when it was started with
 * -i), until the container exits or the user types the detach keys.  */
#ifndef GALLEY_RUNTIME_ATTACH_H
#define GALLEY_RUNTIME_ATTACH_H

#include <stdbool.h>
#include <stddef.h>

#include "state/paths.h"
#include "util/error.h"

#define ATTACH_DEFAULT_DETACH_KEYS "ctrl-p,ctrl-q"

/* podman's detach key list: "ctrl-p,ctrl-q", single characters, "ctrl-@",
 * "ctrl-[" ...; "" disables detaching.  *n is the sequence length.  */
int attach_parse_detach_keys (const char *spec, unsigned char keys[16], size_t *n, galley_error_t *err);

struct attach_options
{
  bool no_stdin;  /* --no-stdin */
  bool sig_proxy; /* forward SIGINT, SIGTERM, ... to the container (without -t) */
  unsigned char detach_keys[16];
  size_t n_detach_keys;
};

/* Attach to running container id (a full id).  Returns the container's
 * exit code when it exits while attached, ATTACH_DETACHED when the user
 * detached, -1 with err otherwise.  */
#define ATTACH_DETACHED (-2)
int container_attach (const struct galley_paths *p, const char *id, const struct attach_options *o,
                      galley_error_t *err);

#endif
