/* The command-line layer: the command table generated from commands.def, the
 * per-command option parser, and what every command handler receives.  */
#ifndef GALLEY_CLI_H
#define GALLEY_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "engine/engine.h"
#include "state/galley_config.h"
#include "state/paths.h"
#include "util/error.h"

enum cli_arg
{
  ARG_NONE,
  ARG_BOOL,
  ARG_REQUIRED,
};

enum cli_command_flags
{
  CMD_HIDDEN = 1 << 0,
  CMD_STOP_AT_ARG = 1 << 1, /* options end at the first argument (run IMAGE CMD --x) */
  CMD_GROUP = 1 << 2,
  CMD_RAW_ARGS = 1 << 3,     /* no option parsing at all: the handler gets the words as typed */
  CMD_SETUP = 1 << 4,        /* paths resolved, runroot made, galley.conf loaded before the handler */
  CMD_SETUP_GENTLY = 1 << 5, /* the same, but on failure the handler runs with empty paths */
  CMD_NO_RUNROOT = 1 << 6,   /* touches no volatile state: the runroot is neither made nor checked */
};

#define CMD(id, name, usage, flags, summary) CMD_##id,
#define OPT(cmd, id, name, short_, arg, metavar, help)
#define ALIAS(name, target)
enum cli_command_id
{
#include "cli/commands.def"
  CMD__COUNT
};
#undef CMD
#undef OPT
#undef ALIAS

#define CMD(id, name, usage, flags, summary)
#define OPT(cmd, id, name, short_, arg, metavar, help) OPT_##cmd##_##id,
#define ALIAS(name, target)
enum cli_option_id
{
  OPT__FIRST = 256,
#include "cli/commands.def"
  OPT__END
};
#undef CMD
#undef OPT
#undef ALIAS

struct cli_option
{
  enum cli_command_id cmd;
  int id;
  const char *name;
  int short_name;
  enum cli_arg arg;
  const char *metavar;
  const char *help; /* NULL: hidden (see commands.def) */
};

struct cli_context;
typedef int (*cli_handler) (struct cli_context *ctx, int argc, char **argv, galley_error_t *err);

struct cli_command
{
  enum cli_command_id id;
  const char *name;
  const char *usage;
  int flags;
  const char *summary;
  cli_handler handler;
  const struct cli_option *options; /* points into cli_options */
  size_t n_options;
};

/* What every handler receives: the command, the global options.  */
struct cli_context
{
  const struct cli_command *cmd;
  struct galley_paths paths;    /* resolved from --root/--runroot and the environment */
  struct galley_config *config; /* galley.conf (defaults when there is none) */
};

/* The engine as the command line uses it: progress on stderr.  */
static inline struct engine
cli_engine (const struct cli_context *ctx)
{
  return (struct engine){ .paths = &ctx->paths, .config = ctx->config, .progress = stderr };
}

#define CMD(id, name, usage, flags, summary) \
  int cli_cmd_##id (struct cli_context *ctx, int argc, char **argv, galley_error_t *err);
#define OPT(cmd, id, name, short_, arg, metavar, help)
#define ALIAS(name, target)
#include "cli/commands.def"
#undef CMD
#undef OPT
#undef ALIAS

/* The table.  */
extern struct cli_command cli_commands[CMD__COUNT];
const struct cli_command *cli_command_find (const char *name);
/* The i-th alias ("image ls") and its command; NULL past the last.  */
const char *cli_alias_at (size_t i, const struct cli_command **target);
/* The visible commands of group (&cli_commands[CMD_global] for the top
 * level) and its aliases, named without the group's name ("ls" for "image
 * ls"), sorted by name: at most max of them, CLI_GROUP_LIST_MAX holds all.  */
struct cli_listed
{
  const char *name;
  const struct cli_command *cmd;
};
#define CLI_GROUP_LIST_MAX (CMD__COUNT + 256)
size_t cli_group_list (const struct cli_command *group, struct cli_listed *out, size_t max);
/* Look up "argv[0]" or "argv[0] argv[1]" (subcommands and aliases); *used is 1 or 2.  */
const struct cli_command *cli_command_lookup (int argc, char **argv, int *used);

/* Option parsing over a command's table with getopt_long.
 *
 *     struct cli_parser p;
 *     const char *arg;
 *     int opt;
 *     cli_parser_init (&p, ctx->cmd, argc, argv);
 *     while ((opt = cli_parser_next (&p, &arg, err)) > 0)
 *       switch (opt) { case OPT_pull_quiet: ...; }
 *     if (opt < 0) return -1;
 *     // positionals: argv[p.optind .. argc-1]
 *
 * Errors (unknown option, missing argument, bad boolean) come back as -1 with
 * one clear message.  --help never reaches a handler: main() answers it.  */
struct cli_parser
{
  const struct cli_command *cmd;
  int argc;
  char **argv;
  int optind;
  void *longopts; /* struct option[], owned */
  char *shortopts;
  const char *cluster; /* the rest of a cluster of short flags ("-it": "t") */
};

/* Whether -h means --help for cmd (it does unless cmd uses -h itself, as
 * `run -h HOSTNAME`).  */
bool cli_help_has_short (const struct cli_command *cmd);

/* Returned by cli_parser_next for --help (only main() sees it).  */
#define CLI_OPT_HELP 1

void cli_parser_init (struct cli_parser *p, const struct cli_command *cmd, int argc, char **argv);
int cli_parser_next (struct cli_parser *p, const char **arg, galley_error_t *err);
void cli_parser_release (struct cli_parser *p);
#define _cleanup_cli_parser_ __attribute__ ((cleanup (cli_parser_release)))

/* Value helpers.  ARG_BOOL: NULL means true.  */
int cli_bool (const struct cli_parser *p, const char *arg, bool *out, galley_error_t *err);
int cli_uint (const struct cli_parser *p, const char *arg, unsigned long long max, unsigned long long *out,
              galley_error_t *err);
/* --unmapped-ids: "ignore" or "fail" (runtime/unmapped_ids.h).  */
int cli_unmapped_ids (const char *arg, galley_error_t *err);
/* Fail unless the number of positionals is within [min, max] (max < 0: any).  */
int cli_positionals (const struct cli_parser *p, int min, int max, galley_error_t *err);
/* Run p (initialised) over a command without options of its own, then
 * cli_positionals (p, min, max).  */
int cli_parse_no_options (struct cli_parser *p, int min, int max, galley_error_t *err);

/* The handler of a CMD_GROUP command ("image", "network"): reached only
 * without a valid subcommand; prints the group's help and fails.  Define a
 * group's handler as  CLI_GROUP_HANDLER (image)  in its command file.  */
int cli_group_dispatch (struct cli_context *ctx, int argc, char **argv, galley_error_t *err);

/* "unrecognized command `galley GROUP WORD`", with podman's "Did you
 * mean this?" list of the group's commands that WORD may have meant
 * (group is &cli_commands[CMD_global] for the top level).  Returns -1.  */
int cli_unknown_command (const struct cli_command *group, const char *word, galley_error_t *err);
#define CLI_GROUP_HANDLER(id)                                                            \
  int cli_cmd_##id (struct cli_context *ctx, int argc, char **argv, galley_error_t *err) \
  {                                                                                      \
    return cli_group_dispatch (ctx, argc, argv, err);                                    \
  }

/* Help text and man pages, from the table.  */
void cli_print_help (FILE *out, const struct cli_command *cmd);
void cli_print_man (FILE *out, const struct cli_command *cmd);

const struct cli_option *cli_option_by_id (const struct cli_command *cmd, int id);

/* The one place an error becomes "Error: MESSAGE" on stderr, after what
 * stdout holds: main's, and that of a command that goes on with its next
 * target after one failed (podman prints each, then exits 125).  Releases
 * *err; returns its exit code.  */
int cli_error_report (galley_error_t *err);

#endif
