/* One Containerfile instruction from its joined line: the keyword, the
 * builder flags and which of them each instruction accepts, the argument
 * forms Docker gives each instruction, and the heredocs a line announces.  */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "build/containerfile_internal.h"
#include "util/error_text.h"
#include "util/json.h"

int
cf_fail (const struct cf_line_ctx *ctx, galley_error_t *err, const char *fmt, ...)
{
  _cleanup_free_ char *msg = NULL;
  va_list ap;
  int r;

  va_start (ap, fmt);
  r = vasprintf (&msg, fmt, ap);
  va_end (ap);
  if (r < 0)
    abort ();
  if (ctx->line > 0)
    error_untrusted (err, "%s:%u: %s", ctx->name, ctx->line, msg);
  else
    error_untrusted (err, "%s: %s", ctx->name, msg);
  /* EINVAL for callers that look, without ": Invalid argument" in the text.  */
  if (err != NULL && *err != NULL)
    (*err)->errno_ = EINVAL;
  return -1;
}

static const char *const kind_names[] = {
  [CF_FROM] = "FROM",
  [CF_RUN] = "RUN",
  [CF_COPY] = "COPY",
  [CF_ADD] = "ADD",
  [CF_ENV] = "ENV",
  [CF_ARG] = "ARG",
  [CF_WORKDIR] = "WORKDIR",
  [CF_USER] = "USER",
  [CF_CMD] = "CMD",
  [CF_ENTRYPOINT] = "ENTRYPOINT",
  [CF_LABEL] = "LABEL",
  [CF_EXPOSE] = "EXPOSE",
  [CF_VOLUME] = "VOLUME",
  [CF_SHELL] = "SHELL",
  [CF_STOPSIGNAL] = "STOPSIGNAL",
  [CF_HEALTHCHECK] = "HEALTHCHECK",
  [CF_ONBUILD] = "ONBUILD",
  [CF_MAINTAINER] = "MAINTAINER",
};

const char *
cf_kind_name (enum cf_kind k)
{
  if ((size_t)k < sizeof kind_names / sizeof kind_names[0] && kind_names[k] != NULL)
    return kind_names[k];
  return "?";
}

static int
kind_lookup (const char *word, size_t len)
{
  size_t k;

  for (k = 0; k < sizeof kind_names / sizeof kind_names[0]; k++)
    if (strlen (kind_names[k]) == len && strncasecmp (kind_names[k], word, len) == 0)
      return (int)k;
  return -1;
}

/* The flags each instruction takes; "!" marks a boolean flag (a bare
 * --link means "true"), "+" one that may repeat.  */
static const char *const *
allowed_flags (enum cf_kind k)
{
  static const char *const from[] = { "platform", NULL };
  static const char *const run[] = { "+mount", "network", "security", NULL };
  static const char *const copy[] = { "from", "chown", "chmod", "!link", "!parents", "+exclude", NULL };
  static const char *const add[] = {
    "chown", "chmod", "!link", "!keep-git-dir", "checksum", "+exclude", NULL
  };
  static const char *const healthcheck[] = { "interval",       "timeout", "start-period",
                                             "start-interval", "retries", NULL };
  static const char *const none[] = { NULL };

  switch (k)
    {
    case CF_FROM:
      return from;
    case CF_RUN:
      return run;
    case CF_COPY:
      return copy;
    case CF_ADD:
      return add;
    case CF_HEALTHCHECK:
      return healthcheck;
    default:
      return none;
    }
}

/* buildkit's extractBuilderFlags: leading "--words" (quotes and escapes
 * processed) up to the first other word or a bare "--".  Returns the rest.  */
static const char *
extract_flag_words (const char *line, char ***words, size_t *n)
{
  _cleanup_cf_buf_ struct cf_buf word = { 0 };
  const char *p = line;

  *words = NULL;
  *n = 0;
  for (;;)
    {
      char quote = 0;

      while (cf_is_space (*p))
        p++;
      if (p[0] != '-' || p[1] != '-')
        return p;
      for (; *p != '\0' && (quote != 0 || ! cf_is_space (*p)); p++)
        {
          if (quote == 0 && (*p == '\'' || *p == '"'))
            {
              quote = *p;
              continue;
            }
          if (quote != 0 && *p == quote)
            {
              quote = 0;
              continue;
            }
          if (*p == '\\' && p[1] != '\0')
            p++;
          else if (*p == '\\')
            continue;
          cf_buf_putc (&word, *p);
        }
      if (word.s != NULL && strcmp (word.s, "--") == 0)
        return p;
      *words = xrealloc (*words, (*n + 1) * sizeof **words);
      (*words)[(*n)++] = cf_buf_steal (&word);
    }
}

static int
add_flag (const struct cf_line_ctx *ctx, struct cf_instruction *in, const char *word, galley_error_t *err)
{
  const char *const *allowed = allowed_flags (in->kind);
  const char *name = word + 2, *eq = strchr (name, '=');
  size_t name_len = eq != NULL ? (size_t)(eq - name) : strlen (name);
  const char *spec = NULL;
  size_t i;

  for (i = 0; allowed[i] != NULL; i++)
    {
      const char *a = allowed[i] + (allowed[i][0] == '!' || allowed[i][0] == '+');
      if (strlen (a) == name_len && strncmp (a, name, name_len) == 0)
        spec = allowed[i];
    }
  if (spec == NULL)
    return cf_fail (ctx, err, "flag --%.*s is not allowed on %s", (int)name_len, name,
                    cf_kind_name (in->kind));
  if (spec[0] != '+')
    for (i = 0; i < in->n_flags; i++)
      if (strlen (in->flags[i].name) == name_len && strncmp (in->flags[i].name, name, name_len) == 0)
        return cf_fail (ctx, err, "duplicate flag --%.*s", (int)name_len, name);
  if (spec[0] == '!' && eq != NULL && strcasecmp (eq + 1, "true") != 0 && strcasecmp (eq + 1, "false") != 0)
    return cf_fail (ctx, err, "flag --%.*s expects true or false, not \"%s\"", (int)name_len, name, eq + 1);
  if (spec[0] != '!' && eq == NULL)
    return cf_fail (ctx, err, "flag --%s needs a value (--%s=...)", name, name);
  in->flags = xrealloc (in->flags, (in->n_flags + 1) * sizeof *in->flags);
  in->flags[in->n_flags].name = xstrndup (name, name_len);
  in->flags[in->n_flags].value = xstrdup (eq != NULL ? eq + 1 : "true");
  if (spec[0] == '!')
    for (char *v = in->flags[in->n_flags].value; *v; v++)
      *v = (char)tolower ((unsigned char)*v);
  in->n_flags++;
  return 0;
}

static void
push_arg (struct cf_instruction *in, char *arg)
{
  in->args = xrealloc (in->args, (in->n_args + 2) * sizeof *in->args);
  in->args[in->n_args++] = arg;
  in->args[in->n_args] = NULL;
}

/* A JSON array of strings, as Docker's exec form.  1: it was one (args
 * filled), 0: it was not (shell form), -1: bad JSON where JSON is required.  */
static int
parse_json_args (const struct cf_line_ctx *ctx, struct cf_instruction *in, const char *rest, bool required,
                 galley_error_t *err)
{
  _cleanup_json_ json_object *arr = NULL;
  galley_error_t jerr = NULL;
  size_t i, n;

  if (rest[0] != '[')
    goto not_json;
  if (json_parse_strict (rest, strlen (rest), "exec form", &arr, &jerr) < 0)
    {
      galley_error_release (&jerr);
      goto not_json;
    }
  if (! json_object_is_type (arr, json_type_array))
    goto not_json;
  n = json_object_array_length (arr);
  for (i = 0; i < n; i++)
    if (! json_object_is_type (json_object_array_get_idx (arr, i), json_type_string))
      goto not_json;
  for (i = 0; i < n; i++)
    push_arg (in, xstrdup (json_object_get_string (json_object_array_get_idx (arr, i))));
  in->exec_form = true;
  return 1;

not_json:
  /* Docker runs a line that is not valid JSON with the shell ("[ -f x ]"
   * is a command), but '["' can only be a broken exec form.  */
  if (required || strncmp (rest, "[\"", 2) == 0)
    return cf_fail (ctx, err, "%s: bad JSON in exec form: %s", cf_kind_name (in->kind), rest);
  return 0;
}

/* RUN, CMD, ENTRYPOINT, HEALTHCHECK CMD: exec form or one shell line.  */
static int
parse_command (const struct cf_line_ctx *ctx, struct cf_instruction *in, const char *rest,
               galley_error_t *err)
{
  int r = parse_json_args (ctx, in, rest, false, err);

  if (r < 0)
    return -1;
  if (r > 0 && in->n_args == 0 && (in->kind == CF_RUN || in->kind == CF_HEALTHCHECK))
    return cf_fail (ctx, err, "%s requires at least one argument", cf_kind_name (in->kind));
  if (r > 0)
    return 0;
  if (*rest == '\0')
    return cf_fail (ctx, err, "%s requires at least one argument", cf_kind_name (in->kind));
  push_arg (in, xstrdup (rest));
  return 0;
}

static void
split_whitespace (struct cf_instruction *in, const char *rest)
{
  const char *p = rest;

  while (*p != '\0')
    {
      const char *start;

      while (cf_is_space (*p))
        p++;
      start = p;
      while (*p != '\0' && ! cf_is_space (*p))
        p++;
      if (p > start)
        push_arg (in, xstrndup (start, (size_t)(p - start)));
    }
}

/* ENV and LABEL: "K=V K2=V2" or the legacy "K V W".  Quotes stay (cf_expand
 * removes them), as in Docker's parseNameVal.  */
static int
parse_name_values (const struct cf_line_ctx *ctx, struct cf_instruction *in, const char *rest,
                   galley_error_t *err)
{
  const char *kind = cf_kind_name (in->kind);
  size_t n, i;
  char **words = cf_split_words (rest, ctx->escape, &n);
  int r = 0;

  if (n == 0)
    r = cf_fail (ctx, err, "%s requires at least one argument", kind);
  else if (strchr (words[0], '=') == NULL)
    {
      const char *p = rest, *key_end;

      while (*p != '\0' && ! cf_is_space (*p))
        p++;
      key_end = p;
      while (cf_is_space (*p))
        p++;
      if (*p == '\0')
        r = cf_fail (ctx, err, "%s must have two arguments (%s NAME VALUE or %s NAME=VALUE)", kind, kind,
                     kind);
      else
        {
          push_arg (in, xstrndup (rest, (size_t)(key_end - rest)));
          push_arg (in, xstrdup (p));
        }
    }
  else
    for (i = 0; i < n && r == 0; i++)
      {
        char *eq = strchr (words[i], '=');

        if (eq == NULL)
          r = cf_fail (ctx, err, "%s: can't find = in \"%s\"; it must be of the form NAME=VALUE", kind,
                       words[i]);
        else if (eq == words[i])
          r = cf_fail (ctx, err, "%s names can not be blank", kind);
        else
          {
            push_arg (in, xstrndup (words[i], (size_t)(eq - words[i])));
            push_arg (in, xstrdup (eq + 1));
          }
      }
  cf_strv_free (words, n);
  return r;
}

static int
parse_arg (const struct cf_line_ctx *ctx, struct cf_instruction *in, const char *rest, galley_error_t *err)
{
  size_t n, i;
  char **words = cf_split_words (rest, ctx->escape, &n);
  int r = 0;

  if (n == 0)
    r = cf_fail (ctx, err, "ARG requires at least one argument");
  for (i = 0; i < n && r == 0; i++)
    {
      if (words[i][0] == '=')
        r = cf_fail (ctx, err, "ARG names can not be blank");
      else
        push_arg (in, steal_pointer (&words[i]));
    }
  cf_strv_free (words, n);
  return r;
}

static int
parse_from (const struct cf_line_ctx *ctx, struct cf_instruction *in, const char *rest, galley_error_t *err)
{
  split_whitespace (in, rest);
  if (in->n_args != 1 && (in->n_args != 3 || strcasecmp (in->args[1], "as") != 0))
    return cf_fail (ctx, err, "FROM requires either one or three arguments (FROM IMAGE [AS NAME])");
  return 0;
}

static int
parse_healthcheck (const struct cf_line_ctx *ctx, struct cf_instruction *in, const char *rest,
                   galley_error_t *err)
{
  size_t type_len = 0;

  while (rest[type_len] != '\0' && ! cf_is_space (rest[type_len]))
    type_len++;
  if (type_len == 0)
    return cf_fail (ctx, err, "HEALTHCHECK requires at least one argument (CMD ... or NONE)");
  if (type_len == 4 && strncasecmp (rest, "NONE", 4) == 0)
    {
      if (rest[4] != '\0')
        return cf_fail (ctx, err, "HEALTHCHECK NONE takes no arguments");
      return 0;
    }
  if (type_len != 3 || strncasecmp (rest, "CMD", 3) != 0)
    return cf_fail (ctx, err, "unknown type \"%.*s\" in HEALTHCHECK (try CMD)", (int)type_len, rest);
  rest += 3;
  while (cf_is_space (*rest))
    rest++;
  if (*rest == '\0')
    return cf_fail (ctx, err, "HEALTHCHECK CMD requires a command");
  return parse_command (ctx, in, rest, err);
}

static int
check_healthcheck_flags (const struct cf_line_ctx *ctx, const struct cf_instruction *in, galley_error_t *err)
{
  size_t i;

  for (i = 0; i < in->n_flags; i++)
    {
      const char *v = in->flags[i].value;

      if (strcmp (in->flags[i].name, "retries") == 0)
        {
          char *end;
          long long r;

          errno = 0;
          r = strtoll (v, &end, 10);
          if (*v == '\0' || *end != '\0' || errno != 0 || r < 0)
            return cf_fail (ctx, err, "HEALTHCHECK --retries: not a non-negative number: \"%s\"", v);
        }
      else
        {
          int64_t ns;

          if (cf_parse_duration (v, &ns) < 0)
            return cf_fail (ctx, err, "HEALTHCHECK --%s: bad duration \"%s\"", in->flags[i].name, v);
          if (ns != 0 && ns < 1000000)
            return cf_fail (ctx, err, "HEALTHCHECK --%s cannot be less than 1ms", in->flags[i].name);
        }
    }
  return 0;
}

/* USER, WORKDIR, STOPSIGNAL, MAINTAINER take the rest of the line as one
 * argument (Docker's parseString).  */
static int
parse_string (const struct cf_line_ctx *ctx, struct cf_instruction *in, const char *rest, galley_error_t *err)
{
  if (*rest == '\0')
    return cf_fail (ctx, err, "%s requires exactly one argument", cf_kind_name (in->kind));
  push_arg (in, xstrdup (rest));
  return 0;
}

static int
parse_list (const struct cf_line_ctx *ctx, struct cf_instruction *in, const char *rest, size_t min,
            galley_error_t *err)
{
  size_t i;

  if (parse_json_args (ctx, in, rest, false, err) < 0)
    return -1;
  if (! in->exec_form)
    split_whitespace (in, rest);
  if (in->n_args < min && min == 2)
    return cf_fail (ctx, err, "%s requires at least two arguments (sources and a destination)",
                    cf_kind_name (in->kind));
  if (in->n_args < min)
    return cf_fail (ctx, err, "%s requires at least one argument", cf_kind_name (in->kind));
  for (i = 0; i < in->n_args; i++)
    if (in->args[i][0] == '\0')
      return cf_fail (ctx, err, "%s: an argument can not be an empty string", cf_kind_name (in->kind));
  return 0;
}

static int parse_by_kind (const struct cf_line_ctx *ctx, struct cf_instruction *in, const char *rest,
                          galley_error_t *err);

static int
parse_onbuild (const struct cf_line_ctx *ctx, struct cf_instruction *in, const char *rest,
               galley_error_t *err)
{
  struct cf_instruction *sub;

  if (*rest == '\0')
    return cf_fail (ctx, err, "ONBUILD requires at least one argument");
  sub = calloc (1, sizeof *sub);
  if (sub == NULL)
    abort ();
  in->onbuild = sub;
  if (cf_instruction_parse (ctx, rest, sub, err) < 0)
    return -1;
  switch (sub->kind)
    {
    case CF_ONBUILD:
      return cf_fail (ctx, err, "ONBUILD ONBUILD isn't allowed");
    case CF_FROM:
    case CF_MAINTAINER:
      return cf_fail (ctx, err, "%s isn't allowed as an ONBUILD trigger", cf_kind_name (sub->kind));
    default:
      return 0;
    }
}

static int
parse_by_kind (const struct cf_line_ctx *ctx, struct cf_instruction *in, const char *rest,
               galley_error_t *err)
{
  switch (in->kind)
    {
    case CF_FROM:
      return parse_from (ctx, in, rest, err);
    case CF_RUN:
    case CF_CMD:
    case CF_ENTRYPOINT:
      return parse_command (ctx, in, rest, err);
    case CF_COPY:
    case CF_ADD:
      return parse_list (ctx, in, rest, 2, err);
    case CF_EXPOSE:
      split_whitespace (in, rest);
      return in->n_args == 0 ? cf_fail (ctx, err, "EXPOSE requires at least one argument") : 0;
    case CF_VOLUME:
      return parse_list (ctx, in, rest, 1, err);
    case CF_ENV:
    case CF_LABEL:
      return parse_name_values (ctx, in, rest, err);
    case CF_ARG:
      return parse_arg (ctx, in, rest, err);
    case CF_SHELL:
      if (parse_json_args (ctx, in, rest, true, err) < 0)
        return -1;
      return in->n_args == 0 ? cf_fail (ctx, err, "SHELL requires at least one argument") : 0;
    case CF_HEALTHCHECK:
      if (check_healthcheck_flags (ctx, in, err) < 0)
        return -1;
      return parse_healthcheck (ctx, in, rest, err);
    case CF_ONBUILD:
      return parse_onbuild (ctx, in, rest, err);
    case CF_WORKDIR:
    case CF_USER:
    case CF_STOPSIGNAL:
    case CF_MAINTAINER:
      return parse_string (ctx, in, rest, err);
    }
  return cf_fail (ctx, err, "unknown instruction kind");
}

/* buildkit's ParseHeredoc on one word of the line: [N]<<[-]WORD with WORD a
 * single shell word; any quoting in it turns expansion off.  1: a heredoc
 * (filled in), 0: not one.  */
static int
heredoc_from_word (const char *word, struct cf_heredoc *h)
{
  _cleanup_cf_buf_ struct cf_buf name = { 0 };
  const char *p = word;
  bool quoted = false;
  char quote = 0;

  while (isdigit ((unsigned char)*p))
    p++;
  if (p[0] != '<' || p[1] != '<')
    return 0;
  p += 2;
  h->chomp = *p == '-';
  if (h->chomp)
    p++;
  if (*p == '\0' || strchr (p, '<') != NULL)
    return 0;
  for (; *p != '\0'; p++)
    {
      if (quote == 0 && (*p == '\'' || *p == '"'))
        quote = *p, quoted = true;
      else if (quote != 0 && *p == quote)
        quote = 0;
      else if (*p == '\\' && quote != '\'' && p[1] != '\0')
        cf_buf_putc (&name, *++p), quoted = true;
      else
        cf_buf_putc (&name, *p);
    }
  if (quote != 0 || name.len == 0)
    return 0;
  h->name = cf_buf_steal (&name);
  h->expand = ! quoted;
  return 1;
}

const struct cf_heredoc *
cf_heredoc_for_word (const struct cf_instruction *in, const char *word)
{
  struct cf_heredoc h = { 0 };
  const struct cf_heredoc *found = NULL;
  size_t i;

  if (heredoc_from_word (word, &h) == 0)
    return NULL;
  for (i = 0; i < in->n_heredocs && found == NULL; i++)
    if (strcmp (in->heredocs[i].name, h.name) == 0)
      found = &in->heredocs[i];
  free (h.name);
  return found;
}

static void
find_heredocs (const struct cf_line_ctx *ctx, struct cf_instruction *in, const char *line)
{
  size_t n, i;
  char **words;

  if ((in->kind != CF_RUN && in->kind != CF_COPY && in->kind != CF_ADD) || in->exec_form
      || strstr (line, "<<") == NULL)
    return;
  words = cf_split_words (line, ctx->escape, &n);
  for (i = 0; i < n; i++)
    {
      struct cf_heredoc h = { 0 };

      if (heredoc_from_word (words[i], &h) == 0)
        continue;
      in->heredocs = xrealloc (in->heredocs, (in->n_heredocs + 1) * sizeof *in->heredocs);
      in->heredocs[in->n_heredocs++] = h;
    }
  cf_strv_free (words, n);
}

int
cf_instruction_parse (const struct cf_line_ctx *ctx, const char *line, struct cf_instruction *in,
                      galley_error_t *err)
{
  _cleanup_free_ char *rest = NULL;
  const char *kw = line, *after;
  char **flag_words = NULL;
  size_t kw_len = 0, n_flags = 0, i, len;
  int kind, r = 0;

  while (cf_is_space (*kw))
    kw++;
  while (kw[kw_len] != '\0' && ! cf_is_space (kw[kw_len]))
    kw_len++;
  len = strlen (kw);
  while (len > 0 && cf_is_space (kw[len - 1]))
    len--;
  in->text = xstrndup (kw, len);
  in->line = ctx->line;
  kind = kind_lookup (kw, kw_len);
  if (kind < 0)
    return cf_fail (ctx, err, "unknown instruction: %.*s", (int)kw_len, kw);
  in->kind = (enum cf_kind)kind;
  after = extract_flag_words (in->text + kw_len, &flag_words, &n_flags);
  for (i = 0; i < n_flags; i++)
    {
      if (r == 0)
        r = add_flag (ctx, in, flag_words[i], err);
    }
  cf_strv_free (flag_words, n_flags);
  if (r < 0)
    return -1;
  while (cf_is_space (*after))
    after++;
  rest = xstrdup (after);
  if (parse_by_kind (ctx, in, rest, err) < 0)
    return -1;
  find_heredocs (ctx, in, in->text);
  if (in->onbuild != NULL && in->onbuild->n_heredocs > 0)
    return cf_fail (ctx, err, "heredocs are not supported in ONBUILD triggers");
  return 0;
}

void
cf_instruction_clear (struct cf_instruction *in)
{
  size_t i;

  free (in->text);
  for (i = 0; i < in->n_flags; i++)
    {
      free (in->flags[i].name);
      free (in->flags[i].value);
    }
  free (in->flags);
  cf_strv_free (in->args, in->n_args);
  for (i = 0; i < in->n_heredocs; i++)
    {
      free (in->heredocs[i].name);
      free (in->heredocs[i].content);
    }
  free (in->heredocs);
  if (in->onbuild != NULL)
    {
      cf_instruction_clear (in->onbuild);
      free (in->onbuild);
    }
  memset (in, 0, sizeof *in);
}
