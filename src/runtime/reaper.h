/* --init: a minimal pid 1 for the container (the built-in equivalent of
 * catatonit/tini).  It forwards the signals it receives to the command,
 * reaps every orphan, and exits with the command's status.  */
#ifndef GALLEY_RUNTIME_REAPER_H
#define GALLEY_RUNTIME_REAPER_H

#include <sys/types.h>

_Noreturn void reaper_run (pid_t child);

#endif
