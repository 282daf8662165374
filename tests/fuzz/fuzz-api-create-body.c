/* Fuzz target for the body of POST /containers/create: any bytes must be
 * accepted as a container configuration Docker's schema allows and mapped
 * onto galley's typed configuration, or refused with one 400 error line
 * naming what was wrong; never a crash or a leak.
 *
 *   clang -g -fsanitize=fuzzer,address,undefined -I src -I BUILD \
 *     tests/fuzz/fuzz-api-create-body.c BUILD/libgalley.a \
 *     $(pkg-config --cflags --libs json-c) -o fuzz-api-create-body
 *
 * Without libFuzzer, `make check` links it with tests/fuzz/replay.c and
 * replays tests/fuzz/seeds/.  */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/create_body.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  galley_error_t err = NULL;
  json_object *doc = NULL;

  if (api_create_body_parse ((const char *)data, size, &doc, &err) < 0)
    {
      if (doc != NULL || err == NULL || err->msg == NULL || strchr (err->msg, '\n') != NULL
          || api_error_status (&err) != 400)
        abort ();
      galley_error_release (&err);
      return 0;
    }
  if (doc == NULL || ! json_object_is_type (doc, json_type_object))
    abort ();
  /* and mapped onto a container configuration, or refused as above */
  {
    struct container_config c = { 0 };
    if (api_create_body_config (doc, "fuzz", &c, &err) < 0)
      {
        if (c.image != NULL || err == NULL || err->msg == NULL || strchr (err->msg, '\n') != NULL
            || api_error_status (&err) != 400)
          abort ();
        galley_error_release (&err);
      }
    else if (c.image == NULL || strcmp (c.name, "fuzz") != 0)
      abort ();
    container_config_clear (&c);
  }
  json_object_put (doc);
  return 0;
}
