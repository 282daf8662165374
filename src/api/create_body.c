/* Docker's container create body and its schema (create_body.h).  The
 * members are Docker Engine API 1.41's; those marked unsupported are
 * accepted only empty, as Docker's clients send them.  */
#include "config.h"
#include "api/create_body.h"

#include <errno.h>

#include "api/api.h"
#include "api/schema.h"
#include "util/cleanup.h"
#include "util/json.h"

#define S(name)                     \
  {                                 \
    name, API_T_STRING, NULL, false \
  }
#define B(name)                   \
  {                               \
    name, API_T_BOOL, NULL, false \
  }
#define I(name)                  \
  {                              \
    name, API_T_INT, NULL, false \
  }
#define V(name)                      \
  {                                  \
    name, API_T_STRINGS, NULL, false \
  }
#define M(name)                         \
  {                                     \
    name, API_T_STRING_MAP, NULL, false \
  }
#define NO(name, type)     \
  {                        \
    name, type, NULL, true \
  }
#define END              \
  {                      \
    NULL, 0, NULL, false \
  }

static const struct api_member health_members[] = {
  V ("Test"), I ("Interval"), I ("Timeout"), I ("Retries"), I ("StartPeriod"), END,
};

static const struct api_member restart_members[] = { S ("Name"), I ("MaximumRetryCount"), END };

static const struct api_member log_members[] = { S ("Type"), M ("Config"), END };

static const struct api_member port_binding_members[] = { S ("HostIp"), S ("HostPort"), END };

static const struct api_member device_members[] = { S ("PathOnHost"), S ("PathInContainer"),
                                                    S ("CgroupPermissions"), END };

static const struct api_member ulimit_members[] = { S ("Name"), I ("Soft"), I ("Hard"), END };

static const struct api_member weight_device_members[] = { S ("Path"), I ("Weight"), I ("Rate"), END };

static const struct api_member bind_options_members[] = {
  S ("Propagation"),
  B ("NonRecursive"),
  B ("CreateMountpoint"),
  END,
};

static const struct api_member driver_members[] = { S ("Name"), M ("Options"), END };

static const struct api_member volume_options_members[] = {
  B ("NoCopy"),
  M ("Labels"),
  { "DriverConfig", API_T_OBJECT, driver_members, false },
  END,
};

static const struct api_member tmpfs_options_members[] = { I ("SizeBytes"), I ("Mode"), END };

static const struct api_member mount_members[] = {
  S ("Target"),
  S ("Source"),
  S ("Type"),
  B ("ReadOnly"),
  S ("Consistency"),
  { "BindOptions", API_T_OBJECT, bind_options_members, false },
  { "VolumeOptions", API_T_OBJECT, volume_options_members, false },
  { "TmpfsOptions", API_T_OBJECT, tmpfs_options_members, false },
  END,
};

static const struct api_member host_config_members[] = {
  V ("Binds"),
  S ("ContainerIDFile"),
  { "LogConfig", API_T_OBJECT, log_members, false },
  S ("NetworkMode"),
  { "PortBindings", API_T_OBJECTS_MAP, port_binding_members, false },
  { "RestartPolicy", API_T_OBJECT, restart_members, false },
  B ("AutoRemove"),
  NO ("VolumeDriver", API_T_STRING),
  V ("VolumesFrom"),
  V ("CapAdd"),
  V ("CapDrop"),
  S ("CgroupnsMode"),
  V ("Dns"),
  V ("DnsOptions"),
  V ("DnsSearch"),
  V ("ExtraHosts"),
  V ("GroupAdd"),
  S ("IpcMode"),
  NO ("Cgroup", API_T_STRING),
  NO ("Links", API_T_STRINGS),
  NO ("OomScoreAdj", API_T_INT),
  S ("PidMode"),
  B ("Privileged"),
  B ("PublishAllPorts"),
  B ("ReadonlyRootfs"),
  V ("SecurityOpt"),
  NO ("StorageOpt", API_T_STRING_MAP),
  M ("Tmpfs"),
  S ("UTSMode"),
  S ("UsernsMode"),
  I ("ShmSize"),
  M ("Sysctls"),
  NO ("Runtime", API_T_STRING),
  { "ConsoleSize", API_T_ANY, NULL, false },
  NO ("Isolation", API_T_STRING),
  NO ("CpuShares", API_T_INT),
  I ("Memory"),
  I ("NanoCpus"),
  NO ("CgroupParent", API_T_STRING),
  NO ("BlkioWeight", API_T_INT),
  { "BlkioWeightDevice", API_T_OBJECTS, weight_device_members, true },
  { "BlkioDeviceReadBps", API_T_OBJECTS, weight_device_members, true },
  { "BlkioDeviceWriteBps", API_T_OBJECTS, weight_device_members, true },
  { "BlkioDeviceReadIOps", API_T_OBJECTS, weight_device_members, true },
  { "BlkioDeviceWriteIOps", API_T_OBJECTS, weight_device_members, true },
  I ("CpuPeriod"),
  I ("CpuQuota"),
  NO ("CpuRealtimePeriod", API_T_INT),
  NO ("CpuRealtimeRuntime", API_T_INT),
  NO ("CpusetCpus", API_T_STRING),
  NO ("CpusetMems", API_T_STRING),
  { "Devices", API_T_OBJECTS, device_members, false },
  NO ("DeviceCgroupRules", API_T_STRINGS),
  NO ("DeviceRequests", API_T_ANY),
  NO ("KernelMemory", API_T_INT),
  NO ("KernelMemoryTCP", API_T_INT),
  NO ("MemoryReservation", API_T_INT),
  NO ("MemorySwap", API_T_INT),
  { "MemorySwappiness", API_T_INT, NULL, false }, /* -1 (unset) is what clients send */
  NO ("OomKillDisable", API_T_BOOL),
  I ("PidsLimit"),
  { "Ulimits", API_T_OBJECTS, ulimit_members, false },
  NO ("CpuCount", API_T_INT),
  NO ("CpuPercent", API_T_INT),
  NO ("IOMaximumIOps", API_T_INT),
  NO ("IOMaximumBandwidth", API_T_INT),
  { "Mounts", API_T_OBJECTS, mount_members, false },
  V ("MaskedPaths"),
  V ("ReadonlyPaths"),
  B ("Init"),
  END,
};

static const struct api_member ipam_members[] = { S ("IPv4Address"), S ("IPv6Address"), V ("LinkLocalIPs"),
                                                  END };

static const struct api_member endpoint_members[] = {
  { "IPAMConfig", API_T_OBJECT, ipam_members, false },
  NO ("Links", API_T_STRINGS),
  V ("Aliases"),
  S ("NetworkID"),
  S ("EndpointID"),
  S ("Gateway"),
  S ("IPAddress"),
  I ("IPPrefixLen"),
  S ("IPv6Gateway"),
  S ("GlobalIPv6Address"),
  I ("GlobalIPv6PrefixLen"),
  S ("MacAddress"),
  M ("DriverOpts"),
  END,
};

static const struct api_member networking_members[] = {
  { "EndpointsConfig", API_T_OBJECT_MAP, endpoint_members, false },
  END,
};

static const struct api_member create_members[] = {
  S ("Hostname"),
  S ("Domainname"),
  S ("User"),
  B ("AttachStdin"),
  B ("AttachStdout"),
  B ("AttachStderr"),
  { "ExposedPorts", API_T_SET, NULL, false },
  B ("Tty"),
  B ("OpenStdin"),
  B ("StdinOnce"),
  V ("Env"),
  { "Cmd", API_T_STRSLICE, NULL, false },
  { "Healthcheck", API_T_OBJECT, health_members, false },
  B ("ArgsEscaped"),
  S ("Image"),
  { "Volumes", API_T_SET, NULL, false },
  S ("WorkingDir"),
  { "Entrypoint", API_T_STRSLICE, NULL, false },
  B ("NetworkDisabled"),
  NO ("MacAddress", API_T_STRING),
  NO ("OnBuild", API_T_STRINGS),
  M ("Labels"),
  S ("StopSignal"),
  I ("StopTimeout"),
  NO ("Shell", API_T_STRINGS),
  { "HostConfig", API_T_OBJECT, host_config_members, false },
  { "NetworkingConfig", API_T_OBJECT, networking_members, false },
  END,
};

int
api_create_body_parse (const char *body, size_t len, json_object **out, galley_error_t *err)
{
  _cleanup_json_ json_object *doc = NULL;

  if (json_parse_strict (body, len, "body", &doc, err) < 0)
    return api_error_as (err, EINVAL);
  if (api_schema_check (doc, create_members, "body", err) < 0)
    return -1;
  *out = steal_pointer (&doc);
  return 0;
}
