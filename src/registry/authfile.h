/* Registry credentials files in the containers-auth.json(5) format shared
 * with podman and docker: {"auths": {"KEY": {"auth": base64("user:pass")}}}
 * where KEY is "host[:port]" or "host[:port]/namespace/repo".  Lookup walks
 * --authfile, else $REGISTRY_AUTH_FILE, else
 * $XDG_RUNTIME_DIR/containers/auth.json, $XDG_CONFIG_HOME/containers/auth.json,
 * ~/.docker/config.json; the first file with a matching key wins.  Writes are
 * atomic, mode 0600, and keep every other entry.  */
#ifndef GALLEY_REGISTRY_AUTHFILE_H
#define GALLEY_REGISTRY_AUTHFILE_H

#include "state/paths.h"
#include "util/error.h"

struct auth_credentials
{
  char *username;
  char *password;
  char *identity_token; /* OAuth refresh token ("identitytoken"), or NULL */
};

void auth_credentials_release (struct auth_credentials *c);
#define _cleanup_auth_credentials_ __attribute__ ((cleanup (auth_credentials_release)))

/* Credentials for registry ("host[:port]") and repository ("ns/name", may be
 * NULL); the most specific key wins.  Returns 1 when found, 0 when none, -1
 * on a file that exists but cannot be read or parsed.  */
int authfile_lookup (const struct galley_paths *p, const char *authfile, const char *registry,
                     const char *repository, struct auth_credentials *out, galley_error_t *err);

/* The file `login` writes and `logout` edits: authfile, else
 * $REGISTRY_AUTH_FILE, else $XDG_RUNTIME_DIR/containers/auth.json, else
 * $XDG_CONFIG_HOME/containers/auth.json.  */
char *authfile_write_path (const struct galley_paths *p, const char *authfile);

/* Normalize what a user typed ("https://host:5000/v2/", "index.docker.io")
 * into an auth.json key ("host:5000", "docker.io").  */
char *authfile_normalize_key (const char *input);

/* Set key's credentials in path (created with its directory if missing).  */
int authfile_store (const char *path, const char *key, const char *username, const char *password,
                    galley_error_t *err);

/* Remove key from path: 1 when removed, 0 when it was not there.  */
int authfile_remove (const char *path, const char *key, galley_error_t *err);

/* Remove every credential in path (other top-level members are kept).  */
int authfile_remove_all (const char *path, galley_error_t *err);

/* "user:pass" -> base64 and back.  decode fails (-1, EINVAL) without a ':'.  */
char *authfile_encode (const char *username, const char *password);
int authfile_decode (const char *b64, struct auth_credentials *out, galley_error_t *err);

#endif
