/* Per-command option parsing with getopt_long over the command table.  */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

#define CLI_OPT_HELP_ID (OPT__END + 1)

static bool
short_taken (const struct cli_command *cmd, int c)
{
  size_t i;

  for (i = 0; i < cmd->n_options; i++)
    if (cmd->options[i].short_name == c)
      return true;
  return false;
}

bool
cli_help_has_short (const struct cli_command *cmd)
{
  return ! short_taken (cmd, 'h');
}

void
cli_parser_init (struct cli_parser *p, const struct cli_command *cmd, int argc, char **argv)
{
  struct option *lo = calloc (cmd->n_options + 2, sizeof *lo);
  char *so = calloc (cmd->n_options * 3 + 8, 1);
  size_t i, n = 0;

  if (lo == NULL || so == NULL)
    abort ();
  /* GNU permutation lets options follow arguments; '+' stops at the first
   * argument, as `run IMAGE CMD --flag` needs.  */
  if (cmd->flags & CMD_STOP_AT_ARG)
    so[n++] = '+';
  so[n++] = ':';
  for (i = 0; i < cmd->n_options; i++)
    {
      const struct cli_option *o = &cmd->options[i];
      lo[i].name = o->name;
      lo[i].has_arg = o->arg == ARG_NONE   ? no_argument
                      : o->arg == ARG_BOOL ? optional_argument
                                           : required_argument;
      lo[i].val = o->id;
      if (o->short_name)
        {
          so[n++] = (char)o->short_name;
          if (o->arg == ARG_REQUIRED)
            so[n++] = ':';
        }
    }
  lo[i].name = "help";
  lo[i].val = CLI_OPT_HELP_ID;
  if (! short_taken (cmd, 'h'))
    so[n++] = 'h';
  p->cmd = cmd;
  p->argc = argc;
  p->argv = argv;
  p->optind = 1;
  p->longopts = lo;
  p->shortopts = so;
  optind = 0; /* full re-initialisation of glibc's getopt */
  opterr = 0;
}

void
cli_parser_release (struct cli_parser *p)
{
  free (p->longopts);
  free (p->shortopts);
  p->longopts = NULL;
  p->shortopts = NULL;
}

static const char *
cmd_display (const struct cli_parser *p)
{
  return p->cmd->id == CMD_global ? "galley" : p->cmd->name;
}

static int
short_to_id (const struct cli_command *cmd, int c)
{
  size_t i;

  for (i = 0; i < cmd->n_options; i++)
    if (cmd->options[i].short_name == c)
      return cmd->options[i].id;
  return -1;
}

/* The word of argv that held the long option getopt_long just returned:
 * the last one it consumed, or the one before when that was the option's
 * separate argument ("--name NAME").  */
static const char *
long_option_word (const struct cli_parser *p)
{
  const char *word = p->argv[optind - 1];

  if (optarg != NULL && optarg == word && optind >= 2)
    word = p->argv[optind - 2];
  return word;
}

/* "--name=value" -> the length of "--name".  */
static int
flag_length (const char *word)
{
  return (int)strcspn (word, "=");
}

/* Whether word ("--name" or "--name=value") names a long option in full.  */
static bool
long_name_known (const struct cli_parser *p, const char *word)
{
  const struct option *lo = p->longopts;
  size_t n = (size_t)flag_length (word) - 2;

  for (; lo->name != NULL; lo++)
    if (strlen (lo->name) == n && strncmp (word + 2, lo->name, n) == 0)
      return true;
  return false;
}

int
cli_parser_next (struct cli_parser *p, const char **arg, galley_error_t *err)
{
  int c, id, longindex = -1;

  *arg = NULL;
  c = getopt_long (p->argc, p->argv, p->shortopts, (const struct option *)p->longopts, &longindex);
  p->optind = optind;
  if (c == -1)
    return 0;
  /* getopt_long takes any unambiguous prefix of a long name ("--priv" for
   * --privileged, "--pid" for --pids-limit); podman takes full names only.  */
  if (longindex >= 0 || (c == ':' && strncmp (p->argv[optind - 1], "--", 2) == 0))
    {
      const char *word = longindex >= 0 ? long_option_word (p) : p->argv[optind - 1];
      if (! long_name_known (p, word))
        return galley_error_make (err, 0, "unknown flag: %.*s", flag_length (word), word);
    }
  if (c == CLI_OPT_HELP_ID || (c == 'h' && ! short_taken (p->cmd, 'h')))
    return CLI_OPT_HELP;
  if (c == '?')
    {
      const char *word = p->argv[optind - 1];
      if (strncmp (word, "--", 2) != 0)
        return galley_error_make (err, 0, "unknown shorthand flag: '%c' in -%c", optopt, optopt);
      if (long_name_known (p, word))
        return galley_error_make (err, 0, "flag %.*s takes no value", flag_length (word), word);
      return galley_error_make (err, 0, "unknown flag: %.*s", flag_length (word), word);
    }
  if (c == ':')
    return galley_error_make (err, 0, "flag needs an argument: %s", p->argv[optind - 1]);
  id = c >= OPT__FIRST ? c : short_to_id (p->cmd, c);
  if (id < 0)
    return galley_error_make (err, 0, "unknown shorthand flag: '%c' in -%c", c, c);
  *arg = optarg;
  {
    const struct cli_option *o = cli_option_by_id (p->cmd, id);
    bool b;
    if (o && o->arg == ARG_BOOL && cli_bool (p, optarg, &b, err) < 0)
      return -1;
  }
  return id;
}

int
cli_bool (const struct cli_parser *p, const char *arg, bool *out, galley_error_t *err)
{
  if (arg == NULL || strcmp (arg, "true") == 0 || strcmp (arg, "1") == 0)
    *out = true;
  else if (strcmp (arg, "false") == 0 || strcmp (arg, "0") == 0)
    *out = false;
  else
    return galley_error_make (err, 0, "%s: invalid boolean value \"%s\" (expected true or false)",
                              cmd_display (p), arg);
  return 0;
}

int
cli_uint (const struct cli_parser *p, const char *arg, unsigned long long max, unsigned long long *out,
          galley_error_t *err)
{
  char *end = NULL;
  unsigned long long v;

  errno = 0;
  if (arg == NULL || *arg == '\0' || *arg == '-')
    return galley_error_make (err, 0, "%s: invalid number \"%s\"", cmd_display (p), arg ? arg : "");
  v = strtoull (arg, &end, 10);
  if (errno != 0 || *end != '\0' || v > max)
    return galley_error_make (err, 0, "%s: invalid number \"%s\" (0 to %llu)", cmd_display (p), arg, max);
  *out = v;
  return 0;
}

int
cli_unmapped_ids (const char *arg, galley_error_t *err)
{
  if (strcmp (arg, "ignore") != 0 && strcmp (arg, "fail") != 0)
    return galley_error_make (err, 0, "invalid value \"%s\" for --unmapped-ids: ignore or fail", arg);
  return 0;
}

int
cli_positionals (const struct cli_parser *p, int min, int max, galley_error_t *err)
{
  int n = p->argc - p->optind;

  if (n < min)
    return galley_error_make (err, 0, "%s requires at least %d argument%s (usage: galley %s %s)",
                              cmd_display (p), min, min == 1 ? "" : "s", p->cmd->name, p->cmd->usage);
  if (max >= 0 && n > max)
    {
      if (max == 0)
        return galley_error_make (err, 0, "%s takes no arguments (usage: galley %s %s)", cmd_display (p),
                                  p->cmd->name, p->cmd->usage);
      return galley_error_make (err, 0, "%s accepts at most %d argument%s (usage: galley %s %s)",
                                cmd_display (p), max, max == 1 ? "" : "s", p->cmd->name, p->cmd->usage);
    }
  return 0;
}

int
cli_parse_no_options (struct cli_parser *p, int min, int max, galley_error_t *err)
{
  const char *arg;
  int opt;

  while ((opt = cli_parser_next (p, &arg, err)) > 0)
    ;
  if (opt < 0)
    return -1;
  return cli_positionals (p, min, max, err);
}
