/* The build executor's driver: finding and parsing the Containerfile,
 * choosing the stages the target needs, FROM (pull, scratch, an earlier
 * stage, ONBUILD triggers), the step loop with the layer cache and
 * podman's output, and naming the result (see executor.h).  */
#include "config.h"
#include "build/executor.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build/cache.h"
#include "build/executor_internal.h"
#include "image/manifest_list.h"
#include "image/platform.h"
#include "registry/reference.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/log.h"
#include "util/xmalloc.h"

/* ---- the Containerfile ---- */

/* -f as podman: a path (relative to the working directory, else to the
 * context), "-" for stdin; none: Containerfile, then Dockerfile in the
 * context.  *path_out: the file's path for the ignore-file lookup (NULL
 * for stdin).  */
static int
load_containerfile (struct build *b, const char *context, char **path_out, galley_error_t *err)
{
  _cleanup_free_ char *text = NULL, *path = NULL;
  const char *given = b->o->containerfile;
  size_t len = 0;

  if (given != NULL && strcmp (given, "-") == 0)
    {
      if (fs_read_fd (STDIN_FILENO, "the Containerfile", 64u << 20, &text, &len, err) < 0)
        return -1;
      b->cf_name = xstrdup ("-");
    }
  else
    {
      if (given == NULL)
        {
          static const char *const names[] = { "Containerfile", "Dockerfile" };
          size_t i;
          for (i = 0; i < 2 && path == NULL; i++)
            {
              _cleanup_free_ char *p = xasprintf ("%s/%s", context, names[i]);
              if (access (p, F_OK) == 0)
                path = steal_pointer (&p);
            }
          if (path == NULL)
            {
              char real[4096];
              return galley_error_make (err, ENOENT,
                                        "no Containerfile or Dockerfile specified or found in context "
                                        "directory, %s",
                                        realpath (context, real) ? real : context);
            }
        }
      else if (access (given, F_OK) == 0 || given[0] == '/')
        path = xstrdup (given);
      else
        path = xasprintf ("%s/%s", context, given);
      if (fs_read_file (AT_FDCWD, path, 64u << 20, &text, &len, err) < 0)
        return galley_error_wrap (err, "reading the Containerfile");
      b->cf_name = xstrdup (given ? given : strrchr (path, '/') + 1);
      *path_out = steal_pointer (&path);
    }
  if (containerfile_parse (b->cf_name, text, len, &b->cf, err) < 0)
    return -1;
  if (b->cf->n_stages == 0)
    return galley_error_make (err, EINVAL, "%s: no FROM instruction", b->cf_name);
  return 0;
}

/* --build-arg K=V, or K taken from the environment (skipped when unset).  */
static void
resolve_build_args (struct build *b)
{
  size_t i;

  for (i = 0; b->o->build_args && b->o->build_args[i]; i++)
    {
      const char *a = b->o->build_args[i], *eq = strchr (a, '=');
      if (eq != NULL)
        {
          _cleanup_free_ char *k = xstrndup (a, (size_t)(eq - a));
          strv_set_env (&b->build_args, k, eq + 1);
        }
      else if (getenv (a) != NULL)
        strv_set_env (&b->build_args, a, getenv (a));
    }
}

/* ---- which stages ---- */

/* The target and, transitively, the stages it uses through FROM or
 * COPY --from (a reference with a variable in it needs them all).  */
static int
mark_needed_stages (struct build *b, size_t target, bool *needed, galley_error_t *err)
{
  size_t i, k, f;

  (void)err;
  needed[target] = true;
  for (i = target + 1; i > 0; i--)
    {
      const struct cf_stage *s = &b->cf->stages[i - 1];
      if (! needed[i - 1])
        continue;
      for (k = 0; k <= s->n_instructions; k++)
        {
          const char *ref = NULL;
          ssize_t idx;
          if (k == s->n_instructions)
            ref = s->base;
          else
            for (f = 0; f < s->instructions[k].n_flags; f++)
              if (strcmp (s->instructions[k].flags[f].name, "from") == 0)
                ref = s->instructions[k].flags[f].value;
          if (ref == NULL)
            continue;
          if (strchr (ref, '$') != NULL)
            {
              size_t j;
              for (j = 0; j < i - 1; j++)
                needed[j] = true;
              continue;
            }
          idx = containerfile_stage_index (b->cf, ref, s->index);
          if (idx >= 0)
            needed[idx] = true;
        }
    }
  return 0;
}

/* ---- the current image of a stage ---- */

static int
stage_set_image (struct build *b, struct stage_state *st, const char *id, galley_error_t *err)
{
  _cleanup_store_image_ struct store_image *img = NULL;
  json_object *doc = NULL;

  if (id != NULL
      && (store_image_find (b->store, id, &img, err) < 0
          || store_image_config (b->store, img, &doc, err) < 0))
    return -1;
  free (st->image);
  json_object_put (st->doc);
  st->image = img ? strdup (img->id) : NULL;
  st->doc = doc;
  return 0;
}

static void
stage_state_clear (struct stage_state *st)
{
  free (st->image);
  json_object_put (st->doc);
  cleanup_strvp (&st->args);
  cleanup_strvp (&st->global);
  memset (st, 0, sizeof *st);
}

/* ---- output ---- */

static void
print_step (struct build *b, size_t n, size_t total, const char *text)
{
  if (b->out == NULL)
    return;
  if (b->n_stages > 1)
    fprintf (b->out, "[%zu/%zu] ", b->stage_number, b->n_stages);
  fprintf (b->out, "STEP %zu/%zu: %s\n", n, total, text);
  fflush (b->out);
}

static void
print_result (struct build *b, const char *id, bool cached, const char *commit_name)
{
  if (b->out == NULL)
    return;
  if (cached)
    fprintf (b->out, "--> Using cache %s\n", id);
  if (commit_name != NULL)
    fprintf (b->out, "COMMIT%s%s\n", *commit_name ? " " : "", commit_name);
  fprintf (b->out, "--> %.11s\n", id);
  fflush (b->out);
}

/* ---- one step ---- */

struct step
{
  const struct cf_instruction *in;
  const char *commit_name; /* the target's last step: "COMMIT name" */
  bool clear_onbuild;      /* the first step after FROM of a base with triggers */
  bool final_labels;       /* add --label to this step's image */
};

static int
apply_final_labels (struct build *b, struct image_writer *w)
{
  json_object *cfg = image_writer_config (w), *labels = NULL;
  size_t i;

  if (! json_object_object_get_ex (cfg, "Labels", &labels)
      || ! json_object_is_type (labels, json_type_object))
    {
      labels = json_object_new_object ();
      json_object_object_add (cfg, "Labels", labels);
    }
  for (i = 0; b->o->labels && b->o->labels[i]; i++)
    {
      const char *l = b->o->labels[i], *eq = strchr (l, '=');
      _cleanup_free_ char *k = eq ? strndup (l, (size_t)(eq - l)) : strdup (l);
      json_object_object_add (labels, k, json_object_new_string (eq ? eq + 1 : ""));
    }
  return 0;
}

static int
step_apply (struct build *b, struct stage_state *st, const struct step *sp, struct run_step *rs,
            struct copy_step *cs, struct image_writer *w, galley_error_t *err)
{
  const struct cf_instruction *in = sp->in;

  if (sp->clear_onbuild)
    json_object_object_del (image_writer_config (w), "OnBuild");
  if (sp->final_labels)
    apply_final_labels (b, w);
  if (in == NULL)
    return 0;
  switch (in->kind)
    {
    case CF_RUN:
      return run_apply (b, st, in, rs, w, err);
    case CF_COPY:
    case CF_ADD:
      return copy_apply (b, st, cs, w, err);
    default:
      return meta_apply (b, st, in, w, err);
    }
}

static int
step_prepare (struct build *b, struct stage_state *st, const struct step *sp, struct run_step *rs,
              struct copy_step *cs, char **key_text, galley_error_t *err)
{
  const struct cf_instruction *in = sp->in;
  _cleanup_free_ char *base = NULL;
  int r;

  if (in == NULL)
    {
      *key_text = xstrdup ("COMMIT");
      r = 0;
    }
  else if (in->kind == CF_RUN)
    r = run_prepare (b, st, in, rs, key_text, err);
  else if (in->kind == CF_COPY || in->kind == CF_ADD)
    r = copy_prepare (b, st, in, cs, key_text, err);
  else
    r = meta_prepare (b, st, in, key_text, err);
  if (r < 0)
    return -1;
  if (! sp->clear_onbuild && ! sp->final_labels)
    return 0;
  base = steal_pointer (key_text);
  *key_text = xasprintf ("%s%s", base, sp->clear_onbuild ? "\n#clear-onbuild" : "");
  if (sp->final_labels)
    {
      size_t i;
      for (i = 0; b->o->labels && b->o->labels[i]; i++)
        {
          free (base);
          base = steal_pointer (key_text);
          *key_text = xasprintf ("%s\n#label %s", base, b->o->labels[i]);
        }
    }
  return 0;
}

static int
step_run (struct build *b, struct stage_state *st, const struct step *sp, galley_error_t *err)
{
  _cleanup_image_writer_ struct image_writer *w = NULL;
  _cleanup_free_ char *key_text = NULL, *id = NULL;
  struct run_step rs = { 0 };
  struct copy_step cs = { .src_fd = -1, .mode = -1 };
  char key[BUILD_CACHE_KEY_SIZE];
  bool use_cache = b->o->layers && ! b->o->no_cache, cached = false;
  int r = -1;

  if (step_prepare (b, st, sp, &rs, &cs, &key_text, err) < 0)
    goto out;
  if (build_cache_key (st->image, key_text, st->args, NULL, key, err) < 0)
    goto out;
  if (use_cache)
    {
      int hit = build_cache_lookup (b->store, key, &id, err);
      if (hit < 0)
        goto out;
      cached = hit == 1;
    }
  if (! cached)
    {
      if (image_writer_new (b->paths, st->image, &w, err) < 0)
        goto out;
      if (b->o->format && strcmp (b->o->format, "docker") == 0)
        image_writer_set_format (w, IMAGE_WRITER_DOCKER);
      r = step_apply (b, st, sp, &rs, &cs, w, err);
      if (r != 0)
        goto out;
      r = -1;
      if (image_writer_commit (w, NULL, &id, err) < 0)
        goto out;
      if (! b->o->layers)
        strv_append (&b->created, id);
      else if (build_cache_record (b->store, key, id, err) < 0)
        goto out;
    }
  print_result (b, id, cached, sp->commit_name);
  r = stage_set_image (b, st, id, err);
out:
  run_step_clear (&rs);
  copy_step_clear (&cs);
  return r;
}

/* Errors of a step name the file, the line and the instruction; a failing
 * RUN keeps its exit status as the exit code, as podman's.  */
static int
step_fail (struct build *b, const struct cf_instruction *in, int r, galley_error_t *err)
{
  if (r > 0)
    return galley_error_make_exit (err, r, 0,
                                   "%s:%u: building at STEP \"%s\": while running runtime: exit status %d",
                                   b->cf_name, in->line, in->text, r);
  return galley_error_wrap (err, "%s:%u: building at STEP \"%s\"", b->cf_name, in ? in->line : 0,
                            in ? in->text : "COMMIT");
}

/* ---- FROM ---- */

int
build_resolve_image (struct build *b, const char *name, char **id, galley_error_t *err)
{
  _cleanup_store_image_ struct store_image *img = NULL;
  const char *policy = b->o->pull ? b->o->pull : "missing";
  struct pull_options po = b->o->pull_opts;
  galley_error_t local = NULL;

  if (store_image_find (b->store, name, &img, &local) == 0 && strcmp (policy, "always") != 0
      && strcmp (policy, "newer") != 0)
    {
      *id = strdup (img->id);
      return 0;
    }
  if (local != NULL && galley_error_errno (&local) != ENOENT)
    {
      *err = local;
      return -1;
    }
  galley_error_release (&local);
  if (strcmp (policy, "never") == 0)
    return galley_error_make (err, ENOENT, "%s: image not known", name);
  if (b->o->quiet)
    po.progress = NULL;
  if (pull_image (b->paths, name, &po, id, err) == 0)
    return 0;
  /* "newer": the local image serves when the registry cannot.  */
  if (strcmp (policy, "newer") == 0 && img != NULL)
    {
      log_warn ("pulling %s: %s; using the local image", name, (*err)->msg);
      galley_error_release (err);
      *id = xstrdup (img->id);
      return 0;
    }
  return -1;
}

/* --platform: only the host's (galley runs no emulation).  */
static int
check_platform (const char *platform, galley_error_t *err)
{
  _cleanup_platform_ struct platform want = { 0 }, host = { 0 };
  _cleanup_free_ char *host_text = NULL;

  if (platform == NULL || *platform == '\0')
    return 0;
  if (platform_from_options (platform, NULL, NULL, NULL, &want, err) < 0 || platform_host (&host, err) < 0)
    return -1;
  platform_normalize (&want);
  platform_normalize (&host);
  if (platform_match_rank (&host, &want) >= 0)
    return 0;
  host_text = platform_format (&host);
  return galley_error_make (err, ENOTSUP, "platform \"%s\": only the host platform %s can be built", platform,
                            host_text ? host_text : "?");
}

static char *
from_text (const struct cf_stage *s)
{
  char *t = NULL;
  if (asprintf (&t, "FROM %s%s%s%s%s", s->platform ? "--platform=" : "", s->platform ? s->platform : "",
                s->platform ? " " : "", s->base, "")
      < 0)
    return NULL;
  if (s->name != NULL)
    {
      char *u = NULL;
      if (asprintf (&u, "%s AS %s", t, s->name) < 0)
        u = NULL;
      free (t);
      t = u;
    }
  return t;
}

/* The base's ONBUILD triggers run right after FROM (as Docker's), the
 * first of them dropping OnBuild from the new image's config.  */
static int
run_onbuild_triggers (struct build *b, struct stage_state *st, galley_error_t *err)
{
  json_object *cfg = stage_config (st), *ob = NULL;
  _cleanup_strv_ char **triggers = NULL;
  size_t i;

  if (cfg == NULL || ! json_object_object_get_ex (cfg, "OnBuild", &ob)
      || ! json_object_is_type (ob, json_type_array))
    return 0;
  /* Copied: each step replaces st->doc.  */
  for (i = 0; i < json_object_array_length (ob); i++)
    {
      const char *t = json_object_get_string (json_object_array_get_idx (ob, i));
      if (t)
        strv_append (&triggers, t);
    }
  for (i = 0; triggers && triggers[i]; i++)
    {
      struct cf_instruction *in = NULL;
      struct step sp = { .clear_onbuild = i == 0 };
      int r;

      if (cf_parse_trigger ("ONBUILD", triggers[i], &in, err) < 0)
        return galley_error_wrap (err, "the base image's ONBUILD trigger \"%s\"", triggers[i]);
      sp.in = in;
      r = step_run (b, st, &sp, err);
      if (r != 0)
        step_fail (b, in, r, err);
      cf_instruction_free (in);
      if (r != 0)
        return -1;
    }
  return 0;
}

static int
stage_from (struct build *b, const struct cf_stage *s, struct stage_state *st, galley_error_t *err)
{
  _cleanup_free_ char *base = NULL, *id = NULL;
  ssize_t idx;

  if (stage_expand (st, s->base, &base, err) < 0)
    return -1;
  if (check_platform (s->platform, err) < 0)
    return -1;
  if (strcasecmp (base, "scratch") == 0)
    return stage_set_image (b, st, NULL, err);
  idx = containerfile_stage_index (b->cf, base, s->index);
  if (idx >= 0)
    {
      if (b->stage_images[idx] == NULL)
        return galley_error_make (err, EINVAL, "stage %s has not been built", base);
      return stage_set_image (b, st, b->stage_images[idx], err);
    }
  if (build_resolve_image (b, base, &id, err) < 0)
    return -1;
  return stage_set_image (b, st, id, err);
}

/* The global ARGs, with --build-arg values, for FROM.  */
static int
global_args (struct build *b, struct stage_state *st, galley_error_t *err)
{
  size_t i;

  if (stage_predefined_args (st, err) < 0)
    return -1;
  for (i = 0; i < b->cf->n_global_args; i++)
    if (stage_declare_args (b, st, &b->cf->global_args[i], true, err) < 0)
      return -1;
  /* FROM sees them all, the predefined ones too.  */
  cleanup_strvp (&st->args);
  st->args = strv_copy (st->global);
  return st->args ? 0 : galley_error_make (err, ENOMEM, "allocating");
}

static int
build_stage (struct build *b, size_t index, bool is_target, galley_error_t *err)
{
  const struct cf_stage *s = &b->cf->stages[index];
  _cleanup_free_ char *ftext = from_text (s);
  struct stage_state st = { 0 };
  size_t total = s->n_instructions + 1, i;
  int ret = -1;

  b->stage = index;
  print_step (b, 1, total, ftext ? ftext : "FROM");
  if (global_args (b, &st, err) < 0 || stage_from (b, s, &st, err) < 0)
    {
      galley_error_wrap (err, "%s:%u: building at STEP \"%s\"", b->cf_name, s->line, ftext ? ftext : "FROM");
      goto out;
    }
  /* Only the global ARGs re-declared in the stage are visible in it.  */
  cleanup_strvp (&st.args);
  st.args = NULL;
  if (run_onbuild_triggers (b, &st, err) < 0)
    goto out;
  for (i = 0; i < s->n_instructions; i++)
    {
      bool last = is_target && i + 1 == s->n_instructions;
      bool labels = last && b->o->labels && b->o->labels[0];
      struct step sp = { .in = &s->instructions[i],
                         .final_labels = labels,
                         .commit_name = last ? (b->o->tags && b->o->tags[0] ? b->o->tags[0] : "") : NULL };
      int r;
      print_step (b, i + 2, total, s->instructions[i].text);
      r = step_run (b, &st, &sp, err);
      if (r != 0)
        {
          step_fail (b, sp.in, r, err);
          goto out;
        }
    }
  /* A target without instructions is still committed anew (its own
   * created time, the labels), as podman's.  */
  if (is_target && (s->n_instructions == 0 || st.image == NULL))
    {
      struct step sp = { .in = NULL,
                         .final_labels = true,
                         .commit_name = b->o->tags && b->o->tags[0] ? b->o->tags[0] : "" };
      int r = step_run (b, &st, &sp, err);
      if (r != 0)
        {
          step_fail (b, NULL, r, err);
          goto out;
        }
    }
  b->stage_images[index] = steal_pointer (&st.image);
  ret = 0;
out:
  stage_state_clear (&st);
  return ret;
}

/* ---- names ---- */

static int
check_tags (const struct build_options *o, galley_error_t *err)
{
  size_t i;
  for (i = 0; o->tags && o->tags[i]; i++)
    {
      _cleanup_free_ char *n = NULL;
      if (image_ref_normalize_name (o->tags[i], &n, err) < 0)
        return -1;
    }
  return 0;
}

static bool
image_has_name (const struct store_image *img, const char *name)
{
  size_t i;
  for (i = 0; img && img->names && img->names[i]; i++)
    if (strcmp (img->names[i], name) == 0)
      return true;
  return false;
}

static int
name_result (struct build *b, const char *id, galley_error_t *err)
{
  _cleanup_store_image_ struct store_image *img = NULL;
  size_t i;

  if (store_image_find (b->store, id, &img, err) < 0)
    return -1;
  for (i = 0; b->o->tags && b->o->tags[i]; i++)
    {
      _cleanup_free_ char *n = NULL;
      if (image_ref_normalize_name (b->o->tags[i], &n, err) < 0)
        return -1;
      /* A rebuild that changed nothing leaves the store as it is.  */
      if (! image_has_name (img, n) && store_image_tag (b->store, id, n, err) < 0)
        return -1;
      if (b->out)
        fprintf (b->out, "Successfully tagged %s\n", n);
    }
  return 0;
}

/* ---- the build ---- */

/* --layers=false keeps no intermediate image (their layers stay with the
 * images that use them).  */
static void
remove_intermediates (struct build *b, const char *keep)
{
  size_t i;

  for (i = 0; b->created && b->created[i]; i++)
    {
      galley_error_t local = NULL;
      if (keep && strcmp (b->created[i], keep) == 0)
        continue;
      if (store_image_remove (b->store, b->created[i], &local) < 0)
        {
          log_warn ("removing the intermediate image %.12s: %s", b->created[i], local->msg);
          galley_error_release (&local);
        }
    }
}

static void
build_release (struct build *b)
{
  size_t i;

  if (b->stage_images && b->cf)
    for (i = 0; i < b->cf->n_stages; i++)
      free (b->stage_images[i]);
  free (b->stage_images);
  containerfile_free (b->cf);
  build_ignore_free (b->ig);
  if (b->context_fd >= 0)
    close (b->context_fd);
  if (b->store)
    store_close (b->store);
  cleanup_strvp (&b->build_args);
  cleanup_strvp (&b->created);
  build_secrets_free (b->secrets, b->n_secrets);
  free (b->cf_name);
}

static int
build_stages (struct build *b, char **image_id, galley_error_t *err)
{
  _cleanup_free_ bool *needed = NULL;
  ssize_t target = (ssize_t)b->cf->n_stages - 1;
  size_t i;

  if (b->o->target != NULL)
    {
      target = containerfile_stage_index (b->cf, b->o->target, b->cf->n_stages);
      if (target < 0)
        return galley_error_make (err, ENOENT, "target stage \"%s\" not found", b->o->target);
    }
  needed = xcalloc (b->cf->n_stages, sizeof *needed);
  b->stage_images = xcalloc (b->cf->n_stages, sizeof *b->stage_images);
  if (mark_needed_stages (b, (size_t)target, needed, err) < 0)
    return -1;
  for (i = 0; i < b->cf->n_stages; i++)
    b->n_stages += needed[i];
  for (i = 0; i <= (size_t)target; i++)
    if (needed[i])
      {
        b->stage_number++;
        if (build_stage (b, i, i == (size_t)target, err) < 0)
          return -1;
      }
  *image_id = xstrdup (b->stage_images[target]);
  return 0;
}

/* --manifest: the image joins the list (made when missing), as podman's.  */
static int
add_to_manifest_list (struct build *b, const char *id, galley_error_t *err)
{
  struct manifest_add_options add = { .registry = { .tls_verify = -1 } };
  _cleanup_free_ char *list_id = NULL, *image = xasprintf ("containers-storage:%s", id);

  if (manifest_list_create (b->paths, b->o->manifest, true, &list_id, err) < 0)
    return -1;
  return manifest_list_add (b->paths, list_id, image, &add, NULL, err);
}

int
build_image (const struct galley_paths *paths, const struct build_options *o, char **image_id,
             galley_error_t *err)
{
  struct build b = { .paths = paths, .o = o, .context_fd = -1, .out = o->quiet ? NULL : o->out };
  _cleanup_free_ char *cf_path = NULL, *id = NULL;
  const char *context = o->context_dir ? o->context_dir : ".";
  int ret = -1;

  if (check_tags (o, err) < 0 || check_platform (o->pull_opts.platform, err) < 0)
    return -1;
  b.context_fd = open (context, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (b.context_fd < 0)
    {
      galley_error_make (err, errno, "context directory %s", context);
      goto out;
    }
  if (build_secrets_parse (o->secrets, &b.secrets, &b.n_secrets, err) < 0)
    goto out;
  if (load_containerfile (&b, context, &cf_path, err) < 0)
    goto out;
  resolve_build_args (&b);
  if (build_ignore_load (b.context_fd, cf_path, &b.ig, err) < 0 || paths_ensure_root (paths, err) < 0
      || store_open (paths, &b.store, err) < 0 || idmap_for_current_user (&b.map, err) < 0)
    goto out;
  if (build_stages (&b, &id, err) < 0)
    goto out;
  if (o->squash)
    {
      _cleanup_free_ char *squashed = NULL;
      if (build_squash (&b, id, &squashed, err) < 0)
        goto out;
      free (id);
      id = steal_pointer (&squashed);
      if (b.out)
        fprintf (b.out, "--> %.11s\n", id);
    }
  if (name_result (&b, id, err) < 0 || (o->manifest && add_to_manifest_list (&b, id, err) < 0))
    goto out;
  *image_id = steal_pointer (&id);
  ret = 0;
out:
  if (b.store)
    remove_intermediates (&b, ret == 0 ? *image_id : NULL);
  build_release (&b);
  return ret;
}
