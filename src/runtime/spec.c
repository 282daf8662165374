/* The container configuration: release, and the exit status.  */
#include "config.h"
#include "runtime/spec.h"

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
