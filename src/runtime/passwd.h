/* `--user user[:group]` resolved against the image's /etc/passwd and
 * /etc/group, read safely inside the (untrusted) rootfs.  */
#ifndef GALLEY_RUNTIME_PASSWD_H
#define GALLEY_RUNTIME_PASSWD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/error.h"

struct passwd_user
{
  uid_t uid;
  gid_t gid;
  char *name;    /* the passwd entry's name, NULL if none matched */
  char *home;    /* from passwd, "/" when there is no entry */
  gid_t *groups; /* supplementary groups (named users only), malloc'ed */
  size_t n_groups;
};

/* Resolve spec (NULL or "" -> uid 0; "1000", "bob", "bob:staff",
 * "1000:1000", ":wheel" = uid 0 with group wheel) with rootfs_fd the
 * container's root directory (files are opened with RESOLVE_IN_ROOT and
 * size-capped).  Numeric ids need no entry; a numeric uid without one gets
 * gid 0.  The passwd entry matched (by name, or by uid) brings the
 * supplementary groups listing it, unless a group was given.  Errors as
 * podman's: "unable to find user foo: no matching entries in passwd file".  */
int passwd_resolve_user (int rootfs_fd, const char *spec, struct passwd_user *out, galley_error_t *err);
void passwd_user_clear (struct passwd_user *u);

/* Add the groups (names or ids, as --group-add gives them) to u's
 * supplementary groups, names looked up in the container's /etc/group.  */
int passwd_add_groups (int rootfs_fd, char *const *groups, struct passwd_user *u, galley_error_t *err);

/* Read /relpath of the container's root rootfs_fd (RESOLVE_IN_ROOT, a
 * regular file, size-capped): *out NUL-terminated, or NULL when the file
 * does not exist.  */
int passwd_read_in_root (int rootfs_fd, const char *relpath, char **out, galley_error_t *err);

/* runc's lookup of a user or group by "name or number" in the text of an
 * /etc/passwd or /etc/group (text may be NULL): the first entry named spec,
 * or, when spec is a decimal id, with that id.  Returns 1 with the entry's
 * id in *id, or 0.  */
int passwd_lookup (const char *text, const char *spec, uint32_t *id);

/* The calling user as the host's passwd and group databases name it: what
 * --userns=keep-id adds to the container's files (passwd_add.h).  */
struct passwd_host_user
{
  char *name;  /* NULL: not known to the host (nothing is added) */
  char *gecos; /* up to the first ',' */
  char *home;
  char *group; /* the primary group's name */
  uid_t uid;
  gid_t gid;
};

/* Fill *out for getuid()/getgid(); a user or group the host does not know
 * leaves out->name NULL.  Fails only on allocation.  */
int passwd_host_user_current (struct passwd_host_user *out, galley_error_t *err);
void passwd_host_user_clear (struct passwd_host_user *u);

/* true when spec means root (NULL, "", "root", "0", "0:...", "root:...",
 * ":group"), podman's test for the capability rule.
 * Cheap and without the rootfs: for caps_compute before the rootfs exists.  */
bool passwd_spec_is_root (const char *spec);

#endif
