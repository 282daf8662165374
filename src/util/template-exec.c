/* Evaluation of parsed templates (template-internal.h) against json-c
 * records: field lookup (exact, then case-insensitive), Go truthiness,
 * {{if}}/{{range}}/{{with}}, variables and their scopes, table header titles, and printing values the
 * way Go's fmt %v does so that output matches podman's.  The functions are
 * in template-funcs.c.  */
#include "config.h"

#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/cleanup.h"
#include "util/json.h"
#include "util/template-internal.h"
#include "util/template.h"
#include "util/xmalloc.h"

struct tpl_variable
{
  const char *name; /* the parse tree's, with its '$' */
  struct tpl_value value;
};

struct render_ctx
{
  const struct template *t;
  galley_error_t *err;
  /* Variables in scope, innermost last: a variable lives until the {{end}}
   * of the if, with or range it was declared in, as in Go.  */
  struct tpl_variable *vars;
  size_t nvars, vars_size;
};

/* Results of rendering a list besides failure (-1): {{break}} and
 * {{continue}} unwind to the innermost {{range}}.  */
enum
{
  RENDER_OK = 0,
  RENDER_BREAK = 1,
  RENDER_CONTINUE = 2,
};

static int render_fail (struct render_ctx *ctx, size_t pos, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

static int
render_fail (struct render_ctx *ctx, size_t pos, const char *fmt, ...)
{
  va_list ap;

  va_start (ap, fmt);
  tpl_failv (ctx->t, pos, ctx->err, fmt, ap);
  va_end (ap);
  return -1;
}

const char *
tpl_type_name (const struct tpl_value *v)
{
  if (v->missing || v->obj == NULL)
    return "nil";
  switch (json_object_get_type (v->obj))
    {
    case json_type_boolean:
      return "bool";
    case json_type_int:
      return "int64";
    case json_type_double:
      return "float64";
    case json_type_string:
      return "string";
    case json_type_array:
      return "[]interface {}";
    case json_type_object:
      return "map[string]interface {}";
    default:
      return "nil";
    }
}

bool
tpl_truthy (const struct tpl_value *v)
{
  if (v->missing || v->obj == NULL)
    return false;
  switch (json_object_get_type (v->obj))
    {
    case json_type_boolean:
      return json_object_get_boolean (v->obj);
    case json_type_int:
      return json_object_get_int64 (v->obj) != 0;
    case json_type_double:
      return json_object_get_double (v->obj) != 0.0;
    case json_type_string:
      return json_object_get_string_len (v->obj) > 0;
    case json_type_array:
      return json_object_array_length (v->obj) > 0;
    case json_type_object:
      return json_object_object_length (v->obj) > 0;
    default:
      return false;
    }
}

/* Exact key first, then case-insensitive: .Host.Kernel finds host.kernel.  */
static json_object *
lookup_field (json_object *obj, const char *name, bool *found)
{
  json_object *v;

  *found = true;
  if (json_object_object_get_ex (obj, name, &v))
    return v;
  json_object_object_foreach (obj, key, val)
  {
    if (strcasecmp (key, name) == 0)
      return val;
  }
  *found = false;
  return NULL;
}

/* Go's fmt %v.  */

void
tpl_print_double (FILE *out, double d)
{
  char buf[40], digits[20];
  int prec, exp, nd = 0;
  const char *p;

  if (isnan (d))
    {
      fputs ("NaN", out);
      return;
    }
  if (isinf (d))
    {
      fputs (d > 0 ? "+Inf" : "-Inf", out);
      return;
    }
  if (d == 0)
    {
      fputs (signbit (d) ? "-0" : "0", out);
      return;
    }
  /* The shortest digits that read back as the same double, as strconv does.  */
  for (prec = 1; prec < 17; prec++)
    {
      snprintf (buf, sizeof buf, "%.*e", prec - 1, d);
      if (strtod (buf, NULL) == d)
        break;
    }
  snprintf (buf, sizeof buf, "%.*e", prec - 1, d);
  p = buf;
  if (*p == '-')
    {
      fputc ('-', out);
      p++;
    }
  for (; *p && *p != 'e'; p++)
    if (isdigit ((unsigned char)*p))
      digits[nd++] = *p;
  while (nd > 1 && digits[nd - 1] == '0')
    nd--;
  digits[nd] = '\0';
  exp = atoi (p + 1);
  /* %e when the exponent is < -4 or >= 6 (strconv's rule for the shortest %g).  */
  if (exp < -4 || exp >= 6)
    {
      fputc (digits[0], out);
      if (nd > 1)
        fprintf (out, ".%s", digits + 1);
      fprintf (out, "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
      return;
    }
  if (exp < 0)
    {
      fputs ("0.", out);
      for (int i = 0; i < -exp - 1; i++)
        fputc ('0', out);
      fputs (digits, out);
      return;
    }
  for (int i = 0; i <= exp; i++)
    fputc (i < nd ? digits[i] : '0', out);
  if (nd > exp + 1)
    fprintf (out, ".%s", digits + exp + 1);
}

static int
compare_keys (const void *a, const void *b)
{
  return strcmp (*(const char *const *)a, *(const char *const *)b);
}

static void print_json_value (FILE *out, json_object *o, bool nested);

static void
print_json_value (FILE *out, json_object *o, bool nested)
{
  if (o == NULL)
    {
      fputs ("<nil>", out);
      return;
    }
  switch (json_object_get_type (o))
    {
    case json_type_boolean:
      fputs (json_object_get_boolean (o) ? "true" : "false", out);
      break;
    case json_type_int:
      fprintf (out, "%" PRId64, json_object_get_int64 (o));
      break;
    case json_type_double:
      tpl_print_double (out, json_object_get_double (o));
      break;
    case json_type_string:
      fwrite (json_object_get_string (o), 1, (size_t)json_object_get_string_len (o), out);
      break;
    case json_type_array:
      {
        size_t n = json_object_array_length (o);
        fputc ('[', out);
        for (size_t i = 0; i < n; i++)
          {
            if (i)
              fputc (' ', out);
            print_json_value (out, json_object_array_get_idx (o, i), true);
          }
        fputc (']', out);
        break;
      }
    case json_type_object:
      {
        /* Go prints maps with sorted keys.  */
        size_t n = (size_t)json_object_object_length (o), i = 0;
        _cleanup_free_ const char **keys = xcalloc (n ? n : 1, sizeof *keys);
        json_object_object_foreach (o, key, val)
        {
          (void)val;
          keys[i++] = key;
        }
        qsort (keys, n, sizeof *keys, compare_keys);
        fputs ("map[", out);
        for (i = 0; i < n; i++)
          {
            json_object *v = NULL;
            json_object_object_get_ex (o, keys[i], &v);
            fprintf (out, "%s%s:", i ? " " : "", keys[i]);
            print_json_value (out, v, true);
          }
        fputc (']', out);
        break;
      }
    default:
      fputs ("<nil>", out);
    }
  (void)nested;
}

void
tpl_print_value (FILE *out, const struct tpl_value *v)
{
  if (v->missing)
    fputs ("<no value>", out);
  else
    print_json_value (out, v->obj, false);
}

void
tpl_print_json (FILE *out, const struct tpl_value *v)
{
  if (v->missing || v->obj == NULL)
    fputs ("null", out);
  else
    fputs (json_object_to_json_string_ext (v->obj, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
           out);
}

/* Variables.  */

static void
variable_push (struct render_ctx *ctx, const char *name, struct tpl_value value)
{
  if (ctx->nvars == ctx->vars_size)
    {
      ctx->vars_size = ctx->vars_size ? 2 * ctx->vars_size : 8;
      ctx->vars = xrealloc (ctx->vars, ctx->vars_size * sizeof *ctx->vars);
    }
  ctx->vars[ctx->nvars++] = (struct tpl_variable){ .name = name, .value = value };
}

static void
variables_pop (struct render_ctx *ctx, size_t mark)
{
  while (ctx->nvars > mark)
    tpl_value_release (&ctx->vars[--ctx->nvars].value);
}

static struct tpl_variable *
variable_find (struct render_ctx *ctx, const char *name)
{
  for (size_t i = ctx->nvars; i-- > 0;)
    if (strcmp (ctx->vars[i].name, name) == 0)
      return &ctx->vars[i];
  return NULL;
}

/* Evaluation.  */

static int eval_pipeline (struct render_ctx *ctx, const struct tpl_pipeline *pipe,
                          const struct tpl_value *dot, struct tpl_value *out);

static int
eval_fields (struct render_ctx *ctx, const struct tpl_arg *a, struct tpl_value base, struct tpl_value *out)
{
  _cleanup_tpl_value_ struct tpl_value cur = base;

  for (size_t i = 0; i < a->nfields; i++)
    {
      json_object *next;
      bool found;

      if (cur.missing || cur.obj == NULL)
        {
          tpl_value_release (&cur);
          *out = tpl_value_missing ();
          return 0;
        }
      if (! json_object_is_type (cur.obj, json_type_object))
        return render_fail (ctx, a->pos, "can't evaluate field %s in type %s", a->fields[i],
                            tpl_type_name (&cur));
      next = lookup_field (cur.obj, a->fields[i], &found);
      json_object_get (next);
      tpl_value_release (&cur);
      cur = found ? tpl_value_take (next) : tpl_value_missing ();
    }
  *out = cur;
  cur = tpl_value_missing ();
  return 0;
}

static int
eval_arg (struct render_ctx *ctx, const struct tpl_arg *a, const struct tpl_value *dot, struct tpl_value *out)
{
  switch (a->kind)
    {
    case TPL_ARG_FIELD:
      return eval_fields (ctx, a, dot->missing ? tpl_value_missing () : tpl_value_borrow (dot->obj), out);
    case TPL_ARG_STRING:
      *out = tpl_value_take (json_object_new_string_len (a->str, (int)a->str_len));
      return 0;
    case TPL_ARG_INT:
      *out = tpl_value_take (json_object_new_int64 (a->i));
      return 0;
    case TPL_ARG_FLOAT:
      *out = tpl_value_take (json_object_new_double (a->d));
      return 0;
    case TPL_ARG_BOOL:
      *out = tpl_value_take (json_object_new_boolean (a->b));
      return 0;
    case TPL_ARG_NIL:
      *out = tpl_value_take (NULL);
      return 0;
    case TPL_ARG_VARIABLE:
      {
        struct tpl_variable *var = variable_find (ctx, a->str);
        if (var == NULL)
          return render_fail (ctx, a->pos, "undefined variable: %s", a->str);
        return eval_fields (
            ctx, a, var->value.missing ? tpl_value_missing () : tpl_value_borrow (var->value.obj), out);
      }
    case TPL_ARG_PIPELINE:
      {
        struct tpl_value v = tpl_value_missing ();
        if (eval_pipeline (ctx, a->pipe, dot, &v) < 0)
          return -1;
        if (a->nfields == 0)
          {
            *out = v;
            return 0;
          }
        return eval_fields (ctx, a, v, out);
      }
    case TPL_ARG_FUNCTION:
    default:
      return render_fail (ctx, a->pos, "function %s used as a value", a->fn ? a->fn->name : "?");
    }
}

static struct tpl_value
value_copy (const struct tpl_value *v)
{
  return v->missing ? tpl_value_missing () : tpl_value_borrow (v->obj);
}

/* and, or: the first argument whose truth decides, else the last one (the
 * piped value last); later arguments are not evaluated.  */
static int
eval_short_circuit (struct render_ctx *ctx, const struct tpl_command *cmd, const struct tpl_value *dot,
                    struct tpl_value *piped, struct tpl_value *out)
{
  bool stop_on = cmd->args[0].fn->evaluation == TPL_EVAL_UNTIL_TRUE;
  _cleanup_tpl_value_ struct tpl_value v = tpl_value_missing ();

  for (size_t i = 1; i < cmd->nargs; i++)
    {
      tpl_value_release (&v);
      v = tpl_value_missing ();
      if (eval_arg (ctx, &cmd->args[i], dot, &v) < 0)
        return -1;
      if (tpl_truthy (&v) == stop_on)
        break;
    }
  if (piped && tpl_truthy (&v) != stop_on)
    {
      tpl_value_release (&v);
      v = *piped;
      *piped = tpl_value_missing ();
    }
  *out = v;
  v = tpl_value_missing ();
  return 0;
}

static int
eval_command (struct render_ctx *ctx, const struct tpl_command *cmd, const struct tpl_value *dot,
              struct tpl_value *piped, struct tpl_value *out)
{
  const struct tpl_function *fn;
  struct tpl_value *args;
  size_t nargs = 0;
  _cleanup_free_ char *msg = NULL;
  int ret = -1;

  if (cmd->args[0].kind != TPL_ARG_FUNCTION)
    return eval_arg (ctx, &cmd->args[0], dot, out);
  fn = cmd->args[0].fn;
  if (fn->evaluation != TPL_EVAL_ALL)
    return eval_short_circuit (ctx, cmd, dot, piped, out);
  args = xcalloc (cmd->nargs + 1, sizeof *args);
  for (size_t i = 1; i < cmd->nargs; i++)
    {
      if (eval_arg (ctx, &cmd->args[i], dot, &args[nargs]) < 0)
        goto out;
      nargs++;
    }
  if (piped)
    {
      args[nargs++] = *piped;
      *piped = tpl_value_missing ();
    }
  if (fn->impl (args, nargs, out, &msg) < 0)
    {
      render_fail (ctx, cmd->pos, "error calling %s: %s", fn->name, msg ? msg : "failed");
      goto out;
    }
  ret = 0;
out:
  for (size_t i = 0; i < nargs; i++)
    tpl_value_release (&args[i]);
  free (args);
  return ret;
}

static int
eval_pipeline (struct render_ctx *ctx, const struct tpl_pipeline *pipe, const struct tpl_value *dot,
               struct tpl_value *out)
{
  _cleanup_tpl_value_ struct tpl_value prev = tpl_value_missing ();

  for (size_t i = 0; i < pipe->ncmds; i++)
    {
      struct tpl_value result = tpl_value_missing ();
      if (eval_command (ctx, &pipe->cmds[i], dot, i > 0 ? &prev : NULL, &result) < 0)
        return -1;
      tpl_value_release (&prev);
      prev = result;
    }
  for (size_t i = 0; i < pipe->ndecl; i++)
    {
      struct tpl_variable *var;
      if (! pipe->assign)
        {
          variable_push (ctx, pipe->decl[i], value_copy (&prev));
          continue;
        }
      if ((var = variable_find (ctx, pipe->decl[i])) == NULL)
        return render_fail (ctx, pipe->pos, "undefined variable: %s", pipe->decl[i]);
      tpl_value_release (&var->value);
      var->value = value_copy (&prev);
    }
  *out = prev;
  prev = tpl_value_missing ();
  return 0;
}

static int render_list (struct render_ctx *ctx, const struct tpl_list *list, const struct tpl_value *dot,
                        FILE *out);

/* One pass of a range's body: its variables set ($e, or $i and $e),
 * what the body declares dropped after it.  */
static int
render_iteration (struct render_ctx *ctx, const struct tpl_node *n, json_object *key, json_object *elem,
                  FILE *out)
{
  const struct tpl_pipeline *pipe = n->pipe;
  struct tpl_value dot = { .obj = elem };
  size_t mark = ctx->nvars;
  int ret;

  for (size_t i = 0; i < pipe->ndecl; i++)
    {
      struct tpl_variable *var = variable_find (ctx, pipe->decl[i]);
      if (var == NULL)
        return render_fail (ctx, pipe->pos, "undefined variable: %s", pipe->decl[i]);
      tpl_value_release (&var->value);
      var->value = tpl_value_borrow (pipe->ndecl == 2 && i == 0 ? key : elem);
    }
  ret = render_list (ctx, &n->body, &dot, out);
  variables_pop (ctx, mark);
  return ret;
}

static int
render_range (struct render_ctx *ctx, const struct tpl_node *n, const struct tpl_value *v, FILE *out)
{
  int ret = RENDER_OK;

  if (tpl_is_type (v, json_type_array) && json_object_array_length (v->obj) > 0)
    {
      for (size_t i = 0; i < json_object_array_length (v->obj) && ret != RENDER_BREAK; i++)
        {
          _cleanup_json_ json_object *index = json_object_new_int64 ((int64_t)i);
          ret = render_iteration (ctx, n, index, json_object_array_get_idx (v->obj, i), out);
          if (ret < 0)
            return -1;
        }
      return 0;
    }
  if (tpl_is_type (v, json_type_object) && json_object_object_length (v->obj) > 0)
    {
      size_t count = (size_t)json_object_object_length (v->obj), i = 0;
      _cleanup_free_ const char **keys = xcalloc (count, sizeof *keys);
      json_object_object_foreach (v->obj, key, val)
      {
        (void)val;
        keys[i++] = key;
      }
      qsort (keys, count, sizeof *keys, compare_keys);
      for (i = 0; i < count && ret != RENDER_BREAK; i++)
        {
          _cleanup_json_ json_object *name = json_object_new_string (keys[i]);
          json_object *elem = NULL;
          json_object_object_get_ex (v->obj, keys[i], &elem);
          ret = render_iteration (ctx, n, name, elem, out);
          if (ret < 0)
            return -1;
        }
      return 0;
    }
  if (! tpl_truthy (v) || tpl_is_type (v, json_type_array) || tpl_is_type (v, json_type_object))
    return render_list (ctx, &n->else_body, v, out) < 0 ? -1 : RENDER_OK;
  return render_fail (ctx, n->pos, "range can't iterate over %s", tpl_type_name (v));
}

static int
render_node (struct render_ctx *ctx, const struct tpl_node *n, const struct tpl_value *dot, FILE *out)
{
  _cleanup_tpl_value_ struct tpl_value v = tpl_value_missing ();
  size_t mark = ctx->nvars;
  int ret;

  switch (n->kind)
    {
    case TPL_NODE_TEXT:
      fwrite (n->text, 1, n->text_len, out);
      return RENDER_OK;
    case TPL_NODE_BREAK:
      return RENDER_BREAK;
    case TPL_NODE_CONTINUE:
      return RENDER_CONTINUE;
    default:
      break;
    }
  if (eval_pipeline (ctx, n->pipe, dot, &v) < 0)
    return -1;
  switch (n->kind)
    {
    case TPL_NODE_ACTION:
      /* {{$x := ...}} prints nothing; its variable outlives the action.  */
      if (n->pipe->ndecl == 0)
        tpl_print_value (out, &v);
      return RENDER_OK;
    case TPL_NODE_IF:
      ret = render_list (ctx, tpl_truthy (&v) ? &n->body : &n->else_body, dot, out);
      break;
    case TPL_NODE_WITH:
      ret =
          tpl_truthy (&v) ? render_list (ctx, &n->body, &v, out) : render_list (ctx, &n->else_body, dot, out);
      break;
    case TPL_NODE_RANGE:
      ret = render_range (ctx, n, &v, out);
      break;
    default:
      ret = RENDER_OK;
      break;
    }
  variables_pop (ctx, mark);
  return ret;
}

static int
render_list (struct render_ctx *ctx, const struct tpl_list *list, const struct tpl_value *dot, FILE *out)
{
  for (size_t i = 0; i < list->n; i++)
    {
      int ret = render_node (ctx, list->nodes[i], dot, out);
      if (ret != RENDER_OK)
        return ret;
    }
  return RENDER_OK;
}

int
template_render (const struct template *t, json_object *data, FILE *out, galley_error_t *err)
{
  struct render_ctx ctx = { .t = t, .err = err };
  struct tpl_value dot = { .obj = data };
  int ret;

  variable_push (&ctx, "$", tpl_value_borrow (data));
  ret = render_list (&ctx, &t->root, &dot, out);
  variables_pop (&ctx, 0);
  free (ctx.vars);
  return ret < 0 ? -1 : 0;
}

/* Table headers.  */

/* The first field an expression reads, searching sub-pipelines too.  */
static const struct tpl_arg *
first_field (const struct tpl_pipeline *pipe)
{
  for (size_t i = 0; pipe && i < pipe->ncmds; i++)
    for (size_t j = 0; j < pipe->cmds[i].nargs; j++)
      {
        const struct tpl_arg *a = &pipe->cmds[i].args[j];
        const struct tpl_arg *sub;
        if (a->kind == TPL_ARG_FIELD)
          return a;
        if (a->kind == TPL_ARG_PIPELINE && (sub = first_field (a->pipe)) != NULL)
          return sub;
      }
  return NULL;
}

/* podman's report.Headers: the field name split where the case changes
 * (fatih/camelcase rules) and upper-cased: CreatedAt -> CREATED AT.  */
static void
print_field_title (FILE *out, const char *name)
{
  size_t n = strlen (name);

  for (size_t i = 0; i < n; i++)
    {
      unsigned char c = (unsigned char)name[i];
      if (i > 0)
        {
          unsigned char p = (unsigned char)name[i - 1];
          unsigned char nx = i + 1 < n ? (unsigned char)name[i + 1] : 0;
          bool boundary = (islower (p) && isupper (c)) || (isalpha (p) && isdigit (c))
                          || (isdigit (p) && isalpha (c)) || (isupper (p) && isupper (c) && islower (nx));
          if (boundary)
            fputc (' ', out);
        }
      fputc (toupper (c), out);
    }
}

static void
print_header_title (FILE *out, const struct tpl_arg *field, json_object *headers)
{
  _cleanup_free_ char *path = NULL;
  size_t len = 0;
  FILE *f;
  bool found;
  json_object *title;

  if (field->nfields == 0)
    return;
  f = xalloc_check (open_memstream (&path, &len));
  for (size_t i = 0; i < field->nfields; i++)
    fprintf (f, "%s%s", i ? "." : "", field->fields[i]);
  fclose (f);
  if (headers != NULL && json_object_is_type (headers, json_type_object))
    {
      title = lookup_field (headers, path, &found);
      if (! found)
        title = lookup_field (headers, field->fields[field->nfields - 1], &found);
      if (found && json_object_is_type (title, json_type_string))
        {
          fputs (json_object_get_string (title), out);
          return;
        }
    }
  print_field_title (out, field->fields[field->nfields - 1]);
}

/* What an action shows in the header row: the title of the first field it
 * reads, else what it prints when evaluated without a record ({{"LITERAL"}},
 * or a function of a variable that holds a title); nothing when that fails.  */
static char *
header_text (struct render_ctx *ctx, const struct tpl_pipeline *pipe, json_object *headers)
{
  const struct tpl_arg *field = first_field (pipe);
  char *text = NULL;
  size_t len = 0;
  FILE *f = xalloc_check (open_memstream (&text, &len));
  if (field != NULL)
    print_header_title (f, field, headers);
  else
    {
      _cleanup_tpl_value_ struct tpl_value v = tpl_value_missing ();
      _cleanup_error_ galley_error_t ignored = NULL;
      galley_error_t *err = ctx->err;
      struct tpl_value nothing = tpl_value_missing ();
      size_t mark = ctx->nvars;

      ctx->err = &ignored;
      if (eval_pipeline (ctx, pipe, &nothing, &v) == 0)
        tpl_print_value (f, &v);
      variables_pop (ctx, mark);
      ctx->err = err;
    }
  fclose (f);
  return text;
}

static int
render_header_list (struct render_ctx *ctx, const struct tpl_list *list, json_object *headers, FILE *out)
{
  for (size_t i = 0; i < list->n; i++)
    {
      const struct tpl_node *n = list->nodes[i];
      _cleanup_free_ char *text = NULL;

      switch (n->kind)
        {
        case TPL_NODE_TEXT:
          fwrite (n->text, 1, n->text_len, out);
          break;
        case TPL_NODE_ACTION:
          text = header_text (ctx, n->pipe, headers);
          /* {{$x := .Names}}: $x holds the title for the actions that use it.  */
          for (size_t d = 0; d < n->pipe->ndecl; d++)
            {
              struct tpl_variable *var = n->pipe->assign ? variable_find (ctx, n->pipe->decl[d]) : NULL;
              struct tpl_value title = tpl_value_take (json_object_new_string (text));
              if (var == NULL)
                variable_push (ctx, n->pipe->decl[d], title);
              else
                {
                  tpl_value_release (&var->value);
                  var->value = title;
                }
            }
          if (n->pipe->ndecl == 0)
            fputs (text, out);
          break;
        case TPL_NODE_RANGE:
          if (first_field (n->pipe) != NULL)
            print_header_title (out, first_field (n->pipe), headers);
          break;
        case TPL_NODE_IF:
        case TPL_NODE_WITH:
          if (render_header_list (ctx, n->body.n ? &n->body : &n->else_body, headers, out) < 0)
            return -1;
          break;
        case TPL_NODE_BREAK:
        case TPL_NODE_CONTINUE:
          break;
        }
    }
  return 0;
}

int
template_render_header (const struct template *t, json_object *headers, FILE *out, galley_error_t *err)
{
  struct render_ctx ctx = { .t = t, .err = err };
  int ret;

  variable_push (&ctx, "$", tpl_value_missing ());
  ret = render_header_list (&ctx, &t->root, headers, out);
  variables_pop (&ctx, 0);
  free (ctx.vars);
  return ret;
}
