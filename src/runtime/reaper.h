/* --init: a minimal pid 1 for the container (the built-in equivalent of
 * catatonit/tini).  It forwards the signals it receives to the command,
 * reaps every orphan, and exits with the command's status.  And the pid 1
 * of a pod's infra container, which only holds the namespaces its pod
 * shares (catatonit -P).  */
#ifndef GALLEY_RUNTIME_REAPER_H
#define GALLEY_RUNTIME_REAPER_H

#include <sys/types.h>

_Noreturn void reaper_run (pid_t child);

/* Wait, reaping whatever exits, until SIGTERM, SIGINT or SIGHUP: exit 0.  */
_Noreturn void reaper_pause (void);

#endif
