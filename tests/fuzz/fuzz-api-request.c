/* Fuzz target for the API service's request routing: any method and URL
 * (the first line, "METHOD URL") must come out as a route with its
 * parameters, or one of not found / wrong method / a 400 naming the bad
 * version; the rest (a query's filters argument) parses as Docker's
 * filters or fails with one 400 error line; never a crash or a leak.
 *
 *   clang -g -fsanitize=fuzzer,address,undefined -I src -I BUILD \
 *     tests/fuzz/fuzz-api-request.c src/api/router.c src/api/routes.c ... \
 *     $(pkg-config --cflags --libs json-c) -o fuzz-api-request
 *
 * (or link libgalley.a).  Without libFuzzer, `make check` links it with
 * tests/fuzz/replay.c and replays tests/fuzz/seeds/.  */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/filters.h"
#include "api/router.h"
#include "util/cleanup.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *text = strndup ((const char *)data, size);
  char *space, *newline, *url;
  galley_error_t err = NULL;
  struct api_match m;
  const char *path;
  unsigned minor;
  int i;

  if (text == NULL)
    return 0;
  newline = strchr (text, '\n');
  if (newline != NULL)
    *newline = '\0';
  space = strchr (text, ' ');
  url = space != NULL ? space + 1 : text;
  if (space != NULL)
    *space = '\0';
  if (api_route_version (url, &minor, &path, &err) < 0)
    {
      if (err == NULL || err->msg == NULL || strchr (err->msg, '\n') != NULL
          || api_error_status (&err) != 400)
        abort ();
      galley_error_release (&err);
    }
  else
    {
      if (minor < API_VERSION_MIN_MINOR || minor > API_VERSION_MAX_MINOR)
        abort ();
      if (api_route_match (api_routes, api_n_routes, text, path, &m) == API_MATCH_FOUND)
        {
          if (m.route == NULL || strcmp (m.route->method, text) != 0)
            abort ();
          for (i = 0; i < API_MAX_PARAMS; i++)
            if (m.param[i] != NULL && m.param[i][0] == '\0')
              abort ();
        }
      api_match_release (&m);
    }
  if (newline != NULL)
    {
      char **filters = NULL;
      if (api_filters_parse (newline + 1, &filters, &err) < 0)
        {
          if (filters != NULL || err == NULL || strchr (err->msg, '\n') != NULL
              || api_error_status (&err) != 400)
            abort ();
          galley_error_release (&err);
        }
      else
        cleanup_strvp (&filters);
    }
  free (text);
  return 0;
}
