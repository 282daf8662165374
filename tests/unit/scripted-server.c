/* The scripted test server (see scripted-server.h).  */
#include "config.h"
#include "scripted-server.h"

#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

void
send_all (int fd, const void *buf, size_t len)
{
  const char *p = buf;
  while (len > 0)
    {
      ssize_t n = send (fd, p, len, MSG_NOSIGNAL);
      if (n <= 0)
        return;
      p += n;
      len -= (size_t)n;
    }
}

void
respond (int fd, int status, const char *extra_headers, const char *body, size_t len)
{
  char head[2048];
  int n = snprintf (head, sizeof head, "HTTP/1.1 %d X\r\nContent-Length: %zu\r\nConnection: close\r\n%s\r\n",
                    status, len, extra_headers ? extra_headers : "");
  send_all (fd, head, (size_t)n);
  if (body != NULL && len > 0)
    send_all (fd, body, len);
}

void
respond_str (int fd, int status, const char *extra_headers, const char *body)
{
  respond (fd, status, extra_headers, body, strlen (body));
}

static void
header_value (const char *headers, const char *name, char *out, size_t outlen)
{
  const char *p = headers;
  size_t n = strlen (name);

  out[0] = '\0';
  while ((p = strstr (p, "\r\n")) != NULL)
    {
      p += 2;
      if (strncasecmp (p, name, n) == 0 && p[n] == ':')
        {
          const char *v = p + n + 1, *end;
          while (*v == ' ')
            v++;
          end = strstr (v, "\r\n");
          snprintf (out, outlen, "%.*s", (int)(end ? end - v : (long)strlen (v)), v);
          return;
        }
    }
}

static void
serve_connection (struct server *s, int fd)
{
  char buf[8192], length[32];
  size_t len = 0, head_len, want;
  struct request_log rq = { 0 };
  char *body = NULL, *end;

  for (;;)
    {
      ssize_t n = recv (fd, buf + len, sizeof buf - 1 - len, 0);
      if (n <= 0)
        return;
      len += (size_t)n;
      buf[len] = '\0';
      if ((unsigned char)buf[0] == 0x16)
        return; /* TLS: hang up so that the client falls back to http */
      if (strstr (buf, "\r\n\r\n") != NULL)
        break;
      if (len == sizeof buf - 1)
        return;
    }
  /* A TLS ClientHello (the client tries https first) is not HTTP.  */
  if ((unsigned char)buf[0] == 0x16 || sscanf (buf, "%7s %511s HTTP/1.1", rq.method, rq.target) != 2)
    return;
  end = strstr (buf, "\r\n\r\n");
  head_len = (size_t)(end - buf) + 4;
  *end = '\0';
  header_value (buf, "Authorization", rq.authorization, sizeof rq.authorization);
  header_value (buf, "Range", rq.range, sizeof rq.range);
  header_value (buf, "Content-Range", rq.content_range, sizeof rq.content_range);
  header_value (buf, "Content-Type", rq.content_type, sizeof rq.content_type);
  header_value (buf, "Content-Length", length, sizeof length);
  want = strtoul (length, NULL, 10);
  if (want > 0)
    {
      size_t have = len - head_len;
      body = malloc (want + 1);
      if (body == NULL)
        return;
      memcpy (body, buf + head_len, have < want ? have : want);
      while (have < want)
        {
          ssize_t n = recv (fd, body + have, want - have, 0);
          if (n <= 0)
            {
              free (body);
              return;
            }
          have += (size_t)n;
        }
      body[want] = '\0';
      rq.body_len = want;
    }
  pthread_mutex_lock (&s->lock);
  if (s->n_log < MAX_LOG)
    s->log[s->n_log++] = rq;
  pthread_mutex_unlock (&s->lock);
  rq.body = body;
  s->handler (s, &rq, fd);
  free (body);
}

static void *
server_main (void *arg)
{
  struct server *s = arg;

  while (! s->stop)
    {
      struct pollfd pfd = { .fd = s->listen_fd, .events = POLLIN };
      int fd;
      if (poll (&pfd, 1, 50) <= 0)
        continue;
      fd = accept (s->listen_fd, NULL, NULL);
      if (fd < 0)
        continue;
      serve_connection (s, fd);
      shutdown (fd, SHUT_RDWR);
      close (fd);
    }
  return NULL;
}

void
server_start (struct server *s, server_handler handler)
{
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  socklen_t alen = sizeof addr;

  memset (s, 0, sizeof *s);
  pthread_mutex_init (&s->lock, NULL);
  s->handler = handler;
  s->listen_fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  assert_true (s->listen_fd >= 0);
  assert_int_equal (bind (s->listen_fd, (struct sockaddr *)&addr, sizeof addr), 0);
  assert_int_equal (listen (s->listen_fd, 16), 0);
  assert_int_equal (getsockname (s->listen_fd, (struct sockaddr *)&addr, &alen), 0);
  s->port = ntohs (addr.sin_port);
  assert_int_equal (pthread_create (&s->thread, NULL, server_main, s), 0);
}

void
server_stop (struct server *s)
{
  s->stop = true;
  pthread_join (s->thread, NULL);
  close (s->listen_fd);
  pthread_mutex_destroy (&s->lock);
}

int
count_requests (struct server *s, const char *target_prefix, struct request_log *last)
{
  int i, n = 0;

  pthread_mutex_lock (&s->lock);
  for (i = 0; i < s->n_log; i++)
    if (strncmp (s->log[i].target, target_prefix, strlen (target_prefix)) == 0)
      {
        n++;
        if (last)
          *last = s->log[i];
      }
  pthread_mutex_unlock (&s->lock);
  return n;
}
