/* The command table, generated from commands.def, and command lookup.  */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

#define CMD(id, name, usage, flags, summary)
#define OPT(cmd, id, name, short_, arg, metavar, help) \
  { CMD_##cmd, OPT_##cmd##_##id, name, short_, arg, metavar, help },
#define ALIAS(name, target)
static const struct cli_option cli_options[] = {
#include "cli/commands.def"
};
#undef CMD
#undef OPT
#undef ALIAS

#define CMD(id, name, usage, flags, summary) \
  [CMD_##id] = { CMD_##id, name, usage, flags, summary, cli_cmd_##id, NULL, 0 },
#define OPT(cmd, id, name, short_, arg, metavar, help)
#define ALIAS(name, target)
struct cli_command cli_commands[CMD__COUNT] = {
#include "cli/commands.def"
};
#undef CMD
#undef OPT
#undef ALIAS

#define CMD(id, name, usage, flags, summary)
#define OPT(cmd, id, name, short_, arg, metavar, help)
#define ALIAS(name, target) { name, CMD_##target },
static const struct
{
  const char *name;
  enum cli_command_id target;
} cli_aliases[] = {
#include "cli/commands.def"
  { NULL, CMD__COUNT },
};
#undef CMD
#undef OPT
#undef ALIAS

/* Attach each command's slice of cli_options (OPTs follow their CMD, so
 * each slice is contiguous) once, at start-up.  */
__attribute__ ((constructor)) static void
cli_table_link (void)
{
  struct cli_command *cmds = cli_commands;
  size_t i;

  for (i = 0; i < sizeof cli_options / sizeof cli_options[0]; i++)
    {
      struct cli_command *c = &cmds[cli_options[i].cmd];
      if (c->options == NULL)
        c->options = &cli_options[i];
      c->n_options++;
    }
}

const struct cli_command *
cli_command_find (const char *name)
{
  size_t i;

  for (i = 0; i < CMD__COUNT; i++)
    if (strcmp (cli_commands[i].name, name) == 0)
      return &cli_commands[i];
  for (i = 0; cli_aliases[i].name != NULL; i++)
    if (strcmp (cli_aliases[i].name, name) == 0)
      return &cli_commands[cli_aliases[i].target];
  return NULL;
}

const struct cli_command *
cli_command_lookup (int argc, char **argv, int *used)
{
  const struct cli_command *c;

  if (argc <= 0)
    return NULL;
  if (argc >= 2 && strlen (argv[0]) + strlen (argv[1]) < 128)
    {
      char two[130];
      strcpy (two, argv[0]);
      strcat (two, " ");
      strcat (two, argv[1]);
      c = cli_command_find (two);
      if (c != NULL)
        {
          *used = 2;
          return c;
        }
    }
  c = cli_command_find (argv[0]);
  if (c == NULL || c->id == CMD_global)
    return NULL;
  *used = 1;
  return c;
}

const char *
cli_alias_at (size_t i, const struct cli_command **target)
{
  if (i >= sizeof cli_aliases / sizeof cli_aliases[0] - 1)
    return NULL;
  *target = &cli_commands[cli_aliases[i].target];
  return cli_aliases[i].name;
}

const struct cli_option *
cli_option_by_id (const struct cli_command *cmd, int id)
{
  size_t i;

  for (i = 0; i < cmd->n_options; i++)
    if (cmd->options[i].id == id)
      return &cmd->options[i];
  return NULL;
}

/* Add name to the listing when it is a command of group: "ps" for the top
 * level, "ls" for "image ls".  */
static void
list_if_under (const struct cli_command *group, const char *name, const struct cli_command *cmd,
               struct cli_listed *out, size_t *n, size_t max)
{
  size_t glen = strlen (group->name);

  if (*n >= max)
    return;
  if (group->id == CMD_global)
    {
      if (strchr (name, ' ') == NULL)
        out[(*n)++] = (struct cli_listed){ name, cmd };
    }
  else if (strncmp (name, group->name, glen) == 0 && name[glen] == ' ')
    out[(*n)++] = (struct cli_listed){ name + glen + 1, cmd };
}

static int
compare_listed (const void *a, const void *b)
{
  return strcmp (((const struct cli_listed *)a)->name, ((const struct cli_listed *)b)->name);
}

size_t
cli_group_list (const struct cli_command *group, struct cli_listed *out, size_t max)
{
  size_t i, n = 0;

  for (i = 0; i < CMD__COUNT; i++)
    if (! (cli_commands[i].flags & CMD_HIDDEN))
      list_if_under (group, cli_commands[i].name, &cli_commands[i], out, &n, max);
  for (i = 0; cli_aliases[i].name != NULL; i++)
    list_if_under (group, cli_aliases[i].name, &cli_commands[cli_aliases[i].target], out, &n, max);
  qsort (out, n, sizeof out[0], compare_listed);
  return n;
}
