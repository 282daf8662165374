/* Filesystem helpers shared by the store, the state records and the runtime:
 * atomic writes, directory creation, whole-file reads.  */
#ifndef GALLEY_FS_H
#define GALLEY_FS_H

#include <stddef.h>
#include <sys/types.h>

#include "util/error.h"

/* Write data to dirfd/name atomically: a temporary name in the same
 * directory, fsync, rename, fsync of the directory.  dirfd may be AT_FDCWD.  */
int fs_write_atomic (int dirfd, const char *name, const void *data, size_t len, mode_t mode,
                     galley_error_t *err);

/* Create a new file to be renamed over dirfd/name later:
 * "<name>.tmp-<pid>-<random>", opened O_WRONLY | O_CREAT | O_EXCL |
 * O_NOFOLLOW | O_CLOEXEC plus `flags` (e.g. O_APPEND), so that nothing
 * planted under a predictable name (a symlink, a FIFO, a file of another
 * owner) is ever opened.  The pid lets a cleaner tell a dead writer's
 * leftovers.  Returns the fd and the name in *tmp_out, or -1.  */
int fs_create_temp (int dirfd, const char *name, int flags, mode_t mode, char **tmp_out, galley_error_t *err);

/* Create or truncate dirfd/name (never following a symlink there, never
 * waiting on a FIFO, refusing anything but a regular file) and write text
 * to it: no fsync, no rename, for volatile files (the runroot) that nobody
 * reads while they are written.  */
int fs_write_text (int dirfd, const char *name, const char *text, mode_t mode, galley_error_t *err);

/* write(2) all of buf, retrying short writes and EINTR, and waiting on a
 * nonblocking fd that is full.  0, or -1 with errno.  */
int fs_write_all (int fd, const void *buf, size_t len);

/* Read a whole (regular) file, at most max_size bytes (0: no limit).  The
 * result is NUL-terminated; *len_out (if not NULL) excludes the NUL.  A
 * FIFO or device is refused without blocking on it.  */
int fs_read_file (int dirfd, const char *name, size_t max_size, char **out, size_t *len_out,
                  galley_error_t *err);

/* The same from an open fd (a pipe too), to its end; name is for messages.  */
int fs_read_fd (int fd, const char *name, size_t max_size, char **out, size_t *len_out, galley_error_t *err);

/* openat2(2) of path resolved inside rootfd as if rootfd were "/"
 * (RESOLVE_IN_ROOT plus `resolve`, e.g. RESOLVE_NO_MAGICLINKS), O_CLOEXEC
 * added; leading slashes are dropped and "" means rootfd itself.  The
 * kernel answers EAGAIN when a rename or mount raced with the lookup: that
 * is retried here, so callers only see real failures.  Returns the fd, or -1
 * with errno set.  */
int fs_open_in_root (int rootfd, const char *path, int flags, unsigned long long resolve);

/* openat2(2) of path from dirfd with exactly `resolve` (RESOLVE_BENEATH,
 * ...), O_CLOEXEC added, EAGAIN retried as above; "" means dirfd itself.  */
int fs_openat2 (int dirfd, const char *path, int flags, unsigned long long resolve);

/* mkdir -p with the given mode for each created component.  */
int fs_mkdir_p (const char *path, mode_t mode, galley_error_t *err);

/* fd itself when it is at least min, else a close-on-exec duplicate at
 * min or above (fd is closed): keeps an fd out of a range that a child
 * inherits (a container's preserved fds).  -1 with errno on failure.  */
int fs_fd_above (int fd, int min);

/* rm -rf of dirfd/name; never follows symlinks, never crosses mount points.
 * A missing name is not an error.  */
int fs_remove_tree (int dirfd, const char *name, galley_error_t *err);

/* Copy size bytes of in (from its offset) to out: copy_file_range where
 * the filesystems allow it, read/write where not.  A file that shrinks
 * meanwhile ends the copy early.  */
int fs_copy_data (int in, int out, off_t size, galley_error_t *err);

/* A path (absolute or not) lexically cleaned into a relative one without
 * ".", ".." or empty components (".." at the top stays at the top, as the
 * kernel does for RESOLVE_IN_ROOT): "/a/./b//../c" -> "a/c", "/" -> "".
 * malloc'ed.  */
char *fs_clean_relative (const char *path);

#endif
