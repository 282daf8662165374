/* galley save: images into a docker-archive or oci-archive (a file or
 * stdout).  A file is written under a temporary name and renamed at the
 * end, so a failed save leaves nothing behind.  */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "image/image_save.h"
#include "util/cleanup.h"
#include "util/xmalloc.h"

/* The output file: a temporary name beside it, or the path itself when it
 * is not a regular file (/dev/null, a fifo).  */
static int
open_output (const char *path, char **tmp_out, galley_error_t *err)
{
  _cleanup_free_ char *tmp = NULL;
  const char *slash = strrchr (path, '/');
  struct stat st;
  int fd;

  *tmp_out = NULL;
  if (stat (path, &st) == 0 && S_ISDIR (st.st_mode))
    return galley_error_make (err, EISDIR, "%s", path);
  if (stat (path, &st) == 0 && ! S_ISREG (st.st_mode))
    {
      fd = open (path, O_WRONLY | O_CLOEXEC);
      return fd >= 0 ? fd : galley_error_make (err, errno, "opening %s", path);
    }
  tmp = slash == NULL ? xasprintf (".%s.galley-XXXXXX", path)
                      : xasprintf ("%.*s/.%s.galley-XXXXXX", (int)(slash - path), path, slash + 1);
  fd = mkostemp (tmp, O_CLOEXEC);
  if (fd < 0)
    return galley_error_make (err, errno, "creating %s", path);
  fchmod (fd, 0644 & ~umask (umask (0)));
  *tmp_out = steal_pointer (&tmp);
  return fd;
}

int
cli_cmd_save (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  _cleanup_free_ char *tmp = NULL;
  _cleanup_close_ int fd = -1;
  struct image_save_options o = { .format = IMAGE_SAVE_DOCKER_ARCHIVE };
  const char *output = NULL, *format = "docker-archive", *arg;
  bool quiet = false;
  int opt, ret;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    switch (opt)
      {
      case OPT_save_output:
        output = arg;
        break;
      case OPT_save_format:
        format = arg;
        break;
      case OPT_save_quiet:
        quiet = true;
        break;
      case OPT_save_multi_image_archive:
        o.multi_image = true;
        break;
      case OPT_save_uncompressed:
        o.uncompressed = true;
        break;
      }
  if (opt < 0)
    return -1;
  if (argc - p.optind < 1)
    return galley_error_make (err, 0, "need at least 1 argument");
  if (strcmp (format, "oci-dir") == 0 || strcmp (format, "docker-dir") == 0)
    return galley_error_make (err, 0, "format \"%s\" is not supported yet: use docker-archive or oci-archive",
                              format);
  if (image_save_format_parse (format, &o.format) < 0)
    return galley_error_make (err, 0, "format value must be one of docker-archive oci-archive");
  if (output == NULL || output[0] == '\0')
    {
      quiet = true;
      if (isatty (STDOUT_FILENO))
        return galley_error_make (err, 0, "refusing to save to terminal. Use -o flag or redirect");
      fd = dup (STDOUT_FILENO);
      if (fd < 0)
        return galley_error_make (err, errno, "standard output");
    }
  else if ((fd = open_output (output, &tmp, err)) < 0)
    return -1;
  o.images = argv + p.optind;
  o.n_images = (size_t)(argc - p.optind);
  o.progress = quiet ? NULL : stderr;
  ret = image_save (&ctx->paths, &o, fd, err);
  if (ret == 0 && tmp && fsync (fd) < 0)
    ret = galley_error_make (err, errno, "writing %s", output);
  if (ret == 0 && tmp && rename (tmp, output) < 0)
    ret = galley_error_make (err, errno, "renaming to %s", output);
  if (ret < 0 && tmp)
    unlink (tmp);
  return ret;
}
