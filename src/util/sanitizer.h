/* What the sanitizers need to know about galley's process tricks.
 *
 * LeakSanitizer checks for leaks at exit from a tracer it clones off the
 * process.  A process that has joined a pid namespace with setns (galley
 * exec) creates its children, that tracer included, in the container's pid
 * namespace, where the tracer cannot find its parent and the check hangs.
 * Such a process runs the check before joining: what is leaked by then is
 * reported as usual; the short rest of its life is not checked.  A no-op in
 * builds without ASan.  */
#ifndef GALLEY_UTIL_SANITIZER_H
#define GALLEY_UTIL_SANITIZER_H

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#endif

static inline void
sanitizer_leak_check_now (void)
{
#if defined(__SANITIZE_ADDRESS__)
  __lsan_do_leak_check ();
#endif
}

#endif
