/* The container configuration: copy, release, and the exit status.  */
#include "config.h"
#include "runtime/spec.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "util/cleanup.h"

void
mount_spec_clear (struct mount_spec *m)
{
  free (m->source);
  free (m->destination);
  free (m->data);
  free (m->volume);
  memset (m, 0, sizeof *m);
}

int
mount_spec_copy (const struct mount_spec *src, struct mount_spec *dst, galley_error_t *err)
{
  *dst = *src;
  dst->source = src->source ? strdup (src->source) : NULL;
  dst->destination = src->destination ? strdup (src->destination) : NULL;
  dst->data = src->data ? strdup (src->data) : NULL;
  dst->volume = src->volume ? strdup (src->volume) : NULL;
  if ((src->source && ! dst->source) || (src->destination && ! dst->destination) || (src->data && ! dst->data)
      || (src->volume && ! dst->volume))
    {
      mount_spec_clear (dst);
      return galley_error_make (err, ENOMEM, "mount");
    }
  return 0;
}

const struct idmap *
run_spec_upper_map (const struct run_spec *s)
{
  return s->store_map.n_uid > 0 ? &s->store_map : &s->map;
}

void
run_spec_clear (struct run_spec *s)
{
  size_t i;

  free (s->id);
  free (s->name);
  passwd_host_user_clear (&s->keep_user);
  free (s->rootfs_dir);
  cleanup_strvp (&s->lower_dirs);
  free (s->upper_dir);
  free (s->work_dir);
  free (s->mountpoint);
  free (s->fuse_overlayfs);
  free (s->squash_file);
  free (s->squash_mount);
  free (s->squashfuse);
  free (s->state_dir);
  cleanup_strvp (&s->argv);
  cleanup_strvp (&s->image_env);
  env_list_clear (&s->user_env);
  free (s->user);
  free (s->workdir);
  free (s->hostname);
  free (s->shm_dir);
  for (i = 0; i < s->n_mounts; i++)
    mount_spec_clear (&s->mounts[i]);
  free (s->mounts);
  free (s->ulimits);
  for (i = 0; i < s->n_devices; i++)
    device_spec_clear (&s->devices[i]);
  free (s->devices);
  free (s->extra_gids);
  if (! hook_set_empty (&s->hooks) || s->hooks.annotations != NULL)
    hook_set_clear (&s->hooks);
  free (s->seccomp_profile);
  network_spec_clear (&s->net);
  ns_options_clear (&s->ns);
  memset (s, 0, sizeof *s);
}

int
run_exit_status (int wait_status)
{
  if (WIFEXITED (wait_status))
    return WEXITSTATUS (wait_status);
  if (WIFSIGNALED (wait_status))
    return 128 + WTERMSIG (wait_status);
  return GALLEY_EXIT_FAILURE;
}
