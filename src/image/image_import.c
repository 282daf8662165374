/* Tarball import (see image_import.h).  A URL is downloaded first into an
 * unlinked file in the storage root (libcurl, through registry/http.h),
 * following at most a few redirects.  */
#include "config.h"
#include "image/image_import.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image/image_change.h"
#include "image/image_write.h"
#include "image/layer_import.h"
#include "image/store.h"
#include "registry/http.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/xmalloc.h"

#define IMPORT_MAX_REDIRECTS 5

bool
image_import_is_url (const char *source)
{
  return strncmp (source, "http://", 7) == 0 || strncmp (source, "https://", 8) == 0;
}

static int
sink_to_fd (void *ctx, const void *buf, size_t len, galley_error_t *err)
{
  if (fs_write_all (*(int *)ctx, buf, len) < 0)
    return galley_error_make (err, errno, "writing the download");
  return 0;
}

static int
download (const struct galley_paths *p, const char *url, int *out_fd, galley_error_t *err)
{
  _cleanup_store_ struct store *s = NULL;
  _cleanup_close_ int fd = -1;
  _cleanup_free_ char *current = strdup (url);
  int hops;

  if (current == NULL)
    return galley_error_make (err, ENOMEM, "allocating");
  if (store_open (p, &s, err) < 0 || (fd = layer_import_tmpfile (s, err)) < 0)
    return -1;
  http_global_init ();
  for (hops = 0; hops <= IMPORT_MAX_REDIRECTS; hops++)
    {
      _cleanup_curl_ CURL *h = http_handle_new ();
      _cleanup_http_response_ struct http_response rs = { 0 };
      struct http_request rq = { .url = current, .sink = sink_to_fd, .sink_ctx = &fd };
      enum http_failure failure;

      if (h == NULL)
        return galley_error_make (err, ENOMEM, "allocating");
      if (ftruncate (fd, 0) < 0 || lseek (fd, 0, SEEK_SET) < 0)
        return galley_error_make (err, errno, "resetting the download");
      if (http_perform (h, &rq, &rs, &failure, err) < 0)
        return galley_error_wrap (err, "downloading %s", url);
      if (rs.status >= 200 && rs.status < 300)
        {
          if (lseek (fd, 0, SEEK_SET) < 0)
            return galley_error_make (err, errno, "rewinding the download");
          *out_fd = steal_fd (&fd);
          return 0;
        }
      if (rs.status < 300 || rs.status >= 400 || rs.location == NULL)
        return galley_error_make (err, 0, "downloading %s: HTTP status %ld", url, rs.status);
      free (current);
      current = xstrdup (rs.location);
    }
  return galley_error_make (err, 0, "downloading %s: too many redirects", url);
}

static int
open_source (const struct galley_paths *p, const char *source, galley_error_t *err)
{
  int fd = -1;

  if (image_import_is_url (source))
    return download (p, source, &fd, err) < 0 ? -1 : fd;
  if (strcmp (source, "-") == 0)
    {
      if (isatty (STDIN_FILENO))
        return galley_error_make (err, 0, "cannot read from terminal, use command-line redirection");
      fd = dup (STDIN_FILENO);
    }
  else
    fd = open (source, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return galley_error_make (err, errno, "opening %s",
                              strcmp (source, "-") == 0 ? "standard input" : source);
  return fd;
}

/* A scratch writer with only the changes and the platform asked for.  */
static void
import_config (struct image_writer *w, const struct image_import_options *o)
{
  json_object *doc = image_writer_doc (w);

  if (o->os)
    json_object_object_add (doc, "os", json_object_new_string (o->os));
  if (o->arch)
    {
      json_object_object_add (doc, "architecture", json_object_new_string (o->arch));
      json_object_object_del (doc, "variant");
    }
  if (o->variant)
    json_object_object_add (doc, "variant", json_object_new_string (o->variant));
  if (o->changes)
    image_changes_apply (image_writer_config (w), o->changes);
}

int
image_import (const struct galley_paths *p, const struct image_import_options *o, char **id,
              galley_error_t *err)
{
  _cleanup_image_writer_ struct image_writer *w = NULL;
  _cleanup_close_ int fd = -1;
  _cleanup_free_ char *created_by = NULL;
  const char *names[] = { o->name, NULL };
  json_object *history, *diff_ids, *rootfs;

  if (image_import_is_url (o->source))
    printf ("Downloading from \"%s\"\n", o->source);
  fd = open_source (p, o->source, err);
  if (fd < 0 || image_writer_new (p, NULL, &w, err) < 0)
    return -1;
  import_config (w, o);
  if (o->progress)
    fprintf (o->progress, "Getting image source signatures\n");
  if (image_writer_add_layer_tar (w, fd, NULL, o->message, err) < 0)
    return galley_error_wrap (err, "importing %s", o->source);
  /* The tarball transport's history entry names the layer's diff_id.  */
  if (json_object_object_get_ex (image_writer_doc (w), "rootfs", &rootfs)
      && json_object_object_get_ex (rootfs, "diff_ids", &diff_ids)
      && json_object_object_get_ex (image_writer_doc (w), "history", &history)
      && json_object_array_length (history) > 0
      && asprintf (&created_by, "/bin/sh -c #(nop) ADD file:%s in /",
                   json_object_get_string (json_object_array_get_idx (diff_ids, 0)) + 7)
             >= 0)
    json_object_object_add (json_object_array_get_idx (history, 0), "created_by",
                            json_object_new_string (created_by));
  if (image_writer_commit (w, o->name ? names : NULL, id, err) < 0)
    return -1;
  if (o->progress)
    image_writer_print_progress (w, o->progress, 0, *id);
  return 0;
}
