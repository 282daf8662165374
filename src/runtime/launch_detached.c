/* Detached starts shared by run -d, start and restart: the monitor's
 * options from the container's configuration (log file, --restart,
 * --rm, --log-driver and --log-opt), then the monitor (runtime/monitor.h).  */
#include "config.h"
#include "runtime/launch.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/monitor.h"
#include "state/container.h"
#include "state/container_log.h"
#include "util/cleanup.h"
#include "util/fs.h"

int
run_check_detached_options (const struct container_config *config, galley_error_t *err)
{
  struct container_log_config log = { 0 };
  enum restart_policy policy;
  int retries, ret;

  ret = container_log_config (config, "", &log, err);
  free (log.path);
  if (ret < 0 || restart_policy_parse (config->restart, &policy, &retries, err) < 0)
    return -1;
  if (policy != RESTART_NO && config->rm)
    return galley_error_make (err, 0,
                              "the --rm option conflicts with --restart, when the "
                              "restartPolicy is not \"no\": invalid argument");
  return 0;
}

int
run_start_detached (const struct galley_paths *paths, const struct container_config *config,
                    struct run_spec *spec, int *run_lock, galley_error_t *err)
{
  _cleanup_free_ char *dir = container_dir (paths, spec->id);
  _cleanup_free_ char *log_path = NULL;
  struct container_log_config log;
  struct monitor_options o = { 0 };

  if (dir == NULL)
    return galley_error_make (err, errno, "allocating");
  if (container_log_config (config, dir, &log, err) < 0)
    return -1;
  log_path = log.path;
  o.log_path = log.path;
  o.log_max_size = log.max_size;
  o.remove = config->rm;
  o.config = config;
  o.run_lock = *run_lock;
  if (restart_policy_parse (config->restart, &o.restart, &o.max_retries, err) < 0)
    return -1;
  if (run_prepare_runtime (paths, config, spec, err) < 0 || monitor_start_detached (paths, spec, &o, err) < 0)
    {
      run_finish (paths, config, spec, run_lock, (*err)->exit_code);
      return -1;
    }
  return 0;
}

int
run_write_cidfile (const struct container_config *config, const char *id, galley_error_t *err)
{
  const char *path = config->cidfile;
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
