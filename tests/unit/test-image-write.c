/* Unit tests of the image writer's pure parts and of the writer against a
 * private store: --change parsing and application (as libimage's
 * ImageConfigFromChanges), chain ids, name normalisation, the composed
 * config (history, rootfs, platform) and manifest of written images.  */
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
#include <unistd.h>

#include <cmocka.h>

#include "image/image_change.h"
#include "image/image_write.h"
#include "image/layer_import.h"
#include "image/manifest.h"
#include "image/store.h"
#include "registry/reference.h"
#include "util/cleanup.h"
#include "util/digest.h"
#include "util/fs.h"
#include "util/json.h"

#include "temp-root.h"

/* ---- --change ---- */

static json_object *
parse_ok (const char *const *changes)
{
  size_t n = 0;
  json_object *delta = NULL;
  galley_error_t err = NULL;

  while (changes[n])
    n++;
  if (image_changes_parse ((char *const *)changes, n, &delta, &err) < 0)
    fail_msg ("%s", err->msg);
  return delta;
}

static void
assert_parse_fails (const char *change, const char *msg)
{
  char *const changes[] = { (char *)change, NULL };
  json_object *delta = NULL;
  _cleanup_error_ galley_error_t err = NULL;

  assert_int_equal (image_changes_parse (changes, 1, &delta, &err), -1);
  assert_null (delta);
  assert_string_equal (err->msg, msg);
}

static const char *
json_text (json_object *o)
{
  return json_object_to_json_string_ext (o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
}

static void
test_change_command_forms (void **state)
{
  static const char *const changes[] = { "CMD [\"cat\", \"/x\"]", "ENTRYPOINT echo hi", "cmd=/bin/true",
                                         NULL };
  static const char *const empty[] = { "ENTRYPOINT ", "CMD []", NULL };
  _cleanup_json_ json_object *d = parse_ok (changes);
  _cleanup_json_ json_object *e = NULL;

  (void)state;
  /* the later CMD wins; "=" separates when there is no space */
  assert_string_equal (json_text (json_object_object_get (d, "Cmd")), "[\"/bin/sh\",\"-c\",\"/bin/true\"]");
  assert_string_equal (json_text (json_object_object_get (d, "Entrypoint")),
                       "[\"/bin/sh\",\"-c\",\"echo hi\"]");
  e = parse_ok (empty);
  /* "ENTRYPOINT " trims to an empty value: no entrypoint at all */
  assert_string_equal (json_text (json_object_object_get (e, "Entrypoint")), "[]");
  assert_string_equal (json_text (json_object_object_get (e, "Cmd")), "[]");
}

static void
test_change_env_label_expose_volume (void **state)
{
  static const char *const changes[] = { "ENV A=1",
                                         "env \"B\"=\"two words\"",
                                         "ENV C",
                                         "LABEL k=v",
                                         "EXPOSE 80",
                                         "EXPOSE 53/UDP",
                                         "VOLUME /a /b",
                                         "VOLUME [\"/c\"]",
                                         "USER nobody",
                                         "ONBUILD RUN true",
                                         "STOPSIGNAL SIGKILL",
                                         NULL };
  _cleanup_json_ json_object *d = parse_ok (changes);

  (void)state;
  assert_string_equal (json_text (json_object_object_get (d, "Env")), "[\"A=1\",\"B=two words\",\"C=\"]");
  assert_string_equal (json_text (json_object_object_get (d, "Labels")), "{\"k\":\"v\"}");
  assert_string_equal (json_text (json_object_object_get (d, "ExposedPorts")),
                       "{\"80/tcp\":{},\"53/udp\":{}}");
  assert_string_equal (json_text (json_object_object_get (d, "Volumes")), "{\"/a\":{},\"/b\":{},\"/c\":{}}");
  assert_string_equal (json_get_string (d, "User"), "nobody");
  assert_string_equal (json_text (json_object_object_get (d, "OnBuild")), "[\"RUN true\"]");
  assert_string_equal (json_get_string (d, "StopSignal"), "9");
}

static void
test_change_workdir_joins (void **state)
{
  static const char *const changes[] = { "WORKDIR /a", "WORKDIR b", "WORKDIR c", NULL };
  static const char *const reset[] = { "WORKDIR /a", "WORKDIR /z", NULL };
  _cleanup_json_ json_object *d = parse_ok (changes);
  _cleanup_json_ json_object *r = parse_ok (reset);

  (void)state;
  assert_string_equal (json_get_string (d, "WorkingDir"), "/a/b/c");
  assert_string_equal (json_get_string (r, "WorkingDir"), "/z");
}

static void
test_change_errors (void **state)
{
  (void)state;
  assert_parse_fails ("FOO bar", "invalid change \"FOO bar\" - invalid instruction FOO");
  assert_parse_fails ("CMD", "invalid change \"CMD\" - must be formatted as KEY VALUE");
  assert_parse_fails ("USER ", "invalid change \"USER \" - must provide a value to USER");
  assert_parse_fails ("EXPOSE x", "invalid change \"EXPOSE x\" - EXPOSE port must be an integer");
  assert_parse_fails ("EXPOSE 70000",
                      "invalid change \"EXPOSE 70000\" - EXPOSE port must be a valid port number");
  assert_parse_fails ("EXPOSE 80/sctp",
                      "invalid change \"EXPOSE 80/sctp\" - EXPOSE protocol must be TCP or UDP");
  assert_parse_fails ("EXPOSE 80/tcp/x",
                      "invalid change \"EXPOSE 80/tcp/x\" - EXPOSE port must be formatted as PORT[/PROTO]");
  assert_parse_fails ("ENV =x", "invalid change \"ENV =x\" - ENV must have at least one argument");
  assert_parse_fails ("LABEL k", "invalid change \"LABEL k\" - LABEL must be formatted key=value");
  assert_parse_fails ("LABEL =v", "invalid change \"LABEL =v\" - LABEL must have a non-empty key");
  assert_parse_fails ("VOLUME /a  /b", "invalid change \"VOLUME /a  /b\" - VOLUME paths must not be empty");
  assert_parse_fails ("STOPSIGNAL SIGNOPE",
                      "invalid change \"STOPSIGNAL SIGNOPE\" - KILLSIGNAL must be given a valid signal");
  assert_parse_fails ("ONBUILD ", "invalid change \"ONBUILD \" - ONBUILD must be given an argument");
  assert_parse_fails ("WORKDIR ", "invalid change \"WORKDIR \" - must provide a non-empty WORKDIR");
}

static void
test_change_apply (void **state)
{
  static const char *const changes[] = { "ENV PATH=/x",   "ENV NEW=1",   "LABEL b=2", "EXPOSE 8080",
                                         "ONBUILD RUN b", "CMD [\"x\"]", NULL };
  _cleanup_json_ json_object *d = parse_ok (changes);
  _cleanup_json_ json_object *config = NULL;
  galley_error_t err = NULL;
  const char *text = "{\"Env\":[\"PATH=/bin\",\"HOME=/\"],\"Labels\":{\"a\":\"1\"},\"Cmd\":[\"sh\"],"
                     "\"OnBuild\":[\"RUN a\"],\"ExposedPorts\":{\"22/tcp\":{}}}";

  (void)state;
  assert_int_equal (json_parse_strict (text, strlen (text), "config", &config, &err), 0);
  image_changes_apply (config, d);
  assert_string_equal (json_text (config),
                       "{\"Env\":[\"PATH=/x\",\"HOME=/\",\"NEW=1\"],\"Labels\":{\"a\":\"1\",\"b\":\"2\"},"
                       "\"Cmd\":[\"x\"],\"OnBuild\":[\"RUN a\",\"RUN b\"],"
                       "\"ExposedPorts\":{\"22/tcp\":{},\"8080/tcp\":{}}}");
}

/* ---- chain ids, names ---- */

static void
test_chain_id (void **state)
{
  const char *a = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
  const char *b = "sha256:2222222222222222222222222222222222222222222222222222222222222222";
  char out[LAYER_DIGEST_LEN], expect[DIGEST_SHA256_BUFSIZE];
  _cleanup_free_ char *text = NULL;

  (void)state;
  assert_int_equal (layer_chain_id (NULL, a, out), 0);
  assert_string_equal (out, a);
  assert_int_equal (layer_chain_id ("", a, out), 0);
  assert_string_equal (out, a);
  assert_true (asprintf (&text, "%s %s", a, b) > 0);
  digest_sha256_hex (text, strlen (text), expect);
  assert_int_equal (layer_chain_id (a, b, out), 0);
  assert_string_equal (out, expect);
}

static void
test_normalize_name (void **state)
{
  _cleanup_free_ char *a = NULL, *b = NULL, *c = NULL;
  _cleanup_error_ galley_error_t err = NULL;
  char *d = NULL;

  (void)state;
  assert_int_equal (image_ref_normalize_name ("myimg", &a, &err), 0);
  assert_string_equal (a, "localhost/myimg:latest");
  assert_int_equal (image_ref_normalize_name ("quay.io/x/y:1", &b, &err), 0);
  assert_string_equal (b, "quay.io/x/y:1");
  assert_int_equal (image_ref_normalize_name ("a/b:t", &c, &err), 0);
  assert_string_equal (c, "localhost/a/b:t");
  assert_int_equal (image_ref_normalize_name ("Bad", &d, &err), -1);
  assert_null (d);
}

/* ---- the writer against a private store ---- */

struct fixture
{
  char dir[64];
  struct galley_paths paths;
};

static int
setup (void **state)
{
  struct fixture *f = calloc (1, sizeof *f);

  temp_root_make (f->dir, "test-image-write", &f->paths, "storage", NULL);
  *state = f;
  return 0;
}

static int
teardown (void **state)
{
  struct fixture *f = *state;

  temp_root_remove (f->dir, &f->paths);
  free (f);
  return 0;
}

static json_object *
stored_doc (struct store *s, const char *digest, const char *what)
{
  _cleanup_free_ char *text = NULL;
  size_t len;
  json_object *doc = NULL;
  galley_error_t err = NULL;

  if (store_blob_get (s, digest, 0, &text, &len, &err) < 0
      || json_parse_strict (text, len, what, &doc, &err) < 0)
    fail_msg ("%s", err->msg);
  return doc;
}

static void
test_scratch_image_without_layers (void **state)
{
  struct fixture *f = *state;
  _cleanup_image_writer_ struct image_writer *w = NULL;
  _cleanup_store_ struct store *s = NULL;
  _cleanup_store_image_ struct store_image *img = NULL;
  _cleanup_json_ json_object *config = NULL, *manifest = NULL;
  _cleanup_free_ char *id = NULL;
  _cleanup_manifest_ struct manifest m = { 0 };
  const char *const names[] = { "localhost/empty:latest", NULL };
  galley_error_t err = NULL;
  json_object *history, *h;
  const char *text;

  assert_int_equal (image_writer_new (&f->paths, NULL, &w, &err), 0);
  json_object_object_add (image_writer_doc (w), "author", json_object_new_string ("me"));
  json_object_object_add (image_writer_config (w), "Cmd", json_object_new_string ("x"));
  image_writer_set_created (w, 86400);
  assert_int_equal (image_writer_add_history (w, "/bin/sh -c #(nop) CMD x", "why", &err), 0);
  assert_int_equal (image_writer_n_layers (w), 0);
  assert_null (image_writer_top_layer (w));
  assert_int_equal (image_writer_commit (w, names, &id, &err), 0);
  assert_true (store_valid_hex_id (id));

  assert_int_equal (store_open (&f->paths, &s, &err), 0);
  assert_int_equal (store_image_find (s, "empty", &img, &err), 0);
  assert_string_equal (img->id, id);
  assert_null (img->layers[0]);
  assert_string_equal (img->created, "1970-01-02T00:00:00.000000000Z");
  config = stored_doc (s, img->config_digest, "config");
  assert_string_equal (json_get_string (config, "author"), "me");
  assert_string_equal (json_get_string (config, "os"), "linux");
  assert_non_null (json_get_string (config, "architecture"));
  assert_string_equal (json_text (json_object_object_get (config, "rootfs")),
                       "{\"type\":\"layers\",\"diff_ids\":[]}");
  history = json_object_object_get (config, "history");
  assert_int_equal (json_object_array_length (history), 1);
  h = json_object_array_get_idx (history, 0);
  assert_string_equal (json_text (h),
                       "{\"created\":\"1970-01-02T00:00:00.000000000Z\",\"created_by\":\"/bin/sh -c "
                       "#(nop) CMD x\",\"author\":\"me\",\"comment\":\"why\",\"empty_layer\":true}");
  /* the manifest is valid and names the config */
  manifest = stored_doc (s, img->manifest_digest, "manifest");
  text = json_text (manifest);
  assert_int_equal (manifest_parse (text, strlen (text), NULL, &m, &err), 0);
  assert_string_equal (m.media_type, MEDIA_TYPE_OCI_MANIFEST);
  assert_string_equal (m.config.digest, img->config_digest);
  assert_int_equal (m.n_layers, 0);
}

static int
write_file (const char *path, const char *text)
{
  return fs_write_atomic (AT_FDCWD, path, text, strlen (text), 0644, NULL);
}

static void
test_layers_and_base (void **state)
{
  struct fixture *f = *state;
  _cleanup_image_writer_ struct image_writer *w = NULL, *w2 = NULL;
  _cleanup_store_ struct store *s = NULL;
  _cleanup_store_image_ struct store_image *img = NULL;
  _cleanup_json_ json_object *config = NULL, *manifest = NULL;
  _cleanup_free_ char *id = NULL, *id2 = NULL, *dir = NULL, *tar = NULL, *cmd = NULL;
  _cleanup_manifest_ struct manifest m = { 0 };
  _cleanup_close_ int tar_fd = -1;
  const char *const names[] = { "localhost/two:latest", NULL };
  char chain[LAYER_DIGEST_LEN];
  galley_error_t err = NULL;
  json_object *ids, *history;
  const char *text;

  assert_true (asprintf (&dir, "%s/upper", f->dir) > 0);
  assert_int_equal (mkdir (dir, 0755), 0);
  assert_true (asprintf (&tar, "%s/hello", dir) > 0);
  assert_int_equal (write_file (tar, "hello\n"), 0);
  free (tar);
  /* a runtime mount point, left out */
  assert_true (asprintf (&tar, "%s/etc", dir) > 0);
  assert_int_equal (mkdir (tar, 0755), 0);
  free (tar);
  assert_true (asprintf (&tar, "%s/etc/hosts", dir) > 0);
  assert_int_equal (write_file (tar, ""), 0);
  free (tar);
  assert_true (asprintf (&tar, "%s/layer.tar.gz", f->dir) > 0);
  assert_true (asprintf (&cmd, "tar -C %s -czf %s hello", dir, tar) > 0);
  assert_int_equal (system (cmd), 0);

  assert_int_equal (image_writer_new (&f->paths, NULL, &w, &err), 0);
  if (image_writer_add_layer_dir (w, dir, "COPY hello /", NULL, &err) < 0)
    {
      /* no user namespace here (a restricted CI sandbox) */
      skip ();
    }
  tar_fd = open (tar, O_RDONLY | O_CLOEXEC);
  assert_true (tar_fd >= 0);
  if (image_writer_add_layer_tar (w, tar_fd, NULL, "second", &err) < 0)
    fail_msg ("%s", err->msg);
  assert_int_equal (image_writer_n_layers (w), 2);
  assert_int_equal (image_writer_commit (w, names, &id, &err), 0);

  assert_int_equal (store_open (&f->paths, &s, &err), 0);
  assert_int_equal (store_image_find (s, id, &img, &err), 0);
  config = stored_doc (s, img->config_digest, "config");
  ids = json_object_object_get (json_object_object_get (config, "rootfs"), "diff_ids");
  assert_int_equal (json_object_array_length (ids), 2);
  /* chain ids from the diff ids */
  assert_string_equal (img->layers[0], json_object_get_string (json_object_array_get_idx (ids, 0)));
  layer_chain_id (img->layers[0], json_object_get_string (json_object_array_get_idx (ids, 1)), chain);
  assert_string_equal (img->layers[1], chain);
  history = json_object_object_get (config, "history");
  assert_int_equal (json_object_array_length (history), 2);
  assert_string_equal (json_get_string (json_object_array_get_idx (history, 0), "created_by"),
                       "COPY hello /");
  assert_null (json_object_object_get (json_object_array_get_idx (history, 0), "empty_layer"));
  assert_string_equal (json_get_string (json_object_array_get_idx (history, 1), "comment"), "second");
  /* uncompressed layers in the manifest: digest = diff_id */
  manifest = stored_doc (s, img->manifest_digest, "manifest");
  text = json_text (manifest);
  assert_int_equal (manifest_parse (text, strlen (text), NULL, &m, &err), 0);
  assert_int_equal (m.n_layers, 2);
  assert_string_equal (m.layers[1].d.digest, json_object_get_string (json_object_array_get_idx (ids, 1)));
  assert_string_equal (m.layers[0].d.media_type, MEDIA_TYPE_OCI_LAYER);
  /* the layer from the directory: hello, etc/ -- not etc/hosts */
  {
    _cleanup_free_ char *diff = NULL, *path = NULL;
    struct stat st;
    assert_int_equal (store_layer_diff_dir (s, img->layers[0], &diff, &err), 0);
    assert_true (asprintf (&path, "%s/etc/hosts", diff) > 0);
    assert_int_equal (stat (path, &st), -1);
    free (path);
    assert_true (asprintf (&path, "%s/hello", diff) > 0);
    assert_int_equal (stat (path, &st), 0);
  }

  /* a writer based on it starts with its layers, history and config */
  assert_int_equal (image_writer_new (&f->paths, "two", &w2, &err), 0);
  assert_int_equal (image_writer_n_layers (w2), 2);
  assert_string_equal (image_writer_top_layer (w2), img->layers[1]);
  image_writer_set_format (w2, IMAGE_WRITER_DOCKER);
  image_writer_drop_layers (w2);
  assert_int_equal (image_writer_n_layers (w2), 0);
  assert_int_equal (image_writer_commit (w2, NULL, &id2, &err), 0);
  assert_string_not_equal (id, id2);
  store_image_free (img);
  img = NULL;
  assert_int_equal (store_image_find (s, id2, &img, &err), 0);
  assert_string_equal (img->manifest_media_type, MEDIA_TYPE_DOCKER_MANIFEST);
  json_object_put (config);
  config = stored_doc (s, img->config_digest, "config");
  history = json_object_object_get (config, "history");
  assert_int_equal (json_object_array_length (history), 2);
  assert_true (json_object_get_boolean (
      json_object_object_get (json_object_array_get_idx (history, 0), "empty_layer")));
}

/* A writer that stores no image leaves none of the layers it added; the
 * layers it reused, and those of a stored image, stay.  */
static void
test_unstored_layers_released (void **state)
{
  struct fixture *f = *state;
  _cleanup_store_ struct store *s = NULL;
  _cleanup_free_ char *dir = NULL, *file = NULL, *id = NULL, *kept = NULL;
  struct image_writer *w = NULL;
  struct store_layer *l = NULL;
  galley_error_t err = NULL;

  assert_true (asprintf (&dir, "%s/upper", f->dir) > 0);
  assert_int_equal (mkdir (dir, 0755), 0);
  assert_true (asprintf (&file, "%s/a", dir) > 0);
  assert_int_equal (write_file (file, "a\n"), 0);

  /* added, then the writer is dropped without committing */
  assert_int_equal (image_writer_new (&f->paths, NULL, &w, &err), 0);
  if (image_writer_add_layer_dir (w, dir, "COPY a /", NULL, &err) < 0)
    {
      image_writer_free (w);
      skip (); /* no user namespace here */
    }
  kept = strdup (image_writer_top_layer (w));
  assert_int_equal (store_open (&f->paths, &s, &err), 0);
  assert_int_equal (store_layer_get (s, kept, &l, &err), 0);
  store_layer_free (l);
  image_writer_free (w);
  assert_int_equal (store_layer_get (s, kept, &l, &err), -1);
  assert_int_equal (galley_error_errno (&err), ENOENT);
  galley_error_release (&err);

  /* committed: the image's layer stays */
  assert_int_equal (image_writer_new (&f->paths, NULL, &w, &err), 0);
  assert_int_equal (image_writer_add_layer_dir (w, dir, "COPY a /", NULL, &err), 0);
  assert_int_equal (image_writer_commit (w, NULL, &id, &err), 0);
  image_writer_free (w);
  assert_int_equal (store_layer_get (s, kept, &l, &err), 0);
  store_layer_free (l);

  /* reused by a writer that then fails: still the image's */
  assert_int_equal (image_writer_new (&f->paths, NULL, &w, &err), 0);
  assert_int_equal (image_writer_add_layer_dir (w, dir, "COPY a /", NULL, &err), 0);
  image_writer_free (w);
  assert_int_equal (store_layer_get (s, kept, &l, &err), 0);
  store_layer_free (l);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_change_command_forms),
    cmocka_unit_test (test_change_env_label_expose_volume),
    cmocka_unit_test (test_change_workdir_joins),
    cmocka_unit_test (test_change_errors),
    cmocka_unit_test (test_change_apply),
    cmocka_unit_test (test_chain_id),
    cmocka_unit_test (test_normalize_name),
    cmocka_unit_test_setup_teardown (test_scratch_image_without_layers, setup, teardown),
    cmocka_unit_test_setup_teardown (test_layers_and_base, setup, teardown),
    cmocka_unit_test_setup_teardown (test_unstored_layers_released, setup, teardown),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
