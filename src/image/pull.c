/* Pulling an image (see pull.h): name -> manifest (-> platform) -> config
 * -> layers streamed into the store inside the user namespace -> image
 * record.  The documents are fetched and checked here, in the caller's
 * process; the layers are fetched by a child in the user namespace (so
 * that chown keeps the image's owners, shifted), up to PULL_PARALLEL at
 * once, each download feeding its own extraction thread.  */
#include "config.h"
#include "image/pull.h"

#include <errno.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "image/layer_extract.h"
#include "image/layer_split.h"
#include "image/manifest.h"
#include "image/pull_progress.h"
#include "image/store.h"
#include "ns/idmap.h"
#include "ns/userns.h"
#include "registry/client.h"
#include "registry/reference.h"
#include "registry/registries_conf.h"
#include "state/events.h"
#include "util/cleanup.h"
#include "util/digest.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/xmalloc.h"

/* Two cores here: three downloads keep both busy with decompression and
 * file creation while a third waits on the network.  */
#define PULL_PARALLEL 3

struct pull_layer
{
  const struct layer_descriptor *desc;
  const char *diff_id;
  char chain_id[DIGEST_SHA256_BUFSIZE];
  const char *parent; /* chain id below, or NULL */
  size_t progress_row;
  bool ready; /* already in the store before the pull started */
};

/* What the child in the user namespace needs (it sees a copy).  */
struct layers_job
{
  const struct galley_paths *paths;
  const struct registry_options *ropts;
  const struct image_ref *ref;
  struct pull_layer *layers;
  size_t n_layers;
  bool fold_owners;
  pid_t parent_pid;
  struct pull_progress *progress;
  /* in the child */
  struct store *store;
  struct registry_client *client;
  pthread_mutex_t lock;
  size_t next;
  bool failed;
  bool warned_unmapped;
  galley_error_t err;
};

struct blob_sink
{
  struct layer_stream *stream;
  struct layers_job *job;
  const struct pull_layer *layer;
  uint64_t received;
};

static int
blob_sink_write (void *ctx, const void *buf, size_t len, galley_error_t *err)
{
  struct blob_sink *s = ctx;

  s->received += len;
  if (s->received > (uint64_t)s->layer->desc->d.size)
    return galley_error_make (err, 0, "blob %s: larger than the %lld bytes of its descriptor",
                              s->layer->desc->d.digest, (long long)s->layer->desc->d.size);
  pull_progress_update (s->job->progress, s->layer->progress_row, s->received);
  return layer_stream_write (s->stream, buf, len, err);
}

/* Once per pull: some owners of l's files could not be kept, and why:
 * the filesystem of the storage refuses to change owners (the store is
 * on NFS or its like), or they are outside the user's subordinate ids.  */
static void
warn_owners_lost (struct layers_job *job, const struct pull_layer *l, const struct layer_extract_result *res)
{
  pthread_mutex_lock (&job->lock);
  if (! job->warned_unmapped && res->owners_refused > 0)
    log_warn ("the filesystem of the storage %s refuses to change file owners: the owners in layer %s are "
              "mapped to your user (keep the storage on a local disk: --root, or [storage] "
              "rootless_storage_path in galley.conf)",
              store_root (job->store), l->desc->d.digest);
  else if (! job->warned_unmapped)
    log_warn ("some file owners in layer %s are outside your subordinate ids: they are mapped to your user",
              l->desc->d.digest);
  job->warned_unmapped = true;
  pthread_mutex_unlock (&job->lock);
}

/* Fetch and extract one layer (in the child).  */
static int
pull_one_layer (struct layers_job *job, struct pull_layer *l, galley_error_t *err)
{
  _cleanup_free_ char *diff_dir = NULL, *split_path = NULL;
  struct layer_extract_options o = { 0 };
  struct layer_extract_result res;
  struct blob_sink sink = { .job = job, .layer = l };
  galley_error_t abort_err = NULL;
  int r;

  r = store_layer_begin (job->store, l->chain_id, l->diff_id, l->parent, &diff_dir, err);
  if (r < 0)
    return -1;
  if (r == 1)
    {
      pull_progress_set_state (job->progress, l->progress_row, PULL_BLOB_SKIPPED);
      return 0;
    }
  /* One line per download: tests count them to check that concurrent
   * pulls fetch each layer once.  */
  log_debug ("fetching blob %s", l->desc->d.digest);
  if (store_layer_file (job->store, l->chain_id, LAYER_SPLIT_NAME, &split_path, err) < 0)
    goto fail;
  o.blob_digest = l->desc->d.digest;
  o.diff_id = l->diff_id;
  o.fold_owners = job->fold_owners;
  o.split_path = split_path;
  if (layer_stream_start (diff_dir, &o, &sink.stream, err) < 0)
    goto fail;
  if (registry_fetch_blob (job->client, job->ref, l->desc->d.digest, 0, blob_sink_write, &sink, err) < 0)
    goto fail;
  if (layer_stream_finish (sink.stream, &res, err) < 0)
    goto fail;
  layer_stream_free (steal_pointer (&sink.stream));
  if (res.owners_unmapped > 0 || res.owners_refused > 0)
    warn_owners_lost (job, l, &res);
  if (store_layer_commit (job->store, l->chain_id, res.size, err) < 0)
    goto fail;
  pull_progress_set_state (job->progress, l->progress_row, PULL_BLOB_DONE);
  return 0;

fail:
  layer_stream_free (sink.stream);
  pull_progress_set_state (job->progress, l->progress_row, PULL_BLOB_FAILED);
  if (store_layer_abort (job->store, l->chain_id, &abort_err) < 0)
    {
      log_warn ("%s", abort_err->msg);
      galley_error_release (&abort_err);
    }
  return -1;
}

static void *
layer_worker (void *arg)
{
  struct layers_job *job = arg;

  for (;;)
    {
      galley_error_t err = NULL;
      struct pull_layer *l;

      pthread_mutex_lock (&job->lock);
      while (job->next < job->n_layers && job->layers[job->next].ready)
        job->next++;
      if (job->failed || job->next >= job->n_layers)
        {
          pthread_mutex_unlock (&job->lock);
          return NULL;
        }
      l = &job->layers[job->next++];
      pthread_mutex_unlock (&job->lock);

      if (pull_one_layer (job, l, &err) < 0)
        {
          pthread_mutex_lock (&job->lock);
          job->failed = true;
          if (job->err == NULL)
            job->err = steal_pointer (&err);
          pthread_mutex_unlock (&job->lock);
          galley_error_release (&err);
        }
    }
}

/* Runs in the child, root in the user namespace.  */
static int
layers_child (void *arg, galley_error_t *err)
{
  struct layers_job *job = arg;
  struct galley_paths paths = *job->paths;
  pthread_t threads[PULL_PARALLEL];
  size_t n_threads = 0, missing = 0, i;
  galley_error_t cleanup_err = NULL;

  /* A pull killed with -9 takes its extraction with it; the next pull
   * removes what it left (store_layer_begin).  */
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (getppid () != job->parent_pid)
    return galley_error_make (err, 0, "the pull was interrupted");
  /* Here the user is root: the store's owner checks must expect uid 0.  */
  paths.uid = geteuid ();
  paths.gid = getegid ();
  if (store_open (&paths, &job->store, err) < 0)
    return -1;
  if (store_cleanup_leftovers (job->store, &cleanup_err) < 0)
    {
      log_debug ("removing leftovers: %s", cleanup_err->msg);
      galley_error_release (&cleanup_err);
    }
  /* A client of its own: the parent's connections stay the parent's.  */
  if (registry_client_new (&paths, job->ropts, &job->client, err) < 0)
    return -1;
  pthread_mutex_init (&job->lock, NULL);
  for (i = 0; i < job->n_layers; i++)
    missing += ! job->layers[i].ready;
  pull_progress_start (job->progress);
  for (i = 0; i < PULL_PARALLEL && i < missing; i++)
    {
      if (pthread_create (&threads[n_threads], NULL, layer_worker, job) != 0)
        break;
      n_threads++;
    }
  if (n_threads == 0 && missing > 0)
    layer_worker (job);
  for (i = 0; i < n_threads; i++)
    pthread_join (threads[i], NULL);
  pull_progress_finish (job->progress);
  registry_client_free (job->client);
  store_close (job->store);
  if (job->err != NULL)
    {
      *err = steal_pointer (&job->err);
      return -1;
    }
  return 0;
}

/* chain(0) = diff_id(0); chain(n) = sha256(chain(n-1) + " " + diff_id(n)).  */
static int
compute_chain_ids (struct pull_layer *layers, size_t n, galley_error_t *err)
{
  size_t i;

  for (i = 0; i < n; i++)
    {
      _cleanup_free_ char *text = NULL;

      if (i == 0)
        {
          snprintf (layers[i].chain_id, sizeof layers[i].chain_id, "%s", layers[i].diff_id);
          continue;
        }
      text = xasprintf ("%s %s", layers[i - 1].chain_id, layers[i].diff_id);
      if (digest_sha256_hex (text, strlen (text), layers[i].chain_id) < 0)
        return galley_error_make (err, 0, "computing a chain id");
      layers[i].parent = layers[i - 1].chain_id;
    }
  return 0;
}

static void
warn_no_subids (void)
{
  struct passwd *pw = getpwuid (getuid ());

  log_warn ("no subordinate ids for %s: file owners in the image are mapped to your user",
            pw ? pw->pw_name : "the current user");
}

/* Fetch every layer not yet in the store.  */
static int
pull_layers (const struct galley_paths *paths, const struct registry_options *ropts,
             const struct image_ref *ref, struct pull_layer *layers, size_t n, struct pull_progress *progress,
             galley_error_t *err)
{
  struct layers_job job = { .paths = paths,
                            .ropts = ropts,
                            .ref = ref,
                            .layers = layers,
                            .n_layers = n,
                            .progress = progress,
                            .parent_pid = getpid () };
  static bool warned;
  struct idmap map;
  size_t i, missing = 0;

  for (i = 0; i < n; i++)
    missing += ! layers[i].ready;
  if (missing == 0)
    {
      pull_progress_finish (progress);
      return 0;
    }
  if (idmap_for_current_user (&map, err) < 0)
    return -1;
  job.fold_owners = map.source == IDMAP_SOURCE_SINGLE;
  if (job.fold_owners && ! warned)
    {
      warn_no_subids ();
      warned = true;
    }
  return userns_run (&map, 0, layers_child, &job, err) < 0 ? -1 : 0;
}

/* The image manifest for `ref`: fetched, and resolved through an index to
 * the wanted platform.  *list_digest gets the index's digest, if any.  */
static int
fetch_image_manifest (struct registry_client *c, const struct image_ref *ref, const struct pull_options *o,
                      struct platform *want, char **body, size_t *len, char **media_type, char **digest,
                      char **list_digest, struct manifest *m, galley_error_t *err)
{
  _cleanup_image_ref_ struct image_ref inst = { 0 };
  const struct index_entry *e;

  if (registry_fetch_manifest (c, ref, body, len, media_type, digest, err) < 0)
    return -1;
  if (manifest_parse (*body, *len, *media_type, m, err) < 0)
    return galley_error_wrap (err, "manifest %s", *digest);
  if (! manifest_is_index (m))
    return 0;
  e = manifest_select_platform (m, want, err);
  if (e == NULL)
    return -1;
  if (image_ref_copy (ref, &inst) < 0)
    return galley_error_make (err, ENOMEM, "allocating");
  free (inst.digest);
  inst.digest = xstrdup (e->d.digest);
  *list_digest = steal_pointer (digest);
  manifest_release (m);
  free (*body);
  free (*media_type);
  *body = *media_type = NULL;
  /* Fetching by digest verifies the body against it.  */
  if (registry_fetch_manifest (c, &inst, body, len, media_type, digest, err) < 0)
    return -1;
  if (manifest_parse (*body, *len, *media_type, m, err) < 0)
    return galley_error_wrap (err, "manifest %s", *digest);
  if (manifest_is_index (m))
    return galley_error_make (err, 0, "manifest %s: an index inside an index", *digest);
  return 0;
}

struct pulled
{
  char *body, *media_type, *digest, *list_digest;
  size_t len;
  struct manifest m;
  char *config;
  size_t config_len;
  struct image_config cfg;
  struct pull_layer *layers;
};

static void
pulled_release (struct pulled *p)
{
  free (p->body);
  free (p->media_type);
  free (p->digest);
  free (p->list_digest);
  manifest_release (&p->m);
  free (p->config);
  image_config_release (&p->cfg);
  free (p->layers);
}

/* The names a pull gives the image: "repo:tag" and, pulled by digest,
 * "repo@digest" (podman's); names has room for 3, NULL-terminated.  */
static int
pulled_names (const struct image_ref *ref, char **names, galley_error_t *err)
{
  struct image_ref tagged = *ref, digested = *ref;
  size_t n = 0;

  tagged.digest = NULL;
  digested.tag = NULL;
  if (ref->tag != NULL)
    names[n++] = image_ref_format (&tagged);
  if (ref->digest != NULL)
    names[n++] = image_ref_format (&digested);
  return 0;
}

static int
record_image (struct store *s, const struct image_ref *ref, struct pulled *p, galley_error_t *err)
{
  struct store_image img = { 0 };
  _cleanup_strv_ char **names = xcalloc (3, sizeof (char *));
  _cleanup_free_ char **layers = xcalloc (p->m.n_layers + 1, sizeof (char *));
  char *digests[3] = { NULL, NULL, NULL };
  size_t i, nd = 0;

  for (i = 0; i < p->m.n_layers; i++)
    layers[i] = p->layers[i].chain_id;
  if (pulled_names (ref, names, err) < 0)
    return -1;
  if (p->list_digest)
    digests[nd++] = p->list_digest;
  digests[nd++] = p->digest;
  img.id = (char *)digest_hex (p->m.config.digest);
  img.names = names;
  img.digests = digests;
  img.manifest_digest = p->digest;
  img.manifest_media_type = p->media_type ? p->media_type : (char *)p->m.media_type;
  img.config_digest = p->m.config.digest;
  img.layers = layers;
  img.created = p->cfg.created;
  return store_image_add (s, &img, err);
}

/* Pull from one candidate reference.  */
static int
pull_from (const struct galley_paths *paths, const struct registry_options *ropts,
           const struct image_ref *ref, const struct pull_options *o, struct pull_progress *progress,
           char **image_id, galley_error_t *err)
{
  _cleanup_registry_client_ struct registry_client *c = NULL;
  _cleanup_store_ struct store *s = NULL;
  _cleanup_platform_ struct platform want = { 0 };
  struct pulled p = { 0 };
  size_t i;
  int ret = -1;

  if (platform_from_options (o->platform, o->os, o->arch, o->variant, &want, err) < 0)
    return -1;
  if (registry_client_new (paths, ropts, &c, err) < 0)
    return -1;
  if (fetch_image_manifest (c, ref, o, &want, &p.body, &p.len, &p.media_type, &p.digest, &p.list_digest, &p.m,
                            err)
      < 0)
    goto out;
  if (p.m.config.size > MANIFEST_MAX_SIZE)
    {
      galley_error_make (err, 0, "config %s: larger than %d bytes", p.m.config.digest, MANIFEST_MAX_SIZE);
      goto out;
    }
  if (registry_fetch_blob_buffer (c, ref, p.m.config.digest, MANIFEST_MAX_SIZE, &p.config, &p.config_len, err)
          < 0
      || digest_verify (p.m.config.digest, p.config, p.config_len, err) < 0
      || image_config_parse (p.config, p.config_len, &p.cfg, err) < 0)
    {
      galley_error_wrap (err, "config %s", p.m.config.digest);
      goto out;
    }
  if (image_config_check (&p.cfg, &p.m, &want, err) < 0)
    goto out;
  if (store_open (paths, &s, err) < 0)
    goto out;
  p.layers = xcalloc (p.m.n_layers + 1, sizeof *p.layers);
  for (i = 0; i < p.m.n_layers; i++)
    {
      p.layers[i].desc = &p.m.layers[i];
      p.layers[i].diff_id = p.cfg.diff_ids[i];
    }
  if (compute_chain_ids (p.layers, p.m.n_layers, err) < 0)
    goto out;
  pull_progress_message (progress, "Getting image source signatures");
  for (i = 0; i < p.m.n_layers; i++)
    {
      struct store_layer *l = NULL;
      galley_error_t ignored = NULL;

      if (store_layer_get (s, p.layers[i].chain_id, &l, &ignored) == 0)
        p.layers[i].ready = l->ready;
      store_layer_free (l);
      galley_error_release (&ignored);
      p.layers[i].progress_row =
          pull_progress_add_blob (progress, p.m.layers[i].d.digest, (uint64_t)p.m.layers[i].d.size);
      if (p.layers[i].ready)
        pull_progress_set_state (progress, p.layers[i].progress_row, PULL_BLOB_SKIPPED);
    }
  if (pull_layers (paths, ropts, ref, p.layers, p.m.n_layers, progress, err) < 0)
    goto out;
  pull_progress_message (progress, "Copying config %s", p.m.config.digest);
  if (store_blob_put (s, p.m.config.digest, p.config, p.config_len, err) < 0)
    goto out;
  pull_progress_message (progress, "Writing manifest to image destination");
  if (store_blob_put (s, p.digest, p.body, p.len, err) < 0 || record_image (s, ref, &p, err) < 0)
    goto out;
  pull_progress_message (progress, "Storing signatures");
  *image_id = xstrdup (digest_hex (p.m.config.digest));
  ret = 0;
out:
  pulled_release (&p);
  return ret;
}

/* The references to try for what the user typed.  */
struct pull_candidates
{
  struct image_ref *refs;
  size_t n;
  struct registries_conf *conf;
};

static int
pull_resolve (const struct galley_paths *paths, const char *name, struct pull_candidates *c,
              galley_error_t *err)
{
  if (registries_conf_load (paths, &c->conf, err) < 0)
    return -1;
  return image_ref_resolve (c->conf, name, &c->refs, &c->n, err);
}

static void
pull_candidates_release (struct pull_candidates *c)
{
  image_ref_candidates_free (c->refs, c->n);
  registries_conf_free (c->conf);
}

int
pull_image (const struct galley_paths *paths, const char *name, const struct pull_options *o, char **image_id,
            galley_error_t *err)
{
  struct pull_candidates cands = { 0 };
  struct registry_options ropts = { 0 };
  struct pull_progress *progress = NULL;
  size_t i;
  int ret = -1;

  if (pull_resolve (paths, name, &cands, err) < 0)
    return -1;
  ropts.authfile = o->authfile;
  ropts.creds = o->creds;
  ropts.certs_dir = o->cert_dir;
  ropts.tls_verify = o->tls_verify;
  ropts.conf = cands.conf;
  progress = pull_progress_new (o->progress, o->progress_bars);
  if (progress == NULL)
    {
      galley_error_make (err, ENOMEM, "allocating");
      goto out;
    }
  for (i = 0; i < cands.n; i++)
    {
      _cleanup_free_ char *text = image_ref_format (&cands.refs[i]);

      galley_error_release (err);
      pull_progress_message (progress, "Trying to pull %s...", text ? text : name);
      if (pull_from (paths, &ropts, &cands.refs[i], o, progress, image_id, err) == 0)
        {
          event_write_object (paths, EVENT_IMAGE, "pull", image_id ? *image_id : NULL, name);
          ret = 0;
          break;
        }
      /* Only "not there" or "not allowed" moves on to the next registry.  */
      if (galley_error_errno (err) != ENOENT && galley_error_errno (err) != EACCES)
        break;
    }
out:
  pull_progress_free (progress);
  pull_candidates_release (&cands);
  return ret;
}

int
pull_list_tags (const struct galley_paths *paths, const char *name, const struct pull_options *o,
                char ***names, galley_error_t *err)
{
  _cleanup_registry_client_ struct registry_client *c = NULL;
  _cleanup_strv_ char **tags = NULL;
  _cleanup_strv_ char **out = NULL;
  struct pull_candidates cands = { 0 };
  struct registry_options ropts = { 0 };
  const char *last = strrchr (name, '/');
  size_t n = 0, i;
  int ret = -1;

  last = last ? last + 1 : name;
  if (strchr (last, ':') != NULL || strchr (last, '@') != NULL)
    return galley_error_make (err, 0, "tag can't be used with --all-tags/-a");
  if (pull_resolve (paths, name, &cands, err) < 0)
    goto out;
  if (cands.n == 0)
    {
      galley_error_make (err, ENOENT, "%s: no registry to search", name);
      goto out;
    }
  ropts.authfile = o->authfile;
  ropts.creds = o->creds;
  ropts.certs_dir = o->cert_dir;
  ropts.tls_verify = o->tls_verify;
  ropts.conf = cands.conf;
  if (registry_client_new (paths, &ropts, &c, err) < 0
      || registry_list_tags (c, cands.refs[0].registry, cands.refs[0].repository, 0, &tags, err) < 0)
    goto out;
  while (tags[n] != NULL)
    n++;
  out = xcalloc (n + 1, sizeof *out);
  for (i = 0; i < n; i++)
    out[i] = xasprintf ("%s/%s:%s", cands.refs[0].registry, cands.refs[0].repository, tags[i]);
  *names = steal_pointer (&out);
  ret = 0;
out:
  pull_candidates_release (&cands);
  return ret;
}
