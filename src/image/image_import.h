/* `import`: a tarball (a file, standard input or an http(s) URL; plain or
 * compressed) becomes a one-layer image, as podman's libimage Import: the
 * config holds only the --change instructions, the platform (the host's
 * unless given) and one history entry with the message.  */
#ifndef GALLEY_IMAGE_IMPORT_H
#define GALLEY_IMAGE_IMPORT_H

#include <stdio.h>

#include <json-c/json.h>

#include "state/paths.h"
#include "util/error.h"

struct image_import_options
{
  const char *source;              /* path, "-" (stdin) or http(s) URL */
  const char *name;                /* normalised name for the image, or NULL */
  const char *message;             /* history comment, or NULL */
  json_object *changes;            /* parsed --change instructions, or NULL */
  const char *os, *arch, *variant; /* NULL: the host's */
  FILE *progress;                  /* podman's copy lines, or NULL */
};

/* *id gets the new image's id (64 hex).  */
int image_import (const struct galley_paths *p, const struct image_import_options *o, char **id,
                  galley_error_t *err);

/* Whether source names a URL (podman: a scheme is present).  */
bool image_import_is_url (const char *source);

#endif
