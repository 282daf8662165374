/* Unit tests: regenerating a layer tar from an extracted layer (save):
 * whiteout back-conversion (device, kept ".wh." file, opaque xattr or
 * marker file), entry order, metadata, hardlinks, gzip, and that
 * extract -> write -> extract -> write is a fixed point.  */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include "image/layer_extract.h"
#include "image/layer_tar.h"
#include "image/whiteout.h"
#include "layer-tar.h"
#include "util/cleanup.h"

#define N(a) (sizeof (a) / sizeof (a)[0])

static void
test_classify (void **state)
{
  struct stat reg = { .st_mode = S_IFREG | 0644 }, dir = { .st_mode = S_IFDIR | 0755 };
  struct stat dev = { .st_mode = S_IFCHR, .st_rdev = makedev (0, 0) };
  struct stat tty = { .st_mode = S_IFCHR | 0666, .st_rdev = makedev (5, 0) };
  struct stat sock = { .st_mode = S_IFSOCK | 0755 };
  const char *target = NULL;
  char *name;

  (void)state;
  assert_int_equal (layer_tar_classify ("foo", &reg, NULL), LAYER_TAR_ENTRY);
  assert_int_equal (layer_tar_classify ("foo", &dir, NULL), LAYER_TAR_ENTRY);
  assert_int_equal (layer_tar_classify ("tty", &tty, NULL), LAYER_TAR_ENTRY);
  assert_int_equal (layer_tar_classify ("s", &sock, NULL), LAYER_TAR_SKIP);
  assert_int_equal (layer_tar_classify ("gone", &dev, &target), LAYER_TAR_WHITEOUT);
  assert_string_equal (target, "gone");
  assert_int_equal (layer_tar_classify (".wh.gone", &reg, &target), LAYER_TAR_WHITEOUT);
  assert_string_equal (target, "gone");
  assert_int_equal (layer_tar_classify (".wh.gone", &dir, NULL), LAYER_TAR_SKIP);
  assert_int_equal (layer_tar_classify (".wh..wh..opq", &reg, NULL), LAYER_TAR_OPAQUE);
  assert_int_equal (layer_tar_classify (".wh..wh.plnk", &reg, NULL), LAYER_TAR_SKIP);

  name = layer_tar_entry_name ("gone", &dev);
  assert_string_equal (name, ".wh.gone");
  free (name);
  name = layer_tar_entry_name (".wh.gone", &reg);
  assert_string_equal (name, ".wh.gone");
  free (name);
  name = layer_tar_entry_name ("plain", &reg);
  assert_string_equal (name, "plain");
  free (name);
}

struct read_entry
{
  char path[256];
  mode_t type;
  unsigned perm, uid, gid;
  long long size;
  char link[256]; /* symlink or hardlink target */
  char data[64];
};

/* Read back every entry of a (possibly gzip) tar in fd.  */
static size_t
read_tar (int fd, struct read_entry *out, size_t max)
{
  struct archive *a = archive_read_new ();
  struct archive_entry *e;
  size_t n = 0;

  archive_read_support_format_tar (a);
  archive_read_support_filter_all (a);
  assert_int_equal (lseek (fd, 0, SEEK_SET), 0);
  assert_int_equal (archive_read_open_fd (a, fd, 4096), ARCHIVE_OK);
  while (archive_read_next_header (a, &e) == ARCHIVE_OK)
    {
      struct read_entry *r = &out[n++];
      assert_true (n <= max);
      memset (r, 0, sizeof *r);
      snprintf (r->path, sizeof r->path, "%s", archive_entry_pathname (e));
      r->type = archive_entry_filetype (e);
      r->perm = archive_entry_perm (e);
      r->uid = (unsigned)archive_entry_uid (e);
      r->gid = (unsigned)archive_entry_gid (e);
      r->size = archive_entry_size (e);
      if (archive_entry_symlink (e))
        snprintf (r->link, sizeof r->link, "%s", archive_entry_symlink (e));
      if (archive_entry_hardlink (e))
        snprintf (r->link, sizeof r->link, "%s", archive_entry_hardlink (e));
      if (r->size > 0 && r->size < (long long)sizeof r->data)
        archive_read_data (a, r->data, sizeof r->data - 1);
    }
  archive_read_free (a);
  return n;
}

static const struct read_entry *
find (const struct read_entry *v, size_t n, const char *path)
{
  size_t i;

  for (i = 0; i < n; i++)
    if (strcmp (v[i].path, path) == 0)
      return &v[i];
  return NULL;
}

static size_t
index_of (const struct read_entry *v, size_t n, const char *path)
{
  size_t i;

  for (i = 0; i < n; i++)
    if (strcmp (v[i].path, path) == 0)
      return i;
  fail_msg ("%s not in the tar", path);
  return 0;
}

struct layer_dir
{
  char *parent, *diff;
  int dfd;
};

static void
extract_blob (const struct test_blob *b, struct layer_dir *l)
{
  _cleanup_error_ galley_error_t err = NULL;
  struct layer_extract_options o = { 0 };
  int fd = test_blob_fd (b);

  l->diff = test_mkdtemp (&l->parent);
  if (layer_extract_fd (fd, l->diff, &o, NULL, &err) < 0)
    fail_msg ("extract: %s", err->msg);
  close (fd);
  l->dfd = open (l->diff, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  assert_true (l->dfd >= 0);
}

static void
layer_dir_release (struct layer_dir *l)
{
  close (l->dfd);
  test_rm_rf (l->parent);
  free (l->parent);
  free (l->diff);
}

/* layer_tar_write into a memfd.  */
static int
regenerate (int dfd, bool gzip, struct layer_tar_result *r)
{
  _cleanup_error_ galley_error_t err = NULL;
  int fd = memfd_create ("out", MFD_CLOEXEC);

  assert_true (fd >= 0);
  if (layer_tar_write (dfd, fd, gzip, r, &err) < 0)
    fail_msg ("layer_tar_write: %s", err->msg);
  return fd;
}

static const struct test_entry layer[] = {
  { T_DIR, "data/", NULL, 0755, 0, 0 },
  { T_FILE, "data/b.txt", "bee", 0640, 0, 0 },
  { T_FILE, "data/a.txt", "ay", 04755, 0, 0 },
  { T_FILE, "data/.wh.gone", NULL, 0, 0, 0 },
  { T_DIR, "data/opq/", NULL, 0700, 0, 0 },
  { T_FILE, "data/opq/.wh..wh..opq", NULL, 0, 0, 0 },
  { T_FILE, "data/opq/new", "new", 0, 0, 0 },
  { T_SYMLINK, "data/link", "a.txt", 0, 0, 0 },
  { T_HARDLINK, "data/hard", "data/b.txt", 0, 0, 0 },
  { T_FILE, "zz", "last", 0, 0, 0 },
  { T_FILE, ".wh.lower", NULL, 0, 0, 0 },
  { T_FIFO, "fifo", NULL, 0600, 0, 0 },
};

static void
test_round_trip (void **state)
{
  struct test_blob b = test_make_layer (layer, N (layer), "none");
  struct layer_dir l;
  struct layer_tar_result r = { 0 };
  struct read_entry v[64];
  const struct read_entry *e;
  size_t n, i;
  int fd;

  (void)state;
  extract_blob (&b, &l);
  free (b.data);
  fd = regenerate (l.dfd, false, &r);
  assert_string_equal (r.diff_id, r.blob_digest);
  assert_int_equal (r.size, r.blob_size);
  assert_int_equal (lseek (fd, 0, SEEK_END), (off_t)r.size);
  /* Two zero blocks at the end, no 10 KiB record padding.  */
  assert_int_equal (r.size % 512, 0);
  n = read_tar (fd, v, N (v));

  /* Sorted depth-first, the root itself not listed.  */
  for (i = 1; i < n; i++)
    if (strchr (v[i].path, '/') == NULL && strchr (v[i - 1].path, '/') == NULL)
      assert_true (strcmp (v[i - 1].path, v[i].path) < 0);
  assert_string_equal (v[0].path, ".wh.lower");
  assert_true (index_of (v, n, "data/") < index_of (v, n, "data/.wh.gone"));
  assert_true (index_of (v, n, "data/.wh.gone") < index_of (v, n, "data/a.txt"));
  assert_true (index_of (v, n, "data/a.txt") < index_of (v, n, "data/b.txt"));
  /* The opaque marker directly after its directory.  */
  assert_int_equal (index_of (v, n, "data/opq/.wh..wh..opq"), index_of (v, n, "data/opq/") + 1);
  assert_true (index_of (v, n, "data/opq/new") > index_of (v, n, "data/opq/.wh..wh..opq"));
  assert_true (index_of (v, n, "zz") > index_of (v, n, "data/opq/new"));

  e = find (v, n, "data/.wh.gone");
  assert_non_null (e);
  assert_int_equal (e->type, AE_IFREG);
  assert_int_equal (e->size, 0);
  e = find (v, n, "data/a.txt");
  assert_int_equal (e->perm, 04755);
  assert_string_equal (e->data, "ay");
  e = find (v, n, "data/opq/");
  assert_int_equal (e->type, AE_IFDIR);
  assert_int_equal (e->perm, 0700);
  e = find (v, n, "data/link");
  assert_int_equal (e->type, AE_IFLNK);
  assert_string_equal (e->link, "a.txt");
  /* One of the two names carries the data, the other links to it.  */
  e = find (v, n, "data/hard");
  assert_string_equal (e->link, "data/b.txt");
  assert_int_equal (find (v, n, "data/b.txt")->size, 3);
  assert_int_equal (find (v, n, "fifo")->type, AE_IFIFO);
  assert_null (find (v, n, "data/gone"));
  close (fd);
  layer_dir_release (&l);
}

/* extract(regenerated) regenerates to the same bytes: save, load, save
 * keeps the diff ids (and the image id).  */
static void
test_fixed_point (void **state)
{
  struct test_blob b = test_make_layer (layer, N (layer), "gzip");
  struct layer_tar_result r1 = { 0 }, r2 = { 0 }, g1 = { 0 }, g2 = { 0 };
  struct layer_dir l1, l2;
  struct test_blob again;
  int fd, gz;

  (void)state;
  extract_blob (&b, &l1);
  free (b.data);
  fd = regenerate (l1.dfd, false, &r1);
  again.len = (size_t)r1.size;
  again.data = malloc (again.len);
  assert_int_equal (pread (fd, again.data, again.len, 0), (ssize_t)again.len);
  close (fd);
  sleep (1); /* a different extraction time must not matter */
  extract_blob (&again, &l2);
  free (again.data);
  close (regenerate (l2.dfd, false, &r2));
  assert_string_equal (r1.diff_id, r2.diff_id);

  /* gzip: the same tar inside, a deterministic blob.  */
  gz = regenerate (l1.dfd, true, &g1);
  close (regenerate (l2.dfd, true, &g2));
  assert_string_equal (g1.diff_id, r1.diff_id);
  assert_string_not_equal (g1.blob_digest, g1.diff_id);
  assert_string_equal (g1.blob_digest, g2.blob_digest);
  assert_int_equal (g1.size, r1.size);
  {
    struct read_entry v[64];
    size_t n = read_tar (gz, v, N (v));
    assert_non_null (find (v, n, "data/opq/.wh..wh..opq"));
  }
  close (gz);
  layer_dir_release (&l1);
  layer_dir_release (&l2);
}

/* The forms extraction falls back to when mknod or user xattrs are
 * refused: a kept ".wh.NAME" file and a ".wh..wh..opq" file.  Both forms
 * of one whiteout in a directory give one entry.  */
static void
test_fallback_forms (void **state)
{
  char *parent, *diff = test_mkdtemp (&parent);
  struct layer_tar_result r = { 0 };
  struct read_entry v[16];
  int dfd, fd;
  size_t n;

  (void)state;
  dfd = open (diff, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  assert_true (dfd >= 0);
  assert_int_equal (mkdirat (dfd, "d", 0755), 0);
  close (openat (dfd, "d/.wh..wh..opq", O_CREAT | O_WRONLY, 0));
  close (openat (dfd, "d/.wh.x", O_CREAT | O_WRONLY, 0));
  close (openat (dfd, "d/keep", O_CREAT | O_WRONLY, 0644));
  if (mknodat (dfd, "d/x", S_IFCHR, makedev (0, 0)) < 0)
    assert_true (errno == EPERM || errno == EOPNOTSUPP);
  close (openat (dfd, ".wh..wh.plnk", O_CREAT | O_WRONLY, 0));
  fd = regenerate (dfd, false, &r);
  n = read_tar (fd, v, N (v));
  assert_int_equal (n, 4);
  assert_string_equal (v[0].path, "d/");
  assert_string_equal (v[1].path, "d/.wh..wh..opq");
  assert_string_equal (v[2].path, "d/.wh.x");
  assert_string_equal (v[3].path, "d/keep");
  assert_int_equal (v[2].perm, 0644);
  close (fd);
  close (dfd);
  test_rm_rf (parent);
  free (parent);
  free (diff);
}

/* Owners and an xattr that extraction kept come back; overlay's own
 * attribute (the opaque marker) does not appear as an xattr.  */
static void
test_owners_and_xattrs (void **state)
{
  char *parent, *diff = test_mkdtemp (&parent);
  struct layer_tar_result r = { 0 };
  struct archive *a;
  struct archive_entry *e;
  int dfd, fd, f, seen = 0;

  (void)state;
  dfd = open (diff, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  f = openat (dfd, "f", O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
  assert_true (f >= 0);
  if (fsetxattr (f, "user.test", "v", 1, 0) < 0)
    {
      close (f);
      close (dfd);
      test_rm_rf (parent);
      free (parent);
      free (diff);
      skip ();
    }
  fsetxattr (dfd, WHITEOUT_OPAQUE_XATTR, "y", 1, 0);
  if (geteuid () == 0)
    assert_int_equal (fchown (f, 1000, 1001), 0);
  close (f);
  fd = regenerate (dfd, false, &r);
  a = archive_read_new ();
  archive_read_support_format_tar (a);
  lseek (fd, 0, SEEK_SET);
  assert_int_equal (archive_read_open_fd (a, fd, 4096), ARCHIVE_OK);
  while (archive_read_next_header (a, &e) == ARCHIVE_OK)
    {
      const char *name;
      const void *value;
      size_t size;

      if (strcmp (archive_entry_pathname (e), ".wh..wh..opq") == 0)
        seen |= 1;
      if (strcmp (archive_entry_pathname (e), "f") != 0)
        continue;
      seen |= 2;
      if (geteuid () == 0)
        {
          assert_int_equal (archive_entry_uid (e), 1000);
          assert_int_equal (archive_entry_gid (e), 1001);
        }
      assert_int_equal (archive_entry_perm (e), 0600);
      assert_int_equal (archive_entry_xattr_reset (e), 1);
      assert_int_equal (archive_entry_xattr_next (e, &name, &value, &size), ARCHIVE_OK);
      assert_string_equal (name, "user.test");
      assert_memory_equal (value, "v", 1);
    }
  archive_read_free (a);
  assert_int_equal (seen, 3);
  close (fd);
  close (dfd);
  test_rm_rf (parent);
  free (parent);
  free (diff);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_classify),          cmocka_unit_test (test_round_trip),
    cmocka_unit_test (test_fixed_point),       cmocka_unit_test (test_fallback_forms),
    cmocka_unit_test (test_owners_and_xattrs),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
