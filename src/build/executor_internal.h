/* What the pieces of the build executor share: the build in progress, the
 * stage in progress, and the step functions of executor_meta.c (config
 * instructions), executor_run.c (RUN) and executor_copy.c (COPY/ADD).  */
#ifndef GALLEY_BUILD_EXECUTOR_INTERNAL_H
#define GALLEY_BUILD_EXECUTOR_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "build/containerfile.h"
#include "build/executor.h"
#include "build/ignore.h"
#include "image/image_write.h"
#include "image/store.h"
#include "ns/idmap.h"
#include "runtime/spec.h"
#include "util/strv.h"

/* A --secret of the build: the file (or variable) RUN --mount=type=secret
 * makes available.  */
struct build_secret
{
  char *id;
  char *source; /* a path, or with env a variable's name */
  bool env;
};

struct build
{
  const struct galley_paths *paths;
  const struct build_options *o;
  struct store *store;
  struct idmap map;
  struct containerfile *cf;
  char *cf_name; /* for errors: "Containerfile" or the -f path */
  int context_fd;
  struct build_ignore *ig;
  char **stage_images; /* per stage: its result image id once built */
  char **build_args;   /* --build-arg resolved to "K=V" */
  size_t stage;        /* index of the stage being built */
  size_t n_stages;     /* how many stages are built (for "[i/n]") */
  size_t stage_number; /* 1-based among the built stages */
  FILE *out;           /* NULL when quiet */
  char **created;      /* --layers=false: the intermediate images made, removed at the end */
  struct build_secret *secrets;
  size_t n_secrets;
};

struct stage_state
{
  char *image;      /* the current image id; NULL: scratch (nothing yet) */
  json_object *doc; /* its config document (NULL for scratch) */
  char **args;      /* the ARGs in effect in this stage, "K=V" (values set) */
  char **global;    /* the global ARGs (before the first FROM), "K=V" */
  bool cmd_set;     /* a CMD in this stage (an ENTRYPOINT keeps it) */
};

/* The environment for expanding a word: the stage's args, then the image's
 * Env (which wins).  NULL-terminated, malloc'ed.  */
char **stage_expand_env (const struct stage_state *st);
/* cf_expand over env (stage_expand_env).  */
int stage_expand (const struct stage_state *st, const char *word, char **out, galley_error_t *err);
/* The image config's "config" object (NULL if none).  */
json_object *stage_config (const struct stage_state *st);
/* The SHELL in effect (config "Shell" or /bin/sh -c), NULL-terminated.  */
char **stage_shell (const struct stage_state *st);

/* ARG: declare in->args in the stage (global: also as global ARGs).  */
int stage_declare_args (struct build *b, struct stage_state *st, const struct cf_instruction *in, bool global,
                        galley_error_t *err);
/* TARGETPLATFORM, TARGETOS, TARGETARCH, TARGETVARIANT and the BUILD*
 * ones, into st->global.  */
int stage_predefined_args (struct stage_state *st, galley_error_t *err);

/* A flag's value (NULL when absent).  */
const char *cf_flag_value (const struct cf_instruction *in, const char *name);

/* NULL-terminated string vectors.  */
/* Set K=V in v, replacing an existing K.  */
void strv_set_env (char ***v, const char *key, const char *value);
const char *strv_env_get (char *const *v, const char *key);
json_object *json_from_strv (char *const *v);

/* ---- one step: fill *key_text (what the cache key covers besides the
 * parent and the build args) and, when not cached, apply the instruction
 * to the writer.  ---- */

/* Config instructions (ENV ARG WORKDIR USER CMD ENTRYPOINT LABEL EXPOSE
 * VOLUME SHELL STOPSIGNAL HEALTHCHECK ONBUILD MAINTAINER).  ARG also
 * updates st->args (done in prepare, as it affects later expansion).  */
int meta_prepare (struct build *b, struct stage_state *st, const struct cf_instruction *in, char **key_text,
                  galley_error_t *err);
int meta_apply (struct build *b, struct stage_state *st, const struct cf_instruction *in,
                struct image_writer *w, galley_error_t *err);
/* Docker's created_by for a config instruction.  */
char *meta_created_by (const struct cf_instruction *in, const char *expanded);

struct run_step
{
  char **argv;      /* what runs */
  char *created_by; /* history */
};
int run_prepare (struct build *b, struct stage_state *st, const struct cf_instruction *in,
                 struct run_step *rs, char **key_text, galley_error_t *err);
/* Returns the container's exit status (0 success) or -1.  On 0 the layer
 * has been added to w.  */
int run_apply (struct build *b, struct stage_state *st, const struct cf_instruction *in,
               const struct run_step *rs, struct image_writer *w, galley_error_t *err);
void run_step_clear (struct run_step *rs);

/* run_secrets.c: --secret of the build (checked: a file that exists, a
 * variable that is set) and RUN --mount=type=secret.  */
int build_secrets_parse (char *const *specs, struct build_secret **out, size_t *n, galley_error_t *err);
void build_secrets_free (struct build_secret *list, size_t n);
/* The RUN's secret mounts are well-formed and the required ones given.  */
int run_secrets_check (const struct build *b, const struct cf_instruction *in, galley_error_t *err);
/* Once the RUN's container cid exists: its copies of the secrets, mounted
 * read-only; *targets gets their paths in the container.  */
int run_secrets_attach (struct build *b, const struct cf_instruction *in, const char *cid,
                        struct run_spec *spec, char ***targets, galley_error_t *err);
/* Remove from the RUN's upper directory the mount points made for them.  */
void run_secrets_drop_mount_points (const char *upper, char *const *targets);

struct copy_step
{
  char **sources; /* relative to src_fd's root */
  size_t n_sources;
  int src_fd;      /* the context, a heredoc dir, a downloaded file's dir, or -1: src_image */
  char *src_image; /* --from: an image id whose rootfs is the source */
  char *dest;      /* expanded, absolute */
  char *chown;     /* --chown spec or NULL */
  int mode;        /* --chmod or -1 */
  char *tmp_dir;   /* heredoc/URL files, removed at clear */
  char *created_by;
  bool extract_tars; /* ADD: local archives are extracted */
};
int copy_prepare (struct build *b, struct stage_state *st, const struct cf_instruction *in,
                  struct copy_step *cs, char **key_text, galley_error_t *err);
int copy_apply (struct build *b, struct stage_state *st, const struct copy_step *cs, struct image_writer *w,
                galley_error_t *err);
void copy_step_clear (struct copy_step *cs);

/* A scratch directory under the storage root (build-tmp/XXXXXX), and its
 * removal inside the user namespace (it may hold files of subordinate
 * ids).  */
int build_tmp_dir (struct build *b, char **out, galley_error_t *err);
void build_tmp_remove (struct build *b, const char *dir);

/* An image by name or id, pulled per --pull when missing; *id: its id.  */
int build_resolve_image (struct build *b, const char *name, char **id, galley_error_t *err);

/* --squash: a copy of image id with its layers flattened into one.  */
int build_squash (struct build *b, const char *id, char **out, galley_error_t *err);

/* The diff dirs of an image's layers, bottom first, NULL-terminated.  */
int build_image_lowers (struct build *b, const char *image_id, char ***lowers, galley_error_t *err);

#endif
