/* Fuzz target for the manifest, index and config parsers: any input must
 * either parse or fail with one error line, never crash or leak.  What
 * parses must hold only validated descriptors; indexes go through platform
 * selection.  The first byte picks the Content-Type so that the agreement
 * checks are exercised too.
 *
 *   clang -g -fsanitize=fuzzer,address,undefined -I src -I BUILD \
 *     tests/fuzz/fuzz-manifest.c src/image/manifest.c src/image/image_config.c \
 *     src/image/duplicate_keys.c src/image/platform.c src/util/digest.c src/util/error_text.c \
 *     src/util/error.c src/util/json.c src/util/fs.c src/util/log.c \
 *     $(pkg-config --cflags --libs json-c libcrypto) -o fuzz-manifest
 *
 * Seeds: manifests and configs fetched with `skopeo inspect --raw` and
 * `skopeo inspect --config --raw`, prefixed with one byte.  Without
 * libFuzzer, `make check` links it with tests/fuzz/replay.c and replays
 * tests/fuzz/seeds/.  */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image/manifest.h"
#include "util/digest.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static const char *const content_types[] = {
  NULL,
  "application/json",
  MEDIA_TYPE_OCI_INDEX,
  MEDIA_TYPE_OCI_MANIFEST,
  MEDIA_TYPE_DOCKER_LIST,
  MEDIA_TYPE_DOCKER_MANIFEST,
  MEDIA_TYPE_DOCKER_SCHEMA1_SIGNED,
  "text/html; charset=utf-8",
};

static void
check_error (galley_error_t *err)
{
  if (*err == NULL || strchr ((*err)->msg, '\n') != NULL)
    abort ();
  galley_error_release (err);
}

static void
check_descriptor (const struct descriptor *d)
{
  if (d->media_type == NULL || ! digest_is_valid (d->digest) || d->size < 0)
    abort ();
}

static void
fuzz_manifest (const char *buf, size_t len, const char *content_type)
{
  galley_error_t err = NULL;
  struct manifest m;

  if (manifest_parse (buf, len, content_type, &m, &err) < 0)
    {
      check_error (&err);
      return;
    }
  if (manifest_is_index (&m))
    {
      static const char *const arches[] = { "amd64", "arm64", "arm" };
      for (size_t i = 0; i < m.n_entries; i++)
        check_descriptor (&m.entries[i].d);
      for (size_t a = 0; a < 3; a++)
        {
          struct platform want = { (char *)"linux", (char *)arches[a], NULL };
          const struct index_entry *e = manifest_select_platform (&m, &want, &err);
          if (e == NULL)
            check_error (&err);
          else if (! media_type_is_image_manifest (e->d.media_type))
            abort ();
        }
    }
  else
    {
      check_descriptor (&m.config);
      for (size_t i = 0; i < m.n_layers; i++)
        check_descriptor (&m.layers[i].d);
    }
  manifest_release (&m);
}

static void
fuzz_config (const char *buf, size_t len)
{
  galley_error_t err = NULL;
  struct image_config c;

  if (image_config_parse (buf, len, &c, &err) < 0)
    {
      check_error (&err);
      return;
    }
  if (c.os == NULL || c.architecture == NULL || c.raw == NULL)
    abort ();
  for (size_t i = 0; i < c.n_diff_ids; i++)
    if (! digest_is_valid (c.diff_ids[i]))
      abort ();
  image_config_release (&c);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *content_type;

  if (size < 1)
    return 0;
  content_type = content_types[data[0] % (sizeof content_types / sizeof content_types[0])];
  fuzz_manifest ((const char *)data + 1, size - 1, content_type);
  fuzz_config ((const char *)data + 1, size - 1);
  return 0;
}
