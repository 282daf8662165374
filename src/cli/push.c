/* galley push: podman's options and output (progress on stderr; the
 * manifest digest to --digestfile).  */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "engine/image.h"
#include "util/cleanup.h"
#include "util/fs.h"

int
cli_cmd_push (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  struct engine e = cli_engine (ctx);
  _cleanup_cli_parser_ struct cli_parser p;
  _cleanup_free_ char *digest = NULL;
  struct push_options o = { .tls_verify = -1, .compression = LAYER_GZIP };
  const char *digestfile = NULL, *arg, *source, *destination;
  bool quiet = false, all = false, b;
  int opt;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    switch (opt)
      {
      case OPT_push_all:
        if (cli_bool (&p, arg, &b, err) < 0)
          return -1;
        all = b;
        break;
      case OPT_push_authfile:
        o.authfile = arg;
        break;
      case OPT_push_cert_dir:
        o.cert_dir = arg;
        break;
      case OPT_push_compression_format:
        if (push_compression_parse (arg, &o.compression) < 0)
          return galley_error_make (err, 0, "unsupported compression format \"%s\" (gzip, zstd)", arg);
        break;
      case OPT_push_creds:
        o.creds = arg;
        break;
      case OPT_push_digestfile:
        digestfile = arg;
        break;
      case OPT_push_format:
        if (push_format_parse (arg, &o.format) < 0)
          return galley_error_make (err, 0, "unsupported manifest type \"%s\" (oci, v2s2)", arg);
        break;
      case OPT_push_quiet:
        quiet = true;
        break;
      case OPT_push_sign_by:
      case OPT_push_sign_by_sigstore_private_key:
        return galley_error_make (err, 0, "signing images is not supported");
      case OPT_push_tls_verify:
        if (cli_bool (&p, arg, &b, err) < 0)
          return -1;
        o.tls_verify = b;
        break;
      default:
        /* --compress (dir transport), --disable-content-trust,
         * --remove-signatures (galley stores none), --sign-passphrase-file:
         * accepted, nothing to do.  */
        break;
      }
  if (opt < 0 || cli_positionals (&p, 1, 2, err) < 0)
    return -1;
  /* A test hook: small chunks exercise the chunked upload with small images.  */
  if (getenv ("GALLEY_PUSH_CHUNK_SIZE") != NULL)
    o.chunk_size = (size_t)strtoull (getenv ("GALLEY_PUSH_CHUNK_SIZE"), NULL, 10);
  if (quiet)
    e.progress = NULL;
  o.progress_tty = ! quiet && isatty (STDERR_FILENO);
  source = argv[p.optind];
  destination = p.optind + 1 < argc ? argv[p.optind + 1] : NULL;
  if (engine_image_push (&e, source, destination, &o, all, &digest, err) < 0)
    return -1;
  if (digestfile != NULL && fs_write_atomic (AT_FDCWD, digestfile, digest, strlen (digest), 0644, err) < 0)
    return galley_error_wrap (err, "writing the digest file");
  return 0;
}
