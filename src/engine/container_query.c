/* What containers there are (see container.h).  */
#include "config.h"
#include "engine/container.h"

#include <errno.h>

#include "state/container_info.h"

int
engine_container_find (const struct engine *e, const char *name_or_id, struct container_entry *out,
                       galley_error_t *err)
{
  return container_find (e->paths, name_or_id, out, err);
}

int
engine_container_list (const struct engine *e, struct container_listing **out, galley_error_t *err)
{
  return container_listing_open (e->paths, out, err);
}

int
engine_container_entries (const struct engine *e, struct container_entry **out, size_t *n,
                          galley_error_t *err)
{
  return container_list (e->paths, out, n, err);
}

int
engine_container_inspect (const struct engine *e, const struct container_entry *c, json_object **out,
                          galley_error_t *err)
{
  *out = container_inspect_record (e->paths, c);
  return *out != NULL ? 0 : galley_error_make (err, ENOMEM, "allocating");
}
