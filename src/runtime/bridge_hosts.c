/* /etc/hosts of containers on named networks (see bridge_hosts.h).  */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/bridge_hosts.h"
#include "util/cleanup.h"
#include "util/fs.h"

#define HOSTS_MARK "# galley:"

char *
bridge_hosts_line (const struct network_lease *l, const char *network)
{
  char *line = NULL;
  _cleanup_free_ char *aliases = NULL;
  size_t i, len = 0;

  for (i = 0; l->aliases && l->aliases[i]; i++)
    len += strlen (l->aliases[i]) + 1;
  aliases = calloc (len + 1, 1);
  for (i = 0; aliases && l->aliases && l->aliases[i]; i++)
    {
      strcat (aliases, " ");
      strcat (aliases, l->aliases[i]);
    }
  if (aliases == NULL
      || asprintf (&line, "%s\t%s%s %s%.12s:%s\n", l->ip, l->name, aliases, HOSTS_MARK, l->id, network) < 0)
    return NULL;
  return line;
}

/* Does line carry the mark of id (NULL: any) on network (NULL: any)?  */
static bool
marked (const char *line, const char *id, const char *network)
{
  const char *m = strstr (line, HOSTS_MARK), *colon;
  size_t id_len;

  if (m == NULL)
    return false;
  m += strlen (HOSTS_MARK);
  colon = strchr (m, ':');
  id_len = colon ? (size_t)(colon - m) : strlen (m);
  if (id && (id_len != strnlen (id, 12) || strncmp (m, id, id_len) != 0))
    return false;
  return network == NULL || (colon && strcmp (colon + 1, network) == 0);
}

int
bridge_hosts_update (const char *path, const char *id, const char *network, const char *add)
{
  _cleanup_free_ char *text = NULL, *out = NULL;
  _cleanup_error_ galley_error_t ignored = NULL;
  _cleanup_close_ int fd = -1;
  char *line, *save = NULL;
  size_t len = 0, used = 0;

  if (path == NULL || *path == '\0' || fs_read_file (AT_FDCWD, path, 1 << 20, &text, &len, &ignored) < 0)
    return -1;
  out = malloc (len + (add ? strlen (add) : 0) + 2);
  if (out == NULL)
    return -1;
  for (line = strtok_r (text, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    if (! marked (line, id, network))
      used += (size_t)sprintf (out + used, "%s\n", line);
  if (add)
    used += (size_t)sprintf (out + used, "%s", add);
  fd = open (path, O_WRONLY | O_TRUNC | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return -1;
  return fs_write_all (fd, out, used) < 0 ? -1 : 0;
}

void
bridge_hosts_join (const struct galley_paths *p, const char *network, const struct network_lease *self)
{
  struct network_lease *l = NULL;
  size_t n = 0, i, len;
  _cleanup_error_ galley_error_t ignored = NULL;
  _cleanup_free_ char *mine = bridge_hosts_line (self, network), *all = NULL;

  if (mine == NULL || network_lease_list (p, network, &l, &n, &ignored) < 0)
    return;
  all = strdup (mine);
  for (i = 0; all && i < n; i++)
    {
      _cleanup_free_ char *theirs = NULL;
      char *grown;
      if (strcmp (l[i].id, self->id) == 0 || (theirs = bridge_hosts_line (&l[i], network)) == NULL)
        continue;
      len = strlen (all);
      grown = realloc (all, len + strlen (theirs) + 1);
      if (grown == NULL)
        break;
      strcpy (grown + len, theirs);
      all = grown;
      bridge_hosts_update (l[i].hosts_path, self->id, network, mine);
    }
  bridge_hosts_update (self->hosts_path, NULL, network, all);
  network_lease_list_free (l, n);
}

void
bridge_hosts_leave (const struct galley_paths *p, const char *network, const char *id, const char *self_hosts)
{
  struct network_lease *l = NULL;
  size_t n = 0, i;
  _cleanup_error_ galley_error_t ignored = NULL;

  if (self_hosts)
    bridge_hosts_update (self_hosts, NULL, network, NULL);
  if (network_lease_list (p, network, &l, &n, &ignored) < 0)
    return;
  for (i = 0; i < n; i++)
    bridge_hosts_update (l[i].hosts_path, id, network, NULL);
  network_lease_list_free (l, n);
}
