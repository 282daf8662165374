/* Running one OCI hook (see hooks_exec.h): a child with the state on
 * stdin, the hook's own arguments and environment, and no other fd; its
 * output is kept for the error when it fails.  */
#include "config.h"
#include "runtime/hooks_exec.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fs.h"

/* What of a failed hook's output its error quotes.  */
#define HOOK_OUTPUT_MAX 2048

_Noreturn static void
exec_hook (const struct oci_hook *h, const char *cwd, int in, int out)
{
  char *const empty[] = { NULL };
  char *const path_only[] = { h->path, NULL };
  sigset_t none;
  int sig;

  /* Nothing of galley's signal handling: the monitor blocks and relays
   * signals, and blocked or ignored ones would survive the exec.  */
  for (sig = 1; sig < NSIG; sig++)
    if (sig != SIGKILL && sig != SIGSTOP)
      signal (sig, SIG_DFL);
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (dup2 (in, 0) < 0 || dup2 (out, 1) < 0 || dup2 (out, 2) < 0)
    _exit (127);
  syscall (SYS_close_range, 3U, ~0U, 0U);
  if (cwd != NULL && chdir (cwd) < 0 && chdir ("/") < 0)
    {
      dprintf (2, "entering %s: %s", cwd, strerror (errno));
      _exit (127);
    }
  execve (h->path, h->args && h->args[0] ? h->args : path_only, h->env ? h->env : empty);
  dprintf (2, "executing %s: %s", h->path, strerror (errno));
  _exit (127);
}

static long long
now_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Keep the first HOOK_OUTPUT_MAX bytes of the hook's output; read the rest
 * away.  Returns what read(2) does: 0 at end of file, -1 with EAGAIN when
 * nothing is there yet.  */
static ssize_t
read_output (int fd, char *buf, size_t *got)
{
  char discard[4096];
  ssize_t n;

  do
    {
      if (*got < HOOK_OUTPUT_MAX)
        n = read (fd, buf + *got, HOOK_OUTPUT_MAX - *got);
      else
        n = read (fd, discard, sizeof discard);
    }
  while (n < 0 && errno == EINTR);
  if (n > 0 && *got < HOOK_OUTPUT_MAX)
    *got += (size_t)n;
  return n;
}

/* The output on one line: ": first line; second line".  */
static void
format_output (char *buf, size_t got, char *out, size_t size)
{
  char *line, *save = NULL;
  size_t used = 0;

  buf[got] = '\0';
  out[0] = '\0';
  for (line = strtok_r (buf, "\r\n", &save); line != NULL && used < size;
       line = strtok_r (NULL, "\r\n", &save))
    used += (size_t)snprintf (out + used, size - used, "%s%s", used ? "; " : ": ", line);
}

/* Wait for the hook, reading its output, until it exits or its time is up
 * (then it is killed).  Returns 1 when it timed out.  */
static int
wait_hook (pid_t pid, int pidfd, int out, int timeout, char *buf, size_t *got, int *status)
{
  long long deadline = timeout > 0 ? now_ms () + (long long)timeout * 1000 : -1;
  int timed_out = 0;

  for (;;)
    {
      struct pollfd p[2] = { { pidfd, POLLIN, 0 }, { out, POLLIN, 0 } };
      long long left = deadline < 0 ? -1 : deadline - now_ms ();
      int r;

      if (deadline >= 0 && left <= 0)
        {
          syscall (SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
          timed_out = 1;
          break;
        }
      r = poll (p, out >= 0 ? 2 : 1, left < 0 ? -1 : (int)(left > 60000 ? 60000 : left));
      if (r < 0 && errno != EINTR)
        break;
      if (r > 0 && p[0].revents)
        break;
      if (r > 0 && out >= 0 && p[1].revents)
        {
          ssize_t n = read_output (out, buf, got);
          if (n == 0 || (n < 0 && errno != EAGAIN))
            out = -1;
        }
    }
  /* What it wrote before exiting, without waiting for a child it left
   * holding the pipe.  */
  while (out >= 0 && ! timed_out && read_output (out, buf, got) > 0)
    ;
  while (waitpid (pid, status, 0) < 0 && errno == EINTR)
    ;
  return timed_out;
}

int
hook_exec (const struct oci_hook *h, enum hook_stage stage, const char *cwd, const char *state,
           galley_error_t *err)
{
  _cleanup_close_ int in_r = -1, in_w = -1, out_r = -1, out_w = -1, pidfd = -1;
  char buf[HOOK_OUTPUT_MAX + 1], output[HOOK_OUTPUT_MAX + 64];
  size_t len = strlen (state), got = 0;
  int p[2], status = 0;
  pid_t pid;

  if (pipe2 (p, O_CLOEXEC) < 0)
    return galley_error_make (err, errno, "%s hook %s: pipe", hook_stage_name (stage), h->path);
  in_r = p[0];
  in_w = p[1];
  if (pipe2 (p, O_CLOEXEC) < 0)
    return galley_error_make (err, errno, "%s hook %s: pipe", hook_stage_name (stage), h->path);
  out_r = p[0];
  out_w = p[1];
  /* The whole state fits in the pipe before the hook runs, so that
   * writing it never waits on the hook (nor dies of SIGPIPE).  */
  if ((len > 65536 && fcntl (in_w, F_SETPIPE_SZ, (int)len) < 0) || fs_write_all (in_w, state, len) < 0)
    return galley_error_make (err, errno, "%s hook %s: writing the state", hook_stage_name (stage), h->path);
  close (in_w);
  in_w = -1;
  pid = fork ();
  if (pid < 0)
    return galley_error_make (err, errno, "%s hook %s: fork", hook_stage_name (stage), h->path);
  if (pid == 0)
    exec_hook (h, cwd, in_r, out_w);
  close (out_w);
  out_w = -1;
  pidfd = (int)syscall (SYS_pidfd_open, pid, 0);
  if (pidfd < 0)
    {
      kill (pid, SIGKILL);
      waitpid (pid, NULL, 0);
      return galley_error_make (err, errno, "%s hook %s: pidfd_open", hook_stage_name (stage), h->path);
    }
  fcntl (out_r, F_SETFL, O_NONBLOCK);
  if (wait_hook (pid, pidfd, out_r, h->timeout, buf, &got, &status))
    return galley_error_make_exit (err, GALLEY_EXIT_CANNOT_INVOKE, 0, "%s hook %s: timed out after %d s",
                                   hook_stage_name (stage), h->path, h->timeout);
  if (WIFEXITED (status) && WEXITSTATUS (status) == 0)
    return 0;
  format_output (buf, got, output, sizeof output);
  /* As podman's runtime errors: the command could not be invoked.  */
  if (WIFSIGNALED (status))
    return galley_error_make_exit (err, GALLEY_EXIT_CANNOT_INVOKE, 0, "%s hook %s: killed by signal %d%s",
                                   hook_stage_name (stage), h->path, WTERMSIG (status), output);
  return galley_error_make_exit (err, GALLEY_EXIT_CANNOT_INVOKE, 0, "%s hook %s: exit status %d%s",
                                 hook_stage_name (stage), h->path, WEXITSTATUS (status), output);
}
