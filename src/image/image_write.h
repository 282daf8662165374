/* Making a new image in the store from a base image plus new layers: the
 * core of `commit`, `import` and every step of `build`.
 *
 * The writer holds the new image's config document (a copy of the base's,
 * or an empty one for scratch) and its layer chain.  Layers are added from
 * a directory in overlay upper-dir form or from a tar stream; each is
 * stored like a pulled layer (extracted inside the user namespace, chain
 * id = sha256 of "parent_chain_id diff_id").  Commit writes the config
 * blob and a manifest whose layers are the uncompressed tars
 * (digest = diff_id, as podman's commits in containers-storage), records
 * the image and moves the names to it.  */
#ifndef GALLEY_IMAGE_WRITE_H
#define GALLEY_IMAGE_WRITE_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include <json-c/json.h>

#include "ns/idmap.h"
#include "state/paths.h"
#include "util/error.h"

struct image_writer;

enum image_writer_format
{
  IMAGE_WRITER_OCI,    /* OCI manifest and config (podman's default) */
  IMAGE_WRITER_DOCKER, /* docker schema 2 manifest and config */
};

/* base: an image id or name in the store, or NULL for scratch.  The new
 * image starts as a copy of base's config (config section,
 * rootfs.diff_ids, history, os/architecture) with "created" set to now;
 * for scratch the os and architecture are the machine's.  */
int image_writer_new (const struct galley_paths *p, const char *base, struct image_writer **out,
                      galley_error_t *err);
void image_writer_free (struct image_writer *w);
static inline void
cleanup_image_writerp (struct image_writer **w)
{
  if (*w != NULL)
    image_writer_free (*w);
}
#define _cleanup_image_writer_ __attribute__ ((cleanup (cleanup_image_writerp)))

/* The OCI image config document (mutable): "config" (Env, Cmd, Entrypoint,
 * WorkingDir, User, Labels, ExposedPorts, Volumes, StopSignal, Healthcheck,
 * OnBuild, Shell), "author", "architecture", "os", ...  rootfs and
 * history are the writer's: change them only through the functions
 * below.  */
json_object *image_writer_doc (struct image_writer *w);
/* Its "config" object (created if missing).  */
json_object *image_writer_config (struct image_writer *w);

/* The manifest and config format (default IMAGE_WRITER_OCI).  */
void image_writer_set_format (struct image_writer *w, enum image_writer_format f);
/* The "created" time of the image and of the history entries added after
 * this call (default: now, taken when the writer was made).  */
void image_writer_set_created (struct image_writer *w, time_t when);

/* The user namespace map in which add_layer_dir reads directories (default:
 * the user's own map, that of the store's layers): a container's map
 * (keep-id), so that its files keep the owners the container saw.  */
void image_writer_set_source_idmap (struct image_writer *w, const struct idmap *map);

/* Drop the base's layers (rootfs.diff_ids emptied, history entries kept
 * but marked empty_layer): for a layer that is the whole filesystem
 * (squash, a flattened rootfs).  */
void image_writer_drop_layers (struct image_writer *w);

/* Append a layer from a directory in overlay upper-dir form (whiteouts as
 * 0/0 character devices or kept ".wh.NAME" files, opaque dirs marked with
 * the overlay opaque xattrs or a ".wh..wh..opq" file — the form a
 * container's upper/ and the store's diff/ dirs have).  The tar is produced
 * inside the user namespace (layer_tar_write) and the layer is added to the
 * store like a pulled one.  An empty directory still gives a (empty) layer.
 * The runtime's mount points (etc/hosts, etc/hostname, etc/resolv.conf,
 * run/.containerenv) are left out when they are empty files.
 * created_by and comment (both may be NULL) go to the history entry.  */
int image_writer_add_layer_dir (struct image_writer *w, const char *dir, const char *created_by,
                                const char *comment, galley_error_t *err);
/* Append a layer from a (possibly gzip/bzip2/xz/zstd-compressed) tar
 * stream read to EOF.  */
int image_writer_add_layer_tar (struct image_writer *w, int tar_fd, const char *created_by,
                                const char *comment, galley_error_t *err);
/* A history entry with "empty_layer": true (ENV, CMD, ...).  */
int image_writer_add_history (struct image_writer *w, const char *created_by, const char *comment,
                              galley_error_t *err);

/* Layers of the image so far (base's plus added), and the chain id of the
 * top one ("sha256:<hex>", NULL for none; valid until the next add).  */
size_t image_writer_n_layers (const struct image_writer *w);
const char *image_writer_top_layer (const struct image_writer *w);

/* Write the config blob and the manifest, add the image to the store and
 * give it names (NULL-terminated, may be NULL: an unnamed image; full
 * references "registry/repo:tag"; a name already on another image moves to
 * this one as with podman).  *id gets the 64-hex image id (malloc'd).  The
 * writer may not be used afterwards except for image_writer_print_progress,
 * reading image_writer_doc and image_writer_free.  */
int image_writer_commit (struct image_writer *w, const char *const *names, char **id, galley_error_t *err);

/* After commit: podman's copy progress for the new image (what follows
 * "Getting image source signatures"): "Copying blob <hex> skipped: already
 * exists" for the first `reused` layers, "... done" for the others, the
 * config, "Writing manifest to image destination", "Storing signatures".  */
void image_writer_print_progress (struct image_writer *w, FILE *out, size_t reused, const char *id);

#endif
