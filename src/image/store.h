/* The content store (docs/design.md, "Storage layout"): blobs, extracted layers,
 * image records and the name index, versioned, crash-safe and shared by
 * concurrent invocations.
 *
 *   storage/version                  store format version ("1")
 *   storage/blobs/sha256/<hex>       manifests and configs
 *   storage/layers/<hex>/diff/       extracted layer (chain id sha256:<hex>)
 *   storage/layers/<hex>/layer.json  diff_id, parent, size, state
 *   storage/layers/<hex>/tar-split   the layer tar without its files' data
 *                                    (layer_split.h)
 *   storage/layers/<hex>/extracting  held (OFD lock) by the extracting process
 *   storage/layers/<hex>/pushed-<c>.json  the blob a push made of the layer
 *                                    (compression c)
 *   storage/images/<id>/image.json   one image record
 *   storage/images.json              name -> image id index
 *   storage/lock                     the store lock
 *
 * Writers take the store lock (store_lock) for short critical sections;
 * every file is replaced atomically, so readers (store_image_list,
 * store_image_find, store_blob_get) never take the lock and never wait.
 * Functions documented "locks" take the lock themselves; do not call them
 * with the lock held.  All functions are safe to call from several threads
 * sharing one struct store.
 *
 * The read-only image stores that galley.conf names ([storage]
 * additional_image_stores: other galley stores, filled by a site for all
 * its users) are opened with the store and searched after it by its
 * readers: their images are listed and found (read_only set), their
 * layers and blobs read where they are, never copied; a layer of theirs
 * may be the parent of the store's own.  Nothing is written to them: a
 * change to one of their images is refused.  */
#ifndef GALLEY_STORE_H
#define GALLEY_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "state/paths.h"
#include "util/digest.h"
#include "util/error.h"

#define STORE_VERSION 1

struct store;

/* Create the layout if missing, refuse a store written by a newer galley,
 * migrate an older one (takes the lock only when it has to write).  */
int store_open (const struct galley_paths *p, struct store **out, galley_error_t *err);
void store_close (struct store *s);
static inline void
cleanup_storep (struct store **s)
{
  if (*s != NULL)
    store_close (*s);
}
#define _cleanup_store_ __attribute__ ((cleanup (cleanup_storep)))

const char *store_root (const struct store *s);
/* An O_PATH-free directory fd on the storage root, owned by the store.  */
int store_root_fd (const struct store *s);

/* The store lock: a process-wide mutex plus an OFD write lock on
 * storage/lock (fcntl F_OFD_SETLKW).  Not recursive.  */
int store_lock (struct store *s, galley_error_t *err);
void store_unlock (struct store *s);

/* ---- validation (before anything touches a path) ---- */
/* 64 lower-case hex digits.  */
bool store_valid_hex_id (const char *id);
/* "sha256:" + 64 hex; *hex_out (optional) points into digest.  */
bool store_valid_digest (const char *digest, const char **hex_out);

/* ---- blobs: manifests and configs ---- */
/* Verifies that sha256(data) == digest, then writes atomically (no lock
 * needed: the content decides the name).  */
int store_blob_put (struct store *s, const char *digest, const void *data, size_t len, galley_error_t *err);
/* At most max bytes (0: 4 MiB); *data is NUL-terminated.  ENOENT when missing.  */
int store_blob_get (struct store *s, const char *digest, size_t max, char **data, size_t *len,
                    galley_error_t *err);
bool store_blob_exists (struct store *s, const char *digest);

/* ---- layers ----
 * begin (locks): returns 1 if the layer is already ready (nothing to do);
 * 0 with *diff_dir (an empty directory to extract into) after marking the
 * layer incomplete; the caller then extracts and calls commit or abort.  If
 * another process is extracting the same layer, begin waits for it (without
 * holding the store lock) and returns 1 when it succeeded.  An incomplete
 * layer whose extractor died is removed and begun afresh.  */
int store_layer_begin (struct store *s, const char *chain_id, const char *diff_id,
                       const char *parent_chain_id, char **diff_dir, galley_error_t *err);
/* Marks the layer ready (locks).  size = bytes of the uncompressed layer
 * tar stream (podman's UncompressedSize; image sizes are summed from it).  */
int store_layer_commit (struct store *s, const char *chain_id, uint64_t size, galley_error_t *err);
/* Removes the incomplete layer (locks).  */
int store_layer_abort (struct store *s, const char *chain_id, galley_error_t *err);

struct store_layer
{
  char *chain_id; /* sha256:<hex> */
  char *diff_id;
  char *parent; /* chain id or NULL */
  uint64_t size;
  bool ready;
};
/* Read layers/<hex>/layer.json (no lock).  ENOENT when missing.  */
int store_layer_get (struct store *s, const char *chain_id, struct store_layer **out, galley_error_t *err);
void store_layer_free (struct store_layer *l);
/* Absolute path of a ready layer's diff/ (an overlay lower).  */
int store_layer_diff_dir (struct store *s, const char *chain_id, char **diff_dir, galley_error_t *err);
/* Absolute path of layers/<hex>/<name>, a file kept beside a layer's diff/
 * (its tar-split); name is a constant.  */
int store_layer_file (struct store *s, const char *chain_id, const char *name, char **path,
                      galley_error_t *err);

/* The blob a push made of a layer, compressed one way: a later push to a
 * registry that has that blob already uses it instead of writing and
 * compressing the layer again.  */
struct store_pushed_blob
{
  char diff_id[DIGEST_SHA256_BUFSIZE]; /* of the layer tar the blob was made from */
  char digest[DIGEST_SHA256_BUFSIZE];  /* of the blob */
  uint64_t size;                       /* of the blob */
};
/* What the last push recorded for the layer and compression ("gzip",
 * "zstd", "none"): 1 with *out; 0 when none was recorded, or the record is
 * unusable (it is a cache); -1 on an invalid layer id or compression.  No
 * lock.  */
int store_layer_pushed_get (struct store *s, const char *chain_id, const char *compression,
                            struct store_pushed_blob *out, galley_error_t *err);
/* Record it, atomically (no lock: the last push's record wins).  */
int store_layer_pushed_put (struct store *s, const char *chain_id, const char *compression,
                            const struct store_pushed_blob *b, galley_error_t *err);

/* ---- images ----
 * id = hex of the config digest (as podman); names are full references,
 * "registry/repository:tag" or, for an image pulled by digest,
 * "registry/repository@sha256:<hex>" (a digested name, as containers/storage
 * keeps it).  `digests` holds every manifest digest, named or not.  */
struct store_image
{
  char *id;
  char **names;          /* NULL-terminated (may be empty): from images.json */
  char **names_history;  /* NULL-terminated: every name it ever had, newest first */
  char **digests;        /* NULL-terminated manifest digests (index and instance) */
  char *manifest_digest; /* digest of the image manifest, may be NULL */
  char *manifest_media_type;
  char *config_digest; /* sha256:<id> */
  char **layers;       /* chain ids, bottom first, NULL-terminated */
  char *created;       /* RFC 3339, from the config */
  char *added;         /* RFC 3339, when the record was written (set by add) */
  uint64_t size;       /* as podman: layer tar sizes + config + 2 x manifest (add computes it when 0) */
  bool read_only;      /* from an additional image store (galley.conf): it cannot be changed or removed */
};

/* Add or update an image (locks).  The config blob (and manifest, if
 * manifest_digest is set) must already be in the store and every layer
 * ready.  Names are merged with the existing record's; a name held by
 * another image moves here (that image may become dangling).  */
int store_image_add (struct store *s, const struct store_image *img, galley_error_t *err);

/* Look up (no lock): full name; short name ("busybox", "busybox:1",
 * "library/busybox", "name@sha256:...") matched against the end of the
 * stored names as podman does; full id; or unique id prefix.  ENOENT
 * ("image not known") when absent, EINVAL when ambiguous.  */
int store_image_find (struct store *s, const char *name_or_id, struct store_image **out, galley_error_t *err);
/* store_image_find that also says which stored name matched (*matched_name
 * NULL when the input matched the id or an id prefix).  */
int store_image_lookup (struct store *s, const char *name_or_id, struct store_image **out,
                        char **matched_name, galley_error_t *err);
/* Every image (no lock), oldest first.  */
int store_image_list (struct store *s, struct store_image ***out, size_t *n, galley_error_t *err);
void store_image_free (struct store_image *img);
void store_image_list_free (struct store_image **imgs, size_t n);
static inline void
cleanup_store_imagep (struct store_image **img)
{
  if (*img != NULL)
    store_image_free (*img);
}
#define _cleanup_store_image_ __attribute__ ((cleanup (cleanup_store_imagep)))

/* Whether any of diff_dirs (store_layer_diff_dir's) is a read-only
 * store's whose files another user owns: a store made by another user,
 * whose owners no id of the caller's map shows.  */
bool store_layers_foreign (struct store *s, char *const *diff_dirs);

/* A digested name ("registry/repository@sha256:<hex>"), not a tag.  */
bool store_name_is_digested (const char *name);

/* Add a name to the image with this id (locks); the name moves.  */
int store_image_tag (struct store *s, const char *id, const char *name, galley_error_t *err);
/* Remove a name from the image with this id (locks).  ENOENT when the
 * image does not have it.  */
int store_image_untag (struct store *s, const char *id, const char *name, galley_error_t *err);
/* Remove the image record and the layers no other image uses (locks).  */
int store_image_remove (struct store *s, const char *id, galley_error_t *err);
/* Remove those of the layers chain_ids that no image uses (locks): what a
 * writer added for an image it did not store.  */
int store_layers_release (struct store *s, char *const *chain_ids, galley_error_t *err);

/* ---- manifest lists ----
 * A manifest list (`manifest create`) is an image as podman keeps it: a
 * record with names whose manifest is the list (an OCI index or Docker
 * list media type), no layers, and a small config of its own that fixes
 * its id; beside the record, images/<id>/<name> files hold what only the
 * list needs (where each instance comes from).  */
bool store_image_is_manifest_list (const struct store_image *img);
/* Point the image's record at another manifest (locks): the list's after
 * a change; digests becomes that one digest.  */
int store_image_set_manifest (struct store *s, const char *id, const char *digest, const char *media_type,
                              galley_error_t *err);
/* images/<id>/<name> beside the record (name a constant), replaced
 * atomically; read with at most 4 MiB.  ENOENT when absent.  */
int store_image_file_put (struct store *s, const char *id, const char *name, const void *data, size_t len,
                          galley_error_t *err);
int store_image_file_get (struct store *s, const char *id, const char *name, char **data, size_t *len,
                          galley_error_t *err);

/* The image's config (and manifest) documents, parsed; max 4 MiB.  */
struct json_object;
int store_image_config (struct store *s, const struct store_image *img, struct json_object **out,
                        galley_error_t *err);
int store_image_manifest (struct store *s, const struct store_image *img, struct json_object **out,
                          galley_error_t *err);

/* Remove leftovers of crashed writers: incomplete layers nobody extracts,
 * image directories without image.json, temporary files (locks).  Every
 * writer calls it; exposed for tests and `system prune`.  */
int store_cleanup_leftovers (struct store *s, galley_error_t *err);

#endif
