/* SquashFS files as images (`galley image squash`, `galley run
 * FILE.sqfs`): one file holds the image's root filesystem, its files
 * owned as the image gives them, and the image's configuration, the OCI
 * image config as the store keeps it, at SQUASH_CONFIG_PATH inside it.
 * Read here with libsquashfs, without mounting anything: the command,
 * environment, working directory and user of a container are settled
 * before it starts.  */
#ifndef GALLEY_IMAGE_SQUASH_CONFIG_H
#define GALLEY_IMAGE_SQUASH_CONFIG_H

#include <json-c/json.h>

#include "util/error.h"

#define SQUASH_CONFIG_DIR ".galley"
#define SQUASH_CONFIG_NAME "image.json"
#define SQUASH_CONFIG_PATH "/" SQUASH_CONFIG_DIR "/" SQUASH_CONFIG_NAME

/* The image configuration in the SquashFS file `file`: *config is the
 * whole OCI image config ("config", "architecture", "history", ...), or
 * NULL when file holds none (a root filesystem made by another tool).
 * Fails (EINVAL) when file is not a SquashFS file.  */
int squash_config_read (const char *file, json_object **config, galley_error_t *err);

#endif
