/* Which stored images a listing shows, as podman's `images` selects them:
 * intermediate images hidden unless all, a reference pattern, and the
 * filters reference=, dangling=, label=, before=, since=; newest first.
 * The command line's `images` and the API's GET /images/json both list
 * through it.  */
#ifndef GALLEY_IMAGE_SELECT_H
#define GALLEY_IMAGE_SELECT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <json-c/json.h>

#include "image/store.h"
#include "util/error.h"
#include "util/filter.h"

struct image_select
{
  bool all;                         /* intermediate images too */
  bool want_config;                 /* load each image's config (labels shown) */
  const char *reference;            /* a name pattern, or NULL */
  const struct filter_set *filters; /* parsed by image_filter_syntax; NULL: none */
};

/* podman's image filters: reference=PATTERN, dangling=BOOL, label=KEY[=VALUE],
 * before=IMAGE, since=IMAGE, each negated by "!=".  */
extern const struct filter_syntax image_filter_syntax;
/* image prune's: until=TIME, label=KEY[=VALUE], dangling=BOOL, each
 * negated by "!=".  */
extern const struct filter_syntax image_prune_filter_syntax;

struct image_entry
{
  struct store_image *img;
  json_object *config; /* NULL unless asked for or filtered on */
  time_t created;
};

/* The images of s that o selects, newest first.  An image before= or
 * since= names that is not there is an error.  Free with
 * image_entries_free.  */
int image_select_list (struct store *s, const struct image_select *o, struct image_entry **out, size_t *n,
                       galley_error_t *err);
void image_entries_free (struct image_entry *e, size_t n);

#endif
