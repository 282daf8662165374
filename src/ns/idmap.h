/* The uid/gid maps of a user namespace: container 0 is the calling user,
 * container 1..N are the user's subordinate ids (libsubid when built with it,
 * else /etc/subuid and /etc/subgid), or a single-id map when the user has
 * none.  As real root: the identity map.  */
#ifndef GALLEY_IDMAP_H
#define GALLEY_IDMAP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/error.h"

#define IDMAP_MAX_RANGES 16

struct idmap_range
{
  uint32_t container_id, host_id, size;
};

enum idmap_source
{
  IDMAP_SOURCE_ROOT,       /* real root: identity, no user namespace needed */
  IDMAP_SOURCE_SUBID_FILE, /* /etc/subuid + /etc/subgid read directly */
  IDMAP_SOURCE_LIBSUBID,   /* through libsubid (nsswitch "subid") */
  IDMAP_SOURCE_SINGLE,     /* only container 0 -> the user */
};

struct idmap
{
  struct idmap_range uid[IDMAP_MAX_RANGES];
  size_t n_uid;
  struct idmap_range gid[IDMAP_MAX_RANGES];
  size_t n_gid;
  enum idmap_source source;
};

/* The map for the calling user (see the file comment).  A user with
 * subordinate uids but no subordinate gids (or the reverse) gets the
 * single-id map: half a map would make most images fail obscurely.  */
int idmap_for_current_user (struct idmap *out, galley_error_t *err);

/* "root", "/etc/subuid", "libsubid", "single-id" (for `galley info`).  */
const char *idmap_source_name (enum idmap_source s);

/* Parse the text of /etc/subuid or /etc/subgid ("owner:start:count" per
 * line; owner is a user name or a decimal uid; '#' comments, blank and
 * malformed lines are skipped, as shadow does).  The ranges of `user` or
 * `uid` are appended to ranges[*n..max-1], numbered as container ids after
 * the last one already there (or from 1 when *n is 0).  Ranges beyond max
 * are ignored.  Never fails.  */
void idmap_parse_subid (const char *text, const char *user, uid_t uid, struct idmap_range *ranges, size_t max,
                        size_t *n);

/* Append the host range [host_id, host_id+size) after the last container id
 * of ranges (or at container id 1 when *n is 0).  Returns 0, or -1 when full
 * or when the container ids would overflow 32 bits (the range is dropped).  */
int idmap_append_range (struct idmap_range *ranges, size_t max, size_t *n, uint32_t host_id, uint32_t size);

/* The host id of container id `id`, or -1 when unmapped.  */
int64_t idmap_to_host (const struct idmap_range *ranges, size_t n, uint32_t id);
/* The container id of host id `id`, or -1 when unmapped.  */
int64_t idmap_to_container (const struct idmap_range *ranges, size_t n, uint32_t id);

/* The map for --userns=keep-id[:uid=U,gid=G] (as podman's): container U is
 * the user (container 0 of base), container 0..U-1 and U+1.. are the
 * subordinate ids of base in order.  With a single-id base only U itself is
 * mapped.  Fails for a root base ("keep-id is only supported in rootless
 * mode", as podman).  */
int idmap_keep_id (const struct idmap *base, uint32_t uid, uint32_t gid, struct idmap *out,
                   galley_error_t *err);

/* How files stored through map `store` (the layers, extracted with the
 * user's own map) look in a user namespace with map `ns`: for each id i of
 * store, the id that store's host id for i has in ns, as a range
 * { .container_id = i, .host_id = the id in ns }.  Ids ns does not map are
 * left out; adjacent ranges are merged.  Returns the number of ranges, or -1
 * when there would be more than max.  */
int idmap_compose (const struct idmap_range *store, size_t n_store, const struct idmap_range *ns, size_t n_ns,
                   struct idmap_range *out, size_t max);

/* Two ranges overlap in at most n_store + n_ns pieces.  */
#define IDMAP_VIEW_MAX_RANGES (2 * IDMAP_MAX_RANGES)

/* idmap_compose of the uids and of the gids.  */
struct idmap_view
{
  struct idmap_range uid[IDMAP_VIEW_MAX_RANGES];
  size_t n_uid;
  struct idmap_range gid[IDMAP_VIEW_MAX_RANGES];
  size_t n_gid;
};

/* The view of store's files from ns.  Returns 1 when ns sees them with other
 * owners than store's own namespace does (keep-id rearranges the ids), 0
 * when it sees them as stored (out is then the identity).  */
int idmap_view_of (const struct idmap *store, const struct idmap *ns, struct idmap_view *out);

/* Render ranges as the kernel's uid_map text ("0 1000 1\n1 100000 65536\n").
 * Returns a malloc'd string.  */
char *idmap_format (const struct idmap_range *ranges, size_t n);

#endif
