/* A container's network, from its configuration to a running slirp4netns:
 * the seam between the run path and the network code.
 *
 * Configuration keys (container.json, written by run/create):
 *   "Network"      --network value (absent: slirp4netns, the rootless default)
 *   "PublishPorts" -p arguments, "PublishAll" -P, "Dns", "DnsSearch",
 *   "DnsOption", "AddHost" (arrays of strings as given)
 *   "PortMappings" the resolved mappings (podman's form; written by
 *                  network_resolve_ports at create time, read by `port`)
 *
 * The run path calls, in order:
 *   create:  network_resolve_ports (config, image_config)   -- validates, picks
 *            free host ports for -P / omitted host ports, fails (exit 125)
 *            when a host port is taken; before anything is created
 *   build:   network_spec_from_config (config, &spec->net)
 *   start:   network_write_files (&net, state_dirfd, hostname, name)  -- hosts, resolv.conf
 *            clone flags |= network_clone_flags (&net)
 *   monitor: after the uid/gid maps are written, before the init goes on:
 *            network_attach (&net, init_pid, state_dir, &handle)
 *   exit:    network_teardown (&handle)                         */
#ifndef GALLEY_RUNTIME_NETWORK_H
#define GALLEY_RUNTIME_NETWORK_H

#include <stdbool.h>
#include <sys/types.h>

#include <json-c/json.h>

#include "runtime/netconf.h"
#include "runtime/portspec.h"
#include "runtime/slirp.h"
#include "util/error.h"

struct network_spec
{
  struct net_options opts;
  struct port_mapping *ports; /* resolved: every host_port != 0 */
  size_t n_ports;
  struct dns_options dns;
  char **add_hosts; /* strv */
};

struct network_handle
{
  struct slirp_process slirp;
};

#define NETWORK_HANDLE_INIT     \
  {                             \
    .slirp = SLIRP_PROCESS_INIT \
  }

/* Validate the network options of config and record "PortMappings" with
 * every host port chosen (-P: the image's ExposedPorts, image_config may be
 * NULL).  Fails when a host port is in use or not allowed, naming it.  */
int network_resolve_ports (json_object *config, json_object *image_config, galley_error_t *err);

/* The network part of the runtime spec, from a configuration that went
 * through network_resolve_ports.  */
int network_spec_from_config (json_object *config, struct network_spec *out, galley_error_t *err);
void network_spec_clear (struct network_spec *n);

/* CLONE_NEWNET for slirp4netns and none, 0 for host.  */
int network_clone_flags (const struct network_spec *n);

/* Does the container's init have to bring lo up itself (private netns)?  */
bool network_needs_loopback (const struct network_spec *n);

/* Write "hosts" and "resolv.conf" into the container's state directory.  */
int network_write_files (const struct network_spec *n, int state_dirfd, const char *hostname,
                         const char *name, galley_error_t *err);

/* Wire the network namespace of pid (the container init, whose id maps are
 * written) to the host: slirp4netns and the published ports.  Nothing for
 * none and host.  On failure nothing is left running.  */
int network_attach (const struct network_spec *n, pid_t pid, const char *state_dir, struct network_handle *h,
                    galley_error_t *err);
void network_teardown (struct network_handle *h);

#endif
