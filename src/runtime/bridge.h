/* Named networks at run time, rootless, as podman does in spirit: one
 * shared network namespace NK with a Linux bridge per network, wired to the
 * host by slirp4netns for outbound traffic; each container's network
 * namespace gets a veth pair to its network's bridge.
 *
 * Namespace ownership (the whole design hangs on it):
 *   - The KEEPER is a small process (the galley binary, forked and
 *     detached, named "galley-netns") in the host user namespace.  It
 *     clones a pause child K with CLONE_NEWUSER|CLONE_NEWNET: K's user
 *     namespace UK gets the user's ordinary container map (written by the
 *     keeper with newuidmap, or the single-id map), and UK owns NK.  The
 *     keeper runs slirp4netns for NK (tap0, 10.0.2.100, default route).
 *   - A container on a named network does NOT get a user namespace of its
 *     own: its init is cloned inside UK (runtime/netns.h: the monitor's
 *     child joins UK, which the user owns, and clones the init with
 *     CLONE_NEWNET|NEWNS|NEWPID|...).  So the container's network namespace
 *     NC is owned by UK too, as all containers share podman's rootless user
 *     namespace.  Its ids are the same as with a private user namespace
 *     (same map), so images and volumes behave the same.
 *   - Root in UK therefore holds CAP_NET_ADMIN over NK and over every NC: a
 *     short-lived child of the monitor joins UK and NK and creates the
 *     veth pair there, moving one end into NC, then joins NC to give it its
 *     address and route.  No long-lived privileged helper takes requests.
 *   - --userns=keep-id maps differently: such a container gets a user
 *     namespace of its own nested in UK (as podman's containers in its
 *     rootless user namespace), its maps written from UK (runtime/netns.h);
 *     NC is then owned by the nested namespace, over which root in UK
 *     holds every capability too.
 *
 * A container may be on several networks (ethN, one veth each, named from
 * a hash of its id and the network), connected and disconnected while it
 * runs: `network connect` is an ordinary galley process of the user, which
 * owns UK, so it wires a running container exactly as the monitor does at
 * start.  Each interface brings a default route through its network's
 * gateway (metric 100, as netavark), so one goes with its interface and the
 * others stay.  Networks are not isolated from each other (nor are
 * podman's): NK routes between its bridges.
 *
 * Links, addresses and routes are configured by running iproute2's `ip`
 * inside the namespaces (runtime/netns.h: netns_exec_in) rather than with
 * hand-written rtnetlink: veth creation into another namespace, bridges
 * and routes are a handful of `ip` calls against ~400 lines of nested
 * netlink attributes, and iproute2 is present wherever slirp4netns is.
 *
 * Name resolution: no DNS server runs.  Each container's /etc/hosts lists
 * its peers on its networks (runtime/bridge_hosts.h).
 *
 * Lifetime: the keeper checks every second whether any lease on any
 * network, or any container in UK (runroot/networks/members: one
 * disconnected from all its networks may connect again), belongs to a live
 * container (or is younger than a minute: a container being started);
 * after a few idle checks it stops slirp4netns and exits, and NK with its
 * bridges disappears.  Starters and the keeper
 * serialise on runroot/networks/keeper.lock.  */
#ifndef GALLEY_RUNTIME_BRIDGE_H
#define GALLEY_RUNTIME_BRIDGE_H

#include <stdint.h>
#include <sys/types.h>

#include "ns/idmap.h"
#include "runtime/netns.h"
#include "state/network.h"
#include "state/paths.h"
#include "util/error.h"

/* Start the keeper unless it runs; *keeper_ns: UK (and NK, for
 * bridge_attach).  Returns the fd of the keeper lock, held: the caller
 * keeps it until its init is in UK and its lease recorded.  */
int bridge_keeper_ensure (const struct galley_paths *p, const struct idmap *map, struct netns_join *keeper_ns,
                          galley_error_t *err);

/* Give the container (init pid, already in UK with its own NC) an address
 * on d (lease->ip may name one), wire it to d's bridge, update /etc/hosts
 * of it and its peers.  lease->id, name, aliases, hosts_path filled by the
 * caller.  */
int bridge_attach (const struct galley_paths *p, const struct netns_join *keeper_ns,
                   const struct network_def *d, struct network_lease *lease, pid_t init_pid,
                   galley_error_t *err);

/* The container left network: forget its lease, take it out of its
 * peers' /etc/hosts and them out of its own.  Never fails loudly.  */
void bridge_detach (const struct galley_paths *p, const char *network, const char *id);

/* The container is gone: bridge_detach from every network it has a lease
 * on.  */
void bridge_detach_all (const struct galley_paths *p, const char *id);

/* `network connect` of a running container (init pid, started at start
 * in clock ticks, 0: not checked): bridge_attach, once the keeper runs and
 * the container's network namespace is known to be owned by its user
 * namespace (it started on a named network).  EOPNOTSUPP when it is not
 * (slirp4netns, none, host: its own user namespace).  */
int bridge_connect_running (const struct galley_paths *p, const struct idmap *map,
                            const struct network_def *d, struct network_lease *lease, pid_t init_pid,
                            uint64_t start, galley_error_t *err);

/* `network disconnect` of a running container: its interface on d goes
 * (with its address and routes), then bridge_detach.  */
int bridge_disconnect_running (const struct galley_paths *p, const struct network_def *d, const char *id,
                               galley_error_t *err);

/* network rm: delete d's bridge from NK when the keeper runs.  */
int bridge_remove_interface (const struct galley_paths *p, const struct network_def *d, galley_error_t *err);

#endif
