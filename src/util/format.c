/* PLACEHOLDER until the template engine lands: JSON output only. */
#include "config.h"
#include "util/format.h"
#include <string.h>
int
format_print (FILE *out, const char *format, const char *default_format, json_object *items,
              json_object *headers, bool noheading, galley_error_t *err)
{
  fprintf (out, "%s\n", json_object_to_json_string_ext (items, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE));
  return 0;
}
