/* A cache of per-directory summaries for the listing commands (ps,
 * images), so that listing N records costs N stat(2)s and one file read
 * instead of N file reads and N JSON parses.
 *
 * Each record is named by a directory entry (a container or image id) and
 * holds a fixed number of text fields; it is valid while the ctime of that
 * directory is unchanged.  Every state file is replaced by rename(2) in its
 * record's directory, which sets the directory's ctime, so a cached record
 * can never hide a change.  A record whose directory changed within the
 * last second is not trusted (ctime has a clock tick's granularity: a
 * second write in the same tick would leave it unchanged), as git does with
 * its "racily clean" index entries.
 *
 * A caller that can tell whether anything in the directory changed at all
 * (util/change_counter.h) saves the cache with that stamp; while the stamp
 * is current, every record is valid without a stat(2).
 *
 * The file is a cache: written without fsync, rebuilt when unreadable or
 * of another format, and any reader may replace it.  */
#ifndef GALLEY_LIST_CACHE_H
#define GALLEY_LIST_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "util/error.h"

struct list_cache;

/* Load the cache at dirfd/name for records of n_fields fields (a missing,
 * corrupt or differently shaped file gives an empty cache).  The cache
 * keeps a duplicate of dirfd until list_cache_close.  Never fails.  */
struct list_cache *list_cache_open (int dirfd, const char *name, size_t n_fields);

/* The fields of record key when its directory's ctime is still ctime; NULL
 * fields stand for absent values.  NULL when not cached or stale.  The
 * strings live as long as the cache.  */
const char *const *list_cache_get (struct list_cache *c, const char *key, const struct timespec *ctime);

/* Record key's fields (copied) as read while its directory had ctime;
 * returns the copy (valid as long as the cache), NULL on failure.  */
const char *const *list_cache_put (struct list_cache *c, const char *key, const struct timespec *ctime,
                                   const char *const *fields, galley_error_t *err);

/* The stamp the cache was saved with when it holds every record of the
 * directory as of that stamp; NULL when none.  */
const char *list_cache_stamp (const struct list_cache *c);

/* Save the cache with this stamp of the directory, sampled before any of
 * its records was read (NULL: none).  It is kept only when the file holds
 * every record looked up or put (none was too recent to be trusted).  */
void list_cache_set_stamp (struct list_cache *c, const char *stamp);

/* The records as loaded, in key order, for a caller whose stamp is still
 * current: record i's fields, and its key in *key.  */
size_t list_cache_count (const struct list_cache *c);
const char *const *list_cache_record (struct list_cache *c, size_t i, const char **key);

/* Write the cache back when records were added or not looked up (their
 * directory is gone), dropping the latter.  Best effort: a failure to
 * write is not an error of the listing.  */
void list_cache_close (struct list_cache *c);

static inline void
cleanup_list_cachep (struct list_cache **c)
{
  if (*c != NULL)
    list_cache_close (*c);
}
#define _cleanup_list_cache_ __attribute__ ((cleanup (cleanup_list_cachep)))

#endif
