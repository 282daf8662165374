/* galley's own version record: the numbers `galley version`, `galley info`
 * and the API service's /version report.  */
#ifndef GALLEY_VERSION_H
#define GALLEY_VERSION_H

#include <json-c/json.h>

/* {Version, APIVersion, Compiler, BuiltTime, Built, OsArch, Os} as podman's
 * client record: Built is the sources' date, never the build's.  */
json_object *galley_version_record (void);

/* The machine's architecture in Go's words (amd64, arm64, or the
 * kernel's own name), written to buf; returns buf.  */
const char *galley_go_arch (char *buf, size_t size);

#endif
