/* Binding a shared library on first use.  galley calls libcurl, libarchive,
 * libcrypto and libsubid by their real names, but (unless configured with
 * --disable-lazy-libs) is not linked against them: the *_lazy.c modules
 * define trampolines with the libraries' exact prototypes that dlopen() the
 * library by SONAME on the first call and forward.  Commands that never
 * touch the network, a tarball, a digest or /etc/subuid (galley version,
 * ps, ...) so don't pay for mapping the ~50 libraries those drag in.
 *
 * A missing library or symbol is an installation error, not a runtime one:
 * lazylib prints "galley: cannot load <soname>: <dlerror>" and exits 125
 * rather than threading an error through every call site of the library.  */
#ifndef GALLEY_LAZYLIB_H
#define GALLEY_LAZYLIB_H

struct lazylib
{
  const char *soname;
  void *handle; /* accessed atomically: trampolines run on any thread */
};

/* The library's dlopen() handle, opened RTLD_NOW|RTLD_LOCAL on first use.  */
void *lazylib_open (struct lazylib *lib);

/* The address of NAME in LIB (opening LIB if needed).  */
void *lazylib_sym (struct lazylib *lib, const char *name);

/* One library per trampoline module.  */
#define LAZY_LIB(tag, soname) static struct lazylib lazylib_##tag = { soname, 0 }

/* The real function behind a trampoline, resolved once and cached.  */
#define LAZY_REAL(tag, ret, name, params)                              \
  static ret (*lazy_real) params;                                      \
  ret (*real) params = __atomic_load_n (&lazy_real, __ATOMIC_ACQUIRE); \
  if (real == 0)                                                       \
    {                                                                  \
      real = (ret (*) params)lazylib_sym (&lazylib_##tag, #name);      \
      __atomic_store_n (&lazy_real, real, __ATOMIC_RELEASE);           \
    }

/* Define NAME with prototype RET NAME PARAMS forwarding ARGS to the real one,
 * e.g. LAZY_FN (curl, CURLcode, curl_easy_perform, (CURL *h), (h)).  The
 * library's own header is in scope, so a prototype that drifts from it is a
 * compile error.  */
#define LAZY_FN(tag, ret, name, params, args) \
  ret name params                             \
  {                                           \
    LAZY_REAL (tag, ret, name, params)        \
    return real args;                         \
  }

/* The same for functions returning void.  */
#define LAZY_VOID_FN(tag, name, params, args) \
  void name params                            \
  {                                           \
    LAZY_REAL (tag, void, name, params)       \
    real args;                                \
  }

#endif
