/* The service's system endpoints: _ping, version and info, in the Docker
 * Engine API's shapes, from the records `galley version` and `galley info`
 * print.  */
#include "config.h"
#include "api/endpoints.h"

#include <string.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "image/store.h"
#include "runtime/info.h"
#include "state/container_list.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/time.h"
#include "util/version.h"

int
api_system_ping (const struct api_request *req, struct api_reply *reply, galley_error_t *err)
{
  api_reply_text (reply, 200, "OK");
  reply->header[0] = "Cache-Control";
  reply->header[1] = "no-cache, no-store, must-revalidate";
  reply->header[2] = "Pragma";
  reply->header[3] = "no-cache";
  /* The classic builder: a client that saw "2" would speak BuildKit.  */
  reply->header[4] = "Builder-Version";
  reply->header[5] = "1";
  reply->header[6] = "Docker-Experimental";
  reply->header[7] = "false";
  return 0;
}

static void
add_string (json_object *o, const char *key, const char *value)
{
  json_object_object_add (o, key, json_object_new_string (value != NULL ? value : ""));
}

/* The sources' date as Docker prints a build time (RFC 3339, UTC).  */
static void
build_time (json_object *version, char *buf, size_t size)
{
  time_t t = json_object_get_int64 (json_object_object_get (version, "Built"));
  struct tm tm;

  buf[0] = '\0';
  if (gmtime_r (&t, &tm) != NULL)
    strftime (buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int
api_system_version (const struct api_request *req, struct api_reply *reply, galley_error_t *err)
{
  _cleanup_json_ json_object *version = galley_version_record ();
  json_object *o = json_object_new_object (), *components = json_object_new_array ();
  json_object *engine = json_object_new_object (), *details = json_object_new_object ();
  char arch[65], built[32], platform[128];
  struct utsname u;

  uname (&u);
  galley_go_arch (arch, sizeof arch);
  build_time (version, built, sizeof built);
  snprintf (platform, sizeof platform, "linux/%s", arch);
  add_string (details, "APIVersion", API_VERSION);
  add_string (details, "Arch", arch);
  add_string (details, "BuildTime", built);
  add_string (details, "Compiler", json_get_string (version, "Compiler"));
  add_string (details, "KernelVersion", u.release);
  add_string (details, "MinAPIVersion", API_MIN_VERSION);
  add_string (details, "Os", "linux");
  add_string (engine, "Name", "Galley Engine");
  add_string (engine, "Version", PACKAGE_VERSION);
  json_object_object_add (engine, "Details", details);
  json_object_array_add (components, engine);
  json_object_object_add (o, "Platform", json_object_new_object ());
  add_string (json_object_object_get (o, "Platform"), "Name", platform);
  json_object_object_add (o, "Components", components);
  add_string (o, "Version", PACKAGE_VERSION);
  add_string (o, "ApiVersion", API_VERSION);
  add_string (o, "MinAPIVersion", API_MIN_VERSION);
  add_string (o, "GitCommit", "");
  add_string (o, "GoVersion", json_get_string (version, "Compiler"));
  add_string (o, "Os", "linux");
  add_string (o, "Arch", arch);
  add_string (o, "KernelVersion", u.release);
  add_string (o, "BuildTime", built);
  api_reply_json (reply, 200, o);
  return 0;
}

/* How many containers there are, and in which states.  */
static int
count_containers (const struct galley_paths *paths, json_object *o, galley_error_t *err)
{
  struct container_listing *l = NULL;
  size_t i, n, running = 0, paused = 0;

  if (container_listing_open (paths, &l, err) < 0)
    return -1;
  n = container_listing_count (l);
  for (i = 0; i < n; i++)
    {
      struct container_brief b;
      container_listing_brief (l, i, &b);
      if (b.state->status == CONTAINER_STATUS_PAUSED)
        paused++;
      else if (container_status_is_live (b.state->status))
        running++;
    }
  container_listing_close (l);
  json_object_object_add (o, "Containers", json_object_new_int64 ((int64_t)n));
  json_object_object_add (o, "ContainersRunning", json_object_new_int64 ((int64_t)running));
  json_object_object_add (o, "ContainersPaused", json_object_new_int64 ((int64_t)paused));
  json_object_object_add (o, "ContainersStopped", json_object_new_int64 ((int64_t)(n - running - paused)));
  return 0;
}

static int
count_images (const struct galley_paths *paths, json_object *o, galley_error_t *err)
{
  _cleanup_store_ struct store *s = NULL;
  struct store_image **imgs = NULL;
  size_t n = 0;

  if (store_open (paths, &s, err) < 0 || store_image_list (s, &imgs, &n, err) < 0)
    return -1;
  store_image_list_free (imgs, n);
  json_object_object_add (o, "Images", json_object_new_int64 ((int64_t)n));
  return 0;
}

/* The distribution's ID and VERSION_ID, as podman reports them.  */
static void
os_release (json_object *o)
{
  _cleanup_fclose_ FILE *f = fopen ("/etc/os-release", "re");
  char line[256], id[64] = "linux", version[64] = "";

  while (f != NULL && fgets (line, sizeof line, f) != NULL)
    {
      line[strcspn (line, "\n")] = '\0';
      if (strncmp (line, "ID=", 3) == 0)
        snprintf (id, sizeof id, "%s", line + 3 + (line[3] == '"'));
      else if (strncmp (line, "VERSION_ID=", 11) == 0)
        snprintf (version, sizeof version, "%s", line + 11 + (line[11] == '"'));
    }
  id[strcspn (id, "\"")] = '\0';
  version[strcspn (version, "\"")] = '\0';
  add_string (o, "OperatingSystem", id);
  add_string (o, "OSVersion", version);
}

static json_object *
empty_swarm (void)
{
  json_object *o = json_object_new_object ();

  add_string (o, "NodeID", "");
  add_string (o, "NodeAddr", "");
  add_string (o, "LocalNodeState", "inactive");
  json_object_object_add (o, "ControlAvailable", json_object_new_boolean (false));
  add_string (o, "Error", "");
  return o;
}

static json_object *
plugins (void)
{
  static const char *const volume[] = { "local", NULL }, *const network[] = { "bridge", NULL },
                           *const log[] = { "k8s-file", "none", NULL };
  json_object *o = json_object_new_object ();

  json_object_object_add (o, "Volume", json_strings_array ((char *const *)volume, 1));
  json_object_object_add (o, "Network", json_strings_array ((char *const *)network, 1));
  json_object_object_add (o, "Authorization", NULL);
  json_object_object_add (o, "Log", json_strings_array ((char *const *)log, 2));
  return o;
}

static json_object *
security_options (const struct galley_paths *paths)
{
  json_object *a = json_object_new_array ();

  json_object_array_add (a, json_object_new_string ("name=seccomp,profile=default"));
  if (paths->rootless)
    json_object_array_add (a, json_object_new_string ("name=rootless"));
  return a;
}

int
api_system_info (const struct api_request *req, struct api_reply *reply, galley_error_t *err)
{
  const struct galley_paths *paths = req->ctx->paths;
  _cleanup_json_ json_object *rec = runtime_info_record (paths, err);
  _cleanup_json_ json_object *o = json_object_new_object ();
  json_object *host, *registry = json_object_new_object ();
  struct sysinfo si = { 0 };
  char now[64];
  bool limits;

  if (rec == NULL)
    return -1;
  host = json_object_object_get (rec, "host");
  add_string (o, "ID", "");
  if (count_containers (paths, o, err) < 0 || count_images (paths, o, err) < 0)
    {
      json_object_put (registry);
      return -1;
    }
  add_string (o, "Driver", "overlay");
  json_object_object_add (o, "DriverStatus", json_object_new_array ());
  json_object_object_add (o, "Plugins", plugins ());
  limits = json_object_get_boolean (
      json_object_object_get (json_object_object_get (host, "resourceLimits"), "enforceable"));
  json_object_object_add (o, "MemoryLimit", json_object_new_boolean (limits));
  json_object_object_add (o, "SwapLimit", json_object_new_boolean (false));
  json_object_object_add (o, "PidsLimit", json_object_new_boolean (limits));
  json_object_object_add (o, "IPv4Forwarding", json_object_new_boolean (true));
  json_object_object_add (o, "Debug", json_object_new_boolean (false));
  time_format_rfc3339 (time_now_ns (), now, sizeof now);
  add_string (o, "SystemTime", now);
  add_string (o, "LoggingDriver", "k8s-file");
  add_string (o, "CgroupDriver", "cgroupfs");
  add_string (o, "KernelVersion", json_get_string (host, "kernel"));
  os_release (o);
  add_string (o, "OSType", "linux");
  add_string (o, "Architecture", json_get_string (host, "arch"));
  add_string (o, "IndexServerAddress", "");
  json_object_object_add (registry, "InsecureRegistryCIDRs", json_object_new_array ());
  json_object_object_add (registry, "IndexConfigs", json_object_new_object ());
  json_object_object_add (registry, "Mirrors", json_object_new_array ());
  json_object_object_add (o, "RegistryConfig", registry);
  json_object_object_add (o, "NCPU", json_object_new_int64 (sysconf (_SC_NPROCESSORS_ONLN)));
  sysinfo (&si);
  json_object_object_add (o, "MemTotal", json_object_new_int64 ((int64_t)si.totalram * si.mem_unit));
  add_string (o, "DockerRootDir", paths->root);
  add_string (o, "Name", json_get_string (host, "hostname"));
  json_object_object_add (o, "Labels", json_object_new_array ());
  json_object_object_add (o, "ExperimentalBuild", json_object_new_boolean (false));
  add_string (o, "ServerVersion", PACKAGE_VERSION);
  json_object_object_add (o, "Runtimes", json_object_new_object ());
  add_string (o, "DefaultRuntime", "galley");
  json_object_object_add (o, "Swarm", empty_swarm ());
  json_object_object_add (o, "LiveRestoreEnabled", json_object_new_boolean (false));
  add_string (o, "Isolation", "");
  add_string (o, "InitBinary", "");
  json_object_object_add (o, "SecurityOptions", security_options (paths));
  add_string (o, "ProductLicense", "Apache-2.0");
  json_object_object_add (o, "Warnings", json_object_new_array ());
  add_string (o, "CgroupVersion", strcmp (json_get_string (host, "cgroupVersion"), "v2") == 0 ? "2" : "1");
  json_object_object_add (o, "Rootless", json_object_new_boolean (paths->rootless));
  /* galley's own account of the host (id mappings, rootfs method, ...).  */
  json_object_object_add (o, "Galley", json_object_get (rec));
  api_reply_json (reply, 200, steal_pointer (&o));
  return 0;
}
