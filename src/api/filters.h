/* Docker's filters query argument: a JSON object from a key to its values,
 * either ["v1", "v2"] or, as older clients send it, {"v1": true}.  */
#ifndef GALLEY_API_FILTERS_H
#define GALLEY_API_FILTERS_H

#include "util/error.h"

/* text (NULL or "": none) as "key=value" strings, one a value, in *out (a
 * NULL-terminated vector; empty when there are none).  Anything else is an
 * EINVAL error naming what was wrong.  */
int api_filters_parse (const char *text, char ***out, galley_error_t *err);

#endif
