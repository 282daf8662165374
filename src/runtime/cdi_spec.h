/* One CDI spec (the Container Device Interface: a vendor's description of
 * its devices and of what a container needs to use them), read from the
 * JSON or YAML that `nvidia-ctk cdi generate` and others write, versions
 * 0.1.0 to 1.1.0.  Read strictly, as the reference implementation reads
 * it: unknown fields, a version below what the fields used need, invalid
 * names are errors.  The container edits come out in galley's own terms:
 * device nodes as --device's host nodes, mounts as -v's, hooks as OCI
 * hooks.  Pure: nothing is looked up on the host here.  */
#ifndef GALLEY_RUNTIME_CDI_SPEC_H
#define GALLEY_RUNTIME_CDI_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <json-c/json.h>

#include "runtime/spec.h"
#include "util/error.h"

/* What a device (or any device of a spec) changes in the container.  */
struct cdi_edits
{
  char **env; /* "NAME=value", NULL-terminated, may be NULL */
  struct device_spec *nodes;
  size_t n_nodes;
  struct mount_spec *mounts;
  size_t n_mounts;
  struct hook_set hooks;
  gid_t *gids; /* additionalGids, 0 left out */
  size_t n_gids;
  bool intel_rdt;   /* asked for resctrl settings */
  bool net_devices; /* asked for host network interfaces */
};

struct cdi_device
{
  char *name;
  struct cdi_edits edits;
};

struct cdi_spec
{
  char *vendor, *class_; /* the kind, vendor/class */
  struct cdi_device *devices;
  size_t n_devices;
  struct cdi_edits edits; /* for every container given one of its devices */
};

/* Parse and validate the document of one spec file; `what` names it in
 * errors.  */
int cdi_spec_parse (json_object *doc, const char *what, struct cdi_spec **out, galley_error_t *err);
void cdi_spec_free (struct cdi_spec *s);

void cdi_edits_clear (struct cdi_edits *e);

/* Most containers have no CDI device: then nothing to free, and this
 * file's code stays off the way of every start.  */
static inline void
cleanup_cdi_editsp (struct cdi_edits *e)
{
  if (e->env != NULL || e->nodes != NULL || e->mounts != NULL || e->gids != NULL
      || ! hook_set_empty (&e->hooks))
    cdi_edits_clear (e);
}
#define _cleanup_cdi_edits_ __attribute__ ((cleanup (cleanup_cdi_editsp)))

/* Append copies of src's edits to dst's.  */
int cdi_edits_append (struct cdi_edits *dst, const struct cdi_edits *src, galley_error_t *err);

/* A fully qualified device name, "vendor/class=name" (vendor and class
 * of letters, digits, '.', '-' and '_', starting with a letter and ending
 * with a letter or digit; the name also with ':', starting with a letter
 * or digit): *vendor_len and *class_len are the lengths of the first two
 * parts.  */
bool cdi_parse_qualified_name (const char *s, size_t *vendor_len, size_t *class_len);

#endif
