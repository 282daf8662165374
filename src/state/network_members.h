/* Which named networks a container's configuration says it is on, and
 * with which aliases and addresses.  The first ("primary") network keeps
 * the fields that the run path reads: network (the --network value),
 * network_aliases, ip and mac_address.  Networks connected later are its
 * extra_networks, in the order they were connected.  */
#ifndef GALLEY_STATE_NETWORK_MEMBERS_H
#define GALLEY_STATE_NETWORK_MEMBERS_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "state/container_config.h"
#include "state/paths.h"
#include "util/error.h"

/* The named networks of a configuration, the primary first (none when
 * its network is not a named network).  */
int network_members_of (const struct container_config *config, struct network_member **out, size_t *n,
                        galley_error_t *err);

/* Is the container on network name?  */
bool network_member_has (const struct container_config *config, const char *name);

/* Put the container on network name (the primary one when it has no named
 * network yet, replacing slirp4netns or none); ip and mac may be NULL.  */
int network_member_add (struct container_config *config, const char *name, char *const *aliases,
                        size_t n_aliases, const char *ip, const char *mac, galley_error_t *err);

/* Take the container off network name: the next network becomes the
 * primary one; with none left the container keeps only lo ("none", as
 * podman).  0 when it was not on it, 1 when it was.  */
int network_member_remove (struct container_config *config, const char *name, galley_error_t *err);

/* --network a,b[,...] (named networks only): the network becomes a, the
 * others are added after it with the same --network-alias.  --ip with
 * several networks fails as podman.  Nothing to do without a comma, nor
 * for a mode with options (slirp4netns:mtu=1500,cidr=...).  */
int network_members_split (struct container_config *config, galley_error_t *err);

/* podman's NetworkSettings.Networks of `container inspect` for container
 * id: one entry per named network, the address of a running container's
 * lease (empty when it is not running); NULL when the container is on no
 * named network.  */
json_object *network_settings_networks (const struct galley_paths *p, const char *id,
                                        const struct container_config *config);

#endif
