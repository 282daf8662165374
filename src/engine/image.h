/* The engine's operations on the images of the store (see engine.h):
 * pull, tag, untag, inspect, exists, history.  An image is named as the
 * user gives it (a name, short or full, an id or a unique id prefix); a
 * manifest list stands for its image for this platform where podman's
 * does (inspect, history).  */
#ifndef GALLEY_ENGINE_IMAGE_H
#define GALLEY_ENGINE_IMAGE_H

#include <stdbool.h>

#include <json-c/json.h>

#include "engine/engine.h"
#include "image/pull.h"
#include "util/error.h"

/* Pull name (with o->all_tags every tag of its repository), progress to
 * e->progress (o->progress is not looked at); *ids gets the image ids, in
 * the order pulled (a strv; on failure, those pulled before it).  */
int engine_image_pull (const struct engine *e, const char *name, const struct pull_options *o, char ***ids,
                       galley_error_t *err);

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
