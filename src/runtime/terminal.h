/* The user's terminal while a container runs with -t: raw mode (restored
 * on every exit path), the window size, and copying between the user's
 * stdin/stdout and the pty master.  */
#ifndef GALLEY_RUNTIME_TERMINAL_H
#define GALLEY_RUNTIME_TERMINAL_H

#include <stdbool.h>
#include <termios.h>

struct terminal
{
  int master; /* pty master, -1 without -t */
  bool raw;   /* the user's stdin was put in raw mode */
  struct termios saved;
  bool stdin_open; /* still copying stdin to the master */
};

/* Put fd 0 in raw mode when it is a terminal.  */
void terminal_make_raw (struct terminal *t);
void terminal_restore (struct terminal *t);
/* Copy the window size of the user's terminal to the master.  */
void terminal_sync_size (const struct terminal *t);
/* One readable event: copy what is available from `from` to `to`.
 * Returns bytes copied, 0 at EOF, -1 on error (EIO on a master = hangup).  */
long terminal_copy (int from, int to);

#endif
