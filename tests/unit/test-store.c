/* Unit tests of the content store: layout and versioning, blobs, layers
 * (including crash leftovers and concurrent extractors), image records,
 * name moves, lookups, removal, and refusal of invalid names and ids.  */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "image/store.h"
#include "state/lock.h"
#include "util/change_counter.h"
#include "util/cleanup.h"
#include "util/digest.h"
#include "util/fs.h"

#include "temp-root.h"

struct fixture
{
  char dir[64];
  struct galley_paths paths;
  struct store *store;
};

static int
setup (void **state)
{
  struct fixture *f = calloc (1, sizeof *f);
  galley_error_t err = NULL;

  temp_root_make (f->dir, "test-store", &f->paths, "storage", NULL);
  assert_int_equal (store_open (&f->paths, &f->store, &err), 0);
  *state = f;
  return 0;
}

static int
teardown (void **state)
{
  struct fixture *f = *state;

  store_close (f->store);
  temp_root_remove (f->dir, &f->paths);
  free (f);
  return 0;
}

static bool
exists (struct fixture *f, const char *rel)
{
  char path[512];

  snprintf (path, sizeof path, "%s/%s", f->paths.root, rel);
  return access (path, F_OK) == 0;
}

/* A config blob whose digest becomes an image id.  */
static char *
put_config (struct fixture *f, const char *text, char digest[DIGEST_SHA256_BUFSIZE])
{
  galley_error_t err = NULL;

  assert_int_equal (digest_sha256_hex (text, strlen (text), digest), 0);
  assert_int_equal (store_blob_put (f->store, digest, text, strlen (text), &err), 0);
  return digest + 7;
}

/* A ready layer with one file.  */
static void
make_layer (struct fixture *f, const char *chain, const char *parent)
{
  galley_error_t err = NULL;
  _cleanup_free_ char *diff = NULL, *file = NULL;
  int r;

  r = store_layer_begin (f->store, chain, chain, parent, &diff, &err);
  assert_int_equal (r, 0);
  assert_true (asprintf (&file, "%s/hello", diff) > 0);
  assert_int_equal (fs_write_atomic (AT_FDCWD, file, "hi", 2, 0644, &err), 0);
  assert_int_equal (store_layer_commit (f->store, chain, 2, &err), 0);
}

#define LAYER_A "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define LAYER_B "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define LAYER_C "sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"

static void
add_image (struct fixture *f, const char *config, char **layers, char **names, char *id_out)
{
  char digest[DIGEST_SHA256_BUFSIZE];
  struct store_image img = { 0 };
  galley_error_t err = NULL;

  img.id = put_config (f, config, digest);
  img.config_digest = digest;
  img.layers = layers;
  img.names = names;
  img.created = (char *)"2024-01-02T03:04:05Z";
  if (store_image_add (f->store, &img, &err) < 0)
    fail_msg ("store_image_add: %s", err->msg);
  strcpy (id_out, img.id);
}

static void
test_layout_and_version (void **state)
{
  struct fixture *f = *state;
  struct store *again = NULL;
  galley_error_t err = NULL;
  _cleanup_free_ char *v = NULL;

  assert_true (exists (f, "blobs/sha256"));
  assert_true (exists (f, "layers"));
  assert_true (exists (f, "images"));
  assert_true (exists (f, "containers"));
  assert_true (exists (f, "volumes"));
  assert_true (exists (f, "lock"));
  assert_int_equal (fs_read_file (store_root_fd (f->store), "version", 0, &v, NULL, &err), 0);
  assert_string_equal (v, "1\n");

  /* Newer: refused with a clear message.  */
  assert_int_equal (fs_write_atomic (store_root_fd (f->store), "version", "7\n", 2, 0600, &err), 0);
  assert_int_equal (store_open (&f->paths, &again, &err), -1);
  assert_non_null (strstr (err->msg, "newer"));
  galley_error_release (&err);

  /* Older (no version file): migrated.  */
  assert_int_equal (unlinkat (store_root_fd (f->store), "version", 0), 0);
  assert_int_equal (store_open (&f->paths, &again, &err), 0);
  store_close (again);
  free (v);
  v = NULL;
  assert_int_equal (fs_read_file (store_root_fd (f->store), "version", 0, &v, NULL, &err), 0);
  assert_string_equal (v, "1\n");

  /* Garbage: refused.  */
  assert_int_equal (fs_write_atomic (store_root_fd (f->store), "version", "x", 1, 0600, &err), 0);
  assert_int_equal (store_open (&f->paths, &again, &err), -1);
  galley_error_release (&err);
}

static void
test_blobs (void **state)
{
  struct fixture *f = *state;
  char digest[DIGEST_SHA256_BUFSIZE];
  galley_error_t err = NULL;
  _cleanup_free_ char *data = NULL;
  size_t len;

  put_config (f, "{\"a\":1}", digest);
  assert_true (store_blob_exists (f->store, digest));
  assert_int_equal (store_blob_get (f->store, digest, 0, &data, &len, &err), 0);
  assert_string_equal (data, "{\"a\":1}");
  /* Content that does not match its digest never lands.  */
  assert_int_equal (store_blob_put (f->store, LAYER_A, "x", 1, &err), -1);
  galley_error_release (&err);
  assert_false (store_blob_exists (f->store, LAYER_A));
  /* A digest that would escape the directory is refused before use.  */
  assert_int_equal (store_blob_put (f->store, "sha256:../../etc/passwd", "x", 1, &err), -1);
  galley_error_release (&err);
  assert_int_equal (store_blob_get (f->store, "sha256:ABC", 0, &data, &len, &err), -1);
  galley_error_release (&err);
}

static void
test_layers (void **state)
{
  struct fixture *f = *state;
  galley_error_t err = NULL;
  _cleanup_free_ char *diff = NULL;
  struct store_layer *l = NULL;

  make_layer (f, LAYER_A, NULL);
  assert_int_equal (store_layer_begin (f->store, LAYER_A, LAYER_A, NULL, &diff, &err), 1);
  assert_int_equal (store_layer_get (f->store, LAYER_A, &l, &err), 0);
  assert_true (l->ready);
  assert_int_equal (l->size, 2);
  assert_null (l->parent);
  store_layer_free (l);
  assert_false (
      exists (f, "layers/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/extracting"));
  assert_int_equal (store_layer_diff_dir (f->store, LAYER_A, &diff, &err), 0);
  assert_non_null (strstr (diff, "/layers/aaaa"));

  /* Abort removes everything.  */
  free (diff);
  diff = NULL;
  assert_int_equal (store_layer_begin (f->store, LAYER_B, LAYER_B, LAYER_A, &diff, &err), 0);
  assert_true (
      exists (f, "layers/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb/layer.json"));
  assert_int_equal (store_layer_abort (f->store, LAYER_B, &err), 0);
  assert_false (exists (f, "layers/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"));

  /* Invalid ids are refused before they touch a path.  */
  assert_int_equal (store_layer_begin (f->store, "sha256:..", LAYER_A, NULL, &diff, &err), -1);
  galley_error_release (&err);
  assert_int_equal (store_layer_begin (f->store, "aaaa", LAYER_A, NULL, &diff, &err), -1);
  galley_error_release (&err);
  assert_int_equal (store_layer_begin (f->store, LAYER_B, "sha256:zz", NULL, &diff, &err), -1);
  galley_error_release (&err);
  assert_int_equal (store_layer_commit (f->store, LAYER_C, 1, &err), -1);
  galley_error_release (&err);
}

/* What a push made of a layer: kept beside the layer, read back as
 * written, absent or unusable records are no record, and names that
 * would leave the layer's directory are refused.  */
static void
test_pushed_blobs (void **state)
{
  struct fixture *f = *state;
  galley_error_t err = NULL;
  struct store_pushed_blob b = { .size = 1234 }, got;
  char path[512];

  make_layer (f, LAYER_A, NULL);
  assert_int_equal (store_layer_pushed_get (f->store, LAYER_A, "gzip", &got, &err), 0);
  snprintf (b.diff_id, sizeof b.diff_id, "%s", LAYER_B);
  snprintf (b.digest, sizeof b.digest, "%s", LAYER_C);
  assert_int_equal (store_layer_pushed_put (f->store, LAYER_A, "gzip", &b, &err), 0);
  assert_true (
      exists (f, "layers/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/pushed-gzip.json"));
  assert_int_equal (store_layer_pushed_get (f->store, LAYER_A, "gzip", &got, &err), 1);
  assert_string_equal (got.diff_id, LAYER_B);
  assert_string_equal (got.digest, LAYER_C);
  assert_int_equal (got.size, 1234);
  /* one record per compression */
  assert_int_equal (store_layer_pushed_get (f->store, LAYER_A, "zstd", &got, &err), 0);

  /* a record that is not one is a cache miss, not an error */
  snprintf (path, sizeof path,
            "%s/layers/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/pushed-zstd.json",
            f->paths.root);
  assert_int_equal (fs_write_atomic (AT_FDCWD, path, "{\"digest\":\"../x\"}", 17, 0600, &err), 0);
  assert_int_equal (store_layer_pushed_get (f->store, LAYER_A, "zstd", &got, &err), 0);

  assert_int_equal (store_layer_pushed_put (f->store, LAYER_A, "../gzip", &b, &err), -1);
  assert_int_equal (galley_error_errno (&err), EINVAL);
  galley_error_release (&err);
  assert_int_equal (store_layer_pushed_get (f->store, "sha256:..", "gzip", &got, &err), -1);
  assert_int_equal (galley_error_errno (&err), EINVAL);
  galley_error_release (&err);
}

/* What kill -9 in the middle of an extraction leaves behind.  */
static void
make_crashed_layer (struct fixture *f, const char *hex)
{
  char path[512];
  galley_error_t err = NULL;
  char json[256];

  snprintf (path, sizeof path, "%s/layers/%s/diff/partial", f->paths.root, hex);
  assert_int_equal (fs_mkdir_p (path, 0700, &err), 0);
  snprintf (path, sizeof path, "%s/layers/%s/extracting", f->paths.root, hex);
  assert_int_equal (fs_write_atomic (AT_FDCWD, path, "", 0, 0600, &err), 0);
  snprintf (path, sizeof path, "%s/layers/%s/layer.json", f->paths.root, hex);
  snprintf (json, sizeof json, "{\"id\":\"sha256:%s\",\"diff_id\":\"sha256:%s\",\"state\":\"incomplete\"}",
            hex, hex);
  assert_int_equal (fs_write_atomic (AT_FDCWD, path, json, strlen (json), 0600, &err), 0);
}

static void
test_crash_leftovers (void **state)
{
  struct fixture *f = *state;
  struct store *next = NULL;
  galley_error_t err = NULL;
  const char *b = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
  const char *c = "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc";
  char path[512];
  _cleanup_close_ int busy = -1;

  make_layer (f, LAYER_A, NULL);
  /* A ready layer whose `extracting` file outlived its commit.  */
  snprintf (path, sizeof path, "%s/layers/%s/extracting", f->paths.root, &LAYER_A[7]);
  assert_int_equal (fs_write_atomic (AT_FDCWD, path, "", 0, 0600, &err), 0);
  make_crashed_layer (f, b);
  /* c is being extracted right now by someone else: its lock is held.  */
  make_crashed_layer (f, c);
  snprintf (path, sizeof path, "%s/layers/%s/extracting", f->paths.root, c);
  busy = open (path, O_RDWR | O_CLOEXEC);
  assert_true (busy >= 0);
  assert_int_equal (lock_try (busy, LOCK_EXCLUSIVE, &err), 0);
  /* Half-removed and half-added things.  */
  snprintf (path, sizeof path, "%s/layers/.removing-%s/diff", f->paths.root, b);
  assert_int_equal (fs_mkdir_p (path, 0700, &err), 0);
  snprintf (path, sizeof path, "%s/images/dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd",
            f->paths.root);
  assert_int_equal (fs_mkdir_p (path, 0700, &err), 0);
  snprintf (path, sizeof path, "%s/blobs/sha256/x.tmp-999999999", f->paths.root);
  assert_int_equal (fs_write_atomic (AT_FDCWD, path, "", 0, 0600, &err), 0);

  /* Readers touch nothing.  */
  assert_int_equal (store_open (&f->paths, &next, &err), 0);
  assert_true (exists (f, "layers/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"));
  /* The next writer cleans up, but leaves the live extraction alone.  */
  assert_int_equal (store_cleanup_leftovers (next, &err), 0);
  assert_false (exists (f, "layers/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"));
  assert_false (
      exists (f, "layers/.removing-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"));
  assert_false (exists (f, "images/dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"));
  assert_false (exists (f, "blobs/sha256/x.tmp-999999999"));
  assert_true (
      exists (f, "layers/cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc/diff/partial"));
  assert_true (
      exists (f, "layers/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/diff/hello"));
  assert_false (
      exists (f, "layers/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/extracting"));

  /* Once its extractor dies, begin starts afresh.  */
  close (busy);
  busy = -1;
  {
    _cleanup_free_ char *diff = NULL;
    assert_int_equal (store_layer_begin (next, LAYER_C, LAYER_C, NULL, &diff, &err), 0);
    assert_false (
        exists (f, "layers/cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc/diff/partial"));
    assert_int_equal (store_layer_commit (next, LAYER_C, 0, &err), 0);
  }
  store_close (next);
}

/* A second extractor waits for the first and then finds the layer ready.  */
static void
test_concurrent_begin (void **state)
{
  struct fixture *f = *state;
  galley_error_t err = NULL;
  _cleanup_free_ char *diff = NULL;
  int pipefd[2], status;
  pid_t pid;
  char c;

  assert_int_equal (pipe (pipefd), 0);
  pid = fork ();
  assert_true (pid >= 0);
  if (pid == 0)
    {
      struct store *child = NULL;
      char *d = NULL;
      if (store_open (&f->paths, &child, &err) < 0
          || store_layer_begin (child, LAYER_B, LAYER_B, NULL, &d, &err) != 0)
        _exit (1);
      write (pipefd[1], "x", 1);
      usleep (200 * 1000);
      _exit (store_layer_commit (child, LAYER_B, 5, &err) < 0 ? 2 : 0);
    }
  close (pipefd[1]);
  assert_int_equal (read (pipefd[0], &c, 1), 1);
  close (pipefd[0]);
  assert_int_equal (store_layer_begin (f->store, LAYER_B, LAYER_B, NULL, &diff, &err), 1);
  assert_int_equal (waitpid (pid, &status, 0), pid);
  assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
}

static void
test_images_and_names (void **state)
{
  struct fixture *f = *state;
  galley_error_t err = NULL;
  char id1[HEX_ID_BUFSIZE], id2[HEX_ID_BUFSIZE], prefix[8];
  char *layers1[] = { (char *)LAYER_A, NULL };
  char *layers2[] = { (char *)LAYER_A, (char *)LAYER_B, NULL };
  char *names1[] = { (char *)"docker.io/library/busybox:latest", (char *)"localhost/mine:1", NULL };
  char *names2[] = { (char *)"docker.io/library/busybox:latest", NULL };
  struct store_image *img = NULL, **all = NULL;
  size_t n;

  make_layer (f, LAYER_A, NULL);
  make_layer (f, LAYER_B, LAYER_A);
  add_image (f, "{\"created\":\"2024-01-01T00:00:00Z\"}", layers1, names1, id1);
  assert_int_equal (store_image_find (f->store, "busybox", &img, &err), 0);
  assert_string_equal (img->id, id1);
  assert_int_equal (img->size, 2 + strlen ("{\"created\":\"2024-01-01T00:00:00Z\"}"));
  assert_string_equal (img->names[0], "docker.io/library/busybox:latest");
  assert_string_equal (img->names[1], "localhost/mine:1");
  assert_non_null (img->added);
  store_image_free (img);

  /* Short names, full names, ids, prefixes.  */
  const char *hits[] = { "busybox:latest", "library/busybox",  "docker.io/library/busybox:latest",
                         "mine:1",         "localhost/mine:1", NULL };
  for (size_t i = 0; hits[i]; i++)
    {
      if (store_image_find (f->store, hits[i], &img, &err) < 0)
        fail_msg ("%s: %s", hits[i], err->msg);
      assert_string_equal (img->id, id1);
      store_image_free (img);
    }
  memcpy (prefix, id1, 6);
  prefix[6] = '\0';
  assert_int_equal (store_image_find (f->store, prefix, &img, &err), 0);
  store_image_free (img);
  {
    char full[72];
    snprintf (full, sizeof full, "sha256:%s", id1);
    assert_int_equal (store_image_find (f->store, full, &img, &err), 0);
    store_image_free (img);
  }
  const char *misses[] = { "busybox:2", "mine", "usybox", "ox:latest", "../../etc", "", NULL };
  for (size_t i = 0; misses[i]; i++)
    {
      assert_int_equal (store_image_find (f->store, misses[i], &img, &err), -1);
      galley_error_release (&err);
    }
  assert_int_equal (store_image_find (f->store, "busybox:2", &img, &err), -1);
  assert_int_equal (galley_error_errno (&err), ENOENT);
  assert_non_null (strstr (err->msg, "image not known"));
  galley_error_release (&err);

  /* The name moves to the new image; the old one keeps its other name.  */
  add_image (f, "{\"created\":\"2024-02-01T00:00:00Z\"}", layers2, names2, id2);
  assert_int_equal (store_image_find (f->store, "busybox", &img, &err), 0);
  assert_string_equal (img->id, id2);
  assert_int_equal (img->size, 4 + strlen ("{\"created\":\"2024-02-01T00:00:00Z\"}"));
  store_image_free (img);
  assert_int_equal (store_image_find (f->store, id1, &img, &err), 0);
  assert_string_equal (img->names[0], "localhost/mine:1");
  assert_null (img->names[1]);
  assert_string_equal (img->names_history[0], "localhost/mine:1");
  store_image_free (img);

  /* Untag the last name: dangling, still listed.  */
  assert_int_equal (store_image_untag (f->store, id1, "localhost/mine:1", &err), 0);
  assert_int_equal (store_image_untag (f->store, id1, "localhost/mine:1", &err), -1);
  assert_int_equal (galley_error_errno (&err), ENOENT);
  galley_error_release (&err);
  assert_int_equal (store_image_list (f->store, &all, &n, &err), 0);
  assert_int_equal (n, 2);
  assert_string_equal (all[0]->id, id1);
  assert_null (all[0]->names[0]);
  store_image_list_free (all, n);

  /* Tag and bad names.  */
  assert_int_equal (store_image_tag (f->store, id1, "localhost/other:x", &err), 0);
  assert_int_equal (store_image_find (f->store, "other:x", &img, &err), 0);
  assert_string_equal (img->id, id1);
  store_image_free (img);
  assert_int_equal (store_image_tag (f->store, id1, "has space:1", &err), -1);
  galley_error_release (&err);
  assert_int_equal (store_image_tag (f->store, id1, "notag", &err), -1);
  galley_error_release (&err);
  assert_int_equal (store_image_tag (f->store, "../../x", "localhost/a:b", &err), -1);
  galley_error_release (&err);

  /* Removal keeps layers another image uses.  */
  assert_int_equal (store_image_remove (f->store, id1, &err), 0);
  assert_true (
      exists (f, "layers/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/diff/hello"));
  assert_int_equal (store_image_find (f->store, "other:x", &img, &err), -1);
  galley_error_release (&err);
  assert_int_equal (store_image_remove (f->store, id2, &err), 0);
  assert_false (exists (f, "layers/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
  assert_false (exists (f, "layers/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"));
  assert_int_equal (store_image_list (f->store, &all, &n, &err), 0);
  assert_int_equal (n, 0);
  store_image_list_free (all, n);
  assert_int_equal (store_image_remove (f->store, id2, &err), -1);
  assert_int_equal (galley_error_errno (&err), ENOENT);
  galley_error_release (&err);
}

/* The listing as lines of names (a,b or <none>), oldest first; *current:
 * the cache it leaves is stamped as current (the next listing reads no
 * image directory).  */
static char *
listing_text (struct fixture *f, bool *current)
{
  _cleanup_free_ char *images = NULL, *cache = NULL;
  struct store_image **all = NULL;
  galley_error_t err = NULL;
  char *text = NULL, stamp[CHANGE_STAMP_MAX];
  size_t len = 0, n, i;
  FILE *out = open_memstream (&text, &len);

  assert_int_equal (store_image_list (f->store, &all, &n, &err), 0);
  for (i = 0; i < n; i++)
    {
      for (size_t k = 0; all[i]->names[k]; k++)
        fprintf (out, "%s%s", k ? "," : "", all[i]->names[k]);
      fprintf (out, "%s\n", all[i]->names[0] ? "" : "<none>");
    }
  store_image_list_free (all, n);
  fclose (out);
  assert_true (asprintf (&images, "%s/images", f->paths.root) > 0);
  {
    _cleanup_close_ int dfd = open (images, O_RDONLY | O_DIRECTORY);
    _cleanup_close_ int rfd = open (f->paths.root, O_RDONLY | O_DIRECTORY);
    assert_true (change_counter_stamp (dfd, "changes", stamp));
    assert_int_equal (fs_read_file (rfd, "images-list.cache", 0, &cache, NULL, &err), 0);
    *current = strstr (cache, stamp) != NULL && strchr (cache, '\n') > strstr (cache, stamp);
  }
  return text;
}

/* Every writer counts its change: a listing right after it (in the same
 * clock tick as the one before) sees it though it trusts its cache.  */
static void
test_listing_sees_every_change (void **state)
{
  struct fixture *f = *state;
  galley_error_t err = NULL;
  char id1[HEX_ID_BUFSIZE], id2[HEX_ID_BUFSIZE];
  char *layers[] = { (char *)LAYER_A, NULL };
  char *names1[] = { (char *)"localhost/one:1", NULL };
  char *names2[] = { (char *)"localhost/two:1", NULL };
  bool current;
  char *text;

  make_layer (f, LAYER_A, NULL);
  add_image (f, "{\"created\":\"2024-01-01T00:00:00Z\"}", layers, names1, id1);
  /* a record younger than a second is not kept yet */
  free (listing_text (f, &current));
  sleep (2);
  free (listing_text (f, &current));
  text = listing_text (f, &current);
  assert_true (current);
  assert_string_equal (text, "localhost/one:1\n");
  free (text);
  assert_int_equal (store_image_tag (f->store, id1, "localhost/more:2", &err), 0);
  text = listing_text (f, &current);
  assert_string_equal (text, "localhost/one:1,localhost/more:2\n");
  free (text);
  assert_int_equal (store_image_untag (f->store, id1, "localhost/one:1", &err), 0);
  text = listing_text (f, &current);
  assert_string_equal (text, "localhost/more:2\n");
  free (text);
  add_image (f, "{\"created\":\"2024-02-01T00:00:00Z\"}", layers, names2, id2);
  text = listing_text (f, &current);
  assert_string_equal (text, "localhost/more:2\nlocalhost/two:1\n");
  free (text);
  assert_int_equal (store_image_remove (f->store, id1, &err), 0);
  text = listing_text (f, &current);
  assert_string_equal (text, "localhost/two:1\n");
  free (text);
}

/* A pull by digest names the image "repo@digest" (as containers/storage):
 * found by that name before the image's tags, never by a tag input.  */
static void
test_digested_names (void **state)
{
  struct fixture *f = *state;
  galley_error_t err = NULL;
  char digest[DIGEST_SHA256_BUFSIZE], config_digest[DIGEST_SHA256_BUFSIZE], byname[160];
  char *names[] = { (char *)"example.com/app:1", byname, NULL };
  char *digests[] = { digest, NULL };
  struct store_image img = { 0 }, *found = NULL;
  char *matched = NULL;

  digest_sha256_hex ("a manifest", 10, digest);
  snprintf (byname, sizeof byname, "example.com/app@%s", digest);
  img.id = put_config (f, "{}", config_digest);
  img.config_digest = config_digest;
  img.names = names;
  img.digests = digests;
  if (store_image_add (f->store, &img, &err) < 0)
    fail_msg ("store_image_add: %s", err->msg);
  assert_true (store_name_is_digested (byname));
  assert_false (store_name_is_digested ("example.com/app:1"));

  assert_int_equal (store_image_lookup (f->store, byname, &found, &matched, &err), 0);
  assert_string_equal (matched, byname);
  store_image_free (found);
  free (matched);
  assert_int_equal (store_image_lookup (f->store, "example.com/app:1", &found, &matched, &err), 0);
  assert_string_equal (matched, "example.com/app:1");
  store_image_free (found);
  free (matched);
  /* "app" is app:latest, which it does not have: a digest is no tag.  */
  assert_int_equal (store_image_lookup (f->store, "example.com/app", &found, &matched, &err), -1);
  galley_error_release (&err);

  assert_int_equal (store_image_untag (f->store, img.id, byname, &err), 0);
  assert_int_equal (store_image_lookup (f->store, byname, &found, &matched, &err), 0);
  assert_string_equal (matched, "example.com/app:1");
  store_image_free (found);
  free (matched);

  /* A digested name carries a valid digest and no tag.  */
  const char *bad[] = { "example.com/app:1@sha256:00", "example.com/app@sha256:zz", "app@", NULL };
  for (size_t i = 0; bad[i]; i++)
    {
      assert_int_equal (store_image_tag (f->store, img.id, bad[i], &err), -1);
      galley_error_release (&err);
    }
  snprintf (byname, sizeof byname, "example.com/app:1@%s", digest);
  assert_int_equal (store_image_tag (f->store, img.id, byname, &err), -1);
  galley_error_release (&err);
}

static void
test_image_add_refuses (void **state)
{
  struct fixture *f = *state;
  galley_error_t err = NULL;
  char digest[DIGEST_SHA256_BUFSIZE];
  char *layers[] = { (char *)LAYER_C, NULL };
  struct store_image img = { 0 };

  img.id = put_config (f, "{}", digest);
  img.config_digest = digest;
  img.layers = layers; /* not in the store */
  assert_int_equal (store_image_add (f->store, &img, &err), -1);
  galley_error_release (&err);
  img.layers = NULL;
  img.id = (char *)"0000000000000000000000000000000000000000000000000000000000000000";
  assert_int_equal (store_image_add (f->store, &img, &err), -1);
  galley_error_release (&err);
  img.id = (char *)"../x";
  assert_int_equal (store_image_add (f->store, &img, &err), -1);
  galley_error_release (&err);
}

static void
test_ambiguous_prefix (void **state)
{
  struct fixture *f = *state;
  galley_error_t err = NULL;
  struct store_image *img = NULL;
  static int seen[4096];
  char digest[DIGEST_SHA256_BUFSIZE], conf[64], id[HEX_ID_BUFSIZE], p[4];
  int i;

  /* Two configs whose digests share their first three hex digits.  */
  for (i = 1;; i++)
    {
      int k;
      snprintf (conf, sizeof conf, "{\"n\":%d}", i);
      digest_sha256_hex (conf, strlen (conf), digest);
      k = (int)strtol ((char[4]){ digest[7], digest[8], digest[9], 0 }, NULL, 16);
      if (seen[k])
        break;
      seen[k] = i;
    }
  add_image (f, conf, NULL, NULL, id);
  memcpy (p, id, 3);
  p[3] = '\0';
  assert_int_equal (store_image_find (f->store, p, &img, &err), 0);
  store_image_free (img);
  snprintf (conf, sizeof conf, "{\"n\":%d}", seen[strtol (p, NULL, 16)]);
  add_image (f, conf, NULL, NULL, id);
  assert_int_equal (store_image_find (f->store, p, &img, &err), -1);
  assert_int_equal (galley_error_errno (&err), EINVAL);
  assert_non_null (strstr (err->msg, "ambiguous"));
  galley_error_release (&err);
  /* Two hex digits are too short to be an id prefix.  */
  p[2] = '\0';
  assert_int_equal (store_image_find (f->store, p, &img, &err), -1);
  assert_int_equal (galley_error_errno (&err), ENOENT);
  galley_error_release (&err);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown (test_layout_and_version, setup, teardown),
    cmocka_unit_test_setup_teardown (test_blobs, setup, teardown),
    cmocka_unit_test_setup_teardown (test_layers, setup, teardown),
    cmocka_unit_test_setup_teardown (test_pushed_blobs, setup, teardown),
    cmocka_unit_test_setup_teardown (test_crash_leftovers, setup, teardown),
    cmocka_unit_test_setup_teardown (test_concurrent_begin, setup, teardown),
    cmocka_unit_test_setup_teardown (test_images_and_names, setup, teardown),
    cmocka_unit_test_setup_teardown (test_image_add_refuses, setup, teardown),
    cmocka_unit_test_setup_teardown (test_digested_names, setup, teardown),
    cmocka_unit_test_setup_teardown (test_ambiguous_prefix, setup, teardown),
    cmocka_unit_test_setup_teardown (test_listing_sees_every_change, setup, teardown),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
