/* Collects what the runtime will do on this host, for `galley info`.  */
#include "config.h"
#include "runtime/info.h"

#include <stdlib.h>

#include "runtime/caps.h"
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

int
runtime_info_add (json_object *host, const struct galley_paths *paths, galley_error_t *err)
{
  json_object_object_add (host, "security", security_record (paths));
  return 0;
}
