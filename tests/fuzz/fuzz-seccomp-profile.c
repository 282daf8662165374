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
 * Seeds: conf/seccomp.json.  Without libFuzzer, add -DFUZZ_REPLAY_MAIN to
 * get a main() that replays the files named on the command line.  */
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

#ifdef FUZZ_REPLAY_MAIN
#include <fcntl.h>

#include "util/fs.h"

int
main (int argc, char **argv)
{
  for (int i = 1; i < argc; i++)
    {
      galley_error_t err = NULL;
      char *data = NULL;
      size_t len;

      if (fs_read_file (AT_FDCWD, argv[i], 0, &data, &len, &err) < 0)
        {
          fprintf (stderr, "%s\n", err->msg);
          galley_error_release (&err);
          return 1;
        }
      LLVMFuzzerTestOneInput ((const uint8_t *)data, len);
      free (data);
    }
  return 0;
}
#endif
