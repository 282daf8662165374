/* UTF-8 of single code points (utf8.h).  */
#include "config.h"

#include "util/utf8.h"

size_t
utf8_encode (uint32_t cp, char out[4])
{
  if (cp < 0x80)
    {
      out[0] = (char)cp;
      return 1;
    }
  if (cp < 0x800)
    {
      out[0] = (char)(0xc0 | (cp >> 6));
      out[1] = (char)(0x80 | (cp & 0x3f));
      return 2;
    }
  if (cp < 0x10000)
    {
      out[0] = (char)(0xe0 | (cp >> 12));
      out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
      out[2] = (char)(0x80 | (cp & 0x3f));
      return 3;
    }
  out[0] = (char)(0xf0 | (cp >> 18));
  out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
  out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
  out[3] = (char)(0x80 | (cp & 0x3f));
  return 4;
}

uint32_t
utf8_decode (const char *s, size_t n, size_t *len)
{
  const unsigned char *u = (const unsigned char *)s;
  size_t need = u[0] < 0x80    ? 1
                : u[0] >= 0xf5 ? 0
                : u[0] >= 0xf0 ? 4
                : u[0] >= 0xe0 ? 3
                : u[0] >= 0xc2 ? 2
                               : 0;
  uint32_t cp;

  *len = 1;
  if (need == 1)
    return u[0];
  if (need == 0 || need > n)
    return 0xfffd;
  cp = u[0] & (0x7fu >> need);
  for (size_t i = 1; i < need; i++)
    {
      if ((u[i] & 0xc0) != 0x80)
        return 0xfffd;
      cp = (cp << 6) | (u[i] & 0x3f);
    }
  if ((need == 3 && cp < 0x800) || (need == 4 && (cp < 0x10000 || cp > 0x10ffff))
      || (cp >= 0xd800 && cp <= 0xdfff))
    return 0xfffd;
  *len = need;
  return cp;
}
