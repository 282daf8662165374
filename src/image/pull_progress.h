/* Pull progress on stderr, as podman prints it: plain lines when stderr is
 * not a terminal ("Copying blob sha256:<hex>"), per-blob progress bars
 * redrawn in place when it is.  Safe to update from several threads; a
 * NULL output makes every call a no-op (-q).  */
#ifndef GALLEY_PULL_PROGRESS_H
#define GALLEY_PULL_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct pull_progress;

enum pull_blob_state
{
  PULL_BLOB_WAITING,
  PULL_BLOB_COPYING,
  PULL_BLOB_DONE,
  PULL_BLOB_SKIPPED, /* already in the store */
  PULL_BLOB_FAILED,
};

struct pull_progress *pull_progress_new (FILE *out, bool bars);
void pull_progress_free (struct pull_progress *p);

/* A line of its own ("Trying to pull ...", "Writing manifest ...").  */
void pull_progress_message (struct pull_progress *p, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));

/* Register a blob; returns its index for the updates below.  In plain mode
 * this prints its "Copying blob" line.  */
size_t pull_progress_add_blob (struct pull_progress *p, const char *digest, uint64_t size);
/* Start drawing the bars (after every blob was added).  */
void pull_progress_start (struct pull_progress *p);
void pull_progress_update (struct pull_progress *p, size_t blob, uint64_t done);
void pull_progress_set_state (struct pull_progress *p, size_t blob, enum pull_blob_state state);
/* Final redraw; later messages go below the bars.  */
void pull_progress_finish (struct pull_progress *p);

#endif
