/* COPY and ADD.  The sources are resolved before anything runs (context
 * globs confined to the context, heredocs and downloaded URLs written to a
 * scratch directory, --from an earlier stage's or another image's rootfs)
 * and their digest goes into the cache key.  The copy itself runs as root
 * of the user namespace (so --chown sets real owners) in a private mount
 * namespace: the current image is mounted as an overlay whose upper dir
 * starts empty, the files are copied into the mounted tree (destination
 * paths and --chown names resolve inside the image), and the upper dir is
 * the new layer, in the same form as a RUN's.  ADD extracts local tar
 * archives at the destination.  */
#include "config.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build/context.h"
#include "build/executor_internal.h"
#include "image/layer_archive.h"
#include "ns/userns.h"
#include "registry/http.h"
#include "runtime/passwd.h"
#include "runtime/rootfs.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/xmalloc.h"

void
copy_step_clear (struct copy_step *cs)
{
  size_t i;
  for (i = 0; i < cs->n_sources; i++)
    free (cs->sources[i]);
  free (cs->sources);
  if (cs->src_fd >= 0)
    close (cs->src_fd);
  free (cs->src_image);
  free (cs->dest);
  free (cs->chown);
  free (cs->created_by);
  if (cs->tmp_dir)
    {
      galley_error_t ignored = NULL;
      if (fs_remove_tree (AT_FDCWD, cs->tmp_dir, &ignored) < 0)
        galley_error_release (&ignored);
      free (cs->tmp_dir);
    }
  memset (cs, 0, sizeof *cs);
  cs->src_fd = -1;
  cs->mode = -1;
}

static void
add_source (struct copy_step *cs, const char *path)
{
  strv_append (&cs->sources, path);
  cs->n_sources++;
}

static bool
is_url (const char *s)
{
  return strncmp (s, "http://", 7) == 0 || strncmp (s, "https://", 8) == 0;
}

/* A scratch directory for heredoc and URL sources (host tmp: readable by
 * the user namespace's root, which is the user).  */
static int
scratch_source_dir (struct copy_step *cs, galley_error_t *err)
{
  char tmpl[] = "/tmp/galley-build-src-XXXXXX";

  if (cs->tmp_dir != NULL)
    return 0;
  if (mkdtemp (tmpl) == NULL)
    return galley_error_make (err, errno, "creating a scratch directory");
  cs->tmp_dir = strdup (tmpl);
  cs->src_fd = open (tmpl, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (cs->tmp_dir == NULL || cs->src_fd < 0)
    return galley_error_make (err, errno, "opening %s", tmpl);
  return 0;
}

static int
write_source_file (struct copy_step *cs, const char *name, const char *data, size_t len, mode_t mode,
                   galley_error_t *err)
{
  _cleanup_close_ int fd = -1;

  if (strchr (name, '/') != NULL || strcmp (name, "..") == 0 || strcmp (name, ".") == 0 || *name == '\0')
    return galley_error_make (err, EINVAL, "invalid source name \"%s\"", name);
  fd = openat (cs->src_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
  if (fd < 0 || (len > 0 && write (fd, data, len) != (ssize_t)len))
    return galley_error_make (err, errno, "writing %s", name);
  add_source (cs, name);
  return 0;
}

/* ---- URLs (ADD) ---- */

static int
file_sink (void *ctx, const void *buf, size_t len, galley_error_t *err)
{
  int fd = *(int *)ctx;
  if (write (fd, buf, len) != (ssize_t)len)
    return galley_error_make (err, errno, "writing the download");
  return 0;
}

static int
download (struct copy_step *cs, const char *url, galley_error_t *err)
{
  _cleanup_free_ char *current = strdup (url), *name = NULL;
  _cleanup_close_ int fd = -1;
  const char *slash;
  int hops;

  if (current == NULL || scratch_source_dir (cs, err) < 0)
    return -1;
  /* Docker names the file after the URL's last path component.  */
  slash = strrchr (url + strcspn (url, ":") + 3, '/');
  name = strndup (slash && slash[1] ? slash + 1 : "download",
                  strcspn (slash && slash[1] ? slash + 1 : "download", "?#"));
  if (name == NULL || *name == '\0' || strcmp (name, "..") == 0 || strcmp (name, ".") == 0)
    return galley_error_make (err, EINVAL, "ADD %s: cannot name the downloaded file", url);
  http_global_init ();
  for (hops = 0; hops < 10; hops++)
    {
      _cleanup_curl_ CURL *h = xalloc_check (http_handle_new ());
      _cleanup_http_response_ struct http_response rs = { 0 };
      struct http_tls tls = { .verify = true };
      struct http_request rq = { .url = current, .tls = &tls, .sink = file_sink };
      enum http_failure failure;

      if (fd >= 0)
        close (fd);
      unlinkat (cs->src_fd, name, 0);
      fd = openat (cs->src_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
      if (fd < 0)
        return galley_error_make (err, errno, "creating %s", name);
      rq.sink_ctx = &fd;
      if (http_perform (h, &rq, &rs, &failure, err) < 0)
        return galley_error_wrap (err, "ADD %s", url);
      if (rs.status >= 300 && rs.status < 400 && rs.location)
        {
          free (current);
          current = xstrdup (rs.location);
          continue;
        }
      if (rs.status != 200)
        return galley_error_make (err, EIO, "ADD %s: HTTP status %ld", url, rs.status);
      add_source (cs, name);
      return 0;
    }
  return galley_error_make (err, ELOOP, "ADD %s: too many redirects", url);
}

/* ---- prepare: sources, destination, cache key ---- */

/* The destination raw names, absolute, malloc'ed.  */
static char *
resolve_dest (struct stage_state *st, const char *raw)
{
  json_object *cfg = stage_config (st), *wd = NULL;
  const char *cwd = "/";
  char *dest;

  if (raw[0] == '/')
    return xstrdup (raw);
  if (cfg && json_object_object_get_ex (cfg, "WorkingDir", &wd) && json_object_get_string (wd)
      && *json_object_get_string (wd))
    cwd = json_object_get_string (wd);
  dest =
      xasprintf ("%s%s%s", cwd, cwd[strlen (cwd) - 1] == '/' ? "" : "/", strcmp (raw, ".") == 0 ? "" : raw);
  /* "COPY x ." means the working directory itself.  */
  if (strcmp (raw, ".") == 0 || strcmp (raw, "./") == 0)
    {
      char *d = xasprintf ("%s/", dest);
      free (dest);
      dest = d;
    }
  return dest;
}

static int
collect_sources (struct build *b, struct stage_state *st, const struct cf_instruction *in,
                 struct copy_step *cs, char *const *srcs, size_t n, galley_error_t *err)
{
  size_t i, k;
  int kinds = 0; /* 1 context, 2 scratch (heredoc/URL) */

  for (i = 0; i < n; i++)
    {
      const struct cf_heredoc *hd = cf_heredoc_for_word (in, srcs[i]);
      if (hd != NULL)
        {
          _cleanup_free_ char *content = NULL;
          kinds |= 2;
          if (hd->expand)
            {
              if (stage_expand (st, hd->content, &content, err) < 0)
                return -1;
            }
          else
            content = xstrdup (hd->content);
          if (scratch_source_dir (cs, err) < 0
              || write_source_file (cs, hd->name, content, strlen (content), 0644, err) < 0)
            return -1;
        }
      else if (in->kind == CF_ADD && is_url (srcs[i]) && cs->src_image == NULL)
        {
          kinds |= 2;
          if (download (cs, srcs[i], err) < 0)
            return -1;
        }
      else if (cs->src_image != NULL)
        {
          kinds |= 1;
          add_source (cs, srcs[i]);
        }
      else
        {
          _cleanup_strv_ char **paths = NULL;
          size_t np = 0;
          kinds |= 1;
          if (build_context_glob (b->context_fd, b->ig, srcs[i], &paths, &np, err) < 0)
            return -1;
          for (k = 0; k < np; k++)
            add_source (cs, paths[k]);
        }
    }
  if (kinds == 3)
    return galley_error_make (err, ENOTSUP,
                              "%s: mixing build-context sources with heredocs or URLs is not supported",
                              cf_kind_name (in->kind));
  return 0;
}

static int
copy_key (struct build *b, const struct cf_instruction *in, struct copy_step *cs, char **key_text,
          galley_error_t *err)
{
  _cleanup_free_ char *digest = NULL;
  char *text = NULL;
  size_t i;

  if (cs->src_image == NULL
      && build_context_digest (cs->src_fd >= 0 ? cs->src_fd : b->context_fd, cs->src_fd >= 0 ? NULL : b->ig,
                               cs->sources, cs->n_sources, &digest, err)
             < 0)
    return -1;
  text = xasprintf ("%s\nfrom=%s\ncontent=%s\nchown=%s\nchmod=%o\ndest=%s", cf_kind_name (in->kind),
                    cs->src_image ? cs->src_image : "", digest ? digest : "", cs->chown ? cs->chown : "",
                    (unsigned)cs->mode, cs->dest);
  for (i = 0; i < cs->n_sources; i++)
    {
      char *n = xasprintf ("%s\n%zu:%s", text, strlen (cs->sources[i]), cs->sources[i]);
      free (text);
      text = n;
    }
  *key_text = text;
  cs->created_by =
      xasprintf ("/bin/sh -c #(nop) %s %s%s in %s ", cf_kind_name (in->kind), digest ? "file:" : "",
                 digest ? digest + 7 : (cs->src_image ? cs->src_image : ""), cs->dest);
  return 0;
}

static int
copy_from (struct build *b, struct stage_state *st, const char *from, struct copy_step *cs,
           galley_error_t *err)
{
  _cleanup_free_ char *name = NULL;
  ssize_t idx;

  if (stage_expand (st, from, &name, err) < 0)
    return -1;
  idx = containerfile_stage_index (b->cf, name, b->stage);
  if (idx >= 0)
    {
      if (b->stage_images[idx] == NULL)
        return galley_error_make (err, EINVAL, "--from=%s: that stage has not been built", name);
      cs->src_image = xstrdup (b->stage_images[idx]);
      return 0;
    }
  return build_resolve_image (b, name, &cs->src_image, err);
}

int
copy_prepare (struct build *b, struct stage_state *st, const struct cf_instruction *in, struct copy_step *cs,
              char **key_text, galley_error_t *err)
{
  _cleanup_strv_ char **words = NULL;
  const char *v;
  size_t i, n;

  if (in->n_args < 2)
    return galley_error_make (err, EINVAL, "%s requires at least two arguments", cf_kind_name (in->kind));
  words = xcalloc (in->n_args + 1, sizeof *words);
  for (i = 0; i < in->n_args; i++)
    if (strncmp (in->args[i], "<<", 2) == 0)
      words[i] = xstrdup (in->args[i]);
    else if (stage_expand (st, in->args[i], &words[i], err) < 0)
      return -1;
  n = in->n_args - 1;
  if ((v = cf_flag_value (in, "from")) && copy_from (b, st, v, cs, err) < 0)
    return -1;
  if ((v = cf_flag_value (in, "chown")) && *v && stage_expand (st, v, &cs->chown, err) < 0)
    return -1;
  if ((v = cf_flag_value (in, "chmod")) && *v)
    {
      char *end = NULL;
      long m = strtol (v, &end, 8);
      if (*end != '\0' || m < 0 || m > 07777)
        return galley_error_make (err, EINVAL, "--chmod=%s: not an octal mode", v);
      cs->mode = (int)m;
    }
  cs->extract_tars = in->kind == CF_ADD;
  cs->dest = resolve_dest (st, words[n]);
  if (collect_sources (b, st, in, cs, words, n, err) < 0)
    return -1;
  if (cs->n_sources > 1 && cs->dest[strlen (cs->dest) - 1] != '/')
    return galley_error_make (err, EINVAL,
                              "%s: when using several sources the destination must be a directory "
                              "and end with a /",
                              cf_kind_name (in->kind));
  return copy_key (b, in, cs, key_text, err);
}

/* ---- apply: inside the user namespace ---- */

struct copy_job
{
  struct build *b;
  const struct copy_step *cs;
  enum rootfs_method method;
  char **lowers, **src_lowers;
  const char *tmp;
};

/* Mount lowers (overlay with a scratch upper) at tmp/<name>; an image
 * without layers is an empty directory.  Returns an O_PATH fd of the root.  */
static int
mount_image (struct copy_job *job, char **lowers, const char *name, bool *mounted, galley_error_t *err)
{
  _cleanup_free_ char *mnt = NULL, *upper = NULL, *work = NULL;
  struct run_spec spec = { 0 };
  int fd;

  mnt = xasprintf ("%s/%s-mnt", job->tmp, name);
  upper = xasprintf ("%s/%s-upper", job->tmp, name);
  work = xasprintf ("%s/%s-work", job->tmp, name);
  if ((mkdir (mnt, 0755) < 0 && errno != EEXIST) || (mkdir (upper, 0755) < 0 && errno != EEXIST)
      || (mkdir (work, 0700) < 0 && errno != EEXIST))
    return galley_error_make (err, errno, "creating %s", mnt);
  if (lowers == NULL || lowers[0] == NULL)
    {
      fd = open (upper, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      return fd < 0 ? galley_error_make (err, errno, "opening %s", upper) : fd;
    }
  spec.rootfs_method = job->method;
  spec.lower_dirs = lowers;
  spec.upper_dir = upper;
  spec.work_dir = work;
  spec.mountpoint = mnt;
  fd = rootfs_mount (&spec, err);
  if (fd < 0)
    return -1;
  *mounted = true;
  {
    /* An O_PATH fd would do for the resolution, but the copy needs a real
     * directory fd.  */
    int dfd = openat (fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    close (fd);
    return dfd < 0 ? galley_error_make (err, errno, "opening the mounted image") : dfd;
  }
}

static void
unmount_image (struct copy_job *job, const char *name)
{
  _cleanup_free_ char *mnt = NULL;
  if (asprintf (&mnt, "%s/%s-mnt", job->tmp, name) >= 0)
    umount2 (mnt, MNT_DETACH);
}

static bool
is_tar_archive (int fd)
{
  struct archive *a = archive_read_new ();
  struct archive_entry *e;
  bool ok;

  archive_read_support_filter_all (a);
  archive_read_support_format_tar (a);
  ok = archive_read_open_fd (a, fd, 65536) == ARCHIVE_OK && archive_read_next_header (a, &e) == ARCHIVE_OK;
  archive_read_free (a);
  lseek (fd, 0, SEEK_SET);
  return ok;
}

/* Extract the archive fd at dest inside the image mounted at root_fd: the
 * process enters the image's root (a private mount namespace) so that no
 * path of the archive or of the image can lead outside it.  */
static int
extract_tar (int fd, int root_fd, const char *dest, bool keep_owners, galley_error_t *err)
{
  _cleanup_archive_read_ struct archive *a = archive_read_new ();
  struct archive *disk = archive_write_disk_new ();
  struct archive_entry *e;
  int flags = ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_SECURE_SYMLINKS
              | ARCHIVE_EXTRACT_SECURE_NODOTDOT | ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS
              | ARCHIVE_EXTRACT_UNLINK;
  int r, ret = -1;

  if (keep_owners)
    flags |= ARCHIVE_EXTRACT_OWNER;
  if (fchdir (root_fd) < 0 || chroot (".") < 0 || chdir ("/") < 0)
    {
      galley_error_make (err, errno, "entering the image's root");
      goto out;
    }
  if (fs_mkdir_p (dest, 0755, err) < 0 || chdir (dest) < 0)
    {
      if (*err == NULL)
        galley_error_make (err, errno, "%s", dest);
      goto out;
    }
  archive_read_support_filter_all (a);
  archive_read_support_format_tar (a);
  archive_write_disk_set_options (disk, flags);
  if (archive_read_open_fd (a, fd, 65536) != ARCHIVE_OK)
    {
      layer_archive_fail (a, err, "reading the archive");
      goto out;
    }
  while ((r = archive_read_next_header (a, &e)) == ARCHIVE_OK)
    {
      if (archive_write_header (disk, e) != ARCHIVE_OK)
        {
          layer_archive_fail (disk, err, archive_entry_pathname (e));
          goto out;
        }
      if (archive_entry_size (e) > 0)
        {
          const void *buf;
          size_t size;
          la_int64_t off;
          int rr;
          while ((rr = archive_read_data_block (a, &buf, &size, &off)) == ARCHIVE_OK)
            if (archive_write_data_block (disk, buf, size, off) != ARCHIVE_OK)
              {
                layer_archive_fail (disk, err, archive_entry_pathname (e));
                goto out;
              }
          if (rr != ARCHIVE_EOF)
            {
              layer_archive_fail (a, err, "reading the archive");
              goto out;
            }
        }
      if (archive_write_finish_entry (disk) != ARCHIVE_OK)
        {
          layer_archive_fail (disk, err, archive_entry_pathname (e));
          goto out;
        }
    }
  if (r != ARCHIVE_EOF)
    {
      layer_archive_fail (a, err, "reading the archive");
      goto out;
    }
  ret = 0;
out:
  archive_write_free (disk);
  return ret;
}

/* ADD: sources that are tar archives are extracted; the rest copied.
 * Extraction enters the image's root, so it comes last.  */
static int
copy_or_extract (struct copy_job *job, int src_fd, const struct build_ignore *ig, int root_fd, uid_t uid,
                 gid_t gid, galley_error_t *err)
{
  const struct copy_step *cs = job->cs;
  _cleanup_free_ char **plain = xcalloc (cs->n_sources + 1, sizeof (char *));
  _cleanup_free_ int *tars = xcalloc (cs->n_sources + 1, sizeof (int));
  size_t i, np = 0, nt = 0;
  int ret = -1;

  for (i = 0; i < cs->n_sources; i++)
    {
      int fd = cs->extract_tars ? fs_open_in_root (src_fd, cs->sources[i], O_RDONLY | O_NOFOLLOW, 0) : -1;
      struct stat st;
      if (fd >= 0 && fstat (fd, &st) == 0 && S_ISREG (st.st_mode) && is_tar_archive (fd))
        tars[nt++] = fd;
      else
        {
          if (fd >= 0)
            close (fd);
          plain[np++] = cs->sources[i];
        }
    }
  if (np > 0 && build_context_copy (src_fd, ig, plain, np, root_fd, cs->dest, uid, gid, cs->mode, err) < 0)
    goto out;
  for (i = 0; i < nt; i++)
    if (extract_tar (tars[i], root_fd, cs->dest, job->b->map.source != IDMAP_SOURCE_SINGLE, err) < 0)
      goto out;
  ret = 0;
out:
  for (i = 0; i < nt; i++)
    close (tars[i]);
  return ret;
}

static int
copy_child (void *arg, galley_error_t *err)
{
  struct copy_job *job = arg;
  const struct copy_step *cs = job->cs;
  struct passwd_user pu = { 0 };
  bool mounted = false, src_mounted = false;
  _cleanup_close_ int root_fd = -1, src_fd = -1;
  const struct build_ignore *ig = NULL;
  uid_t uid = (uid_t)-1;
  gid_t gid = (gid_t)-1;
  int ret = -1;

  root_fd = mount_image (job, job->lowers, "dest", &mounted, err);
  if (root_fd < 0)
    goto out;
  if (cs->src_image != NULL)
    {
      src_fd = mount_image (job, job->src_lowers, "src", &src_mounted, err);
      if (src_fd < 0)
        goto out;
    }
  else if (cs->src_fd < 0)
    ig = job->b->ig;
  if (cs->chown != NULL)
    {
      if (passwd_resolve_user (root_fd, cs->chown, &pu, err) < 0)
        goto out;
      uid = pu.uid;
      gid = pu.gid;
    }
  if (cs->src_image != NULL)
    {
      /* The sources are globs in the other image's rootfs.  */
      struct copy_step expanded = *cs;
      _cleanup_strv_ char **all = NULL;
      size_t i, k;
      for (i = 0; i < cs->n_sources; i++)
        {
          _cleanup_strv_ char **paths = NULL;
          size_t np = 0;
          if (build_context_glob (src_fd, NULL, cs->sources[i], &paths, &np, err) < 0)
            goto out;
          for (k = 0; k < np; k++)
            strv_append (&all, paths[k]);
        }
      expanded.sources = all;
      expanded.n_sources = strv_len (all);
      job->cs = &expanded;
      ret = copy_or_extract (job, src_fd, NULL, root_fd, uid, gid, err);
      job->cs = cs;
      goto out;
    }
  ret = copy_or_extract (job, cs->src_fd >= 0 ? cs->src_fd : job->b->context_fd, ig, root_fd, uid, gid, err);
out:
  passwd_user_clear (&pu);
  if (root_fd >= 0)
    close (steal_fd (&root_fd));
  if (mounted)
    unmount_image (job, "dest");
  if (src_mounted)
    unmount_image (job, "src");
  return ret;
}

int
copy_apply (struct build *b, struct stage_state *st, const struct copy_step *cs, struct image_writer *w,
            galley_error_t *err)
{
  struct copy_job job = { .b = b, .cs = cs };
  _cleanup_free_ char *tmp = NULL, *upper = NULL;
  const char *why = NULL;
  int ret = -1;

  if ((st->image && build_image_lowers (b, st->image, &job.lowers, err) < 0)
      || (cs->src_image && build_image_lowers (b, cs->src_image, &job.src_lowers, err) < 0))
    goto out;
  if ((job.lowers || job.src_lowers) && rootfs_method_choose (b->paths, &b->map, &job.method, &why, err) < 0)
    goto out;
  if ((job.lowers || job.src_lowers) && job.method != ROOTFS_METHOD_NATIVE
      && job.method != ROOTFS_METHOD_FUSE)
    {
      galley_error_make (err, ENOTSUP,
                         "COPY needs an overlay rootfs (native or fuse-overlayfs); this system "
                         "uses the copy method");
      goto out;
    }
  if (build_tmp_dir (b, &tmp, err) < 0)
    goto out;
  job.tmp = tmp;
  upper = xasprintf ("%s/dest-upper", tmp);
  if (userns_run (&b->map, CLONE_NEWNS, copy_child, &job, err) < 0)
    goto out;
  ret = image_writer_add_layer_dir (w, upper, cs->created_by, NULL, err);
out:
  cleanup_strvp (&job.lowers);
  cleanup_strvp (&job.src_lowers);
  if (tmp)
    build_tmp_remove (b, tmp);
  return ret;
}

/* ---- scratch directories and image layers ---- */

int
build_tmp_dir (struct build *b, char **out, galley_error_t *err)
{
  _cleanup_free_ char *parent = xasprintf ("%s/build-tmp", store_root (b->store));
  _cleanup_free_ char *dir = xasprintf ("%s/XXXXXX", parent);

  if (mkdir (parent, 0700) < 0 && errno != EEXIST)
    return galley_error_make (err, errno, "creating %s", parent);
  if (mkdtemp (dir) == NULL)
    return galley_error_make (err, errno, "creating %s", dir);
  *out = steal_pointer (&dir);
  return 0;
}

static int
remove_child (void *arg, galley_error_t *err)
{
  return fs_remove_tree (AT_FDCWD, arg, err);
}

void
build_tmp_remove (struct build *b, const char *dir)
{
  galley_error_t local = NULL;

  /* Files of subordinate ids (and the overlay's work dir) need the user
   * namespace's root.  */
  if (userns_run (&b->map, 0, remove_child, (void *)dir, &local) < 0)
    {
      log_warn ("removing %s: %s", dir, local->msg);
      galley_error_release (&local);
    }
}

int
build_image_lowers (struct build *b, const char *image_id, char ***lowers, galley_error_t *err)
{
  _cleanup_store_image_ struct store_image *img = NULL;
  _cleanup_strv_ char **v = NULL;
  size_t n = 0, i;

  if (store_image_find (b->store, image_id, &img, err) < 0)
    return -1;
  while (img->layers && img->layers[n])
    n++;
  v = xcalloc (n + 1, sizeof *v);
  for (i = 0; i < n; i++)
    if (store_layer_diff_dir (b->store, img->layers[i], &v[i], err) < 0)
      return -1;
  *lowers = n > 0 ? steal_pointer (&v) : NULL;
  return 0;
}
