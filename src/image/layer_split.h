/* Tar-split: what a layer tar holds besides its files' contents, recorded
 * while the layer is extracted, so that the tar can be written again bit
 * for bit from the extracted files.  A saved or pushed layer then has the
 * diff_id it was pulled or loaded with, and its image keeps its id (the
 * config, which names the diff_ids, is unchanged).  The idea is
 * containers/storage's tar-split; the format is galley's own.
 *
 * Recording (layer_extract.c): every byte of the uncompressed tar goes
 * through layer_split_feed, which parses the tar framing (512-byte headers,
 * pax and GNU extension headers, padding, what follows the end) and keeps
 * all of it but the data of regular files; the extractor reports each file
 * it wrote (layer_split_file: its path in the diff directory and size), in
 * tar order.  The n-th file data the parser skipped must be the n-th file
 * the extractor wrote, of the same size.  Anything else -- sparse files, a
 * file whose data the extractor did not write, a header the parser does not
 * understand -- leaves the layer without a split (the tar is then written
 * anew, layer_tar.h), never a wrong one.
 *
 * The split is a zstd-compressed sequence of records in layers/<hex>/
 * LAYER_SPLIT_NAME: the magic line, then "R" <u32 n> <n bytes> (tar bytes
 * as they were), "F" <u64 size> <u32 n> <n bytes of path> (the contents of
 * that file in diff/), and "E" <u64 tar size> at the end (integers little
 * endian).  Headers are ~1 KiB per entry before compression, ~50 bytes
 * after.
 *
 * Writing (layer_split_write) runs where the layer's files are readable
 * (in the user namespace), reads every file beneath the diff directory
 * without following symlinks, and gives the digests of what it wrote: the
 * caller compares the diff_id with the layer's and falls back to
 * layer_tar_write when they differ.  */
#ifndef GALLEY_LAYER_SPLIT_H
#define GALLEY_LAYER_SPLIT_H

#include <stdint.h>
#include <stddef.h>

#include "image/layer_out.h"
#include "image/manifest.h"
#include "util/error.h"

#define LAYER_SPLIT_NAME "tar-split"

struct layer_split;

/* Start recording into path, a new file (O_EXCL, not following symlinks).
 * NULL (with a debug line) when it cannot be created: the layer gets no
 * split.  */
struct layer_split *layer_split_start (const char *path);
/* The next bytes of the uncompressed tar stream, every one of them.  */
void layer_split_feed (struct layer_split *sp, const void *buf, size_t len);
/* The extractor wrote the data (size bytes) of the next regular file whose
 * data the tar carries to path (its name in the tar).  */
void layer_split_file (struct layer_split *sp, const char *path, uint64_t size);
/* After the last byte and the last file: write the end and close.  Returns
 * whether the split is complete; when not, its file is removed.  */
bool layer_split_finish (struct layer_split *sp);
/* Free; an unfinished split's file is removed.  sp may be NULL.  */
void layer_split_free (struct layer_split *sp);

/* Write the tar recorded in split_fd, with the contents of the files of the
 * diff directory diff_dir_fd, to out_fd, compressed as asked.  r gets the
 * digests and sizes of what was written.  */
int layer_split_write (int split_fd, int diff_dir_fd, int out_fd, enum layer_compression compression,
                       struct layer_tar_result *r, galley_error_t *err);

#endif
