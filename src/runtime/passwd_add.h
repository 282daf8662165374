/* The /etc/passwd and /etc/group entries a container gets, by podman 4.3's
 * rules: --userns=keep-id's calling user, and a numeric --user (or
 * keep-id:uid=,gid=) that the image does not name.  */
#ifndef GALLEY_RUNTIME_PASSWD_ADD_H
#define GALLEY_RUNTIME_PASSWD_ADD_H

#include "runtime/passwd.h"
#include "runtime/spec.h"
#include "util/error.h"

struct passwd_additions
{
  const char *user;                    /* the container's user spec; NULL: root */
  const struct passwd_host_user *keep; /* keep-id's calling user; NULL: none */
  const char *keep_home;               /* keep's home in the container */
  const char *workdir;                 /* the container's working directory */
};

/* The lines to append to the image's passwd_text and group_text (NULL: no
 * such file) for a: *passwd_add and *group_add, malloc'd, "" when nothing.
 * keep gets "name:*:uid:gid:gecos:keep_home:/bin/sh" and
 * "group:x:gid:name" unless the image has its name or id; a numeric user
 * gets "UID:*:UID:GID:container user:workdir:/bin/sh" (GID from the spec's
 * group, else 0) and a numeric group (the spec's, else the uid)
 * "GID:x:GID:user".  */
int passwd_additions_compute (const struct passwd_additions *a, const char *passwd_text,
                              const char *group_text, char **passwd_add, char **group_add,
                              galley_error_t *err);

/* In the container init, with the rootfs mounted at rootfd (and the user's
 * mounts): append spec's entries to its /etc/passwd and /etc/group (so
 * that useradd and adduser can still replace them), or with --read-only
 * bind-mount extended copies from spec->state_dir over them.  A file with
 * a user's mount on it is left alone.  Nothing is read when spec asks for
 * no entry (no keep-id, no numeric user).  */
int passwd_add_entries (int rootfd, const struct run_spec *spec, galley_error_t *err);

#endif
