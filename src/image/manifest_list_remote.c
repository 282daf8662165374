/* Registries' images and lists for manifest lists (manifest_list_internal.h):
 * the instances `manifest add` takes from a registry, and `manifest
 * inspect` of a name that no list of the store has.  */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image/manifest.h"
#include "image/manifest_list_internal.h"
#include "image/platform.h"
#include "registry/client.h"
#include "registry/reference.h"
#include "registry/registries_conf.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/log.h"

/* What a registry has under name: its manifest, and the client and the
 * reference it was fetched with.  */
struct remote
{
  struct registries_conf *conf;
  struct registry_client *client;
  struct image_ref ref;
  char *body, *media_type, *digest;
  size_t len;
};

static void
remote_release (struct remote *r)
{
  free (r->body);
  free (r->media_type);
  free (r->digest);
  image_ref_release (&r->ref);
  if (r->client)
    registry_client_free (r->client);
  if (r->conf)
    registries_conf_free (r->conf);
}

static int
remote_fetch (const struct galley_paths *p, const char *name, const struct manifest_registry_options *o,
              struct remote *r, galley_error_t *err)
{
  static const char *const other_transports[] = { "oci:", "oci-archive:", "docker-archive:", "dir:",
                                                  "docker-daemon:" };
  struct registry_options ro = {
    .authfile = o->authfile, .creds = o->creds, .certs_dir = o->cert_dir, .tls_verify = o->tls_verify
  };
  struct image_ref *cands = NULL;
  size_t n = 0;

  if (strncmp (name, MANIFEST_DOCKER_TRANSPORT, strlen (MANIFEST_DOCKER_TRANSPORT)) == 0)
    name += strlen (MANIFEST_DOCKER_TRANSPORT);
  for (size_t i = 0; i < sizeof other_transports / sizeof other_transports[0]; i++)
    if (strncmp (name, other_transports[i], strlen (other_transports[i])) == 0)
      return galley_error_make (err, 0,
                                "the %.*s transport is not supported (docker:// and containers-storage: are)",
                                (int)strlen (other_transports[i]) - 1, other_transports[i]);
  if (registries_conf_load (p, &r->conf, err) < 0 || image_ref_resolve (r->conf, name, &cands, &n, err) < 0)
    return -1;
  if (n == 0 || image_ref_copy (&cands[0], &r->ref) < 0)
    {
      image_ref_candidates_free (cands, n);
      return galley_error_make (err, ENOENT, "%s: no registry to look it up in", name);
    }
  image_ref_candidates_free (cands, n);
  ro.conf = r->conf;
  if (registry_client_new (p, &ro, &r->client, err) < 0
      || registry_fetch_manifest (r->client, &r->ref, &r->body, &r->len, &r->media_type, &r->digest, err) < 0)
    return -1;
  return 0;
}

static char *
source_of (const struct image_ref *ref, const char *digest)
{
  _cleanup_free_ char *repo = image_ref_name (ref);
  char *s = NULL;

  if (repo == NULL || asprintf (&s, MANIFEST_DOCKER_TRANSPORT "%s@%s", repo, digest) < 0)
    abort ();
  return s;
}

static void
instance_of_entry (const struct remote *r, const struct index_entry *e, struct list_instance *in)
{
  in->digest = manifest_strdup (e->d.digest);
  in->media_type = manifest_strdup (e->d.media_type);
  in->size = e->d.size;
  if (e->has_platform)
    {
      in->os = manifest_strdup (e->platform.os);
      in->arch = manifest_strdup (e->platform.architecture);
      in->variant = manifest_strdup (e->platform.variant);
    }
  in->source = source_of (&r->ref, e->d.digest);
}

/* An image manifest: its platform is in its config.  */
static int
instance_of_image (struct remote *r, const struct manifest *m, struct list_instance *in, galley_error_t *err)
{
  _cleanup_free_ char *config = NULL;
  _cleanup_json_ json_object *doc = NULL;
  size_t len;

  if (registry_fetch_blob_buffer (r->client, &r->ref, m->config.digest, 0, &config, &len, err) < 0
      || json_parse_strict (config, len, "image config", &doc, err) < 0)
    return -1;
  in->digest = manifest_strdup (r->digest);
  in->media_type = manifest_strdup (m->media_type);
  in->size = (int64_t)r->len;
  in->os = manifest_strdup (json_get_string (doc, "os"));
  in->arch = manifest_strdup (json_get_string (doc, "architecture"));
  in->variant = manifest_strdup (json_get_string (doc, "variant"));
  in->os_version = manifest_strdup (json_get_string (doc, "os.version"));
  in->os_features = json_get_strv (doc, "os.features");
  in->source = source_of (&r->ref, r->digest);
  return 0;
}

int
manifest_remote_instances (const struct galley_paths *p, const char *image,
                           const struct manifest_add_options *o, struct list_instance **out, size_t *n,
                           galley_error_t *err)
{
  struct remote r = { 0 };
  _cleanup_manifest_ struct manifest m = { 0 };
  _cleanup_platform_ struct platform want = { 0 };
  int ret = -1;

  *out = NULL;
  *n = 0;
  if (remote_fetch (p, image, &o->registry, &r, err) < 0
      || manifest_parse (r.body, r.len, r.media_type, &m, err) < 0)
    goto out;
  *out = calloc (manifest_is_index (&m) ? m.n_entries + 1 : 1, sizeof **out);
  if (*out == NULL)
    abort ();
  if (! manifest_is_index (&m))
    {
      *n = 1;
      ret = instance_of_image (&r, &m, &(*out)[0], err);
      goto out;
    }
  if (o->all)
    {
      for (size_t i = 0; i < m.n_entries; i++)
        if (media_type_is_image_manifest (m.entries[i].d.media_type))
          instance_of_entry (&r, &m.entries[i], &(*out)[(*n)++]);
      ret = 0;
      goto out;
    }
  {
    const struct index_entry *e;
    if (platform_from_options (NULL, o->set.os, o->set.arch, o->set.variant, &want, err) < 0
        || (e = manifest_select_platform (&m, &want, err)) == NULL)
      goto out;
    instance_of_entry (&r, e, &(*out)[(*n)++]);
    ret = 0;
  }
out:
  if (ret < 0)
    galley_error_wrap (err, "adding %s", image);
  remote_release (&r);
  return ret;
}

int
manifest_remote_document (const struct galley_paths *p, const char *name,
                          const struct manifest_registry_options *o, json_object **out, galley_error_t *err)
{
  struct remote r = { 0 };
  int ret = -1;

  if (remote_fetch (p, name, o, &r, err) == 0 && json_parse_strict (r.body, r.len, "manifest", out, err) == 0)
    {
      if (! media_type_is_index (r.media_type))
        log_warn ("The manifest type %s is not a manifest list but a single image.", r.media_type);
      ret = 0;
    }
  remote_release (&r);
  return ret;
}
