/* galley's version record (version.h).  */
#include "config.h"
#include "util/version.h"

#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

const char *
galley_go_arch (char *buf, size_t size)
{
  struct utsname u;

  uname (&u);
  snprintf (buf, size, "%s",
            strcmp (u.machine, "x86_64") == 0    ? "amd64"
            : strcmp (u.machine, "aarch64") == 0 ? "arm64"
                                                 : u.machine);
  return buf;
}

json_object *
galley_version_record (void)
{
  json_object *client = json_object_new_object ();
  time_t built = GALLEY_SOURCE_DATE_EPOCH;
  struct tm tm;
  char osarch[128], arch[65], built_text[64] = "";

  snprintf (osarch, sizeof osarch, "linux/%s", galley_go_arch (arch, sizeof arch));
  json_object_object_add (client, "APIVersion", json_object_new_string (PACKAGE_VERSION));
  json_object_object_add (client, "Version", json_object_new_string (PACKAGE_VERSION));
#ifdef __clang__
  json_object_object_add (client, "Compiler", json_object_new_string ("clang " __clang_version__));
#else
  json_object_object_add (client, "Compiler", json_object_new_string ("gcc " __VERSION__));
#endif
  /* As podman: the date in Go's time.ANSIC layout, local time.  */
  if (localtime_r (&built, &tm) != NULL)
    strftime (built_text, sizeof built_text, "%a %b %e %H:%M:%S %Y", &tm);
  json_object_object_add (client, "BuiltTime", json_object_new_string (built_text));
  json_object_object_add (client, "Built", json_object_new_int64 (built));
  json_object_object_add (client, "OsArch", json_object_new_string (osarch));
  json_object_object_add (client, "Os", json_object_new_string ("linux"));
  return client;
}
