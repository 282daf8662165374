/* Container commit (see commit.h).  */
#include "config.h"
#include "runtime/commit.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image/image_change.h"
#include "image/layer_import.h"
#include "image/store.h"
#include "runtime/export.h"
#include "runtime/lifecycle.h"
#include "state/container_state.h"
#include "state/portspec.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/log.h"
#include "util/strv.h"

/* What podman's commit takes from the container: the command line as the
 * container resolved it, its environment, working directory, user and
 * labels.  */
static void
config_from_container (json_object *config, const struct container_config *container, bool include_volumes)
{
  size_t i;

  if (container->entrypoint != NULL)
    {
      json_object_object_add (config, "Entrypoint",
                              json_strings_array (container->entrypoint, strv_len (container->entrypoint)));
      /* An entrypoint given at run drops the image's command (podman).  */
      json_object_object_del (config, "Cmd");
    }
  if (strv_len (container->command) > 0)
    json_object_object_add (config, "Cmd",
                            json_strings_array (container->command, strv_len (container->command)));
  for (i = 0; container->env != NULL && container->env[i] != NULL; i++)
    {
      const char *e = container->env[i], *eq = strchr (e, '=');
      _cleanup_free_ char *name = eq ? strndup (e, (size_t)(eq - e)) : NULL;
      if (name)
        image_config_set_env (config, name, eq + 1);
    }
  if (container->workdir && *container->workdir)
    json_object_object_add (config, "WorkingDir", json_object_new_string (container->workdir));
  if (container->user && *container->user)
    json_object_object_add (config, "User", json_object_new_string (container->user));
  /* Published ports become exposed ports, as podman's commit does.  */
  for (i = 0; container->publish != NULL && container->publish[i] != NULL; i++)
    {
      _cleanup_free_ struct port_mapping *ports = NULL;
      _cleanup_error_ galley_error_t ignored = NULL;
      size_t n = 0, k, r;

      if (port_parse_publish (container->publish[i], &ports, &n, &ignored) < 0)
        continue;
      for (k = 0; k < n; k++)
        for (r = 0; r < (ports[k].range ? ports[k].range : 1u); r++)
          {
            char key[32];
            snprintf (key, sizeof key, "%u/%s", (unsigned)(ports[k].container_port + r), ports[k].protocol);
            json_object_object_add (json_get_or_add (config, "ExposedPorts", json_type_object), key,
                                    json_object_new_object ());
          }
    }
  /* Anonymous volumes ("-v /data") always; the others when asked.  */
  for (i = 0; container->volumes != NULL && container->volumes[i] != NULL; i++)
    {
      const char *spec = container->volumes[i], *colon = strchr (spec, ':');
      _cleanup_free_ char *dest = NULL;

      if (colon && ! include_volumes)
        continue;
      dest = colon ? strndup (colon + 1, strcspn (colon + 1, ":")) : strdup (spec);
      if (dest && dest[0] == '/')
        json_object_object_add (json_get_or_add (config, "Volumes", json_type_object), dest,
                                json_object_new_object ());
    }
  for (i = 0; container->labels != NULL && container->labels[i] != NULL; i++)
    {
      const char *kv = container->labels[i], *eq = strchr (kv, '=');
      _cleanup_free_ char *key = strndup (kv, eq ? (size_t)(eq - kv) : strlen (kv));
      if (key)
        json_object_object_add (json_get_or_add (config, "Labels", json_type_object), key,
                                json_object_new_string (eq ? eq + 1 : ""));
    }
}

/* The whole filesystem as one layer (copy method, --rootfs, --squash):
 * the export's tar, through an unlinked file in the store.  */
static int
add_flattened_layer (const struct galley_paths *p, struct image_writer *w, const struct run_spec *spec,
                     const char *comment, galley_error_t *err)
{
  _cleanup_store_ struct store *s = NULL;
  _cleanup_close_ int fd = -1;

  if (store_open (p, &s, err) < 0)
    return -1;
  fd = layer_import_tmpfile (s, err);
  if (fd < 0 || container_export (spec, fd, err) < 0)
    return -1;
  if (lseek (fd, 0, SEEK_SET) < 0)
    return galley_error_make (err, errno, "rewinding the exported filesystem");
  image_writer_drop_layers (w);
  return image_writer_add_layer_tar (w, fd, NULL, comment, err);
}

static int
add_layer (const struct galley_paths *p, struct container_entry *e, struct image_writer *w,
           const struct run_spec *spec, const struct commit_options *o, galley_error_t *err)
{
  bool paused = false;
  galley_error_t unpause_err = NULL;
  int lock, ret;

  if (o->pause && e->state.status == CONTAINER_STATUS_RUNNING)
    {
      if (container_pause (p, e, true, err) < 0)
        return galley_error_wrap (err, "pausing the container");
      paused = true;
    }
  /* The container's lock while its files are read: rm waits rather than
   * removing them under the reader (pause takes the lock itself, so
   * before).  */
  lock = container_lock (p, e->id, err);
  if (lock < 0)
    ret = -1;
  else if (o->squash || spec->upper_dir == NULL || spec->rootfs_method == ROOTFS_METHOD_COPY
           || spec->rootfs_method == ROOTFS_METHOD_DIR)
    ret = add_flattened_layer (p, w, spec, o->message, err);
  else
    {
      image_writer_set_source_idmap (w, run_spec_upper_map (spec));
      ret = image_writer_add_layer_dir (w, spec->upper_dir, NULL, o->message, err);
    }
  if (lock >= 0)
    close (lock);
  if (paused && container_pause (p, e, false, &unpause_err) < 0)
    {
      log_warn ("unpausing the container: %s", unpause_err->msg);
      galley_error_release (&unpause_err);
    }
  return ret;
}

int
container_commit (const struct galley_paths *p, struct container_entry *e, const struct run_spec *spec,
                  const struct commit_options *o, char **id, galley_error_t *err)
{
  _cleanup_image_writer_ struct image_writer *w = NULL;
  const char *base = e->config.image_id;
  json_object *doc;
  size_t reused;

  if (image_writer_new (p, base, &w, err) < 0)
    return -1;
  image_writer_set_format (w, o->format);
  doc = image_writer_doc (w);
  if (o->author && *o->author)
    json_object_object_add (doc, "author", json_object_new_string (o->author));
  /* Only the docker format has a place for the message besides history.  */
  if (o->format == IMAGE_WRITER_DOCKER && o->message && *o->message)
    json_object_object_add (doc, "comment", json_object_new_string (o->message));
  config_from_container (image_writer_config (w), &e->config, o->include_volumes);
  if (o->changes)
    image_changes_apply (image_writer_config (w), o->changes);
  if (add_layer (p, e, w, spec, o, err) < 0)
    return galley_error_wrap (err, "committing container %.12s", e->id);
  reused = image_writer_n_layers (w) - 1;
  if (image_writer_commit (w, o->names, id, err) < 0)
    return -1;
  if (o->progress)
    image_writer_print_progress (w, o->progress, reused, *id);
  return 0;
}
