/* What the pieces of manifest lists share (manifest_list.c: the list in
 * the store; manifest_list_remote.c: registries' images and lists;
 * manifest_list_push.c: the push).  Not for use outside src/image.  */
#ifndef GALLEY_MANIFEST_LIST_INTERNAL_H
#define GALLEY_MANIFEST_LIST_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "image/manifest_list.h"
#include "image/store.h"

/* Where an instance comes from.  */
#define MANIFEST_STORAGE_TRANSPORT "containers-storage:"
#define MANIFEST_DOCKER_TRANSPORT "docker://"

/* strdup that never fails (NULL stays NULL).  */
char *manifest_strdup (const char *s);

/* One entry of a list.  */
struct list_instance
{
  char *digest;
  char *media_type;
  int64_t size;
  char *os, *arch, *variant, *os_version;
  char **features, **os_features;
  json_object *annotations; /* string -> string, or NULL */
  char *source;             /* "containers-storage:ID", "docker://REF@DIGEST" or NULL */
};

struct manifest_list
{
  char *id;
  struct list_instance *v;
  size_t n;
};

void list_instance_clear (struct list_instance *in);
void manifest_list_clear (struct manifest_list *l);

/* The list document (Docker's list, or oci: an OCI index) of l.  */
json_object *manifest_list_json (const struct manifest_list *l, bool oci);
/* A stored list document with its sources (may be NULL) into l.  */
int manifest_list_parse (const char *doc, size_t len, json_object *sources, struct manifest_list *l,
                         galley_error_t *err);

/* storage/manifest-lists.lock, taken (close the fd to release).  */
int manifest_list_lock (const struct galley_paths *p, galley_error_t *err);
/* The list of the store called name (EINVAL when name is another image).  */
int manifest_list_open (struct store *s, const char *name, struct manifest_list *l, galley_error_t *err);
/* Replace the list's document and sources (hold the lock).  */
int manifest_list_save (struct store *s, const struct manifest_list *l, galley_error_t *err);

/* The instances a registry's image adds: the image itself, or of a list
 * the one for this machine, or for the os, arch and variant of o->set
 * when it names them (o->all: every one).  image is "docker://REF" or a
 * plain reference.  */
int manifest_remote_instances (const struct galley_paths *p, const char *image,
                               const struct manifest_add_options *o, struct list_instance **out, size_t *n,
                               galley_error_t *err);

/* The manifest (or list) a registry has under name, as podman prints it.  */
int manifest_remote_document (const struct galley_paths *p, const char *name,
                              const struct manifest_registry_options *o, json_object **out,
                              galley_error_t *err);

#endif
