/* Finding the helper programs galley runs (newuidmap, newgidmap,
 * fuse-overlayfs, slirp4netns) and telling their versions for `info`.  */
#ifndef GALLEY_HELPERS_H
#define GALLEY_HELPERS_H

/* Search $GALLEY_HELPER_DIR, galley.conf's helper_binaries_dir, /usr/local/libexec/galley,
 * /usr/libexec/galley, /usr/libexec/podman, then $PATH (and /usr/sbin, /usr/bin when PATH lacks them, as on
 * minimal batch environments).  Returns a malloc'd absolute path of an executable file, or NULL: callers
 * decide whether that is an error.  */
char *helper_find (const char *name);

/* A one-line version for `info`: the first line of `PATH --version` when the
 * program has one, else the version of the Debian package that ships it.
 * NULL when neither is known.  */
char *helper_version (const char *path);

/* Why a helper failed: the first line of its log (name in dirfd) that is
 * not empty and does not start with noise (its warnings); malloc'd, NULL
 * when there is none.  */
char *helper_log_reason (int dirfd, const char *name, const char *noise);

#endif
