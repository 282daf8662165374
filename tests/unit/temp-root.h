/* Test helper shared by the unit tests that need a private store: a fresh
 * temporary directory holding the storage root (and runroot), and its
 * removal with everything created under it.  */
#ifndef GALLEY_TEST_TEMP_ROOT_H
#define GALLEY_TEST_TEMP_ROOT_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "state/paths.h"
#include "util/fs.h"

/* dir := /tmp/galley-<test>-XXXXXX (created); paths: the caller's ids,
 * root = dir/<root_name> and, when runroot_name is not NULL, runroot =
 * dir/<runroot_name> (neither created).  */
static inline void
temp_root_make (char dir[64], const char *test, struct galley_paths *paths, const char *root_name,
                const char *runroot_name)
{
  snprintf (dir, 64, "/tmp/galley-%s-XXXXXX", test);
  assert_non_null (mkdtemp (dir));
  paths->uid = getuid ();
  paths->gid = getgid ();
  assert_true (asprintf (&paths->root, "%s/%s", dir, root_name) > 0);
  if (runroot_name != NULL)
    assert_true (asprintf (&paths->runroot, "%s/%s", dir, runroot_name) > 0);
}

/* Remove dir and free what temp_root_make allocated in paths.  */
static inline void
temp_root_remove (const char *dir, struct galley_paths *paths)
{
  galley_error_t err = NULL;

  fs_remove_tree (AT_FDCWD, dir, &err);
  galley_error_release (&err);
  free (paths->root);
  free (paths->runroot);
  paths->root = paths->runroot = NULL;
}

#endif
