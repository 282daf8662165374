/* Sizes of the command line (see size.h).  */
#include "config.h"
#include "util/size.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

int
size_parse (const char *s, int64_t *out)
{
  static const char units[] = "kmgtp";
  size_t digits = strspn (s, "0123456789"), len = digits;
  const char *unit;
  double v, mult = 1;

  if (digits > 0 && s[len] == '.' && isdigit ((unsigned char)s[len + 1]))
    len += 1 + strspn (s + len + 1, "0123456789");
  unit = s + len;
  if (*unit != '\0' && (unit[0] == 'b' || unit[0] == 'B') && unit[1] == '\0')
    unit++;
  else if (*unit != '\0' && strchr (units, tolower ((unsigned char)*unit)) != NULL)
    {
      const char *u;
      for (u = units; *u != tolower ((unsigned char)*unit); u++)
        mult *= 1024;
      mult *= 1024;
      unit++;
      if (*unit == 'i' || *unit == 'I')
        unit++;
      if (*unit == 'b' || *unit == 'B')
        unit++;
    }
  if (digits == 0 || *unit != '\0')
    {
      errno = EINVAL;
      return -1;
    }
  v = strtod (s, NULL) * mult;
  if (v >= 9223372036854775808.0)
    {
      errno = ERANGE;
      return -1;
    }
  *out = (int64_t)v;
  return 0;
}
