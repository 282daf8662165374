/* A container's network from its configuration (see network.h).  */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ns/userns.h"
#include "runtime/network.h"
#include "runtime/bridge.h"
#include "state/container.h"
#include "util/cleanup.h"
#include "util/error_text.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/strv.h"

/* Try to bind host_ip:port; 0 when free.  */
static int
probe_port (const char *host_ip, const char *protocol, uint16_t port, uint16_t *bound, galley_error_t *err)
{
  struct sockaddr_storage ss = { 0 };
  struct sockaddr_in *in4 = (struct sockaddr_in *)&ss;
  struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
  const char *ip = host_ip[0] ? host_ip : "0.0.0.0";
  bool v6 = strchr (ip, ':') != NULL;
  socklen_t len = v6 ? sizeof *in6 : sizeof *in4;
  _cleanup_close_ int fd = socket (
      v6 ? AF_INET6 : AF_INET, (strcmp (protocol, "udp") == 0 ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);
  int one = 1;

  if (fd < 0)
    return galley_error_make (err, errno, "socket");
  if (v6)
    {
      in6->sin6_family = AF_INET6;
      in6->sin6_port = htons (port);
      inet_pton (AF_INET6, ip, &in6->sin6_addr);
    }
  else
    {
      in4->sin_family = AF_INET;
      in4->sin_port = htons (port);
      inet_pton (AF_INET, ip, &in4->sin_addr);
    }
  /* TIME_WAIT leftovers do not make a port busy; a listener does.  */
  setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind (fd, (struct sockaddr *)&ss, len) < 0)
    {
      if (errno == EACCES && port < 1024)
        return galley_error_make (err, 0,
                                  "cannot expose privileged port %u: an unprivileged user may only "
                                  "publish ports from net.ipv4.ip_unprivileged_port_start on (choose a port "
                                  ">= 1024)",
                                  port);
      if (errno == EADDRINUSE)
        return galley_error_make (err, 0, "cannot publish %s:%u/%s: the host port is already in use", ip,
                                  port, protocol);
      return galley_error_make (err, errno, "cannot publish %s:%u/%s", ip, port, protocol);
    }
  if (bound)
    {
      if (getsockname (fd, (struct sockaddr *)&ss, &len) < 0)
        return galley_error_make (err, errno, "getsockname");
      *bound = ntohs (v6 ? in6->sin6_port : in4->sin_port);
    }
  return 0;
}

/* A free host port range for m (host_port 0): a free port from the kernel
 * followed by range-1 free ones.  */
static int
pick_host_ports (struct port_mapping *m, galley_error_t *err)
{
  int attempt;

  for (attempt = 0; attempt < 50; attempt++)
    {
      uint16_t first = 0, k;
      bool ok = true;
      if (probe_port (m->host_ip, m->protocol, 0, &first, err) < 0)
        return -1;
      if ((unsigned)first + m->range - 1 > 65535)
        continue;
      for (k = 1; ok && k < m->range; k++)
        {
          _cleanup_error_ galley_error_t busy = NULL;
          ok = probe_port (m->host_ip, m->protocol, (uint16_t)(first + k), NULL, &busy) == 0;
        }
      if (ok)
        {
          m->host_port = first;
          return 0;
        }
    }
  return galley_error_make (err, 0, "no free host port range of %u ports for %u/%s", m->range,
                            m->container_port, m->protocol);
}

/* -P: the image's exposed ports not already published.  */
static int
add_exposed_ports (json_object *image_config, struct port_mapping **ports, size_t *n, galley_error_t *err)
{
  json_object *exposed;

  if (image_config == NULL || ! json_object_object_get_ex (image_config, "ExposedPorts", &exposed)
      || ! json_object_is_type (exposed, json_type_object))
    return 0;
  json_object_object_foreach (exposed, key, unused)
  {
    struct port_mapping m, *grown;
    size_t i;
    bool published = false;

    (void)unused;
    if (port_parse_exposed (key, &m, err) < 0)
      return -1;
    for (i = 0; i < *n; i++)
      published =
          published
          || (strcmp ((*ports)[i].protocol, m.protocol) == 0 && (*ports)[i].container_port <= m.container_port
              && m.container_port < (*ports)[i].container_port + (*ports)[i].range);
    if (published)
      continue;
    grown = realloc (*ports, (*n + 1) * sizeof *grown);
    if (grown == NULL)
      return galley_error_make (err, ENOMEM, "allocating");
    grown[(*n)++] = m;
    *ports = grown;
  }
  return 0;
}

/* slirp4netns forwards both protocols; a named network only TCP (the
 * forwarder of runtime/portfwd.h); the others nothing.  */
static int
check_ports_allowed (const struct port_mapping *ports, size_t n, enum net_mode mode, const char *network,
                     galley_error_t *err)
{
  size_t i;

  if (n == 0 || mode == NET_MODE_SLIRP)
    return 0;
  if (mode != NET_MODE_BRIDGE)
    return error_untrusted (err, "published ports need a slirp4netns or named network, not --network %s",
                            network);
  for (i = 0; i < n; i++)
    if (strcmp (ports[i].protocol, "tcp") != 0)
      return error_untrusted (err, "published %s ports are not supported on named networks yet (only tcp)",
                              ports[i].protocol);
  return 0;
}

int
network_resolve_ports (struct container_config *config, json_object *image_config, galley_error_t *err)
{
  struct net_options opts;
  _cleanup_free_ struct port_mapping *ports = NULL;
  size_t n = 0, i;
  uint16_t k;

  enum net_mode mode;

  if (network_members_split (config, err) < 0 || net_options_parse (config->network, &opts, err) < 0)
    return -1;
  mode = opts.mode;
  net_options_clear (&opts);
  for (i = 0; config->add_host != NULL && config->add_host[i] != NULL; i++)
    if (net_check_add_host (config->add_host[i], err) < 0)
      return -1;
  for (i = 0; config->dns != NULL && config->dns[i] != NULL; i++)
    {
      unsigned char a[16];
      const char *d = config->dns[i];
      if (inet_pton (AF_INET, d, a) != 1 && inet_pton (AF_INET6, d, a) != 1 && strcmp (d, "none") != 0)
        return error_untrusted (err, "%.64s is not an ip address", d);
    }
  if (config->port_mappings != NULL)
    {
      /* Resolved when the container was created (start, exec): whether the
       * ports are free is checked when the container starts
       * (network_attach).  */
      if (port_mappings_from_json (config->port_mappings, &ports, &n, err) < 0)
        return -1;
      return check_ports_allowed (ports, n, mode, config->network, err);
    }
  for (i = 0; config->publish != NULL && config->publish[i] != NULL; i++)
    if (port_parse_publish (config->publish[i], &ports, &n, err) < 0)
      return -1;
  if (config->publish_all && add_exposed_ports (image_config, &ports, &n, err) < 0)
    return -1;
  if (check_ports_allowed (ports, n, mode, config->network, err) < 0)
    return -1;
  if (port_check_conflicts (ports, n, err) < 0)
    return -1;
  for (i = 0; i < n; i++)
    {
      if (ports[i].host_port == 0)
        {
          if (pick_host_ports (&ports[i], err) < 0)
            return -1;
          continue;
        }
      for (k = 0; k < ports[i].range; k++)
        if (probe_port (ports[i].host_ip, ports[i].protocol, (uint16_t)(ports[i].host_port + k), NULL, err)
            < 0)
          return -1;
    }
  config->port_mappings = port_mappings_to_json (ports, n);
  return config->port_mappings ? 0 : galley_error_make (err, ENOMEM, "allocating");
}

void
network_spec_clear (struct network_spec *n)
{
  net_options_clear (&n->opts);
  free (n->ports);
  cleanup_strvp (&n->dns.servers);
  cleanup_strvp (&n->dns.search);
  cleanup_strvp (&n->dns.options);
  cleanup_strvp (&n->add_hosts);
  free (n->id);
  free (n->name);
  free (n->hosts_path);
  free (n->peer_id);
  free (n->peer_state_dir);
  network_def_clear (&n->def);
  cleanup_strvp (&n->aliases);
  free (n->ip);
  network_members_free (n->more, n->n_more);
  for (size_t i = 0; n->more_defs && i < n->n_more; i++)
    network_def_clear (&n->more_defs[i]);
  free (n->more_defs);
  memset (n, 0, sizeof *n);
}

int
network_spec_from_config (const struct container_config *config, struct network_spec *out,
                          galley_error_t *err)
{
  memset (out, 0, sizeof *out);
  if (net_options_parse (config->network, &out->opts, err) < 0)
    return -1;
  if (port_mappings_from_json (config->port_mappings, &out->ports, &out->n_ports, err) < 0)
    goto fail;
  out->dns.servers = strv_copy (config->dns);
  out->dns.search = strv_copy (config->dns_search);
  out->dns.options = strv_copy (config->dns_option);
  out->add_hosts = strv_copy (config->add_host);
  if (out->dns.servers == NULL || out->dns.search == NULL || out->dns.options == NULL
      || out->add_hosts == NULL)
    {
      galley_error_make (err, ENOMEM, "allocating");
      goto fail;
    }
  return 0;
fail:
  network_spec_clear (out);
  return -1;
}

int
network_clone_flags (const struct network_spec *n)
{
  return n->opts.mode != NET_MODE_HOST ? CLONE_NEWNET : 0;
}

bool
network_needs_loopback (const struct network_spec *n)
{
  return n->opts.mode == NET_MODE_SLIRP || n->opts.mode == NET_MODE_NONE || n->opts.mode == NET_MODE_BRIDGE;
}

/* The host's first IPv4 address that is not loopback: what
 * host.containers.internal means when slirp4netns hides the host's
 * loopback.  */
static bool
host_address (char out[16])
{
  struct ifaddrs *ifs, *i;
  bool found = false;

  if (getifaddrs (&ifs) < 0)
    return false;
  for (i = ifs; i && ! found; i = i->ifa_next)
    if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET && ! (i->ifa_flags & IFF_LOOPBACK)
        && (i->ifa_flags & IFF_UP))
      found = inet_ntop (AF_INET, &((struct sockaddr_in *)i->ifa_addr)->sin_addr, out, 16) != NULL;
  freeifaddrs (ifs);
  return found;
}

/* --network container:X shares X's /etc/hosts and resolv.conf as podman
 * does (copied: X's runroot files are X's).  False when X has none yet.  */
static bool
copy_peer_files (const struct network_spec *n, int state_dirfd)
{
  _cleanup_free_ char *hosts = NULL, *resolv = NULL;
  _cleanup_error_ galley_error_t ignored = NULL;
  _cleanup_close_ int dfd =
      n->peer_state_dir ? open (n->peer_state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;

  if (dfd < 0 || fs_read_file (dfd, "hosts", 1 << 20, &hosts, NULL, &ignored) < 0
      || fs_read_file (dfd, "resolv.conf", 1 << 16, &resolv, NULL, &ignored) < 0)
    return false;
  return fs_write_text (state_dirfd, "hosts", hosts, 0644, &ignored) == 0
         && fs_write_text (state_dirfd, "resolv.conf", resolv, 0644, &ignored) == 0;
}

int
network_write_files (const struct network_spec *n, int state_dirfd, const char *hostname, const char *name,
                     galley_error_t *err)
{
  _cleanup_free_ char *host_resolv = NULL, *host_hosts = NULL, *resolv = NULL, *hosts = NULL;
  _cleanup_error_ galley_error_t ignored = NULL, ignored2 = NULL;
  char gateway[16], dns[16], guest[16], host_ip[16];
  const char *self_ip = "127.0.0.1", *slirp_dns = NULL, *host_gateway = NULL;

  if (n->opts.mode == NET_MODE_CONTAINER && copy_peer_files (n, state_dirfd))
    return 0;
  if (fs_read_file (AT_FDCWD, "/etc/resolv.conf", 1 << 16, &host_resolv, NULL, &ignored) < 0)
    host_resolv = NULL;
  if (fs_read_file (AT_FDCWD, "/etc/hosts", 1 << 20, &host_hosts, NULL, &ignored2) < 0)
    host_hosts = NULL;
  if (n->opts.mode == NET_MODE_SLIRP)
    {
      if (net_slirp_addresses (n->opts.cidr, gateway, dns, guest, err) < 0)
        return -1;
      slirp_dns = dns;
      self_ip = guest;
      if (n->opts.allow_host_loopback)
        host_gateway = gateway;
      else if (host_address (host_ip))
        host_gateway = host_ip;
    }
  else if (n->opts.mode == NET_MODE_HOST && host_address (host_ip))
    self_ip = host_ip;
  else if (n->opts.mode == NET_MODE_BRIDGE)
    {
      /* Its own line comes with the address (runtime/bridge.c); slirp's
       * resolver is reachable through the keeper's namespace.  */
      self_ip = NULL;
      if (! n->def.internal)
        slirp_dns = "10.0.2.3";
    }
  if (n->opts.mode == NET_MODE_HOST && ! n->dns.servers[0] && ! n->dns.search[0] && ! n->dns.options[0])
    resolv = strdup (host_resolv ? host_resolv : "");
  else
    resolv = net_resolv_conf (host_resolv, &n->dns, slirp_dns);
  if (resolv == NULL)
    return galley_error_make (err, ENOMEM, "allocating");
  if (net_hosts_file (host_hosts, n->add_hosts, self_ip, hostname, name, host_gateway, &hosts, err) < 0)
    return -1;
  if (fs_write_text (state_dirfd, "resolv.conf", resolv, 0644, err) < 0
      || fs_write_text (state_dirfd, "hosts", hosts, 0644, err) < 0)
    return -1;
  return 0;
}

int
network_attach (const struct network_spec *n, pid_t pid, const char *state_dir, struct network_handle *h,
                galley_error_t *err)
{
  char gateway[16], dns[16], guest[16];
  size_t i;
  uint16_t k;

  h->net = n;
  if (n->opts.mode == NET_MODE_BRIDGE)
    {
      if (network_attach_bridge (n, pid, h, err) < 0)
        return -1;
      if (portfwd_start (n->ports, n->n_ports, pid, h->ip, &h->fwd, err) < 0)
        {
          network_teardown (h, false);
          return -1;
        }
      return 0;
    }
  if (n->opts.mode != NET_MODE_SLIRP)
    return 0;
  if (net_slirp_addresses (n->opts.cidr, gateway, dns, guest, err) < 0)
    return -1;
  /* A clear error before anything runs when a host port is taken.  */
  for (i = 0; i < n->n_ports; i++)
    for (k = 0; k < n->ports[i].range; k++)
      if (probe_port (n->ports[i].host_ip, n->ports[i].protocol, (uint16_t)(n->ports[i].host_port + k), NULL,
                      err)
          < 0)
        return -1;
  if (slirp_start (&n->opts, pid, state_dir, &h->slirp, err) < 0)
    return -1;
  /* TCP through our forwarder (faster than slirp's stack), UDP through
   * slirp4netns.  */
  for (i = 0; i < n->n_ports; i++)
    if (strcmp (n->ports[i].protocol, "tcp") != 0
        && slirp_add_forward (&h->slirp, &n->ports[i], guest, err) < 0)
      {
        network_teardown (h, false);
        return -1;
      }
  if (portfwd_start (n->ports, n->n_ports, pid, guest, &h->fwd, err) < 0)
    {
      network_teardown (h, false);
      return -1;
    }
  return 0;
}

void
network_teardown (struct network_handle *h, bool unwaited)
{
  portfwd_stop (&h->fwd);
  if (unwaited)
    slirp_release (&h->slirp);
  else
    slirp_stop (&h->slirp);
  network_detach (h);
}
