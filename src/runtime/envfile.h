/* The container's environment: -e/--env, --env-file, the image's Env and
 * galley's defaults, merged with podman's precedence (later wins).
 *
 * galley sets container=galley (podman sets container=podman): scripts and
 * systemd only test that $container is non-empty to know they run in a
 * container; the value names the engine honestly.  */
#ifndef GALLEY_RUNTIME_ENVFILE_H
#define GALLEY_RUNTIME_ENVFILE_H

#include <stddef.h>

#include "util/error.h"

#define ENV_CONTAINER_VALUE "galley"
#define ENV_DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* An ordered list of "NAME=value"; setting an existing NAME replaces it in
 * place.  */
struct env_list
{
  char **entries; /* NULL-terminated once anything was added */
  size_t n, alloc;
};

void env_list_clear (struct env_list *env);
int env_set (struct env_list *env, const char *name, const char *value, galley_error_t *err);
const char *env_get (const struct env_list *env, const char *name);

/* One -e argument, podman's rules: "NAME=value"; "NAME" takes the value from
 * host_environ (omitted if unset); "PREFIX*" takes every host variable with
 * that prefix.  host_environ NULL means environ.  */
int env_parse_option (struct env_list *env, const char *arg, char *const *host_environ, galley_error_t *err);

/* --env-file: one -e per line; leading whitespace ignored; blank lines and
 * lines starting with '#' skipped.  Errors name the file and line.  */
int env_parse_file (struct env_list *env, const char *path, char *const *host_environ, galley_error_t *err);

/* The final environment of the container process, in podman's order:
 * defaults (PATH, TERM=xterm), then image_env ("NAME=value" strings, NULL-
 * terminated, may be NULL), then user (from --env-file and -e, in command-line
 * order); then container=galley, HOSTNAME=hostname and HOME=home are added
 * when not set.  */
int env_build (const char *const *image_env, const struct env_list *user, const char *hostname,
               const char *home, struct env_list *out, galley_error_t *err);

#endif
