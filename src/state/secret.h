/* Secrets, as podman's `secret` commands keep them with its file driver:
 * storage/secrets/<id>/ holds secret.json (the record `secret inspect`
 * shows, podman's field names) and data (the secret itself, mode 0600,
 * in a directory of mode 0700).  A secret is written under a temporary
 * name and renamed into place, so a reader never sees half of one.
 * Creation and removal are serialised by storage/secrets/.lock (an id
 * never starts with '.'); readers never take it.  The data is never in a
 * record, a log or an inspect object.  */
#ifndef GALLEY_STATE_SECRET_H
#define GALLEY_STATE_SECRET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "state/paths.h"
#include "util/error.h"
#include "util/filter.h"

/* podman's limit: a secret holds 1 to 511999 bytes.  */
#define SECRET_DATA_MAX 512000
/* podman's ids: 25 hex digits.  */
#define SECRET_ID_LEN 25

struct secret
{
  char *id;
  char *name;
  char *driver;          /* "file" */
  char **driver_options; /* "KEY=VALUE", sorted, NULL-terminated */
  char **labels;         /* "KEY=VALUE", sorted, NULL-terminated */
  int64_t created_ns;    /* since the epoch */
  int64_t updated_ns;
};

void secret_clear (struct secret *s);

/* Up to 64 characters of [a-zA-Z0-9_.-], starting and ending with a
 * letter or digit (podman's rule).  */
bool secret_valid_name (const char *name);

struct secret_create_options
{
  const char *name;
  const char *driver;                /* NULL: "file", the only one there is */
  const char *const *driver_options; /* "KEY=VALUE", may be NULL */
  const char *const *labels;         /* "KEY=VALUE" (a bare KEY: an empty value), may be NULL */
  const char *data;
  size_t len;
};

/* Store a new secret; *id_out (25 hex digits) receives its id.  Errors as
 * podman's: an invalid name (EINVAL), data of no or too many bytes, a name
 * in use (EEXIST: "NAME: secret name in use").  */
int secret_create (const struct galley_paths *p, const struct secret_create_options *o, char **id_out,
                   galley_error_t *err);

/* The secret by name, full id or unique id prefix.  ENOENT: 'no secret
 * with name or id "x": no such secret'.  */
int secret_lookup (const struct galley_paths *p, const char *name_or_id, struct secret *out,
                   galley_error_t *err);

/* Every secret, oldest first.  */
int secret_list (const struct galley_paths *p, struct secret **out, size_t *n, galley_error_t *err);
void secret_list_free (struct secret *list, size_t n);

/* The secret's data (NUL-terminated beyond *len; the caller frees it,
 * best after explicit_bzero).  */
int secret_read_data (const struct galley_paths *p, const char *id, char **data, size_t *len,
                      galley_error_t *err);

/* Copy the secret's data into a new file dirfd/name, mode 0600, created
 * with O_EXCL | O_NOFOLLOW (an existing name fails with EEXIST).  */
int secret_copy_data (const struct galley_paths *p, const char *id, int dirfd, const char *name,
                      galley_error_t *err);

/* Remove the secret (by name, id or id prefix); *id_out gets its id.
 * ENOENT as secret_lookup.  */
int secret_remove (const struct galley_paths *p, const char *name_or_id, char **id_out, galley_error_t *err);

/* podman's secret ls filters: name=REGEX, id=REGEX (a pattern that does
 * not compile matches nothing).  */
extern const struct filter_syntax secret_filter_syntax;

/* Whether the secret passes the filters (values of one key OR-ed, keys
 * AND-ed, as podman's; f NULL: none).  */
bool secret_matches_filters (const struct secret *s, const struct filter_set *f);

/* podman's `secret inspect` object: ID, CreatedAt, UpdatedAt, Spec {Name,
 * Driver {Name, Options}, Labels}; never the data.  */
json_object *secret_inspect_json (const struct galley_paths *p, const struct secret *s);

#endif
