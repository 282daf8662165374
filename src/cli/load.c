/* galley load: images from a docker-archive or oci-archive (file or stdin).  */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "cli/cli.h"
#include "image/image_load.h"
#include "util/cleanup.h"

int
cli_cmd_load (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  _cleanup_strv_ char **loaded = NULL;
  _cleanup_close_ int fd = -1;
  const char *input = NULL, *arg;
  bool quiet = false;
  int opt;
  size_t i;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    switch (opt)
      {
      case OPT_load_input:
        input = arg;
        break;
      case OPT_load_quiet:
        quiet = true;
        break;
      }
  if (opt < 0 || cli_positionals (&p, 0, 0, err) < 0)
    return -1;
  if (input == NULL || (input[0] == '-' && input[1] == '\0'))
    {
      if (isatty (STDIN_FILENO))
        return galley_error_make (
            err, 0, "cannot read from terminal, use command-line redirection or the --input flag");
      fd = dup (STDIN_FILENO);
    }
  else
    fd = open (input, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return galley_error_make (err, errno, "opening %s", input ? input : "standard input");
  (void)quiet; /* podman prints the copy progress only without -q; we print none */
  if (image_load (&ctx->paths, fd, &loaded, err) < 0)
    return -1;
  for (i = 0; loaded[i]; i++)
    printf ("Loaded image: %s\n", loaded[i]);
  return 0;
}
