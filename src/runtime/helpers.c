/* Locating helper programs and reading their versions.  */
#include "config.h"
#include "runtime/helpers.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "state/galley_config.h"
#include "util/cleanup.h"
#include "util/fs.h"

static bool
is_executable (const char *path)
{
  struct stat st;
  return stat (path, &st) == 0 && S_ISREG (st.st_mode) && access (path, X_OK) == 0;
}

static char *
find_in_list (const char *list, const char *name)
{
  _cleanup_free_ char *copy = list ? strdup (list) : NULL;
  char *save = NULL, *dir;

  if (copy == NULL)
    return NULL;
  for (dir = strtok_r (copy, ":", &save); dir != NULL; dir = strtok_r (NULL, ":", &save))
    {
      char *path = NULL;
      if (dir[0] != '/')
        continue; /* never relative PATH entries */
      if (asprintf (&path, "%s/%s", dir, name) < 0)
        return NULL;
      if (is_executable (path))
        return path;
      free (path);
    }
  return NULL;
}

char *
helper_find (const char *name)
{
  char *found;
  const char *env = getenv ("GALLEY_HELPER_DIR");
  char *const *config_dirs = galley_config_current ()->helper_binaries_dir;
  size_t i;

  if (env != NULL && (found = find_in_list (env, name)) != NULL)
    return found;
  for (i = 0; config_dirs != NULL && config_dirs[i] != NULL; i++)
    if ((found = find_in_list (config_dirs[i], name)) != NULL)
      return found;
  found = find_in_list ("/usr/local/libexec/galley:/usr/libexec/galley:/usr/libexec/podman", name);
  if (found != NULL)
    return found;
  found = find_in_list (getenv ("PATH"), name);
  if (found != NULL)
    return found;
  return find_in_list ("/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin", name);
}

/* Run argv with stdout captured (stderr and stdin to /dev/null); the first
 * line that mentions `prefer` (when not NULL), else the first line.  */
static char *
line_of (char *const argv[], const char *prefer)
{
  int pipefd[2];
  pid_t pid;
  char buf[256];
  ssize_t n, total = 0;
  int status;

  if (pipe2 (pipefd, O_CLOEXEC) < 0)
    return NULL;
  pid = fork ();
  if (pid < 0)
    {
      close (pipefd[0]);
      close (pipefd[1]);
      return NULL;
    }
  if (pid == 0)
    {
      int devnull = open ("/dev/null", O_RDWR);
      dup2 (devnull, 0);
      dup2 (pipefd[1], 1);
      dup2 (devnull, 2);
      execv (argv[0], argv);
      _exit (127);
    }
  close (pipefd[1]);
  while (total < (ssize_t)sizeof buf - 1
         && (n = read (pipefd[0], buf + total, sizeof buf - 1 - (size_t)total)) != 0)
    {
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          break;
        }
      total += n;
    }
  close (pipefd[0]);
  while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
    ;
  if (! WIFEXITED (status) || WEXITSTATUS (status) != 0 || total == 0)
    return NULL;
  buf[total] = '\0';
  {
    char *line = buf, *hit = prefer ? strstr (buf, prefer) : NULL;
    if (hit != NULL)
      {
        while (hit > buf && hit[-1] != '\n')
          hit--;
        line = hit;
      }
    line[strcspn (line, "\n")] = '\0';
    return line[0] ? strdup (line) : NULL;
  }
}

char *
helper_version (const char *path)
{
  char *const version_argv[] = { (char *)path, (char *)"--version", NULL };
  char *line;

  /* newuidmap and newgidmap have no --version (they print usage and fail).  */
  line = line_of (version_argv, strrchr (path, '/') ? strrchr (path, '/') + 1 : path);
  if (line != NULL && strstr (line, "sage") == NULL)
    return line;
  free (line);
  if (access ("/usr/bin/dpkg-query", X_OK) == 0)
    {
      char *const search_argv[] = { (char *)"/usr/bin/dpkg", (char *)"-S", (char *)path, NULL };
      _cleanup_free_ char *owner = line_of (search_argv, NULL);
      char *colon;

      if (owner == NULL || (colon = strchr (owner, ':')) == NULL)
        return NULL;
      *colon = '\0';
      {
        char *const ver_argv[] = { (char *)"/usr/bin/dpkg-query", (char *)"-W",
                                   (char *)"-f=${Package} ${Version}", owner, NULL };
        return line_of (ver_argv, NULL);
      }
    }
  return NULL;
}

char *
helper_log_reason (int dirfd, const char *name, const char *noise)
{
  _cleanup_free_ char *text = NULL;
  _cleanup_error_ galley_error_t ignored = NULL;
  char *line, *save = NULL;
  size_t len;

  if (fs_read_file (dirfd, name, 1 << 16, &text, &len, &ignored) < 0 || len == 0)
    return NULL;
  for (line = strtok_r (text, "\r\n", &save); line; line = strtok_r (NULL, "\r\n", &save))
    if (strncmp (line, noise, strlen (noise)) != 0 && *line != '\0')
      return strndup (line, 512);
  return NULL;
}
