/* Docker's container create body mapped onto galley's typed container
 * configuration (create_body.h): each member to the field the matching
 * `galley create` option fills, in that option's syntax, so that the
 * engine checks and resolves it exactly as it does the command line's.
 * Members Docker's clients send at their zero value and galley has no
 * field for are accepted only there.  */
#include "config.h"
#include "api/create_body.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/xmalloc.h"
#include "util/strv.h"

static json_object *
member (json_object *o, const char *key)
{
  json_object *v = NULL;

  if (o == NULL || ! json_object_object_get_ex (o, key, &v))
    return NULL;
  return v;
}

static const char *
string_of (json_object *o, const char *key)
{
  json_object *v = member (o, key);

  return v != NULL && json_object_is_type (v, json_type_string) ? json_object_get_string (v) : NULL;
}

static const char *
nonempty (json_object *o, const char *key)
{
  const char *s = string_of (o, key);

  return s != NULL && *s != '\0' ? s : NULL;
}

static int64_t
int_of (json_object *o, const char *key)
{
  json_object *v = member (o, key);

  return v != NULL ? json_object_get_int64 (v) : 0;
}

static bool
bool_of (json_object *o, const char *key)
{
  json_object *v = member (o, key);

  return v != NULL && json_object_get_boolean (v);
}

/* Replace the string *field with a copy of value, unless value is NULL.  */
static void
set_string (char **field, const char *value)
{
  if (value == NULL)
    return;
  free (*field);
  *field = xstrdup (value);
}

/* A member that is a string or a list of strings (Cmd, Entrypoint) or a
 * list (Env, Binds ...) appended to a vector; absent or null: nothing.  */
static void
set_strv (char ***field, json_object *v)
{
  size_t i;

  if (v == NULL || json_object_is_type (v, json_type_null))
    return;
  if (json_object_is_type (v, json_type_string))
    {
      strv_append (field, json_object_get_string (v));
      return;
    }
  for (i = 0; i < json_object_array_length (v); i++)
    strv_append (field, json_object_get_string (json_object_array_get_idx (v, i)));
}

/* {"K": "v"} as "K=v" entries.  */
static void
set_map (char ***field, json_object *v)
{
  if (v == NULL || ! json_object_is_type (v, json_type_object))
    return;
  json_object_object_foreach (v, key, value)
  {
    strv_kv_set (field, key, json_object_get_string (value));
  }
}

static void append_printf (char ***field, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

static void
append_printf (char ***field, const char *fmt, ...)
{
  _cleanup_free_ char *s = NULL;
  va_list ap;

  va_start (ap, fmt);
  s = xvasprintf (fmt, ap);
  va_end (ap);
  strv_append (field, s);
}

/* Replace the string *field with the formatted one.  */
static void set_printf (char **field, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

static void
set_printf (char **field, const char *fmt, ...)
{
  va_list ap;

  free (*field);
  va_start (ap, fmt);
  *field = xvasprintf (fmt, ap);
  va_end (ap);
}

static int
unsupported (const char *prefix, const char *what, galley_error_t *err)
{
  return galley_error_kind (err, EINVAL, "%s%s: galley does not support it (leave it empty)", prefix, what);
}

/* Members galley has no field for, at anything but their zero value.  */
static int
check_unmapped (json_object *doc, json_object *hc, galley_error_t *err)
{
  static const char *const host_strings[] = { "CgroupnsMode", "PidMode", "UTSMode", NULL };
  static const char *const host_lists[] = { "GroupAdd", "VolumesFrom", "MaskedPaths", "ReadonlyPaths", NULL };
  static const char *const host_ints[] = { "ShmSize", "CpuPeriod", "CpuQuota", NULL };
  size_t i;

  for (i = 0; host_strings[i] != NULL; i++)
    if (nonempty (hc, host_strings[i]) != NULL && strcmp (string_of (hc, host_strings[i]), "private") != 0)
      return unsupported ("HostConfig.", host_strings[i], err);
  {
    const char *ipc = nonempty (hc, "IpcMode");
    if (ipc != NULL && strcmp (ipc, "private") != 0 && strcmp (ipc, "shareable") != 0)
      return unsupported ("HostConfig.", "IpcMode", err);
  }
  for (i = 0; host_lists[i] != NULL; i++)
    if (json_get_array_len (hc, host_lists[i]) > 0)
      return unsupported ("HostConfig.", host_lists[i], err);
  for (i = 0; host_ints[i] != NULL; i++)
    if (int_of (hc, host_ints[i]) != 0)
      return unsupported ("HostConfig.", host_ints[i], err);
  {
    json_object *sysctls = member (hc, "Sysctls");
    if (sysctls != NULL && json_object_is_type (sysctls, json_type_object)
        && json_object_object_length (sysctls) > 0)
      return unsupported ("HostConfig.", "Sysctls", err);
  }
  /* the service's attach carries no input yet: docker run -i would
   * create a container it could not attach to */
  if (bool_of (doc, "AttachStdin"))
    return unsupported ("", "AttachStdin", err);
  if (nonempty (doc, "Domainname") != NULL)
    return unsupported ("", "Domainname", err);
  {
    json_object *test = member (member (doc, "Healthcheck"), "Test");
    if (test != NULL && json_object_array_length (test) > 0
        && strcmp (json_object_get_string (json_object_array_get_idx (test, 0)), "NONE") != 0)
      return unsupported ("", "Healthcheck", err);
  }
  return 0;
}

/* PortBindings {"80/tcp": [{"HostIp": "", "HostPort": "8080"}]} as -p
 * "[ip:][hostport:]80/tcp".  */
static void
set_ports (struct container_config *c, json_object *bindings)
{
  if (bindings == NULL || ! json_object_is_type (bindings, json_type_object))
    return;
  json_object_object_foreach (bindings, port, list)
  {
    size_t i, n = list != NULL ? json_object_array_length (list) : 0;
    if (n == 0)
      append_printf (&c->publish, "%s", port);
    for (i = 0; i < n; i++)
      {
        json_object *b = json_object_array_get_idx (list, i);
        const char *ip = nonempty (b, "HostIp"), *host = nonempty (b, "HostPort");
        bool v6 = ip != NULL && strchr (ip, ':') != NULL;
        if (ip != NULL)
          append_printf (&c->publish, "%s%s%s:%s:%s", v6 ? "[" : "", ip, v6 ? "]" : "",
                         host != NULL ? host : "", port);
        else if (host != NULL)
          append_printf (&c->publish, "%s:%s", host, port);
        else
          append_printf (&c->publish, "%s", port);
      }
  }
}

/* Mounts [{Type, Source, Target, ReadOnly, ...}] as --mount options.  */
static int
set_mounts (struct container_config *c, json_object *mounts, galley_error_t *err)
{
  size_t i, n = mounts != NULL && json_object_is_type (mounts, json_type_array)
                    ? json_object_array_length (mounts)
                    : 0;

  for (i = 0; i < n; i++)
    {
      json_object *m = json_object_array_get_idx (mounts, i);
      const char *type = nonempty (m, "Type"), *source = nonempty (m, "Source");
      const char *target = nonempty (m, "Target");
      const char *propagation = nonempty (member (m, "BindOptions"), "Propagation");
      int64_t size = int_of (member (m, "TmpfsOptions"), "SizeBytes");
      _cleanup_free_ char *opt = NULL;

      if (target == NULL)
        return galley_error_kind (err, EINVAL, "HostConfig.Mounts: a mount needs a Target");
      opt = xasprintf (
          "type=%s%s%s,target=%s%s%s%s", type != NULL ? type : "volume", source != NULL ? ",source=" : "",
          source != NULL ? source : "", target, bool_of (m, "ReadOnly") ? ",readonly" : "",
          propagation != NULL ? ",bind-propagation=" : "", propagation != NULL ? propagation : "");
      if (size > 0)
        {
          char *longer = xasprintf ("%s,tmpfs-size=%" PRId64, opt, size);
          free (opt);
          opt = longer;
        }
      strv_append (&c->mounts, opt);
    }
  return 0;
}

static int
set_host_lists (struct container_config *c, json_object *hc, galley_error_t *err)
{
  json_object *ulimits = member (hc, "Ulimits"), *devices = member (hc, "Devices");
  json_object *tmpfs = member (hc, "Tmpfs");
  size_t i, n;

  set_strv (&c->volumes, member (hc, "Binds"));
  set_strv (&c->cap_add, member (hc, "CapAdd"));
  set_strv (&c->cap_drop, member (hc, "CapDrop"));
  set_strv (&c->security_opt, member (hc, "SecurityOpt"));
  set_strv (&c->dns, member (hc, "Dns"));
  set_strv (&c->dns_search, member (hc, "DnsSearch"));
  set_strv (&c->dns_option, member (hc, "DnsOptions"));
  set_strv (&c->add_host, member (hc, "ExtraHosts"));
  set_ports (c, member (hc, "PortBindings"));
  if (set_mounts (c, member (hc, "Mounts"), err) < 0)
    return -1;
  if (tmpfs != NULL && json_object_is_type (tmpfs, json_type_object))
    {
      json_object_object_foreach (tmpfs, path, opts)
      {
        const char *o = json_object_get_string (opts);
        append_printf (&c->tmpfs, "%s%s%s", path, o != NULL && *o ? ":" : "", o != NULL ? o : "");
      }
    }
  n = ulimits != NULL && json_object_is_type (ulimits, json_type_array) ? json_object_array_length (ulimits)
                                                                        : 0;
  for (i = 0; i < n; i++)
    {
      json_object *u = json_object_array_get_idx (ulimits, i);
      append_printf (&c->ulimits, "%s=%" PRId64 ":%" PRId64, string_of (u, "Name"), int_of (u, "Soft"),
                     int_of (u, "Hard"));
    }
  n = devices != NULL && json_object_is_type (devices, json_type_array) ? json_object_array_length (devices)
                                                                        : 0;
  for (i = 0; i < n; i++)
    {
      json_object *d = json_object_array_get_idx (devices, i);
      const char *host = nonempty (d, "PathOnHost"), *in = nonempty (d, "PathInContainer");
      const char *perms = nonempty (d, "CgroupPermissions");
      if (host == NULL)
        return galley_error_kind (err, EINVAL, "HostConfig.Devices: a device needs a PathOnHost");
      append_printf (&c->devices, "%s:%s%s%s", host, in != NULL ? in : host, perms != NULL ? ":" : "",
                     perms != NULL ? perms : "");
    }
  return 0;
}

/* NetworkMode: Docker's "default" and "bridge" are galley's default
 * network (slirp4netns, as rootless podman's); "host", "none",
 * "container:x" and network names are galley's --network values.  */
static void
set_network (struct container_config *c, json_object *doc, json_object *hc)
{
  const char *mode = nonempty (hc, "NetworkMode");
  json_object *endpoints = member (member (doc, "NetworkingConfig"), "EndpointsConfig");

  if (bool_of (doc, "NetworkDisabled"))
    mode = "none";
  if (mode != NULL && strcmp (mode, "default") != 0 && strcmp (mode, "bridge") != 0)
    set_string (&c->network, mode);
  if (endpoints == NULL || ! json_object_is_type (endpoints, json_type_object))
    return;
  json_object_object_foreach (endpoints, name, ep)
  {
    json_object *ipam = member (ep, "IPAMConfig");
    if (c->network == NULL || strcmp (name, c->network) != 0)
      continue; /* the primary network's settings; others are connected later */
    set_strv (&c->network_aliases, member (ep, "Aliases"));
    set_string (&c->ip, nonempty (ipam, "IPv4Address"));
    set_string (&c->mac_address, nonempty (ep, "MacAddress"));
  }
}

static int
set_resources (struct container_config *c, json_object *hc, galley_error_t *err)
{
  int64_t memory = int_of (hc, "Memory"), nano = int_of (hc, "NanoCpus"), pids = int_of (hc, "PidsLimit");

  if (memory < 0 || nano < 0)
    return galley_error_kind (err, EINVAL, "HostConfig.%s: must not be negative",
                              memory < 0 ? "Memory" : "NanoCpus");
  if (memory > 0)
    set_printf (&c->memory, "%" PRId64, memory);
  if (nano > 0)
    set_printf (&c->cpus, "%" PRId64 ".%09" PRId64, nano / 1000000000, nano % 1000000000);
  if (pids > 0)
    set_printf (&c->pids_limit, "%" PRId64, pids);
  return 0;
}

static void
set_restart (struct container_config *c, json_object *hc)
{
  json_object *policy = member (hc, "RestartPolicy");
  const char *name = nonempty (policy, "Name");
  int64_t retries = int_of (policy, "MaximumRetryCount");

  if (name == NULL || strcmp (name, "no") == 0)
    return;
  if (strcmp (name, "on-failure") == 0 && retries > 0)
    set_printf (&c->restart, "on-failure:%" PRId64, retries);
  else
    set_string (&c->restart, name);
}

int
api_create_body_config (json_object *doc, const char *name, struct container_config *out, galley_error_t *err)
{
  _cleanup_container_config_ struct container_config c = { 0 };
  json_object *hc = member (doc, "HostConfig"), *entrypoint = member (doc, "Entrypoint");
  json_object *log = member (hc, "LogConfig"), *volumes = member (doc, "Volumes");
  const char *image = nonempty (doc, "Image"), *log_type = nonempty (log, "Type");

  if (image == NULL)
    return galley_error_kind (err, EINVAL, "Image: a container needs an image");
  if (check_unmapped (doc, hc, err) < 0)
    return -1;
  set_string (&c.name, name != NULL && *name ? name : NULL);
  set_string (&c.image, image);
  set_strv (&c.command, member (doc, "Cmd"));
  set_strv (&c.env, member (doc, "Env"));
  set_string (&c.user, nonempty (doc, "User"));
  set_string (&c.workdir, nonempty (doc, "WorkingDir"));
  set_string (&c.hostname, nonempty (doc, "Hostname"));
  set_string (&c.stop_signal, nonempty (doc, "StopSignal"));
  set_map (&c.labels, member (doc, "Labels"));
  /* Entrypoint [""] (docker --entrypoint "") is no entrypoint at all.  */
  if (entrypoint != NULL && ! json_object_is_type (entrypoint, json_type_null))
    {
      set_strv (&c.entrypoint, entrypoint);
      if (c.entrypoint == NULL)
        c.entrypoint = strv_copy (NULL);
      if (strv_len (c.entrypoint) == 1 && c.entrypoint[0][0] == '\0')
        {
          free (c.entrypoint[0]);
          c.entrypoint[0] = NULL;
        }
    }
  c.tty = bool_of (doc, "Tty");
  c.interactive = bool_of (doc, "OpenStdin");
  c.quiet = true;
  if (volumes != NULL && json_object_is_type (volumes, json_type_object))
    {
      json_object_object_foreach (volumes, path, unused)
      {
        (void)unused;
        strv_append (&c.volumes, path);
      }
    }
  if (hc != NULL)
    {
      c.rm = bool_of (hc, "AutoRemove");
      c.privileged = bool_of (hc, "Privileged");
      c.read_only = bool_of (hc, "ReadonlyRootfs");
      c.publish_all = bool_of (hc, "PublishAllPorts");
      c.init = bool_of (hc, "Init");
      if (set_host_lists (&c, hc, err) < 0 || set_resources (&c, hc, err) < 0)
        return -1;
      set_network (&c, doc, hc);
      set_restart (&c, hc);
      set_string (&c.userns, nonempty (hc, "UsernsMode"));
      set_string (&c.cidfile, nonempty (hc, "ContainerIDFile"));
      /* Docker's json-file is galley's k8s-file: both keep what `logs` reads.  */
      if (log_type != NULL && strcmp (log_type, "json-file") != 0)
        set_string (&c.log_driver, log_type);
      set_map (&c.log_opt, member (log, "Config"));
    }
  container_config_move (out, &c);
  return 0;
}
