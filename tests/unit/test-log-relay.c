/* Unit tests of the log relay as the monitor drives it (one event loop):
 * attach clients get the output (their fds clear of --preserve-fds) and
 * feed the container's stdin, input waits (clients unread) while stdin is
 * full, clients resize the container's terminal, a pty master is
 * borrowed per run, the last output is drained
 * without waiting, ending the relay gives every client EOF, an idle
 * relay gives back its buffers' unused pages, and in the foreground the
 * output is copied to our stdout and stderr as well as logged.  */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "runtime/log_relay.h"
#include "util/cleanup.h"
#include "util/fs.h"

static struct log_relay relay;

struct fixture
{
  char dir[64];
  char *log_path;
  int dir_fd;
  int out[2], err[2], in[2];
};

static int
setup (void **state)
{
  struct fixture *f = calloc (1, sizeof *f);
  galley_error_t err = NULL;
  struct log_relay_options o;

  snprintf (f->dir, sizeof f->dir, "/tmp/galley-test-relay-XXXXXX");
  if (mkdtemp (f->dir) == NULL || asprintf (&f->log_path, "%s/ctr.log", f->dir) < 0)
    return -1;
  f->dir_fd = open (f->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (pipe2 (f->out, O_CLOEXEC) < 0 || pipe2 (f->err, O_CLOEXEC) < 0 || pipe2 (f->in, O_CLOEXEC) < 0)
    return -1;
  o = (struct log_relay_options){
    .out_fd = f->out[0],
    .err_fd = f->err[0],
    .log_fd = open (f->log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600),
    .log_path = f->log_path,
    .listen_fd = log_relay_listen (f->dir_fd, &err),
    .stdin_fd = f->in[1],
    .min_fd = 64,
  };
  if (o.log_fd < 0 || o.listen_fd < 0)
    return -1;
  log_relay_init (&relay, &o);
  *state = f;
  return 0;
}

static int
teardown (void **state)
{
  struct fixture *f = *state;
  galley_error_t err = NULL;

  log_relay_end (&relay);
  close (f->out[1]);
  close (f->err[1]);
  close (f->in[0]);
  close (f->in[1]);
  close (f->dir_fd);
  fs_remove_tree (AT_FDCWD, f->dir, &err);
  free (f->log_path);
  free (f);
  return 0;
}

/* One turn of the monitor's loop; returns what poll returned.  */
static int
step (int timeout_ms)
{
  struct pollfd p[LOG_RELAY_MAX_FDS];
  size_t n = log_relay_poll_fds (&relay, p);
  int ready = poll (p, n, timeout_ms);

  if (ready > 0)
    log_relay_dispatch (&relay, p, n);
  return ready;
}

static int
connect_client (struct fixture *f)
{
  galley_error_t err = NULL;
  int fd = log_relay_connect (f->dir_fd, &err);
  size_t before = relay.n_clients;

  assert_true (fd >= 0);
  while (relay.n_clients == before)
    assert_true (step (2000) > 0);
  /* clear of the fds a container may be given (--preserve-fds) */
  assert_true (relay.clients[before] >= 64);
  return fd;
}

static char *
read_log (struct fixture *f)
{
  galley_error_t err = NULL;
  char *text = NULL;

  assert_int_equal (fs_read_file (AT_FDCWD, f->log_path, 0, &text, NULL, &err), 0);
  return text;
}

static void
test_clients_get_output_and_feed_stdin (void **state)
{
  struct fixture *f = *state;
  int a = connect_client (f), b = connect_client (f);
  char pkt[64], in[64];
  ssize_t n;
  _cleanup_free_ char *text = NULL;

  assert_int_equal (write (f->out[1], "hello\n", 6), 6);
  assert_true (step (2000) > 0);
  assert_int_equal (write (f->err[1], "oops\n", 5), 5);
  assert_true (step (2000) > 0);
  /* every client, one packet per piece, tagged with its stream */
  n = recv (a, pkt, sizeof pkt, 0);
  assert_int_equal (n, 7);
  assert_int_equal (pkt[0], LOG_RELAY_STDOUT);
  assert_memory_equal (pkt + 1, "hello\n", 6);
  n = recv (a, pkt, sizeof pkt, 0);
  assert_int_equal (n, 6);
  assert_int_equal (pkt[0], LOG_RELAY_STDERR);
  n = recv (b, pkt, sizeof pkt, 0);
  assert_int_equal (n, 7);
  n = recv (b, pkt, sizeof pkt, 0);
  assert_int_equal (n, 6);
  /* a client's input reaches the container's stdin */
  assert_int_equal (send (b, "\0typed", 6, 0), 6);
  assert_true (step (2000) > 0);
  n = read (f->in[0], in, sizeof in);
  assert_int_equal (n, 5);
  assert_memory_equal (in, "typed", 5);
  /* a client that leaves is dropped, the other stays */
  close (a);
  assert_true (step (2000) > 0);
  assert_int_equal (relay.n_clients, 1);
  text = read_log (f);
  assert_non_null (strstr (text, "Z stdout F hello\n"));
  assert_non_null (strstr (text, "Z stderr F oops\n"));
  /* ending the relay: the client sees EOF */
  log_relay_end (&relay);
  assert_int_equal (recv (b, pkt, sizeof pkt, 0), 0);
  close (b);
}

/* A client resizes the container's terminal; a message of an unknown
 * kind changes nothing.  */
static void
test_client_resizes_terminal (void **state)
{
  struct fixture *f = *state;
  int c = connect_client (f), master = posix_openpt (O_RDWR | O_NOCTTY);
  struct winsize want = { .ws_row = 33, .ws_col = 77 }, got;
  unsigned char pkt[1 + sizeof want];

  assert_true (master >= 0);
  log_relay_set_terminal (&relay, master);
  pkt[0] = LOG_RELAY_RESIZE;
  memcpy (pkt + 1, &want, sizeof want);
  assert_int_equal (send (c, pkt, sizeof pkt, 0), (ssize_t)sizeof pkt);
  assert_true (step (2000) > 0);
  assert_int_equal (ioctl (master, TIOCGWINSZ, &got), 0);
  assert_int_equal (got.ws_row, 33);
  assert_int_equal (got.ws_col, 77);
  /* neither input nor a resize */
  pkt[0] = 7;
  assert_int_equal (send (c, pkt, sizeof pkt, 0), (ssize_t)sizeof pkt);
  assert_true (step (2000) > 0);
  assert_int_equal (relay.input_len, 0);
  assert_int_equal (ioctl (master, TIOCGWINSZ, &got), 0);
  assert_int_equal (got.ws_row, 33);
  log_relay_set_terminal (&relay, -1);
  close (master);
  close (c);
}

/* A container that does not read its stdin must not stall the monitor:
 * the input waits and the clients are not read meanwhile.  */
static void
test_full_stdin_holds_input_back (void **state)
{
  struct fixture *f = *state;
  int c = connect_client (f);
  char chunk[4096], buf[65536];
  struct pollfd p[LOG_RELAY_MAX_FDS];
  size_t n, total = 0;
  ssize_t r;

  memset (chunk, 'x', sizeof chunk);
  /* fill the pipe (the relay made its end nonblocking) */
  while (write (f->in[1], chunk, sizeof chunk) > 0)
    ;
  assert_int_equal (errno, EAGAIN);
  assert_int_equal (send (c, "\0late", 5, 0), 5);
  assert_true (step (2000) > 0);
  assert_int_equal (relay.input_len, 4);
  /* waiting: stdin polled for room, no client polled for input */
  n = log_relay_poll_fds (&relay, p);
  assert_int_equal (n, 4);
  assert_int_equal (p[3].fd, f->in[1]);
  assert_int_equal (p[3].events, POLLOUT);
  /* the container reads: the input goes through */
  assert_int_equal (fcntl (f->in[0], F_SETFL, O_NONBLOCK), 0);
  while ((r = read (f->in[0], buf, sizeof buf)) > 0)
    total += (size_t)r;
  assert_true (total >= sizeof chunk);
  assert_true (step (2000) > 0);
  assert_int_equal (relay.input_len, 0);
  r = read (f->in[0], buf, sizeof buf);
  assert_true (r >= 4);
  assert_memory_equal (buf + r - 4, "late", 4);
  assert_int_equal (log_relay_poll_fds (&relay, p), 5);
  close (c);
}

/* A pty master is the relay's stream for one run only: the relay never
 * closes it, and what the run left without a newline is logged as P.  */
static void
test_borrowed_stream (void **state)
{
  struct fixture *f = *state;
  int pty[2];
  _cleanup_free_ char *text = NULL;

  assert_int_equal (pipe2 (pty, O_CLOEXEC), 0);
  log_relay_attach_stream (&relay, 0, pty[0]);
  log_relay_set_stdin (&relay, -1);
  assert_int_equal (write (pty[1], "line\nno newline", 15), 15);
  log_relay_drain (&relay);
  log_relay_detach_stream (&relay, 0);
  assert_int_equal (relay.streams[0].fd, -1);
  /* still open: the caller closes it */
  assert_true (fcntl (pty[0], F_GETFD) >= 0);
  text = read_log (f);
  assert_non_null (strstr (text, "Z stdout F line\n"));
  assert_non_null (strstr (text, "Z stdout P no newline\n"));
  close (pty[0]);
  close (pty[1]);
  /* the out pipe the relay owned was closed when the master replaced it */
  assert_int_equal (fcntl (f->out[0], F_GETFD), -1);
}

/* After the container's exit its last output waits in the pipes: drain
 * takes it all without blocking, though the writers are still open.  */
static void
test_drain_does_not_wait (void **state)
{
  struct fixture *f = *state;
  char line[32];
  _cleanup_free_ char *text = NULL;
  int i;

  for (i = 0; i < 200; i++)
    {
      int len = snprintf (line, sizeof line, "line %03d\n", i);
      assert_int_equal (write (f->out[1], line, (size_t)len), len);
    }
  assert_int_equal (write (f->err[1], "tail", 4), 4);
  log_relay_drain (&relay);
  assert_true (log_relay_streams_open (&relay));
  text = read_log (f);
  assert_non_null (strstr (text, "Z stdout F line 000\n"));
  assert_non_null (strstr (text, "Z stdout F line 199\n"));
  assert_null (strstr (text, "tail"));
  free (text);
  /* the end logs what remains */
  log_relay_end (&relay);
  text = read_log (f);
  assert_non_null (strstr (text, "Z stderr P tail\n"));
}

/* Trimming an idle relay gives back the buffer pages past what they hold
 * and keeps what they hold.  */
static void
test_trim (void **state)
{
  const size_t page = (size_t)sysconf (_SC_PAGESIZE);
  struct log_relay_stream *s = &relay.streams[0];
  uintptr_t first = ((uintptr_t)s->buf + 10 + page - 1) & ~(page - 1);
  size_t pages = ((uintptr_t)s->buf + LOG_RELAY_LINE_MAX - first) / page, i;
  unsigned char resident[16];

  (void)state;
  assert_true (pages >= 2 && pages <= sizeof resident);
  memset (s->buf, 'x', LOG_RELAY_LINE_MAX);
  s->used = 10;
  log_relay_trim (&relay);
  assert_int_equal (mincore ((void *)first, (pages - 1) * page, resident), 0);
  for (i = 0; i + 1 < pages; i++)
    assert_false (resident[i] & 1);
  assert_memory_equal (s->buf, "xxxxxxxxxx", 10);
  s->used = 0;
}

/* In the foreground the relay also copies the output to our 1 and 2; when
 * our stdout is closed, the container's stdout pipe ends too (its writer
 * gets EPIPE) and stderr goes on.  */
static void
test_forward (void **state)
{
  static struct log_relay fwd;
  struct fixture *f = *state;
  int out[2], err[2], user_out[2], user_err[2], saved_out = dup (1), saved_err = dup (2);
  struct log_relay_options o = { .out_fd = -1, .err_fd = -1, .listen_fd = -1, .stdin_fd = -1, .min_fd = 3 };
  _cleanup_free_ char *text = NULL;
  char buf[64];

  signal (SIGPIPE, SIG_IGN);
  assert_int_equal (pipe2 (out, O_CLOEXEC), 0);
  assert_int_equal (pipe2 (err, O_CLOEXEC), 0);
  assert_int_equal (pipe2 (user_out, O_CLOEXEC), 0);
  assert_int_equal (pipe2 (user_err, O_CLOEXEC), 0);
  o.out_fd = out[0];
  o.err_fd = err[0];
  o.log_fd = open (f->log_path, O_WRONLY | O_APPEND | O_CLOEXEC);
  o.log_path = f->log_path;
  o.forward = true;
  dup2 (user_out[1], 1);
  dup2 (user_err[1], 2);
  log_relay_init (&fwd, &o);
  assert_int_equal (write (out[1], "to stdout\n", 10), 10);
  assert_int_equal (write (err[1], "to stderr\n", 10), 10);
  log_relay_drain (&fwd);
  assert_int_equal (read (user_out[0], buf, sizeof buf), 10);
  assert_memory_equal (buf, "to stdout\n", 10);
  assert_int_equal (read (user_err[0], buf, sizeof buf), 10);
  assert_memory_equal (buf, "to stderr\n", 10);
  /* our stdout closed */
  close (user_out[0]);
  assert_int_equal (write (out[1], "lost?\n", 6), 6);
  log_relay_drain (&fwd);
  assert_int_equal (fwd.streams[0].fd, -1);
  assert_int_equal (write (out[1], "x", 1), -1);
  assert_int_equal (errno, EPIPE);
  assert_int_equal (write (err[1], "still\n", 6), 6);
  log_relay_drain (&fwd);
  assert_int_equal (read (user_err[0], buf, sizeof buf), 6);
  log_relay_end (&fwd);
  dup2 (saved_out, 1);
  dup2 (saved_err, 2);
  text = read_log (f);
  /* all of it logged, what could not be copied too */
  assert_non_null (strstr (text, "Z stdout F to stdout\n"));
  assert_non_null (strstr (text, "Z stderr F to stderr\n"));
  assert_non_null (strstr (text, "Z stdout F lost?\n"));
  assert_non_null (strstr (text, "Z stderr F still\n"));
  close (saved_out);
  close (saved_err);
  close (user_out[1]);
  close (user_err[0]);
  close (user_err[1]);
  close (out[1]);
  close (err[1]);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown (test_clients_get_output_and_feed_stdin, setup, teardown),
    cmocka_unit_test_setup_teardown (test_full_stdin_holds_input_back, setup, teardown),
    cmocka_unit_test_setup_teardown (test_client_resizes_terminal, setup, teardown),
    cmocka_unit_test_setup_teardown (test_borrowed_stream, setup, teardown),
    cmocka_unit_test_setup_teardown (test_drain_does_not_wait, setup, teardown),
    cmocka_unit_test_setup_teardown (test_trim, setup, teardown),
    cmocka_unit_test_setup_teardown (test_forward, setup, teardown),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
