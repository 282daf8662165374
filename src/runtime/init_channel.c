/* The init's side of its channel to the monitor.  */
#include "config.h"
#include "runtime/init_channel.h"

#include <string.h>
#include <sys/socket.h>

#include "ns/userns.h"

int
init_channel_send_fd (int channel, char tag, int fd)
{
  struct iovec iov = { &tag, 1 };
  union
  {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } u;
  struct msghdr msg = {
    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf
  };
  struct cmsghdr *c = CMSG_FIRSTHDR (&msg);

  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN (sizeof (int));
  memcpy (CMSG_DATA (c), &fd, sizeof fd);
  return sendmsg (channel, &msg, MSG_NOSIGNAL) == 1 ? 0 : -1;
}

void
init_channel_send_error (int channel, const galley_error_t *err)
{
  if (send (channel, "E", 1, MSG_NOSIGNAL) == 1)
    userns_send_error (channel, err);
}
