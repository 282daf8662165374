/* The filter and the supervisor of unmapped id changes (see
 * unmapped_ids.h).  The supervisor reads nothing but the caught call's
 * number and registers (no memory of the container's, so nothing there
 * can change under it), and a call it lets go on runs in the caller with
 * the caller's own credentials.  */
#include "config.h"
#include "runtime/unmapped_ids.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <seccomp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/seccomp.h>

#include "runtime/init_channel.h"
#include "runtime/seccomp.h"
#include "util/cleanup.h"

/* The calls caught, and the arguments that hold the owner and group.  */
static const struct
{
  const char *name;
  int uid_arg, gid_arg;
} caught[] = {
  { "chown", 1, 2 },
  { "fchown", 1, 2 },
  { "lchown", 1, 2 },
  { "fchownat", 2, 3 },
};
#define N_CAUGHT (sizeof caught / sizeof caught[0])

bool
unmapped_ids_ignored (const char *mode, const struct idmap *map)
{
  if (mode == NULL)
    return false;
  if (strcmp (mode, "auto") == 0)
    return map->source == IDMAP_SOURCE_SINGLE;
  return strcmp (mode, "ignore") == 0;
}

int
unmapped_ids_catch (const struct idmap *map, int channel, galley_error_t *err)
{
  _cleanup_seccomp_ scmp_filter_ctx ctx = seccomp_init (SCMP_ACT_ALLOW);
  _cleanup_close_ int listener = -1;
  int r = 0;

  if (ctx == NULL)
    return galley_error_make (err, ENOMEM, "seccomp_init");
  /* the container's own filter decides what else runs, and where */
  r = seccomp_attr_set (ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ALLOW);
  if (r == 0)
    r = seccomp_attr_set (ctx, SCMP_FLTATR_CTL_NNP, 0);
  for (size_t i = 0; r == 0 && i < N_CAUGHT; i++)
    r = seccomp_rule_add (ctx, SCMP_ACT_NOTIFY, seccomp_syscall_resolve_name (caught[i].name), 0);
  /* Only a one-id namespace refuses setgroups whatever the groups: with
   * subordinate ids it works for the ids the map has.  */
  if (r == 0 && map->source == IDMAP_SOURCE_SINGLE)
    r = seccomp_rule_add (ctx, SCMP_ACT_NOTIFY, SCMP_SYS (setgroups), 0);
  if (r == 0)
    r = seccomp_load (ctx);
  if (r < 0)
    return galley_error_make (err, -r, "installing the seccomp filter of unmapped ids");
  listener = seccomp_notify_fd (ctx);
  if (listener < 0)
    return galley_error_make (err, -listener, "the seccomp listener of unmapped ids");
  if (init_channel_send_fd (channel, 'S', listener) < 0)
    return galley_error_make (err, errno, "handing over the seccomp listener");
  return 0;
}

/* Does map have container id `id` ((id_t)-1: "no change")?  */
static bool
mapped (const struct idmap_range *ranges, size_t n, uint64_t arg)
{
  uint32_t id = (uint32_t)arg;

  if (id == UINT32_MAX)
    return true;
  for (size_t i = 0; i < n; i++)
    if (id >= ranges[i].container_id && id - ranges[i].container_id < ranges[i].size)
      return true;
  return false;
}

/* Let the call run when its ids are mapped; else it succeeds, changing
 * nothing.  nrs: the numbers of caught[].  */
static void
answer (const struct seccomp_notif *req, struct seccomp_notif_resp *resp, const int *nrs,
        const struct idmap *map)
{
  resp->id = req->id;
  resp->val = 0;
  resp->error = 0;
  resp->flags = 0;
  for (size_t i = 0; i < N_CAUGHT; i++)
    if (req->data.nr == nrs[i])
      {
        if (mapped (map->uid, map->n_uid, req->data.args[caught[i].uid_arg])
            && mapped (map->gid, map->n_gid, req->data.args[caught[i].gid_arg]))
          resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
        return;
      }
}

static _Noreturn void
supervise (int listener, const struct idmap *map)
{
  struct seccomp_notif_sizes sizes;
  struct seccomp_notif *req;
  struct seccomp_notif_resp *resp;
  int nrs[N_CAUGHT];

  for (size_t i = 0; i < N_CAUGHT; i++)
    nrs[i] = seccomp_syscall_resolve_name (caught[i].name);
  if (syscall (SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0)
    _exit (1);
  req = calloc (1, sizes.seccomp_notif > sizeof *req ? sizes.seccomp_notif : sizeof *req);
  resp = calloc (1, sizes.seccomp_notif_resp > sizeof *resp ? sizes.seccomp_notif_resp : sizeof *resp);
  if (req == NULL || resp == NULL)
    _exit (1);
  for (;;)
    {
      struct pollfd p = { listener, POLLIN, 0 };
      if (poll (&p, 1, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          _exit (1);
        }
      /* no process of the container is left */
      if (! (p.revents & POLLIN))
        _exit (0);
      memset (req, 0, sizes.seccomp_notif);
      if (ioctl (listener, SECCOMP_IOCTL_NOTIF_RECV, req) < 0)
        continue; /* the caller died meanwhile (ENOENT), or a signal */
      answer (req, resp, nrs, map);
      /* ENOENT: the caller was interrupted; nothing to do */
      ioctl (listener, SECCOMP_IOCTL_NOTIF_SEND, resp);
    }
}

pid_t
unmapped_ids_supervise (int listener, const struct idmap *map, galley_error_t *err)
{
  pid_t parent = getpid (), pid;
  sigset_t none;

  pid = fork ();
  if (pid < 0)
    {
      close (listener);
      return galley_error_make (err, errno, "forking the supervisor of unmapped ids");
    }
  if (pid > 0)
    {
      close (listener);
      return pid;
    }
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (getppid () != parent)
    _exit (0);
  /* Nothing of the monitor's but the listener: no pipe, terminal or
   * socket stays open for longer because of this process.  */
  if (dup2 (listener, 3) < 0 || syscall (SYS_close_range, 4, ~0U, 0) < 0)
    _exit (1);
  {
    int null = open ("/dev/null", O_RDWR | O_CLOEXEC);
    for (int fd = 0; null >= 0 && fd < 3; fd++)
      dup3 (null, fd, 0);
  }
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
  supervise (3, map);
}

void
unmapped_ids_stop (pid_t supervisor)
{
  if (supervisor <= 0)
    return;
  kill (supervisor, SIGKILL);
  while (waitpid (supervisor, NULL, 0) < 0 && errno == EINTR)
    ;
}
