/* /etc/hosts of containers on named networks (runtime/bridge.h): no DNS
 * server runs, so each container's hosts file (a bind mount of
 * runroot/containers/<id>/hosts, rewritten in place so the mount keeps
 * seeing it) lists its peers.  Every line galley adds ends with a mark
 * "# galley:<id12>:<network>" naming whose address it is and on which
 * network, so a container can be on several networks and leave one.  */
#ifndef GALLEY_RUNTIME_BRIDGE_HOSTS_H
#define GALLEY_RUNTIME_BRIDGE_HOSTS_H

#include "state/network.h"
#include "state/paths.h"

/* "IP\tNAME ALIASES... # galley:ID12:NETWORK\n" (allocated).  */
char *bridge_hosts_line (const struct network_lease *l, const char *network);

/* Rewrite path in place: drop the marked lines of id (NULL: any id) on
 * network (NULL: any network), then append add (may be NULL).  */
int bridge_hosts_update (const char *path, const char *id, const char *network, const char *add);

/* self joined network: its line (and one per peer) into its own file, its
 * line into every peer's.  The network's lock is held.  */
void bridge_hosts_join (const struct galley_paths *p, const char *network, const struct network_lease *self);

/* id left network: its lines out of the peers' files, the network's lines
 * out of its own file (self_hosts: NULL when not known).  The network's
 * lock is held and id's lease is gone.  */
void bridge_hosts_leave (const struct galley_paths *p, const char *network, const char *id,
                         const char *self_hosts);

#endif
