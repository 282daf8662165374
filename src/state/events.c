/* Writing the event log (see events.h): one JSON line a write(2), the
 * directory and file checked to be the user's, and the log rotated once
 * it grows past [engine] events_logfile_max_size.  */
#include "config.h"
#include "state/events.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "state/galley_config.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/log.h"
#include "util/time.h"
#include "util/xmalloc.h"

enum backend
{
  BACKEND_CONFIG, /* galley.conf's events_logger */
  BACKEND_FILE,
  BACKEND_NONE,
};

static enum backend chosen_backend = BACKEND_CONFIG;

const char *
event_type_name (enum event_type t)
{
  static const char *const names[] = { "container", "image", "volume", "network", "system" };

  return (size_t)t < sizeof names / sizeof names[0] ? names[t] : "unknown";
}

int
events_set_backend (const char *backend, galley_error_t *err)
{
  if (strcmp (backend, "file") == 0)
    chosen_backend = BACKEND_FILE;
  else if (strcmp (backend, "none") == 0)
    chosen_backend = BACKEND_NONE;
  else
    return galley_error_make (
        err, 0, "invalid events backend \"%s\" (file or none; galley has no journald backend)", backend);
  return 0;
}

bool
events_enabled (void)
{
  if (chosen_backend != BACKEND_CONFIG)
    return chosen_backend == BACKEND_FILE;
  return strcmp (galley_config_current ()->events_logger, "none") != 0;
}

char *
events_log_path (const struct galley_paths *p)
{
  const char *tmpl = galley_config_current ()->events_logfile_path;
  _cleanup_error_ galley_error_t err = NULL;
  struct passwd *pw;
  char *path = NULL;

  if (tmpl == NULL || *tmpl == '\0')
    return xasprintf ("%s/events/events.log", p->runroot);
  pw = getpwuid (p->uid);
  if (paths_expand_template (tmpl, pw ? pw->pw_name : "", p->uid, p->home ? p->home : "", &path, &err) < 0)
    log_debug ("events: %s", err->msg);
  return path;
}

/* A directory of the user's that no one else may write to: the log's.
 * The default one, RUNROOT/events, is made when missing.  */
static int
open_log_dir (const struct galley_paths *p, const char *dir, bool make, galley_error_t *err)
{
  _cleanup_close_ int fd = -1;
  struct stat st;

  fd = open (dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT && make)
    {
      if (mkdir (dir, 0700) < 0 && errno != EEXIST)
        return galley_error_make (err, errno, "creating %s", dir);
      fd = open (dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    }
  if (fd < 0)
    return galley_error_make (err, errno, "opening %s", dir);
  if (fstat (fd, &st) < 0)
    return galley_error_make (err, errno, "checking %s", dir);
  if (st.st_uid != p->uid || (st.st_mode & 022) != 0)
    return galley_error_make (err, 0, "%s is not a private directory of uid %u", dir, (unsigned)p->uid);
  return steal_fd (&fd);
}

/* The log, opened for appending; created (O_EXCL) when missing.  */
static int
open_log (const struct galley_paths *p, int dirfd, const char *name, const char *path, galley_error_t *err)
{
  _cleanup_close_ int fd = -1;
  struct stat st;
  int tries;

  for (tries = 0; fd < 0 && tries < 3; tries++)
    {
      fd = openat (dirfd, name, O_WRONLY | O_APPEND | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
      if (fd < 0 && errno == ENOENT)
        fd = openat (dirfd, name, O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC,
                     0600);
      if (fd < 0 && errno != ENOENT && errno != EEXIST)
        break;
    }
  if (fd < 0)
    return galley_error_make (err, errno, "opening %s", path);
  if (fstat (fd, &st) < 0)
    return galley_error_make (err, errno, "checking %s", path);
  if (! S_ISREG (st.st_mode) || st.st_uid != p->uid)
    return galley_error_make (err, 0, "%s is not a file of uid %u", path, (unsigned)p->uid);
  return steal_fd (&fd);
}

static json_object *
event_json (const struct event *e, int64_t now)
{
  json_object *o = json_object_new_object ();
  char when[64];

  if (e->has_exit_code && e->exit_code != 0)
    json_object_object_add (o, "ContainerExitCode", json_object_new_int (e->exit_code));
  if (e->id != NULL)
    json_object_object_add (o, "ID", json_object_new_string (e->id));
  if (e->image != NULL)
    json_object_object_add (o, "Image", json_object_new_string (e->image));
  if (e->name != NULL)
    json_object_object_add (o, "Name", json_object_new_string (e->name));
  if (e->network != NULL)
    json_object_object_add (o, "Network", json_object_new_string (e->network));
  json_object_object_add (o, "Status", json_object_new_string (e->status));
  time_format_rfc3339 (now, when, sizeof when);
  json_object_object_add (o, "Time", json_object_new_string (when));
  json_object_object_add (o, "Type", json_object_new_string (event_type_name (e->type)));
  json_object_object_add (o, "Attributes", e->attributes ? json_object_get (e->attributes) : NULL);
  return o;
}

static int
append_line (int fd, const struct event *e, const char *path, galley_error_t *err)
{
  _cleanup_json_ json_object *o = event_json (e, time_now_ns ());
  const char *text =
      json_object_to_json_string_ext (o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
  _cleanup_free_ char *line = xasprintf ("%s\n", text);
  size_t len = strlen (line);
  ssize_t n;

  n = write (fd, line, len);
  if (n < 0 || (size_t)n != len)
    return galley_error_make (err, n < 0 ? errno : EIO, "writing %s", path);
  return 0;
}

/* Keep the newer half of the log (from the first whole line after its
 * middle), written to a temporary file renamed over it, under an flock
 * of the log that other rotations wait for.  Whether it rotated.  */
static bool
rotate (int dirfd, const char *name, int fd, int64_t max, const char *path)
{
  _cleanup_error_ galley_error_t err = NULL;
  _cleanup_free_ char *text = NULL;
  struct stat st;
  size_t len;
  char *keep;

  if (flock (fd, LOCK_EX) < 0 || fstat (fd, &st) < 0)
    return false;
  /* another rotation came first: it renamed a new file over this one */
  if (st.st_nlink == 0 || st.st_size < max)
    return false;
  if (fs_read_file (dirfd, name, 0, &text, &len, &err) < 0)
    {
      log_debug ("events: rotating %s: %s", path, err->msg);
      return false;
    }
  keep = memchr (text + len / 2, '\n', len - len / 2);
  keep = keep ? keep + 1 : text + len;
  if (fs_write_atomic (dirfd, name, keep, len - (size_t)(keep - text), 0600, &err) < 0)
    {
      log_debug ("events: rotating %s: %s", path, err->msg);
      return false;
    }
  return true;
}

void
event_write (const struct galley_paths *p, const struct event *e)
{
  _cleanup_error_ galley_error_t err = NULL;
  _cleanup_free_ char *path = NULL;
  _cleanup_close_ int dirfd = -1, fd = -1;
  const struct galley_config *c = galley_config_current ();
  const char *slash;
  struct stat st;

  if (! events_enabled () || p->runroot == NULL || (path = events_log_path (p)) == NULL)
    return;
  slash = strrchr (path, '/');
  {
    _cleanup_free_ char *dir = xstrndup (path, slash && slash != path ? (size_t)(slash - path) : 1);
    bool is_default = c->events_logfile_path == NULL || *c->events_logfile_path == '\0';
    if ((dirfd = open_log_dir (p, dir, is_default, &err)) < 0
        || (fd = open_log (p, dirfd, slash + 1, path, &err)) < 0)
      goto fail;
  }
  if (c->events_logfile_max_size > 0 && fstat (fd, &st) == 0 && st.st_size >= c->events_logfile_max_size
      && rotate (dirfd, slash + 1, fd, c->events_logfile_max_size, path))
    {
      const struct event rotation = { .type = EVENT_SYSTEM, .status = "log-rotation", .name = path };
      close (fd);
      if ((fd = open_log (p, dirfd, slash + 1, path, &err)) < 0
          || append_line (fd, &rotation, path, &err) < 0)
        goto fail;
    }
  if (append_line (fd, e, path, &err) == 0)
    return;
fail:
  log_debug ("events: %s", err ? err->msg : "out of memory");
}

void
event_write_container (const struct galley_paths *p, const char *status, const char *id,
                       const struct container_config *config, int exit_code)
{
  _cleanup_json_ json_object *labels = NULL;
  struct event e = {
    .type = EVENT_CONTAINER,
    .status = status,
    .id = id,
    .has_exit_code = strcmp (status, "died") == 0 || strcmp (status, "exec_died") == 0,
    .exit_code = exit_code,
  };

  if (! events_enabled ())
    return;
  if (config != NULL)
    {
      e.name = config->name;
      e.image = config->image;
      if (config->labels != NULL && config->labels[0] != NULL)
        e.attributes = labels = xalloc_check (json_kv_object (config->labels));
    }
  event_write (p, &e);
}

void
event_write_object (const struct galley_paths *p, enum event_type type, const char *status, const char *id,
                    const char *name)
{
  const struct event e = { .type = type, .status = status, .id = id, .name = name };

  event_write (p, &e);
}

void
event_write_network_member (const struct galley_paths *p, const char *status, const char *container_id,
                            const char *container_name, const char *network)
{
  const struct event e = {
    .type = EVENT_NETWORK, .status = status, .id = container_id, .name = container_name, .network = network
  };

  event_write (p, &e);
}
