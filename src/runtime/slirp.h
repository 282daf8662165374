/* slirp4netns: user-mode networking for a container's network namespace,
 * started by the monitor with podman's hardening (--disable-host-loopback
 * unless asked, --mtu 65520, --enable-sandbox, --enable-seccomp, -c), a
 * ready fd (wait until tap0 is configured), an exit fd (slirp4netns exits
 * when the monitor closes it or dies) and an API socket in the container's
 * runroot directory for port forwards (add_hostfwd).  Forwarded connections
 * reach the container from the gateway address (10.0.2.2), never from
 * 127.0.0.1 (CVE-2021-20199).  */
#ifndef GALLEY_RUNTIME_SLIRP_H
#define GALLEY_RUNTIME_SLIRP_H

#include <stdbool.h>
#include <sys/types.h>

#include "state/netconf.h"
#include "state/portspec.h"
#include "util/error.h"

struct slirp_process
{
  pid_t pid;       /* -1: not running */
  int exit_fd;     /* write end of the exit pipe */
  int state_dirfd; /* the directory of the API socket */
  char *state_dir;
};

#define SLIRP_PROCESS_INIT                                         \
  {                                                                \
    .pid = -1, .exit_fd = -1, .state_dirfd = -1, .state_dir = NULL \
  }

/* Start slirp4netns for the network namespace of target_pid (joined with
 * its user namespace) and wait until it has configured tap0.  Its log and
 * API socket ("slirp4netns.log", "slirp4netns.sock") go into state_dir.  */
int slirp_start (const struct net_options *o, pid_t target_pid, const char *state_dir,
                 struct slirp_process *out, galley_error_t *err);

/* Forward the host ports of one mapping (its whole range) to guest_addr.  */
int slirp_add_forward (const struct slirp_process *s, const struct port_mapping *m, const char *guest_addr,
                       galley_error_t *err);

/* Close the exit fd and reap slirp4netns.  Idempotent.  */
void slirp_stop (struct slirp_process *s);

/* Close the exit fd and let slirp4netns go without reaping it, for a
 * process about to exit (see container_hooks.caller_exits): it exits by
 * itself, and its parent's exit hands it to init.  Idempotent.  */
void slirp_release (struct slirp_process *s);

/* The argv of slirp4netns (NULL-terminated, malloc'ed strings), for the
 * tests and for slirp_start.  sandbox: --enable-sandbox (see
 * slirp_uid_map_has_root).  */
char **slirp_build_argv (const char *binary, const struct net_options *o, bool sandbox, pid_t target_pid,
                         int ready_fd, int exit_fd, const char *api_socket);

/* Does this uid_map text (/proc/PID/uid_map) map id 0 inside?  slirp4netns's
 * sandbox joins the target's user namespace and becomes root there
 * (setegid(0)/seteuid(0)) to pivot_root; with --userns=keep-id over a
 * single-id map there is no root inside, and the sandbox would fail the
 * whole start ("setegid(0)" in its log).  Such containers get slirp4netns
 * without the sandbox (still with its seccomp filter).  */
bool slirp_uid_map_has_root (const char *uid_map_text);

#endif
