/* What the image commands show about stored images, in podman's shapes:
 * `image inspect` records, `images` rows (JSON and template fields),
 * `history` rows, and podman's human sizes and "3 years ago".  */
#ifndef GALLEY_IMAGE_INFO_H
#define GALLEY_IMAGE_INFO_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <json-c/json.h>

#include "image/store.h"
#include "util/error.h"

/* "2.14 MB", "10.2 kB", "512 B" (go-units HumanSizeWithPrecision (n, 3)).  */
void image_human_size (uint64_t size, char *buf, size_t len);
/* The same with sep between number and unit (ps -s: "12B", "1.2MB").  */
void image_human_size_sep (uint64_t size, const char *sep, char *buf, size_t len);
/* "3 years ago", "About an hour ago" (go-units HumanDuration + " ago").  */
void image_human_since (time_t then, char *buf, size_t len);
/* RFC 3339 (with optional fraction and zone) -> seconds; -1 if unparsable.  */
int image_parse_time (const char *text, time_t *out);
/* "2023-11-14 22:13:20 +0000 UTC" (Go's time.String in UTC).  */
void image_format_go_time (time_t t, char *buf, size_t len);

/* The podman `image inspect` object of img.  */
int image_inspect_record (struct store *s, const struct store_image *img, json_object **out,
                          galley_error_t *err);

/* "registry/repo" and "tag" of a stored name ("<none>" for dangling and
 * for a digested name).  */
void image_split_name (const char *name, char **repo, char **tag);

/* RepoDigests: repo@digest for every name and manifest digest.  */
json_object *image_repo_digests (const struct store_image *img);
/* RepoTags: the tagged names.  */
json_object *image_repo_tags (const struct store_image *img);
/* Whether img has a tagged name (rather than digested ones only).  */
bool image_has_tag (const struct store_image *img);

/* The history rows of img, newest first, as podman's `history --format
 * json` objects (id, created, CreatedBy, size, comment, tags).  all: the
 * other images (to name the layers that are some image's top layer).  */
int image_history_rows (struct store *s, const struct store_image *img, struct store_image **all,
                        size_t n_all, json_object **out, galley_error_t *err);

/* Labels of the config ("config"."Labels"), or NULL.  */
json_object *image_config_labels (json_object *config);
/* Does the config have label want ("KEY" or "KEY=VALUE"), as the label=
 * filters of images and image prune ask?  */
bool image_config_label_matches (json_object *config, const char *want);

#endif
