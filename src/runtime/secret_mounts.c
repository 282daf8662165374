/* A container's secrets in its spec (see secret_mounts.h).  */
#include "config.h"
#include "runtime/secret_mounts.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "state/container_secrets.h"
#include "state/secret.h"
#include "util/cleanup.h"

int
secret_mounts_add (const struct galley_paths *p, const struct container_config *config, struct run_spec *spec,
                   galley_error_t *err)
{
  struct container_secret *list = NULL;
  size_t n = 0;

  if (container_secrets_of (config, &list, &n, err) < 0)
    return -1;
  for (size_t i = 0; i < n; i++)
    {
      struct mount_spec *m;
      if (list[i].env)
        continue;
      m = realloc (spec->mounts, (spec->n_mounts + 1) * sizeof *spec->mounts);
      if (m == NULL)
        abort ();
      spec->mounts = m;
      m = &spec->mounts[spec->n_mounts++];
      *m = (struct mount_spec){
        .kind = MOUNT_KIND_BIND,
        .source = container_secret_copy_path (p, spec->id, list[i].name),
        .destination = steal_pointer (&list[i].target),
        .readonly = true,
        .secret = true,
        .owner_uid = list[i].uid,
        .owner_gid = list[i].gid,
        .secret_mode = list[i].mode,
      };
      if (m->source == NULL)
        abort ();
    }
  container_secrets_free (list, n);
  return 0;
}

int
secret_mounts_env (const struct galley_paths *p, const struct container_config *config, struct env_list *env,
                   galley_error_t *err)
{
  struct container_secret *list = NULL;
  size_t n = 0;
  int ret = 0;

  if (container_secrets_of (config, &list, &n, err) < 0)
    return -1;
  for (size_t i = 0; i < n && ret == 0; i++)
    {
      struct secret s = { 0 };
      char *data = NULL;
      size_t len = 0;
      if (! list[i].env)
        continue;
      ret = secret_lookup (p, list[i].name, &s, err);
      if (ret == 0)
        ret = secret_read_data (p, s.id, &data, &len, err);
      if (ret == 0)
        ret = env_set (env, list[i].target, data, err);
      if (data != NULL)
        explicit_bzero (data, len);
      free (data);
      secret_clear (&s);
    }
  container_secrets_free (list, n);
  return ret;
}
