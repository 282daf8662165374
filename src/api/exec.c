/* The service's exec endpoints: create (a session kept in the service's
 * memory, as Docker keeps them), start (hijacked, or detached) and
 * inspect.  A session's process is started by engine_container_exec in a
 * child of the service, since it leaves its caller inside the container's
 * namespaces: its standard streams are the hijacked connection (stdin;
 * with a terminal, the output too), or pipes whose output the service
 * frames as Docker's multiplexed stream.  */
#include "config.h"
#include "api/endpoints.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "api/containers.h"
#include "api/schema.h"
#include "runtime/envfile.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/log.h"
#include "util/random.h"
#include "util/strv.h"
#include "util/xmalloc.h"

#define EXEC_ID_DIGITS 64
/* Sessions kept: the oldest finished one makes room for a new one.  */
#define EXEC_MAX_SESSIONS 256

enum exec_state
{
  EXEC_CREATED,
  EXEC_RUNNING,
  EXEC_EXITED,
};

struct exec_session
{
  char id[EXEC_ID_DIGITS + 1];
  char *container; /* its id */
  char **argv, **env;
  char *user, *workdir;
  bool tty, in, out, err;
  enum exec_state state;
  int exit_code;
  pid_t pid;
};

static pthread_mutex_t sessions_lock = PTHREAD_MUTEX_INITIALIZER;
static struct exec_session *sessions[EXEC_MAX_SESSIONS];

static void
session_free (struct exec_session *s)
{
  if (s == NULL)
    return;
  free (s->container);
  strv_free (s->argv);
  strv_free (s->env);
  free (s->user);
  free (s->workdir);
  free (s);
}

/* Keep s (a slot: a free one, else the first finished one's).  */
static int
session_add (struct exec_session *s, galley_error_t *err)
{
  size_t i, slot = EXEC_MAX_SESSIONS;

  pthread_mutex_lock (&sessions_lock);
  for (i = 0; i < EXEC_MAX_SESSIONS && slot == EXEC_MAX_SESSIONS; i++)
    if (sessions[i] == NULL)
      slot = i;
  for (i = 0; i < EXEC_MAX_SESSIONS && slot == EXEC_MAX_SESSIONS; i++)
    if (sessions[i]->state == EXEC_EXITED)
      slot = i;
  if (slot < EXEC_MAX_SESSIONS)
    {
      session_free (sessions[slot]);
      sessions[slot] = s;
    }
  pthread_mutex_unlock (&sessions_lock);
  if (slot == EXEC_MAX_SESSIONS)
    return galley_error_kind (err, EBUSY, "too many exec sessions in progress");
  return 0;
}

/* The session named id, locked (session_release), or an ENOENT error.  */
static struct exec_session *
session_get (const char *id, galley_error_t *err)
{
  size_t i;

  pthread_mutex_lock (&sessions_lock);
  for (i = 0; i < EXEC_MAX_SESSIONS; i++)
    if (sessions[i] != NULL && strcmp (sessions[i]->id, id) == 0)
      return sessions[i];
  pthread_mutex_unlock (&sessions_lock);
  galley_error_kind (err, ENOENT, "No such exec instance: %s", id);
  return NULL;
}

static void
session_release (void)
{
  pthread_mutex_unlock (&sessions_lock);
}

static const struct api_member exec_members[] = {
  { "AttachStdin", API_T_BOOL, NULL, false },
  { "AttachStdout", API_T_BOOL, NULL, false },
  { "AttachStderr", API_T_BOOL, NULL, false },
  { "DetachKeys", API_T_STRING, NULL, false },
  { "Tty", API_T_BOOL, NULL, false },
  { "Env", API_T_STRINGS, NULL, false },
  { "Cmd", API_T_STRSLICE, NULL, false },
  { "Privileged", API_T_BOOL, NULL, true },
  { "User", API_T_STRING, NULL, false },
  { "WorkingDir", API_T_STRING, NULL, false },
  { "ConsoleSize", API_T_ANY, NULL, false },
  { "Detach", API_T_BOOL, NULL, false },
  { NULL, 0, NULL, false },
};

static const struct api_member exec_start_members[] = {
  { "Detach", API_T_BOOL, NULL, false },
  { "Tty", API_T_BOOL, NULL, false },
  { "ConsoleSize", API_T_ANY, NULL, false },
  { NULL, 0, NULL, false },
};

static bool
flag (json_object *doc, const char *key)
{
  json_object *v = NULL;

  return json_object_object_get_ex (doc, key, &v) && json_object_get_boolean (v);
}

/* A copy of the string member key, NULL when it is absent or empty.  */
static char *
nonempty_copy (json_object *doc, const char *key)
{
  const char *v = json_get_string (doc, key);

  return v == NULL || *v == '\0' ? NULL : xstrdup (v);
}

int
api_exec_create (const struct api_request *req, struct api_reply *reply, galley_error_t *err)
{
  _cleanup_container_entry_ struct container_entry c = { 0 };
  _cleanup_json_ json_object *doc = NULL;
  struct exec_session *s = NULL;
  json_object *cmd = NULL, *o;

  if (json_parse_strict (req->body, req->body_len, "body", &doc, err) < 0)
    return api_error_as (err, EINVAL);
  if (api_schema_check (doc, exec_members, "body", err) < 0)
    return -1;
  if (! json_object_object_get_ex (doc, "Cmd", &cmd) || cmd == NULL
      || (json_object_is_type (cmd, json_type_array) && json_object_array_length (cmd) == 0))
    return galley_error_kind (err, EINVAL, "No exec command specified");
  if (api_container_find (req, &c, err) < 0)
    return -1;
  if (! container_status_is_live (c.state.status))
    return galley_error_kind (err, EBUSY, "Container %s is not running", c.id);
  s = xcalloc (1, sizeof *s);
  s->container = steal_pointer (&c.id);
  if (json_object_is_type (cmd, json_type_string))
    (void)strv_append (&s->argv, json_object_get_string (cmd));
  else
    s->argv = json_array_strv (cmd);
  s->env = json_get_strv (doc, "Env");
  s->tty = flag (doc, "Tty");
  s->in = flag (doc, "AttachStdin");
  s->out = flag (doc, "AttachStdout");
  s->err = flag (doc, "AttachStderr");
  s->user = nonempty_copy (doc, "User");
  s->workdir = nonempty_copy (doc, "WorkingDir");
  if (random_hex (s->id, EXEC_ID_DIGITS, err) < 0 || session_add (s, err) < 0)
    {
      session_free (s);
      return -1;
    }
  o = json_object_new_object ();
  json_object_object_add (o, "Id", json_object_new_string (s->id));
  api_reply_json (reply, 201, o);
  return 0;
}

/* What a started session's process needs, copied out of the session (the
 * table may drop it meanwhile).  */
struct exec_run
{
  struct engine e;
  char id[EXEC_ID_DIGITS + 1];
  char *container;
  char **argv, **env;
  char *user, *workdir;
  bool tty, in, out, err, detach;
};

static void
exec_run_free (void *data)
{
  struct exec_run *r = data;

  free (r->container);
  strv_free (r->argv);
  strv_free (r->env);
  free (r->user);
  free (r->workdir);
  free (r);
}

static void
session_finished (const char *id, int exit_code)
{
  _cleanup_error_ galley_error_t gone = NULL; /* dropped meanwhile: nobody asks */
  struct exec_session *s = session_get (id, &gone);

  if (s == NULL)
    return;
  s->state = EXEC_EXITED;
  s->exit_code = exit_code;
  s->pid = 0;
  session_release ();
}

/* In the child: fds 0-2 are set; run the process and end with its exit
 * status.  */
static _Noreturn void
exec_child (struct exec_run *r)
{
  _cleanup_error_ galley_error_t err = NULL;
  struct env_list env = { 0 };
  struct exec_options o = { .argv = r->argv,
                            .env = &env,
                            .user = r->user,
                            .workdir = r->workdir,
                            .tty = r->tty,
                            .interactive = r->in,
                            .detach = r->detach };
  char *const no_environ[] = { NULL };
  size_t i;
  int status;

  for (i = 0; r->env[i] != NULL; i++)
    if (env_parse_option (&env, r->env[i], no_environ, &err) < 0)
      break;
  status = err != NULL ? -1 : engine_container_exec (&r->e, r->container, &o, &err);
  if (status < 0)
    {
      dprintf (2, "Error: %s\n", err != NULL ? err->msg : "exec failed");
      _exit (err != NULL && err->exit_code > 0 ? err->exit_code : 126);
    }
  _exit (status);
}

static int
exit_code_of (int status)
{
  return WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
}

/* Frame what the process writes to out and err onto sock until both end;
 * a client that leaves closes them (the process gets EPIPE).  */
static void
frame_output (int sock, int out, int err)
{
  struct pollfd p[2] = { { out, POLLIN, 0 }, { err, POLLIN, 0 } };
  char buf[32768 + 8];

  while (p[0].fd >= 0 || p[1].fd >= 0)
    {
      size_t i;
      if (poll (p, 2, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          return;
        }
      for (i = 0; i < 2; i++)
        {
          ssize_t n;
          if (p[i].fd < 0 || ! (p[i].revents & (POLLIN | POLLHUP | POLLERR)))
            continue;
          n = read (p[i].fd, buf + 8, sizeof buf - 8);
          if (n < 0 && errno == EINTR)
            continue;
          if (n <= 0)
            {
              p[i].fd = -1;
              continue;
            }
          buf[0] = (char)(i + 1);
          buf[1] = buf[2] = buf[3] = 0;
          buf[4] = (char)((uint32_t)n >> 24);
          buf[5] = (char)((uint32_t)n >> 16);
          buf[6] = (char)((uint32_t)n >> 8);
          buf[7] = (char)n;
          if (send (sock, buf, (size_t)n + 8, MSG_NOSIGNAL) != n + 8)
            return;
        }
    }
}

/* Start r's process with its fds 0-2 at in, out, err: its pid.  */
static pid_t
spawn (struct exec_run *r, int in, int out, int err)
{
  pid_t pid = fork ();

  if (pid != 0)
    return pid;
  if (dup2 (in, 0) < 0 || dup2 (out, 1) < 0 || dup2 (err, 2) < 0)
    _exit (125);
  exec_child (r);
}

static void
session_running (const char *id, pid_t pid)
{
  _cleanup_error_ galley_error_t gone = NULL;
  struct exec_session *s = session_get (id, &gone);

  if (s == NULL)
    return;
  s->state = EXEC_RUNNING;
  s->pid = pid;
  session_release ();
}

/* The process's input: what the server read past the request (extra),
 * then the connection's until the client closes its side.  */
struct input_pump
{
  int sock, to;
  int stop; /* eventfd: the process has ended */
  const char *extra;
  size_t extra_len;
};

static void *
pump_input (void *arg)
{
  struct input_pump *p = arg;
  char buf[16384];
  sigset_t pipe_signal;
  ssize_t n;

  /* a process that left before reading its input: EPIPE, not a SIGPIPE
   * for the service (it stays pending in this thread, which ends) */
  sigemptyset (&pipe_signal);
  sigaddset (&pipe_signal, SIGPIPE);
  pthread_sigmask (SIG_BLOCK, &pipe_signal, NULL);

  if (p->extra_len > 0 && fs_write_all (p->to, p->extra, p->extra_len) < 0)
    goto out;
  for (;;)
    {
      struct pollfd w[2] = { { p->sock, POLLIN, 0 }, { p->stop, POLLIN, 0 } };
      if (poll (w, 2, -1) < 0 && errno != EINTR)
        break;
      if (w[1].revents & POLLIN)
        break;
      if (! (w[0].revents & (POLLIN | POLLHUP | POLLERR)))
        continue;
      n = recv (p->sock, buf, sizeof buf, MSG_DONTWAIT);
      if (n < 0 && errno == EAGAIN)
        continue;
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0 || fs_write_all (p->to, buf, (size_t)n) < 0)
        break;
    }
out:
  close (p->to);
  return NULL;
}

static void
exec_hijacked (void *data, int sock, const char *extra, size_t extra_len)
{
  struct exec_run *r = data;
  _cleanup_close_ int null = open ("/dev/null", O_RDWR | O_CLOEXEC);
  int out[2] = { -1, -1 }, errp[2] = { -1, -1 }, in[2] = { -1, -1 }, status = 0;
  struct input_pump pump = { sock, -1, -1, extra, extra_len };
  pthread_t pump_thread;
  bool pumping = false;
  pid_t pid;

  if (null < 0)
    return session_finished (r->id, 126);
  if (r->in)
    {
      pump.stop = eventfd (0, EFD_CLOEXEC);
      if (pump.stop < 0 || pipe2 (in, O_CLOEXEC) < 0)
        {
          if (pump.stop >= 0)
            close (pump.stop);
          return session_finished (r->id, 126);
        }
      pump.to = in[1];
      pumping = pthread_create (&pump_thread, NULL, pump_input, &pump) == 0;
      if (! pumping)
        close (in[1]);
    }
  if (r->tty || r->detach)
    pid = spawn (r, r->in ? in[0] : null, r->out ? sock : null, r->out ? sock : null);
  else if (pipe2 (out, O_CLOEXEC) < 0 || pipe2 (errp, O_CLOEXEC) < 0)
    pid = -1;
  else
    {
      pid = spawn (r, r->in ? in[0] : null, r->out ? out[1] : null, r->err ? errp[1] : null);
      close (steal_fd (&out[1]));
      close (steal_fd (&errp[1]));
    }
  if (in[0] >= 0)
    close (in[0]);
  if (pid > 0)
    session_running (r->id, pid);
  if (pid > 0 && out[0] >= 0 && errp[0] >= 0)
    frame_output (sock, out[0], errp[0]);
  for (int i = 0; i < 2; i++)
    {
      if (out[i] >= 0)
        close (out[i]);
      if (errp[i] >= 0)
        close (errp[i]);
    }
  if (pid < 0 || waitpid (pid, &status, 0) < 0)
    status = 126 << 8;
  if (pumping)
    {
      /* the process is done with its input: end the pump (an eventfd
       * write cannot fail short of a counter at its maximum) */
      uint64_t one = 1;
      if (write (pump.stop, &one, sizeof one) < 0)
        log_debug ("stopping the input of an exec: %s", strerror (errno));
      pthread_join (pump_thread, NULL);
    }
  if (pump.stop >= 0)
    close (pump.stop);
  session_finished (r->id, exit_code_of (status));
}

int
api_exec_start (const struct api_request *req, struct api_reply *reply, galley_error_t *err)
{
  _cleanup_json_ json_object *doc = NULL;
  struct exec_session *s;
  struct exec_run *r;

  if (req->body_len > 0)
    {
      if (json_parse_strict (req->body, req->body_len, "body", &doc, err) < 0)
        return api_error_as (err, EINVAL);
      if (api_schema_check (doc, exec_start_members, "body", err) < 0)
        return -1;
    }
  r = xcalloc (1, sizeof *r);
  reply->stream_data = r;
  reply->stream_free = exec_run_free;
  api_engine (req, &r->e);
  r->detach = flag (doc, "Detach");
  s = session_get (req->param[0], err);
  if (s == NULL)
    return -1;
  if (s->state != EXEC_CREATED)
    {
      session_release ();
      return galley_error_kind (err, EBUSY, "exec session %s has already been started", s->id);
    }
  memcpy (r->id, s->id, sizeof r->id);
  r->container = xstrdup (s->container);
  r->argv = strv_copy (s->argv);
  r->env = strv_copy (s->env);
  r->user = s->user != NULL ? xstrdup (s->user) : NULL;
  r->workdir = s->workdir != NULL ? xstrdup (s->workdir) : NULL;
  r->tty = s->tty;
  r->in = s->in && ! r->detach;
  r->out = s->out && ! r->detach;
  r->err = s->err && ! r->detach;
  s->state = EXEC_RUNNING;
  session_release ();
  if (r->detach)
    {
      exec_hijacked (r, -1, NULL, 0);
      api_reply_release (reply);
      reply->status = 200;
      return 0;
    }
  reply->status = 101;
  reply->content_type =
      r->tty ? "application/vnd.docker.raw-stream" : "application/vnd.docker.multiplexed-stream";
  reply->upgrade = exec_hijacked;
  return 0;
}

int
api_exec_inspect (const struct api_request *req, struct api_reply *reply, galley_error_t *err)
{
  struct exec_session *s = session_get (req->param[0], err);
  json_object *o, *pc;

  if (s == NULL)
    return -1;
  o = json_object_new_object ();
  pc = json_object_new_object ();
  json_object_object_add (o, "ID", json_object_new_string (s->id));
  json_object_object_add (o, "Running", json_object_new_boolean (s->state == EXEC_RUNNING));
  json_object_object_add (o, "ExitCode", s->state == EXEC_EXITED ? json_object_new_int (s->exit_code) : NULL);
  json_object_object_add (o, "OpenStdin", json_object_new_boolean (s->in));
  json_object_object_add (o, "OpenStdout", json_object_new_boolean (s->out));
  json_object_object_add (o, "OpenStderr", json_object_new_boolean (s->err));
  json_object_object_add (o, "CanRemove", json_object_new_boolean (false));
  json_object_object_add (o, "ContainerID", json_object_new_string (s->container));
  json_object_object_add (o, "DetachKeys", json_object_new_string (""));
  json_object_object_add (o, "Pid", json_object_new_int (s->pid));
  json_object_object_add (pc, "tty", json_object_new_boolean (s->tty));
  json_object_object_add (pc, "entrypoint", json_object_new_string (s->argv[0]));
  json_object_object_add (pc, "arguments", json_strings_array (s->argv + 1, strv_len (s->argv + 1)));
  json_object_object_add (pc, "privileged", json_object_new_boolean (false));
  json_object_object_add (pc, "user", json_object_new_string (s->user != NULL ? s->user : ""));
  json_object_object_add (o, "ProcessConfig", pc);
  session_release ();
  api_reply_json (reply, 200, o);
  return 0;
}
