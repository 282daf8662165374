/* Named networks: their definitions (storage/networks/<name>.json, in
 * podman's `network inspect` form) and the addresses handed out on them
 * (runroot/networks/leases/<name>/<container id>, under its "lock").
 * The default network "podman" (10.88.0.0/16, interface podman0) is not
 * stored: it always exists and cannot be removed, as with podman.  */
#ifndef GALLEY_STATE_NETWORK_H
#define GALLEY_STATE_NETWORK_H

#include <stdbool.h>
#include <stdint.h>

#include <json-c/json.h>

#include "state/paths.h"
#include "util/digest.h"
#include "util/error.h"

struct network_def
{
  char *name;
  char *id;        /* 64 hex */
  char *interface; /* the bridge: podman0, podman1, ... */
  char *subnet;    /* "10.89.0.0/24" */
  char *gateway;   /* "10.89.0.1" */
  bool internal;
  json_object *labels; /* object of strings (owned) */
  int64_t created;     /* ns since the epoch */
};

void network_def_clear (struct network_def *d);
#define _cleanup_network_def_ __attribute__ ((cleanup (network_def_clear)))

/* "A.B.C.D/N" (N from 8 to 30) with no host bits set.  */
int network_parse_subnet (const char *text, uint32_t *addr, unsigned *prefix, galley_error_t *err);

/* Load by name, full id or unique id prefix.  ENOENT: 'unable to find
 * network with name or ID x: network not found'.  */
int network_def_load (const struct galley_paths *p, const char *name_or_id, struct network_def *out,
                      galley_error_t *err);

/* Create a network: d->name (NULL: a generated "podmanN" name), d->subnet
 * and d->gateway (NULL: the next free 10.89.N.0/24 and its .1),
 * d->internal, d->labels are taken; the rest is filled in.  Fails when the
 * name exists or the subnet overlaps another network's.  */
int network_def_create (const struct galley_paths *p, struct network_def *d, galley_error_t *err);

/* Remove the definition and the address directory.  */
int network_def_remove (const struct galley_paths *p, const char *name, galley_error_t *err);

/* All networks, the default first, then by name.  */
int network_def_list (const struct galley_paths *p, struct network_def **out, size_t *n, galley_error_t *err);
void network_def_list_free (struct network_def *defs, size_t n);

/* podman's `network inspect` object.  */
json_object *network_def_to_json (const struct network_def *d);

/* "AA:BB:..." normalized to lower case "aa:bb:cc:dd:ee:ff" into out; false
 * when text is not a 6-byte MAC address.  */
bool network_mac_normalize (const char *text, char out[18]);

/* One address handed out on a network.  */
struct network_lease
{
  char id[HEX_ID_BUFSIZE]; /* the container's */
  char *name;              /* the container's name */
  char **aliases;
  char ip[16];
  char mac[18];     /* its interface's address ("" when not chosen yet) */
  char *hosts_path; /* the container's /etc/hosts on the host (runroot) */
  int64_t since;    /* ns since the epoch */
};

void network_lease_clear (struct network_lease *l);
void network_lease_list_free (struct network_lease *l, size_t n);

/* Lock runroot/networks/<name>/ (created if missing); returns the fd.  */
int network_lock (const struct galley_paths *p, const char *name, galley_error_t *err);

/* With the lock held: give lease->id an address (lease->ip: the one
 * wanted, --ip, or "" for the next free one; filled in), record it.  An
 * address already leased to another container fails.  */
int network_lease_take (const struct galley_paths *p, const struct network_def *d,
                        struct network_lease *lease, galley_error_t *err);
/* With the lock held: forget the container's lease (none: 0).  */
int network_lease_drop (const struct galley_paths *p, const char *name, const char *id, galley_error_t *err);
/* The leases of a network (no lock needed: each file is renamed into place).  */
int network_lease_list (const struct galley_paths *p, const char *name, struct network_lease **out, size_t *n,
                        galley_error_t *err);

#endif
