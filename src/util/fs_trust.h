/* Whether a path is out of reach of other users: what galley runs or reads
 * as instructions from a shared place (OCI hooks, their hooks.d files, CDI
 * specs) must not be replaceable by anyone but root and the user.  */
#ifndef GALLEY_UTIL_FS_TRUST_H
#define GALLEY_UTIL_FS_TRUST_H

#include "util/error.h"

/* Walk the absolute path from "/", following symlinks as the kernel would,
 * and check the file it names and every directory the walk passes through
 * (those holding the symlinks included): each must belong to root or to
 * the caller (geteuid), and none may be writable by group or others, but
 * for a root-owned sticky directory above the file (such as /tmp, where
 * only an entry's owner may replace it).  0 when so; -1 with errno ENOENT
 * when the path does not exist, EPERM naming the first offending path and
 * why when it is not trusted, and other errnos for other failures.  */
int fs_path_trusted (const char *path, galley_error_t *err);

#endif
