/* Host namespaces, /dev/shm and supplementary groups (see namespaces.h).  */
#include "config.h"
#include "runtime/namespaces.h"

#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/utsname.h>

#include "util/cleanup.h"
#include "util/size.h"
#include "util/strv.h"
#include "util/xmalloc.h"

#define KEEP_GROUPS "keep-groups"

/* "host", or "private" (also "" and, for IPC, "shareable", which is
 * private and joinable) -> *host; "none" (IPC only) -> *none.  */
static int
parse_mode (const char *v, bool ipc, bool *host, bool *none, galley_error_t *err)
{
  *host = false;
  if (v == NULL || *v == '\0' || strcmp (v, "private") == 0 || (ipc && strcmp (v, "shareable") == 0))
    return 0;
  if (strcmp (v, "host") == 0)
    {
      *host = true;
      return 0;
    }
  if (ipc && strcmp (v, "none") == 0)
    {
      *none = true;
      return 0;
    }
  return galley_error_make (err, 0, "unrecognized namespace mode %s passed", v);
}

static int
parse_groups (char *const *groups, struct ns_options *out, galley_error_t *err)
{
  size_t i;

  for (i = 0; groups != NULL && groups[i] != NULL; i++)
    {
      if (strcmp (groups[i], KEEP_GROUPS) == 0)
        out->keep_groups = true;
      else if (groups[i][0] == '\0')
        return galley_error_make (err, 0, "--group-add: a group name or id is required");
      else if (strv_append (&out->group_add, groups[i]) < 0)
        return galley_error_make (err, errno, "allocating");
    }
  if (out->keep_groups && out->group_add != NULL)
    return galley_error_make (err, 0,
                              "the '--group-add keep-groups' option is not allowed with any other "
                              "--group-add options");
  return 0;
}

int
ns_options_parse (const char *pid, const char *ipc, const char *uts, const char *shm_size,
                  const char *hostname, char *const *group_add, struct ns_options *out, galley_error_t *err)
{
  bool ignored = false;

  ns_options_clear (out);
  if (parse_mode (pid, false, &out->host_pid, &ignored, err) < 0
      || parse_mode (ipc, true, &out->host_ipc, &out->no_shm, err) < 0
      || parse_mode (uts, false, &out->host_uts, &ignored, err) < 0)
    return -1;
  if (out->host_uts && hostname != NULL)
    return galley_error_make (err, 0,
                              "invalid config provided: cannot set hostname when running in the host UTS "
                              "namespace: invalid configuration");
  if (shm_size != NULL)
    {
      if (out->host_ipc || out->no_shm)
        return galley_error_make (err, 0,
                                  "invalid config provided: cannot set shmsize when running in the {%s } IPC "
                                  "Namespace",
                                  ipc);
      if (size_parse (shm_size, &out->shm_size) < 0)
        return galley_error_make (err, 0, "unable to translate --shm-size: invalid size: '%s'", shm_size);
      out->shm_unlimited = out->shm_size == 0;
    }
  return parse_groups (group_add, out, err);
}

void
ns_options_clear (struct ns_options *o)
{
  cleanup_strvp (&o->group_add);
  memset (o, 0, sizeof *o);
}

bool
ns_may_setgroups (const struct ns_options *o, const struct idmap *map)
{
  return ! o->keep_groups && (map->source == IDMAP_SOURCE_ROOT || map->n_gid > 1);
}

int
ns_clone_flags (const struct ns_options *o)
{
  return (o->host_pid ? 0 : CLONE_NEWPID) | (o->host_ipc ? 0 : CLONE_NEWIPC)
         | (o->host_uts ? 0 : CLONE_NEWUTS);
}

char *
ns_host_hostname (void)
{
  struct utsname u;

  if (uname (&u) < 0)
    return NULL;
  return xstrdup (u.nodename);
}
