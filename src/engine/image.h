/* The engine's operations on the images of the store (see engine.h):
 * list, pull, push, tag, untag, inspect, exists, history.  An image is named as the
 * user gives it (a name, short or full, an id or a unique id prefix); a
 * manifest list stands for its image for this platform where podman's
 * does (inspect, history).  */
#ifndef GALLEY_ENGINE_IMAGE_H
#define GALLEY_ENGINE_IMAGE_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "engine/engine.h"
#include "image/image_select.h"
#include "image/pull.h"
#include "image/push.h"
#include "util/error.h"

/* Pull name (with o->all_tags every tag of its repository), progress to
 * e->progress (o->progress is not looked at); *ids gets the image ids, in
 * the order pulled (a strv; on failure, those pulled before it).  */
int engine_image_pull (const struct engine *e, const char *name, const struct pull_options *o, char ***ids,
                       galley_error_t *err);

/* The images sel selects, newest first (image/image_select.h; free with
 * image_entries_free).  */
int engine_image_list (const struct engine *e, const struct image_select *sel, struct image_entry **out,
                       size_t *n, galley_error_t *err);
/* Push source (an image of the store) to destination ("docker://REF" or
 * a reference; NULL: the name source gives), progress to e->progress
 * (o->progress is not looked at).  A manifest list goes with all its
 * instances with all, else as its image for this platform, as podman
 * 4.3's push.  *digest gets the digest of the manifest pushed.  */
int engine_image_push (const struct engine *e, const char *source, const char *destination,
                       const struct push_options *o, bool all, char **digest, galley_error_t *err);

/* Give the image these names too, normalised as podman's (a short name
 * under "localhost/", the tag "latest" by default, no digest).  */
int engine_image_tag (const struct engine *e, const char *image, char *const *names, galley_error_t *err);

/* Take these names off the image (NULL or none: all of its names).  A
 * name it does not carry: ENOENT, "x: tag not known".  */
int engine_image_untag (const struct engine *e, const char *image, char *const *names, galley_error_t *err);

/* podman's `image inspect` record.  ENOENT when there is no such image.  */
int engine_image_inspect (const struct engine *e, const char *image, json_object **record,
                          galley_error_t *err);
int engine_image_exists (const struct engine *e, const char *image, bool *exists, galley_error_t *err);

/* Its history, newest first (image/image_info.h's rows).  */
int engine_image_history (const struct engine *e, const char *image, json_object **rows, galley_error_t *err);

#endif
