/* Connecting a container to a named network and disconnecting it (see
 * network.h): its record changes under its lock and, when it runs, its
 * interfaces too.  */
#include "config.h"
#include "engine/network.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/bridge.h"
#include "runtime/lifecycle.h"
#include "state/container.h"
#include "state/container_list.h"
#include "state/events.h"
#include "state/netconf.h"
#include "state/network_members.h"
#include "util/cleanup.h"
#include "util/strv.h"

/* A container being connected or disconnected, its lock held.  */
struct target
{
  struct container_entry e;
  struct net_options mode;
  int lock;
  bool live;
};

static void
target_clear (struct target *t)
{
  container_entry_clear (&t->e);
  net_options_clear (&t->mode);
  if (t->lock >= 0)
    close (t->lock);
  t->lock = -1;
}
#define _cleanup_target_ __attribute__ ((cleanup (target_clear)))

/* The network (podman's "network not found" first), then the container
 * with its lock, record and state read under it.  t is to be cleared
 * however it ends.  */
static int
target_open (const struct engine *e, const char *network, const char *container, struct network_def *d,
             struct target *t, galley_error_t *err)
{
  _cleanup_container_entry_ struct container_entry found = { 0 };

  if (network_def_load (e->paths, network, d, err) < 0
      || container_find (e->paths, container, &found, err) < 0)
    return -1;
  t->lock = container_lock (e->paths, found.id, err);
  if (t->lock < 0 || container_find (e->paths, found.id, &t->e, err) < 0
      || net_options_parse (t->e.config.network, &t->mode, err) < 0)
    return -1;
  t->live = container_status_is_live (t->e.state.status) && t->e.state.pid > 0;
  return 0;
}

/* podman's words for a container whose network mode has no named
 * networks: "slirp4netns", and "" for the others.  */
static int
unsupported_mode (const struct target *t, galley_error_t *err)
{
  return galley_error_make (err, 0, "\"%s\" is not supported: invalid network mode",
                            t->mode.mode == NET_MODE_SLIRP ? "slirp4netns" : "");
}

static int
target_save (const struct engine *e, struct target *t, galley_error_t *err)
{
  return container_write_record (e->paths, t->e.id, &t->e.config, err);
}

/* Connect the running container t to d: an interface on d's bridge.  */
static int
connect_running (const struct engine *e, struct target *t, const struct network_def *d, char *const *aliases,
                 const char *ip, const char *mac, galley_error_t *err)
{
  size_t n_aliases = strv_len (aliases);
  _cleanup_free_ char *run_dir = container_run_dir (e->paths, t->e.id), *hostname = NULL;
  _cleanup_free_ char **all = calloc (n_aliases + 2, sizeof *all);
  struct network_lease lease = { 0 };
  const char *name = container_entry_name (&t->e), *given = t->e.config.hostname;
  struct idmap map;
  size_t k = 0, i;
  int ret;

  hostname = given ? strdup (given) : strndup (t->e.id, 12);
  if (run_dir == NULL || all == NULL || hostname == NULL
      || asprintf (&lease.hosts_path, "%s/hosts", run_dir) < 0)
    return galley_error_make (err, ENOMEM, "allocating");
  for (i = 0; i < n_aliases; i++)
    all[k++] = aliases[i];
  if (strcmp (hostname, name) != 0)
    all[k++] = hostname;
  snprintf (lease.id, sizeof lease.id, "%s", t->e.id);
  snprintf (lease.ip, sizeof lease.ip, "%s", ip ? ip : "");
  snprintf (lease.mac, sizeof lease.mac, "%s", mac ? mac : "");
  lease.name = (char *)name;
  lease.aliases = all;
  ret = idmap_for_current_user (&map, err) < 0
            ? -1
            : bridge_connect_running (e->paths, &map, d, &lease, t->e.state.pid, t->e.state.pid_start, err);
  free (lease.hosts_path);
  if (ret < 0 && galley_error_errno (err) == EOPNOTSUPP)
    {
      galley_error_release (err);
      if (t->mode.mode == NET_MODE_BRIDGE)
        return galley_error_make (err, 0,
                                  "container %s is not in the named networks' namespace (the network keeper "
                                  "was restarted): restart the container to connect it",
                                  container_entry_name (&t->e));
      return unsupported_mode (t, err);
    }
  return ret;
}

int
engine_network_connect (const struct engine *e, const char *network, const char *container,
                        const struct engine_network_connect_options *o, galley_error_t *err)
{
  _cleanup_network_def_ struct network_def d = { 0 };
  _cleanup_target_ struct target t = { .lock = -1 };
  char mac[18];

  if (o->mac_address != NULL && ! network_mac_normalize (o->mac_address, mac))
    return galley_error_make (err, 0, "address %.64s: invalid MAC address", o->mac_address);
  if (target_open (e, network, container, &d, &t, err) < 0)
    return -1;
  if (network_member_has (&t.e.config, d.name))
    return galley_error_make (
        err, 0, "container %s is already connected to network \"%s\": network is already connected", t.e.id,
        d.name);
  /* A stopped container may change from slirp4netns or none to a named
   * network (podman refuses); a running one only joins more networks when
   * it started on one.  */
  if (t.mode.mode == NET_MODE_HOST || t.mode.mode == NET_MODE_CONTAINER || t.mode.mode == NET_MODE_NS
      || (t.live && t.mode.mode == NET_MODE_SLIRP))
    return unsupported_mode (&t, err);
  if (t.live && connect_running (e, &t, &d, o->aliases, o->ip, o->mac_address ? mac : NULL, err) < 0)
    return -1;
  if (network_member_add (&t.e.config, d.name, o->aliases, strv_len (o->aliases), o->ip,
                          o->mac_address ? mac : NULL, err)
          < 0
      || target_save (e, &t, err) < 0)
    {
      if (t.live)
        {
          _cleanup_error_ galley_error_t ignored = NULL;
          bridge_disconnect_running (e->paths, &d, t.e.id, &ignored);
        }
      return -1;
    }
  event_write_network_member (e->paths, "connect", t.e.id, container_entry_name (&t.e), d.name);
  return 0;
}

int
engine_network_disconnect (const struct engine *e, const char *network, const char *container,
                           galley_error_t *err)
{
  _cleanup_network_def_ struct network_def d = { 0 };
  _cleanup_target_ struct target t = { .lock = -1 };
  int removed;

  if (target_open (e, network, container, &d, &t, err) < 0)
    return -1;
  if (t.mode.mode == NET_MODE_SLIRP || t.mode.mode == NET_MODE_HOST || t.mode.mode == NET_MODE_CONTAINER
      || t.mode.mode == NET_MODE_NS)
    return unsupported_mode (&t, err);
  if ((removed = network_member_remove (&t.e.config, d.name, err)) <= 0)
    return removed < 0 ? -1
                       : galley_error_make (err, 0, "container %s is not connected to network %s", container,
                                            network);
  /* Its last network gone, only lo is left (as podman).  */
  if ((t.live && bridge_disconnect_running (e->paths, &d, t.e.id, err) < 0) || target_save (e, &t, err) < 0)
    return -1;
  event_write_network_member (e->paths, "disconnect", t.e.id, container_entry_name (&t.e), d.name);
  return 0;
}
