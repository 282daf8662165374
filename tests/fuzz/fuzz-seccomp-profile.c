/* Fuzz target for the seccomp profile loader: any input must either become
 * a filter or fail with one error line naming the profile, never crash or
 * leak.  The capability set varies with the input so that includes/excludes
 * take both branches.
 *
 *   clang -g -fsanitize=fuzzer,address,undefined -I src -I BUILD \
 *     tests/fuzz/fuzz-seccomp-profile.c src/runtime/seccomp.c src/runtime/caps.c \
 *     src/util/error.c src/util/fs.c src/util/json.c src/util/log.c \
 *     $(pkg-config --cflags --libs json-c libseccomp libcap) -o fuzz-seccomp-profile
 *
 * Seeds: conf/seccomp.json.  Without libFuzzer, `make check` links it with tests/fuzz/replay.c and replays
 * tests/fuzz/seeds/.  */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/caps.h"
#include "runtime/seccomp.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  galley_error_t err = NULL;
  scmp_filter_ctx ctx = NULL;
  uint64_t caps = caps_default () ^ ((uint64_t)size * UINT64_C (0x9E3779B97F4A7C15));

  if (seccomp_profile_load_data ((const char *)data, size, "fuzz.json", caps, &ctx, &err) < 0)
    {
      if (ctx != NULL || err == NULL || strchr (err->msg, '\n') != NULL
          || strstr (err->msg, "fuzz.json") == NULL)
        abort ();
      galley_error_release (&err);
      return 0;
    }
  if (ctx == NULL || err != NULL)
    abort ();
  seccomp_release (ctx);
  return 0;
}
