/* Unit tests: layer extraction — compression detection, both digests,
 * entry types and metadata, hostile names, push streaming.  */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <dirent.h>
#include <errno.h>
#include <sys/sysmacros.h>

#include "image/layer_extract.h"
#include "image/layer_fs.h"
#include "layer-tar.h"

#define N(a) (sizeof (a) / sizeof (a)[0])

struct extracted
{
  char *parent, *diff;
  int ret;
  galley_error_t err;
  struct layer_extract_result r;
};

static void
extract_blob (const struct test_blob *b, const struct layer_extract_options *o, struct extracted *x)
{
  int fd = test_blob_fd (b);

  x->err = NULL;
  x->diff = test_mkdtemp (&x->parent);
  x->ret = layer_extract_fd (fd, x->diff, o, &x->r, &x->err);
  close (fd);
}

static void
extracted_release (struct extracted *x)
{
  test_rm_rf (x->parent);
  free (x->parent);
  free (x->diff);
  galley_error_release (&x->err);
}

static char *
read_text (const char *dir, const char *name)
{
  static char buf[4096];
  char *path = NULL;
  FILE *f;
  size_t n;

  if (asprintf (&path, "%s/%s", dir, name) < 0)
    abort ();
  f = fopen (path, "r");
  free (path);
  if (f == NULL)
    return NULL;
  n = fread (buf, 1, sizeof buf - 1, f);
  buf[n] = '\0';
  fclose (f);
  return buf;
}

static int
lstat_in (const char *dir, const char *name, struct stat *st)
{
  char *path = NULL;
  int r;

  if (asprintf (&path, "%s/%s", dir, name) < 0)
    abort ();
  r = lstat (path, st);
  free (path);
  return r;
}

static const struct test_entry basic[] = {
  { T_DIR, "./", NULL, 0755, 0, 0 },
  { T_DIR, "bin/", NULL, 0755, 0, 0 },
  { T_FILE, "bin/tool", "#!/bin/sh\necho hi\n", 04755, 0, 0 },
  { T_FILE, "etc/motd", "hello\n", 0644, 0, 0 }, /* implicit parent */
  { T_SYMLINK, "bin/sh", "/bin/busybox", 0, 0, 0 },
  { T_HARDLINK, "bin/tool2", "bin/tool", 0, 0, 0 },
  { T_FIFO, "run/fifo", NULL, 0600, 0, 0 },
  { T_DIR, "ro/", NULL, 0555, 0, 0 },
  { T_FILE, "ro/inside", "x", 0444, 0, 0 },
  { T_FILE, "owned", "y", 0640, 1234, 5678 },
};

static void
check_basic_tree (const char *diff)
{
  struct stat st, st2;
  char target[64];
  ssize_t n;
  char *p = NULL;

  assert_string_equal (read_text (diff, "bin/tool"), "#!/bin/sh\necho hi\n");
  assert_int_equal (lstat_in (diff, "bin/tool", &st), 0);
  assert_int_equal (st.st_mode & 07777, 04755);
  assert_int_equal (st.st_mtime, 1000000000);
  assert_int_equal (lstat_in (diff, "bin/tool2", &st2), 0);
  assert_int_equal (st.st_ino, st2.st_ino);
  assert_int_equal (st.st_nlink, 2);
  assert_string_equal (read_text (diff, "etc/motd"), "hello\n");
  if (asprintf (&p, "%s/bin/sh", diff) < 0)
    abort ();
  n = readlink (p, target, sizeof target - 1);
  free (p);
  assert_true (n > 0);
  target[n] = '\0';
  assert_string_equal (target, "/bin/busybox");
  assert_int_equal (lstat_in (diff, "run/fifo", &st), 0);
  assert_true (S_ISFIFO (st.st_mode));
  assert_int_equal (lstat_in (diff, "ro", &st), 0);
  assert_int_equal (st.st_mode & 07777, 0555);
  assert_int_equal (st.st_mtime, 1000000000);
  assert_string_equal (read_text (diff, "ro/inside"), "x");
  if (geteuid () == 0)
    {
      assert_int_equal (lstat_in (diff, "owned", &st), 0);
      assert_int_equal (st.st_uid, 1234);
      assert_int_equal (st.st_gid, 5678);
    }
}

static void
test_compressions (void **state)
{
  const char *filters[] = { "none", "gzip", "zstd" };
  struct test_blob plain = test_make_layer (basic, N (basic), "none");
  char diff_id[72];
  size_t i;

  test_sha256 (plain.data, plain.len, diff_id);
  for (i = 0; i < N (filters); i++)
    {
      struct test_blob b = test_make_layer (basic, N (basic), filters[i]);
      struct layer_extract_options o = { 0 };
      struct extracted x;
      char blob_digest[72];

      test_sha256 (b.data, b.len, blob_digest);
      o.blob_digest = blob_digest;
      o.diff_id = diff_id;
      extract_blob (&b, &o, &x);
      if (x.ret < 0)
        fail_msg ("%s: %s", filters[i], x.err->msg);
      assert_string_equal (x.r.blob_digest, blob_digest);
      assert_string_equal (x.r.diff_id, diff_id);
      assert_int_equal (x.r.blob_size, b.len);
      assert_int_equal (x.r.size, plain.len);
      check_basic_tree (x.diff);
      extracted_release (&x);
      free (b.data);
    }
  free (plain.data);
}

static void
test_digest_mismatch (void **state)
{
  struct test_blob b = test_make_layer (basic, N (basic), "gzip");
  struct layer_extract_options o = { 0 };
  const char *wrong = "sha256:0000000000000000000000000000000000000000000000000000000000000000";
  struct extracted x;
  char actual[72], *expected = NULL;

  test_sha256 (b.data, b.len, actual);
  o.blob_digest = wrong;
  extract_blob (&b, &o, &x);
  assert_int_equal (x.ret, -1);
  if (asprintf (&expected, "blob %s: digest mismatch (got %s)", wrong, actual) < 0)
    abort ();
  assert_string_equal (x.err->msg, expected);
  free (expected);
  extracted_release (&x);

  /* A flipped byte in the middle: the digest is named, not gzip's complaint.  */
  b.data[b.len / 2] ^= 0x55;
  o.blob_digest = actual;
  extract_blob (&b, &o, &x);
  assert_int_equal (x.ret, -1);
  assert_non_null (strstr (x.err->msg, "digest mismatch"));
  assert_non_null (strstr (x.err->msg, actual));
  extracted_release (&x);

  /* Right blob, wrong diff_id.  */
  b.data[b.len / 2] ^= 0x55;
  o.diff_id = wrong;
  extract_blob (&b, &o, &x);
  assert_int_equal (x.ret, -1);
  assert_non_null (strstr (x.err->msg, "uncompressed digest mismatch"));
  extracted_release (&x);
  free (b.data);
}

static void
test_truncated (void **state)
{
  struct test_blob b = test_make_layer (basic, N (basic), "gzip");
  struct layer_extract_options o = { 0 };
  struct extracted x;

  b.len -= 20;
  extract_blob (&b, &o, &x);
  assert_int_equal (x.ret, -1);
  extracted_release (&x);
  free (b.data);
}

/* Nothing may land outside diff/: the parent directory must hold only it.  */
static void
assert_parent_clean (const char *parent)
{
  DIR *d = opendir (parent);
  struct dirent *de;
  int n = 0;

  assert_non_null (d);
  while ((de = readdir (d)) != NULL)
    if (strcmp (de->d_name, ".") != 0 && strcmp (de->d_name, "..") != 0)
      {
        assert_string_equal (de->d_name, "diff");
        n++;
      }
  closedir (d);
  assert_int_equal (n, 1);
}

static void
test_hostile_dotdot (void **state)
{
  const struct test_entry e[] = { { T_FILE, "../escaped", "x", 0644, 0, 0 } };
  const struct test_entry e2[] = { { T_FILE, "a/../../escaped", "x", 0644, 0, 0 } };
  const struct test_entry e3[] = { { T_FILE, "ok", "x", 0644, 0, 0 },
                                   { T_HARDLINK, "h", "../diff/ok", 0, 0, 0 } };
  const struct test_entry *all[] = { e, e2, e3 };
  size_t sizes[] = { N (e), N (e2), N (e3) }, i;

  for (i = 0; i < N (all); i++)
    {
      struct test_blob b = test_make_layer (all[i], sizes[i], "none");
      struct layer_extract_options o = { 0 };
      struct extracted x;

      extract_blob (&b, &o, &x);
      assert_int_equal (x.ret, -1);
      assert_non_null (strstr (x.err->msg, "refusing a path with \"..\""));
      assert_parent_clean (x.parent);
      extracted_release (&x);
      free (b.data);
    }
}

static void
test_hostile_neutralised (void **state)
{
  char outside[] = "/tmp/galley-test-outside-XXXXXX", *sym_abs = NULL;
  struct test_entry e[] = {
    { T_FILE, "/absolute", "absolute", 0644, 0, 0 },
    /* a symlink to the host root, then writes through it */
    { T_SYMLINK, "root", "/", 0, 0, 0 },
    { T_FILE, "root/through-root", "x", 0644, 0, 0 },
    /* a relative symlink climbing out, then a write through it */
    { T_SYMLINK, "up", "../../../../..", 0, 0, 0 },
    { T_FILE, "up/through-up", "y", 0644, 0, 0 },
    /* a symlink to an absolute directory that exists on the host and in the layer */
    { T_DIR, "hostdir/", NULL, 0755, 0, 0 },
    { T_SYMLINK, "abs", NULL, 0, 0, 0 },
    { T_FILE, "abs/planted", "z", 0644, 0, 0 },
    /* a symlink as the last component: the write replaces the symlink */
    { T_SYMLINK, "last", NULL, 0, 0, 0 },
    { T_FILE, "last", "replaced", 0644, 0, 0 },
  };
  struct layer_extract_options o = { 0 };
  struct test_blob b;
  struct extracted x;
  struct stat st;
  char *planted = NULL;

  assert_non_null (mkdtemp (outside));
  if (asprintf (&sym_abs, "%s", outside) < 0 || asprintf (&planted, "%s/planted", outside) < 0)
    abort ();
  e[5].path = sym_abs + 1; /* "tmp/galley-test-outside-X/" inside the layer */
  e[6].data = sym_abs;
  e[8].data = planted;
  b = test_make_layer (e, N (e), "none");
  extract_blob (&b, &o, &x);
  if (x.ret < 0)
    fail_msg ("%s", x.err->msg);
  assert_string_equal (read_text (x.diff, "absolute"), "absolute");
  assert_string_equal (read_text (x.diff, "through-root"), "x");
  assert_string_equal (read_text (x.diff, "through-up"), "y");
  /* abs -> /tmp/galley-test-outside-X resolves to diff/tmp/galley-test-outside-X */
  assert_null (read_text (outside, "planted"));
  assert_string_equal (read_text (x.diff, planted + 1), "z");
  assert_int_equal (stat (planted, &st), -1);
  assert_int_equal (lstat_in (x.diff, "last", &st), 0);
  assert_true (S_ISREG (st.st_mode));
  assert_parent_clean (x.parent);
  extracted_release (&x);
  rmdir (outside);
  free (b.data);
  free (sym_abs);
  free (planted);
}

/* A symlink to a host directory missing from the layer: refused (its
 * target would have to be created), never followed out.  */
static void
test_hostile_dangling (void **state)
{
  char outside[] = "/tmp/galley-test-outside-XXXXXX";
  struct test_entry e[] = {
    { T_SYMLINK, "abs", NULL, 0, 0, 0 },
    { T_FILE, "abs/planted", "z", 0644, 0, 0 },
  };
  struct layer_extract_options o = { 0 };
  struct test_blob b;
  struct extracted x;

  assert_non_null (mkdtemp (outside));
  e[0].data = outside;
  b = test_make_layer (e, N (e), "none");
  extract_blob (&b, &o, &x);
  assert_int_equal (x.ret, -1);
  assert_null (read_text (outside, "planted"));
  assert_parent_clean (x.parent);
  extracted_release (&x);
  rmdir (outside);
  free (b.data);
}

static void
test_hardlink_outside (void **state)
{
  /* An absolute target is taken inside the layer, where it does not exist.  */
  const struct test_entry e[] = { { T_HARDLINK, "passwd", "/etc/passwd", 0, 0, 0 } };
  /* A target reached through a symlink to the host root stays inside too.  */
  const struct test_entry e2[] = { { T_SYMLINK, "r", "/", 0, 0, 0 },
                                   { T_HARDLINK, "passwd", "r/etc/passwd", 0, 0, 0 } };
  const struct test_entry *all[] = { e, e2 };
  size_t sizes[] = { N (e), N (e2) }, i;

  for (i = 0; i < N (all); i++)
    {
      struct test_blob b = test_make_layer (all[i], sizes[i], "none");
      struct layer_extract_options o = { 0 };
      struct extracted x;
      struct stat st;

      extract_blob (&b, &o, &x);
      assert_int_equal (x.ret, -1);
      assert_int_equal (lstat_in (x.diff, "passwd", &st), -1);
      assert_parent_clean (x.parent);
      extracted_release (&x);
      free (b.data);
    }
}

static void
test_duplicates (void **state)
{
  const struct test_entry e[] = {
    { T_FILE, "a", "first", 0644, 0, 0 },
    { T_FILE, "a", "second", 0644, 0, 0 },
    { T_DIR, "d/", NULL, 0700, 0, 0 },
    { T_FILE, "d/x", "x", 0644, 0, 0 },
    { T_DIR, "d/", NULL, 0755, 0, 0 }, /* merges, keeps d/x */
    { T_DIR, "f/", NULL, 0755, 0, 0 },
    { T_FILE, "f/y", "y", 0644, 0, 0 },
    { T_FILE, "f", "file over dir", 0644, 0, 0 }, /* replaces the tree */
  };
  struct test_blob b = test_make_layer (e, N (e), "none");
  struct layer_extract_options o = { 0 };
  struct extracted x;
  struct stat st;

  extract_blob (&b, &o, &x);
  if (x.ret < 0)
    fail_msg ("%s", x.err->msg);
  assert_string_equal (read_text (x.diff, "a"), "second");
  assert_string_equal (read_text (x.diff, "d/x"), "x");
  assert_string_equal (read_text (x.diff, "f"), "file over dir");
  assert_int_equal (lstat_in (x.diff, "d", &st), 0);
  assert_int_equal (st.st_mode & 07777, 0755); /* the last entry's mode */
  extracted_release (&x);
  free (b.data);
}

static void
test_stream (void **state)
{
  struct test_blob b = test_make_layer (basic, N (basic), "gzip");
  struct layer_extract_options o = { 0 };
  struct layer_extract_result r;
  struct layer_stream *s = NULL;
  galley_error_t err = NULL;
  char digest[72], *parent, *diff = test_mkdtemp (&parent);
  size_t off;

  test_sha256 (b.data, b.len, digest);
  o.blob_digest = digest;
  assert_int_equal (layer_stream_start (diff, &o, &s, &err), 0);
  for (off = 0; off < b.len; off += 1000)
    assert_int_equal (layer_stream_write (s, b.data + off, b.len - off < 1000 ? b.len - off : 1000, &err), 0);
  if (layer_stream_finish (s, &r, &err) < 0)
    fail_msg ("%s", err->msg);
  layer_stream_free (s);
  assert_string_equal (r.blob_digest, digest);
  check_basic_tree (diff);
  test_rm_rf (parent);
  free (parent);
  free (diff);

  /* Aborted half-way: finish reports the truncation, free cleans up.  */
  diff = test_mkdtemp (&parent);
  assert_int_equal (layer_stream_start (diff, &o, &s, &err), 0);
  assert_int_equal (layer_stream_write (s, b.data, b.len / 2, &err), 0);
  assert_int_equal (layer_stream_finish (s, &r, &err), -1);
  assert_non_null (strstr (err->msg, digest));
  galley_error_release (&err);
  layer_stream_free (s);
  test_rm_rf (parent);
  free (parent);
  free (diff);
  free (b.data);
}

static void
test_path_clean (void **state)
{
  const char *cases[][2] = {
    { "a/b", "a/b" }, { "./a//b/", "a/b" }, { "/abs/x", "abs/x" }, { "./", "." },
    { "/", "." },     { "a/./b", "a/b" },   { "...", "..." },      { "..a/b..", "..a/b.." },
  };
  const char *refused[] = { "..", "../x", "a/../b", "a/..", "/../x" };
  size_t i;
  char *out;

  for (i = 0; i < N (cases); i++)
    {
      assert_int_equal (layer_path_clean (cases[i][0], &out), 0);
      assert_string_equal (out, cases[i][1]);
      free (out);
    }
  for (i = 0; i < N (refused); i++)
    {
      assert_int_equal (layer_path_clean (refused[i], &out), -1);
      assert_int_equal (errno, EXDEV);
    }
  assert_int_equal (layer_path_clean ("", &out), -1);
}

/* The same hostile layers with the by-hand resolution used where openat2
 * is missing (old kernels, valgrind).  */
static void
test_hostile_without_openat2 (void **state)
{
  layer_fs_use_openat2 (false);
  test_hostile_dotdot (state);
  test_hostile_neutralised (state);
  test_hostile_dangling (state);
  test_hardlink_outside (state);
  test_compressions (state);
  layer_fs_use_openat2 (true);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_path_clean),
    cmocka_unit_test (test_compressions),
    cmocka_unit_test (test_digest_mismatch),
    cmocka_unit_test (test_truncated),
    cmocka_unit_test (test_hostile_dotdot),
    cmocka_unit_test (test_hostile_neutralised),
    cmocka_unit_test (test_hostile_dangling),
    cmocka_unit_test (test_hardlink_outside),
    cmocka_unit_test (test_duplicates),
    cmocka_unit_test (test_stream),
    cmocka_unit_test (test_hostile_without_openat2),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
