/* An unknown command, worded as podman's: the commands of its group that the
 * word may have meant, then where to look.  */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "cli/cli.h"
#include "util/edit_distance.h"

/* cobra's SuggestionsFor: a command whose name starts with the word (case
 * aside) and, at the top level only, one within two edits of it.  */
static bool
may_have_meant (const struct cli_command *group, const char *word, const char *name)
{
  size_t max_distance = group->id == CMD_global ? 2 : 0;

  return strncasecmp (name, word, strlen (word)) == 0 || edit_distance (word, name, true) <= max_distance;
}

int
cli_unknown_command (const struct cli_command *group, const char *word, galley_error_t *err)
{
  struct cli_listed names[CLI_GROUP_LIST_MAX];
  char path[128], list[1024] = "";
  size_t n, i, used = 0;

  snprintf (path, sizeof path, "galley%s%s", group->id == CMD_global ? "" : " ",
            group->id == CMD_global ? "" : group->name);
  n = cli_group_list (group, names, sizeof names / sizeof names[0]);
  for (i = 0; i < n; i++)
    if (may_have_meant (group, word, names[i].name) && used + strlen (names[i].name) + 3 < sizeof list)
      used += (size_t)snprintf (list + used, sizeof list - used, "\n\t%s", names[i].name);
  if (used == 0)
    return galley_error_make (err, 0, "unrecognized command `%s %s`\nTry '%s --help' for more information",
                              path, word, path);
  return galley_error_make (
      err, 0,
      "unrecognized command `%s %s`\n\nDid you mean this?%s\n\nTry '%s --help' for more "
      "information",
      path, word, list, path);
}
