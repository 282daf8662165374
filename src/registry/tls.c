/* certs.d lookup and the CA bundle it implies.  See tls.h.  */
#include "config.h"
#include "registry/tls.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/cleanup.h"
#include "util/fs.h"
#include "util/xmalloc.h"

#define CERT_FILE_MAX (4u * 1024 * 1024)

#ifndef SYSTEM_CA_BUNDLE
#define SYSTEM_CA_BUNDLE "/etc/ssl/certs/ca-certificates.crt"
#endif

static bool
has_suffix (const char *s, const char *suffix)
{
  size_t n = strlen (s), m = strlen (suffix);
  return n > m && strcmp (s + n - m, suffix) == 0;
}

static char *
find_dir (const struct galley_paths *p, const char *certs_dir, const char *host)
{
  const char *bases[3];
  _cleanup_free_ char *user = NULL;
  size_t n = 0, i;
  struct stat st;

  if (certs_dir != NULL)
    return strdup (certs_dir);
  if (p->config_home != NULL && asprintf (&user, "%s/containers/certs.d", p->config_home) > 0)
    bases[n++] = user;
  bases[n++] = "/etc/containers/certs.d";
  bases[n++] = "/etc/docker/certs.d";
  for (i = 0; i < n; i++)
    {
      char *dir = NULL;
      if (asprintf (&dir, "%s/%s", bases[i], host) < 0)
        return NULL;
      if (stat (dir, &st) == 0 && S_ISDIR (st.st_mode))
        return dir;
      free (dir);
    }
  return NULL;
}

static int
append_file (char **blob, size_t *len, const char *path, galley_error_t *err)
{
  _cleanup_free_ char *data = NULL;
  size_t n;
  char *b;

  if (fs_read_file (AT_FDCWD, path, CERT_FILE_MAX, &data, &n, err) < 0)
    return -1;
  b = xrealloc (*blob, *len + n + 2);
  memcpy (b + *len, data, n);
  *len += n;
  b[(*len)++] = '\n';
  b[*len] = '\0';
  *blob = b;
  return 0;
}

/* Add the directory's .crt files to the system bundle; pick the .cert and .key pair.  */
static int
scan_dir (struct registry_tls *t, galley_error_t *err)
{
  _cleanup_closedir_ DIR *d = opendir (t->dir);
  _cleanup_free_ char *blob = NULL;
  size_t len = 0;
  bool any_ca = false;
  struct dirent *de;

  if (d == NULL)
    return galley_error_make (err, errno, "opening %s", t->dir);
  while ((de = readdir (d)) != NULL)
    {
      _cleanup_free_ char *path = NULL;
      if (de->d_name[0] == '.')
        continue;
      path = xasprintf ("%s/%s", t->dir, de->d_name);
      if (has_suffix (de->d_name, ".crt"))
        {
          if (! any_ca && append_file (&blob, &len, SYSTEM_CA_BUNDLE, err) < 0)
            {
              /* A system without a bundle still trusts the registry's own CA.  */
              galley_error_release (err);
            }
          any_ca = true;
          if (append_file (&blob, &len, path, err) < 0)
            return -1;
        }
      else if (has_suffix (de->d_name, ".cert") && t->client_cert == NULL)
        {
          _cleanup_free_ char *key = xasprintf ("%.*s.key", (int)(strlen (path) - 5), path);
          if (access (key, R_OK) != 0)
            return galley_error_make (err, 0, "missing key %s for client certificate %s", key, path);
          t->client_cert = steal_pointer (&path);
          t->client_key = steal_pointer (&key);
        }
      else if (has_suffix (de->d_name, ".key") && t->client_key == NULL)
        {
          _cleanup_free_ char *cert = xasprintf ("%.*s.cert", (int)(strlen (path) - 4), path);
          if (access (cert, R_OK) != 0)
            return galley_error_make (err, 0, "missing client certificate %s for key %s", cert, path);
        }
    }
  t->ca_blob = steal_pointer (&blob);
  t->http.ca_blob = t->ca_blob;
  t->http.ca_blob_len = len;
  return 0;
}

int
registry_tls_load (const struct galley_paths *p, const char *certs_dir, const char *host, bool verify,
                   struct registry_tls *out, galley_error_t *err)
{
  memset (out, 0, sizeof *out);
  out->http.verify = verify;
  out->dir = find_dir (p, certs_dir, host);
  if (out->dir == NULL)
    return 0;
  if (scan_dir (out, err) < 0)
    {
      registry_tls_release (out);
      return galley_error_wrap (err, "loading certificates for %s", host);
    }
  out->http.client_cert = out->client_cert;
  out->http.client_key = out->client_key;
  return 0;
}

void
registry_tls_release (struct registry_tls *t)
{
  free (t->ca_blob);
  free (t->client_cert);
  free (t->client_key);
  free (t->dir);
  memset (t, 0, sizeof *t);
}
