/* Compiled seccomp filters, cached in the runroot.  Turning the JSON
 * profile into BPF with libseccomp costs ~100-200 ms per container on a
 * small VM, more than everything else `run` does; the program depends only
 * on the profile (named by path, inode and mtime), the capability set, the
 * libseccomp version and the architecture, so it is compiled once
 * (runtime/seccomp.c does the compiling) and installed from the cache with
 * seccomp(2) afterwards.  */
#ifndef GALLEY_RUNTIME_SECCOMP_CACHE_H
#define GALLEY_RUNTIME_SECCOMP_CACHE_H

#include <stdint.h>

#include <linux/filter.h>

#include "state/paths.h"
#include "util/error.h"

struct seccomp_program
{
  struct sock_filter *insns;
  unsigned short len;
  unsigned flags; /* SECCOMP_FILTER_FLAG_* */
};

/* The program for profile_path (NULL: the default profile) and caps (bit N
 * = capability N).  From $runroot/seccomp/<dev>-<ino>-<caps>.bpf when
 * cached, else compiled and cached.  */
int seccomp_program_get (const struct galley_paths *p, const char *profile_path, uint64_t caps,
                         struct seccomp_program *out, galley_error_t *err);
void seccomp_program_clear (struct seccomp_program *prog);

/* Install in the calling process (same privilege rules as
 * seccomp_profile_apply: root in the namespace, or no_new_privs set).  */
int seccomp_program_install (const struct seccomp_program *prog, galley_error_t *err);

#endif
