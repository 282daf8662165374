/* Image references: docker/distribution's grammar and podman's
 * normalisation.
 *
 *   reference := name [ ":" tag ] [ "@" digest ]
 *   name      := [ domain [ ":" port ] "/" ] path-component [ "/" path-component ]*
 *
 * The first component is a domain if it contains '.' or ':', is
 * "localhost", or has an uppercase letter; otherwise the name is short and
 * is resolved through registries.conf (see registries_conf.h).  */
#ifndef GALLEY_REFERENCE_H
#define GALLEY_REFERENCE_H

#include <stdbool.h>

#include "util/digest.h"
#include "util/error.h"

#define IMAGE_REF_NAME_MAX 255 /* registry + "/" + repository */
#define IMAGE_REF_TAG_MAX 128
#define IMAGE_REF_DEFAULT_TAG "latest"

struct image_ref
{
  char *registry;   /* "docker.io", "localhost:5000"; NULL for a short name */
  char *repository; /* "library/busybox" ("busybox" while still short) */
  char *tag;        /* NULL only when a digest is given without a tag */
  char *digest;     /* "sha256:<hex>" or NULL */
};

/* Parse and normalise s: "index.docker.io" becomes "docker.io", docker.io
 * names of one component get "library/", and the tag defaults to "latest"
 * when neither tag nor digest is given.  A short name keeps registry NULL
 * and its repository as written.  The error says what is wrong, e.g.
 * `invalid reference format: repository name must be lowercase: "Busy"`.  */
int image_ref_parse (const char *s, struct image_ref *out, galley_error_t *err);

/* "registry/repository[:tag][@digest]" (without "registry/" for a short
 * name).  */
char *image_ref_format (const struct image_ref *r);

/* "registry/repository" (or the repository of a short name).  */
char *image_ref_name (const struct image_ref *r);

/* Deep copy; -1 with errno ENOMEM.  */
int image_ref_copy (const struct image_ref *src, struct image_ref *dst);

/* Replace the tag (NULL removes it).  -1 if tag is not a valid tag.  */
int image_ref_set_tag (struct image_ref *r, const char *tag, galley_error_t *err);

/* A name for a local image, as podman's NormalizeName: a short name goes
 * under "localhost/", the tag defaults to "latest"; digests are refused
 * ("tagging by digest is not supported").  */
int image_ref_normalize_name (const char *input, char **out, galley_error_t *err);

void image_ref_release (struct image_ref *r);
#define _cleanup_image_ref_ __attribute__ ((cleanup (image_ref_release)))

/* Pieces of the grammar, for callers that validate parts on their own.  */
bool image_ref_tag_is_valid (const char *tag);
bool image_ref_domain_is_valid (const char *domain); /* host[:port] */
bool image_ref_path_is_valid (const char *path);     /* lowercase components joined by '/' */

#endif
