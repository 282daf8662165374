/* Fuzz target for the TOML subset reader: any input must either parse or
 * fail with one error line, never crash or leak.
 *
 *   clang -g -fsanitize=fuzzer,address,undefined -I src -I BUILD \
 *     tests/fuzz/fuzz-toml.c src/util/toml.c src/util/error.c src/util/fs.c src/util/json.c \
 *     $(pkg-config --cflags --libs json-c) -o fuzz-toml
 *
 * Without libFuzzer, `make check` links it with tests/fuzz/replay.c and replays tests/fuzz/seeds/.  */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/json.h"
#include "util/toml.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  galley_error_t err = NULL;
  json_object *doc = NULL;

  if (toml_parse_string ((const char *)data, size, "fuzz.conf", &doc, &err) < 0)
    {
      if (err == NULL || strchr (err->msg, '\n') != NULL || strncmp (err->msg, "fuzz.conf:", 10) != 0)
        abort ();
      galley_error_release (&err);
      return 0;
    }
  /* The tree must serialize: no flags or dangling pointers left behind.  */
  if (json_object_to_json_string (doc) == NULL)
    abort ();
  json_object_put (doc);
  return 0;
}
