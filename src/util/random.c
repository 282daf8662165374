/* Random identifiers (random.h).  */
#include "config.h"
#include "util/random.h"

#include <errno.h>
#include <sys/random.h>
#include <sys/types.h>

int
random_hex (char *out, size_t digits, galley_error_t *err)
{
  static const char hex[] = "0123456789abcdef";
  unsigned char raw[64];
  size_t i;

  for (i = 0; i < digits; i++)
    {
      if (i % (2 * sizeof raw) == 0)
        {
          size_t want = sizeof raw;
          if (getrandom (raw, want, 0) != (ssize_t)want)
            return galley_error_make (err, errno, "getrandom");
        }
      out[i] = hex[(raw[(i / 2) % sizeof raw] >> (i % 2 ? 0 : 4)) & 0xf];
    }
  out[digits] = '\0';
  return 0;
}
