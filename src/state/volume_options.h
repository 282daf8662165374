/* The options of the local volume driver (`volume create -o KEY=VALUE`),
 * podman's keys: type=tmpfs|bind, device=PATH, o=uid=N,gid=N,size=S,
 * mode=M,nr_inodes=N,ro,rw,[no]dev,[no]exec,[no]suid,bind, size, inodes,
 * uid, gid, noquota, copy, nocopy.  Checked at creation (an unknown key or
 * value, a bind device that does not exist, a size without type=tmpfs:
 * galley has no quota for plain volumes) and read again at each start.
 * Rootless, a volume cannot mount devices: type is a plain directory
 * (the default), a tmpfs or a bind of a host directory.  */
#ifndef GALLEY_STATE_VOLUME_OPTIONS_H
#define GALLEY_STATE_VOLUME_OPTIONS_H

#include <stdbool.h>
#include <sys/types.h>

#include <json-c/json.h>

#include "util/error.h"

enum volume_type
{
  VOLUME_TYPE_DIR,   /* storage/volumes/NAME/_data */
  VOLUME_TYPE_TMPFS, /* a tmpfs of each container's own */
  VOLUME_TYPE_BIND,  /* the host directory device= */
};

struct volume_options
{
  enum volume_type type;
  char *device;            /* bind: the absolute host path */
  bool readonly;           /* o=ro */
  unsigned long flags_on;  /* MS_NODEV|MS_NOEXEC|MS_NOSUID asked for (o=nodev) */
  unsigned long flags_off; /* ... and asked off (o=dev) */
  char *tmpfs_data;        /* tmpfs: "size=..,mode=..,nr_inodes=..,uid=..,gid=.." */
  bool set_owner;          /* uid= or gid=: the volume's root belongs to them */
  uid_t uid;               /* (default 0) */
  gid_t gid;               /* (default 0) */
  bool nocopy;             /* nocopy: never filled from an image */
};

/* Parse the "Options" object of a volume (string -> string; NULL: none).
 * check_device: also that a bind's device exists (at creation).  */
int volume_options_parse (json_object *options, bool check_device, struct volume_options *out,
                          galley_error_t *err);
void volume_options_clear (struct volume_options *o);

#endif
