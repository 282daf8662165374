/* `manifest push` (manifest_list.h): each instance into the destination's
 * repository by digest -- an image of the store written as `push` writes
 * it (its digest may change: the list then names the new one, as podman's
 * does), a registry's copied blob by blob -- then the list under the
 * destination's tag.  */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image/manifest.h"
#include "image/manifest_list_internal.h"
#include "image/push.h"
#include "image/store.h"
#include "registry/client.h"
#include "registry/reference.h"
#include "registry/registries_conf.h"
#include "registry/upload.h"
#include "util/cleanup.h"
#include "util/digest.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/strv.h"

struct list_push
{
  const struct galley_paths *paths;
  const struct manifest_push_options *o;
  struct store *store;
  struct registries_conf *conf;
  struct registry_client *client;
  struct image_ref dst;
};

static void progress (const struct list_push *lp, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));

static void
progress (const struct list_push *lp, const char *fmt, ...)
{
  va_list ap;

  if (lp->o->push.progress == NULL)
    return;
  va_start (ap, fmt);
  vfprintf (lp->o->push.progress, fmt, ap);
  va_end (ap);
  fputc ('\n', lp->o->push.progress);
  fflush (lp->o->push.progress);
}

struct blob_sink
{
  int fd;
  struct digester *d;
};

static int
sink_write (void *ctx, const void *buf, size_t len, galley_error_t *err)
{
  struct blob_sink *s = ctx;

  if (digest_update (s->d, buf, len, err) < 0)
    return -1;
  if (fs_write_all (s->fd, buf, len) < 0)
    return galley_error_make (err, errno, "writing a blob");
  return 0;
}

/* One blob of a registry's image into the destination's repository: there
 * already, mounted (same registry), or fetched into an unnamed file of the
 * store and sent.  */
static int
copy_blob (struct list_push *lp, const struct image_ref *src, const struct descriptor *d, const char *kind,
           galley_error_t *err)
{
  _cleanup_close_ int fd = -1;
  _cleanup_digester_ struct digester dg = { 0 };
  char *const mount_from[] = { src->repository, NULL };
  struct upload_options uo = { .mount_from =
                                   strcmp (src->registry, lp->dst.registry) == 0 ? mount_from : NULL,
                               .chunk_size = lp->o->push.chunk_size };
  struct upload_blob b = { .digest = d->digest, .size = (uint64_t)d->size };
  struct blob_sink sink = { .fd = -1, .d = &dg };
  enum upload_outcome outcome;
  char got[DIGEST_BUFSIZE], algorithm[8];
  int r;

  progress (lp, "Copying %s %s", kind, d->digest);
  if ((r = registry_blob_exists (lp->client, &lp->dst, d->digest, err)) != 0)
    return r < 0 ? -1 : 0;
  fd = openat (store_root_fd (lp->store), ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0)
    return galley_error_make (err, errno, "a temporary file for blob %s", d->digest);
  sink.fd = fd;
  snprintf (algorithm, sizeof algorithm, "%.*s", (int)strcspn (d->digest, ":"), d->digest);
  if (digest_init (&dg, algorithm, err) < 0)
    return -1;
  if (registry_fetch_blob (lp->client, src, d->digest, 0, sink_write, &sink, err) < 0
      || digest_final (&dg, got, err) < 0)
    return galley_error_wrap (err, "copying blob %s", d->digest);
  if (strcmp (got, d->digest) != 0)
    return galley_error_make (err, EPROTO, "copying blob %s: the registry sent %s", d->digest, got);
  b.fd = fd;
  return registry_push_blob (lp->client, &lp->dst, &b, &uo, &outcome, err);
}

/* An instance that a registry has: its blobs, then its manifest, by digest.  */
static int
copy_remote_instance (struct list_push *lp, const struct list_instance *in, galley_error_t *err)
{
  _cleanup_image_ref_ struct image_ref src = { 0 }, dst = { 0 };
  _cleanup_manifest_ struct manifest m = { 0 };
  _cleanup_free_ char *body = NULL, *media_type = NULL;
  size_t len;

  if (image_ref_parse (in->source + strlen (MANIFEST_DOCKER_TRANSPORT), &src, err) < 0
      || src.registry == NULL)
    return galley_error_wrap (err, "instance %s", in->digest);
  if (registry_fetch_manifest (lp->client, &src, &body, &len, &media_type, NULL, err) < 0
      || manifest_parse (body, len, media_type, &m, err) < 0)
    return -1;
  if (manifest_is_index (&m))
    return galley_error_make (err, EINVAL, "instance %s is itself a manifest list", in->digest);
  progress (lp, "Getting image source signatures");
  for (size_t i = 0; i < m.n_layers; i++)
    if (copy_blob (lp, &src, &m.layers[i].d, "blob", err) < 0)
      return -1;
  if (copy_blob (lp, &src, &m.config, "config", err) < 0)
    return -1;
  if (image_ref_copy (&lp->dst, &dst) < 0 || (free (dst.digest), dst.digest = strdup (in->digest)) == NULL)
    return galley_error_make (err, ENOMEM, "allocating");
  progress (lp, "Writing manifest to image destination");
  if (registry_push_manifest (lp->client, &dst, body, len, media_type ? media_type : m.media_type, err) < 0)
    return -1;
  progress (lp, "Storing signatures");
  return 0;
}

/* An instance that the store has: pushed as `push` does, by digest; the
 * list then names what was written.  */
static int
push_local_instance (struct list_push *lp, struct list_instance *in, galley_error_t *err)
{
  _cleanup_free_ char *repo = image_ref_name (&lp->dst);
  struct push_options po = lp->o->push;
  struct push_result r = { 0 };

  if (repo == NULL)
    return galley_error_make (err, ENOMEM, "allocating");
  po.by_digest = true;
  if (push_image (lp->paths, in->source + strlen (MANIFEST_STORAGE_TRANSPORT), repo, &po, &r, err) < 0)
    return galley_error_wrap (err, "instance %s", in->digest);
  free (in->digest);
  free (in->media_type);
  in->digest = r.digest;
  in->media_type = strdup (r.media_type);
  in->size = (int64_t)r.size;
  return in->media_type ? 0 : galley_error_make (err, ENOMEM, "allocating");
}

static int
push_instances (struct list_push *lp, struct manifest_list *l, galley_error_t *err)
{
  progress (lp, "Getting image list signatures");
  progress (lp, "Copying %zu of %zu images in list", l->n, l->n);
  for (size_t i = 0; i < l->n; i++)
    {
      struct list_instance *in = &l->v[i];
      int r;
      progress (lp, "Copying image %s (%zu/%zu)", in->digest, i + 1, l->n);
      if (in->source != NULL
          && strncmp (in->source, MANIFEST_STORAGE_TRANSPORT, strlen (MANIFEST_STORAGE_TRANSPORT)) == 0)
        r = push_local_instance (lp, in, err);
      else if (in->source != NULL
               && strncmp (in->source, MANIFEST_DOCKER_TRANSPORT, strlen (MANIFEST_DOCKER_TRANSPORT)) == 0)
        r = copy_remote_instance (lp, in, err);
      else
        r = galley_error_make (err, ENOENT, "instance %s: where it comes from is not known", in->digest);
      if (r < 0)
        return -1;
    }
  return 0;
}

int
manifest_list_push (const struct galley_paths *p, const char *list, const char *destination,
                    const struct manifest_push_options *o, char **digest, galley_error_t *err)
{
  struct registry_options ro = { .authfile = o->push.authfile,
                                 .creds = o->push.creds,
                                 .certs_dir = o->push.cert_dir,
                                 .tls_verify = o->push.tls_verify };
  struct list_push lp = { .paths = p, .o = o };
  struct manifest_list l = { 0 };
  _cleanup_json_ json_object *doc = NULL;
  const char *text;
  char pushed[DIGEST_SHA256_BUFSIZE];
  bool oci = o->format != PUSH_FORMAT_V2S2;
  int ret = -1;

  if (store_open (p, &lp.store, err) < 0 || manifest_list_open (lp.store, list, &l, err) < 0
      || push_destination_parse (destination, &lp.dst, err) < 0
      || registries_conf_load (p, &lp.conf, err) < 0)
    goto out;
  ro.conf = lp.conf;
  if (registry_client_new (p, &ro, &lp.client, err) < 0)
    goto out;
  if (o->all && push_instances (&lp, &l, err) < 0)
    goto out;
  doc = manifest_list_json (&l, oci);
  text = json_object_to_json_string_ext (doc, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
  progress (&lp, "Writing manifest list to image destination");
  if (registry_push_manifest (lp.client, &lp.dst, text, strlen (text),
                              oci ? MEDIA_TYPE_OCI_INDEX : MEDIA_TYPE_DOCKER_LIST, err)
      < 0)
    goto out;
  progress (&lp, "Storing list signatures");
  digest_sha256_hex (text, strlen (text), pushed);
  if (digest != NULL && (*digest = strdup (pushed)) == NULL)
    {
      galley_error_make (err, ENOMEM, "allocating");
      goto out;
    }
  ret = 0;
out:
  manifest_list_clear (&l);
  image_ref_release (&lp.dst);
  if (lp.client)
    registry_client_free (lp.client);
  if (lp.conf)
    registries_conf_free (lp.conf);
  if (lp.store)
    store_close (lp.store);
  return ret;
}
