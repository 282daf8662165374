/* The --init reaper and the infra container's pause (see reaper.h).  It runs after the privilege drop and
 * the seccomp filter, with the container user's credentials, and stays
 * non-dumpable: processes of the container cannot reach its memory or
 * /proc/1/exe (the host's galley binary).  */
#include "config.h"
#include "runtime/reaper.h"

#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

_Noreturn void
reaper_run (pid_t child)
{
  sigset_t all;
  int status = 0, sig;

  sigfillset (&all);
  sigprocmask (SIG_BLOCK, &all, NULL);
  for (;;)
    {
      pid_t pid;
      while ((pid = waitpid (-1, &status, WNOHANG)) > 0)
        if (pid == child)
          {
            if (WIFSIGNALED (status))
              _exit (128 + WTERMSIG (status));
            _exit (WEXITSTATUS (status));
          }
      if (pid < 0 && errno == ECHILD)
        _exit (0);
      sig = sigwaitinfo (&all, NULL);
      if (sig > 0 && sig != SIGCHLD)
        kill (child, sig);
    }
}

_Noreturn void
reaper_pause (void)
{
  sigset_t all;
  int sig;

  sigfillset (&all);
  sigprocmask (SIG_BLOCK, &all, NULL);
  for (;;)
    {
      while (waitpid (-1, NULL, WNOHANG) > 0)
        ;
      sig = sigwaitinfo (&all, NULL);
      if (sig == SIGTERM || sig == SIGINT || sig == SIGHUP)
        _exit (0);
    }
}
