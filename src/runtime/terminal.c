/* The user's terminal during a -t container (see terminal.h).  */
#include "config.h"
#include "runtime/terminal.h"

#include <errno.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "util/fs.h"

void
terminal_make_raw (struct terminal *t)
{
  struct termios raw;

  if (! isatty (0) || tcgetattr (0, &t->saved) < 0)
    return;
  raw = t->saved;
  cfmakeraw (&raw);
  if (tcsetattr (0, TCSANOW, &raw) == 0)
    t->raw = true;
}

void
terminal_restore (struct terminal *t)
{
  if (t->raw)
    tcsetattr (0, TCSANOW, &t->saved);
  t->raw = false;
}

void
terminal_sync_size (const struct terminal *t)
{
  struct winsize ws;

  if (t->master < 0)
    return;
  if (ioctl (0, TIOCGWINSZ, &ws) == 0 || ioctl (1, TIOCGWINSZ, &ws) == 0)
    ioctl (t->master, TIOCSWINSZ, &ws);
}

long
terminal_copy (int from, int to)
{
  char buf[16384];
  ssize_t r;

  do
    r = read (from, buf, sizeof buf);
  while (r < 0 && errno == EINTR);
  if (r <= 0)
    return r;
  if (fs_write_all (to, buf, (size_t)r) < 0)
    return -1;
  return r;
}
