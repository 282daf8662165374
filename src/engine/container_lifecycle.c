/* Starting, stopping and removing existing containers (see container.h).  */
#include "config.h"
#include "engine/container.h"

#include <errno.h>

#include "runtime/launch.h"
#include "runtime/lifecycle.h"
#include "runtime/volume_mounts.h"

int
engine_container_start (const struct engine *e, const char *name_or_id, const struct engine_start_options *o,
                        galley_error_t *err)
{
  if (o->attach)
    return run_start_foreground (e->paths, name_or_id, o->interactive, err);
  return run_start_existing (e->paths, name_or_id, err);
}

int
engine_container_stop (const struct engine *e, struct container_entry *c, int timeout, galley_error_t *err)
{
  return container_stop (e->paths, c, timeout, err);
}

int
engine_container_kill (const struct engine *e, struct container_entry *c, int sig, galley_error_t *err)
{
  return container_signal (e->paths, c, sig, true, err);
}

int
engine_container_restart (const struct engine *e, struct container_entry *c, int timeout, galley_error_t *err)
{
  if (container_status_is_live (c->state.status) && container_stop (e->paths, c, timeout, err) < 0)
    return -1;
  return run_start_existing (e->paths, c->id, err);
}

int
engine_container_pause (const struct engine *e, struct container_entry *c, bool pause, galley_error_t *err)
{
  return container_pause (e->paths, c, pause, err);
}

int
engine_container_rm (const struct engine *e, struct container_entry *c, const struct engine_rm_options *o,
                     galley_error_t *volumes_err, galley_error_t *err)
{
  if (c->config.is_infra)
    return galley_error_make (err, 0,
                              "container %s is the infra container of pod %s and cannot be removed without "
                              "removing the pod",
                              c->id, c->config.pod ? c->config.pod : "");
  if (container_rm (e->paths, c, o->force, err) < 0)
    {
      if (galley_error_errno (err) != ENOENT || ! o->ignore_missing)
        return -1;
      galley_error_release (err);
    }
  /* the anonymous volumes go with the container (not named ones) */
  if (o->volumes)
    volume_remove_anonymous (e->paths, &c->config, volumes_err);
  return 0;
}

int
engine_container_wait (const struct engine *e, const struct container_entry *c, unsigned mask, int *exit_code,
                       galley_error_t *err)
{
  const unsigned exited = 1u << CONTAINER_STATUS_EXITED, created = 1u << CONTAINER_STATUS_CREATED;
  struct container_state st;
  int gone = container_wait_for (e->paths, c->id, mask & exited ? mask | created : mask, -1, &st, err);

  if (gone < 0)
    return -1;
  if (gone > 0)
    *exit_code = -1; /* removed (--rm) before we looked: podman's -1 too */
  else if (st.status == CONTAINER_STATUS_EXITED)
    *exit_code = st.exit_code;
  else
    *exit_code = st.status == CONTAINER_STATUS_CREATED && (mask & exited) ? 0 : -1;
  return 0;
}

int
engine_container_rename (const struct engine *e, const struct container_entry *c, const char *name,
                         galley_error_t *err)
{
  return container_rename (e->paths, c->id, name, err);
}
