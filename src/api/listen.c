/* The service's listening socket (listen.h).  */
#include "config.h"
#include "api/listen.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/xmalloc.h"

/* systemd's first passed descriptor (sd_listen_fds(3)).  */
#define LISTEN_FDS_START 3
#define BACKLOG 128

char *
api_listen_default_path (const char *runroot)
{
  return xasprintf ("%s/galley.sock", runroot);
}

int
api_listen_parse_uri (const char *uri, enum api_listen_kind *kind, char **address, galley_error_t *err)
{
  const char *rest = NULL;

  if (strncmp (uri, "unix:", 5) == 0)
    {
      *kind = API_LISTEN_UNIX;
      rest = uri + 5;
      /* unix:///path names /path; unix://path is relative, as Go's url.  */
      if (strncmp (rest, "//", 2) == 0)
        rest += 2;
    }
  else if (strncmp (uri, "tcp:", 4) == 0)
    {
      *kind = API_LISTEN_TCP;
      rest = uri + 4;
      if (strncmp (rest, "//", 2) == 0)
        rest += 2;
    }
  if (rest == NULL)
    {
      const char *colon = strchr (uri, ':');
      return galley_error_kind (err, EINVAL,
                                "API Service endpoint scheme \"%.*s\" is not supported. Try "
                                "tcp://localhost:8888 or unix:///run/user/UID/galley/galley.sock",
                                colon ? (int)(colon - uri) : 0, uri);
    }
  if (*rest == '\0')
    return galley_error_kind (err, EINVAL, "API Service endpoint \"%s\" names no address", uri);
  *address = xstrdup (rest);
  return 0;
}

int
api_listen_inherit (struct api_listener *l, galley_error_t *err)
{
  const char *pid = getenv ("LISTEN_PID"), *fds = getenv ("LISTEN_FDS");
  bool ours = pid != NULL && fds != NULL && strtol (pid, NULL, 10) == (long)getpid () && atoi (fds) >= 1;
  struct sockaddr_storage sa;
  socklen_t len = sizeof sa;

  unsetenv ("LISTEN_PID");
  unsetenv ("LISTEN_FDS");
  unsetenv ("LISTEN_FDNAMES");
  if (! ours)
    return 0;
  if (getsockname (LISTEN_FDS_START, (struct sockaddr *)&sa, &len) < 0)
    return galley_error_make (err, errno, "the socket passed by systemd (fd %d)", LISTEN_FDS_START);
  if (fcntl (LISTEN_FDS_START, F_SETFD, FD_CLOEXEC) < 0)
    return galley_error_make (err, errno, "fcntl");
  memset (l, 0, sizeof *l);
  l->fd = LISTEN_FDS_START;
  l->inherited = true;
  l->kind = sa.ss_family == AF_UNIX ? API_LISTEN_UNIX : API_LISTEN_TCP;
  if (l->kind == API_LISTEN_UNIX)
    l->address =
        xstrndup (((struct sockaddr_un *)&sa)->sun_path, sizeof ((struct sockaddr_un *)&sa)->sun_path);
  else
    l->address = xstrdup ("(socket from systemd)");
  return 1;
}

/* A socket file already at path: replace it when it is a socket of uid's
 * that nobody listens on (a service that died), refuse anything else.  */
static int
clear_stale_socket (const char *path, const struct sockaddr_un *sa, uid_t uid, galley_error_t *err)
{
  _cleanup_close_ int probe = -1;
  struct stat st;

  if (lstat (path, &st) < 0)
    return errno == ENOENT ? 0 : galley_error_make (err, errno, "%s", path);
  if (! S_ISSOCK (st.st_mode) || st.st_uid != uid)
    return galley_error_kind (err, EEXIST, "%s exists and is not a socket of yours", path);
  probe = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (probe < 0)
    return galley_error_make (err, errno, "socket");
  if (connect (probe, (const struct sockaddr *)sa, sizeof *sa) == 0)
    return galley_error_kind (err, EEXIST, "a service already listens on %s", path);
  if (errno != ECONNREFUSED)
    return galley_error_make (err, errno, "%s", path);
  if (unlink (path) < 0 && errno != ENOENT)
    return galley_error_make (err, errno, "removing the stale socket %s", path);
  return 0;
}

static int
listen_unix (const char *path, uid_t uid, struct api_listener *l, galley_error_t *err)
{
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  _cleanup_close_ int fd = -1;
  mode_t old_umask;
  int ret;

  if (strlen (path) >= sizeof sa.sun_path)
    return galley_error_kind (err, EINVAL, "socket path %s is too long (at most %zu bytes)", path,
                              sizeof sa.sun_path - 1);
  strcpy (sa.sun_path, path);
  if (clear_stale_socket (path, &sa, uid, err) < 0)
    return -1;
  fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return galley_error_make (err, errno, "socket");
  /* bind makes the file (failing if anything is there) with the umask's
   * mode: 0600 from the start, never open to others for a moment.  */
  old_umask = umask (0177);
  ret = bind (fd, (const struct sockaddr *)&sa, sizeof sa);
  umask (old_umask);
  if (ret < 0)
    return galley_error_make (err, errno, "binding %s", path);
  l->path = xstrdup (path);
  l->address = xstrdup (path);
  if (listen (fd, BACKLOG) < 0)
    return galley_error_make (err, errno, "listening on %s", path);
  l->fd = steal_fd (&fd);
  return 0;
}

static int
listen_tcp (const char *address, struct api_listener *l, galley_error_t *err)
{
  _cleanup_free_ char *host = xstrdup (address);
  struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE };
  struct addrinfo *res = NULL, *ai;
  char *port;
  int rc, saved = 0, one = 1;

  port = strrchr (host, ':');
  if (port == NULL || port[1] == '\0')
    return galley_error_kind (err, EINVAL, "tcp address \"%s\" names no port (tcp://HOST:PORT)", address);
  *port++ = '\0';
  if (host[0] == '[' && port - host >= 3 && port[-2] == ']')
    {
      port[-2] = '\0';
      memmove (host, host + 1, strlen (host + 1) + 1);
    }
  rc = getaddrinfo (host[0] ? host : NULL, port, &hints, &res);
  if (rc != 0)
    return galley_error_kind (err, EINVAL, "tcp address \"%s\": %s", address, gai_strerror (rc));
  for (ai = res; ai != NULL; ai = ai->ai_next)
    {
      int fd = socket (ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
      if (fd < 0)
        continue;
      setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
      if (bind (fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen (fd, BACKLOG) == 0)
        {
          l->fd = fd;
          break;
        }
      saved = errno;
      close (fd);
    }
  freeaddrinfo (res);
  if (ai == NULL)
    return galley_error_make (err, saved, "listening on %s", address);
  l->address = xstrdup (address);
  return 0;
}

int
api_listen_open (const char *uri, const char *default_path, uid_t uid, struct api_listener *l,
                 galley_error_t *err)
{
  _cleanup_free_ char *address = NULL;
  int ret;

  memset (l, 0, sizeof *l);
  l->fd = -1;
  if (uri == NULL)
    return listen_unix (default_path, uid, l, err);
  if (api_listen_parse_uri (uri, &l->kind, &address, err) < 0)
    return -1;
  ret = l->kind == API_LISTEN_UNIX ? listen_unix (address, uid, l, err) : listen_tcp (address, l, err);
  if (ret < 0)
    api_listener_close (l);
  return ret;
}

void
api_listener_close (struct api_listener *l)
{
  if (l->fd >= 0)
    close (l->fd);
  l->fd = -1;
  if (l->path != NULL && ! l->inherited)
    unlink (l->path);
  free (l->path);
  free (l->address);
  l->path = l->address = NULL;
}
