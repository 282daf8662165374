/* registries.conf, as containers-registries.conf(5) and podman read it:
 * which files (CONTAINERS_REGISTRIES_CONF, the user's, /etc, drop-ins),
 * [[registry]] prefix matching, mirrors and blocking, and the resolution of
 * short names through [aliases] and unqualified-search-registries.  */
#ifndef GALLEY_REGISTRIES_CONF_H
#define GALLEY_REGISTRIES_CONF_H

#include <stdbool.h>
#include <stddef.h>

#include "registry/reference.h"
#include "state/paths.h"
#include "util/error.h"

#define REGISTRIES_CONF_SYSTEM_DIR "/etc/containers"

enum short_name_mode
{
  SHORT_NAME_MODE_PERMISSIVE, /* the default, as containers/image */
  SHORT_NAME_MODE_ENFORCING,
  SHORT_NAME_MODE_DISABLED,
};

enum mirror_pull_from
{
  MIRROR_PULL_ALL,
  MIRROR_PULL_DIGEST_ONLY,
  MIRROR_PULL_TAG_ONLY,
};

struct registry_mirror
{
  char *location; /* host[:port][/path] */
  bool insecure;
  enum mirror_pull_from pull_from;
};

struct registry_entry
{
  char *prefix;   /* "example.com/foo", "example.com", "*.example.com" */
  char *location; /* NULL only for a wildcard prefix: the name is used as is */
  bool insecure;
  bool blocked;
  bool mirror_by_digest_only;
  struct registry_mirror *mirrors;
  size_t n_mirrors;
  char *origin; /* the file that defined it */
};

struct registry_alias
{
  char *name;  /* short name, as written: "busybox", "foo/bar" */
  char *value; /* fully qualified, normalised: "docker.io/library/busybox" */
  char *origin;
};

struct registries_conf
{
  char **search; /* unqualified-search-registries, NULL-terminated */
  size_t n_search;
  char *search_origin; /* file that set them; NULL if none did */
  enum short_name_mode short_name_mode;
  struct registry_alias *aliases;
  size_t n_aliases;
  struct registry_entry *registries; /* unique prefixes, sorted */
  size_t n_registries;
  bool found;    /* at least one file was read */
  char *sources; /* "file, dir, dir": where configuration was looked for */
};

/* Load the configuration the way podman does:
 *   CONTAINERS_REGISTRIES_CONF set: only that file (which must exist) and the
 *     drop-ins in the registries.conf.d next to it;
 *   else $XDG_CONFIG_HOME/containers/registries.conf if it exists, with its
 *     registries.conf.d;
 *   else /etc/containers/registries.conf (missing is fine), then the drop-ins
 *     of /etc/containers/registries.conf.d and of the user's directory.
 * Drop-ins (*.conf, lexical order) override: [[registry]] by prefix,
 * [aliases] by name (an empty value erases), the other keys when set.
 * Errors are one line: "FILE:LINE: ..." from the TOML parser, or
 * "FILE: [[registry]] 2: location ... is not a valid host[:port][/path]".  */
int registries_conf_load (const struct galley_paths *p, struct registries_conf **out, galley_error_t *err);

/* The same from explicit places, for tests and tools: main_file (required
 * if main_required, else a missing file is skipped) and then the drop-in
 * directories, NULL-terminated (missing directories are skipped).  */
int registries_conf_load_files (const char *main_file, bool main_required, const char *const *dropin_dirs,
                                struct registries_conf **out, galley_error_t *err);

/* The [[registry]] with the longest prefix matching `name` ("reg/repo",
 * optionally with ":tag" or "@digest"), or NULL.  */
const struct registry_entry *registries_conf_match (const struct registries_conf *c, const char *name);

/* Where to pull a fully-qualified reference from, in order: mirrors (subject
 * to mirror-by-digest-only / pull-from-mirror), then the primary location,
 * each with the name rewritten from the prefix to the location.  A blocked
 * registry is an error.  */
struct pull_source
{
  struct image_ref ref;
  bool insecure;
  bool is_mirror;
};

int registries_conf_pull_sources (const struct registries_conf *c, const struct image_ref *ref,
                                  struct pull_source **out, size_t *n, galley_error_t *err);
void pull_sources_free (struct pull_source *s, size_t n);

/* Resolve a user's input into fully-qualified candidates to try, in order:
 * itself if qualified; else its alias; else one per search registry.  With
 * several candidates in enforcing mode and no terminal on stdin and stdout
 * this fails as podman does; with a terminal all candidates are returned and
 * the caller may prompt (check registries_conf short_name_mode).  */
int image_ref_resolve (const struct registries_conf *c, const char *input, struct image_ref **cands,
                       size_t *n, galley_error_t *err);
/* The same with the terminal test decided by the caller.  */
int image_ref_resolve_tty (const struct registries_conf *c, const char *input, bool tty,
                           struct image_ref **cands, size_t *n, galley_error_t *err);
void image_ref_candidates_free (struct image_ref *cands, size_t n);

void registries_conf_free (struct registries_conf *c);

static inline void
cleanup_registries_confp (struct registries_conf **c)
{
  if (*c != NULL)
    registries_conf_free (*c);
}
#define _cleanup_registries_conf_ __attribute__ ((cleanup (cleanup_registries_confp)))

#endif
