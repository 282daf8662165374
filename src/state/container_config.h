/* A container's create-time configuration, typed: what container.json
 * holds, as create and run give it, the REST service will, and launch,
 * inspect, ps and the network and volume code read it.
 *
 * One key table (container_config.c) names each field's key in the record
 * (podman's field names where podman has the field) and does all of the
 * record's JSON reading and writing; nothing else knows a key.  A field
 * at its zero value is absent from the record, and an absent key reads as
 * the zero value, so records of older galleys load as they always did.
 * Keys the table does not know, and values of a type it does not expect,
 * are kept in `unknown` and written back, so that a record survives a
 * rewrite by an older galley.  */
#ifndef GALLEY_STATE_CONTAINER_CONFIG_H
#define GALLEY_STATE_CONTAINER_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "util/error.h"

/* A named network the container is on, with what it asked for there.  */
struct network_member
{
  char *name;     /* the network's */
  char **aliases; /* strv, never NULL once read */
  char *ip;       /* the address asked for (--ip), NULL: any */
  char *mac;      /* the MAC address asked for (--mac-address), NULL: any */
};

/* Strings are NULL when not given; char ** fields are NULL-terminated
 * vectors of strings (util/strv.h), NULL when not given; "map" fields are
 * vectors of "KEY=value" (strv_kv_set, strv_kv_get).  */
struct container_config
{
  /* identity: container_create sets them */
  char *id, *name;
  char *created; /* RFC 3339 */

  /* the image */
  char *image;    /* the reference given; the directory with rootfs */
  char *image_id; /* resolved: run_resolve_image */
  bool rootfs;    /* --rootfs: image names a directory */
  char *pull;     /* --pull policy; NULL: missing */
  bool quiet;     /* --quiet: no pull progress */

  /* the process */
  char **entrypoint;     /* NULL: the image's; empty: none (--entrypoint "") */
  char **command;        /* the arguments after the image */
  char **args;           /* resolved: entrypoint and command, image defaults included */
  char **create_command; /* podman's Config.CreateCommand, when a record has one */
  char **env;            /* -e and --env-file, "NAME=value" in order */
  char *user, *workdir, *hostname;
  bool no_passwd; /* no /etc/passwd entry is added for the user (build's RUN) */
  bool tty, interactive, detach, init;
  int preserve_fds;
  char *stop_signal;  /* given, else the image's (run_build_spec) */
  char **labels;      /* map */
  char **annotations; /* map, --annotation (OCI hooks match them: runtime/hooks.h) */

  /* confinement */
  bool privileged, read_only;
  char **cap_add, **cap_drop, **security_opt;
  char *userns;
  char *unmapped_ids;    /* --unmapped-ids: "fail", "ignore", build's "auto" (runtime/unmapped_ids.h) */
  char *pid, *ipc, *uts; /* --pid, --ipc, --uts as given ("host", ...; runtime/namespaces.h) */
  char *shm_size;        /* --shm-size as given */
  char **group_add;      /* --group-add: group names, ids, or keep-groups */

  /* resources */
  char *memory, *cpus, *pids_limit; /* as given, checked at create */
  char *cgroups, *cgroup_parent;    /* --cgroups, --cgroup-parent (runtime/cgroup.h) */
  char **ulimits, **devices;

  /* storage */
  char **volumes, **mounts, **tmpfs; /* -v, --mount, --tmpfs as given */
  char **anonymous_volumes;          /* the volumes created for it, removed with it */

  /* network: the primary network and what was asked for on it, then the
   * networks connected later (state/network_members.h) */
  char *network; /* --network as given; NULL: slirp4netns */
  char **network_aliases;
  char *ip, *mac_address;
  struct network_member *extra_networks;
  size_t n_extra_networks;
  char **publish; /* -p as given */
  bool publish_all;
  json_object *port_mappings; /* resolved, podman's PortMappings (runtime/portspec.h) */
  char **dns, **dns_search, **dns_option, **add_host;

  /* secrets (state/container_secrets.h): the --secret options as given,
   * resolved at create into podman's Secrets entries */
  char **secret_options;
  json_object *secrets;

  /* its pod (state/pod.h): the pod's id (given as a name or id, "new:NAME"
   * at create); is_infra: the pod's infra container, which holds the
   * namespaces its containers share */
  char *pod;
  bool is_infra;

  /* lifecycle */
  bool rm;
  char *restart, *cidfile;
  char *log_driver;
  char **log_opt;
  json_object *state; /* the exit recorded by galleys before state.json */

  json_object *unknown; /* the record's other keys, written back as read */
};

/* Free every field and zero the struct (a zeroed struct is an empty
 * configuration).  */
void container_config_clear (struct container_config *c);
#define _cleanup_container_config_ __attribute__ ((cleanup (container_config_clear)))

/* Fill out (zeroed by the caller, or cleared) from a record's JSON object.
 * Fails only on a document that is not an object, or out of memory.  */
int container_config_from_json (json_object *record, struct container_config *out, galley_error_t *err);

/* The record of c: a new JSON object with the keys of the fields set,
 * then the unknown ones.  */
int container_config_to_json (const struct container_config *c, json_object **out, galley_error_t *err);

/* Parse exactly len bytes of a record (`what` names it in errors).  */
int container_config_parse (const char *text, size_t len, const char *what, struct container_config *out,
                            galley_error_t *err);

/* Write c as `name` in dirfd, atomically (util/fs.h).  */
int container_config_write (int dirfd, const char *name, const struct container_config *c,
                            galley_error_t *err);

/* Move the content of *from into *to (cleared first); *from is left empty.  */
void container_config_move (struct container_config *to, struct container_config *from);

/* Replace the string *field with a copy of value (NULL clears it).  */
int container_config_set_string (char **field, const char *value, galley_error_t *err);

/* Fill m with copies of a member's settings (the first n_aliases of
 * aliases; ip and mac may be NULL or "": none).  -1 when out of memory (m
 * holds what was copied: clear it).  */
int network_member_set (struct network_member *m, const char *name, char *const *aliases, size_t n_aliases,
                        const char *ip, const char *mac);

/* Free what m holds (network_member_clear) or an array of n of them.  */
void network_member_clear (struct network_member *m);
void network_members_free (struct network_member *m, size_t n);

#endif
