/* libcurl loaded on first use: trampolines for the functions galley calls
 * (see util/lazylib.h).  A libcurl function used elsewhere in galley but
 * missing here is a link error, so this list cannot silently drift.  */
#include "config.h"

/* The type-checking macros would rename the variadic definitions below.  */
#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>
#include <stdarg.h>

#include "util/lazylib.h"

LAZY_LIB (curl, GALLEY_SONAME_CURL);

LAZY_FN (curl, CURLcode, curl_global_init, (long flags), (flags))
LAZY_FN (curl, CURL *, curl_easy_init, (void), ())
LAZY_FN (curl, CURLcode, curl_easy_perform, (CURL * h), (h))
LAZY_VOID_FN (curl, curl_easy_reset, (CURL * h), (h))
LAZY_VOID_FN (curl, curl_easy_cleanup, (CURL * h), (h))
LAZY_FN (curl, const char *, curl_easy_strerror, (CURLcode rc), (rc))
LAZY_FN (curl, char *, curl_easy_escape, (CURL * h, const char *s, int n), (h, s, n))
LAZY_VOID_FN (curl, curl_free, (void *p), (p))
LAZY_FN (curl, struct curl_slist *, curl_slist_append, (struct curl_slist * l, const char *s), (l, s))
LAZY_VOID_FN (curl, curl_slist_free_all, (struct curl_slist * l), (l))
LAZY_FN (curl, CURLU *, curl_url, (void), ())
LAZY_VOID_FN (curl, curl_url_cleanup, (CURLU * u), (u))
LAZY_FN (curl, CURLUcode, curl_url_set, (CURLU * u, CURLUPart what, const char *part, unsigned int flags),
         (u, what, part, flags))
/* curl 8 made the handle const; configure checks which one the header has.  */
LAZY_FN (curl, CURLUcode, curl_url_get,
         (GALLEY_CURL_URL_GET_CONST CURLU * u, CURLUPart what, char **part, unsigned int flags),
         (u, what, part, flags))

/* The variadic pair takes exactly one argument whose type libcurl derives from
 * the option number (CURLOPTTYPE_* ranges), so read it with that type and
 * pass it on.  */
CURLcode
curl_easy_setopt (CURL *h, CURLoption option, ...)
{
  LAZY_REAL (curl, CURLcode, curl_easy_setopt, (CURL *, CURLoption, ...))
  CURLcode rc;
  va_list ap;

  va_start (ap, option);
  if (option < CURLOPTTYPE_OBJECTPOINT)
    rc = real (h, option, va_arg (ap, long));
  else if (option < CURLOPTTYPE_FUNCTIONPOINT)
    rc = real (h, option, va_arg (ap, void *));
  else if (option < CURLOPTTYPE_OFF_T)
    rc = real (h, option, va_arg (ap, void (*) (void)));
  else if (option < CURLOPTTYPE_BLOB)
    rc = real (h, option, va_arg (ap, curl_off_t));
  else
    rc = real (h, option, va_arg (ap, struct curl_blob *));
  va_end (ap);
  return rc;
}

/* Every CURLINFO_* type (string, long, double, slist, ptr, socket, off_t)
 * is answered through a pointer.  */
CURLcode
curl_easy_getinfo (CURL *h, CURLINFO info, ...)
{
  LAZY_REAL (curl, CURLcode, curl_easy_getinfo, (CURL *, CURLINFO, ...))
  CURLcode rc;
  va_list ap;

  va_start (ap, info);
  rc = real (h, info, va_arg (ap, void *));
  va_end (ap);
  return rc;
}
