/* Starting, driving and stopping slirp4netns (see slirp.h).  */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runtime/helpers.h"
#include "runtime/slirp.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/json.h"

#define SLIRP_LOG "slirp4netns.log"
#define SLIRP_SOCKET "slirp4netns.sock"
#define SLIRP_READY_TIMEOUT_MS 10000
#define SLIRP_API_TIMEOUT_MS 5000

static void push_arg (char ***argv, size_t *n, const char *fmt, ...) __attribute__ ((format (printf, 3, 4)));

static void
push_arg (char ***argv, size_t *n, const char *fmt, ...)
{
  char **grown;
  char *s = NULL;
  va_list ap;

  if (*argv == NULL && *n > 0)
    return; /* an earlier allocation failed */
  va_start (ap, fmt);
  if (vasprintf (&s, fmt, ap) < 0)
    s = NULL;
  va_end (ap);
  grown = s ? realloc (*argv, (*n + 2) * sizeof **argv) : NULL;
  if (grown == NULL)
    {
      free (s);
      cleanup_strvp (argv);
      *argv = NULL;
      *n = 1;
      return;
    }
  grown[(*n)++] = s;
  grown[*n] = NULL;
  *argv = grown;
}

char **
slirp_build_argv (const char *binary, const struct net_options *o, bool sandbox, pid_t target_pid,
                  int ready_fd, int exit_fd, const char *api_socket)
{
  char **argv = NULL;
  size_t n = 0;

  push_arg (&argv, &n, "%s", binary);
  if (! o->allow_host_loopback)
    push_arg (&argv, &n, "--disable-host-loopback");
  push_arg (&argv, &n, "--mtu=%u", o->mtu ? o->mtu : SLIRP_DEFAULT_MTU);
  if (sandbox)
    push_arg (&argv, &n, "--enable-sandbox");
  push_arg (&argv, &n, "--enable-seccomp");
  if (o->enable_ipv6)
    push_arg (&argv, &n, "--enable-ipv6");
  if (o->cidr)
    push_arg (&argv, &n, "--cidr=%s", o->cidr);
  if (o->outbound_addr)
    push_arg (&argv, &n, "--outbound-addr=%s", o->outbound_addr);
  push_arg (&argv, &n, "-c");
  push_arg (&argv, &n, "-r");
  push_arg (&argv, &n, "%d", ready_fd);
  push_arg (&argv, &n, "-e");
  push_arg (&argv, &n, "%d", exit_fd);
  if (api_socket)
    push_arg (&argv, &n, "--api-socket=%s", api_socket);
  push_arg (&argv, &n, "--netns-type=pid");
  push_arg (&argv, &n, "%d", (int)target_pid);
  push_arg (&argv, &n, "tap0");
  return argv;
}

bool
slirp_uid_map_has_root (const char *text)
{
  const char *line;

  for (line = text; line && *line; line = strchr (line, '\n') ? strchr (line, '\n') + 1 : NULL)
    {
      unsigned long inside, outside, count;
      if (sscanf (line, "%lu %lu %lu", &inside, &outside, &count) == 3 && inside == 0 && count > 0)
        return true;
    }
  return false;
}

/* Is uid 0 mapped in the user namespace of pid?  When the map cannot be
 * read, assume so (the sandbox stays on; slirp4netns reports any
 * failure).  */
static bool
target_has_root (pid_t pid)
{
  _cleanup_free_ char *text = NULL;
  _cleanup_error_ galley_error_t ignored = NULL;
  char path[64];

  snprintf (path, sizeof path, "/proc/%d/uid_map", (int)pid);
  if (fs_read_file (AT_FDCWD, path, 1 << 16, &text, NULL, &ignored) < 0)
    return true;
  return slirp_uid_map_has_root (text);
}

/* In the forked child: fds in place, then exec.  Never returns.  */
static void
exec_slirp (char **argv, const char *state_dir, int log_fd, int ready_fd, int exit_fd)
{
  int devnull = open ("/dev/null", O_RDONLY);

  /* slirp4netns must not outlive the monitor even if the exit fd leaks.  */
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (devnull < 0 || dup2 (devnull, 0) < 0 || dup2 (log_fd, 1) < 0 || dup2 (log_fd, 2) < 0)
    _exit (127);
  /* The two fds named on the command line stay open across exec.  */
  fcntl (ready_fd, F_SETFD, 0);
  fcntl (exit_fd, F_SETFD, 0);
  /* The socket path is relative: sun_path holds only 108 bytes.  */
  if (chdir (state_dir) < 0)
    _exit (127);
  sigset_t none;
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
  execv (argv[0], argv);
  _exit (127);
}

/* Wait for the ready byte; a closed pipe means slirp4netns died.  */
static int
await_ready (struct slirp_process *s, int ready_rd, galley_error_t *err)
{
  struct pollfd p = { ready_rd, POLLIN, 0 };
  char byte;
  int r;

  do
    r = poll (&p, 1, SLIRP_READY_TIMEOUT_MS);
  while (r < 0 && errno == EINTR);
  if (r == 0)
    return galley_error_make (err, ETIMEDOUT, "slirp4netns did not configure the network");
  if (r > 0 && read (ready_rd, &byte, 1) == 1)
    return 0;
  {
    /* its later lines only say that the child failed */
    _cleanup_free_ char *tail = helper_log_reason (s->state_dirfd, SLIRP_LOG, "WARNING");
    return galley_error_make (err, 0, "slirp4netns failed to configure the network%s%s", tail ? ": " : "",
                              tail ? tail : "");
  }
}

int
slirp_start (const struct net_options *o, pid_t target_pid, const char *state_dir, struct slirp_process *out,
             galley_error_t *err)
{
  _cleanup_free_ char *binary = helper_find ("slirp4netns");
  _cleanup_strv_ char **argv = NULL;
  _cleanup_close_ int log_fd = -1;
  int ready[2] = { -1, -1 }, exit_pipe[2] = { -1, -1 };
  pid_t pid;

  *out = (struct slirp_process)SLIRP_PROCESS_INIT;
  if (binary == NULL)
    return galley_error_make (err, ENOENT, "slirp4netns not found: install it or use --network none");
  out->state_dir = strdup (state_dir);
  out->state_dirfd = open (state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (out->state_dir == NULL || out->state_dirfd < 0)
    {
      galley_error_make (err, errno, "opening %s", state_dir);
      goto fail;
    }
  unlinkat (out->state_dirfd, SLIRP_SOCKET, 0);
  log_fd = openat (out->state_dirfd, SLIRP_LOG, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (log_fd < 0 || pipe2 (ready, O_CLOEXEC) < 0 || pipe2 (exit_pipe, O_CLOEXEC) < 0)
    {
      galley_error_make (err, errno, "preparing slirp4netns");
      goto fail;
    }
  argv = slirp_build_argv (binary, o, target_has_root (target_pid), target_pid, ready[1], exit_pipe[0],
                           SLIRP_SOCKET);
  if (argv == NULL)
    {
      galley_error_make (err, ENOMEM, "allocating");
      goto fail;
    }
  pid = fork ();
  if (pid < 0)
    {
      galley_error_make (err, errno, "starting slirp4netns");
      goto fail;
    }
  if (pid == 0)
    exec_slirp (argv, state_dir, log_fd, ready[1], exit_pipe[0]);
  out->pid = pid;
  out->exit_fd = exit_pipe[1];
  exit_pipe[1] = -1;
  close (ready[1]);
  ready[1] = -1;
  close (exit_pipe[0]);
  exit_pipe[0] = -1;
  if (await_ready (out, ready[0], err) < 0)
    goto fail;
  close (ready[0]);
  return 0;
fail:
  for (int i = 0; i < 2; i++)
    {
      if (ready[i] >= 0)
        close (ready[i]);
      if (exit_pipe[i] >= 0)
        close (exit_pipe[i]);
    }
  slirp_stop (out);
  return -1;
}

/* One API request; the answer's "return" or a message from its "error".  */
static int
api_call (const struct slirp_process *s, json_object *request, galley_error_t *err)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  _cleanup_close_ int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  _cleanup_json_ json_object *reply = NULL;
  const char *text = json_object_to_json_string_ext (request, JSON_C_TO_STRING_PLAIN);
  char buf[4096];
  size_t got = 0;
  json_object *e, *desc;

  /* Through the directory fd: the runroot path may not fit in sun_path.  */
  snprintf (addr.sun_path, sizeof addr.sun_path, "/proc/self/fd/%d/" SLIRP_SOCKET, s->state_dirfd);
  if (fd < 0 || connect (fd, (struct sockaddr *)&addr, sizeof addr) < 0)
    return galley_error_make (err, errno, "connecting to the slirp4netns API socket");
  if (write (fd, text, strlen (text)) != (ssize_t)strlen (text))
    return galley_error_make (err, errno, "writing to the slirp4netns API socket");
  shutdown (fd, SHUT_WR);
  for (;;)
    {
      struct pollfd p = { fd, POLLIN, 0 };
      ssize_t r;
      if (poll (&p, 1, SLIRP_API_TIMEOUT_MS) <= 0)
        return galley_error_make (err, ETIMEDOUT, "waiting for slirp4netns");
      r = read (fd, buf + got, sizeof buf - 1 - got);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        return galley_error_make (err, errno, "reading from the slirp4netns API socket");
      if (r == 0 || (got += (size_t)r) == sizeof buf - 1)
        break;
    }
  buf[got] = '\0';
  if (json_parse_strict (buf, got, "slirp4netns reply", &reply, err) < 0)
    return -1;
  if (json_object_object_get_ex (reply, "error", &e))
    return galley_error_make (err, 0, "%s",
                              json_object_object_get_ex (e, "desc", &desc) ? json_object_get_string (desc)
                                                                           : json_object_get_string (e));
  return 0;
}

int
slirp_add_forward (const struct slirp_process *s, const struct port_mapping *m, const char *guest_addr,
                   galley_error_t *err)
{
  uint16_t k;

  for (k = 0; k < m->range; k++)
    {
      _cleanup_json_ json_object *req = json_object_new_object ();
      json_object *args = json_object_new_object ();
      const char *host_addr = m->host_ip[0] ? m->host_ip : "0.0.0.0";

      json_object_object_add (req, "execute", json_object_new_string ("add_hostfwd"));
      json_object_object_add (args, "proto", json_object_new_string (m->protocol));
      json_object_object_add (args, "host_addr", json_object_new_string (host_addr));
      json_object_object_add (args, "host_port", json_object_new_int (m->host_port + k));
      json_object_object_add (args, "guest_addr", json_object_new_string (guest_addr));
      json_object_object_add (args, "guest_port", json_object_new_int (m->container_port + k));
      json_object_object_add (req, "arguments", args);
      if (api_call (s, req, err) < 0)
        return galley_error_wrap (err, "publishing %s:%u/%s", host_addr, m->host_port + k, m->protocol);
    }
  return 0;
}

void
slirp_stop (struct slirp_process *s)
{
  if (s->exit_fd >= 0)
    close (s->exit_fd);
  s->exit_fd = -1;
  if (s->pid > 0)
    {
      struct timespec pause = { 0, 5 * 1000 * 1000 };
      int status, i;
      /* It exits on the closed exit fd; give it a moment, then insist.  */
      for (i = 0; i < 200; i++)
        {
          pid_t r = waitpid (s->pid, &status, WNOHANG);
          if (r == s->pid || (r < 0 && errno != EINTR))
            break;
          if (i == 100)
            kill (s->pid, SIGKILL);
          nanosleep (&pause, NULL);
        }
      if (i == 200)
        waitpid (s->pid, &status, 0);
    }
  slirp_release (s);
}

void
slirp_release (struct slirp_process *s)
{
  if (s->exit_fd >= 0)
    close (s->exit_fd);
  s->exit_fd = -1;
  s->pid = -1;
  if (s->state_dirfd >= 0)
    {
      unlinkat (s->state_dirfd, SLIRP_SOCKET, 0);
      close (s->state_dirfd);
    }
  s->state_dirfd = -1;
  free (s->state_dir);
  s->state_dir = NULL;
}
