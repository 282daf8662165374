/* Signal names and numbers (see signal_names.h).  */
#include "config.h"
#include "util/signal_names.h"

#include <ctype.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

static const struct
{
  const char *name;
  int number;
} signal_names[] = {
  { "HUP", SIGHUP },       { "INT", SIGINT },   { "QUIT", SIGQUIT },     { "ILL", SIGILL },
  { "TRAP", SIGTRAP },     { "ABRT", SIGABRT }, { "IOT", SIGIOT },       { "BUS", SIGBUS },
  { "FPE", SIGFPE },       { "KILL", SIGKILL }, { "USR1", SIGUSR1 },     { "SEGV", SIGSEGV },
  { "USR2", SIGUSR2 },     { "PIPE", SIGPIPE }, { "ALRM", SIGALRM },     { "TERM", SIGTERM },
  { "STKFLT", SIGSTKFLT }, { "CHLD", SIGCHLD }, { "CONT", SIGCONT },     { "STOP", SIGSTOP },
  { "TSTP", SIGTSTP },     { "TTIN", SIGTTIN }, { "TTOU", SIGTTOU },     { "URG", SIGURG },
  { "XCPU", SIGXCPU },     { "XFSZ", SIGXFSZ }, { "VTALRM", SIGVTALRM }, { "PROF", SIGPROF },
  { "WINCH", SIGWINCH },   { "IO", SIGIO },     { "POLL", SIGPOLL },     { "PWR", SIGPWR },
  { "SYS", SIGSYS },
};

int
signal_parse (const char *text)
{
  char upper[32];
  const char *s;
  size_t i;

  if (text == NULL || *text == '\0' || strlen (text) >= sizeof upper)
    return -1;
  if (isdigit ((unsigned char)text[0]))
    {
      char *end = NULL;
      long n = strtol (text, &end, 10);
      return *end == '\0' && n > 0 && n <= SIGRTMAX ? (int)n : -1;
    }
  for (i = 0; text[i]; i++)
    upper[i] = (char)toupper ((unsigned char)text[i]);
  upper[i] = '\0';
  s = strncmp (upper, "SIG", 3) == 0 ? upper + 3 : upper;
  for (i = 0; i < sizeof signal_names / sizeof signal_names[0]; i++)
    if (strcmp (s, signal_names[i].name) == 0)
      return signal_names[i].number;
  if (strncmp (s, "RTMIN+", 6) == 0 && isdigit ((unsigned char)s[6]))
    return SIGRTMIN + atoi (s + 6) <= SIGRTMAX ? SIGRTMIN + atoi (s + 6) : -1;
  return -1;
}
