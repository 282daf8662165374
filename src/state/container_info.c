/* The container inspect record (see container_info.h).  */
#include "config.h"
#include "state/container_info.h"
#include "state/network_members.h"
#include "state/container_log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "state/container.h"
#include "state/container_secrets.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/size.h"
#include "util/strv.h"
#include "util/time.h"

static json_object *
string_or (const char *s, const char *fallback)
{
  return json_object_new_string (s ? s : fallback);
}

/* The vector as an array, or fallback when it is not set.  */
static json_object *
strings_or (char *const *v, json_object *fallback)
{
  if (v == NULL)
    return fallback;
  json_object_put (fallback);
  return json_strings_array (v, strv_len (v));
}

static json_object *
time_or_zero (int64_t ns)
{
  char t[64];
  if (ns <= 0)
    return json_object_new_string ("0001-01-01T00:00:00Z");
  time_format_rfc3339 (ns, t, sizeof t);
  return json_object_new_string (t);
}

static json_object *
state_object (const struct container_entry *e)
{
  const struct container_state *st = &e->state;
  json_object *s = json_object_new_object ();
  bool live = container_status_is_live (st->status);
  const char *status = container_status_name (st->status);

  json_object_object_add (s, "OciVersion", json_object_new_string ("1.0.2"));
  json_object_object_add (s, "Status", json_object_new_string (status));
  json_object_object_add (s, "Running", json_object_new_boolean (live));
  json_object_object_add (s, "Paused", json_object_new_boolean (st->status == CONTAINER_STATUS_PAUSED));
  json_object_object_add (s, "Restarting", json_object_new_boolean (false));
  json_object_object_add (s, "OOMKilled", json_object_new_boolean (false));
  json_object_object_add (s, "Dead", json_object_new_boolean (false));
  json_object_object_add (s, "Pid", json_object_new_int (live ? st->pid : 0));
  json_object_object_add (s, "ConmonPid", json_object_new_int (live ? st->monitor_pid : 0));
  json_object_object_add (s, "ExitCode", json_object_new_int (st->has_exit_code ? st->exit_code : 0));
  json_object_object_add (s, "Error", json_object_new_string (""));
  json_object_object_add (s, "StartedAt", time_or_zero (st->started_at));
  json_object_object_add (s, "FinishedAt", time_or_zero (st->finished_at));
  json_object_object_add (s, "CheckpointedAt", time_or_zero (0));
  json_object_object_add (s, "RestoredAt", time_or_zero (0));
  return s;
}

static json_object *
config_object (const struct container_entry *e, json_object *cmd)
{
  const struct container_config *config = &e->config;
  json_object *c = json_object_new_object ();
  char short_id[13];
  struct utsname u;
  bool host_name = (config->uts != NULL && strcmp (config->uts, "host") == 0)
                   || (config->network != NULL && strcmp (config->network, "host") == 0);

  snprintf (short_id, sizeof short_id, "%.12s", e->id);
  /* the host's in the host's UTS or network namespace, as the container sees it */
  json_object_object_add (c, "Hostname",
                          string_or (config->hostname, host_name && uname (&u) == 0 ? u.nodename : short_id));
  json_object_object_add (c, "Domainname", json_object_new_string (""));
  json_object_object_add (c, "User", string_or (config->user, ""));
  json_object_object_add (c, "AttachStdin", json_object_new_boolean (config->interactive));
  json_object_object_add (c, "AttachStdout", json_object_new_boolean (! config->detach));
  json_object_object_add (c, "AttachStderr", json_object_new_boolean (! config->detach));
  json_object_object_add (c, "Tty", json_object_new_boolean (config->tty));
  json_object_object_add (c, "OpenStdin", json_object_new_boolean (config->interactive));
  json_object_object_add (c, "StdinOnce", json_object_new_boolean (false));
  json_object_object_add (c, "Env", strings_or (config->env, json_object_new_array ()));
  json_object_object_add (c, "Secrets", container_secrets_inspect (config));
  json_object_object_add (c, "Cmd", json_object_get (cmd));
  json_object_object_add (c, "Image", string_or (config->image, ""));
  json_object_object_add (c, "Volumes", NULL);
  json_object_object_add (c, "WorkingDir", string_or (config->workdir, "/"));
  json_object_object_add (c, "Entrypoint", strings_or (config->entrypoint, json_object_new_string ("")));
  json_object_object_add (c, "OnBuild", NULL);
  json_object_object_add (c, "Labels", config->labels ? json_kv_object (config->labels) : NULL);
  json_object_object_add (c, "Annotations", json_kv_object (config->annotations));
  json_object_object_add (c, "StopSignal", json_object_new_int (15));
  json_object_object_add (c, "CreateCommand", strings_or (config->create_command, json_object_new_array ()));
  json_object_object_add (c, "Umask", json_object_new_string ("0022"));
  json_object_object_add (c, "Timeout", json_object_new_int (0));
  json_object_object_add (c, "StopTimeout", json_object_new_int (10));
  return c;
}

static json_object *
host_config_object (const struct galley_paths *p, const struct container_entry *e)
{
  const struct container_config *config = &e->config;
  json_object *h = json_object_new_object (), *log = json_object_new_object ();
  json_object *restart = json_object_new_object ();
  const char *policy = config->restart;
  _cleanup_free_ char *dir = container_dir (p, e->id), *log_path = NULL;
  int retries = 0;

  {
    struct container_log_config log_config = { 0 };
    galley_error_t ignore = NULL;
    if (dir == NULL || container_log_config (config, dir, &log_config, &ignore) < 0)
      galley_error_release (&ignore);
    log_path = log_config.path;
  }
  json_object_object_add (h, "Binds", strings_or (config->volumes, json_object_new_array ()));
  json_object_object_add (h, "CgroupManager", json_object_new_string ("cgroupfs"));
  json_object_object_add (h, "CgroupMode", json_object_new_string ("private"));
  json_object_object_add (h, "ContainerIDFile", string_or (config->cidfile, ""));
  json_object_object_add (log, "Type", string_or (config->log_driver, "k8s-file"));
  json_object_object_add (log, "Config", NULL);
  json_object_object_add (log, "Path", string_or (log_path, ""));
  json_object_object_add (log, "Tag", json_object_new_string (""));
  json_object_object_add (log, "Size", json_object_new_string ("0B"));
  json_object_object_add (h, "LogConfig", log);
  json_object_object_add (h, "NetworkMode", string_or (config->network, "slirp4netns"));
  json_object_object_add (h, "PortBindings", json_object_new_object ());
  if (policy != NULL && strncmp (policy, "on-failure:", 11) == 0)
    retries = atoi (policy + 11);
  {
    _cleanup_free_ char *name = strndup (policy ? policy : "", policy ? strcspn (policy, ":") : 0);
    json_object_object_add (restart, "Name", string_or (name, ""));
  }
  json_object_object_add (restart, "MaximumRetryCount", json_object_new_int (retries));
  json_object_object_add (h, "RestartPolicy", restart);
  json_object_object_add (h, "AutoRemove", json_object_new_boolean (config->rm));
  json_object_object_add (h, "CapAdd", strings_or (config->cap_add, json_object_new_array ()));
  json_object_object_add (h, "CapDrop", strings_or (config->cap_drop, json_object_new_array ()));
  json_object_object_add (h, "Privileged", json_object_new_boolean (config->privileged));
  json_object_object_add (h, "ReadonlyRootfs", json_object_new_boolean (config->read_only));
  json_object_object_add (h, "SecurityOpt", strings_or (config->security_opt, json_object_new_array ()));
  json_object_object_add (h, "Tmpfs", json_object_new_object ());
  json_object_object_add (h, "PidMode", string_or (config->pid, "private"));
  json_object_object_add (h, "IpcMode", string_or (config->ipc, "shareable"));
  json_object_object_add (h, "UTSMode", string_or (config->uts, "private"));
  json_object_object_add (h, "UsernsMode", string_or (config->userns, ""));
  {
    int64_t shm = 65536000;
    if (config->shm_size != NULL && size_parse (config->shm_size, &shm) < 0)
      shm = 0;
    json_object_object_add (h, "ShmSize", json_object_new_int64 (shm));
  }
  json_object_object_add (h, "GroupAdd", strings_or (config->group_add, json_object_new_array ()));
  json_object_object_add (h, "Runtime", json_object_new_string ("oci"));
  json_object_object_add (h, "Init", json_object_new_boolean (config->init));
  return h;
}

json_object *
container_inspect_record (const struct galley_paths *p, const struct container_entry *e)
{
  _cleanup_strv_ char **words = container_command (&e->config);
  json_object *r = json_object_new_object (), *cmd = json_strings_array (words, strv_len (words));
  _cleanup_free_ char *run = container_run_dir (p, e->id), *dir = container_dir (p, e->id);
  char path[4096];
  size_t n = json_object_array_length (cmd), i;
  json_object *args = json_object_new_array ();

  for (i = 1; i < n; i++)
    json_object_array_add (args, json_object_get (json_object_array_get_idx (cmd, i)));
  json_object_object_add (r, "Id", json_object_new_string (e->id));
  json_object_object_add (r, "Created", string_or (e->config.created, ""));
  json_object_object_add (
      r, "Path",
      json_object_new_string (n > 0 ? json_object_get_string (json_object_array_get_idx (cmd, 0)) : ""));
  json_object_object_add (r, "Args", args);
  json_object_object_add (r, "State", state_object (e));
  json_object_object_add (r, "Image", string_or (e->config.image_id, ""));
  json_object_object_add (r, "ImageName", string_or (e->config.image, ""));
  json_object_object_add (r, "Rootfs", string_or (e->config.rootfs ? e->config.image : NULL, ""));
  json_object_object_add (r, "Pod", json_object_new_string (""));
  snprintf (path, sizeof path, "%s/resolv.conf", run ? run : "");
  json_object_object_add (r, "ResolvConfPath", json_object_new_string (path));
  snprintf (path, sizeof path, "%s/hostname", run ? run : "");
  json_object_object_add (r, "HostnamePath", json_object_new_string (path));
  snprintf (path, sizeof path, "%s/hosts", run ? run : "");
  json_object_object_add (r, "HostsPath", json_object_new_string (path));
  json_object_object_add (r, "StaticDir", json_object_new_string (dir ? dir : ""));
  json_object_object_add (r, "OCIRuntime", json_object_new_string ("galley"));
  json_object_object_add (r, "Name", string_or (e->config.name, ""));
  json_object_object_add (r, "RestartCount", json_object_new_int (e->state.restart_count));
  json_object_object_add (r, "Driver", json_object_new_string ("overlay"));
  json_object_object_add (r, "MountLabel", json_object_new_string (""));
  json_object_object_add (r, "ProcessLabel", json_object_new_string (""));
  json_object_object_add (r, "AppArmorProfile", json_object_new_string (""));
  json_object_object_add (r, "ExecIDs", json_object_new_array ());
  {
    json_object *gd = json_object_new_object (), *data = json_object_new_object ();
    json_object_object_add (gd, "Name", json_object_new_string ("overlay"));
    snprintf (path, sizeof path, "%s/upper", dir ? dir : "");
    json_object_object_add (data, "UpperDir", json_object_new_string (path));
    snprintf (path, sizeof path, "%s/work", dir ? dir : "");
    json_object_object_add (data, "WorkDir", json_object_new_string (path));
    json_object_object_add (gd, "Data", data);
    json_object_object_add (r, "GraphDriver", gd);
  }
  json_object_object_add (r, "Mounts", json_object_new_array ());
  json_object_object_add (r, "Dependencies", json_object_new_array ());
  {
    json_object *settings = json_object_new_object ();
    json_object *networks = network_settings_networks (p, e->id, &e->config);
    if (networks)
      json_object_object_add (settings, "Networks", networks);
    json_object_object_add (r, "NetworkSettings", settings);
  }
  json_object_object_add (r, "Namespace", json_object_new_string (""));
  json_object_object_add (r, "IsInfra", json_object_new_boolean (false));
  json_object_object_add (r, "Config", config_object (e, cmd));
  json_object_object_add (r, "HostConfig", host_config_object (p, e));
  json_object_put (cmd);
  return r;
}
