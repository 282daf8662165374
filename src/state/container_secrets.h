/* The secrets of a container (run/create --secret): podman's option
 * NAME[,type=mount|env,target=...,uid=...,gid=...,mode=...] (the
 * configuration's secret_options), the entries of podman's Secrets it
 * becomes at create (its secrets), and the container's private
 * copies of its mounted secrets, storage/containers/<id>/secrets/<name>,
 * made at create (so a later `secret rm` leaves the container working, as
 * podman's).  An env secret is read from the store at each start.  */
#ifndef GALLEY_STATE_CONTAINER_SECRETS_H
#define GALLEY_STATE_CONTAINER_SECRETS_H

#include <stdbool.h>
#include <sys/types.h>

#include <json-c/json.h>

#include "state/container_config.h"
#include "state/paths.h"
#include "util/error.h"

struct container_secret
{
  char *name;
  char *id;     /* filled by resolution */
  bool env;     /* type=env: a variable, else a file mounted read-only */
  char *target; /* mount: an absolute, clean path (NULL when parsed without one: the
                 * default is known once the secret is looked up); env: the variable's name */
  uid_t uid;    /* mount only: owner and mode of the file (0, 0, 0444) */
  gid_t gid;
  mode_t mode;
};

void container_secret_clear (struct container_secret *s);

/* Parse one --secret option (without looking the secret up).  Errors as
 * podman's: "mode 999 invalid: parsing secret".  */
int container_secret_parse (const char *arg, struct container_secret *out, galley_error_t *err);

/* At create: look every secret option of config up in the store and
 * replace them by its secrets (podman's entries: Name, ID, Type, Target,
 * UID, GID, Mode).  ENOENT for an unknown secret.  */
int container_secrets_resolve (const struct galley_paths *p, struct container_config *config,
                               galley_error_t *err);

/* The configuration's secrets (an empty list when it has none).  */
int container_secrets_of (const struct container_config *config, struct container_secret **out, size_t *n,
                          galley_error_t *err);
void container_secrets_free (struct container_secret *list, size_t n);

/* After the record of container id exists: its copies of the mounted
 * secrets (a directory of mode 0700, files of mode 0600 created with
 * O_EXCL | O_NOFOLLOW).  */
int container_secrets_copy (const struct galley_paths *p, const struct container_config *config,
                            const char *id, galley_error_t *err);

/* storage/containers/<id>/secrets (made, mode 0700), opened: where the
 * copies are.  */
int container_secrets_dir (const struct galley_paths *p, const char *id, galley_error_t *err);

/* storage/containers/<id>/secrets/<name>, the copy a mount is made of
 * (malloc'ed).  */
char *container_secret_copy_path (const struct galley_paths *p, const char *id, const char *name);

/* podman's inspect .Config.Secrets: the mounted ones as {Name, ID, UID,
 * GID, Mode}, NULL (JSON null) when there are none.  */
json_object *container_secrets_inspect (const struct container_config *config);

#endif
