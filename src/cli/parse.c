/* Per-command option parsing with getopt_long over the command table.  */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
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

/* Flags without a value are podman's booleans: "--all=false" and "-a=false"
 * are accepted as well, so they take an optional value.  */
static bool
is_boolean (const struct cli_option *o)
{
  return o->arg == ARG_NONE || o->arg == ARG_BOOL;
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
      lo[i].has_arg = is_boolean (o) ? optional_argument : required_argument;
      lo[i].val = o->id;
      if (o->short_name)
        {
          /* A boolean's optional value is the rest of its word: "=false",
           * or the next flags of a cluster ("-it"), which
           * cli_parser_next takes apart itself.  */
          so[n++] = (char)o->short_name;
          so[n++] = ':';
          if (is_boolean (o))
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
  p->cluster = NULL;
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

static const struct cli_option *
short_option (const struct cli_command *cmd, int c)
{
  size_t i;

  for (i = 0; i < cmd->n_options; i++)
    if (cmd->options[i].short_name == c)
      return &cmd->options[i];
  return NULL;
}

/* A mistake in the flags of the command line, as podman words it: the
 * message, then where to look.  */
static int flag_error (const struct cli_parser *p, galley_error_t *err, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

static int
flag_error (const struct cli_parser *p, galley_error_t *err, const char *fmt, ...)
{
  char msg[512];
  va_list ap;

  va_start (ap, fmt);
  vsnprintf (msg, sizeof msg, fmt, ap);
  va_end (ap);
  return galley_error_make (err, 0, "%s\nSee 'galley%s%s --help'", msg, p->cmd->id == CMD_global ? "" : " ",
                            p->cmd->id == CMD_global ? "" : p->cmd->name);
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

/* Go's strconv.ParseBool, which podman's boolean flags use.  */
static int
parse_bool (const char *arg, bool *out)
{
  static const char *const yes[] = { "1", "t", "T", "TRUE", "true", "True" };
  static const char *const no[] = { "0", "f", "F", "FALSE", "false", "False" };
  size_t i;

  for (i = 0; i < sizeof yes / sizeof yes[0]; i++)
    if (strcmp (arg, yes[i]) == 0)
      {
        *out = true;
        return 0;
      }
  for (i = 0; i < sizeof no / sizeof no[0]; i++)
    if (strcmp (arg, no[i]) == 0)
      {
        *out = false;
        return 0;
      }
  return -1;
}

/* How the option is named in podman's messages: "-a, --all" or "--rm".  */
static void
option_names (const struct cli_option *o, char *buf, size_t len)
{
  if (o->short_name)
    snprintf (buf, len, "-%c, --%s", o->short_name, o->name);
  else
    snprintf (buf, len, "--%s", o->name);
}

static int
bad_bool (const struct cli_parser *p, const struct cli_option *o, const char *arg, galley_error_t *err)
{
  char names[128];

  option_names (o, names, sizeof names);
  return flag_error (p, err, "invalid argument \"%s\" for \"%s\" flag: parsing \"%s\": invalid syntax", arg,
                     names, arg);
}

/* What an option given with its value amounts to: its id, or 0 for a
 * value-less flag set to false (it was never given: such flags are off
 * unless given), or -1 for a value that is no boolean.  */
static int
option_result (const struct cli_parser *p, const struct cli_option *o, const char **arg, galley_error_t *err)
{
  bool b;

  if (! is_boolean (o) || *arg == NULL)
    return o->id;
  if (parse_bool (*arg, &b) < 0)
    return bad_bool (p, o, *arg, err);
  if (o->arg == ARG_NONE)
    {
      *arg = NULL;
      return b ? o->id : 0;
    }
  return o->id;
}

/* The next flag of a cluster of short flags ("-it", "-dp 80"), which
 * getopt handed back whole as the value of the cluster's first flag: each
 * letter a flag, a boolean's "=value" or another flag's value ending the
 * cluster, as pflag reads them.  */
static int
cluster_next (struct cli_parser *p, const char **arg, galley_error_t *err)
{
  const char *rest = p->cluster;
  const struct cli_option *o = short_option (p->cmd, *rest);

  p->cluster = rest[1] != '\0' ? rest + 1 : NULL;
  if (o == NULL)
    {
      if (*rest == 'h' && ! short_taken (p->cmd, 'h'))
        return CLI_OPT_HELP;
      p->cluster = NULL;
      return flag_error (p, err, "unknown shorthand flag: '%c' in -%s", *rest, rest);
    }
  if (rest[1] == '=' || (o->arg == ARG_REQUIRED && rest[1] != '\0'))
    {
      *arg = rest[1] == '=' ? rest + 2 : rest + 1;
      p->cluster = NULL;
    }
  else if (o->arg == ARG_REQUIRED)
    {
      if (optind >= p->argc)
        return flag_error (p, err, "flag needs an argument: '%c' in -%c", *rest, *rest);
      *arg = p->argv[optind++];
      p->optind = optind;
    }
  return option_result (p, o, arg, err);
}

static int
parser_step (struct cli_parser *p, const char **arg, galley_error_t *err)
{
  const struct cli_option *o;
  int c, longindex = -1;

  *arg = NULL;
  if (p->cluster != NULL)
    return cluster_next (p, arg, err);
  c = getopt_long (p->argc, p->argv, p->shortopts, (const struct option *)p->longopts, &longindex);
  p->optind = optind;
  if (c == -1)
    return -2;
  /* getopt_long takes any unambiguous prefix of a long name ("--priv" for
   * --privileged, "--pid" for --pids-limit); podman takes full names only.  */
  if (longindex >= 0 || (c == ':' && strncmp (p->argv[optind - 1], "--", 2) == 0))
    {
      const char *word = longindex >= 0 ? long_option_word (p) : p->argv[optind - 1];
      if (! long_name_known (p, word))
        return flag_error (p, err, "unknown flag: %.*s", flag_length (word), word);
    }
  if (c == CLI_OPT_HELP_ID || (c == 'h' && ! short_taken (p->cmd, 'h')))
    return CLI_OPT_HELP;
  if (c == '?')
    {
      const char *word = p->argv[optind - 1];
      if (strncmp (word, "--", 2) == 0)
        return flag_error (p, err, "unknown flag: %.*s", flag_length (word), word);
      /* Only a cluster's first letter can be unknown here (getopt hands
       * the rest after a boolean back as its value); getopt stays on a
       * word it has not finished.  */
      if (! (word[0] == '-' && word[1] == optopt && word[2] == '\0') && optind < p->argc)
        word = p->argv[optind];
      return flag_error (p, err, "unknown shorthand flag: '%c' in %s", optopt, word);
    }
  if (c == ':')
    {
      const char *word = p->argv[optind - 1];
      if (strncmp (word, "--", 2) == 0)
        return flag_error (p, err, "flag needs an argument: %s", word);
      return flag_error (p, err, "flag needs an argument: '%c' in -%c", optopt, optopt);
    }
  o = c >= OPT__FIRST ? cli_option_by_id (p->cmd, c) : short_option (p->cmd, c);
  if (o == NULL)
    return flag_error (p, err, "unknown shorthand flag: '%c' in -%c", c, c);
  *arg = optarg;
  if (c < OPT__FIRST && optarg != NULL && optarg != p->argv[optind - 1])
    {
      /* A short flag's value written in its word: "-f=json", "-ffile",
       * or, for a boolean, "=false" or the rest of a cluster.  */
      if (*optarg == '=')
        (*arg)++;
      else if (is_boolean (o))
        {
          p->cluster = optarg;
          *arg = NULL;
        }
    }
  return option_result (p, o, arg, err);
}

int
cli_parser_next (struct cli_parser *p, const char **arg, galley_error_t *err)
{
  int ret;

  /* A value-less flag set to false is skipped.  */
  while ((ret = parser_step (p, arg, err)) == 0)
    ;
  return ret == -2 ? 0 : ret;
}

int
cli_bool (const struct cli_parser *p, const char *arg, bool *out, galley_error_t *err)
{
  if (arg == NULL)
    *out = true;
  else if (parse_bool (arg, out) < 0)
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
