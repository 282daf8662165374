/* Manifest lists, as podman's `manifest` commands keep them: an image in
 * the store (image/store.h, "manifest lists") whose manifest is a Docker
 * manifest list of instances -- images of the store or of a registry,
 * each with its platform and annotations -- and, beside its record,
 * instances.json: where each instance comes from ("containers-storage:ID"
 * or "docker://REF"), for the push.  Changes to lists are serialised by
 * storage/manifest-lists.lock and replace the list's manifest atomically.  */
#ifndef GALLEY_MANIFEST_LIST_H
#define GALLEY_MANIFEST_LIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <json-c/json.h>

#include "image/push.h"
#include "state/paths.h"
#include "util/error.h"

/* How to reach registries (pull_options' and push_options' fields).  */
struct manifest_registry_options
{
  const char *authfile;
  const char *creds;
  const char *cert_dir;
  int tls_verify; /* -1 default, 0, 1 */
};

/* What `manifest add` and `annotate` may set on an instance.  */
struct manifest_instance_options
{
  const char *os;
  const char *arch;
  const char *variant;
  const char *os_version;
  const char *const *features;    /* NULL-terminated, may be NULL */
  const char *const *os_features; /* NULL-terminated, may be NULL */
  const char *const *annotations; /* "KEY=VALUE", NULL-terminated, may be NULL */
};

struct manifest_add_options
{
  bool all; /* a list's every instance, not the one for this platform */
  struct manifest_instance_options set;
  struct manifest_registry_options registry;
};

/* `manifest create NAME`: a new empty list (amend: an existing list of
 * that name is used instead); *id gets its id.  Fails when the name is an
 * image that is not a list, or a list without amend, as podman's: 'image
 * name "localhost/x:latest" is already associated with image "ID": that
 * name is already in use'.  */
int manifest_list_create (const struct galley_paths *p, const char *name, bool amend, char **id,
                          galley_error_t *err);

/* `manifest add LIST IMAGE`: IMAGE is "containers-storage:NAME" (an image
 * of the store), "docker://REF" or a plain REF (a registry's, as podman's:
 * never looked up locally).  An image that is itself a list adds the
 * instance for this machine's platform, or with all every instance.
 * *id (optional) gets the list's id.  */
int manifest_list_add (const struct galley_paths *p, const char *list, const char *image,
                       const struct manifest_add_options *o, char **id, galley_error_t *err);

/* `manifest remove LIST DIGEST`.  */
int manifest_list_remove (const struct galley_paths *p, const char *list, const char *digest, char **id,
                          galley_error_t *err);

/* `manifest annotate LIST IMAGE`: IMAGE is an instance's digest or an
 * image of the store that is one.  */
int manifest_list_annotate (const struct galley_paths *p, const char *list, const char *image,
                            const struct manifest_instance_options *o, char **id, galley_error_t *err);

/* `manifest inspect NAME`: the list of the store called NAME, else the
 * manifest a registry has under NAME, as podman prints them.  */
int manifest_list_inspect (const struct galley_paths *p, const char *name,
                           const struct manifest_registry_options *o, json_object **out, galley_error_t *err);

/* The lists among names (`manifest rm`): their ids, in order; an image
 * that is not a list fails with EINVAL ("NAME: image is not a manifest
 * list"), an unknown name with ENOENT.  */
int manifest_list_find (const struct galley_paths *p, const char *name, char **id, galley_error_t *err);

struct store;
struct store_image;

/* Where an image is used (run, create, push without --all), a list stands
 * for its instance for this machine's platform, as with podman: when *img
 * is a list, it is replaced by that image of the store; when the store
 * has no such instance: 'could not find image instance DIGEST of manifest
 * list ID in local containers storage: image not known' (ENOENT).  */
int manifest_list_resolve_image (struct store *s, struct store_image **img, galley_error_t *err);

/* manifest_list_resolve_image by name: *id gets the id of the list's
 * image for this platform when name is a list, NULL when it is not.  */
int manifest_list_image_for_platform (const struct galley_paths *p, const char *name, char **id,
                                      galley_error_t *err);

/* Remove the list called name from the store, whatever names it has
 * (`manifest push --rm`).  */
int manifest_list_delete (const struct galley_paths *p, const char *name, galley_error_t *err);

struct manifest_push_options
{
  bool all;                 /* push the instances too (the default), not only the list */
  enum push_format format;  /* of the list: OCI index (the default) or Docker list */
  struct push_options push; /* the instances' (format, compression, registry access, progress) */
};

/* `manifest push LIST DESTINATION`: the instances by digest into the
 * destination's repository (local ones written as `push` writes images,
 * a registry's copied blob by blob), then the list, rewritten with the
 * instances' pushed digests, under DESTINATION's tag.  *digest (optional)
 * gets the list's digest as pushed.  */
int manifest_list_push (const struct galley_paths *p, const char *list, const char *destination,
                        const struct manifest_push_options *o, char **digest, galley_error_t *err);

#endif
