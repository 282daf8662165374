/* The parsed form of a Go text/template subset, shared by the parser
 * (template.c), the evaluator (template-exec.c), its functions
 * (template-funcs.c) and the record printer (format.c).  Not for use
 * outside src/util.  */
#ifndef GALLEY_TEMPLATE_INTERNAL_H
#define GALLEY_TEMPLATE_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <json-c/json.h>

#include "util/error.h"

struct tpl_pipeline;
struct tpl_function;

enum tpl_arg_kind
{
  TPL_ARG_FIELD, /* .A.B; "." when nfields == 0 */
  TPL_ARG_STRING,
  TPL_ARG_INT,
  TPL_ARG_FLOAT,
  TPL_ARG_BOOL,
  TPL_ARG_NIL,
  TPL_ARG_FUNCTION, /* only as the first word of a command */
  TPL_ARG_PIPELINE, /* ( ... ), optionally followed by .Field chains */
  TPL_ARG_VARIABLE, /* $x.A.B: str is the name with its '$' ("$" alone is the data) */
};

struct tpl_arg
{
  enum tpl_arg_kind kind;
  size_t pos; /* byte offset in the source, for messages */
  char **fields;
  size_t nfields;
  char *str;
  size_t str_len;
  int64_t i;
  double d;
  bool b;
  const struct tpl_function *fn;
  struct tpl_pipeline *pipe;
};

struct tpl_command
{
  struct tpl_arg *args;
  size_t nargs;
  size_t pos;
};

struct tpl_pipeline
{
  struct tpl_command *cmds;
  size_t ncmds;
  size_t pos;
  /* {{$x := ...}} declares, {{$x = ...}} (assign) sets; {{range $i, $e := ...}} has two.  */
  char *decl[2];
  size_t ndecl;
  bool assign;
};

enum tpl_node_kind
{
  TPL_NODE_TEXT,
  TPL_NODE_ACTION,
  TPL_NODE_IF,
  TPL_NODE_RANGE,
  TPL_NODE_WITH,
  TPL_NODE_BREAK,    /* {{break}}, only inside {{range}} */
  TPL_NODE_CONTINUE, /* {{continue}}, only inside {{range}} */
};

struct tpl_node;

struct tpl_list
{
  struct tpl_node **nodes;
  size_t n;
};

struct tpl_node
{
  enum tpl_node_kind kind;
  size_t pos;
  char *text; /* TPL_NODE_TEXT, escapes already applied */
  size_t text_len;
  struct tpl_pipeline *pipe;
  struct tpl_list body;      /* if / range / with */
  struct tpl_list else_body; /* {{else}} part; an {{else if}} is a nested IF here */
};

struct template
{
  char *source;
  struct tpl_list root;
};

/* A value during evaluation: a json-c object (with a reference held; NULL is
 * JSON null) or "missing", which Go prints as <no value>.  */
struct tpl_value
{
  bool missing;
  json_object *obj;
};

static inline struct tpl_value
tpl_value_missing (void)
{
  return (struct tpl_value){ .missing = true, .obj = NULL };
}

/* Takes over the reference held on o.  */
static inline struct tpl_value
tpl_value_take (json_object *o)
{
  return (struct tpl_value){ .missing = false, .obj = o };
}

static inline struct tpl_value
tpl_value_borrow (json_object *o)
{
  return (struct tpl_value){ .missing = false, .obj = json_object_get (o) };
}

static inline void
tpl_value_release (struct tpl_value *v)
{
  if (v->obj)
    json_object_put (v->obj);
  v->obj = NULL;
}
#define _cleanup_tpl_value_ __attribute__ ((cleanup (tpl_value_release)))

static inline bool
tpl_is_type (const struct tpl_value *v, json_type type)
{
  return ! v->missing && v->obj != NULL && json_object_is_type (v->obj, type);
}

/* Go's truthiness: false, 0, "", empty list or map, nil and missing are false.  */
bool tpl_truthy (const struct tpl_value *v);

/* Go's name of the value's type, for messages ("string", "int64", ...).  */
const char *tpl_type_name (const struct tpl_value *v);

typedef int (*tpl_function_impl) (struct tpl_value *args, size_t nargs, struct tpl_value *out,
                                  char **error_msg);

/* and and or evaluate their arguments only as far as they need (Go 1.18's
 * short circuit): and stops at the first false one, or at the first true.  */
enum tpl_evaluation
{
  TPL_EVAL_ALL = 0,
  TPL_EVAL_UNTIL_FALSE,
  TPL_EVAL_UNTIL_TRUE,
};

struct tpl_function
{
  const char *name;
  int min_args;
  int max_args; /* -1: variadic */
  tpl_function_impl impl;
  enum tpl_evaluation evaluation;
};

/* Parse flags.  */
enum
{
  /* podman's "table" formats: blanks in the literal text separate columns.  */
  TEMPLATE_PARSE_TABLE = 1 << 0,
  /* The text as written: \t and \n in it stay two characters.  */
  TEMPLATE_PARSE_VERBATIM = 1 << 1,
};

int template_parse_flags (const char *text, unsigned flags, struct template **out, galley_error_t *err);

/* The function called `name`, or NULL.  */
const struct tpl_function *tpl_function_lookup (const char *name, size_t len);

/* Fill *err with "template: format:LINE:COL: " and the message, LINE:COL
 * being where byte offset pos of the source is.  Returns -1.  */
int tpl_failv (const struct template *t, size_t pos, galley_error_t *err, const char *fmt, va_list ap)
    __attribute__ ((format (printf, 4, 0)));

/* Render the header row of a table: literal text as is, each action as the
 * title of the first field it uses (headers[field] or the field name split
 * at case changes and upper-cased: CreatedAt -> CREATED AT).  */
int template_render_header (const struct template *t, json_object *headers, FILE *out, galley_error_t *err);

/* Whether the template iterates over the whole input itself ({{range .}}),
 * in which case a list is given to it once instead of item by item.  */
bool template_ranges_over_dot (const struct template *t);

/* Print a value as Go's fmt %v does (strings raw, [a b], map[k:v]).  */
void tpl_print_value (FILE *out, const struct tpl_value *v);

/* Go's fmt %v of a float64.  */
void tpl_print_double (FILE *out, double d);

/* Compact JSON as Go's encoding/json (no HTML or slash escaping); missing is null.  */
void tpl_print_json (FILE *out, const struct tpl_value *v);

#endif
