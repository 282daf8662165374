/* One-line, bounded error messages around untrusted text.  */
#include "config.h"
#include "util/error_text.h"

#include <stdarg.h>
#include <string.h>

int
error_untrusted (galley_error_t *err, const char *fmt, ...)
{
  va_list ap;
  char *msg;
  size_t len;

  if (err == NULL || *err != NULL)
    return -1; /* keep the first error, as galley_error_make does */
  va_start (ap, fmt);
  galley_error_makev (err, 0, fmt, ap);
  va_end (ap);
  if (*err == NULL)
    return -1;
  msg = (*err)->msg;
  len = strlen (msg);
  if (len > ERROR_TEXT_MAX)
    {
      memcpy (msg + ERROR_TEXT_MAX - 3, "...", 4);
      len = ERROR_TEXT_MAX;
    }
  for (size_t i = 0; i < len; i++)
    if ((unsigned char)msg[i] < 0x20 || msg[i] == 0x7f)
      msg[i] = '?';
  return -1;
}

const char *
error_text_printable (const char *s, char *buf, size_t size)
{
  size_t i;

  for (i = 0; s[i] != '\0' && i + 4 < size; i++)
    buf[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
  if (s[i] != '\0')
    {
      memcpy (buf + i, "...", 3);
      i += 3;
    }
  buf[i] = '\0';
  return buf;
}
