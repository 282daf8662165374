/* Test helper shared by test-layer-extract and test-whiteout: craft a layer
 * (tar, optionally gzip or zstd) in memory with libarchive's write API and
 * extract it into a fresh temporary directory.  */
#ifndef GALLEY_TEST_LAYER_TAR_H
#define GALLEY_TEST_LAYER_TAR_H

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

enum test_entry_type
{
  T_FILE,
  T_DIR,
  T_SYMLINK,
  T_HARDLINK,
  T_FIFO,
  T_CHR,
  T_SPARSE, /* data at offset 0, then a 1 MiB hole */
};

struct test_entry
{
  enum test_entry_type type;
  const char *path;
  const char *data; /* file content, symlink or hardlink target */
  unsigned mode;
  unsigned uid, gid;
};

struct test_blob
{
  unsigned char *data;
  size_t len;
};

/* filter: "none", "gzip", "zstd"; format: a libarchive format name
 * ("gnutar", "ustar", ...), NULL for restricted pax; last_block: what the
 * last block is padded to (1: not padded after the end marker; 10240:
 * tar's 10 KiB records).  */
static inline struct test_blob
test_make_layer_as (const struct test_entry *entries, size_t n, const char *filter, const char *format,
                    int last_block)
{
  struct archive *a = archive_write_new ();
  size_t cap = 4 * 1024 * 1024, used = 0, i;
  struct test_blob b = { malloc (cap), 0 };

  if (format == NULL)
    archive_write_set_format_pax_restricted (a);
  else if (archive_write_set_format_by_name (a, format) != ARCHIVE_OK)
    abort ();
  if (strcmp (filter, "gzip") == 0)
    archive_write_add_filter_gzip (a);
  else if (strcmp (filter, "zstd") == 0)
    archive_write_add_filter_zstd (a);
  archive_write_set_bytes_in_last_block (a, last_block);
  if (archive_write_open_memory (a, b.data, cap, &used) != ARCHIVE_OK)
    abort ();
  for (i = 0; i < n; i++)
    {
      struct archive_entry *e = archive_entry_new ();
      const struct test_entry *t = &entries[i];

      archive_entry_set_pathname (e, t->path);
      archive_entry_set_uid (e, t->uid);
      archive_entry_set_gid (e, t->gid);
      archive_entry_set_mtime (e, 1000000000, 0);
      switch (t->type)
        {
        case T_FILE:
          archive_entry_set_filetype (e, AE_IFREG);
          archive_entry_set_perm (e, t->mode ? t->mode : 0644);
          archive_entry_set_size (e, t->data ? (la_int64_t)strlen (t->data) : 0);
          break;
        case T_DIR:
          archive_entry_set_filetype (e, AE_IFDIR);
          archive_entry_set_perm (e, t->mode ? t->mode : 0755);
          break;
        case T_SYMLINK:
          archive_entry_set_filetype (e, AE_IFLNK);
          archive_entry_set_perm (e, 0777);
          archive_entry_set_symlink (e, t->data);
          break;
        case T_HARDLINK:
          archive_entry_set_filetype (e, AE_IFREG);
          archive_entry_set_perm (e, 0644);
          archive_entry_set_hardlink (e, t->data);
          archive_entry_set_size (e, 0);
          break;
        case T_FIFO:
          archive_entry_set_filetype (e, AE_IFIFO);
          archive_entry_set_perm (e, t->mode ? t->mode : 0644);
          break;
        case T_CHR:
          archive_entry_set_filetype (e, AE_IFCHR);
          archive_entry_set_perm (e, 0600);
          archive_entry_set_rdev (e, 0);
          break;
        case T_SPARSE:
          archive_entry_set_filetype (e, AE_IFREG);
          archive_entry_set_perm (e, 0644);
          archive_entry_set_size (e, (la_int64_t)strlen (t->data) + (1 << 20));
          archive_entry_sparse_add_entry (e, 0, (la_int64_t)strlen (t->data));
          break;
        }
      if (archive_write_header (a, e) != ARCHIVE_OK)
        abort ();
      if ((t->type == T_FILE || t->type == T_SPARSE) && t->data)
        archive_write_data (a, t->data, strlen (t->data));
      archive_entry_free (e);
    }
  archive_write_close (a);
  archive_write_free (a);
  b.len = used;
  return b;
}

static inline struct test_blob
test_make_layer (const struct test_entry *entries, size_t n, const char *filter)
{
  return test_make_layer_as (entries, n, filter, NULL, 1);
}

static inline void
test_sha256 (const void *data, size_t len, char out[72])
{
  unsigned char bin[32];
  unsigned int n = 0, i;

  EVP_Digest (data, len, bin, &n, EVP_sha256 (), NULL);
  strcpy (out, "sha256:");
  for (i = 0; i < 32; i++)
    sprintf (out + 7 + 2 * i, "%02x", bin[i]);
}

/* A memfd holding the blob, positioned at 0.  */
static inline int
test_blob_fd (const struct test_blob *b)
{
  int fd = memfd_create ("layer", MFD_CLOEXEC);

  if (fd < 0 || write (fd, b->data, b->len) != (ssize_t)b->len || lseek (fd, 0, SEEK_SET) != 0)
    abort ();
  return fd;
}

/* A fresh directory <tmp>/layer-XXXXXX/diff and its parent (to check that
 * nothing lands beside diff).  */
static inline char *
test_mkdtemp (char **parent_out)
{
  char *parent = strdup ("/tmp/galley-test-layer-XXXXXX"), *diff = NULL;

  if (mkdtemp (parent) == NULL || asprintf (&diff, "%s/diff", parent) < 0 || mkdir (diff, 0755) < 0)
    abort ();
  *parent_out = parent;
  return diff;
}

static inline void
test_rm_rf (const char *dir)
{
  char *cmd = NULL;

  if (asprintf (&cmd, "rm -rf '%s'", dir) < 0 || system (cmd) != 0)
    abort ();
  free (cmd);
}

#endif
