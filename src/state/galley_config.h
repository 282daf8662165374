/* galley's own configuration, galley.conf (named galley_config.h, not
 * config.h, which is autoconf's): a TOML file with the sections of
 * containers.conf ([engine], [storage], [network], [containers]).  Two
 * files, each optional, are read in turn, a key of the second replacing
 * the first's:
 *
 *   the site's:  $GALLEY_SYSTEM_CONFIG (must exist when set), else the
 *                first of $(sysconfdir)/galley/galley.conf and
 *                /etc/galley/galley.conf
 *   the user's:  $GALLEY_CONF (must exist when set), else
 *                $XDG_CONFIG_HOME/galley/galley.conf (paths->config_home)
 *
 * The site's file may list the keys users may set ([engine]
 * user_overridable_keys); any other key in the user's file is a warning
 * and keeps the site's value.  Keys no file gives keep their defaults
 * (documented in conf/galley.conf).  Unknown keys are warnings; a key of
 * the wrong type or value is an error naming the file and the key.  */
#ifndef GALLEY_STATE_GALLEY_CONFIG_H
#define GALLEY_STATE_GALLEY_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "state/paths.h"
#include "util/error.h"

struct galley_config
{
  char *system_path;               /* the site's file, NULL when there was none */
  char *user_path;                 /* the user's file, NULL when there was none */
  uint64_t from_system, from_user; /* bit i: key i of the table was set by that file */

  /* [engine] */
  char **helper_binaries_dir;      /* NULL-terminated; searched before the built-in list */
  char **user_overridable_keys;    /* "section.key"; NULL: every key (read from the site's file only) */
  char *events_logger;             /* "file" or "none" */
  char *events_logfile_path;       /* a template ($USER, $UID, $HOME); NULL: RUNROOT/events/events.log */
  int64_t events_logfile_max_size; /* bytes; 0 or less: unlimited */
  char **hooks_dir;                /* OCI hooks directories; later ones mask files of earlier ones */
  char **cdi_spec_dirs;            /* CDI spec directories, in increasing priority */

  /* [storage] */
  char *rootfs_method;            /* "auto" (probe), "native", "fuse-overlayfs" or "copy" */
  char *rootless_storage_path;    /* a template of the storage root ($USER, $UID, $HOME); NULL: the default */
  char **additional_image_stores; /* NULL-terminated storage roots of read-only image stores */

  /* [network] */
  char *default_network; /* "slirp4netns", "host" or "none" */

  /* [containers] */
  int64_t log_size_max;   /* bytes; -1 = unlimited */
  char **default_ulimits; /* NULL-terminated "name=soft[:hard]" */
  /* The defaults of run and create's options (podman's containers.conf
   * keys), which a profile sets together: "hpc" is the host's pid, IPC,
   * UTS and network namespaces, keep-id, keep-groups and --init, for what
   * no file sets itself.  */
  char *profile;       /* "default" or "hpc" */
  char *pidns, *ipcns; /* --pid, --ipc: "private", "host" (ipcns: also "shareable", "none") */
  char *utsns;         /* --uts: "private" or "host" */
  char *userns;        /* --userns: "host" (the default) or "keep-id" */
  char **group_add;    /* --group-add: NULL-terminated */
  bool init;           /* --init */
};

/* Load the configuration for the user of p (see above for the search).  */
int galley_config_load (const struct galley_paths *p, struct galley_config **out, galley_error_t *err);

/* Load one file, which must exist, as the site's (nothing else is read).  */
int galley_config_load_file (const char *path, struct galley_config **out, galley_error_t *err);

/* The file that set field (the address of a member of c), for messages;
 * NULL when it has its default.  */
const char *galley_config_origin (const struct galley_config *c, const void *field);

/* The built-in defaults, as if no file existed.  */
struct galley_config *galley_config_new_defaults (void);

void galley_config_free (struct galley_config *c);

/* The configuration of this invocation, loaded once by main() and read by
 * the modules it concerns (helper search, rootfs method, network default)
 * as podman reads containers.conf.  Before main() sets one (unit tests),
 * the built-in defaults.  The pointer is borrowed: set NULL before freeing.  */
void galley_config_set_current (const struct galley_config *c);
const struct galley_config *galley_config_current (void);

static inline void
cleanup_galley_configp (struct galley_config **c)
{
  galley_config_free (*c);
}
#define _cleanup_galley_config_ __attribute__ ((cleanup (cleanup_galley_configp)))

#endif
