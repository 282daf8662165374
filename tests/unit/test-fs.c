/* Unit tests of src/util/fs.c: atomic writes, whole-file reads, tree
 * removal, lookups confined to a root that survive rename races;
 * temporary names nobody can guess, FIFOs that never block, and whole
 * writes to a nonblocking fd.  */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/cleanup.h"
#include "util/fs.h"

static char *
make_tmpdir (void)
{
  char *d = strdup ("/tmp/galley-test-fs-XXXXXX");
  assert_non_null (mkdtemp (d));
  return d;
}

static void
test_write_atomic_and_read (void **state)
{
  _cleanup_free_ char *dir = make_tmpdir ();
  _cleanup_close_ int dfd = open (dir, O_RDONLY | O_DIRECTORY);
  _cleanup_free_ char *data = NULL;
  galley_error_t err = NULL;
  size_t len = 0;

  assert_int_equal (fs_write_atomic (dfd, "f.json", "{}", 2, 0600, &err), 0);
  assert_int_equal (fs_read_file (dfd, "f.json", 0, &data, &len, &err), 0);
  assert_int_equal (len, 2);
  assert_string_equal (data, "{}");
  /* A size cap is an error naming the file.  */
  assert_int_equal (fs_read_file (dfd, "f.json", 1, &data, &len, &err), -1);
  assert_non_null (strstr (err->msg, "f.json"));
  galley_error_release (&err);
  assert_int_equal (fs_remove_tree (AT_FDCWD, dir, &err), 0);
  assert_int_equal (access (dir, F_OK), -1);
}

static void
test_open_in_root_confines (void **state)
{
  _cleanup_free_ char *dir = make_tmpdir ();
  _cleanup_close_ int root = -1;
  galley_error_t err = NULL;
  int fd;

  root = open (dir, O_PATH | O_DIRECTORY);
  assert_int_equal (mkdirat (root, "etc", 0755), 0);
  assert_int_equal (symlinkat ("/etc", root, "escape"), 0);
  /* "/etc/passwd" through an absolute symlink stays inside the root.  */
  fd = fs_open_in_root (root, "/escape/passwd", O_RDONLY, 0);
  assert_int_equal (fd, -1);
  assert_int_equal (errno, ENOENT);
  fd = fs_open_in_root (root, "/../../etc", O_PATH, 0);
  assert_true (fd >= 0);
  close (fd);
  fd = fs_open_in_root (root, "", O_PATH, 0);
  assert_true (fd >= 0);
  close (fd);
  assert_int_equal (fs_remove_tree (AT_FDCWD, dir, &err), 0);
}

/* Temporary files are new files under fresh names: "<name>.tmp-<pid>-"
 * and a random part, never one that already exists.  */
static void
test_create_temp (void **state)
{
  _cleanup_free_ char *dir = make_tmpdir (), *a = NULL, *b = NULL, *prefix = NULL;
  _cleanup_close_ int dfd = open (dir, O_RDONLY | O_DIRECTORY), fa = -1, fb = -1;
  galley_error_t err = NULL;
  struct stat st;

  assert_true (asprintf (&prefix, "f.tmp-%d-", (int)getpid ()) > 0);
  fa = fs_create_temp (dfd, "f", 0, 0640, &a, &err);
  fb = fs_create_temp (dfd, "f", O_APPEND, 0600, &b, &err);
  assert_true (fa >= 0 && fb >= 0);
  assert_int_equal (strncmp (a, prefix, strlen (prefix)), 0);
  assert_int_equal (strncmp (b, prefix, strlen (prefix)), 0);
  assert_int_equal (strlen (a), strlen (prefix) + 16);
  assert_string_not_equal (a, b);
  assert_int_equal (fstatat (dfd, a, &st, 0), 0);
  assert_int_equal (st.st_mode & 07777, 0640 & ~umask (022));
  assert_int_equal (fcntl (fb, F_GETFL) & O_APPEND, O_APPEND);
  assert_int_equal (fs_remove_tree (AT_FDCWD, dir, &err), 0);
}

/* A FIFO where a file is expected (planted by someone, or left by a
 * crash) is refused at once, never waited on: the test would be killed by
 * its alarm otherwise.  Atomic writes never open an existing name.  */
static void
test_fifos_never_block (void **state)
{
  _cleanup_free_ char *dir = make_tmpdir (), *data = NULL, *planted = NULL;
  _cleanup_close_ int dfd = open (dir, O_RDONLY | O_DIRECTORY);
  galley_error_t err = NULL;

  alarm (10);
  assert_int_equal (mkfifoat (dfd, "fifo", 0600), 0);
  assert_int_equal (fs_read_file (dfd, "fifo", 0, &data, NULL, &err), -1);
  galley_error_release (&err);
  assert_int_equal (fs_write_text (dfd, "fifo", "x", 0600, &err), -1);
  galley_error_release (&err);
  /* the name fs_write_atomic used before random names */
  assert_true (asprintf (&planted, "g.tmp-%d", (int)getpid ()) > 0);
  assert_int_equal (mkfifoat (dfd, planted, 0600), 0);
  assert_int_equal (fs_write_atomic (dfd, "g", "{}", 2, 0600, &err), 0);
  assert_int_equal (fs_read_file (dfd, "g", 0, &data, NULL, &err), 0);
  assert_string_equal (data, "{}");
  alarm (0);
  assert_int_equal (fs_remove_tree (AT_FDCWD, dir, &err), 0);
}

struct renamer
{
  int root;
  volatile bool stop;
};

static void *
rename_loop (void *arg)
{
  struct renamer *r = arg;

  while (! r->stop)
    {
      renameat (r->root, "x", r->root, "y");
      renameat (r->root, "y", r->root, "x");
    }
  return NULL;
}

/* With ".." in the path, the kernel answers EAGAIN when any rename races
 * with an RESOLVE_IN_ROOT lookup; on a busy machine a pull saw exactly that
 * ("opening directory up in the layer: Resource temporarily unavailable").
 * fs_open_in_root must never pass EAGAIN on.  */
static void
test_open_in_root_retries_rename_races (void **state)
{
  _cleanup_free_ char *dir = make_tmpdir ();
  struct renamer r = { .stop = false };
  galley_error_t err = NULL;
  pthread_t thread;
  int i, fd, eagain = 0;

  r.root = open (dir, O_PATH | O_DIRECTORY);
  assert_int_equal (mkdirat (r.root, "a", 0755), 0);
  assert_int_equal (mkdirat (r.root, "x", 0755), 0);
  assert_int_equal (pthread_create (&thread, NULL, rename_loop, &r), 0);
  for (i = 0; i < 20000; i++)
    {
      fd = fs_open_in_root (r.root, "a/../a/../a", O_PATH, 0);
      if (fd < 0 && errno == EAGAIN)
        eagain++;
      if (fd >= 0)
        close (fd);
    }
  r.stop = true;
  pthread_join (thread, NULL);
  assert_int_equal (eagain, 0);
  close (r.root);
  assert_int_equal (fs_remove_tree (AT_FDCWD, dir, &err), 0);
}

static void *
drain_pipe (void *arg)
{
  int fd = *(int *)arg;
  char buf[4096];
  size_t total = 0;
  ssize_t n;

  while ((n = read (fd, buf, sizeof buf)) > 0)
    total += (size_t)n;
  return (void *)(uintptr_t)total;
}

/* A nonblocking fd that is full (a terminal or pipe someone else made
 * nonblocking, as the user's stdout can be) makes fs_write_all wait, not
 * fail with EAGAIN.  */
static void
test_write_all_waits_on_a_full_nonblocking_fd (void **state)
{
  static char data[1 << 20];
  int p[2];
  pthread_t thread;
  void *total;

  (void)state;
  assert_int_equal (pipe2 (p, O_NONBLOCK), 0);
  /* (only the writer's end stays nonblocking) */
  assert_int_equal (fcntl (p[0], F_SETFL, 0), 0);
  assert_int_equal (pthread_create (&thread, NULL, drain_pipe, &p[0]), 0);
  assert_int_equal (fs_write_all (p[1], data, sizeof data), 0);
  close (p[1]);
  pthread_join (thread, &total);
  assert_int_equal ((uintptr_t)total, sizeof data);
  close (p[0]);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_write_atomic_and_read),
    cmocka_unit_test (test_create_temp),
    cmocka_unit_test (test_fifos_never_block),
    cmocka_unit_test (test_open_in_root_confines),
    cmocka_unit_test (test_open_in_root_retries_rename_races),
    cmocka_unit_test (test_write_all_waits_on_a_full_nonblocking_fd),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
