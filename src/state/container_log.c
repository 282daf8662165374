/* k8s-file container log records: their format and parser (see
 * container_log.h; the writer is runtime/log_relay.c).  */
#include "config.h"
#include "state/container_log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/time.h"

/* max-size=10m (k, m, g; plain bytes; an optional b).  */
static int
parse_size (const char *opt, const char *text, uint64_t *out, galley_error_t *err)
{
  char *end = NULL;
  double v = strtod (text, &end);

  if (end == text || v <= 0)
    return galley_error_make (err, 0, "invalid --log-opt \"%s\"", opt);
  switch (*end | 0x20)
    {
    case 'k':
      v *= 1e3;
      end++;
      break;
    case 'm':
      v *= 1e6;
      end++;
      break;
    case 'g':
      v *= NSEC_PER_SEC;
      end++;
      break;
    default:
      break;
    }
  if ((*end | 0x20) == 'b')
    end++;
  if (*end != '\0')
    return galley_error_make (err, 0, "invalid --log-opt \"%s\"", opt);
  *out = (uint64_t)v;
  return 0;
}

int
container_log_config (const struct container_config *config, const char *container_dir,
                      struct container_log_config *out, galley_error_t *err)
{
  const char *driver = config->log_driver;
  const char *path = NULL;
  size_t i;

  memset (out, 0, sizeof *out);
  if (driver != NULL && *driver != '\0' && strcmp (driver, "k8s-file") != 0 && strcmp (driver, "none") != 0)
    return galley_error_make (err, 0, "unsupported log driver \"%s\": galley logs with k8s-file or none",
                              driver);
  for (i = 0; config->log_opt != NULL && config->log_opt[i] != NULL; i++)
    {
      const char *o = config->log_opt[i];
      if (strncmp (o, "max-size=", 9) == 0)
        {
          if (parse_size (o, o + 9, &out->max_size, err) < 0)
            return -1;
        }
      else if (strncmp (o, "path=", 5) == 0 && o[5] == '/')
        path = o + 5;
      else if (strncmp (o, "tag=", 4) == 0)
        return galley_error_make (err, 0, "--log-opt %s is not supported yet", o);
      else
        return galley_error_make (err, 0, "invalid --log-opt \"%s\"", o);
    }
  if (driver != NULL && strcmp (driver, "none") == 0)
    return 0;
  if (path != NULL)
    out->path = strdup (path);
  else if (asprintf (&out->path, "%s/ctr.log", container_dir) < 0)
    out->path = NULL;
  if (out->path == NULL)
    return galley_error_make (err, ENOMEM, "allocating");
  return 0;
}

static int
log_open (const char *path, int flags, galley_error_t *err)
{
  /* (O_NONBLOCK: a FIFO there must not block the open; a regular file
   * ignores the flag) */
  _cleanup_close_ int fd = open (path, flags | O_CREAT | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW, 0600);
  struct stat st;

  if (fd < 0 || fstat (fd, &st) < 0)
    return galley_error_make (err, errno, "opening the log %s", path);
  if (! S_ISREG (st.st_mode) || st.st_uid != geteuid ())
    return galley_error_make (err, 0, "the log %s is not a regular file of yours", path);
  return steal_fd (&fd);
}

int
container_log_open (const char *path, galley_error_t *err)
{
  return log_open (path, O_WRONLY | O_APPEND, err);
}

int
container_log_open_read (const char *path, galley_error_t *err)
{
  return log_open (path, O_RDONLY, err);
}

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
