/* Adding one layer tar to the store (see layer_import.h).  */
#include "config.h"
#include "image/layer_import.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image/layer_split.h"
#include "util/cleanup.h"
#include "util/digest.h"
#include "util/log.h"
#include "util/xmalloc.h"

int
layer_chain_id (const char *parent, const char *diff_id, char out[LAYER_DIGEST_LEN])
{
  _cleanup_free_ char *text = NULL;

  if (parent == NULL || parent[0] == '\0')
    {
      snprintf (out, LAYER_DIGEST_LEN, "%s", diff_id);
      return 0;
    }
  if (asprintf (&text, "%s %s", parent, diff_id) < 0)
    return -1;
  return digest_sha256_hex (text, strlen (text), out);
}

int
layer_import_fd (struct store *s, int fd, const char *chain_id, const char *parent,
                 const struct layer_extract_options *o, galley_error_t *err)
{
  _cleanup_free_ char *diff_dir = NULL, *split_path = NULL;
  struct layer_extract_options with_split = *o;
  struct layer_extract_result res;
  galley_error_t abort_err = NULL;
  int r;

  r = store_layer_begin (s, chain_id, o->diff_id, parent && parent[0] ? parent : NULL, &diff_dir, err);
  if (r != 0)
    return r < 0 ? -1 : 0;
  if (store_layer_file (s, chain_id, LAYER_SPLIT_NAME, &split_path, err) == 0)
    {
      with_split.split_path = split_path;
      if (layer_extract_fd (fd, diff_dir, &with_split, &res, err) == 0
          && store_layer_commit (s, chain_id, res.size, err) == 0)
        return 1;
    }
  if (store_layer_abort (s, chain_id, &abort_err) < 0)
    {
      log_warn ("%s", abort_err->msg);
      galley_error_release (&abort_err);
    }
  return -1;
}

int
layer_import_tmpfile (struct store *s, galley_error_t *err)
{
  _cleanup_free_ char *path = NULL;
  int fd = openat (store_root_fd (s), ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);

  if (fd >= 0)
    return fd;
  if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
    return galley_error_make (err, errno, "creating a temporary file in %s", store_root (s));
  /* The pid in the name lets the next writer remove it if we crash.  */
  path = xasprintf ("%s/tmp-layer-%d-XXXXXX", store_root (s), (int)getpid ());
  fd = mkostemp (path, O_CLOEXEC);
  if (fd < 0)
    return galley_error_make (err, errno, "creating a temporary file in %s", store_root (s));
  unlink (path);
  return fd;
}
