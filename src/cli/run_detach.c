/* Detached starts shared by run -d, start and restart: the monitor's
 * options from the container's configuration (log file, --restart,
 * --rm, --log-opt max-size), then the monitor (runtime/monitor.h).  */
#include "config.h"
#include "cli/run_options.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/monitor.h"
#include "state/container.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/json.h"

/* --log-opt max-size=10m (k, m, g; plain bytes).  */
static int
log_max_size (json_object *config, uint64_t *out, galley_error_t *err)
{
  json_object *opts;
  size_t i;

  *out = 0;
  if (! json_object_object_get_ex (config, "LogOpt", &opts) || ! json_object_is_type (opts, json_type_array))
    return 0;
  for (i = 0; i < json_object_array_length (opts); i++)
    {
      const char *o = json_object_get_string (json_object_array_get_idx (opts, i));
      char *end = NULL;
      double v;
      if (strncmp (o, "max-size=", 9) != 0)
        {
          if (strncmp (o, "path=", 5) == 0 || strncmp (o, "tag=", 4) == 0)
            return galley_error_make (err, 0, "--log-opt %s is not supported yet", o);
          return galley_error_make (err, 0, "invalid --log-opt \"%s\"", o);
        }
      v = strtod (o + 9, &end);
      if (end == o + 9 || v <= 0)
        return galley_error_make (err, 0, "invalid --log-opt \"%s\"", o);
      switch (*end | 0x20)
        {
        case 'k':
          v *= 1e3;
          end++;
          break;
        case 'm':
          v *= 1e6;
          end++;
          break;
        case 'g':
          v *= 1e9;
          end++;
          break;
        default:
          break;
        }
      if ((*end | 0x20) == 'b')
        end++;
      if (*end != '\0')
        return galley_error_make (err, 0, "invalid --log-opt \"%s\"", o);
      *out = (uint64_t)v;
    }
  return 0;
}

int
run_check_detached_options (json_object *config, galley_error_t *err)
{
  enum restart_policy policy;
  json_object *rm;
  uint64_t size;
  int retries;

  if (restart_policy_parse (json_get_string (config, "Restart"), &policy, &retries, err) < 0
      || log_max_size (config, &size, err) < 0)
    return -1;
  if (policy != RESTART_NO && json_object_object_get_ex (config, "Rm", &rm) && json_object_get_boolean (rm))
    return galley_error_make (err, 0,
                              "the --rm option conflicts with --restart, when the "
                              "restartPolicy is not \"no\": invalid argument");
  return 0;
}

int
run_start_detached (struct cli_context *ctx, json_object *config, struct run_spec *spec, galley_error_t *err)
{
  _cleanup_free_ char *dir = container_dir (&ctx->paths, spec->id), *log = NULL;
  struct monitor_options o = { 0 };
  json_object *rm;

  if (dir == NULL || asprintf (&log, "%s/ctr.log", dir) < 0)
    return galley_error_make (err, errno, "allocating");
  o.log_path = log;
  o.remove = json_object_object_get_ex (config, "Rm", &rm) && json_object_get_boolean (rm);
  if (restart_policy_parse (json_get_string (config, "Restart"), &o.restart, &o.max_retries, err) < 0
      || log_max_size (config, &o.log_max_size, err) < 0)
    return -1;
  if (run_prepare_runtime (ctx, config, spec, err) < 0)
    return -1;
  return monitor_start_detached (&ctx->paths, spec, &o, err);
}

int
run_write_cidfile (json_object *config, const char *id, galley_error_t *err)
{
  const char *path = json_get_string (config, "CIDFile");
  _cleanup_close_ int fd = -1;
  size_t len = strlen (id);

  if (path == NULL)
    return 0;
  fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0)
    return galley_error_make (err, errno, "opening cidfile %s", path);
  if (write (fd, id, len) != (ssize_t)len)
    return galley_error_make (err, errno, "writing cidfile %s", path);
  return 0;
}
