/* The build layer cache (see cache.h).  */
#include "config.h"
#include "build/cache.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/digest.h"
#include "util/fs.h"
#include "util/xmalloc.h"

#define CACHE_DIR "build-cache"

static int
hash_field (struct digester *d, const char *tag, const char *value, galley_error_t *err)
{
  /* Each field is tagged and length-prefixed so that no two different
   * inputs hash the same text.  */
  char head[64];
  size_t len = value ? strlen (value) : 0;
  int n = snprintf (head, sizeof head, "%s %zu ", tag, value ? len : (size_t)-1);

  if (digest_update (d, head, (size_t)n, err) < 0 || (len > 0 && digest_update (d, value, len, err) < 0))
    return -1;
  return 0;
}

int
build_cache_key (const char *parent_id, const char *instruction, char *const *build_args,
                 const char *content_digest, char key[BUILD_CACHE_KEY_SIZE], galley_error_t *err)
{
  _cleanup_digester_ struct digester d = { 0 };
  char out[DIGEST_BUFSIZE];
  size_t i;

  if (digest_init (&d, "sha256", err) < 0 || hash_field (&d, "parent", parent_id, err) < 0
      || hash_field (&d, "instruction", instruction, err) < 0)
    return -1;
  for (i = 0; build_args != NULL && build_args[i] != NULL; i++)
    if (hash_field (&d, "arg", build_args[i], err) < 0)
      return -1;
  if (hash_field (&d, "content", content_digest, err) < 0 || digest_final (&d, out, err) < 0)
    return -1;
  snprintf (key, BUILD_CACHE_KEY_SIZE, "%s", digest_hex (out));
  return 0;
}

static int
open_cache_dir (struct store *s, bool create, galley_error_t *err)
{
  int fd;

  if (create && mkdirat (store_root_fd (s), CACHE_DIR, 0700) < 0 && errno != EEXIST)
    return galley_error_make (err, errno, "creating %s/%s", store_root (s), CACHE_DIR);
  fd = openat (store_root_fd (s), CACHE_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0 && (create || errno != ENOENT))
    return galley_error_make (err, errno, "opening %s/%s", store_root (s), CACHE_DIR);
  return fd;
}

int
build_cache_lookup (struct store *s, const char *key, char **image_id, galley_error_t *err)
{
  _cleanup_close_ int dfd = -1;
  _cleanup_free_ char *text = NULL;
  _cleanup_store_image_ struct store_image *img = NULL;
  galley_error_t local = NULL;
  size_t len = 0;

  if (! store_valid_hex_id (key))
    return galley_error_make (err, EINVAL, "invalid build cache key \"%s\"", key);
  dfd = open_cache_dir (s, false, err);
  if (dfd < 0)
    return *err ? -1 : 0;
  if (fs_read_file (dfd, key, 128, &text, &len, &local) < 0)
    {
      int e = galley_error_errno (&local);
      galley_error_release (&local);
      return e == ENOENT ? 0 : galley_error_make (err, e, "reading the build cache entry %s", key);
    }
  text[strcspn (text, "\n")] = '\0';
  if (! store_valid_hex_id (text) || store_image_find (s, text, &img, &local) < 0)
    {
      /* The image was removed (or the entry is damaged): a miss, and the
       * entry goes.  */
      galley_error_release (&local);
      unlinkat (dfd, key, 0);
      return 0;
    }
  *image_id = xstrdup (img->id);
  return 1;
}

int
build_cache_record (struct store *s, const char *key, const char *image_id, galley_error_t *err)
{
  _cleanup_close_ int dfd = -1;
  _cleanup_free_ char *text = NULL;

  if (! store_valid_hex_id (key) || ! store_valid_hex_id (image_id))
    return galley_error_make (err, EINVAL, "invalid build cache entry %s -> %s", key, image_id);
  dfd = open_cache_dir (s, true, err);
  if (dfd < 0)
    return -1;
  text = xasprintf ("%s\n", image_id);
  return fs_write_atomic (dfd, key, text, strlen (text), 0600, err);
}
