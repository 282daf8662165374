/* --help, `galley help`, and man pages (roff), all rendered from the command
 * table so that they cannot drift from what the parser accepts.  */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static void
option_label (const struct cli_option *o, char *buf, size_t len)
{
  const char *meta = o->arg == ARG_REQUIRED ? (o->metavar ? o->metavar : "VALUE") : NULL;

  if (o->short_name)
    snprintf (buf, len, "-%c, --%s%s%s", o->short_name, o->name, meta ? " " : "", meta ? meta : "");
  else
    snprintf (buf, len, "    --%s%s%s", o->name, meta ? " " : "", meta ? meta : "");
}

/* Commands listed under cmd: every visible top-level command for the
 * global pseudo-command, "group sub" commands for a group.  */
static bool
is_listed_under (const struct cli_command *parent, const struct cli_command *c)
{
  size_t n;

  if (c->flags & CMD_HIDDEN)
    return false;
  if (parent->id == CMD_global)
    return strchr (c->name, ' ') == NULL;
  n = strlen (parent->name);
  return strncmp (c->name, parent->name, n) == 0 && c->name[n] == ' ';
}

/* The commands of a group, or the top level's, as podman lists them.  */
static void
print_group_commands (FILE *out, const struct cli_command *group)
{
  struct cli_listed v[CLI_GROUP_LIST_MAX];
  size_t n = cli_group_list (group, v, sizeof v / sizeof v[0]), i;

  if (n == 0)
    return;
  fprintf (out, "\nAvailable Commands:\n");
  for (i = 0; i < n; i++)
    fprintf (out, "  %-12s %s\n", v[i].name, v[i].cmd->summary);
}

static const char *
display_name (const struct cli_command *cmd)
{
  return cmd->id == CMD_global ? "" : cmd->name;
}

void
cli_print_help (FILE *out, const struct cli_command *cmd)
{
  size_t i;

  fprintf (out, "%s\n\nUsage:\n  galley%s%s %s\n", cmd->summary, cmd->id == CMD_global ? "" : " ",
           display_name (cmd), cmd->usage);
  if ((cmd->flags & CMD_GROUP) || cmd->id == CMD_global)
    print_group_commands (out, cmd);
  fprintf (out, "\nOptions:\n");
  for (i = 0; i < cmd->n_options; i++)
    {
      char label[128];
      if (cmd->options[i].help == NULL)
        continue;
      option_label (&cmd->options[i], label, sizeof label);
      fprintf (out, "  %-32s %s\n", label, cmd->options[i].help);
    }
  fprintf (out, "  %-32s %s\n", cli_help_has_short (cmd) ? "-h, --help" : "    --help", "Show this help");
}

/* Escape roff's special characters at the start of lines and backslashes.  */
static void
roff_text (FILE *out, const char *s)
{
  if (*s == '.' || *s == '\'')
    fputs ("\\&", out);
  for (; *s; s++)
    {
      if (*s == '\\')
        fputs ("\\e", out);
      else if (*s == '-')
        fputs ("\\-", out);
      else
        fputc (*s, out);
    }
}

/* "galley-image-ls" for the command (or alias) named `name`.  */
static void
man_page_file (const char *name, char *buf, size_t len)
{
  size_t i;

  snprintf (buf, len, "galley%s%s", name[0] ? "-" : "", name);
  for (i = 0; buf[i]; i++)
    if (buf[i] == ' ')
      buf[i] = '-';
}

static void
man_page_name (const struct cli_command *cmd, char *buf, size_t len)
{
  man_page_file (display_name (cmd), buf, len);
}

/* Aliases listed under a group ("image ls") get pages of their own, as
 * podman's podman-image-list(1).  */
static bool
alias_has_page (const char *alias)
{
  return strchr (alias, ' ') != NULL;
}

/* The page of cmd, under the name it was asked for (an alias's name).  */
static void
print_man_as (FILE *out, const struct cli_command *cmd, const char *name)
{
  char page[128];
  size_t i;

  man_page_file (name, page, sizeof page);
  fprintf (out, ".TH \"%s\" \"1\" \"\" \"galley %s\" \"User Commands\"\n", page, PACKAGE_VERSION);
  fprintf (out, ".SH NAME\n");
  roff_text (out, page);
  fprintf (out, " \\- ");
  roff_text (out, cmd->summary);
  fprintf (out, "\n.SH SYNOPSIS\n.B galley%s", cmd->id == CMD_global ? "" : " ");
  roff_text (out, name);
  fprintf (out, "\n");
  roff_text (out, cmd->usage);
  fprintf (out, "\n.SH DESCRIPTION\n");
  roff_text (out, cmd->summary);
  fprintf (out, ".\n");
  if (cmd->id == CMD_global)
    {
      fprintf (out, ".SH COMMANDS\n");
      for (i = 0; i < CMD__COUNT; i++)
        if (is_listed_under (cmd, &cli_commands[i]))
          {
            man_page_name (&cli_commands[i], page, sizeof page);
            fprintf (out, ".TP\n.BR %s (1)\n", page);
            roff_text (out, cli_commands[i].summary);
            fprintf (out, "\n");
          }
    }
  fprintf (out, ".SH OPTIONS\n");
  for (i = 0; i < cmd->n_options; i++)
    {
      const struct cli_option *o = &cmd->options[i];
      if (o->help == NULL)
        continue;
      fprintf (out, ".TP\n");
      if (o->short_name)
        fprintf (out, "\\fB\\-%c\\fR, ", o->short_name);
      fprintf (out, "\\fB\\-\\-");
      roff_text (out, o->name);
      fprintf (out, "\\fR");
      if (o->arg == ARG_REQUIRED)
        {
          fprintf (out, " \\fI");
          roff_text (out, o->metavar ? o->metavar : "VALUE");
          fprintf (out, "\\fR");
        }
      else if (o->arg == ARG_BOOL)
        fprintf (out, "[=\\fItrue\\fR|\\fIfalse\\fR]");
      fprintf (out, "\n");
      roff_text (out, o->help);
      fprintf (out, "\n");
    }
  fprintf (out, ".TP\n%s\\fB\\-\\-help\\fR\nShow the help of this command.\n",
           cli_help_has_short (cmd) ? "\\fB\\-h\\fR, " : "");
  fprintf (out, ".SH EXIT STATUS\n125 when galley itself fails; 126 when the container command cannot be "
                "invoked; 127 when it is not found; otherwise the container's own status.\n");
  fprintf (out, ".SH SEE ALSO\n.BR galley (1)\n");
}

void
cli_print_man (FILE *out, const struct cli_command *cmd)
{
  print_man_as (out, cmd, display_name (cmd));
}

static const struct cli_command *
lookup_words (int argc, char **argv, galley_error_t *err)
{
  const struct cli_command *c;
  int used = 0;

  if (argc == 0)
    return &cli_commands[CMD_global];
  c = cli_command_lookup (argc, argv, &used);
  if (c == NULL || used != argc)
    {
      galley_error_make (err, 0, "unknown help topic \"%s\"", argv[0]);
      return NULL;
    }
  return c;
}

int
cli_cmd_help (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  const struct cli_command *c = lookup_words (argc - 1, argv + 1, err);

  if (c == NULL)
    return -1;
  cli_print_help (stdout, c);
  return 0;
}

int
cli_cmd_man (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  const struct cli_command *c, *target;
  const char *arg, *alias;
  char words[130];
  bool list = false;
  int opt;
  size_t i;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    if (opt == OPT_man_list)
      list = true;
  if (opt < 0)
    return -1;
  if (list)
    {
      char page[128];
      for (i = 0; i < CMD__COUNT; i++)
        if (i == CMD_global || ! (cli_commands[i].flags & CMD_HIDDEN))
          {
            man_page_name (&cli_commands[i], page, sizeof page);
            printf ("%s\n", page);
          }
      for (i = 0; (alias = cli_alias_at (i, &target)) != NULL; i++)
        if (alias_has_page (alias))
          {
            man_page_file (alias, page, sizeof page);
            printf ("%s\n", page);
          }
      return 0;
    }
  c = lookup_words (argc - p.optind, argv + p.optind, err);
  if (c == NULL)
    return -1;
  /* Asked for by an alias: the alias's page.  */
  if (argc - p.optind == 2 && snprintf (words, sizeof words, "%s %s", argv[p.optind], argv[p.optind + 1]) > 0
      && strcmp (words, c->name) != 0 && alias_has_page (words))
    print_man_as (stdout, c, words);
  else
    cli_print_man (stdout, c);
  return 0;
}

int
cli_cmd_global (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  cli_print_help (stdout, ctx->cmd);
  return 0;
}

int
cli_group_dispatch (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  if (argc > 1)
    return cli_unknown_command (ctx->cmd, argv[1], err);
  cli_print_help (stderr, ctx->cmd);
  return galley_error_make (err, 0, "missing command 'galley %s COMMAND'", ctx->cmd->name);
}
