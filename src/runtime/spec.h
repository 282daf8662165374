/* What a container is started with: the complete, already validated
 * configuration the monitor hands to the container init (rootfs, mounts,
 * process, security).  Filled by the CLI (run/create/start), consumed by
 * runtime/process.c and runtime/init.c (runtime/mount_args.h parses the
 * mounts).  */
#ifndef GALLEY_RUNTIME_SPEC_H
#define GALLEY_RUNTIME_SPEC_H

#include <stdbool.h>
#include <stddef.h>

#include "ns/idmap.h"
#include "runtime/caps.h"
#include "runtime/cgroup.h"
#include "runtime/devices.h"
#include "runtime/envfile.h"
#include "runtime/hook_set.h"
#include "runtime/namespaces.h"
#include "runtime/network.h"
#include "runtime/passwd.h"
#include "state/ulimit.h"
#include "util/error.h"

enum rootfs_method
{
  ROOTFS_METHOD_NATIVE, /* kernel overlay inside the user namespace */
  ROOTFS_METHOD_FUSE,   /* fuse-overlayfs */
  ROOTFS_METHOD_COPY,   /* the layers copied into the container's dir */
  ROOTFS_METHOD_DIR,    /* --rootfs DIR: an exploded rootfs used as is */
  ROOTFS_METHOD_EMPTY,  /* a read-only empty tmpfs, no command: a pod's infra container, whose
                         * init only holds the namespaces the pod shares (reaper_pause) */
};

enum mount_kind
{
  MOUNT_KIND_BIND,
  MOUNT_KIND_TMPFS,
};

struct mount_spec
{
  enum mount_kind kind;
  char *source;      /* bind: absolute host path (a volume: its _data once resolved) */
  char *destination; /* absolute, clean container path */
  bool readonly;
  bool recursive;      /* rbind (the default) or bind */
  unsigned long flags; /* MS_NOSUID|MS_NODEV|MS_NOEXEC asked for */
  char *data;          /* tmpfs: "size=...,mode=..." */
  char *volume;        /* a named volume's name */
  bool anonymous;      /* a volume without a name yet (-v /dst) */
  bool copy_up;        /* a volume (when empty) or a tmpfs (tmpcopyup, the default): filled from the
                        * image's directory at destination */
  bool chown_to_user;  /* a volume with :U: chown it to the container's user */
  bool set_owner;      /* a volume created with o=uid=,gid=: its root belongs to them */
  uid_t owner_uid;
  gid_t owner_gid;
  bool secret; /* a secret's copy (state/container_secrets.h): given owner_uid, owner_gid and
                * secret_mode before it is mounted, read-only */
  mode_t secret_mode;
};

enum network_mode
{
  NETWORK_NONE,
  NETWORK_HOST,
};

struct run_spec
{
  char *id; /* 64 hex */
  char *name;
  struct idmap map;
  /* keep-id over subordinate ids: the user's own map, which the image's
   * layers were stored through and which map rearranges; the rootfs shows
   * the layers through the difference (idmap_view_of), and its upper
   * directory is written through this map too.  n_uid == 0 otherwise: the
   * rootfs is seen as stored.  */
  struct idmap store_map;
  /* keep-id without uid=/gid=: the calling user, whom the container's
   * /etc/passwd and /etc/group name (passwd_add.h); name NULL otherwise.  */
  struct passwd_host_user keep_user;
  bool no_passwd_entries; /* add none at all (build's RUN) */

  /* rootfs */
  enum rootfs_method rootfs_method;
  char *rootfs_dir;  /* ROOTFS_METHOD_DIR / COPY: the directory */
  char **lower_dirs; /* overlay lowers, bottom first, NULL-terminated */
  /* Some lowers are from a read-only image store that another user made:
   * their owners are no ids of this user's map, so fuse-overlayfs shows
   * every file as root's (squash_to_root), which a native overlay cannot.  */
  bool foreign_lowers;
  char *upper_dir, *work_dir;
  char *mountpoint; /* where the init mounts the rootfs (in the runroot) */
  /* ROOTFS_METHOD_FUSE: the helper, found before the init forgets the
   * environment (runtime/enter.h); NULL: looked up when mounting.  */
  char *fuse_overlayfs;
  /* A SquashFS image (runtime/rootfs_squash.h): the file, where
   * squashfuse_ll mounts it (the one lower dir), and squashfuse_ll;
   * NULL otherwise.  */
  char *squash_file, *squash_mount, *squashfuse;
  char *state_dir; /* per-container volatile dir: hosts, resolv.conf, hostname */

  /* process */
  char **argv;              /* entrypoint + cmd, NULL-terminated, non-empty */
  char **image_env;         /* "NAME=value", NULL-terminated, may be NULL */
  struct env_list user_env; /* -e/--env-file, command-line order */
  char *user;               /* --user or the image's User; NULL = root */
  char *workdir;            /* absolute; NULL = "/" */
  char *hostname;
  bool tty, interactive, init, read_only, privileged, no_new_privs;
  int preserve_fds;
  enum network_mode network; /* NETWORK_NONE: a private netns (slirp4netns or none, see net) */
  bool uts_joined;           /* its pod's UTS namespace: the hostname is the pod's, set already */
  char *shm_dir;             /* its pod's /dev/shm (the pod shares its IPC namespace), bind
                              * mounted; NULL: a tmpfs of its own */
  struct network_spec net;
  struct ns_options ns; /* the host's pid, ipc, uts namespaces; /dev/shm; groups */

  struct mount_spec *mounts;
  size_t n_mounts;
  struct ulimit *ulimits;
  size_t n_ulimits;
  struct device_spec *devices;
  size_t n_devices;
  gid_t *extra_gids; /* supplementary groups the process gets besides its user's (CDI) */
  size_t n_extra_gids;
  struct hook_set hooks; /* OCI hooks (runtime/hooks.h) */
  struct caps_set caps;
  char *seccomp_profile; /* NULL: the default; "unconfined": none */
  /* Changes to ids the map lacks succeed as no-ops (runtime/unmapped_ids.h).  */
  bool ignore_unmapped_ids;
  struct cgroup_limits limits;
};

void run_spec_clear (struct run_spec *s);
#define _cleanup_run_spec_ __attribute__ ((cleanup (run_spec_clear)))

/* The map the owners of the container's upper directory were written
 * through: store_map when the rootfs is remapped, else map.  */
const struct idmap *run_spec_upper_map (const struct run_spec *s);
void mount_spec_clear (struct mount_spec *m);
int mount_spec_copy (const struct mount_spec *src, struct mount_spec *dst, galley_error_t *err);

/* The container exit status for a waitpid status: the code, or 128+N.  */
int run_exit_status (int wait_status);

#endif
