/* podman's container filters ("--filter KEY=VALUE" of ps, start, stop, ...):
 * status=, name= (a regular expression), id= (a prefix), ancestor=,
 * label=KEY[=VALUE], exited=CODE.  Filters with the same key are ORed,
 * different keys ANDed, as podman's.  */
#ifndef GALLEY_STATE_CONTAINER_FILTER_H
#define GALLEY_STATE_CONTAINER_FILTER_H

#include <stdbool.h>
#include <stddef.h>

#include "state/container_state.h"
#include "util/error.h"

/* What the filters look at of one container.  */
struct container_filter_subject
{
  const char *id, *name, *image, *image_id;
  const struct container_state *state;
  char *const *labels; /* the configuration's (a "KEY=value" map); NULL when it has none */
};

/* Whether s passes all n filters.  A filter that is not KEY=VALUE, an
 * unknown key or a bad status is an error naming it.  */
int container_filters_match (char *const *filters, size_t n, const struct container_filter_subject *s,
                             bool *match, galley_error_t *err);

/* Whether one of the filters looks at labels (the record must be read).  */
bool container_filters_need_labels (char *const *filters, size_t n);

#endif
