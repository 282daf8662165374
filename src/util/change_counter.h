/* A change counter for a directory of records, so that a reader that kept
 * a summary of them (a listing cache) can tell with one stat(2) whether
 * any record changed since, instead of one stat(2) per record.
 *
 * The counter is a file whose size grows by one byte with every change:
 * an O_APPEND write is atomic, so writers need no lock and no two changes
 * can give the same size.  Writers count a change after it is complete (a
 * record renamed into place, a directory removed); a reader samples the
 * stamp before it reads.  Then a summary read after sampling stamp S is
 * current while the stamp is still S: a change it missed was made after
 * the sample and counted after that, so the stamp moved.
 *
 * The stamp is the file's identity, size and mtime plus the directory's
 * own mtime (which moves when an entry is added or removed, even by hand).
 * At 64 KiB the file is replaced by an empty one (a new inode, a new
 * mtime), so it stays small.  A counter that cannot be written is removed:
 * a directory without one has no stamp, and its readers check every
 * record.  */
#ifndef GALLEY_CHANGE_COUNTER_H
#define GALLEY_CHANGE_COUNTER_H

#include <stdbool.h>
#include <stddef.h>

/* Large enough for any stamp.  */
#define CHANGE_STAMP_MAX 160

/* Count a change of the records in dirfd, after it is complete.  Best
 * effort, see above: never fails.  */
void change_counter_bump (int dirfd, const char *name);

/* The current stamp of the counter dirfd/name as text without spaces
 * (created empty when missing).  false when there is none to trust.  */
bool change_counter_stamp (int dirfd, const char *name, char buf[CHANGE_STAMP_MAX]);

#endif
