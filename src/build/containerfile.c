/* Containerfile parsing (stub; implementation follows).  */
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include "build/containerfile.h"

int
containerfile_parse (const char *name, const char *text, size_t len, struct containerfile **out,
                     galley_error_t *err)
{
  (void)text;
  (void)len;
  *out = NULL;
  return galley_error_make (err, ENOSYS, "%s: parsing not implemented yet", name);
}

void
containerfile_free (struct containerfile *cf)
{
  free (cf);
}

const char *
cf_kind_name (enum cf_kind k)
{
  (void)k;
  return "?";
}

int
cf_expand (const char *word, char *const *env, char **out, galley_error_t *err)
{
  (void)word;
  (void)env;
  *out = NULL;
  return galley_error_make (err, ENOSYS, "expansion not implemented yet");
}

ssize_t
containerfile_stage_index (const struct containerfile *cf, const char *name_or_index, size_t before)
{
  (void)cf;
  (void)name_or_index;
  (void)before;
  return -1;
}
