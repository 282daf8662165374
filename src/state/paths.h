/* Where galley keeps things for the calling user (docs/design.md, "Where things
 * live"): storage root, runtime state, configuration.  */
#ifndef GALLEY_PATHS_H
#define GALLEY_PATHS_H

#include <stdbool.h>
#include <sys/types.h>

#include "util/error.h"

struct galley_paths
{
  uid_t uid;
  gid_t gid;
  bool rootless;
  char *home;
  char *config_home;          /* $XDG_CONFIG_HOME or ~/.config */
  char *root;                 /* storage root */
  const char *root_source;    /* "--root", "GALLEY_ROOT", "XDG_DATA_HOME", "default", or root_source_text */
  char *root_source_text;     /* "[storage] rootless_storage_path in FILE" */
  bool root_explicit;         /* --root or GALLEY_ROOT: no configuration moves it */
  char *runroot;              /* volatile state */
  const char *runroot_source; /* "--runroot", "GALLEY_RUNROOT", "XDG_RUNTIME_DIR", "fallback: ..." */
  bool runroot_fallback;      /* /tmp/galley-UID: no better place was given */
  char *xdg_runtime_dir;      /* NULL when unset or unusable */
};

/* Compute the paths from the options (may be NULL) and the environment.
 * Nothing is created.  */
int paths_resolve (struct galley_paths *p, const char *root_opt, const char *runroot_opt,
                   galley_error_t *err);

/* Expand $USER, $UID and $HOME (also written ${USER}, ...) in tmpl for
 * the user named user, of uid and home: a path a site names once for all
 * its users.  Any other $ is an error naming it, as is a result that is
 * not an absolute path.  */
int paths_expand_template (const char *tmpl, const char *user, uid_t uid, const char *home, char **out,
                           galley_error_t *err);

/* Make the storage root of a rootless user with neither --root nor
 * GALLEY_ROOT the expansion of tmpl (galley.conf's [storage]
 * rootless_storage_path, from the file origin).  Each directory above it
 * is made (0700) when missing and must be the user's or root's and
 * writable by no one else unless sticky: checked here, outside any user
 * namespace, where root's files are still root's.  */
int paths_use_storage_template (struct galley_paths *p, const char *tmpl, const char *origin,
                                galley_error_t *err);

/* Create the runroot if missing (0700) and check that it is a directory
 * owned by the user and not writable by anyone else: main() does it once,
 * before any command reads or writes there.  When the /tmp fallback is
 * someone else's or open to others, a warning names its owner and
 * $TMPDIR/galley-UID becomes the runroot if TMPDIR is set; otherwise one
 * error.  */
int paths_prepare_runroot (struct galley_paths *p, galley_error_t *err);

/* Create the storage root if missing (0700).  */
int paths_ensure_root (const struct galley_paths *p, galley_error_t *err);

/* Check that an existing directory is ours and private (owner uid, no group
 * or other write).  */
int paths_check_private_dir (const char *path, uid_t uid, galley_error_t *err);

void paths_release (struct galley_paths *p);

#endif
