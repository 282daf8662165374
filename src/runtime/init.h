/* The container init: the child cloned into the container's namespaces.
 * It assembles the rootfs and mounts, pivots into it, drops privileges in
 * the documented order and executes the container's command (or, with
 * --init, forks it and stays as a minimal reaper).  Internal to the runtime:
 * the monitor (runtime/process.c) is its only caller.
 *
 * Talks to the monitor over a SOCK_SEQPACKET channel:
 *   monitor -> init  "G"                 maps written, go
 *   init -> monitor  "H"                 mounts made: run the prestart and
 *                                        createRuntime hooks, then "G" again
 *   init -> monitor  "T" + SCM_RIGHTS    the pty master (with -t)
 *   init -> monitor  "E", then an error  (ns/userns.h wire format)
 *   EOF                                  the command was executed
 */
#ifndef GALLEY_RUNTIME_INIT_H
#define GALLEY_RUNTIME_INIT_H

#include <signal.h>

#include "runtime/seccomp_cache.h"
#include "runtime/spec.h"

struct init_args
{
  const struct run_spec *spec;
  int channel;                           /* the init's end of the channel */
  const struct seccomp_program *seccomp; /* NULL: unconfined */
  sigset_t saved_mask;                   /* the signal mask to restore before exec */
  int out_fd, err_fd;                    /* the command's stdout and stderr (without
                                          * -t), -1: the init's own 1 and 2 */
};

_Noreturn void container_init_main (const struct init_args *a);

#endif
