/* Joining namespaces that already exist: the user and network namespaces
 * of another container (--network container:X), of a path (--network
 * ns:PATH), or of the network keeper (named networks, runtime/bridge.h);
 * and the IPC, UTS and PID namespaces a pod's containers share with its
 * infra container.
 *
 * Why the user namespace too: setns(2) into a network namespace needs
 * CAP_SYS_ADMIN in the user namespace that owns it, and a container's own
 * new user namespace has no capability over a sibling's.  The unprivileged
 * user, however, owns every user namespace it created, and a process of
 * the owner in the parent (host) user namespace holds all capabilities in
 * it: so a short-lived child of the monitor may setns(2) into the owning
 * user namespace, then into the network namespace, and clone the container
 * init there with CLONE_PARENT (the init stays the monitor's child, as
 * with userns_clone).  The joined user namespace's id maps are already
 * written; the container gets no map of its own.  */
#ifndef GALLEY_RUNTIME_NETNS_H
#define GALLEY_RUNTIME_NETNS_H

#include <stdint.h>
#include <sys/types.h>

#include "util/error.h"

struct netns_join
{
  int userns_fd; /* -1: keep the caller's (real root, no user namespace) */
  int netns_fd;  /* -1: a new network namespace (CLONE_NEWNET stays in the flags) */
  /* -1: new ones (their CLONE_NEW* flags stay), else joined */
  int ipcns_fd, utsns_fd, pidns_fd;
};

#define NETNS_JOIN_INIT                                                             \
  {                                                                                 \
    .userns_fd = -1, .netns_fd = -1, .ipcns_fd = -1, .utsns_fd = -1, .pidns_fd = -1 \
  }

/* Only j's user namespace (the others new).  */
struct netns_join netns_join_userns_only (const struct netns_join *j);

/* The user and network namespaces of the live process pid (started at
 * `start`, in clock ticks since boot; 0: not checked).  */
int netns_join_open_pid (pid_t pid, uint64_t start, struct netns_join *out, galley_error_t *err);

/* The network namespace at path (a /proc/PID/ns/net or a bind mount of
 * one) and the user namespace owning it (NS_GET_USERNS).  */
int netns_join_open_path (const char *path, struct netns_join *out, galley_error_t *err);

/* Only the user namespace of pid (the container gets a new network
 * namespace owned by it).  */
int netns_join_open_userns (pid_t pid, struct netns_join *out, galley_error_t *err);

/* Which of pid's namespaces netns_join_open_shared opens beside its user
 * namespace.  */
enum
{
  NETNS_SHARE_NET = 1 << 0,
  NETNS_SHARE_IPC = 1 << 1,
  NETNS_SHARE_UTS = 1 << 2,
  NETNS_SHARE_PID = 1 << 3,
};

/* The user namespace of the live process pid (started at start, 0: not
 * checked) and those of its namespaces that share (NETNS_SHARE_*) names.  */
int netns_join_open_shared (pid_t pid, uint64_t start, unsigned share, struct netns_join *out,
                            galley_error_t *err);

void netns_join_close (struct netns_join *j);

/* Enter j's namespaces in the calling process (user namespace first; a
 * PID namespace is the one of the children it forks).  For children about
 * to do privileged work there; irreversible.  */
int netns_enter (const struct netns_join *j, galley_error_t *err);

/* Like userns_clone (flags without CLONE_NEWUSER, and without the
 * CLONE_NEW* flag of each namespace j has), but in j's namespaces: returns
 * 0 in the child, its pid (a child of the caller) in the caller, -1 with
 * errno.  */
pid_t netns_clone_joined (const struct netns_join *j, int flags);

/* Clone the init with a user namespace of its own (and the other flags'
 * namespaces) inside j's user namespace: --userns=keep-id on a named
 * network.  Its maps are written with netns_write_maps.  */
pid_t netns_clone_nested (const struct netns_join *j, int flags);

/* Write the uid and gid maps of pid, whose user namespace is a child of
 * j's, from root in j's (the ids are j's: no newuidmap).  */
int netns_write_maps (const struct netns_join *j, pid_t pid, const char *uid_map, const char *gid_map,
                      galley_error_t *err);

/* Run argv (argv[0] an absolute path) in j's namespaces, with only PATH in
 * its environment, wait for it; its stderr becomes the error's message
 * when it fails.  */
int netns_exec_in (const struct netns_join *j, char *const argv[], galley_error_t *err);

#endif
