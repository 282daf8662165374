/* Collects what the runtime will do on this host, for `galley info`.  */
#include "config.h"
#include "runtime/info.h"

#include <stdlib.h>

#include "ns/idmap.h"
#include "runtime/caps.h"
#include "runtime/cgroup.h"
#include "runtime/rootfs.h"
#include "runtime/seccomp.h"
#include "util/cleanup.h"

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
  /* pause/unpause stop and continue every process of the container's pid
   * namespace: it works without any cgroup delegation.  */
  json_object_object_add (host, "pauseMethod",
                          json_object_new_string ("SIGSTOP/SIGCONT of every container process"));
}

static json_object *
rootfs_record (const struct galley_paths *paths, galley_error_t *err)
{
  json_object *o;
  struct idmap map;
  enum rootfs_method method;
  const char *why = NULL;

  if (idmap_for_current_user (&map, err) < 0 || rootfs_method_choose (paths, &map, &method, &why, err) < 0)
    return NULL;
  o = json_object_new_object ();
  json_object_object_add (o, "method", json_object_new_string (rootfs_method_name (method)));
  json_object_object_add (o, "reason", json_object_new_string (why ? why : ""));
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
