/* fuse-overlayfs: the rootfs method where the kernel will not mount
 * overlay in a user namespace.
 *
 * Mounted in place (rootfs_fuse_mount) by the short-lived processes that
 * work on a stopped container's files (cp, export, commit, build's COPY);
 * the daemon, their child, ends with them.
 *
 * A running container's daemon is started by the monitor, from outside
 * the container's pid namespace (fuse_daemon_start), as podman does.
 * Forked by the container's init, it lived there as root of the
 * container's user namespace with every capability, dumpable, in the
 * init's first mount namespace, which still holds the host's tree: a
 * container with CAP_SYS_PTRACE (or --privileged) read the host's files
 * through its /proc/PID/root, or ptraced it.  The daemon now joins the
 * init's user and mount namespaces, but not its pid namespace, before the
 * init goes on, and mounts the rootfs there; the init then leaves that
 * mount namespace for a copy (rootfs_mount_in_init), so that pivot_root
 * moves neither the daemon's root nor its cwd.  The daemon runs in the
 * foreground (-f), a child of the monitor, which stops it once the
 * container has exited.  */
#ifndef GALLEY_RUNTIME_ROOTFS_FUSE_H
#define GALLEY_RUNTIME_ROOTFS_FUSE_H

#include <sys/types.h>

#include "runtime/spec.h"
#include "util/error.h"

/* Mount spec's rootfs at spec->mountpoint in the calling process's mount
 * namespace (root in spec's user namespace); the daemon stays there until
 * the caller exits.  */
int rootfs_fuse_mount (const struct run_spec *spec, galley_error_t *err);

struct fuse_daemon
{
  pid_t pid; /* -1: none */
};

#define FUSE_DAEMON_INIT \
  {                      \
    .pid = -1            \
  }

/* A FUSE file system's daemon, run in the foreground (it unmounts and
 * exits on SIGTERM).  */
struct fuse_helper
{
  const char *name;          /* for messages: "fuse-overlayfs" */
  char *path;                /* the executable */
  char **argv;               /* its command line, argv[0] its name */
  const char *target, *what; /* the mount point it makes, and what it is */
  const char *log;           /* a container's daemon's messages: that file in its state_dir */
};

/* Run h as a child of the caller that gets SIGTERM when the caller
 * ends, and return once h->target is mounted (the caller is root in a
 * user namespace, with a mount namespace of its own).  */
int fuse_helper_mount_in_place (const struct fuse_helper *h, galley_error_t *err);

/* Run h in the user and mount namespaces of the container init `init`
 * (cloned, maps written, not yet going on), outside its pid namespace,
 * and return once h->target is mounted there; its messages go to h->log
 * in spec->state_dir.  */
int fuse_helper_start (const struct run_spec *spec, pid_t init, const struct fuse_helper *h,
                       struct fuse_daemon *d, galley_error_t *err);

/* Mount the rootfs of spec at spec->mountpoint in the mount namespace of
 * the container init `init` (cloned, maps written, not yet going on),
 * and return once it is mounted; the daemon's messages go to
 * fuse-overlayfs.log in spec->state_dir.  */
int fuse_daemon_start (const struct run_spec *spec, pid_t init, struct fuse_daemon *d, galley_error_t *err);

/* Stop the daemon (the container has exited) and reap it.  */
void fuse_daemon_stop (struct fuse_daemon *d);

#endif
