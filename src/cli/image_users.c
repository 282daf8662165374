/* Containers that use an image (see image_users.h).  */
#include "config.h"
#include "cli/image_users.h"

#include <errno.h>
#include <string.h>

#include "runtime/lifecycle.h"
#include "util/json.h"

void
image_users_clear (struct image_users *u)
{
  if (u->loaded)
    container_list_free (u->containers, u->n);
  u->containers = NULL;
  u->n = 0;
  u->loaded = false;
}

static int
load (struct cli_context *ctx, struct image_users *u, galley_error_t *err)
{
  if (u->loaded)
    return 0;
  if (container_list (&ctx->paths, &u->containers, &u->n, err) < 0)
    return galley_error_wrap (err, "listing the containers that use images");
  u->loaded = true;
  return 0;
}

static bool
uses (const struct container_entry *e, const char *image_id)
{
  const char *id = json_get_string (e->config, "ImageID");

  return id != NULL && strcmp (id, image_id) == 0;
}

int
image_users_first (struct cli_context *ctx, struct image_users *u, const char *image_id, const char **user,
                   galley_error_t *err)
{
  size_t i;

  *user = NULL;
  if (load (ctx, u, err) < 0)
    return -1;
  for (i = 0; i < u->n && *user == NULL; i++)
    if (uses (&u->containers[i], image_id))
      *user = u->containers[i].id;
  return 0;
}

int
image_users_remove (struct cli_context *ctx, struct image_users *u, const char *image_id, galley_error_t *err)
{
  size_t i;

  if (load (ctx, u, err) < 0)
    return -1;
  for (i = 0; i < u->n; i++)
    if (uses (&u->containers[i], image_id) && container_rm (&ctx->paths, &u->containers[i], true, err) < 0)
      {
        if (galley_error_errno (err) != ENOENT)
          return galley_error_wrap (err, "removing container %s of image %s", u->containers[i].id, image_id);
        galley_error_release (err);
      }
  return 0;
}
