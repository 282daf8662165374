/* Which containers use an image, for the commands that remove images (rmi,
 * image prune): an image a container is built on stays unless forced, as
 * with podman, because the container's root filesystem is made of its
 * layers.  The containers are listed once per command, as ps lists them
 * (its cache holds each container's image id).  */
#ifndef GALLEY_CLI_IMAGE_USERS_H
#define GALLEY_CLI_IMAGE_USERS_H

#include <stdbool.h>
#include <stddef.h>

#include "cli/cli.h"
#include "state/container_list.h"

struct image_users
{
  struct container_listing *listing; /* ps's, read at the first question */
};

void image_users_clear (struct image_users *u);

/* The id of the first container that uses image_id, NULL for none
 * (*err set when the records could not be read).  */
int image_users_first (struct cli_context *ctx, struct image_users *u, const char *image_id,
                       const char **user, galley_error_t *err);

/* rmi -f: remove every container that uses image_id (running ones are
 * killed), as podman does.  */
int image_users_remove (struct cli_context *ctx, struct image_users *u, const char *image_id,
                        galley_error_t *err);

#endif
