/* libsquashfs loaded on first use: trampolines for the functions galley
 * calls (see util/lazylib.h).  */
#include "config.h"

#include <sqfs/compressor.h>
#include <sqfs/data_reader.h>
#include <sqfs/dir_reader.h>
#include <sqfs/inode.h>
#include <sqfs/io.h>
#include <sqfs/super.h>

#include "util/lazylib.h"

LAZY_LIB (squashfs, GALLEY_SONAME_SQUASHFS);

LAZY_FN (squashfs, sqfs_file_t *, sqfs_open_file, (const char *filename, sqfs_u32 flags), (filename, flags))
LAZY_FN (squashfs, int, sqfs_super_read, (sqfs_super_t * super, sqfs_file_t *file), (super, file))
LAZY_FN (squashfs, int, sqfs_compressor_config_init,
         (sqfs_compressor_config_t * cfg, SQFS_COMPRESSOR id, size_t block_size, sqfs_u16 flags),
         (cfg, id, block_size, flags))
LAZY_FN (squashfs, int, sqfs_compressor_create,
         (const sqfs_compressor_config_t *cfg, sqfs_compressor_t **out), (cfg, out))
LAZY_FN (squashfs, sqfs_dir_reader_t *, sqfs_dir_reader_create,
         (const sqfs_super_t *super, sqfs_compressor_t *cmp, sqfs_file_t *file, sqfs_u32 flags),
         (super, cmp, file, flags))
LAZY_FN (squashfs, int, sqfs_dir_reader_find_by_path,
         (sqfs_dir_reader_t * rd, const sqfs_inode_generic_t *start, const char *path,
          sqfs_inode_generic_t **out),
         (rd, start, path, out))
LAZY_FN (squashfs, sqfs_data_reader_t *, sqfs_data_reader_create,
         (sqfs_file_t * file, size_t block_size, sqfs_compressor_t *cmp, sqfs_u32 flags),
         (file, block_size, cmp, flags))
LAZY_FN (squashfs, int, sqfs_data_reader_load_fragment_table,
         (sqfs_data_reader_t * data, const sqfs_super_t *super), (data, super))
LAZY_FN (squashfs, sqfs_s32, sqfs_data_reader_read,
         (sqfs_data_reader_t * data, const sqfs_inode_generic_t *inode, sqfs_u64 offset, void *buffer,
          sqfs_u32 size),
         (data, inode, offset, buffer, size))
LAZY_FN (squashfs, int, sqfs_inode_get_file_size, (const sqfs_inode_generic_t *inode, sqfs_u64 *size),
         (inode, size))
LAZY_VOID_FN (squashfs, sqfs_free, (void *ptr), (ptr))
