/* Parser of the Go text/template subset of util/template.h: text, actions
 * with pipelines, {{if}}/{{else if}}/{{else}}, {{range}} with {{break}} and
 * {{continue}}, {{with}}, variables ($, {{$x := ...}}, {{$x = ...}},
 * {{range $i, $e := ...}}), comments and {{- -}} trimming.  It builds the tree of
 * template-internal.h; template-exec.c evaluates it.
 *
 * podman turns the two-character sequences \t and \n of a --format into tab
 * and newline before parsing; so do we, in the literal text.  */
#include "config.h"
#include "util/template.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/template-internal.h"
#include "util/utf8.h"
#include "util/xmalloc.h"

#define TPL_MAX_DEPTH 100

enum token_type
{
  TOK_ACTION_END, /* }} or -}} */
  TOK_PIPE,
  TOK_LPAREN,
  TOK_RPAREN,
  TOK_DOT,
  TOK_FIELD,
  TOK_STRING,
  TOK_RAW_STRING,
  TOK_NUMBER,
  TOK_IDENT,
  TOK_VARIABLE, /* $ or $name */
  TOK_CHAR,     /* 'x', a rune constant */
};

struct token
{
  enum token_type type;
  size_t start, len;
};

struct parser
{
  const char *src;
  size_t len;
  size_t pos;
  unsigned flags;
  bool trim_next_text; /* the last action ended with -}} */
  bool have_peek;
  struct token peek;
  size_t action_start; /* the "{{" of the action being lexed */
  int depth;
  int range_depth; /* {{range}} blocks around the current action */
  char **vars;     /* variables in scope, "$" first, innermost last */
  size_t nvars;
  struct template *t;
  galley_error_t *err;
};

enum terminator
{
  TERM_EOF,
  TERM_END,
  TERM_ELSE,
  TERM_ELSE_IF,
};

static int parse_fail (struct parser *ps, size_t pos, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

static void
position (const struct template *t, size_t pos, int *line, int *col)
{
  const char *s = t->source;
  size_t line_start = 0;

  *line = 1;
  for (size_t i = 0; i < pos && s[i]; i++)
    if (s[i] == '\n')
      {
        (*line)++;
        line_start = i + 1;
      }
  *col = (int)(pos - line_start) + 1;
}

int
tpl_failv (const struct template *t, size_t pos, galley_error_t *err, const char *fmt, va_list ap)
{
  _cleanup_free_ char *msg = xvasprintf (fmt, ap);
  int line, col;

  position (t, pos, &line, &col);
  return galley_error_make (err, 0, "template: format:%d:%d: %s", line, col, msg);
}

static int
parse_fail (struct parser *ps, size_t pos, const char *fmt, ...)
{
  va_list ap;

  va_start (ap, fmt);
  tpl_failv (ps->t, pos, ps->err, fmt, ap);
  va_end (ap);
  return -1;
}

/* A short, one-line quotation of source text for messages.  */
static void
quote_snippet (const char *s, size_t n, char *buf, size_t size)
{
  size_t o = 0;

  for (size_t i = 0; i < n && o + 5 < size; i++)
    {
      unsigned char c = (unsigned char)s[i];
      if (c < 0x20 || c == 0x7f)
        o += (size_t)snprintf (buf + o, size - o, "\\x%02x", c);
      else
        buf[o++] = (char)c;
    }
  buf[o] = '\0';
}

/* Freeing.  */

static void pipeline_free (struct tpl_pipeline *p);
static void list_free (struct tpl_list *l);

static void
arg_clear (struct tpl_arg *a)
{
  for (size_t i = 0; i < a->nfields; i++)
    free (a->fields[i]);
  free (a->fields);
  free (a->str);
  pipeline_free (a->pipe);
}

static void
pipeline_free (struct tpl_pipeline *p)
{
  if (p == NULL)
    return;
  for (size_t i = 0; i < p->ncmds; i++)
    {
      for (size_t j = 0; j < p->cmds[i].nargs; j++)
        arg_clear (&p->cmds[i].args[j]);
      free (p->cmds[i].args);
    }
  free (p->cmds);
  for (size_t i = 0; i < p->ndecl; i++)
    free (p->decl[i]);
  free (p);
}

static void
node_free (struct tpl_node *n)
{
  if (n == NULL)
    return;
  free (n->text);
  pipeline_free (n->pipe);
  list_free (&n->body);
  list_free (&n->else_body);
  free (n);
}

static void
list_free (struct tpl_list *l)
{
  for (size_t i = 0; i < l->n; i++)
    node_free (l->nodes[i]);
  free (l->nodes);
  l->nodes = NULL;
  l->n = 0;
}

void
template_free (struct template *t)
{
  if (t == NULL)
    return;
  list_free (&t->root);
  free (t->source);
  free (t);
}

static void
list_add (struct tpl_list *l, struct tpl_node *n)
{
  l->nodes = xrealloc (l->nodes, (l->n + 1) * sizeof *l->nodes);
  l->nodes[l->n++] = n;
}

static struct tpl_node *
node_new (enum tpl_node_kind kind, size_t pos)
{
  struct tpl_node *n = xcalloc (1, sizeof *n);
  n->kind = kind;
  n->pos = pos;
  return n;
}

/* Lexing inside an action.  */

static bool
is_space (char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool
is_ident_char (char c)
{
  return isalnum ((unsigned char)c) || c == '_';
}

static int
lex_quoted (struct parser *ps, struct token *tok)
{
  char quote = ps->src[ps->pos];
  size_t i = ps->pos + 1;

  for (; i < ps->len; i++)
    {
      if (ps->src[i] == quote)
        break;
      if (quote != '`' && ps->src[i] == '\\' && i + 1 < ps->len)
        i++;
      else if (quote != '`' && ps->src[i] == '\n')
        i = ps->len;
    }
  if (i >= ps->len)
    return parse_fail (ps, ps->pos,
                       quote == '"'   ? "unterminated quoted string"
                       : quote == '`' ? "unterminated raw quoted string"
                                      : "unterminated character constant");
  tok->type = quote == '"' ? TOK_STRING : quote == '`' ? TOK_RAW_STRING : TOK_CHAR;
  tok->start = ps->pos;
  tok->len = i + 1 - ps->pos;
  ps->pos = i + 1;
  return 0;
}

static int
next_token (struct parser *ps, struct token *tok)
{
  const char *s = ps->src;

  if (ps->have_peek)
    {
      *tok = ps->peek;
      ps->have_peek = false;
      return 0;
    }
  while (ps->pos < ps->len && is_space (s[ps->pos]))
    ps->pos++;
  tok->start = ps->pos;
  tok->len = 1;
  if (ps->pos >= ps->len)
    return parse_fail (ps, ps->action_start, "unclosed action");
  if (s[ps->pos] == '-' && ps->pos + 2 < ps->len && s[ps->pos + 1] == '}' && s[ps->pos + 2] == '}'
      && ps->pos > 0 && is_space (s[ps->pos - 1]))
    {
      tok->type = TOK_ACTION_END;
      ps->pos += 3;
      ps->trim_next_text = true;
      return 0;
    }
  if (s[ps->pos] == '}' && ps->pos + 1 < ps->len && s[ps->pos + 1] == '}')
    {
      tok->type = TOK_ACTION_END;
      ps->pos += 2;
      ps->trim_next_text = false;
      return 0;
    }
  switch (s[ps->pos])
    {
    case '|':
      tok->type = TOK_PIPE;
      ps->pos++;
      return 0;
    case '(':
      tok->type = TOK_LPAREN;
      ps->pos++;
      return 0;
    case ')':
      tok->type = TOK_RPAREN;
      ps->pos++;
      return 0;
    case '"':
    case '`':
    case '\'':
      return lex_quoted (ps, tok);
    case '.':
      if (ps->pos + 1 < ps->len && is_ident_char (s[ps->pos + 1])
          && ! isdigit ((unsigned char)s[ps->pos + 1]))
        {
          size_t i = ps->pos;
          while (i < ps->len && s[i] == '.' && i + 1 < ps->len && is_ident_char (s[i + 1]))
            {
              i++;
              while (i < ps->len && is_ident_char (s[i]))
                i++;
            }
          tok->type = TOK_FIELD;
          tok->len = i - ps->pos;
          ps->pos = i;
          return 0;
        }
      if (ps->pos + 1 < ps->len && isdigit ((unsigned char)s[ps->pos + 1]))
        break;
      tok->type = TOK_DOT;
      ps->pos++;
      return 0;
    case '$':
      {
        size_t i = ps->pos + 1;
        while (i < ps->len && is_ident_char (s[i]))
          i++;
        tok->type = TOK_VARIABLE;
        tok->len = i - ps->pos;
        ps->pos = i;
        return 0;
      }
    default:
      break;
    }
  if (isdigit ((unsigned char)s[ps->pos]) || s[ps->pos] == '.'
      || ((s[ps->pos] == '-' || s[ps->pos] == '+') && ps->pos + 1 < ps->len
          && (isdigit ((unsigned char)s[ps->pos + 1]) || s[ps->pos + 1] == '.')))
    {
      size_t i = ps->pos + 1;
      while (i < ps->len
             && (is_ident_char (s[i]) || s[i] == '.'
                 || ((s[i] == '-' || s[i] == '+') && (s[i - 1] == 'e' || s[i - 1] == 'E'))))
        i++;
      tok->type = TOK_NUMBER;
      tok->len = i - ps->pos;
      ps->pos = i;
      return 0;
    }
  if (isalpha ((unsigned char)s[ps->pos]) || s[ps->pos] == '_')
    {
      size_t i = ps->pos;
      while (i < ps->len && is_ident_char (s[i]))
        i++;
      tok->type = TOK_IDENT;
      tok->len = i - ps->pos;
      ps->pos = i;
      return 0;
    }
  {
    char q[16];
    quote_snippet (s + ps->pos, 1, q, sizeof q);
    return parse_fail (ps, ps->pos, "unexpected \"%s\" in operand", q);
  }
}

static void
push_back (struct parser *ps, const struct token *tok)
{
  ps->peek = *tok;
  ps->have_peek = true;
}

static bool
token_is (const struct parser *ps, const struct token *tok, const char *word)
{
  return tok->type == TOK_IDENT && strlen (word) == tok->len
         && memcmp (ps->src + tok->start, word, tok->len) == 0;
}

static const char *
token_name (const struct parser *ps, const struct token *tok, char *buf, size_t size)
{
  if (tok->type == TOK_ACTION_END)
    return "}}";
  quote_snippet (ps->src + tok->start, tok->len < 40 ? tok->len : 40, buf, size);
  return buf;
}

/* Go string literal: "..." with escapes, or `raw`.  */
static int
unquote (struct parser *ps, const struct token *tok, char **out, size_t *out_len)
{
  const char *s = ps->src + tok->start + 1;
  size_t n = tok->len - 2;
  _cleanup_free_ char *buf = xmalloc (n * 4 + 1);
  size_t o = 0;

  for (size_t i = 0; i < n; i++)
    {
      unsigned long cp;
      int digits;
      char *end;
      char hex[9];

      if (tok->type == TOK_RAW_STRING || s[i] != '\\')
        {
          buf[o++] = s[i];
          continue;
        }
      i++;
      switch (s[i])
        {
        case 'n':
          buf[o++] = '\n';
          continue;
        case 't':
          buf[o++] = '\t';
          continue;
        case 'r':
          buf[o++] = '\r';
          continue;
        case 'a':
          buf[o++] = '\a';
          continue;
        case 'b':
          buf[o++] = '\b';
          continue;
        case 'f':
          buf[o++] = '\f';
          continue;
        case 'v':
          buf[o++] = '\v';
          continue;
        case '\\':
          buf[o++] = '\\';
          continue;
        case '"':
          buf[o++] = '"';
          continue;
        case '\'':
          buf[o++] = '\'';
          continue;
        case 'x':
          digits = 2;
          break;
        case 'u':
          digits = 4;
          break;
        case 'U':
          digits = 8;
          break;
        default:
          return parse_fail (ps, tok->start + i, "invalid escape sequence in string");
        }
      if (i + (size_t)digits >= n)
        return parse_fail (ps, tok->start + 1 + i, "invalid escape sequence in string");
      memcpy (hex, s + i + 1, (size_t)digits);
      hex[digits] = '\0';
      cp = strtoul (hex, &end, 16);
      if (*end != '\0' || ! isxdigit ((unsigned char)hex[0]))
        return parse_fail (ps, tok->start + 1 + i, "invalid escape sequence in string");
      i += (size_t)digits;
      if (digits == 2)
        buf[o++] = (char)cp;
      else if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return parse_fail (ps, tok->start + 1 + i, "invalid escape sequence in string");
      else
        o += utf8_encode ((uint32_t)cp, buf + o);
    }
  buf[o] = '\0';
  *out_len = o;
  *out = steal_pointer (&buf);
  return 0;
}

static int
parse_number (struct parser *ps, const struct token *tok, struct tpl_arg *a)
{
  _cleanup_free_ char *text = xstrndup (ps->src + tok->start, tok->len);
  char *end;

  errno = 0;
  a->i = strtoll (text, &end, 0);
  if (*end == '\0' && errno == 0 && ! (text[0] == '0' && isdigit ((unsigned char)text[1])))
    {
      a->kind = TPL_ARG_INT;
      return 0;
    }
  errno = 0;
  a->d = strtod (text, &end);
  if (*end == '\0' && errno == 0 && strpbrk (text, "xXpP") == NULL && strstr (text, "inf") == NULL
      && strstr (text, "nan") == NULL)
    {
      a->kind = TPL_ARG_FLOAT;
      return 0;
    }
  return parse_fail (ps, tok->start, "bad number syntax: \"%s\"", text);
}

static int parse_pipeline (struct parser *ps, enum token_type closing, const char *context,
                           struct tpl_pipeline **out);

static void
split_fields (struct parser *ps, const struct token *tok, struct tpl_arg *a)
{
  const char *s = ps->src + tok->start;
  size_t i = 0;

  while (i < tok->len)
    {
      size_t start = ++i; /* skip the dot */
      while (i < tok->len && s[i] != '.')
        i++;
      a->fields = xrealloc (a->fields, (a->nfields + 1) * sizeof *a->fields);
      a->fields[a->nfields++] = xstrndup (s + start, i - start);
    }
}

/* .Field.Chain right after a ")" or a variable: (index .Ports 0).HostPort  */
static int
parse_field_chain (struct parser *ps, struct tpl_arg *a)
{
  struct token field;

  if (ps->pos + 1 >= ps->len || ps->src[ps->pos] != '.' || ! is_ident_char (ps->src[ps->pos + 1]))
    return 0;
  if (next_token (ps, &field) < 0)
    return -1;
  split_fields (ps, &field, a);
  return 0;
}

/* 'x' or '\n': the one rune it holds, as Go's rune constants (an int).  */
static int
parse_char (struct parser *ps, const struct token *tok, struct tpl_arg *a)
{
  _cleanup_free_ char *text = NULL;
  size_t n, len = 0;
  char q[48];

  if (unquote (ps, tok, &text, &n) < 0)
    return -1;
  if (n > 0)
    a->i = utf8_decode (text, n, &len);
  if (n == 0 || len != n)
    {
      quote_snippet (ps->src + tok->start, tok->len < 40 ? tok->len : 40, q, sizeof q);
      return parse_fail (ps, tok->start, "malformed character constant: %s", q);
    }
  a->kind = TPL_ARG_INT;
  return 0;
}

static bool
variable_defined (const struct parser *ps, const char *name, size_t len)
{
  for (size_t i = ps->nvars; i-- > 0;)
    if (strlen (ps->vars[i]) == len && memcmp (ps->vars[i], name, len) == 0)
      return true;
  return false;
}

static void
variable_push (struct parser *ps, const char *name)
{
  ps->vars = xrealloc (ps->vars, (ps->nvars + 1) * sizeof *ps->vars);
  ps->vars[ps->nvars++] = xstrndup (name, strlen (name));
}

/* Leave the scope whose variables began at mark.  */
static void
variables_pop (struct parser *ps, size_t mark)
{
  while (ps->nvars > mark)
    free (ps->vars[--ps->nvars]);
}

/* One operand or the function name that starts a command.  */
static int
parse_operand (struct parser *ps, const struct token *tok, bool first, struct tpl_arg *a)
{
  char name[48];

  a->pos = tok->start;
  switch (tok->type)
    {
    case TOK_DOT:
      a->kind = TPL_ARG_FIELD;
      return 0;
    case TOK_FIELD:
      a->kind = TPL_ARG_FIELD;
      split_fields (ps, tok, a);
      return 0;
    case TOK_STRING:
    case TOK_RAW_STRING:
      a->kind = TPL_ARG_STRING;
      return unquote (ps, tok, &a->str, &a->str_len);
    case TOK_NUMBER:
      return parse_number (ps, tok, a);
    case TOK_LPAREN:
      a->kind = TPL_ARG_PIPELINE;
      if (++ps->depth > TPL_MAX_DEPTH)
        return parse_fail (ps, tok->start, "expression nested too deeply");
      if (parse_pipeline (ps, TOK_RPAREN, "parenthesized pipeline", &a->pipe) < 0)
        return -1;
      ps->depth--;
      return parse_field_chain (ps, a);
    case TOK_VARIABLE:
      if (! variable_defined (ps, ps->src + tok->start, tok->len))
        return parse_fail (ps, tok->start, "undefined variable \"%s\"",
                           token_name (ps, tok, name, sizeof name));
      a->kind = TPL_ARG_VARIABLE;
      a->str = xstrndup (ps->src + tok->start, tok->len);
      a->str_len = tok->len;
      return parse_field_chain (ps, a);
    case TOK_CHAR:
      return parse_char (ps, tok, a);
    case TOK_IDENT:
      if (token_is (ps, tok, "true") || token_is (ps, tok, "false"))
        {
          a->kind = TPL_ARG_BOOL;
          a->b = token_is (ps, tok, "true");
          return 0;
        }
      if (token_is (ps, tok, "nil"))
        {
          a->kind = TPL_ARG_NIL;
          return 0;
        }
      a->fn = tpl_function_lookup (ps->src + tok->start, tok->len);
      if (a->fn == NULL)
        return parse_fail (ps, tok->start, "function \"%s\" not defined",
                           token_name (ps, tok, name, sizeof name));
      if (! first)
        return parse_fail (ps, tok->start, "function \"%s\" must start a command; use parentheses",
                           a->fn->name);
      a->kind = TPL_ARG_FUNCTION;
      return 0;
    default:
      return parse_fail (ps, tok->start, "unexpected \"%s\" in operand",
                         token_name (ps, tok, name, sizeof name));
    }
}

static int
check_arity (struct parser *ps, const struct tpl_command *cmd, bool piped)
{
  const struct tpl_function *fn;
  int got;

  if (cmd->nargs == 0)
    return parse_fail (ps, cmd->pos, "missing value for command");
  if (cmd->args[0].kind != TPL_ARG_FUNCTION)
    {
      if (cmd->nargs > 1 || piped)
        return parse_fail (ps, cmd->pos, "can't give argument to non-function");
      return 0;
    }
  fn = cmd->args[0].fn;
  got = (int)cmd->nargs - 1 + (piped ? 1 : 0);
  if (got < fn->min_args || (fn->max_args >= 0 && got > fn->max_args))
    {
      if (fn->min_args == fn->max_args)
        return parse_fail (ps, cmd->pos, "wrong number of args for %s: want %d got %d", fn->name,
                           fn->min_args, got);
      return parse_fail (ps, cmd->pos, "wrong number of args for %s: want at least %d got %d", fn->name,
                         fn->min_args, got);
    }
  return 0;
}

/* $x := / $x = / (in a range) $i, $e := at the start of a pipeline.  */
static int
parse_declarations (struct parser *ps, const char *context, struct tpl_pipeline *pipe)
{
  for (;;)
    {
      struct token tok;
      size_t after;
      bool range = strcmp (context, "range") == 0;

      if (next_token (ps, &tok) < 0)
        return -1;
      if (tok.type != TOK_VARIABLE)
        {
          if (pipe->ndecl > 0)
            return parse_fail (ps, tok.start, "range can only initialize variables");
          push_back (ps, &tok);
          return 0;
        }
      after = ps->pos;
      while (after < ps->len && is_space (ps->src[after]))
        after++;
      if (after + 1 < ps->len && ps->src[after] == ':' && ps->src[after + 1] == '=')
        ps->pos = after + 2;
      else if (after + 1 < ps->len && ps->src[after] == '=' && ps->src[after + 1] != '=')
        {
          pipe->assign = true;
          ps->pos = after + 1;
        }
      else if (after < ps->len && ps->src[after] == ',' && pipe->ndecl == 0)
        {
          if (! range)
            return parse_fail (ps, after, "too many declarations in %s", context);
          ps->pos = after + 1;
        }
      else if (pipe->ndecl > 0)
        return parse_fail (ps, tok.start, "range can only initialize variables");
      else
        {
          push_back (ps, &tok);
          return 0;
        }
      if (pipe->assign && ! variable_defined (ps, ps->src + tok.start, tok.len))
        {
          char name[48];
          return parse_fail (ps, tok.start, "undefined variable \"%s\"",
                             token_name (ps, &tok, name, sizeof name));
        }
      pipe->decl[pipe->ndecl++] = xstrndup (ps->src + tok.start, tok.len);
      if (! pipe->assign)
        variable_push (ps, pipe->decl[pipe->ndecl - 1]);
      if (ps->src[ps->pos - 1] != ',')
        return 0;
    }
}

/* Commands separated by '|' up to `closing` (}} or ")").  */
static int
parse_pipeline (struct parser *ps, enum token_type closing, const char *context, struct tpl_pipeline **out)
{
  struct tpl_pipeline *pipe = xcalloc (1, sizeof *pipe);
  struct tpl_command *cmd = NULL;
  struct token tok;
  char name[48];

  pipe->pos = ps->pos;
  if (parse_declarations (ps, context, pipe) < 0)
    goto fail;
  for (;;)
    {
      if (next_token (ps, &tok) < 0)
        goto fail;
      if (cmd == NULL)
        {
          pipe->cmds = xrealloc (pipe->cmds, (pipe->ncmds + 1) * sizeof *pipe->cmds);
          cmd = &pipe->cmds[pipe->ncmds++];
          memset (cmd, 0, sizeof *cmd);
          cmd->pos = tok.start;
        }
      if (tok.type == closing || tok.type == TOK_PIPE)
        {
          if (cmd->nargs == 0 && tok.type == closing && pipe->ncmds == 1)
            {
              pipe->ncmds = 0;
              parse_fail (ps, tok.start, "missing value for %s", context);
              goto fail;
            }
          if (check_arity (ps, cmd, pipe->ncmds > 1) < 0)
            goto fail;
          cmd = NULL;
          if (tok.type == closing)
            break;
          continue;
        }
      if (tok.type == TOK_ACTION_END || tok.type == TOK_RPAREN)
        {
          parse_fail (ps, tok.start, "unexpected \"%s\" in %s", token_name (ps, &tok, name, sizeof name),
                      closing == TOK_RPAREN ? "parenthesized pipeline" : "operand");
          goto fail;
        }
      cmd->args = xrealloc (cmd->args, (cmd->nargs + 1) * sizeof *cmd->args);
      memset (&cmd->args[cmd->nargs], 0, sizeof *cmd->args);
      cmd->nargs++;
      if (parse_operand (ps, &tok, cmd->nargs == 1, &cmd->args[cmd->nargs - 1]) < 0)
        goto fail;
    }
  *out = pipe;
  return 0;

fail:
  pipeline_free (pipe);
  return -1;
}

/* Literal text between actions.  */

static void
add_text (struct parser *ps, struct tpl_list *list, size_t start, size_t end, bool trim_left, bool trim_right)
{
  _cleanup_free_ char *buf = xmalloc (end - start + 1);
  size_t n = 0, b = 0;
  struct tpl_node *node;

  for (size_t i = start; i < end; i++)
    {
      char c = ps->src[i];
      if (c == '\\' && i + 1 < end && (ps->src[i + 1] == 't' || ps->src[i + 1] == 'n')
          && ! (ps->flags & TEMPLATE_PARSE_VERBATIM))
        c = ps->src[++i] == 't' ? '\t' : '\n';
      else if (c == ' ' && (ps->flags & TEMPLATE_PARSE_TABLE))
        c = '\t';
      buf[n++] = c;
    }
  if (trim_left)
    while (b < n && is_space (buf[b]))
      b++;
  if (trim_right)
    while (n > b && is_space (buf[n - 1]))
      n--;
  if (n == b)
    return;
  node = node_new (TPL_NODE_TEXT, start);
  node->text = xstrndup (buf + b, n - b);
  node->text_len = n - b;
  list_add (list, node);
}

/* ps->pos just after the opening "{{" (and the "- " of a trim marker).  */
static int
skip_comment (struct parser *ps, size_t open)
{
  const char *close = NULL;

  for (size_t i = ps->pos + 2; i + 1 < ps->len; i++)
    if (ps->src[i] == '*' && ps->src[i + 1] == '/')
      {
        close = ps->src + i;
        break;
      }
  if (close == NULL)
    return parse_fail (ps, open, "unclosed comment");
  ps->pos = (size_t)(close - ps->src) + 2;
  if (ps->pos + 4 <= ps->len && memcmp (ps->src + ps->pos, " -}}", 4) == 0)
    {
      ps->pos += 4;
      ps->trim_next_text = true;
      return 0;
    }
  if (ps->pos + 2 <= ps->len && memcmp (ps->src + ps->pos, "}}", 2) == 0)
    {
      ps->pos += 2;
      ps->trim_next_text = false;
      return 0;
    }
  return parse_fail (ps, open, "comment ends before closing delimiter");
}

static int parse_list (struct parser *ps, struct tpl_list *list, enum terminator *term, size_t *term_pos);

static int
expect_action_end (struct parser *ps, const char *what)
{
  struct token tok;
  char name[48];

  if (next_token (ps, &tok) < 0)
    return -1;
  if (tok.type != TOK_ACTION_END)
    return parse_fail (ps, tok.start, "unexpected \"%s\" in %s", token_name (ps, &tok, name, sizeof name),
                       what);
  return 0;
}

/* {{if}} / {{range}} / {{with}}: the keyword has been read.  */
static int
parse_block (struct parser *ps, enum tpl_node_kind kind, size_t pos, const char *keyword,
             struct tpl_node **out)
{
  struct tpl_node *node = node_new (kind, pos);
  enum terminator term;
  size_t term_pos, vars_mark = ps->nvars;

  if (++ps->depth > TPL_MAX_DEPTH)
    {
      node_free (node);
      return parse_fail (ps, pos, "blocks nested too deeply");
    }
  /* {{break}} and {{continue}} are allowed in a range's {{else}} too, as Go 1.19's parser does.  */
  ps->range_depth += kind == TPL_NODE_RANGE;
  if (parse_pipeline (ps, TOK_ACTION_END, keyword, &node->pipe) < 0)
    goto fail;
  if (parse_list (ps, &node->body, &term, &term_pos) < 0)
    goto fail;
  if (term == TERM_EOF)
    {
      parse_fail (ps, ps->len, "unexpected EOF");
      goto fail;
    }
  if (term == TERM_ELSE_IF)
    {
      struct tpl_node *nested = NULL;
      if (kind != TPL_NODE_IF)
        {
          parse_fail (ps, term_pos, "{{else if}} only follows {{if}}");
          goto fail;
        }
      if (parse_block (ps, TPL_NODE_IF, term_pos, "if", &nested) < 0)
        goto fail;
      list_add (&node->else_body, nested);
    }
  else if (term == TERM_ELSE)
    {
      if (parse_list (ps, &node->else_body, &term, &term_pos) < 0)
        goto fail;
      if (term != TERM_END)
        {
          parse_fail (ps, term == TERM_EOF ? ps->len : term_pos,
                      term == TERM_EOF ? "unexpected EOF" : "expected end; found {{else}}");
          goto fail;
        }
    }
  ps->depth--;
  ps->range_depth -= kind == TPL_NODE_RANGE;
  variables_pop (ps, vars_mark);
  *out = node;
  return 0;

fail:
  ps->range_depth -= kind == TPL_NODE_RANGE;
  variables_pop (ps, vars_mark);
  node_free (node);
  return -1;
}

/* One action after "{{": a keyword, a comment or a pipeline.  */
static int
parse_action (struct parser *ps, struct tpl_list *list, size_t open, enum terminator *term, size_t *term_pos,
              bool *done)
{
  struct token tok;
  struct tpl_node *node = NULL;

  *done = false;
  if (ps->pos + 1 < ps->len && ps->src[ps->pos] == '/' && ps->src[ps->pos + 1] == '*')
    return skip_comment (ps, open);
  if (next_token (ps, &tok) < 0)
    return -1;
  if (token_is (ps, &tok, "end") || token_is (ps, &tok, "else"))
    {
      *term_pos = open;
      *done = true;
      *term = token_is (ps, &tok, "end") ? TERM_END : TERM_ELSE;
      if (*term == TERM_ELSE)
        {
          struct token next;
          if (next_token (ps, &next) < 0)
            return -1;
          if (token_is (ps, &next, "if"))
            {
              *term = TERM_ELSE_IF;
              return 0;
            }
          push_back (ps, &next);
        }
      return expect_action_end (ps, *term == TERM_END ? "end" : "else");
    }
  if (token_is (ps, &tok, "if") || token_is (ps, &tok, "range") || token_is (ps, &tok, "with"))
    {
      enum tpl_node_kind kind = token_is (ps, &tok, "if")      ? TPL_NODE_IF
                                : token_is (ps, &tok, "range") ? TPL_NODE_RANGE
                                                               : TPL_NODE_WITH;
      const char *kw = kind == TPL_NODE_IF ? "if" : kind == TPL_NODE_RANGE ? "range" : "with";
      if (parse_block (ps, kind, open, kw, &node) < 0)
        return -1;
      list_add (list, node);
      return 0;
    }
  if (token_is (ps, &tok, "break") || token_is (ps, &tok, "continue"))
    {
      bool is_break = token_is (ps, &tok, "break");
      if (ps->range_depth == 0)
        return parse_fail (ps, tok.start, "{{%s}} outside {{range}}", is_break ? "break" : "continue");
      if (expect_action_end (ps, is_break ? "{{break}}" : "{{continue}}") < 0)
        return -1;
      list_add (list, node_new (is_break ? TPL_NODE_BREAK : TPL_NODE_CONTINUE, open));
      return 0;
    }
  if (token_is (ps, &tok, "define") || token_is (ps, &tok, "template") || token_is (ps, &tok, "block"))
    return parse_fail (ps, tok.start, "{{%.*s}} is not supported", (int)tok.len, ps->src + tok.start);
  push_back (ps, &tok);
  node = node_new (TPL_NODE_ACTION, open);
  if (parse_pipeline (ps, TOK_ACTION_END, "command", &node->pipe) < 0)
    {
      node_free (node);
      return -1;
    }
  list_add (list, node);
  return 0;
}

static int
parse_list (struct parser *ps, struct tpl_list *list, enum terminator *term, size_t *term_pos)
{
  for (;;)
    {
      const char *open = NULL;
      bool trim_left = ps->trim_next_text, trim_right = false, done;
      size_t open_pos;

      for (size_t i = ps->pos; i + 1 < ps->len; i++)
        if (ps->src[i] == '{' && ps->src[i + 1] == '{')
          {
            open = ps->src + i;
            break;
          }
      if (open == NULL)
        {
          add_text (ps, list, ps->pos, ps->len, trim_left, false);
          ps->pos = ps->len;
          *term = TERM_EOF;
          *term_pos = ps->len;
          return 0;
        }
      open_pos = (size_t)(open - ps->src);
      if (open_pos + 3 < ps->len && open[2] == '-' && is_space (open[3]))
        trim_right = true;
      add_text (ps, list, ps->pos, open_pos, trim_left, trim_right);
      ps->trim_next_text = false;
      ps->pos = open_pos + (trim_right ? 4 : 2);
      ps->action_start = open_pos;
      ps->have_peek = false;
      if (parse_action (ps, list, open_pos, term, term_pos, &done) < 0)
        return -1;
      if (done)
        return 0;
    }
}

int
template_parse_flags (const char *text, unsigned flags, struct template **out, galley_error_t *err)
{
  struct template *t = xcalloc (1, sizeof *t);
  struct parser ps = { .src = text, .len = strlen (text), .flags = flags, .t = t, .err = err };
  enum terminator term;
  size_t term_pos;

  t->source = xstrdup (text);
  variable_push (&ps, "$");
  if (parse_list (&ps, &t->root, &term, &term_pos) < 0)
    goto fail;
  if (term != TERM_EOF)
    {
      parse_fail (&ps, term_pos, term == TERM_END ? "unexpected {{end}}" : "unexpected {{else}}");
      goto fail;
    }
  variables_pop (&ps, 0);
  free (ps.vars);
  *out = t;
  return 0;

fail:
  variables_pop (&ps, 0);
  free (ps.vars);
  template_free (t);
  return -1;
}

int
template_parse (const char *text, struct template **out, galley_error_t *err)
{
  return template_parse_flags (text, 0, out, err);
}

bool
template_ranges_over_dot (const struct template *t)
{
  for (size_t i = 0; i < t->root.n; i++)
    {
      const struct tpl_node *n = t->root.nodes[i];
      if (n->kind == TPL_NODE_RANGE && n->pipe->ncmds == 1 && n->pipe->cmds[0].nargs == 1
          && n->pipe->cmds[0].args[0].kind == TPL_ARG_FIELD && n->pipe->cmds[0].args[0].nfields == 0)
        return true;
    }
  return false;
}
