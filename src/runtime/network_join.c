/* Networks that join existing namespaces: --network container:X, ns:PATH
 * and named networks (see network.h, netns.h and bridge.h).  */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ns/userns.h"
#include "runtime/bridge.h"
#include "runtime/network.h"
#include "state/container.h"
#include "state/container_list.h"
#include "state/container_state.h"
#include "util/cleanup.h"
#include "util/error_text.h"
#include "util/fs.h"
#include "util/strv.h"

static bool
same_ranges (const struct idmap_range *a, size_t na, const struct idmap_range *b, size_t nb)
{
  size_t i;

  if (na != nb)
    return false;
  for (i = 0; i < na; i++)
    if (a[i].container_id != b[i].container_id || a[i].host_id != b[i].host_id || a[i].size != b[i].size)
      return false;
  return true;
}

/* inner's ranges (container -> host) seen from outer's user namespace
 * (container -> outer's ids): the map of a user namespace nested in
 * outer's.  -1 when an id of inner is not mapped by outer.  */
static int
nest_ranges (const struct idmap_range *outer, size_t n_outer, const struct idmap_range *inner, size_t n_inner,
             struct idmap_range *out, size_t *n_out)
{
  size_t i, k, n = 0;

  for (i = 0; i < n_inner; i++)
    {
      uint64_t covered = 0;
      for (k = 0; k < n_outer; k++)
        {
          uint64_t lo = inner[i].host_id > outer[k].host_id ? inner[i].host_id : outer[k].host_id;
          uint64_t hi_in = (uint64_t)inner[i].host_id + inner[i].size;
          uint64_t hi_out = (uint64_t)outer[k].host_id + outer[k].size;
          uint64_t hi = hi_in < hi_out ? hi_in : hi_out;
          if (lo >= hi)
            continue;
          if (n >= IDMAP_MAX_RANGES)
            return -1;
          out[n++] = (struct idmap_range){ (uint32_t)(inner[i].container_id + (lo - inner[i].host_id)),
                                           (uint32_t)(outer[k].container_id + (lo - outer[k].host_id)),
                                           (uint32_t)(hi - lo) };
          covered += hi - lo;
        }
      if (covered != inner[i].size)
        return -1;
    }
  *n_out = n;
  return 0;
}

/* Named networks share the keeper's user namespace, which has the user's
 * default map; a container with another map (keep-id) gets a user
 * namespace of its own inside it, as podman's containers inside its
 * rootless user namespace.  */
static int
check_map (const struct idmap *map, struct network_spec *n, galley_error_t *err)
{
  struct idmap nested;

  if (map == NULL || map->source == IDMAP_SOURCE_ROOT)
    return 0;
  if (idmap_for_current_user (&n->keeper_map, err) < 0)
    return -1;
  if (same_ranges (n->keeper_map.uid, n->keeper_map.n_uid, map->uid, map->n_uid)
      && same_ranges (n->keeper_map.gid, n->keeper_map.n_gid, map->gid, map->n_gid))
    return 0;
  if (nest_ranges (n->keeper_map.uid, n->keeper_map.n_uid, map->uid, map->n_uid, nested.uid, &nested.n_uid)
          < 0
      || nest_ranges (n->keeper_map.gid, n->keeper_map.n_gid, map->gid, map->n_gid, nested.gid, &nested.n_gid)
             < 0)
    return error_untrusted (err,
                            "--network %.64s cannot be used with this --userns: its ids are not all in "
                            "the named networks' user namespace",
                            n->opts.container);
  n->nested_userns = true;
  return 0;
}

/* The networks after the first one.  */
static int
resolve_more (const struct galley_paths *p, const struct container_config *config, struct network_spec *n,
              galley_error_t *err)
{
  struct network_member *all = NULL;
  size_t count = 0, i;

  if (network_members_of (config, &all, &count, err) < 0)
    return -1;
  if (count <= 1)
    {
      network_members_free (all, count);
      return 0;
    }
  n->n_more = count - 1;
  n->more = calloc (n->n_more, sizeof *n->more);
  n->more_defs = calloc (n->n_more, sizeof *n->more_defs);
  if (n->more == NULL || n->more_defs == NULL)
    {
      network_members_free (all, count);
      n->n_more = 0;
      return galley_error_make (err, ENOMEM, "allocating");
    }
  memcpy (n->more, all + 1, n->n_more * sizeof *n->more);
  network_members_free (all, 1);
  for (i = 0; i < n->n_more; i++)
    if (network_def_load (p, n->more[i].name, &n->more_defs[i], err) < 0)
      return -1;
  return 0;
}

int
network_resolve (const struct galley_paths *p, const struct container_config *config, const char *id,
                 const struct idmap *map, struct network_spec *n, galley_error_t *err)
{
  _cleanup_free_ char *run_dir = container_run_dir (p, id);

  n->paths = p;
  n->map = map;
  n->id = strdup (id);
  n->name = strdup (config->name ? config->name : "");
  n->aliases = strv_copy (config->network_aliases);
  n->ip = config->ip ? strdup (config->ip) : NULL;
  network_mac_normalize (config->mac_address, n->mac);
  if (run_dir == NULL || n->id == NULL || n->name == NULL || n->aliases == NULL
      || asprintf (&n->hosts_path, "%s/hosts", run_dir) < 0)
    return galley_error_make (err, ENOMEM, "allocating");
  if ((n->aliases[0] || n->ip) && n->opts.mode != NET_MODE_BRIDGE)
    return error_untrusted (err, "--network-alias and --ip need a named network (--network NAME)");
  if (n->opts.mode == NET_MODE_CONTAINER)
    {
      _cleanup_container_config_ struct container_config peer = { 0 };
      const char *peer_id;

      if (container_load (p, n->opts.container, &peer, err) < 0)
        return galley_error_wrap (err, "--network container:%.64s", n->opts.container);
      peer_id = peer.id;
      if (peer_id == NULL || strcmp (peer_id, id) == 0)
        return error_untrusted (err, "--network container:%.64s: a container cannot join itself",
                                n->opts.container);
      n->peer_id = strdup (peer_id);
      n->peer_state_dir = container_run_dir (p, peer_id);
      if (n->peer_id == NULL || n->peer_state_dir == NULL)
        return galley_error_make (err, ENOMEM, "allocating");
    }
  else if (n->opts.mode == NET_MODE_BRIDGE)
    {
      if (network_def_load (p, n->opts.container, &n->def, err) < 0 || check_map (map, n, err) < 0
          || resolve_more (p, config, n, err) < 0)
        return -1;
      if (n->ip && n->ip[0] == '\0')
        {
          free (n->ip);
          n->ip = NULL;
        }
    }
  return 0;
}

/* "0 1000 1\n1 100000 65536\n" as idmap_format writes it, from the
 * kernel's padded /proc/PID/uid_map.  */
static char *
normalized_map (pid_t pid, const char *file)
{
  _cleanup_free_ char *text = NULL;
  _cleanup_error_ galley_error_t ignored = NULL;
  char path[64], *out, *line, *save = NULL;
  size_t used = 0;

  snprintf (path, sizeof path, "/proc/%d/%s", (int)pid, file);
  if (fs_read_file (AT_FDCWD, path, 1 << 16, &text, NULL, &ignored) < 0
      || (out = calloc (strlen (text) + 1, 1)) == NULL)
    return NULL;
  for (line = strtok_r (text, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    {
      unsigned long a, b, c;
      if (sscanf (line, "%lu %lu %lu", &a, &b, &c) == 3)
        used += (size_t)sprintf (out + used, "%lu %lu %lu\n", a, b, c);
    }
  return out;
}

/* The peer's user namespace is joined: its map must be ours, or files
 * would change owners (--userns differs between the two).  */
static int
check_peer_map (const struct network_spec *n, pid_t pid, galley_error_t *err)
{
  _cleanup_free_ char *theirs = NULL, *ours = NULL;

  if (n->map == NULL || n->map->source == IDMAP_SOURCE_ROOT)
    return 0;
  theirs = normalized_map (pid, "uid_map");
  ours = idmap_format (n->map->uid, n->map->n_uid);
  if (theirs == NULL || ours == NULL || strcmp (theirs, ours) != 0)
    return error_untrusted (err,
                            "--network container:%.64s: the two containers' user namespaces differ "
                            "(--userns); they must be the same to share a network namespace",
                            n->opts.container);
  return 0;
}

static int
open_peer (const struct network_spec *n, struct netns_join *j, galley_error_t *err)
{
  struct container_state st;

  if (container_state_read (n->paths, n->peer_id, &st, err) < 0)
    return -1;
  if (! container_status_is_live (st.status) || st.pid <= 0)
    return error_untrusted (err, "--network container:%.64s: the container is not running",
                            n->opts.container);
  if (check_peer_map (n, st.pid, err) < 0)
    return -1;
  return netns_join_open_shared (st.pid, st.pid_start, NETNS_SHARE_NET | n->peer_share, j, err);
}

/* keep-id on a named network: the init in a user namespace of its own
 * inside UK (its maps: network_write_nested_maps).  */
static pid_t
clone_nested (const struct network_spec *n, int flags, struct network_handle *h, galley_error_t *err)
{
  pid_t pid = netns_clone_nested (&h->join, flags);

  if (pid < 0)
    return galley_error_make (err, errno, "entering the namespaces of --network %s", n->opts.container);
  return pid;
}

int
network_write_nested_maps (const struct network_handle *h, pid_t pid, galley_error_t *err)
{
  const struct network_spec *n = h->net;
  struct idmap nested;
  _cleanup_free_ char *uid_map = NULL, *gid_map = NULL;

  if (! n->nested_userns)
    return 0;
  if (nest_ranges (n->keeper_map.uid, n->keeper_map.n_uid, n->map->uid, n->map->n_uid, nested.uid,
                   &nested.n_uid)
          < 0
      || nest_ranges (n->keeper_map.gid, n->keeper_map.n_gid, n->map->gid, n->map->n_gid, nested.gid,
                      &nested.n_gid)
             < 0
      || (uid_map = idmap_format (nested.uid, nested.n_uid)) == NULL
      || (gid_map = idmap_format (nested.gid, nested.n_gid)) == NULL)
    return galley_error_make (err, EINVAL, "nesting the container's id maps");
  return netns_write_maps (&h->join, pid, uid_map, gid_map, err);
}

pid_t
network_clone_init (const struct network_spec *n, int flags, struct network_handle *h, galley_error_t *err)
{
  pid_t pid;

  h->net = n;
  switch (n->opts.mode)
    {
    case NET_MODE_CONTAINER:
      if (open_peer (n, &h->join, err) < 0)
        return -1;
      break;
    case NET_MODE_NS:
      if (netns_join_open_path (n->opts.container, &h->join, err) < 0)
        return -1;
      break;
    case NET_MODE_BRIDGE:
      h->keeper_lock =
          bridge_keeper_ensure (n->paths, n->nested_userns ? &n->keeper_map : n->map, &h->keeper, err);
      if (h->keeper_lock < 0)
        return -1;
      /* UK only: the container gets a network namespace of its own.  */
      if (h->keeper.userns_fd >= 0 && (h->join.userns_fd = dup (h->keeper.userns_fd)) < 0)
        return galley_error_make (err, errno, "dup");
      if (n->nested_userns)
        {
          h->joined_userns = true;
          return clone_nested (n, flags, h, err);
        }
      break;
    default:
      pid = userns_clone (flags);
      if (pid < 0)
        galley_error_make (err, errno, "creating the container's namespaces");
      return pid;
    }
  h->joined_userns = true;
  pid = netns_clone_joined (&h->join, flags);
  if (pid < 0)
    galley_error_make (err, errno, "entering the namespaces of --network %s", n->opts.container);
  return pid;
}

bool
network_joins_userns (const struct network_handle *h)
{
  return h->joined_userns;
}

/* Peers find the container by name, by its aliases and by its hostname.  */
static char **
lease_aliases (char *const *aliases, const char *name, const char *hostname)
{
  size_t i, k = 0;
  char **out;

  for (i = 0; aliases && aliases[i]; i++)
    ;
  out = calloc (i + 2, sizeof *out);
  for (i = 0; out && aliases && aliases[i]; i++)
    if ((out[k++] = strdup (aliases[i])) == NULL)
      {
        cleanup_strvp (&out);
        return NULL;
      }
  if (out && hostname && strcmp (hostname, name) != 0 && (out[k++] = strdup (hostname)) == NULL)
    cleanup_strvp (&out);
  return out;
}

static int
attach_one (const struct network_spec *n, const struct network_def *d, char *const *aliases, const char *ip,
            const char *mac, const char *name, const char *hostname, pid_t pid, struct network_handle *h,
            char out_ip[16], galley_error_t *err)
{
  struct network_lease lease = { 0 };
  _cleanup_strv_ char **all = lease_aliases (aliases, name, hostname);
  int ret;

  if (all == NULL)
    return galley_error_make (err, ENOMEM, "allocating");
  snprintf (lease.id, sizeof lease.id, "%s", n->id);
  lease.name = (char *)name;
  lease.aliases = all;
  lease.hosts_path = n->hosts_path;
  snprintf (lease.ip, sizeof lease.ip, "%s", ip ? ip : "");
  if (mac)
    network_mac_normalize (mac, lease.mac);
  ret = bridge_attach (n->paths, &h->keeper, d, &lease, pid, err);
  if (ret == 0)
    {
      h->attached = true;
      if (out_ip)
        snprintf (out_ip, 16, "%s", lease.ip);
    }
  return ret;
}

int
network_attach_bridge (const struct network_spec *n, pid_t pid, struct network_handle *h, galley_error_t *err)
{
  _cleanup_container_config_ struct container_config config = { 0 };
  _cleanup_error_ galley_error_t no_record = NULL;
  _cleanup_free_ char *hostname = NULL;
  const char *name = n->name;
  size_t i;
  int ret;

  /* The record has the name by now (a generated one is chosen after the
   * spec is built) and the hostname.  */
  if (container_load (n->paths, n->id, &config, &no_record) == 0)
    {
      if (config.name != NULL)
        name = config.name;
      hostname = config.hostname ? strdup (config.hostname) : strndup (n->id, 12);
    }
  /* The first network is eth0, the others follow in order.  */
  ret = attach_one (n, &n->def, n->aliases, n->ip, n->mac, name, hostname, pid, h, h->ip, err);
  for (i = 0; ret == 0 && i < n->n_more; i++)
    ret = attach_one (n, &n->more_defs[i], n->more[i].aliases, n->more[i].ip, n->more[i].mac, name, hostname,
                      pid, h, NULL, err);
  if (h->keeper_lock >= 0)
    close (h->keeper_lock);
  h->keeper_lock = -1;
  return ret;
}

void
network_detach (struct network_handle *h)
{
  /* Every network it is on, those connected while it ran too.  */
  if (h->attached && h->net)
    bridge_detach_all (h->net->paths, h->net->id);
  h->attached = false;
  if (h->keeper_lock >= 0)
    close (h->keeper_lock);
  h->keeper_lock = -1;
  netns_join_close (&h->join);
  netns_join_close (&h->keeper);
}
