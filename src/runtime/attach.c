/* The attach client (see attach.h).  */
#include "config.h"
#include "runtime/attach.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "runtime/log_relay.h"
#include "runtime/terminal.h"
#include "state/container.h"
#include "state/container_list.h"
#include "state/container_state.h"
#include "util/cleanup.h"
#include "util/fs.h"

int
attach_parse_detach_keys (const char *spec, unsigned char keys[16], size_t *n, galley_error_t *err)
{
  const char *p = spec;

  *n = 0;
  while (*p != '\0')
    {
      const char *comma = strchr (p, ',');
      size_t len = comma ? (size_t)(comma - p) : strlen (p);
      unsigned char key;

      if (len == 1)
        key = (unsigned char)p[0];
      else if (len == 6 && strncmp (p, "ctrl-", 5) == 0
               && ((p[5] >= 'a' && p[5] <= 'z') || strchr ("@[\\]^_", p[5]) != NULL))
        key = p[5] >= 'a' && p[5] <= 'z' ? (unsigned char)(p[5] - 'a' + 1) : (unsigned char)(p[5] - '@');
      else
        return galley_error_make (err, 0, "invalid detach keys \"%s\": unknown key \"%.*s\"", spec, (int)len,
                                  p);
      if (*n == 16)
        return galley_error_make (err, 0, "invalid detach keys \"%s\": too many keys", spec);
      keys[(*n)++] = key;
      p += len + (comma != NULL);
      if (comma != NULL && *p == '\0')
        return galley_error_make (err, 0, "invalid detach keys \"%s\": empty key", spec);
    }
  return 0;
}

struct session
{
  const struct attach_options *o;
  int sock;
  size_t matched; /* leading detach keys typed so far (held back) */
  bool detached;
};

/* One packet of kind (LOG_RELAY_INPUT, LOG_RELAY_RESIZE) to the relay.  */
static int
send_packet (int sock, unsigned char kind, const void *data, size_t len)
{
  struct iovec iov[2] = { { &kind, 1 }, { (void *)data, len } };
  struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 2 };

  while (sendmsg (sock, &msg, MSG_NOSIGNAL) < 0)
    if (errno != EINTR)
      return -1;
  return 0;
}

/* Input for the container's stdin, in packets the relay takes whole.  */
static int
send_input (int sock, const unsigned char *buf, size_t len)
{
  while (len > 0)
    {
      size_t chunk = len > LOG_RELAY_LINE_MAX - 1 ? LOG_RELAY_LINE_MAX - 1 : len;
      if (send_packet (sock, LOG_RELAY_INPUT, buf, chunk) < 0)
        return -1;
      buf += chunk;
      len -= chunk;
    }
  return 0;
}

/* Our terminal's size to the container's (at the start and on SIGWINCH,
 * as podman's attach).  */
static void
send_window_size (int sock)
{
  struct winsize ws;

  if (ioctl (0, TIOCGWINSZ, &ws) == 0 || ioctl (1, TIOCGWINSZ, &ws) == 0)
    send_packet (sock, LOG_RELAY_RESIZE, &ws, sizeof ws);
}

/* Forward what the user typed, holding back a possible detach sequence.  */
static int
forward_input (struct session *s, const unsigned char *buf, size_t len)
{
  unsigned char out[2 * 4096 + 16];
  size_t i, k = 0;

  for (i = 0; i < len; i++)
    {
      if (s->o->n_detach_keys > 0 && buf[i] == s->o->detach_keys[s->matched])
        {
          if (++s->matched == s->o->n_detach_keys)
            {
              s->detached = true;
              return send_input (s->sock, out, k);
            }
          continue;
        }
      /* not the sequence after all: what was held back goes through */
      memcpy (out + k, s->o->detach_keys, s->matched);
      k += s->matched;
      s->matched = 0;
      if (s->o->n_detach_keys > 0 && buf[i] == s->o->detach_keys[0])
        {
          s->matched = 1;
          continue;
        }
      out[k++] = buf[i];
    }
  return send_input (s->sock, out, k);
}

/* One packet from the relay: 0 at EOF.  */
static int
relay_output (struct session *s)
{
  char pkt[16385];
  ssize_t n = recv (s->sock, pkt, sizeof pkt, 0);

  if (n < 0 && errno == EINTR)
    return 1;
  if (n <= 0)
    return 0;
  fs_write_all (pkt[0] == LOG_RELAY_STDERR ? 2 : 1, pkt + 1, (size_t)n - 1);
  return 1;
}

/* SIGWINCH resizes the container's terminal; the others go to the
 * container (--sig-proxy).  */
static void
proxy_signals (struct session *s, int sigfd, int pidfd)
{
  struct signalfd_siginfo si;

  while (read (sigfd, &si, sizeof si) == sizeof si)
    if ((int)si.ssi_signo == SIGWINCH)
      send_window_size (s->sock);
    else if (pidfd >= 0)
      syscall (SYS_pidfd_send_signal, pidfd, (int)si.ssi_signo, NULL, 0);
}

/* Copy until the relay closes (the container's output ended) or the user
 * detaches.  */
static int
session_loop (struct session *s, bool with_stdin, int sigfd, int pidfd, galley_error_t *err)
{
  bool stdin_open = with_stdin;

  for (;;)
    {
      struct pollfd p[3] = { { s->sock, POLLIN, 0 },
                             { stdin_open ? 0 : -1, POLLIN, 0 },
                             { sigfd, POLLIN, 0 } };

      if (poll (p, 3, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          return galley_error_make (err, errno, "poll");
        }
      if ((p[0].revents & (POLLIN | POLLHUP | POLLERR)) && relay_output (s) == 0)
        return 0;
      if (p[1].revents & (POLLIN | POLLHUP | POLLERR))
        {
          unsigned char buf[4096];
          ssize_t n = read (0, buf, sizeof buf);
          if (n <= 0 && ! (n < 0 && errno == EINTR))
            stdin_open = false;
          else if (n > 0 && forward_input (s, buf, (size_t)n) < 0)
            return galley_error_make (err, errno, "sending input to the container");
          if (s->detached)
            return 0;
        }
      if (p[2].revents & POLLIN)
        proxy_signals (s, sigfd, pidfd);
    }
}

/* The container's exit code, once its monitor recorded it.  */
static int
await_exit (const struct galley_paths *p, const char *id, galley_error_t *err)
{
  for (;;)
    {
      struct container_state st;
      struct timespec ts = { 0, 20 * 1000 * 1000 };

      if (container_state_read (p, id, &st, err) < 0)
        return -1;
      if (! container_status_is_live (st.status))
        return st.has_exit_code ? st.exit_code : 0;
      nanosleep (&ts, NULL);
    }
}

/* A signalfd for the signals the session handles: SIGWINCH with a
 * terminal, those --sig-proxy forwards without.  */
static int
block_session_signals (bool tty, bool sig_proxy, sigset_t *old)
{
  static const int proxied[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };
  sigset_t set;
  size_t i;

  sigemptyset (&set);
  if (tty)
    sigaddset (&set, SIGWINCH);
  else if (sig_proxy)
    for (i = 0; i < sizeof proxied / sizeof proxied[0]; i++)
      sigaddset (&set, proxied[i]);
  else
    return -1;
  sigprocmask (SIG_BLOCK, &set, old);
  return signalfd (-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

int
container_attach (const struct galley_paths *p, const char *id, const struct attach_options *o,
                  galley_error_t *err)
{
  _cleanup_free_ char *run = container_run_dir (p, id);
  _cleanup_close_ int dfd = -1, pidfd = -1, sigfd = -1;
  _cleanup_container_config_ struct container_config config = { 0 };
  struct terminal term = { .master = -1 };
  struct session s = { .o = o, .sock = -1 };
  struct container_state st;
  sigset_t old_mask;
  bool tty, with_stdin;
  int ret;

  if (run == NULL)
    return galley_error_make (err, ENOMEM, "allocating");
  if (container_state_read (p, id, &st, err) < 0 || container_load (p, id, &config, err) < 0)
    return -1;
  if (! container_status_is_live (st.status))
    return galley_error_make (err, 0, "you can only attach to running containers");
  tty = config.tty;
  with_stdin = ! o->no_stdin && config.interactive;
  dfd = open (run, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return galley_error_make (err, errno, "opening %s", run);
  s.sock = log_relay_connect (dfd, err);
  if (s.sock < 0)
    return -1;
  if (o->sig_proxy && ! tty)
    {
      galley_error_t ignore = NULL;
      pidfd = container_state_pidfd (&st, &ignore);
      galley_error_release (&ignore);
    }
  sigfd = block_session_signals (tty, o->sig_proxy, &old_mask);
  if (tty)
    send_window_size (s.sock);
  if (tty && with_stdin)
    terminal_make_raw (&term);
  ret = session_loop (&s, with_stdin, sigfd, pidfd, err);
  terminal_restore (&term);
  if (sigfd >= 0)
    sigprocmask (SIG_SETMASK, &old_mask, NULL);
  close (s.sock);
  if (ret < 0)
    return -1;
  if (s.detached)
    return ATTACH_DETACHED;
  return await_exit (p, id, err);
}
