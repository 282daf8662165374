/* Fuzz target for the Go-template subset and format_print: any format text
 * must either render or fail with one error line, never crash or leak.
 *
 *   clang -g -fsanitize=fuzzer,address,undefined -I src -I BUILD \
 *     tests/fuzz/fuzz-template.c src/util/format.c src/util/template*.c \
 *     src/util/error.c src/util/json.c src/util/fs.c \
 *     $(pkg-config --cflags --libs json-c) -o fuzz-template
 *
 * Without libFuzzer, `make check` links it with tests/fuzz/replay.c and replays tests/fuzz/seeds/.  */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/format.h"
#include "util/json.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static const char records[] =
    "[{\"ID\": \"4f2a9c1b7d3e\", \"Names\": [\"web\", \"db\"], \"Num\": 42, \"F\": 1.5e300,"
    " \"T\": true, \"Null\": null, \"host\": {\"kernel\": \"6.1\"}, \"Labels\": {\"a\": \"1\"},"
    " \"Ports\": [{\"host\": 8080}], \"Str\": \"h\\u00e9llo\"}, {}]";

static void
check_error (galley_error_t *err)
{
  if (*err == NULL || strchr ((*err)->msg, '\n') != NULL)
    abort ();
  galley_error_release (err);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  galley_error_t err = NULL;
  json_object *items = NULL, *headers;
  char *text, *table, *buf = NULL;
  size_t len = 0;
  FILE *out;

  if (size > 4096)
    return 0;
  text = strndup ((const char *)data, size); /* templates are C strings */
  if (text == NULL || json_parse_strict (records, strlen (records), "records", &items, &err) < 0)
    abort ();
  headers = json_object_new_object ();
  json_object_object_add (headers, "ID", json_object_new_string ("CONTAINER ID"));
  out = open_memstream (&buf, &len);
  if (out == NULL)
    abort ();
  if (format_print (out, text, NULL, items, headers, false, &err) < 0)
    check_error (&err);
  if (asprintf (&table, "table %s", text) < 0)
    abort ();
  if (format_print (out, table, NULL, items, headers, false, &err) < 0)
    check_error (&err);
  if (format_print (out, text, NULL, json_object_array_get_idx (items, 0), NULL, true, &err) < 0)
    check_error (&err);
  fclose (out);
  free (buf);
  free (table);
  free (text);
  json_object_put (headers);
  json_object_put (items);
  return 0;
}
