/* Fuzz target for podman's --change instructions (image/image_change.h):
 * each input line is one change; the lines must parse or fail with one
 * error line naming the change, never crash or leak; what parses must apply
 * onto an image config.
 *
 *   clang -g -fsanitize=fuzzer,address,undefined -I src -I BUILD \
 *     tests/fuzz/fuzz-image-change.c src/image/image_change.c src/util/error_text.c \
 *     src/util/signal_names.c src/util/error.c src/util/json.c src/util/fs.c src/util/log.c \
 *     $(pkg-config --cflags --libs json-c) -o fuzz-image-change
 *
 * Without libFuzzer, `make check` links it with tests/fuzz/replay.c and replays tests/fuzz/seeds/.  */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "image/image_change.h"
#include "util/json.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *text = malloc (size + 1), **changes, *line, *save = NULL;
  json_object *delta = NULL, *config;
  galley_error_t err = NULL;
  size_t n = 0;

  if (text == NULL)
    return 0;
  memcpy (text, data, size);
  text[size] = '\0';
  changes = calloc (size + 2, sizeof *changes);
  if (changes == NULL)
    {
      free (text);
      return 0;
    }
  for (line = strtok_r (text, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    changes[n++] = line;
  if (image_changes_parse (changes, n, &delta, &err) < 0)
    {
      if (delta != NULL || err == NULL || strchr (err->msg, '\n') != NULL
          || strncmp (err->msg, "invalid change \"", 16) != 0)
        abort ();
      galley_error_release (&err);
    }
  else
    {
      config = json_object_new_object ();
      json_object_object_add (config, "Env", json_object_new_string ("not an array"));
      image_changes_apply (config, delta);
      image_changes_apply (config, delta);
      if (json_object_to_json_string (config) == NULL)
        abort ();
      json_object_put (config);
      json_object_put (delta);
    }
  free (changes);
  free (text);
  return 0;
}
