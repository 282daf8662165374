/* Fuzz target for the WWW-Authenticate parser: any header must either parse
 * into challenges with lower-case schemes and names, or fail with one error
 * line and nothing appended; never crash or leak.
 *
 *   clang -g -fsanitize=fuzzer,address,undefined -I src -I BUILD \
 *     tests/fuzz/fuzz-www-authenticate.c src/registry/challenge.c src/util/error.c -o fuzz-www-authenticate
 *
 * Without libFuzzer, `make check` links it with tests/fuzz/replay.c and replays tests/fuzz/seeds/.  */
#include "config.h"

#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry/challenge.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_lower (const char *s)
{
  for (; *s; s++)
    if (isupper ((unsigned char)*s))
      abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  galley_error_t err = NULL;
  struct auth_challenges c = { 0 };
  char *header = malloc (size + 1);
  size_t i, j;

  if (header == NULL)
    return 0;
  memcpy (header, data, size);
  header[size] = '\0'; /* a header value never holds a NUL: stop there as curl would */
  if (auth_challenges_parse (header, &c, &err) < 0)
    {
      if (err == NULL || c.n != 0 || (strchr (err->msg, '\n') != NULL && strchr (header, '\n') == NULL))
        abort ();
      galley_error_release (&err);
    }
  else
    {
      if (c.n == 0)
        abort ();
      for (i = 0; i < c.n; i++)
        {
          check_lower (c.items[i].scheme);
          for (j = 0; j < c.items[i].n_params; j++)
            {
              check_lower (c.items[i].params[j].name);
              if (auth_challenge_param (&c.items[i], c.items[i].params[j].name) == NULL)
                abort ();
            }
        }
    }
  auth_challenges_release (&c);
  free (header);
  return 0;
}
