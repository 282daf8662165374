/* Containers that use an image (see image_users.h).  */
#include "config.h"
#include "cli/image_users.h"

#include <errno.h>
#include <string.h>

#include "runtime/lifecycle.h"

void
image_users_clear (struct image_users *u)
{
  container_listing_close (u->listing);
  u->listing = NULL;
}

static int
load (struct cli_context *ctx, struct image_users *u, galley_error_t *err)
{
  if (u->listing != NULL)
    return 0;
  if (container_listing_open (&ctx->paths, &u->listing, err) < 0)
    return galley_error_wrap (err, "listing the containers that use images");
  return 0;
}

/* Container i's id when it uses image_id, else NULL.  */
static const char *
user_id (const struct image_users *u, size_t i, const char *image_id)
{
  struct container_brief b;

  container_listing_brief (u->listing, i, &b);
  return strcmp (b.image_id, image_id) == 0 ? b.id : NULL;
}

int
image_users_first (struct cli_context *ctx, struct image_users *u, const char *image_id, const char **user,
                   galley_error_t *err)
{
  size_t i;

  *user = NULL;
  if (load (ctx, u, err) < 0)
    return -1;
  for (i = 0; i < container_listing_count (u->listing) && *user == NULL; i++)
    *user = user_id (u, i, image_id);
  return 0;
}

int
image_users_remove (struct cli_context *ctx, struct image_users *u, const char *image_id, galley_error_t *err)
{
  size_t i;

  if (load (ctx, u, err) < 0)
    return -1;
  for (i = 0; i < container_listing_count (u->listing); i++)
    {
      const char *id = user_id (u, i, image_id);
      struct container_entry e;
      int ret;

      if (id == NULL)
        continue;
      /* the whole record and the current state, as rm reads them */
      ret = container_find (&ctx->paths, id, &e, err);
      if (ret == 0)
        {
          ret = container_rm (&ctx->paths, &e, true, err);
          container_entry_clear (&e);
        }
      if (ret < 0)
        {
          if (galley_error_errno (err) != ENOENT)
            return galley_error_wrap (err, "removing container %s of image %s", id, image_id);
          galley_error_release (err);
        }
    }
  return 0;
}
