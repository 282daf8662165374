/* Fuzz target for the image reference parser: any input must either parse
 * or fail with one error line, never crash or leak; what parses must format
 * to a string that parses again to the same reference (normalisation is
 * idempotent) and whose digest, if any, is valid.
 *
 *   clang -g -fsanitize=fuzzer,address,undefined -I src -I BUILD \
 *     tests/fuzz/fuzz-reference.c src/registry/reference.c src/util/digest.c src/util/error_text.c \
 *     src/util/error.c $(pkg-config --cflags --libs libcrypto) -o fuzz-reference
 *
 * Seeds: one reference per file (busybox, docker.io/library/busybox:1.36,
 * localhost:5000/a/b@sha256:...).  Without libFuzzer, `make check` links it with tests/fuzz/replay.c and
 * replays tests/fuzz/seeds/.  */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry/reference.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  galley_error_t err = NULL;
  struct image_ref r, again;
  char *s, *formatted, *reformatted;

  if (size > 4096)
    return 0;
  s = malloc (size + 1);
  if (s == NULL)
    return 0;
  memcpy (s, data, size);
  s[size] = '\0';
  (void)digest_is_valid (s);

  if (image_ref_parse (s, &r, &err) < 0)
    {
      if (err == NULL || strchr (err->msg, '\n') != NULL || r.repository != NULL)
        abort ();
      galley_error_release (&err);
      free (s);
      return 0;
    }
  if (r.repository == NULL || (r.tag == NULL && r.digest == NULL)
      || (r.digest != NULL && ! digest_is_valid (r.digest))
      || (r.tag != NULL && ! image_ref_tag_is_valid (r.tag)) || ! image_ref_path_is_valid (r.repository)
      || (r.registry != NULL && ! image_ref_domain_is_valid (r.registry)))
    abort ();
  formatted = image_ref_format (&r);
  if (formatted == NULL)
    abort ();
  if (image_ref_parse (formatted, &again, &err) < 0)
    abort ();
  reformatted = image_ref_format (&again);
  if (reformatted == NULL || strcmp (formatted, reformatted) != 0)
    abort ();
  free (reformatted);
  free (formatted);
  image_ref_release (&again);
  image_ref_release (&r);
  free (s);
  return 0;
}
