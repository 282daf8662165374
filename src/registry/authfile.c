/* auth.json reading and writing.  See authfile.h.  */
#include "config.h"
#include "registry/authfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "util/cleanup.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/xmalloc.h"

#define AUTHFILE_MAX_SIZE (1024u * 1024)

void
auth_credentials_release (struct auth_credentials *c)
{
  free (c->username);
  if (c->password != NULL)
    explicit_bzero (c->password, strlen (c->password));
  free (c->password);
  free (c->identity_token);
  c->username = c->password = c->identity_token = NULL;
}

char *
authfile_encode (const char *username, const char *password)
{
  _cleanup_free_ char *plain = xasprintf ("%s:%s", username, password);
  int n = (int)strlen (plain);
  char *out = xmalloc ((size_t)(4 * ((n + 2) / 3) + 1));

  EVP_EncodeBlock ((unsigned char *)out, (unsigned char *)plain, n);
  explicit_bzero (plain, (size_t)n);
  return out;
}

int
authfile_decode (const char *b64, struct auth_credentials *out, galley_error_t *err)
{
  size_t len = strlen (b64), pad = 0;
  _cleanup_free_ char *plain = NULL;
  char *colon;
  int n;

  if (len == 0 || len % 4 != 0 || len > AUTHFILE_MAX_SIZE)
    return galley_error_make (err, EINVAL, "invalid base64 in \"auth\"");
  plain = xmalloc (len / 4 * 3 + 1);
  n = EVP_DecodeBlock ((unsigned char *)plain, (const unsigned char *)b64, (int)len);
  if (n < 0)
    return galley_error_make (err, EINVAL, "invalid base64 in \"auth\"");
  /* EVP_DecodeBlock counts the padding as zero bytes.  */
  while (pad < 2 && b64[len - 1 - pad] == '=')
    pad++;
  n -= (int)pad;
  plain[n] = '\0';
  if (memchr (plain, '\0', (size_t)n) != NULL || (colon = strchr (plain, ':')) == NULL)
    return galley_error_make (err, EINVAL, "invalid \"auth\": expected base64 of USER:PASSWORD");
  *colon = '\0';
  out->username = xstrdup (plain);
  out->password = xstrdup (colon + 1);
  explicit_bzero (plain, (size_t)n);
  return 0;
}

char *
authfile_normalize_key (const char *input)
{
  const char *p = input;
  char *key;
  size_t n;

  if (strncasecmp (p, "https://", 8) == 0)
    p += 8;
  else if (strncasecmp (p, "http://", 7) == 0)
    p += 7;
  /* Legacy docker keys carry an API path: keep only the host for them.  */
  n = strlen (p);
  if (p != input || (n >= 3 && strcmp (p + n - 3, "/v1") == 0) || strstr (p, "/v1/") != NULL
      || strstr (p, "/v2/") != NULL)
    n = strcspn (p, "/");
  while (n > 0 && p[n - 1] == '/')
    n--;
  if ((n == 15 && strncmp (p, "index.docker.io", 15) == 0)
      || (n == 20 && strncmp (p, "registry-1.docker.io", 20) == 0))
    return xstrdup ("docker.io");
  key = xstrndup (p, n);
  return key;
}

/* Parse path; *out stays NULL when the file does not exist.  */
static int
read_authfile (const char *path, json_object **out, galley_error_t *err)
{
  _cleanup_free_ char *data = NULL;
  size_t len;

  *out = NULL;
  if (fs_read_file (AT_FDCWD, path, AUTHFILE_MAX_SIZE, &data, &len, err) < 0)
    {
      if (galley_error_errno (err) == ENOENT)
        {
          galley_error_release (err);
          return 0;
        }
      return -1;
    }
  if (json_parse_strict (data, len, path, out, err) < 0)
    return -1;
  if (! json_object_is_type (*out, json_type_object))
    {
      json_object_put (*out);
      *out = NULL;
      return galley_error_make (err, EINVAL, "%s: not a JSON object", path);
    }
  return 0;
}

/* The entry for key in the "auths" of doc, comparing normalized keys as
 * docker's config.json may spell them as URLs.  */
static json_object *
find_entry (json_object *doc, const char *key)
{
  json_object *auths;

  if (! json_object_object_get_ex (doc, "auths", &auths) || ! json_object_is_type (auths, json_type_object))
    return NULL;
  json_object_object_foreach (auths, k, v)
  {
    _cleanup_free_ char *norm = authfile_normalize_key (k);
    if (norm != NULL && strcmp (norm, key) == 0 && json_object_is_type (v, json_type_object))
      return v;
  }
  return NULL;
}

static int
entry_credentials (json_object *entry, const char *path, const char *key, struct auth_credentials *out,
                   galley_error_t *err)
{
  const char *auth = json_get_string (entry, "auth");
  const char *identity = json_get_string (entry, "identitytoken");

  if (auth != NULL && *auth != '\0' && authfile_decode (auth, out, err) < 0)
    return galley_error_wrap (err, "%s: credentials for %s", path, key);
  if (identity != NULL && *identity != '\0')
    {
      out->identity_token = xstrdup (identity);
    }
  return out->username != NULL || out->identity_token != NULL ? 1 : 0;
}

/* Look in one file: "reg/ns/repo", "reg/ns", "reg".  */
static int
lookup_in_file (const char *path, const char *registry, const char *repository, struct auth_credentials *out,
                galley_error_t *err)
{
  _cleanup_json_ json_object *doc = NULL;
  _cleanup_free_ char *key = NULL;
  char *slash;

  if (read_authfile (path, &doc, err) < 0)
    return -1;
  if (doc == NULL)
    return 0;
  key = xasprintf ("%s%s%s", registry, repository ? "/" : "", repository ? repository : "");
  for (;;)
    {
      json_object *entry = find_entry (doc, key);
      int r;
      if (entry != NULL && (r = entry_credentials (entry, path, key, out, err)) != 0)
        return r;
      slash = strrchr (key, '/');
      if (slash == NULL)
        return 0;
      *slash = '\0';
    }
}

int
authfile_lookup (const struct galley_paths *p, const char *authfile, const char *registry,
                 const char *repository, struct auth_credentials *out, galley_error_t *err)
{
  const char *env = getenv ("REGISTRY_AUTH_FILE");
  _cleanup_free_ char *runtime = NULL, *config = NULL, *docker = NULL;
  const char *files[3];
  size_t n = 0, i;
  int r;

  if (authfile == NULL && env != NULL && *env != '\0')
    authfile = env;
  if (authfile != NULL)
    return lookup_in_file (authfile, registry, repository, out, err);
  if (p->xdg_runtime_dir != NULL)
    files[n++] = runtime = xasprintf ("%s/containers/auth.json", p->xdg_runtime_dir);
  if (p->config_home != NULL)
    files[n++] = config = xasprintf ("%s/containers/auth.json", p->config_home);
  if (p->home != NULL)
    files[n++] = docker = xasprintf ("%s/.docker/config.json", p->home);
  for (i = 0; i < n; i++)
    if ((r = lookup_in_file (files[i], registry, repository, out, err)) != 0)
      return r;
  return 0;
}

char *
authfile_write_path (const struct galley_paths *p, const char *authfile)
{
  const char *env = getenv ("REGISTRY_AUTH_FILE");

  if (authfile != NULL)
    return xstrdup (authfile);
  if (env != NULL && *env != '\0')
    return xstrdup (env);
  return xasprintf ("%s/containers/auth.json",
                    p->xdg_runtime_dir != NULL ? p->xdg_runtime_dir : p->config_home);
}

static int
write_authfile (const char *path, json_object *doc, galley_error_t *err)
{
  _cleanup_free_ char *dir = xstrdup (path);
  char *slash = strrchr (dir, '/');
  const char *s;
  size_t len;

  if (slash != NULL && slash != dir)
    {
      *slash = '\0';
      if (fs_mkdir_p (dir, 0700, err) < 0)
        return -1;
    }
  s = json_object_to_json_string_length (doc,
                                         JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_PRETTY_TAB
                                             | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE,
                                         &len);
  if (s == NULL)
    return galley_error_make (err, ENOMEM, "serializing %s", path);
  {
    _cleanup_free_ char *text = xasprintf ("%s\n", s);
    return fs_write_atomic (AT_FDCWD, path, text, len + 1, 0600, err);
  }
}

/* doc's "auths" object, created if missing.  */
static json_object *
auths_of (json_object *doc)
{
  json_object *auths;

  if (json_object_object_get_ex (doc, "auths", &auths) && json_object_is_type (auths, json_type_object))
    return auths;
  auths = json_object_new_object ();
  json_object_object_add (doc, "auths", auths);
  return auths;
}

int
authfile_store (const char *path, const char *key, const char *username, const char *password,
                galley_error_t *err)
{
  _cleanup_json_ json_object *doc = NULL;
  _cleanup_free_ char *b64 = authfile_encode (username, password);
  json_object *entry;

  if (read_authfile (path, &doc, err) < 0)
    return -1;
  if (doc == NULL)
    doc = json_object_new_object ();
  entry = json_object_new_object ();
  json_object_object_add (entry, "auth", json_object_new_string (b64));
  json_object_object_add (auths_of (doc), key, entry);
  explicit_bzero (b64, strlen (b64));
  return write_authfile (path, doc, err);
}

int
authfile_remove (const char *path, const char *key, galley_error_t *err)
{
  _cleanup_json_ json_object *doc = NULL;
  json_object *auths;
  int removed = 0;

  if (read_authfile (path, &doc, err) < 0)
    return -1;
  if (doc == NULL || ! json_object_object_get_ex (doc, "auths", &auths)
      || ! json_object_is_type (auths, json_type_object))
    return 0;
  /* Remove every spelling of the key (docker writes URLs).  */
  for (;;)
    {
      const char *victim = NULL;
      json_object_object_foreach (auths, k, v)
      {
        _cleanup_free_ char *norm = authfile_normalize_key (k);
        (void)v;
        if (norm != NULL && strcmp (norm, key) == 0)
          {
            victim = k;
            break;
          }
      }
      if (victim == NULL)
        break;
      json_object_object_del (auths, victim);
      removed = 1;
    }
  if (removed && write_authfile (path, doc, err) < 0)
    return -1;
  return removed;
}

int
authfile_remove_all (const char *path, galley_error_t *err)
{
  _cleanup_json_ json_object *doc = NULL;

  if (read_authfile (path, &doc, err) < 0)
    return -1;
  if (doc == NULL)
    return 0;
  json_object_object_add (doc, "auths", json_object_new_object ());
  return write_authfile (path, doc, err);
}
