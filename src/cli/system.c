/* galley system: the group of commands about galley itself.  */
#include "config.h"

#include "cli/cli.h"

CLI_GROUP_HANDLER (system)
