/* k8s-file container log records: their format and parser (see
 * container_log.h; the writer is runtime/log_relay.c).  */
#include "config.h"
#include "state/container_log.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "state/container_state.h"

size_t
log_format_record (char *buf, size_t size, int64_t ns, bool is_stderr, bool partial, const char *msg,
                   size_t len)
{
  char stamp[64];
  int n;

  time_format_rfc3339 (ns, stamp, sizeof stamp);
  n = snprintf (buf, size, "%s %s %c %.*s\n", stamp, is_stderr ? "stderr" : "stdout", partial ? 'P' : 'F',
                (int)len, msg);
  return n < 0 ? 0 : (size_t)n >= size ? size - 1 : (size_t)n;
}

int
log_parse_record (const char *line, size_t len, struct log_record *out)
{
  const char *sp1, *sp2, *end = line + len;

  memset (out, 0, sizeof *out);
  sp1 = memchr (line, ' ', len);
  if (sp1 == NULL || end - sp1 < 9)
    return -1;
  out->stamp = line;
  out->stamp_len = (size_t)(sp1 - line);
  {
    char stamp[64];
    if (out->stamp_len >= sizeof stamp)
      return -1;
    memcpy (stamp, line, out->stamp_len);
    stamp[out->stamp_len] = '\0';
    out->time = time_parse_rfc3339 (stamp);
    if (out->time < 0)
      return -1;
  }
  if (strncmp (sp1 + 1, "stdout ", 7) == 0)
    out->is_stderr = false;
  else if (strncmp (sp1 + 1, "stderr ", 7) == 0)
    out->is_stderr = true;
  else
    return -1;
  sp2 = sp1 + 8;
  if ((*sp2 != 'F' && *sp2 != 'P') || (sp2 + 1 < end && sp2[1] != ' '))
    return -1;
  out->partial = *sp2 == 'P';
  out->msg = sp2 + 1 < end ? sp2 + 2 : end;
  out->msg_len = (size_t)(end - out->msg);
  return 0;
}
