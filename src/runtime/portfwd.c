/* The TCP port forwarder (see portfwd.h).  */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ns/userns.h"
#include "runtime/enter.h"
#include "runtime/netns.h"
#include "runtime/portfwd.h"
#include "util/cleanup.h"
#include "util/xmalloc.h"

#define SPLICE_CHUNK (1 << 20)

struct listener
{
  int fd;
  uint16_t container_port;
};

struct connection
{
  int client, server;
  atomic_int users; /* the two copying threads */
};

static void
connection_release (struct connection *c)
{
  if (atomic_fetch_sub (&c->users, 1) == 1)
    {
      close (c->client);
      close (c->server);
      free (c);
    }
}

/* Copy from -> to until EOF, then pass the EOF on.  */
static void
copy_stream (int from, int to)
{
  int pipefd[2];

  if (pipe2 (pipefd, O_CLOEXEC) < 0)
    {
      shutdown (from, SHUT_RDWR);
      shutdown (to, SHUT_RDWR);
      return;
    }
  /* A larger pipe: fewer round trips per megabyte (best effort).  */
  fcntl (pipefd[1], F_SETPIPE_SZ, SPLICE_CHUNK);
  for (;;)
    {
      ssize_t in = splice (from, NULL, pipefd[1], NULL, SPLICE_CHUNK, SPLICE_F_MOVE);
      if (in < 0 && errno == EINTR)
        continue;
      if (in <= 0)
        break;
      while (in > 0)
        {
          ssize_t out = splice (pipefd[0], NULL, to, NULL, (size_t)in, SPLICE_F_MOVE);
          if (out < 0 && errno == EINTR)
            continue;
          if (out <= 0)
            {
              shutdown (from, SHUT_RDWR);
              goto done;
            }
          in -= out;
        }
    }
  shutdown (to, SHUT_WR);
done:
  close (pipefd[0]);
  close (pipefd[1]);
}

static void *
client_to_server (void *arg)
{
  struct connection *c = arg;
  copy_stream (c->client, c->server);
  connection_release (c);
  return NULL;
}

static void *
server_to_client (void *arg)
{
  struct connection *c = arg;
  copy_stream (c->server, c->client);
  connection_release (c);
  return NULL;
}

struct dial
{
  int client;
  struct sockaddr_in target;
};

/* One accepted connection: connect inside, then one thread per direction.  */
static void *
dial_main (void *arg)
{
  struct dial *d = arg;
  struct connection *c = calloc (1, sizeof *c);
  int server = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  pthread_t t;

  if (c == NULL || server < 0 || connect (server, (struct sockaddr *)&d->target, sizeof d->target) < 0)
    {
      close (d->client);
      if (server >= 0)
        close (server);
      free (c);
      free (d);
      return NULL;
    }
  c->client = d->client;
  c->server = server;
  atomic_init (&c->users, 2);
  free (d);
  if (pthread_create (&t, NULL, server_to_client, c) != 0)
    {
      shutdown (c->client, SHUT_RDWR);
      connection_release (c);
    }
  else
    pthread_detach (t);
  client_to_server (c);
  return NULL;
}

static int
open_listener (const struct port_mapping *m, uint16_t k, galley_error_t *err)
{
  struct sockaddr_storage ss = { 0 };
  const char *ip = m->host_ip[0] ? m->host_ip : "0.0.0.0";
  bool v6 = strchr (ip, ':') != NULL;
  socklen_t len = v6 ? sizeof (struct sockaddr_in6) : sizeof (struct sockaddr_in);
  int fd = socket (v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
  uint16_t port = (uint16_t)(m->host_port + k);

  if (fd < 0)
    return galley_error_make (err, errno, "socket");
  if (v6)
    {
      ((struct sockaddr_in6 *)&ss)->sin6_family = AF_INET6;
      ((struct sockaddr_in6 *)&ss)->sin6_port = htons (port);
      inet_pton (AF_INET6, ip, &((struct sockaddr_in6 *)&ss)->sin6_addr);
    }
  else
    {
      ((struct sockaddr_in *)&ss)->sin_family = AF_INET;
      ((struct sockaddr_in *)&ss)->sin_port = htons (port);
      inet_pton (AF_INET, ip, &((struct sockaddr_in *)&ss)->sin_addr);
    }
  setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind (fd, (struct sockaddr *)&ss, len) < 0 || listen (fd, 128) < 0)
    {
      int e = errno;
      close (fd);
      if (e == EADDRINUSE)
        return galley_error_make (err, 0, "cannot publish %s:%u/tcp: the host port is already in use", ip,
                                  port);
      return galley_error_make (err, e, "cannot publish %s:%u/tcp", ip, port);
    }
  return fd;
}

static _Noreturn void
forwarder_main (struct listener *l, size_t n, struct netns_join *ns, struct sockaddr_in target, int exit_rd,
                int report)
{
  struct pollfd *p = calloc (n + 1, sizeof *p);
  galley_error_t err = NULL;
  int *keep = calloc (n + 4, sizeof *keep), devnull;
  sigset_t none;
  size_t i;

  prctl (PR_SET_PDEATHSIG, SIGKILL);
  prctl (PR_SET_NAME, "galley-port");
  signal (SIGPIPE, SIG_IGN);
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
  if (p == NULL || keep == NULL)
    _exit (1);
  for (i = 0; i < n; i++)
    keep[i] = l[i].fd;
  keep[n] = exit_rd;
  keep[n + 1] = report;
  keep[n + 2] = ns->userns_fd;
  keep[n + 3] = ns->netns_fd;
  devnull = open ("/dev/null", O_RDWR);
  if (devnull >= 0)
    {
      dup2 (devnull, 0);
      dup2 (devnull, 1);
      dup2 (devnull, 2);
      close (devnull);
    }
  /* None of the monitor's fds (its pipes must not stay open here: the log
   * relay ends on their EOF).  From here on, new sockets belong to the
   * container's namespace.  */
  if (enter_prepare (3, keep, n + 4, 0, &err) < 0 || netns_enter (ns, &err) < 0)
    {
      if (write (report, "E", 1) == 1)
        userns_send_error (report, &err);
      _exit (1);
    }
  netns_join_close (ns);
  if (write (report, "R", 1) != 1)
    _exit (1);
  close (report);
  for (i = 0; i < n; i++)
    p[i] = (struct pollfd){ l[i].fd, POLLIN, 0 };
  p[n] = (struct pollfd){ exit_rd, POLLIN, 0 };
  for (;;)
    {
      if (poll (p, n + 1, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          _exit (1);
        }
      if (p[n].revents)
        _exit (0);
      for (i = 0; i < n; i++)
        if (p[i].revents & POLLIN)
          {
            struct dial *d = malloc (sizeof *d);
            pthread_t t;
            int client = accept4 (l[i].fd, NULL, NULL, SOCK_CLOEXEC);
            if (client < 0 || d == NULL)
              {
                if (client >= 0)
                  close (client);
                free (d);
                continue;
              }
            d->client = client;
            d->target = target;
            d->target.sin_port = htons (l[i].container_port);
            if (pthread_create (&t, NULL, dial_main, d) != 0)
              {
                close (client);
                free (d);
              }
            else
              pthread_detach (t);
          }
    }
}

static void
close_listeners (struct listener *l, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++)
    close (l[i].fd);
  free (l);
}

int
portfwd_start (const struct port_mapping *ports, size_t n, pid_t init_pid, const char *target_ip,
               struct portfwd *out, galley_error_t *err)
{
  struct listener *l = NULL;
  struct netns_join ns = NETNS_JOIN_INIT;
  struct sockaddr_in target = { .sin_family = AF_INET };
  size_t count = 0, i;
  int exitp[2] = { -1, -1 }, report[2] = { -1, -1 };
  uint16_t k;
  char byte = 0;
  pid_t pid;

  *out = (struct portfwd)PORTFWD_INIT;
  for (i = 0; i < n; i++)
    if (strcmp (ports[i].protocol, "tcp") == 0)
      count += ports[i].range;
  if (count == 0)
    return 0;
  if (inet_pton (AF_INET, target_ip, &target.sin_addr) != 1)
    return galley_error_make (err, EINVAL, "forwarding to %s", target_ip);
  l = xcalloc (count, sizeof *l);
  count = 0;
  for (i = 0; i < n; i++)
    for (k = 0; strcmp (ports[i].protocol, "tcp") == 0 && k < ports[i].range; k++)
      {
        l[count].container_port = (uint16_t)(ports[i].container_port + k);
        if ((l[count].fd = open_listener (&ports[i], k, err)) < 0)
          {
            close_listeners (l, count);
            return -1;
          }
        count++;
      }
  if (netns_join_open_pid (init_pid, 0, &ns, err) < 0 || pipe2 (exitp, O_CLOEXEC) < 0
      || pipe2 (report, O_CLOEXEC) < 0)
    {
      if (*err == NULL)
        galley_error_make (err, errno, "pipe");
      goto fail;
    }
  pid = fork ();
  if (pid < 0)
    {
      galley_error_make (err, errno, "forking the port forwarder");
      goto fail;
    }
  if (pid == 0)
    {
      close (exitp[1]);
      close (report[0]);
      forwarder_main (l, count, &ns, target, exitp[0], report[1]);
    }
  out->pid = pid;
  out->exit_fd = exitp[1];
  exitp[1] = -1;
  close (report[1]);
  report[1] = -1;
  while (read (report[0], &byte, 1) < 0 && errno == EINTR)
    ;
  if (byte != 'R')
    {
      if (byte != 'E' || userns_receive_error (report[0], err) != 1)
        galley_error_make (err, 0, "the port forwarder failed to start");
      galley_error_wrap (err, "forwarding published ports");
      goto fail;
    }
  close (report[0]);
  close (exitp[0]);
  netns_join_close (&ns);
  close_listeners (l, count);
  return 0;
fail:
  for (i = 0; i < 2; i++)
    {
      if (exitp[i] >= 0)
        close (exitp[i]);
      if (report[i] >= 0)
        close (report[i]);
    }
  netns_join_close (&ns);
  close_listeners (l, count);
  portfwd_stop (out);
  return -1;
}

void
portfwd_stop (struct portfwd *f)
{
  if (f->exit_fd >= 0)
    close (f->exit_fd);
  f->exit_fd = -1;
  if (f->pid > 0)
    {
      kill (f->pid, SIGKILL);
      while (waitpid (f->pid, NULL, 0) < 0 && errno == EINTR)
        ;
    }
  f->pid = -1;
}
