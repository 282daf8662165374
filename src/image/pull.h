/* Pulling an image from a registry into the store: resolve the name, fetch
 * the manifest (choosing a platform from an index), the config and the
 * missing layers (several at once, each streamed straight into its diff
 * directory inside the user namespace), then record the image.
 *
 * Crash safety comes from the store (store_layer_begin): a layer being
 * extracted is claimed with an OFD lock, so a second puller of the same
 * layer waits for the first and then finds it ready; a layer left
 * incomplete by a killed puller is removed by the next one.  The image
 * record is written last, after its layers and blobs.  */
#ifndef GALLEY_PULL_H
#define GALLEY_PULL_H

#include <stdbool.h>
#include <stdio.h>

#include "state/paths.h"
#include "util/error.h"

struct pull_options
{
  /* platform: "os/arch[/variant]", or the parts (NULL: the host's) */
  const char *platform;
  const char *os;
  const char *arch;
  const char *variant;
  /* registry access */
  const char *authfile;
  const char *creds;
  const char *cert_dir;
  int tls_verify; /* -1 default, 0, 1 */
  bool all_tags;
  /* progress on `progress` (stderr as podman): NULL for none (-q) */
  FILE *progress;
  bool progress_bars; /* redraw per-layer bars (a terminal) rather than plain lines */
};

/* Pull `name` (as typed by the user); *image_id gets the image id (hex of
 * the config digest).  o->all_tags is not looked at: see pull_list_tags.  */
int pull_image (const struct galley_paths *paths, const char *name, const struct pull_options *o,
                char **image_id, galley_error_t *err);

/* --all-tags: the full names ("registry/repository:tag", NULL-terminated)
 * of every tag of the repository `name` (which must not carry a tag).  */
int pull_list_tags (const struct galley_paths *paths, const char *name, const struct pull_options *o,
                    char ***names, galley_error_t *err);

#endif
