/* The engine's operations on named networks (see engine.h), over
 * state/network.h; connect and disconnect change the container's record
 * (state/network_members.h) and, when it runs, its interfaces right away
 * (runtime/bridge.h).  */
#ifndef GALLEY_ENGINE_NETWORK_H
#define GALLEY_ENGINE_NETWORK_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/engine.h"
#include "state/network.h"
#include "util/error.h"

/* Create a network; *name gets its name (a generated one when o->name is
 * NULL).  An existing name fails with EEXIST unless ignore_existing.  */
struct engine_network_create_options
{
  const char *name;             /* NULL: podmanN */
  const char *driver;           /* NULL or "bridge", the only one */
  const char *subnet, *gateway; /* NULL: the next free 10.89.N.0/24 and its .1 */
  char **labels;                /* "KEY[=VALUE]" as given, may be NULL */
  bool internal, ignore_existing;
};
int engine_network_create (const struct engine *e, const struct engine_network_create_options *o, char **name,
                           galley_error_t *err);

/* The networks, the default first, then by name, that pass the filters,
 * podman's "KEY=VALUE" ones (name: a regular expression; id: a prefix;
 * driver; label=KEY[=VALUE]: util/filter.h): of one key any, of each key one must match
 * (network_def_list_free).  */
int engine_network_list (const struct engine *e, char *const *filters, struct network_def **out, size_t *n,
                         galley_error_t *err);

/* One by name, full id or unique id prefix (network_def_load).  */
int engine_network_find (const struct engine *e, const char *name_or_id, struct network_def *out,
                         galley_error_t *err);

/* Remove one: refused while containers are configured on it, unless
 * timeout >= 0 (-f): then they are stopped (SIGKILL after timeout
 * seconds) and removed first.  *name gets the name of what was removed.  */
int engine_network_rm (const struct engine *e, const char *name_or_id, int timeout, char **name,
                       galley_error_t *err);

/* Remove the networks no container is configured on that pass the
 * filters (label= ones only), never the default one; with dry_run, only
 * say which.  *names gets them (a strv; on failure, those removed before
 * it).  */
int engine_network_prune (const struct engine *e, char *const *filters, bool dry_run, char ***names,
                          galley_error_t *err);

/* Put the container on the network, with these aliases and the address
 * and MAC address asked for (NULL: any).  */
struct engine_network_connect_options
{
  char **aliases; /* may be NULL */
  const char *ip, *mac_address;
};
int engine_network_connect (const struct engine *e, const char *network, const char *container,
                            const struct engine_network_connect_options *o, galley_error_t *err);

/* Take the container off the network.  */
int engine_network_disconnect (const struct engine *e, const char *network, const char *container,
                               galley_error_t *err);

#endif
