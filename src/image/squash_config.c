/* The image configuration inside a SquashFS file (see squash_config.h);
 * libsquashfs's error codes are turned into galley errors here only.  */
#include "config.h"
#include "image/squash_config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sqfs/compressor.h>
#include <sqfs/data_reader.h>
#include <sqfs/dir_reader.h>
#include <sqfs/error.h>
#include <sqfs/inode.h>
#include <sqfs/io.h>
#include <sqfs/super.h>

#include "util/cleanup.h"
#include "util/json.h"
#include "util/xmalloc.h"

#define SQUASH_CONFIG_MAX (4u << 20)

static const char *
sqfs_error_text (int code)
{
  switch (code)
    {
    case SQFS_ERROR_ALLOC:
      return "out of memory";
    case SQFS_ERROR_IO:
      return "read error";
    case SQFS_ERROR_COMPRESSOR:
      return "cannot uncompress it";
    case SQFS_ERROR_UNSUPPORTED:
      return "a feature or compressor it uses is not supported";
    default:
      return "corrupted";
    }
}

static int
sqfs_fail (const char *file, int code, galley_error_t *err)
{
  return galley_error_kind (err, code == SQFS_ERROR_ALLOC ? ENOMEM : EINVAL, "%s: %s", file,
                            sqfs_error_text (code));
}

static void
sqfs_destroyp (void *p)
{
  void **obj = p;
  if (*obj != NULL)
    sqfs_destroy (*obj);
}

static void
sqfs_freep (void *p)
{
  void **ptr = p;
  if (*ptr != NULL)
    sqfs_free (*ptr);
}

#define _cleanup_sqfs_ __attribute__ ((cleanup (sqfs_destroyp)))
#define _cleanup_sqfs_free_ __attribute__ ((cleanup (sqfs_freep)))

int
squash_config_read (const char *file, json_object **config, galley_error_t *err)
{
  _cleanup_sqfs_ sqfs_file_t *f = NULL;
  _cleanup_sqfs_ sqfs_compressor_t *cmp = NULL;
  _cleanup_sqfs_ sqfs_dir_reader_t *dir = NULL;
  _cleanup_sqfs_ sqfs_data_reader_t *data = NULL;
  _cleanup_sqfs_free_ sqfs_inode_generic_t *inode = NULL;
  _cleanup_free_ char *text = NULL;
  sqfs_compressor_config_t cfg;
  sqfs_super_t super;
  sqfs_u64 size = 0;
  sqfs_s32 got;
  int r;

  *config = NULL;
  errno = 0;
  f = sqfs_open_file (file, SQFS_FILE_OPEN_READ_ONLY | SQFS_FILE_OPEN_NO_CHARSET_XFRM);
  if (f == NULL)
    return galley_error_make (err, errno ? errno : EIO, "opening %s", file);
  /* too short, no magic, an unknown version or block size */
  if (sqfs_super_read (&super, f) != 0)
    return galley_error_kind (err, EINVAL, "%s: not a SquashFS file", file);
  if ((r = sqfs_compressor_config_init (&cfg, (SQFS_COMPRESSOR)super.compression_id, super.block_size,
                                        SQFS_COMP_FLAG_UNCOMPRESS))
          != 0
      || (r = sqfs_compressor_create (&cfg, &cmp)) != 0)
    return sqfs_fail (file, r, err);
  dir = sqfs_dir_reader_create (&super, cmp, f, 0);
  data = sqfs_data_reader_create (f, super.block_size, cmp, 0);
  if (dir == NULL || data == NULL)
    return sqfs_fail (file, SQFS_ERROR_ALLOC, err);
  r = sqfs_dir_reader_find_by_path (dir, NULL, SQUASH_CONFIG_PATH, &inode);
  if (r == SQFS_ERROR_NO_ENTRY || r == SQFS_ERROR_NOT_DIR)
    return 0;
  if (r != 0)
    return sqfs_fail (file, r, err);
  if (inode->base.type != SQFS_INODE_FILE && inode->base.type != SQFS_INODE_EXT_FILE)
    return galley_error_kind (err, EINVAL, "%s: %s is not a regular file", file, SQUASH_CONFIG_PATH);
  if (sqfs_inode_get_file_size (inode, &size) != 0 || size > SQUASH_CONFIG_MAX)
    return galley_error_kind (err, EFBIG, "%s: %s is larger than %u bytes", file, SQUASH_CONFIG_PATH,
                              SQUASH_CONFIG_MAX);
  text = xmalloc (size + 1);
  if ((r = sqfs_data_reader_load_fragment_table (data, &super)) != 0)
    return sqfs_fail (file, r, err);
  got = size > 0 ? sqfs_data_reader_read (data, inode, 0, text, (sqfs_u32)size) : 0;
  if (got < 0)
    return sqfs_fail (file, got, err);
  if ((sqfs_u64)got != size)
    return sqfs_fail (file, SQFS_ERROR_CORRUPTED, err);
  text[size] = '\0';
  if (json_parse_strict (text, (size_t)size, SQUASH_CONFIG_PATH, config, err) < 0)
    return galley_error_wrap (err, "%s", file);
  if (! json_object_is_type (*config, json_type_object))
    {
      json_object_put (*config);
      *config = NULL;
      return galley_error_kind (err, EINVAL, "%s: %s is not a JSON object", file, SQUASH_CONFIG_PATH);
    }
  return 0;
}
