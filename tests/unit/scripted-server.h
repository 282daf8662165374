/* A scripted HTTP/1.1 server on 127.0.0.1 for the registry client's unit
 * tests: one thread, one request per connection, a handler per test that
 * answers with respond(); every request is logged (method, target, a few
 * headers) and its body (Content-Length bytes) handed to the handler.  */
#ifndef GALLEY_TEST_SCRIPTED_SERVER_H
#define GALLEY_TEST_SCRIPTED_SERVER_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#define MAX_LOG 64

struct request_log
{
  char method[8];
  char target[512];
  char authorization[256];
  char range[64];
  char content_range[64];
  char content_type[128];
  const char *body; /* valid during the handler call only; NULL in the log */
  size_t body_len;
};

struct server;
typedef void (*server_handler) (struct server *s, const struct request_log *rq, int fd);

struct server
{
  int listen_fd;
  int port;
  pthread_t thread;
  volatile bool stop;
  server_handler handler;
  pthread_mutex_t lock;
  struct request_log log[MAX_LOG];
  int n_log;
  int counter;                  /* for handlers that change behaviour over time */
  const char *token_realm_host; /* "127.0.0.1:PORT" of the token server */
  struct server *peer;          /* the other origin, for redirects */
  void *data;                   /* the test's own state */
};

void send_all (int fd, const void *buf, size_t len);
void respond (int fd, int status, const char *extra_headers, const char *body, size_t len);
void respond_str (int fd, int status, const char *extra_headers, const char *body);
void server_start (struct server *s, server_handler handler);
void server_stop (struct server *s);
/* The requests for target (prefix match), counted; *last gets the last.  */
int count_requests (struct server *s, const char *target_prefix, struct request_log *last);

#endif
