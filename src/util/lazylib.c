/* dlopen()/dlsym() with the fatal path for a broken installation.  See
 * lazylib.h.  */
#include "config.h"
#include "util/lazylib.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

#include "util/error.h"

static _Noreturn void
lazylib_fail (const char *soname)
{
  const char *why = dlerror ();

  fprintf (stderr, "galley: cannot load %s: %s\n", soname, why != NULL ? why : "unknown error");
  exit (GALLEY_EXIT_FAILURE);
}

void *
lazylib_open (struct lazylib *lib)
{
  void *handle = __atomic_load_n (&lib->handle, __ATOMIC_ACQUIRE);

  if (handle != NULL)
    return handle;
  /* Two threads racing here both get the same handle (dlopen counts
   * references), so no lock is needed.  */
  handle = dlopen (lib->soname, RTLD_NOW | RTLD_LOCAL);
  if (handle == NULL)
    lazylib_fail (lib->soname);
  __atomic_store_n (&lib->handle, handle, __ATOMIC_RELEASE);
  return handle;
}

void *
lazylib_sym (struct lazylib *lib, const char *name)
{
  void *handle = lazylib_open (lib);
  void *sym;

  dlerror ();
  sym = dlsym (handle, name);
  if (sym == NULL)
    lazylib_fail (lib->soname);
  return sym;
}
