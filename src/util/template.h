/* The template engine of --format, a subset of Go's text/template (what
 * format.h prints records with).  */
#ifndef GALLEY_TEMPLATE_H
#define GALLEY_TEMPLATE_H

#include <stdio.h>

#include <json-c/json.h>

#include "util/error.h"

struct template;

/* Template engine (Go text/template, all but {{define}}, {{template}} and
 * {{block}}, which podman's --format cannot use either):
 *   {{.A.B}}  {{.}}  {{json .X}}  {{range .L}}...{{else}}...{{end}}  {{with .X}}...{{end}}
 *   {{if .X}}...{{else if .Y}}...{{else}}...{{end}}  {{break}} {{continue}}
 *   variables: {{$x := .A}} {{$x = .B}} {{$x.C}} {{$}} {{range $i, $e := .L}}
 *   comments, {{- trimming -}}
 *   literals: "str" `raw` 'c' 12 1.5 true false nil; parenthesized pipelines
 *   podman's functions: join LIST SEP, json X, lower S, upper S, title S, truncate S N,
 *     pad S PREFIX SUFFIX (or pad S WIDTH), split S SEP;
 *   Go's: and, or (short-circuit), not, len, index, slice X I J, print, printf, println,
 *     html, js, urlquery, call, eq, ne, lt, le, gt, ge
 *   pipelines: {{.Names | join ","}}; escapes \t and \n in the text as podman does.
 * Missing fields print "<no value>" as Go does; values print as Go's %v.
 * Errors: "template: format:LINE:COL: what is wrong".
 */
int template_parse (const char *text, struct template **out, galley_error_t *err);
int template_render (const struct template *t, json_object *data, FILE *out, galley_error_t *err);
void template_free (struct template *t);

static inline void
cleanup_templatep (struct template **t)
{
  template_free (*t);
}
#define _cleanup_template_ __attribute__ ((cleanup (cleanup_templatep)))

#endif
