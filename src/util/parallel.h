/* A bounded pool of threads over n independent items (layer uploads,
 * layer regeneration): each item runs once, the first failure stops the
 * handing out of further items and is the one returned.  */
#ifndef GALLEY_PARALLEL_H
#define GALLEY_PARALLEL_H

#include <stddef.h>

#include "util/error.h"

typedef int (*parallel_item_fn) (void *ctx, size_t index, galley_error_t *err);

/* Run fn (ctx, i) for i in [0, n) on up to max_threads threads (the
 * calling thread is one of them).  0, or -1 with the first failure.  */
int parallel_for (size_t n, size_t max_threads, parallel_item_fn fn, void *ctx, galley_error_t *err);

#endif
