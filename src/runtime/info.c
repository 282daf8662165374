/* `galley info`'s record: the host, the id mappings and helpers, what the
 * runtime will do here and why, where storage lives, the version.  */
#include "config.h"
#include "runtime/info.h"

#include <stdlib.h>
#include <sys/utsname.h>

#include "ns/idmap.h"
#include "runtime/batch_job.h"
#include "runtime/caps.h"
#include "runtime/cgroup.h"
#include "runtime/helpers.h"
#include "runtime/rootfs.h"
#include "runtime/seccomp.h"
#include "runtime/storage_probe.h"
#include "state/galley_config.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/strv.h"
#include "util/version.h"

static json_object *
security_record (const struct galley_paths *paths)
{
  json_object *o = json_object_new_object ();
  _cleanup_free_ char *profile = seccomp_default_profile_path ();
  _cleanup_free_ char *caps = caps_format (caps_default ());

  json_object_object_add (o, "rootless", json_object_new_boolean (paths->rootless));
  json_object_object_add (o, "seccompEnabled", json_object_new_boolean (true));
  json_object_object_add (o, "seccompProfilePath", json_object_new_string (profile ? profile : ""));
  json_object_object_add (o, "capabilities", json_object_new_string (caps ? caps : ""));
  return o;
}

/* The batch job whose cgroup galley runs in (runtime/batch_job.h):
 * empty strings outside one.  */
static json_object *
batch_job_record (void)
{
  json_object *o = json_object_new_object ();
  struct batch_job job;

  batch_job_detect (&job);
  json_object_object_add (o, "scheduler", json_object_new_string (job.scheduler ? job.scheduler : ""));
  json_object_object_add (o, "jobID", json_object_new_string (job.job_id ? job.job_id : ""));
  json_object_object_add (o, "cgroup", json_object_new_string (job.cgroup ? job.cgroup : ""));
  batch_job_release (&job);
  return o;
}

/* cgroups: the layout, and whether --memory/--cpus/--pids-limit can be
 * enforced for this user, with the reason when they cannot.  */
static void
add_cgroup_fields (json_object *host)
{
  json_object *limits = json_object_new_object ();
  const char *why = NULL;
  _cleanup_free_ char *dir = cgroup_delegated_dir (&why);

  json_object_object_add (host, "cgroupVersion",
                          json_object_new_string (cgroup_mode_name (cgroup_detect ())));
  json_object_object_add (host, "cgroupManager", json_object_new_string ("cgroupfs"));
  json_object_object_add (limits, "enforceable", json_object_new_boolean (dir != NULL));
  json_object_object_add (limits, "cgroup", json_object_new_string (dir ? dir : ""));
  json_object_object_add (limits, "reason",
                          json_object_new_string (dir ? "delegated cgroup v2 subtree is writable"
                                                      : (why ? why : "no delegated cgroup v2 subtree")));
  json_object_object_add (host, "resourceLimits", limits);
  json_object_object_add (host, "batchJob", batch_job_record ());
  /* pause/unpause stop and continue every process of the container's pid
   * namespace: it works without any cgroup delegation.  */
  json_object_object_add (host, "pauseMethod",
                          json_object_new_string ("SIGSTOP/SIGCONT of every container process"));
}

/* What the storage's filesystem allows (runtime/storage_probe.h).  */
static json_object *
storage_fs_record (const struct galley_paths *paths, const struct idmap *map)
{
  json_object *o = json_object_new_object ();
  _cleanup_error_ galley_error_t err = NULL;
  struct storage_probe sp;

  json_object_object_add (o, "path", json_object_new_string (paths->root));
  if (storage_probe_run (paths, map, &sp, &err) < 0)
    {
      json_object_object_add (o, "error", json_object_new_string (err->msg));
      return o;
    }
  json_object_object_add (o, "type", json_object_new_string (sp.fs_type));
  json_object_object_add (o, "extendedAttributes", json_object_new_boolean (sp.xattrs));
  json_object_object_add (o, "fileOwners", json_object_new_boolean (sp.owners));
  json_object_object_add (o, "nativeOverlay", json_object_new_boolean (sp.native_overlay));
  return o;
}

/* The method and why; a probe that finds nothing usable is shown, not
 * fatal: info is where a user looks when run fails.  */
static json_object *
rootfs_record (const struct galley_paths *paths, galley_error_t *err)
{
  _cleanup_error_ galley_error_t why_not = NULL;
  json_object *o;
  struct idmap map;
  enum rootfs_method method;
  const char *why = NULL;

  if (idmap_for_current_user (&map, err) < 0)
    return NULL;
  o = json_object_new_object ();
  if (rootfs_method_choose (paths, &map, &method, &why, &why_not) < 0)
    {
      json_object_object_add (o, "method", json_object_new_string ("none"));
      json_object_object_add (o, "reason", json_object_new_string (why_not->msg));
    }
  else
    {
      json_object_object_add (o, "method", json_object_new_string (rootfs_method_name (method)));
      json_object_object_add (o, "reason", json_object_new_string (why ? why : ""));
    }
  json_object_object_add (o, "storageFilesystem", storage_fs_record (paths, &map));
  return o;
}

int
runtime_info_add (json_object *host, const struct galley_paths *paths, galley_error_t *err)
{
  json_object *rootfs = rootfs_record (paths, err);

  if (rootfs == NULL)
    return -1;
  add_cgroup_fields (host);
  json_object_object_add (host, "rootfs", rootfs);
  json_object_object_add (host, "security", security_record (paths));
  return 0;
}

static json_object *
ranges_record (const struct idmap_range *r, size_t n)
{
  json_object *arr = json_object_new_array ();
  size_t i;

  for (i = 0; i < n; i++)
    {
      json_object *o = json_object_new_object ();
      json_object_object_add (o, "container_id", json_object_new_int64 (r[i].container_id));
      json_object_object_add (o, "host_id", json_object_new_int64 (r[i].host_id));
      json_object_object_add (o, "size", json_object_new_int64 (r[i].size));
      json_object_array_add (arr, o);
    }
  return arr;
}

static json_object *
idmap_record (galley_error_t *err)
{
  json_object *o = json_object_new_object ();
  struct idmap map;

  if (idmap_for_current_user (&map, err) < 0)
    {
      json_object_put (o);
      return NULL;
    }
  json_object_object_add (o, "source", json_object_new_string (idmap_source_name (map.source)));
  json_object_object_add (o, "uidmap", ranges_record (map.uid, map.n_uid));
  json_object_object_add (o, "gidmap", ranges_record (map.gid, map.n_gid));
  if (map.source == IDMAP_SOURCE_SINGLE)
    json_object_object_add (o, "note",
                            json_object_new_string ("no subordinate ids: only your own uid/gid exist in "
                                                    "containers; file owners in images fold onto it"));
  return o;
}

static json_object *
helper_record (const char *name)
{
  json_object *o = json_object_new_object ();
  _cleanup_free_ char *path = helper_find (name);
  _cleanup_free_ char *version = path ? helper_version (path) : NULL;

  json_object_object_add (o, "path", json_object_new_string (path ? path : ""));
  json_object_object_add (o, "version", json_object_new_string (version ? version : ""));
  json_object_object_add (o, "found", json_object_new_boolean (path != NULL));
  return o;
}

static json_object *
host_record (const struct galley_paths *paths, galley_error_t *err)
{
  json_object *host = json_object_new_object ();
  json_object *helpers = json_object_new_object ();
  json_object *ids;
  struct utsname u;
  char arch[65];

  uname (&u);
  json_object_object_add (host, "arch", json_object_new_string (galley_go_arch (arch, sizeof arch)));
  json_object_object_add (host, "hostname", json_object_new_string (u.nodename));
  json_object_object_add (host, "kernel", json_object_new_string (u.release));
  json_object_object_add (host, "os", json_object_new_string ("linux"));
  json_object_object_add (host, "rootless", json_object_new_boolean (paths->rootless));
  ids = idmap_record (err);
  if (ids == NULL)
    {
      json_object_put (host);
      json_object_put (helpers);
      return NULL;
    }
  json_object_object_add (host, "idMappings", ids);
  json_object_object_add (helpers, "newuidmap", helper_record ("newuidmap"));
  json_object_object_add (helpers, "newgidmap", helper_record ("newgidmap"));
  json_object_object_add (helpers, "fuseOverlayfs", helper_record ("fuse-overlayfs"));
  json_object_object_add (helpers, "slirp4netns", helper_record ("slirp4netns"));
  json_object_object_add (host, "helpers", helpers);
  if (runtime_info_add (host, paths, err) < 0)
    {
      json_object_put (host);
      return NULL;
    }
  return host;
}

static json_object *
store_record (const struct galley_paths *paths)
{
  json_object *o = json_object_new_object ();
  char *const *ro = galley_config_current ()->additional_image_stores;

  json_object_object_add (o, "graphRoot", json_object_new_string (paths->root));
  json_object_object_add (o, "graphRootSource", json_object_new_string (paths->root_source));
  json_object_object_add (o, "runRoot", json_object_new_string (paths->runroot));
  json_object_object_add (o, "runRootSource", json_object_new_string (paths->runroot_source));
  json_object_object_add (o, "configHome", json_object_new_string (paths->config_home));
  json_object_object_add (o, "additionalImageStores", json_strings_array (ro, strv_len (ro)));
  return o;
}

json_object *
runtime_info_record (const struct galley_paths *paths, galley_error_t *err)
{
  json_object *rec, *host = host_record (paths, err);

  if (host == NULL)
    return NULL;
  rec = json_object_new_object ();
  json_object_object_add (rec, "host", host);
  json_object_object_add (rec, "store", store_record (paths));
  json_object_object_add (rec, "version", galley_version_record ());
  return rec;
}
