/* Pushing an image from the store to a registry (`galley push`), as
 * podman 4.3 does: the layers are written again from their diff/ (the store
 * keeps no blobs; see layer_regen.h: the tar they came as, so the diff_ids
 * and the config stay the image's) and compressed as asked, and blobs,
 * config and an OCI or Docker schema-2 manifest go up through
 * registry/upload.h.  Blobs the destination has are skipped; the others are
 * first mounted from the repositories of the same registry that the image
 * has names in (which works when galley pushed it there: compression is
 * deterministic, but a pulled image's original blobs were compressed by
 * another writer), then uploaded.  */
#ifndef GALLEY_PUSH_H
#define GALLEY_PUSH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "image/manifest.h"
#include "registry/reference.h"
#include "state/paths.h"
#include "util/error.h"

enum push_format
{
  PUSH_FORMAT_DEFAULT, /* the stored manifest's type (OCI for zstd or when unknown) */
  PUSH_FORMAT_OCI,
  PUSH_FORMAT_V2S2,
};

/* --format: "oci", "v2s2" (or "docker"); -1 for anything else.  */
int push_format_parse (const char *s, enum push_format *out);
/* --compression-format: "gzip", "zstd"; -1 for anything else.  */
int push_compression_parse (const char *s, enum layer_compression *out);

struct push_options
{
  enum push_format format;
  enum layer_compression compression; /* LAYER_GZIP or LAYER_ZSTD */
  /* registry access, as pull_options */
  const char *authfile;
  const char *creds;
  const char *cert_dir;
  int tls_verify;    /* -1 default, 0, 1 */
  size_t chunk_size; /* 0: the default */
  FILE *progress;    /* podman's lines (stderr), or NULL (-q) */
  bool progress_tty; /* "Copying blob 0123456789ab done" rather than full digests */
  bool by_digest;    /* the manifest goes under its digest, not a tag (a manifest list's instance) */
};

/* What was pushed: the manifest's digest (malloc'ed), size and media type.  */
struct push_result
{
  char *digest;
  size_t size;
  const char *media_type; /* a constant */
};

/* Push the image `source` (a name or id in the store) to `destination`
 * ("docker://REF" or a plain reference; NULL: the name the source was
 * found by).  *result (optional) says what was pushed.  */
int push_image (const struct galley_paths *paths, const char *source, const char *destination,
                const struct push_options *o, struct push_result *result, galley_error_t *err);

/* ---- the pure pieces, exposed for the unit tests ---- */

/* Parse a destination: "docker://" is stripped; another transport
 * ("oci-archive:...", "dir:...") is refused by name; the reference must be
 * fully qualified once normalised (docker.io names get "library/"), carry
 * no digest, and gets tag "latest" when it has none.  */
int push_destination_parse (const char *destination, struct image_ref *out, galley_error_t *err);

/* The manifest format to write, from the option, the stored manifest's
 * media type (may be NULL) and the compression; a Docker schema-2 manifest
 * cannot carry zstd layers.  */
int push_choose_format (enum push_format asked, const char *stored_media_type,
                        enum layer_compression compression, enum push_format *out, galley_error_t *err);

struct push_blob_ref
{
  const char *digest;
  uint64_t size;
};

/* The manifest document (compact JSON, malloc'd) for a config and layers
 * (bottom first), with the media types of format and compression.  */
int push_manifest_compose (enum push_format format, enum layer_compression compression,
                           const struct push_blob_ref *config, const struct push_blob_ref *layers, size_t n,
                           char **out, galley_error_t *err);

/* The media type of a manifest of that format.  */
const char *push_manifest_media_type (enum push_format format);

#endif
