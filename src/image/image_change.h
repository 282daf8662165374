/* podman's --change instructions for commit and import ("CMD ...",
 * "ENV K=V", ... as libimage's ImageConfigFromChanges): parsed into a
 * partial image config first, so that a bad instruction fails before any
 * work is done, then applied onto the new image's config.  */
#ifndef GALLEY_IMAGE_CHANGE_H
#define GALLEY_IMAGE_CHANGE_H

#include <stddef.h>

#include <json-c/json.h>

#include "util/error.h"

/* Parse n changes into *delta, an object with the OCI config keys they set
 * (User, ExposedPorts, Env, Entrypoint, Cmd, Volumes, WorkingDir, Labels,
 * StopSignal, OnBuild).  Errors name the change
 * ('invalid change "FOO x" - invalid instruction FOO').  */
int image_changes_parse (char *const *changes, size_t n, json_object **delta, galley_error_t *err);

/* Apply a parsed delta onto an image's "config" object as podman commit
 * does: ENV, EXPOSE, VOLUME, LABEL and ONBUILD add; the others replace.  */
void image_changes_apply (json_object *config, json_object *delta);

/* Set (or replace) NAME=value in the "Env" array of config.  */
void image_config_set_env (json_object *config, const char *name, const char *value);

#endif
