/* What a container's network looks like from the command line: the
 * --network mode (slirp4netns[:options], none, host, container:NAME) and
 * the texts of its /etc/resolv.conf and /etc/hosts.  Pure, unit-tested;
 * runtime/network.h puts them to work.  */
#ifndef GALLEY_STATE_NETCONF_H
#define GALLEY_STATE_NETCONF_H

#include <stdbool.h>

#include "util/error.h"

enum net_mode
{
  NET_MODE_SLIRP,     /* private netns wired to the host by slirp4netns (rootless default) */
  NET_MODE_NONE,      /* private netns with only lo */
  NET_MODE_HOST,      /* the host's netns */
  NET_MODE_CONTAINER, /* another container's netns */
  NET_MODE_NS,        /* ns:PATH, a network namespace from a path */
  NET_MODE_BRIDGE,    /* a named network (runtime/bridge.h) */
};

#define SLIRP_DEFAULT_MTU 65520
#define SLIRP_DEFAULT_CIDR "10.0.2.0/24"

struct net_options
{
  enum net_mode mode;
  char *container; /* NET_MODE_CONTAINER: the name or id given; NET_MODE_NS: the path;
                      NET_MODE_BRIDGE: the network's name ("bridge" is "podman") */
  /* slirp4netns:allow_host_loopback=true,mtu=N,cidr=A.B.C.D/N,enable_ipv6=true,
   * outbound_addr=IP,port_handler=slirp4netns */
  bool allow_host_loopback;
  bool enable_ipv6;
  unsigned mtu;
  char *cidr; /* NULL: SLIRP_DEFAULT_CIDR */
  char *outbound_addr;
};

/* Parse a --network value (NULL or "": the default, slirp4netns).  Any
 * other valid network name is NET_MODE_BRIDGE: whether that network exists
 * is network_resolve's question.  */
/* A network name as podman allows: [a-zA-Z0-9][a-zA-Z0-9_.-]*.  */
bool net_name_is_valid (const char *name);

/* The default network's name (podman's).  */
#define NET_DEFAULT_NAME "podman"

int net_options_parse (const char *value, struct net_options *out, galley_error_t *err);
void net_options_clear (struct net_options *o);

/* Addresses of a slirp4netns network with that CIDR ("10.0.2.0/24"): the
 * gateway (.2, the host), the DNS forwarder (.3) and the guest (.100).  */
int net_slirp_addresses (const char *cidr, char gateway[16], char dns[16], char guest[16],
                         galley_error_t *err);

struct dns_options
{
  char **servers; /* --dns (strv, may be NULL) */
  char **search;  /* --dns-search; "." alone clears it */
  char **options; /* --dns-option */
};

/* The container's resolv.conf from the host's text: --dns replaces the
 * nameservers; otherwise the host's, without loopback ones (127.0.0.0/8,
 * ::1: unreachable from the container), with slirp_dns (may be NULL) first
 * as podman does for slirp4netns.  When nothing is left: slirp_dns, else
 * none.  --dns-search/--dns-option replace the host's search/options.
 * Returns a malloc'ed text.  */
char *net_resolv_conf (const char *host_text, const struct dns_options *o, const char *slirp_dns);

/* Is this nameserver on the loopback network?  */
bool net_is_loopback_address (const char *addr);

/* The container's /etc/hosts: the host's entries when given (podman copies
 * them), otherwise localhost lines; then --add-host entries ("name:ip" or
 * "name=ip"), then host.containers.internal (when host_gateway is set), then
 * "self_ip hostname name".  Errors for a malformed --add-host.  */
int net_hosts_file (const char *host_text, char *const *add_hosts, const char *self_ip, const char *hostname,
                    const char *name, const char *host_gateway, char **out, galley_error_t *err);

/* Check one --add-host argument ("host:ip").  */
int net_check_add_host (const char *arg, galley_error_t *err);

#endif
