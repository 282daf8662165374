/* The OCI hooks of a container, stage by stage: each hook as the OCI
 * runtime spec gives it (path, args, env, timeout).  runtime/hooks.h says
 * where they come from and where each stage runs.  */
#ifndef GALLEY_RUNTIME_HOOK_SET_H
#define GALLEY_RUNTIME_HOOK_SET_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "util/error.h"

enum hook_stage
{
  HOOK_PRESTART,
  HOOK_CREATE_RUNTIME,
  HOOK_CREATE_CONTAINER,
  HOOK_START_CONTAINER,
  HOOK_POSTSTART,
  HOOK_POSTSTOP,
  HOOK_STAGE_COUNT
};

struct oci_hook
{
  char *path;  /* absolute */
  char **args; /* argv; NULL: { path } */
  char **env;  /* the whole environment; NULL: empty */
  int timeout; /* seconds; 0: none */
};

struct hook_set
{
  struct oci_hook *hooks[HOOK_STAGE_COUNT];
  size_t n[HOOK_STAGE_COUNT];
  /* The container's annotations, which the state shows (a JSON object's
   * text; NULL: none).  */
  char *annotations;
};

/* The OCI name of a stage ("createRuntime"), and the stage of a name (-1
 * when unknown).  */
const char *hook_stage_name (enum hook_stage stage);
int hook_stage_from_name (const char *name);

/* Parse one OCI hook entry ({"path", "args", "env", "timeout"}); `what`
 * names it in errors.  */
int oci_hook_parse (json_object *obj, const char *what, struct oci_hook *out, galley_error_t *err);
void oci_hook_clear (struct oci_hook *h);
void oci_hook_copy (const struct oci_hook *src, struct oci_hook *dst);

/* Append a copy of h to the stage.  */
void hook_set_add (struct hook_set *set, enum hook_stage stage, const struct oci_hook *h);
static inline bool
hook_set_empty (const struct hook_set *set)
{
  int i;

  for (i = 0; i < HOOK_STAGE_COUNT; i++)
    if (set->n[i] > 0)
      return false;
  return true;
}

void hook_set_clear (struct hook_set *set);

/* The array of strings obj[key] as a new vector, or *out NULL when absent;
 * anything else is an error naming `what`.  */
int hook_json_strings (json_object *obj, const char *key, const char *what, char ***out, galley_error_t *err);

#endif
