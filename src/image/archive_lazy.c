/* libarchive loaded on first use: trampolines for the functions galley and
 * its unit tests call (see util/lazylib.h).  A libarchive function used
 * elsewhere but missing here is a link error, so the list cannot drift.  */
#include "config.h"

#include <archive.h>
#include <archive_entry.h>
#include <stdarg.h>
#include <stdio.h>

#include "util/lazylib.h"

LAZY_LIB (archive, GALLEY_SONAME_ARCHIVE);

#define E struct archive_entry *e
#define A struct archive *a

/* Errors.  */
LAZY_FN (archive, int, archive_errno, (A), (a))
LAZY_FN (archive, const char *, archive_error_string, (A), (a))

/* archive_set_error is printf-like and has no va_list twin: format here and
 * hand libarchive a plain string.  */
void
archive_set_error (struct archive *a, int err, const char *fmt, ...)
{
  LAZY_REAL (archive, void, archive_set_error, (struct archive *, int, const char *, ...))
  char text[1024];
  va_list ap;

  va_start (ap, fmt);
  vsnprintf (text, sizeof text, fmt, ap);
  va_end (ap);
  real (a, err, "%s", text);
}

/* Reading.  */
LAZY_FN (archive, struct archive *, archive_read_new, (void), ())
LAZY_FN (archive, int, archive_read_free, (A), (a))
LAZY_FN (archive, int, archive_read_support_filter_all, (A), (a))
LAZY_FN (archive, int, archive_read_support_filter_gzip, (A), (a))
LAZY_FN (archive, int, archive_read_support_filter_zstd, (A), (a))
LAZY_FN (archive, int, archive_read_support_format_empty, (A), (a))
LAZY_FN (archive, int, archive_read_support_format_raw, (A), (a))
LAZY_FN (archive, int, archive_read_support_format_tar, (A), (a))
LAZY_FN (archive, int, archive_read_open,
         (A, void *data, archive_open_callback *o, archive_read_callback *r, archive_close_callback *c),
         (a, data, o, r, c))
LAZY_FN (archive, int, archive_read_open_fd, (A, int fd, size_t block), (a, fd, block))
LAZY_FN (archive, int, archive_read_next_header, (A, struct archive_entry **entry), (a, entry))
LAZY_FN (archive, la_ssize_t, archive_read_data, (A, void *buf, size_t len), (a, buf, len))
LAZY_FN (archive, int, archive_read_data_block, (A, const void **buf, size_t *len, la_int64_t *off),
         (a, buf, len, off))

/* Writing.  */
LAZY_FN (archive, struct archive *, archive_write_new, (void), ())
LAZY_FN (archive, struct archive *, archive_write_disk_new, (void), ())
LAZY_FN (archive, int, archive_write_disk_set_options, (A, int flags), (a, flags))
LAZY_FN (archive, int, archive_write_free, (A), (a))
LAZY_FN (archive, int, archive_write_close, (A), (a))
LAZY_FN (archive, int, archive_write_add_filter_gzip, (A), (a))
LAZY_FN (archive, int, archive_write_add_filter_zstd, (A), (a))
LAZY_FN (archive, int, archive_write_set_format_pax_restricted, (A), (a))
LAZY_FN (archive, int, archive_write_set_format_by_name, (A, const char *name), (a, name))
LAZY_FN (archive, int, archive_write_set_format_raw, (A), (a))
LAZY_FN (archive, int, archive_write_set_bytes_in_last_block, (A, int bytes), (a, bytes))
LAZY_FN (archive, int, archive_write_set_filter_option, (A, const char *m, const char *o, const char *v),
         (a, m, o, v))
LAZY_FN (archive, int, archive_write_set_format_option, (A, const char *m, const char *o, const char *v),
         (a, m, o, v))
LAZY_FN (archive, int, archive_write_open,
         (A, void *data, archive_open_callback *o, archive_write_callback *w, archive_close_callback *c),
         (a, data, o, w, c))
LAZY_FN (archive, int, archive_write_open_fd, (A, int fd), (a, fd))
LAZY_FN (archive, int, archive_write_open_memory, (A, void *buf, size_t size, size_t *used),
         (a, buf, size, used))
LAZY_FN (archive, int, archive_write_header, (A, E), (a, e))
LAZY_FN (archive, la_ssize_t, archive_write_data, (A, const void *buf, size_t len), (a, buf, len))
LAZY_FN (archive, la_ssize_t, archive_write_data_block, (A, const void *buf, size_t len, la_int64_t off),
         (a, buf, len, off))
LAZY_FN (archive, int, archive_write_finish_entry, (A), (a))

/* Entries.  */
LAZY_FN (archive, struct archive_entry *, archive_entry_new, (void), ())
LAZY_VOID_FN (archive, archive_entry_free, (E), (e))
LAZY_FN (archive, const char *, archive_entry_pathname, (E), (e))
LAZY_FN (archive, const char *, archive_entry_hardlink, (E), (e))
LAZY_FN (archive, const char *, archive_entry_symlink, (E), (e))
LAZY_FN (archive, __LA_MODE_T, archive_entry_filetype, (E), (e))
LAZY_FN (archive, __LA_MODE_T, archive_entry_perm, (E), (e))
LAZY_FN (archive, la_int64_t, archive_entry_uid, (E), (e))
LAZY_FN (archive, la_int64_t, archive_entry_gid, (E), (e))
LAZY_FN (archive, la_int64_t, archive_entry_size, (E), (e))
LAZY_FN (archive, dev_t, archive_entry_rdev, (E), (e))
LAZY_FN (archive, time_t, archive_entry_atime, (E), (e))
LAZY_FN (archive, long, archive_entry_atime_nsec, (E), (e))
LAZY_FN (archive, int, archive_entry_atime_is_set, (E), (e))
LAZY_FN (archive, time_t, archive_entry_mtime, (E), (e))
LAZY_FN (archive, long, archive_entry_mtime_nsec, (E), (e))
LAZY_VOID_FN (archive, archive_entry_set_pathname, (E, const char *s), (e, s))
LAZY_VOID_FN (archive, archive_entry_set_hardlink, (E, const char *s), (e, s))
LAZY_VOID_FN (archive, archive_entry_set_symlink, (E, const char *s), (e, s))
LAZY_VOID_FN (archive, archive_entry_set_filetype, (E, unsigned int type), (e, type))
LAZY_VOID_FN (archive, archive_entry_set_perm, (E, __LA_MODE_T perm), (e, perm))
LAZY_VOID_FN (archive, archive_entry_set_uid, (E, la_int64_t id), (e, id))
LAZY_VOID_FN (archive, archive_entry_set_gid, (E, la_int64_t id), (e, id))
LAZY_VOID_FN (archive, archive_entry_set_size, (E, la_int64_t size), (e, size))
LAZY_VOID_FN (archive, archive_entry_sparse_add_entry, (E, la_int64_t offset, la_int64_t length),
              (e, offset, length))
LAZY_VOID_FN (archive, archive_entry_set_dev, (E, dev_t dev), (e, dev))
LAZY_VOID_FN (archive, archive_entry_set_rdev, (E, dev_t dev), (e, dev))
LAZY_VOID_FN (archive, archive_entry_set_ino64, (E, la_int64_t ino), (e, ino))
LAZY_VOID_FN (archive, archive_entry_set_nlink, (E, unsigned int n), (e, n))
LAZY_VOID_FN (archive, archive_entry_set_mtime, (E, time_t sec, long nsec), (e, sec, nsec))
LAZY_VOID_FN (archive, archive_entry_xattr_add_entry, (E, const char *name, const void *value, size_t size),
              (e, name, value, size))
LAZY_FN (archive, int, archive_entry_xattr_reset, (E), (e))
LAZY_FN (archive, int, archive_entry_xattr_next, (E, const char **name, const void **value, size_t *size),
         (e, name, value, size))

/* Hard link resolution for archive_write (image save).  */
LAZY_FN (archive, struct archive_entry_linkresolver *, archive_entry_linkresolver_new, (void), ())
LAZY_VOID_FN (archive, archive_entry_linkresolver_free, (struct archive_entry_linkresolver * r), (r))
LAZY_VOID_FN (archive, archive_entry_linkresolver_set_strategy,
              (struct archive_entry_linkresolver * r, int fmt), (r, fmt))
LAZY_VOID_FN (archive, archive_entry_linkify,
              (struct archive_entry_linkresolver * r, struct archive_entry **e1, struct archive_entry **e2),
              (r, e1, e2))
