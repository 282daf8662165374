/* Which named networks a container record says it is on, and with which
 * aliases and addresses.  The first ("primary") network keeps the keys of
 * container.json that the run path reads: "Network" (the --network
 * value), "NetworkAliases", "IP", "MacAddress".  Networks connected later
 * are kept under "ExtraNetworks": { "<name>": { "Aliases": [...], "IP":
 * "", "MacAddress": "" } } in the order they were connected.  */
#ifndef GALLEY_STATE_NETWORK_MEMBERS_H
#define GALLEY_STATE_NETWORK_MEMBERS_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "state/container_config.h"
#include "state/paths.h"
#include "util/error.h"

/* The named networks of a record, the primary first (none when "Network"
 * is not a named network).  */
int network_members_of (json_object *config, struct network_member **out, size_t *n, galley_error_t *err);

/* Is the record on network name?  */
bool network_member_has (json_object *config, const char *name);

/* Put the record on network name (the primary one when it has no named
 * network yet, replacing slirp4netns or none); ip and mac may be NULL.  */
void network_member_add (json_object *config, const char *name, char *const *aliases, size_t n_aliases,
                         const char *ip, const char *mac);

/* Take the record off network name: the next network becomes the primary
 * one; with none left the container keeps only lo ("none", as podman).
 * false when it was not on it.  */
bool network_member_remove (json_object *config, const char *name);

/* --network a,b[,...] (named networks only): "Network" becomes a, the
 * others are added after it with the same --network-alias.  --ip with
 * several networks fails as podman.  Nothing to do without a comma, nor
 * for a mode with options (slirp4netns:mtu=1500,cidr=...).  */
int network_members_split (json_object *config, galley_error_t *err);

/* podman's NetworkSettings.Networks of `container inspect` for the record
 * of id: one entry per named network, the address of a running
 * container's lease (empty when it is not running); NULL when the
 * container is on no named network.  */
json_object *network_settings_networks (const struct galley_paths *p, const char *id, json_object *config);

#endif
