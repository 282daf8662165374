/* The one place an error becomes a message (see cli.h).  */
#include "config.h"

#include <stdio.h>

#include "cli/cli.h"

int
cli_error_report (galley_error_t *err)
{
  int code = (*err)->exit_code;

  fflush (stdout);
  fprintf (stderr, "Error: %s\n", (*err)->msg);
  galley_error_release (err);
  return code;
}
