/* Output formatting shared by every command that prints records (version,
 * info, ps, images, inspect, ...): --format json, Go-template subset, the
 * `table` prefix with headers, --noheading.
 *
 * Records are json-c objects with podman's field names.  Template field
 * lookup (`{{.Host.Kernel}}`) tries the exact key first, then a
 * case-insensitive match, so `.Host.Kernel` finds podman's JSON `host.kernel`.
 */
#ifndef GALLEY_FORMAT_H
#define GALLEY_FORMAT_H

#include <stdbool.h>
#include <stdio.h>

#include <json-c/json.h>

#include "util/error.h"

struct template;

/* Template engine (Go text/template subset):
 *   {{.A.B}}  {{.}}  {{json .X}}  {{range .L}}...{{end}}  {{if .X}}...{{else}}...{{end}}
 *   functions: join LIST SEP, json X, lower S, upper S, truncate S N, pad S N
 *   pipelines: {{.Names | join ","}}; escapes \t and \n in the text as podman does.
 */
int template_parse (const char *text, struct template **out, galley_error_t *err);
int template_render (const struct template *t, json_object *data, FILE *out, galley_error_t *err);
void template_free (struct template *t);

/* Print records.
 *   format NULL or "": use default_format.
 *   "json": items as a JSON array (or the single object when items is not an array), indented as podman's.
 *   "table {{.A}}\t{{.B}}": a header row (unless noheading) then one row per item, columns aligned.
 *   anything else: the template rendered once per item, each followed by a newline.
 * headers maps a field name ("ID") to its column title ("CONTAINER ID"); may be NULL,
 * then the title is the field name upper-cased.  */
int format_print (FILE *out, const char *format, const char *default_format, json_object *items,
                  json_object *headers, bool noheading, galley_error_t *err);

#endif
