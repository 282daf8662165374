/* A container's network, from its configuration to a running slirp4netns:
 * the seam between the run path and the network code.
 *
 * Fields of the configuration (state/container_config.h, written by
 * run/create):
 *   network       --network value (NULL: slirp4netns, the rootless default)
 *   publish       -p arguments, publish_all -P, dns, dns_search,
 *   dns_option, add_host (strings as given)
 *   port_mappings the resolved mappings (podman's form; set by
 *                 network_resolve_ports at create time, read by `port`)
 *
 * The run path calls, in order:
 *   create:  network_resolve_ports (config, image_config)   -- validates, picks
 *            free host ports for -P / omitted host ports, fails (exit 125)
 *            when a host port is taken; before anything is created
 *   build:   network_spec_from_config (config, &spec->net)
 *            network_resolve (paths, config, id, map, &spec->net)  -- the
 *            container or network joined; an unknown one fails here
 *   start:   network_write_files (&net, state_dirfd, hostname, name)  -- hosts, resolv.conf
 *            clone flags |= network_clone_flags (&net)
 *   monitor: pid = network_clone_init (&net, flags, &handle) instead of
 *            userns_clone: --network container:X, ns:PATH and named
 *            networks join existing namespaces (runtime/netns.h); then,
 *            unless network_joins_userns (&handle), the maps are written
 *            (network_write_nested_maps for keep-id on a named network);
 *            before the init goes on:
 *            network_attach (&net, init_pid, state_dir, &handle)
 *   exit:    network_teardown (&handle, unwaited)               */
#ifndef GALLEY_RUNTIME_NETWORK_H
#define GALLEY_RUNTIME_NETWORK_H

#include <stdbool.h>
#include <sys/types.h>

#include <json-c/json.h>

#include "ns/idmap.h"
#include "runtime/netns.h"
#include "runtime/portfwd.h"
#include "runtime/slirp.h"
#include "state/container_config.h"
#include "state/netconf.h"
#include "state/network.h"
#include "state/network_members.h"
#include "state/paths.h"
#include "state/portspec.h"
#include "util/error.h"

struct network_spec
{
  struct net_options opts;
  struct port_mapping *ports; /* resolved: every host_port != 0 */
  size_t n_ports;
  struct dns_options dns;
  char **add_hosts; /* strv */

  /* Filled by network_resolve.  */
  const struct galley_paths *paths;
  const struct idmap *map;
  char *id, *name;        /* the container's */
  char *hosts_path;       /* its /etc/hosts on the host */
  char *peer_id;          /* container:X: X's id */
  char *peer_state_dir;   /* and its runroot dir (hosts, resolv.conf) */
  unsigned peer_share;    /* X's namespaces joined beside its network (NETNS_SHARE_*: a pod's) */
  struct network_def def; /* a named network */
  char **aliases;         /* --network-alias (strv) */
  char *ip;               /* --ip, NULL: any */
  char mac[18];           /* its MAC address there, "": any */
  /* --userns=keep-id on a named network: the container's user namespace
   * is nested in the keeper's, whose map is the user's default one.  */
  bool nested_userns;
  struct idmap keeper_map;
  /* The named networks connected after the first (network connect).  */
  struct network_member *more;
  struct network_def *more_defs;
  size_t n_more;
};

struct network_handle
{
  struct slirp_process slirp;
  struct portfwd fwd;       /* published TCP ports */
  char ip[16];              /* the container's address on its named network */
  struct netns_join join;   /* the namespaces the init was cloned into */
  struct netns_join keeper; /* a named network's: UK and NK (runtime/bridge.h) */
  int keeper_lock;          /* held from the clone until the lease is recorded */
  bool joined_userns;
  bool attached; /* to the named network n->def */
  const struct network_spec *net;
};

#define NETWORK_HANDLE_INIT                                                                              \
  {                                                                                                      \
    .slirp = SLIRP_PROCESS_INIT, .fwd = PORTFWD_INIT, .ip = "", .join = NETNS_JOIN_INIT,                 \
    .keeper = NETNS_JOIN_INIT, .keeper_lock = -1, .joined_userns = false, .attached = false, .net = NULL \
  }

/* Validate the network options of config and record its port_mappings
 * with every host port chosen (-P: the image's ExposedPorts, image_config
 * may be NULL).  Fails when a host port is in use or not allowed, naming
 * it.  */
int network_resolve_ports (struct container_config *config, json_object *image_config, galley_error_t *err);

/* The network part of the runtime spec, from a configuration that went
 * through network_resolve_ports.  */
int network_spec_from_config (const struct container_config *config, struct network_spec *out,
                              galley_error_t *err);
void network_spec_clear (struct network_spec *n);

/* Resolve what the network joins: container:X (its id and files; whether
 * it runs is checked when the container starts), a named network (its
 * definition: 'unable to find network with name or ID x: network not
 * found'; --network-alias, --ip from config; the networks connected
 * later).  container:X shares X's user namespace, so the map must be X's;
 * on a named network another map than the user's default one (keep-id)
 * gets a user namespace nested in the networks' one.  */
int network_resolve (const struct galley_paths *p, const struct container_config *config, const char *id,
                     const struct idmap *map, struct network_spec *n, galley_error_t *err);

/* Clone the container init (like userns_clone (flags)), joining the
 * namespaces of --network container:X / ns:PATH / a named network.  -1
 * with *err.  */
pid_t network_clone_init (const struct network_spec *n, int flags, struct network_handle *h,
                          galley_error_t *err);

/* keep-id on a named network: write the maps of the init, whose user
 * namespace is nested in the keeper's, from the keeper's (nothing for
 * other networks).  The writer can open the init's /proc files only once
 * the init is dumpable again (runtime/enter.h), which the caller awaits.  */
int network_write_nested_maps (const struct network_handle *h, pid_t pid, galley_error_t *err);

/* Was the init cloned into an existing user namespace (no maps to write)?  */
bool network_joins_userns (const struct network_handle *h);

/* CLONE_NEWNET for slirp4netns and none, 0 for host.  */
int network_clone_flags (const struct network_spec *n);

/* Does the container's init have to bring lo up itself (private netns)?  */
bool network_needs_loopback (const struct network_spec *n);

/* Write "hosts" and "resolv.conf" into the container's state directory.  */
int network_write_files (const struct network_spec *n, int state_dirfd, const char *hostname,
                         const char *name, galley_error_t *err);

/* Wire the network namespace of pid (the container init, whose id maps are
 * written) to the host: slirp4netns and the published ports; or to its
 * named network (runtime/bridge.h).  Nothing for none and host.  On failure
 * nothing is left running.  h comes from network_clone_init.  */
int network_attach (const struct network_spec *n, pid_t pid, const char *state_dir, struct network_handle *h,
                    galley_error_t *err);
/* Stop what attach started; unwaited: slirp4netns is not reaped (the
 * caller is about to exit, see slirp_release).  */
void network_teardown (struct network_handle *h, bool unwaited);

/* Internal to network*.c: the named-network half of attach and teardown.  */
int network_attach_bridge (const struct network_spec *n, pid_t pid, struct network_handle *h,
                           galley_error_t *err);
void network_detach (struct network_handle *h);

#endif
