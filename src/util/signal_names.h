/* Signals by name, as the command line and image configs give them
 * (--signal, StopSignal, STOPSIGNAL).  */
#ifndef GALLEY_UTIL_SIGNAL_NAMES_H
#define GALLEY_UTIL_SIGNAL_NAMES_H

/* "TERM", "SIGTERM", "15", "sigkill", "RTMIN+1" -> the number; -1 when unknown.  */
int signal_parse (const char *text);

#endif
