/* Published TCP ports without slirp4netns's TCP stack in the way (as
 * podman's rootlessport): the listening sockets are bound in the host's
 * network namespace by the monitor, then a small forwarder process
 * ("galley-port") enters the container's user and network namespaces, so
 * every socket it creates from then on lives there.  For each accepted
 * connection it connects, inside, to the container's own address and
 * copies both ways with splice(2), one thread per direction.
 *
 * Connections therefore reach the container from its own address (its
 * tap0 or eth0 address), never from 127.0.0.1: a service bound to the
 * container's loopback is not exposed (CVE-2021-20199).  UDP stays with
 * slirp4netns's forwarding.  The forwarder dies with the monitor (its
 * exit pipe closes; PR_SET_PDEATHSIG as a backstop).  */
#ifndef GALLEY_RUNTIME_PORTFWD_H
#define GALLEY_RUNTIME_PORTFWD_H

#include <stddef.h>
#include <sys/types.h>

#include "state/portspec.h"
#include "util/error.h"

struct portfwd
{
  pid_t pid;   /* -1: not running */
  int exit_fd; /* write end of the exit pipe */
};

#define PORTFWD_INIT         \
  {                          \
    .pid = -1, .exit_fd = -1 \
  }

/* Bind the TCP mappings of ports (UDP ones are skipped) and forward them
 * into the network namespace of init_pid, to target_ip.  Nothing to do: 0
 * with out->pid == -1.  A host port in use fails here, nothing left.  */
int portfwd_start (const struct port_mapping *ports, size_t n, pid_t init_pid, const char *target_ip,
                   struct portfwd *out, galley_error_t *err);

/* Stop and reap the forwarder.  Idempotent.  */
void portfwd_stop (struct portfwd *f);

#endif
