/* Manifests and image configs: OCI image index and manifest, Docker
 * manifest list and schema 2 (schema 1 is refused), image configs.
 *
 * Parsers take exactly the bytes that were hashed (buffer + length), never a
 * re-serialisation, and refuse ambiguous documents: a mediaType that
 * disagrees with the Content-Type or with the structure, "manifests"
 * together with "layers"/"config", duplicate keys in any object.  Every
 * descriptor is validated (digest, size, media type) before anyone uses it.  */
#ifndef GALLEY_MANIFEST_H
#define GALLEY_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "image/platform.h"
#include "util/json.h"

/* Manifests and configs larger than this are refused (before download,
 * from the descriptor's size, and after).  */
#define MANIFEST_MAX_SIZE (4 * 1024 * 1024)

#define MEDIA_TYPE_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define MEDIA_TYPE_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MEDIA_TYPE_OCI_CONFIG "application/vnd.oci.image.config.v1+json"
#define MEDIA_TYPE_OCI_LAYER "application/vnd.oci.image.layer.v1.tar"
#define MEDIA_TYPE_OCI_LAYER_GZIP "application/vnd.oci.image.layer.v1.tar+gzip"
#define MEDIA_TYPE_OCI_LAYER_ZSTD "application/vnd.oci.image.layer.v1.tar+zstd"
#define MEDIA_TYPE_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define MEDIA_TYPE_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define MEDIA_TYPE_DOCKER_CONFIG "application/vnd.docker.container.image.v1+json"
#define MEDIA_TYPE_DOCKER_LAYER_GZIP "application/vnd.docker.image.rootfs.diff.tar.gzip"
/* containers/image's uncompressed docker layer (podman commits stored locally) */
#define MEDIA_TYPE_DOCKER_LAYER "application/vnd.docker.image.rootfs.diff.tar"
#define MEDIA_TYPE_DOCKER_SCHEMA1 "application/vnd.docker.distribution.manifest.v1+json"
#define MEDIA_TYPE_DOCKER_SCHEMA1_SIGNED "application/vnd.docker.distribution.manifest.v1+prettyjws"

/* The Accept header for manifest requests: the four types we parse.  */
#define MANIFEST_ACCEPT                                                         \
  MEDIA_TYPE_OCI_INDEX ", " MEDIA_TYPE_OCI_MANIFEST ", " MEDIA_TYPE_DOCKER_LIST \
                       ", " MEDIA_TYPE_DOCKER_MANIFEST

enum manifest_kind
{
  MANIFEST_OCI_INDEX,
  MANIFEST_DOCKER_LIST,
  MANIFEST_OCI_IMAGE,
  MANIFEST_DOCKER_V2,
};

enum layer_compression
{
  LAYER_UNCOMPRESSED,
  LAYER_GZIP,
  LAYER_ZSTD,
};

struct descriptor
{
  char *media_type;
  char *digest; /* valid (digest_is_valid) */
  int64_t size; /* >= 0 */
};

struct layer_descriptor
{
  struct descriptor d;
  enum layer_compression compression;
};

struct index_entry
{
  struct descriptor d;
  bool has_platform;
  struct platform platform; /* normalised; zeroed when !has_platform */
};

struct manifest
{
  enum manifest_kind kind;
  const char *media_type; /* one of the MEDIA_TYPE_* constants */
  /* Image manifests (MANIFEST_OCI_IMAGE, MANIFEST_DOCKER_V2).  */
  struct descriptor config;
  struct layer_descriptor *layers;
  size_t n_layers;
  /* Indexes (MANIFEST_OCI_INDEX, MANIFEST_DOCKER_LIST).  */
  struct index_entry *entries;
  size_t n_entries;
};

/* Parse a manifest or index.  content_type is the registry's Content-Type
 * (parameters allowed) or NULL; generic types (application/json,
 * text/plain, application/octet-stream) are ignored.  */
int manifest_parse (const void *buf, size_t len, const char *content_type, struct manifest *out,
                    galley_error_t *err);

bool manifest_is_index (const struct manifest *m);

/* The entry of an index that best serves `want` (normalised; see
 * platform_from_options): the best platform_match_rank, the first of equals.
 * Entries that are not image manifests (attestations, artifacts) are never
 * chosen.  The error lists what the index offers.  */
const struct index_entry *manifest_select_platform (const struct manifest *index, const struct platform *want,
                                                    galley_error_t *err);

void manifest_release (struct manifest *m);
#define _cleanup_manifest_ __attribute__ ((cleanup (manifest_release)))

/* Media type classification.  */
bool media_type_is_index (const char *media_type);
bool media_type_is_image_manifest (const char *media_type);
/* 0 and the compression for a layer type we can extract; -1 with a clear
 * error for foreign/non-distributable or unknown layer types.  */
int media_type_layer_compression (const char *media_type, enum layer_compression *out, galley_error_t *err);

/* Image config (OCI image-spec config, and Docker's which shares the
 * fields).  String lists are NULL-terminated; NULL when absent or null.  */
struct image_label
{
  char *key;
  char *value;
};

struct image_history
{
  char *created;
  char *created_by;
  char *author;
  char *comment;
  bool empty_layer;
};

struct image_config
{
  char *architecture;
  char *os;
  char *variant;
  char *created;
  char *author;
  /* "config" */
  char *user;
  char **env;
  char **entrypoint;
  char **cmd;
  char *working_dir;
  struct image_label *labels;
  size_t n_labels;
  char **exposed_ports; /* "80/tcp" */
  char **volumes;       /* "/data" */
  char *stop_signal;
  /* "rootfs" */
  char **diff_ids; /* valid digests */
  size_t n_diff_ids;
  struct image_history *history;
  size_t n_history;
  json_object *raw; /* the parsed document, for inspect; owned */
};

int image_config_parse (const void *buf, size_t len, struct image_config *out, galley_error_t *err);

/* The config belongs to the manifest: as many diff_ids as layers, and the
 * platform (when `want` is not NULL) is the one asked for.  A platform
 * mismatch is only a warning, as in podman.  */
int image_config_check (const struct image_config *c, const struct manifest *m, const struct platform *want,
                        galley_error_t *err);

void image_config_release (struct image_config *c);
#define _cleanup_image_config_ __attribute__ ((cleanup (image_config_release)))

/* Refuse objects with a repeated key anywhere in the document: json-c keeps
 * the last one, other implementations the first, so such a document means
 * different things to different readers.  buf must be valid JSON.  */
int json_check_duplicate_keys (const char *buf, size_t len, const char *what, galley_error_t *err);

#endif
