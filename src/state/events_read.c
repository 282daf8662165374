/* Reading the event log (see events.h): line by line, podman's filters,
 * and following the log as it grows (inotify), across rotations.  */
#include "config.h"
#include "state/events.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/json.h"
#include "util/time.h"
#include "util/xmalloc.h"

static const char *const filter_keys[] = { "container", "event",  "status",  "image", "label",
                                           "type",      "volume", "network", "pod",   NULL };

int
events_check_filters (char *const *filters, size_t n, galley_error_t *err)
{
  size_t i, k;

  for (i = 0; i < n; i++)
    {
      const char *eq = strchr (filters[i], '=');
      size_t klen = eq ? (size_t)(eq - filters[i]) : strlen (filters[i]);
      bool known = false;
      for (k = 0; filter_keys[k] != NULL; k++)
        known =
            known || (strlen (filter_keys[k]) == klen && strncasecmp (filters[i], filter_keys[k], klen) == 0);
      if (eq == NULL)
        return galley_error_make (err, 0, "invalid filter \"%s\": expected KEY=VALUE", filters[i]);
      if (! known)
        return galley_error_make (err, 0, "%.*s is an invalid filter", (int)klen, filters[i]);
    }
  return 0;
}

static const char *
member (json_object *o, const char *key)
{
  const char *s = json_get_string (o, key);
  return s ? s : "";
}

/* podman's filter functions (libpod/events/filters.go).  */
static bool
filter_one (json_object *ev, const char *key, const char *value)
{
  const char *type = member (ev, "Type"), *id = member (ev, "ID");

  if (strcasecmp (key, "container") == 0)
    return strcmp (type, "container") == 0
           && (strcmp (member (ev, "Name"), value) == 0 || strncmp (id, value, strlen (value)) == 0);
  if (strcasecmp (key, "event") == 0 || strcasecmp (key, "status") == 0)
    return strcmp (member (ev, "Status"), value) == 0;
  if (strcasecmp (key, "image") == 0)
    {
      const char *image = strcmp (type, "image") == 0 ? member (ev, "Name") : member (ev, "Image");
      return strcmp (image, value) == 0 || strncmp (id, value, strlen (value)) == 0;
    }
  if (strcasecmp (key, "label") == 0)
    {
      const char *eq = strchr (value, '=');
      _cleanup_free_ char *k = eq ? xstrndup (value, (size_t)(eq - value)) : xstrdup (value);
      json_object *attributes = NULL, *v;
      if (! json_object_object_get_ex (ev, "Attributes", &attributes)
          || ! json_object_object_get_ex (attributes, k, &v))
        return false;
      return eq == NULL || strcmp (json_object_get_string (v), eq + 1) == 0;
    }
  if (strcasecmp (key, "type") == 0)
    return strcmp (type, value) == 0;
  if (strcasecmp (key, "volume") == 0)
    return strcmp (type, "volume") == 0 && strcmp (member (ev, "Name"), value) == 0;
  if (strcasecmp (key, "network") == 0)
    return strcmp (type, "network") == 0
           && (strcmp (member (ev, "Network"), value) == 0 || strcmp (member (ev, "Name"), value) == 0);
  return false; /* pod=: galley has no pods */
}

/* The same key ORed, different keys ANDed.  */
static bool
filters_pass (json_object *ev, char *const *filters, size_t n)
{
  size_t i, j;

  for (i = 0; i < n; i++)
    {
      size_t klen = strcspn (filters[i], "=");
      bool seen = false, any = false;
      for (j = 0; j < i; j++)
        seen = seen || (strncasecmp (filters[j], filters[i], klen + 1) == 0);
      if (seen)
        continue;
      for (j = i; j < n && ! any; j++)
        if (strncasecmp (filters[j], filters[i], klen + 1) == 0)
          {
            _cleanup_free_ char *key = xstrndup (filters[i], klen);
            any = filter_one (ev, key, filters[j] + klen + 1);
          }
      if (! any)
        return false;
    }
  return true;
}

struct reader
{
  const struct events_query *q;
  event_fn fn;
  void *arg;
  char *pending; /* a line not yet ended */
  size_t pending_len;
};

/* One line of the log: parsed, its time checked, filtered, handed on.
 * Lines that are not events (a torn write) are skipped.  */
static int
one_line (struct reader *r, const char *line, size_t len, galley_error_t *err)
{
  _cleanup_json_ json_object *ev = NULL;
  struct event_record rec;
  galley_error_t ignored = NULL;
  int64_t when;

  if (len == 0 || json_parse_strict (line, len, "event", &ev, &ignored) < 0)
    {
      galley_error_release (&ignored);
      return 0;
    }
  when = time_parse_rfc3339 (member (ev, "Time"));
  if (when < 0 || (r->q->since_ns > 0 && when < r->q->since_ns)
      || (r->q->until_ns > 0 && when > r->q->until_ns))
    return 0;
  if (! filters_pass (ev, r->q->filters, r->q->n_filters))
    return 0;
  rec.json = ev;
  rec.time_ns = when;
  return r->fn (&rec, r->arg, err);
}

/* Hand on each whole line of what fd has to read now.  */
static int
read_available (struct reader *r, int fd, galley_error_t *err)
{
  char buf[65536];
  ssize_t n;

  while ((n = read (fd, buf, sizeof buf)) > 0)
    {
      size_t start = 0, i;
      for (i = 0; i < (size_t)n; i++)
        if (buf[i] == '\n')
          {
            if (r->pending_len > 0)
              {
                char *line = xrealloc (r->pending, r->pending_len + (i - start) + 1);
                memcpy (line + r->pending_len, buf + start, i - start);
                r->pending = line;
                if (one_line (r, line, r->pending_len + (i - start), err) < 0)
                  return -1;
                r->pending_len = 0;
              }
            else if (one_line (r, buf + start, i - start, err) < 0)
              return -1;
            start = i + 1;
          }
      if (start < (size_t)n)
        {
          char *more = xrealloc (r->pending, r->pending_len + ((size_t)n - start) + 1);
          memcpy (more + r->pending_len, buf + start, (size_t)n - start);
          r->pending = more;
          r->pending_len += (size_t)n - start;
        }
    }
  return n < 0 ? galley_error_make (err, errno, "reading the event log") : 0;
}

static int
open_for_reading (const char *path)
{
  return open (path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
}

/* Wait until the log grows, is replaced (rotation: reopened), the until
 * time passes (1) or the caller says stop (1).  */
static int
wait_for_more (struct reader *r, const char *path, int *fd, int inotify_fd, galley_error_t *err)
{
  for (;;)
    {
      struct pollfd pfd = { .fd = inotify_fd, .events = POLLIN };
      int timeout = 1000, ret;
      struct stat now, was;

      if (r->q->stop != NULL && *r->q->stop)
        return 1;
      if (r->q->until_ns > 0)
        {
          int64_t left = (r->q->until_ns - time_now_ns ()) / 1000000;
          if (left <= 0)
            return 1;
          if (left < timeout)
            timeout = (int)left;
        }
      ret = poll (&pfd, 1, timeout);
      if (ret < 0 && errno != EINTR)
        return galley_error_make (err, errno, "waiting for events");
      if (ret > 0)
        {
          char buf[4096];
          while (read (inotify_fd, buf, sizeof buf) > 0)
            ;
        }
      /* the log was rotated, or made: read the new file from its start */
      if (stat (path, &now) == 0 && (*fd < 0 || (fstat (*fd, &was) == 0 && was.st_ino != now.st_ino)))
        {
          if (*fd >= 0 && read_available (r, *fd, err) < 0)
            return -1;
          if (*fd >= 0)
            close (*fd);
          *fd = open_for_reading (path);
          r->pending_len = 0;
          inotify_add_watch (inotify_fd, path, IN_MODIFY | IN_MOVE_SELF | IN_DELETE_SELF | IN_ATTRIB);
        }
      if (*fd >= 0)
        return 0;
    }
}

int
events_read (const struct galley_paths *p, const struct events_query *q, event_fn fn, void *arg,
             galley_error_t *err)
{
  _cleanup_free_ char *path = events_log_path (p), *dir = NULL;
  _cleanup_close_ int inotify_fd = -1;
  struct reader r = { .q = q, .fn = fn, .arg = arg };
  int fd, ret = 0;

  if (path == NULL)
    return galley_error_make (err, 0, "events_logfile_path of galley.conf cannot be expanded");
  if (q->follow)
    {
      /* watch the directory for the log's creation and renames, the log for
       * growth */
      dir = xstrndup (path, (size_t)(strrchr (path, '/') - path));
      inotify_fd = inotify_init1 (IN_NONBLOCK | IN_CLOEXEC);
      if (inotify_fd < 0)
        return galley_error_make (err, errno, "watching %s", path);
      inotify_add_watch (inotify_fd, dir, IN_CREATE | IN_MOVED_TO);
      inotify_add_watch (inotify_fd, path, IN_MODIFY | IN_MOVE_SELF | IN_DELETE_SELF | IN_ATTRIB);
    }
  fd = open_for_reading (path);
  if (fd < 0 && errno != ENOENT)
    return galley_error_make (err, errno, "opening %s", path);
  /* following without --since: only what comes from now on */
  if (fd >= 0 && q->follow && q->since_ns == 0)
    lseek (fd, 0, SEEK_END);
  for (;;)
    {
      if (fd >= 0 && (ret = read_available (&r, fd, err)) < 0)
        break;
      if (! q->follow || (ret = wait_for_more (&r, path, &fd, inotify_fd, err)) != 0)
        break;
    }
  if (fd >= 0)
    close (fd);
  free (r.pending);
  return ret < 0 ? -1 : 0;
}
