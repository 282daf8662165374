/* A main() for the fuzz targets without libFuzzer: feed each file named on
 * the command line to LLVMFuzzerTestOneInput once.  `make check` builds
 * every target with it and replays tests/fuzz/seeds/, so that the targets
 * keep compiling and the seeds keep passing; real fuzzing uses clang's
 * -fsanitize=fuzzer instead (see each target's header comment).  */
#include "config.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "util/fs.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

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
