/* Unit tests: tar-split.  A layer tar recorded while it is extracted comes
 * back byte for byte from the extracted files -- pax, GNU and ustar forms,
 * long names, hard links, padding and bytes after the end marker --
 * compressed or not; a tar it cannot reproduce gets no split, and a split
 * whose files changed gives another diff_id or an error, never silently the
 * wrong tar under the right name.  */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>

#include "image/layer_extract.h"
#include "image/layer_split.h"
#include "layer-tar.h"

#define N(a) (sizeof (a) / sizeof (a)[0])

struct extracted
{
  char *parent, *diff, *split;
  struct layer_extract_result r;
};

static void
extract_with_split (const struct test_blob *b, struct extracted *x)
{
  struct layer_extract_options o = { 0 };
  galley_error_t err = NULL;
  int fd = test_blob_fd (b);

  x->diff = test_mkdtemp (&x->parent);
  if (asprintf (&x->split, "%s/%s", x->parent, LAYER_SPLIT_NAME) < 0)
    abort ();
  o.split_path = x->split;
  if (layer_extract_fd (fd, x->diff, &o, &x->r, &err) < 0)
    fail_msg ("extracting: %s", err->msg);
  close (fd);
}

static void
extracted_release (struct extracted *x)
{
  test_rm_rf (x->parent);
  free (x->parent);
  free (x->diff);
  free (x->split);
}

/* layer_split_write of x into a memfd; *out the bytes (malloc'd).  */
static int
write_back (const struct extracted *x, enum layer_compression c, struct layer_tar_result *res,
            unsigned char **out, galley_error_t *err)
{
  int sfd = open (x->split, O_RDONLY | O_CLOEXEC), dfd = open (x->diff, O_RDONLY | O_DIRECTORY);
  int ofd = memfd_create ("out", MFD_CLOEXEC);
  int ret;

  assert_true (sfd >= 0 && dfd >= 0 && ofd >= 0);
  ret = layer_split_write (sfd, dfd, ofd, c, res, err);
  if (ret == 0 && out != NULL)
    {
      *out = malloc (res->blob_size + 1);
      assert_int_equal (pread (ofd, *out, res->blob_size, 0), (ssize_t)res->blob_size);
    }
  close (sfd);
  close (dfd);
  close (ofd);
  return ret;
}

/* The tar comes back as it was, and gzip'd it has the same diff_id.  */
static void
assert_round_trip (const struct test_blob *tar)
{
  struct extracted x;
  struct layer_tar_result res;
  galley_error_t err = NULL;
  unsigned char *bytes = NULL;
  char want[72];

  extract_with_split (tar, &x);
  test_sha256 (tar->data, tar->len, want);
  assert_string_equal (x.r.diff_id, want);
  assert_int_equal (access (x.split, F_OK), 0);
  if (write_back (&x, LAYER_UNCOMPRESSED, &res, &bytes, &err) < 0)
    fail_msg ("writing back: %s", err->msg);
  assert_int_equal (res.size, tar->len);
  assert_memory_equal (bytes, tar->data, tar->len);
  assert_string_equal (res.diff_id, want);
  assert_string_equal (res.blob_digest, want);
  free (bytes);

  assert_int_equal (write_back (&x, LAYER_GZIP, &res, NULL, &err), 0);
  assert_string_equal (res.diff_id, want);
  assert_string_not_equal (res.blob_digest, want);
  extracted_release (&x);
}

#define LONG_DIR "a-directory-name-long-enough/to-need/an-extension-header/in-every-tar-format/"
#define LONG_NAME LONG_DIR "and-a-file-name-that-is-long-as-well-so-that-ustar-cannot-split-it-at-a-slash.txt"

static const struct test_entry tree[] = {
  { T_DIR, "./", NULL, 0755, 0, 0 },
  { T_DIR, "bin/", NULL, 0755, 0, 0 },
  { T_FILE, "bin/tool", "#!/bin/sh\necho hi\n", 04755, 0, 0 },
  { T_FILE, "etc/motd", "hello\n", 0644, 0, 0 },
  { T_FILE, "etc/empty", "", 0644, 0, 0 },
  { T_SYMLINK, "bin/sh", "/bin/busybox", 0, 0, 0 },
  { T_HARDLINK, "bin/tool2", "bin/tool", 0, 0, 0 },
  { T_FIFO, "run/fifo", NULL, 0600, 0, 0 },
  { T_FILE, "owned", "y", 0640, 1234, 5678 },
  { T_FILE, ".wh.gone", "", 0644, 0, 0 },
  { T_FILE, "big",
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    0600, 0, 0 },
};

static const struct test_entry long_names[] = {
  { T_DIR, LONG_DIR, NULL, 0755, 0, 0 },
  { T_FILE, LONG_NAME, "long\n", 0644, 0, 0 },
  { T_SYMLINK, "short-link", "/" LONG_NAME, 0, 0, 0 },
  { T_HARDLINK, LONG_DIR "hard", LONG_NAME, 0, 0, 0 },
  { T_FILE, "after", "the last one\n", 0644, 0, 0 },
};

static void
test_formats (void **state)
{
  const char *formats[] = { NULL, "pax", "gnutar", "ustar" };
  size_t i;

  (void)state;
  for (i = 0; i < N (formats); i++)
    {
      /* without and with libarchive's padding to 10 KiB after the end */
      struct test_blob tight = test_make_layer_as (tree, N (tree), "none", formats[i], 1);
      struct test_blob padded = test_make_layer_as (tree, N (tree), "none", formats[i], 10240);

      assert_true (padded.len > tight.len);
      assert_round_trip (&tight);
      assert_round_trip (&padded);
      free (tight.data);
      free (padded.data);
      if (formats[i] == NULL || strcmp (formats[i], "ustar") != 0)
        {
          struct test_blob l = test_make_layer_as (long_names, N (long_names), "none", formats[i], 1);
          assert_round_trip (&l);
          free (l.data);
        }
    }
}

/* Blobs are recorded as the tar inside them; bytes after the end marker
 * (which libarchive never reads as entries) are part of the diff_id and of
 * the split.  */
static void
test_compressed_and_trailing_bytes (void **state)
{
  struct test_blob tar = test_make_layer (tree, N (tree), "none");
  struct test_blob gz = test_make_layer (tree, N (tree), "gzip");
  struct extracted x;
  struct layer_tar_result res;
  galley_error_t err = NULL;
  unsigned char *bytes = NULL;

  (void)state;
  extract_with_split (&gz, &x);
  assert_int_equal (write_back (&x, LAYER_UNCOMPRESSED, &res, &bytes, &err), 0);
  assert_int_equal (res.size, tar.len);
  assert_memory_equal (bytes, tar.data, tar.len);
  free (bytes);
  extracted_release (&x);

  tar.data = realloc (tar.data, tar.len + 100);
  memcpy (tar.data + tar.len, "not a header, not zeros: whatever a tar writer left after its end\n", 67);
  tar.len += 67;
  assert_round_trip (&tar);
  free (tar.data);
  free (gz.data);
}

/* What the extractor does not write as it is in the tar gets no split.  */
static void
test_not_recorded (void **state)
{
  static const struct test_entry sparse[] = {
    { T_FILE, "plain", "plain\n", 0644, 0, 0 },
    { T_SPARSE, "holes", "data before the hole\n", 0644, 0, 0 },
  };
  static const struct test_entry whiteout_with_data[] = {
    { T_FILE, "dir/.wh.name", "whiteouts are empty\n", 0644, 0, 0 },
  };
  const struct test_entry *cases[] = { sparse, whiteout_with_data };
  size_t sizes[] = { N (sparse), N (whiteout_with_data) }, i;

  (void)state;
  for (i = 0; i < N (cases); i++)
    {
      struct test_blob tar = test_make_layer_as (cases[i], sizes[i], "none", "pax", 1);
      struct extracted x;

      extract_with_split (&tar, &x);
      assert_int_equal (access (x.split, F_OK), -1);
      assert_int_equal (errno, ENOENT);
      extracted_release (&x);
      free (tar.data);
    }
}

/* A name given twice keeps the second file: the first one's data is gone,
 * so writing back cannot give the tar's diff_id; a file changed or removed
 * since is caught the same way.  */
static void
test_files_changed (void **state)
{
  static const struct test_entry twice[] = {
    { T_FILE, "f", "one\n", 0644, 0, 0 },
    { T_FILE, "f", "two\n", 0644, 0, 0 },
  };
  struct test_blob tar = test_make_layer (twice, N (twice), "none");
  struct test_blob t2 = test_make_layer (tree, N (tree), "none");
  struct extracted x;
  struct layer_tar_result res;
  galley_error_t err = NULL;
  char *path = NULL;

  (void)state;
  extract_with_split (&tar, &x);
  assert_int_equal (write_back (&x, LAYER_UNCOMPRESSED, &res, NULL, &err), 0);
  assert_string_not_equal (res.diff_id, x.r.diff_id);
  extracted_release (&x);

  extract_with_split (&t2, &x);
  if (asprintf (&path, "%s/etc/motd", x.diff) < 0 || unlink (path) < 0)
    abort ();
  assert_int_equal (write_back (&x, LAYER_UNCOMPRESSED, &res, NULL, &err), -1);
  assert_non_null (strstr (err->msg, "etc/motd"));
  galley_error_release (&err);
  free (path);
  extracted_release (&x);

  extract_with_split (&t2, &x);
  if (asprintf (&path, "%s/big", x.diff) < 0 || truncate (path, 10) < 0)
    abort ();
  assert_int_equal (write_back (&x, LAYER_UNCOMPRESSED, &res, NULL, &err), -1);
  assert_non_null (strstr (err->msg, "big"));
  galley_error_release (&err);
  free (path);
  extracted_release (&x);
  free (tar.data);
  free (t2.data);
}

/* A split is never written over a file that is there already.  */
static void
test_existing_file_kept (void **state)
{
  struct test_blob tar = test_make_layer (tree, N (tree), "none");
  struct layer_extract_options o = { 0 };
  galley_error_t err = NULL;
  char *parent = NULL, *diff = test_mkdtemp (&parent), *split = NULL, buf[16] = { 0 };
  int fd = test_blob_fd (&tar), sfd;

  (void)state;
  if (asprintf (&split, "%s/%s", parent, LAYER_SPLIT_NAME) < 0)
    abort ();
  sfd = open (split, O_WRONLY | O_CREAT | O_EXCL, 0600);
  assert_int_equal (write (sfd, "mine", 4), 4);
  close (sfd);
  o.split_path = split;
  assert_int_equal (layer_extract_fd (fd, diff, &o, NULL, &err), 0);
  sfd = open (split, O_RDONLY);
  assert_int_equal (read (sfd, buf, sizeof buf - 1), 4);
  assert_string_equal (buf, "mine");
  close (sfd);
  close (fd);
  test_rm_rf (parent);
  free (parent);
  free (diff);
  free (split);
  free (tar.data);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_formats),
    cmocka_unit_test (test_compressed_and_trailing_bytes),
    cmocka_unit_test (test_not_recorded),
    cmocka_unit_test (test_files_changed),
    cmocka_unit_test (test_existing_file_kept),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
