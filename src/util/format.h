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

/* A value as JSON and a newline, indented by `indent` spaces per level as
 * Go's json.MarshalIndent; 0 prints it compact on one line.  podman 4.3
 * differs per command: 4 for images and inspect (what format_print uses;
 * podman's inspect has 5), 2 for ps, volume ls, network ls and info,
 * compact for version and history.  No HTML or slash escaping.  */
void format_print_json (FILE *out, json_object *value, int indent);

/* "json", "{{json .}}" or "{{ json }}" (podman's report.IsJSON).  */
bool format_is_json (const char *format);

/* Print records.
 *   format NULL or "": use default_format.
 *   "json": items as a JSON array (or the single object when items is not an array), indented as podman's.
 *   "table {{.A}}\t{{.B}}": a header row (unless noheading) then one row per item, columns aligned
 *     as podman's (Go tabwriter: minimum width 12, padding 2); blanks in the text separate columns.
 *   "table": "table " + default_format.
 *   anything else: the template rendered once per item, each followed by a newline (unless it
 *     ends with one); a template with its own {{range .}} gets the whole list once.
 * headers maps a field name ("ID") to its column title ("CONTAINER ID"); may be NULL.
 * A column's title is that of the first field its action uses: headers[field], else the
 * field name split where its case changes and upper-cased (CreatedAt -> CREATED AT).  */
int format_print (FILE *out, const char *format, const char *default_format, json_object *items,
                  json_object *headers, bool noheading, galley_error_t *err);
/* format_print with JSON indented by json_indent spaces, not 4.  */
int format_print_indented (FILE *out, const char *format, const char *default_format, json_object *items,
                           json_object *headers, bool noheading, int json_indent, galley_error_t *err);

/* format_print one record at a time, so that a long listing never holds
 * all its records: table and template rows are rendered as they come
 * (only JSON and a template with its own {{range .}} collect them).
 * add does not take item's reference; finish prints and frees; abort
 * frees without printing.  */
struct format_stream;
struct format_stream *format_stream_new (FILE *out, const char *format, const char *default_format,
                                         json_object *headers, bool noheading, galley_error_t *err);
int format_stream_add (struct format_stream *s, json_object *item, galley_error_t *err);
int format_stream_finish (struct format_stream *s, galley_error_t *err);
/* JSON indented by indent spaces (4 unless set).  */
void format_stream_set_json_indent (struct format_stream *s, int indent);
void format_stream_abort (struct format_stream *s);

/* Whether records given to s may need their field "name": always for JSON
 * output and for a template that uses a record as a whole ({{json .}},
 * {{range .}}, ...), else when the template mentions .name (a prefix of a
 * longer name counts too: the answer may be a false yes, never a false
 * no).  A listing skips computing the fields its output never shows.  */
bool format_stream_uses (struct format_stream *s, const char *name);

/* The headers object of format_print from a table of { field, title }
 * ending with { NULL, NULL }.  */
struct format_header
{
  const char *field, *title;
};
json_object *format_headers (const struct format_header *table);

#endif
