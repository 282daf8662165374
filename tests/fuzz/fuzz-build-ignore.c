/* Fuzz target for .containerignore / .dockerignore patterns: any text must
 * parse or fail with one error line, and matching any path against what
 * parsed must terminate quickly (the matcher is an NFA, no backtracking).
 * The input's last line is also used as a path to match.
 *
 *   clang -g -fsanitize=fuzzer,address,undefined -I src -I BUILD \
 *     tests/fuzz/fuzz-build-ignore.c src/build/ignore.c src/util/error_text.c \
 *     src/util/error.c src/util/fs.c -o fuzz-build-ignore
 *
 * Without libFuzzer, `make check` links it with tests/fuzz/replay.c and replays tests/fuzz/seeds/.  */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "build/ignore.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static const char *const paths[] = {
  "a", "a/b", "a/b/c.go", ".git/config", "node_modules/x/y", "docs/README.md", "caf\xc3\xa9/x",
  "",  ".",   "/",        "../x",
};

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  galley_error_t err = NULL;
  struct build_ignore *ig = NULL;
  const char *last;
  char *path;
  size_t i;

  if (build_ignore_parse ((const char *)data, size, &ig, &err) < 0)
    {
      if (ig != NULL || err == NULL || strchr (err->msg, '\n') != NULL || strncmp (err->msg, "line ", 5) != 0)
        abort ();
      galley_error_release (&err);
      return 0;
    }
  for (i = 0; i < sizeof paths / sizeof paths[0]; i++)
    build_ignore_match (ig, paths[i]);
  last = memrchr (data, '\n', size);
  last = last != NULL ? last + 1 : (const char *)data;
  path = strndup (last, size - (size_t)(last - (const char *)data));
  if (path == NULL)
    abort ();
  build_ignore_match (ig, path);
  free (path);
  build_ignore_has_exceptions (ig);
  build_ignore_free (ig);
  return 0;
}
