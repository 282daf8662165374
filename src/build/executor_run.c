/* RUN: the command runs in a temporary container made from the current
 * image with the runtime of `run` (runtime/launch.h: the same spec
 * building, rootfs, network, security), with the stage's build ARGs in its
 * environment; the container's overlay upper dir — changes as files,
 * deletions as whiteouts, replaced directories opaque — becomes the new
 * layer.  The container is removed whatever happens.  */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build/executor_internal.h"
#include "runtime/launch.h"
#include "image/whiteout.h"
#include "runtime/monitor.h"
#include "state/container.h"
#include "state/container_state.h"
#include "util/cleanup.h"
#include "util/digest.h"
#include "util/json.h"
#include "util/log.h"
#include "util/xmalloc.h"

void
run_step_clear (struct run_step *rs)
{
  cleanup_strvp (&rs->argv);
  free (rs->created_by);
  memset (rs, 0, sizeof *rs);
}

/* "RUN <<EOF" (only heredocs on the command line): the heredoc is the
 * script.  */
static bool
heredoc_is_script (const struct cf_instruction *in)
{
  const char *p = in->args[0];

  if (in->n_heredocs != 1)
    return false;
  while (*p == ' ' || *p == '\t')
    p++;
  if (strncmp (p, "<<", 2) != 0)
    return false;
  p += strcspn (p, " \t");
  while (*p == ' ' || *p == '\t')
    p++;
  return *p == '\0';
}

/* "RUN <<EOF" whose body starts with "#!": buildkit runs the body as a
 * file with its interpreter.  The shell writes it to /dev/shm (a tmpfs:
 * not part of the layer) and runs the interpreter named on the "#!" line
 * (with its one optional argument, as the kernel would) on it.  */
static char *
shebang_script (const struct cf_heredoc *hd)
{
  const char *p = hd->content + 2, *end = strchr (p, '\n');
  _cleanup_free_ char *first = xstrndup (p, end ? (size_t)(end - p) : strlen (p));
  char *interp, *arg;
  const char *file = "/dev/shm/.galley-heredoc";

  interp = first + strspn (first, " \t");
  arg = interp + strcspn (interp, " \t");
  if (*arg != '\0')
    {
      *arg++ = '\0';
      arg += strspn (arg, " \t");
    }
  return xasprintf ("cat > %s <<'%s'\n%s%s\nexec '%s' %s%s%s %s", file, hd->name, hd->content, hd->name,
                    interp, *arg ? "'" : "", arg, *arg ? "'" : "", file);
}

int
run_prepare (struct build *b, struct stage_state *st, const struct cf_instruction *in, struct run_step *rs,
             char **key_text, galley_error_t *err)
{
  _cleanup_free_ char *line = NULL;
  size_t i;

  if (in->n_args == 0)
    return galley_error_make (err, EINVAL, "RUN requires a command");
  if (run_secrets_check (b, in, err) < 0)
    return -1;
  if (in->exec_form)
    {
      rs->argv = xcalloc (in->n_args + 1, sizeof (char *));
      for (i = 0; i < in->n_args; i++)
        rs->argv[i] = xstrdup (in->args[i]);
    }
  else
    {
      line = ! heredoc_is_script (in)                          ? cf_run_heredoc_script (in)
             : strncmp (in->heredocs[0].content, "#!", 2) == 0 ? shebang_script (&in->heredocs[0])
                                                               : xstrdup (in->heredocs[0].content);
      rs->argv = stage_shell (st);
      strv_append (&rs->argv, line);
    }
  rs->created_by = strv_join (rs->argv, " ");
  /* argv elements are NUL-separated in the key: no two argvs collide.  */
  *key_text = xasprintf ("RUN\nnetwork=%s\n%zu", b->o->network ? b->o->network : "", strv_len (rs->argv));
  for (i = 0; rs->argv[i]; i++)
    {
      char *n = xasprintf ("%s\n%zu:%s", *key_text, strlen (rs->argv[i]), rs->argv[i]);
      free (*key_text);
      *key_text = n;
    }
  /* --mount flags as written (a secret's name, never its data); a RUN
   * without any keeps the key it had.  */
  for (i = 0; i < in->n_flags; i++)
    if (strcmp (in->flags[i].name, "mount") == 0)
      {
        char *n = xasprintf ("%s\nmount=%s", *key_text, in->flags[i].value);
        free (*key_text);
        *key_text = n;
      }
  return 0;
}

/* The container's configuration, as `run` would have stored it.  */
static int
run_config (struct build *b, struct stage_state *st, const struct run_step *rs, struct container_config *c,
            galley_error_t *err)
{
  _cleanup_strv_ char **image_env = json_get_strv (stage_config (st), "Env");
  size_t i, k;

  c->image = strdup (st->image);
  c->image_id = strdup (st->image);
  c->entrypoint = strv_copy (NULL);
  c->command = strv_copy (rs->argv);
  c->pull = strdup ("never");
  /* A numeric USER gets no /etc/passwd entry in the layer (buildah's).  */
  c->no_passwd = true;
  /* RUN writes to the build's output, not to a container log (buildah's) */
  c->log_driver = strdup ("none");
  if (b->o->network && strcmp (b->o->network, "private") != 0
      && (c->network = strdup (b->o->network)) == NULL)
    return galley_error_make (err, ENOMEM, "allocating");
  if (container_config_set_string (&c->unmapped_ids, b->o->unmapped_ids ? b->o->unmapped_ids : "auto", err)
      < 0)
    return -1;
  c->env = strv_copy (NULL);
  if (image_env == NULL || c->image == NULL || c->image_id == NULL || c->entrypoint == NULL
      || c->command == NULL || c->pull == NULL || c->log_driver == NULL || c->env == NULL)
    return galley_error_make (err, ENOMEM, "allocating");
  /* Build ARGs are in the environment unless an ENV of the same name
   * wins.  */
  for (i = 0; st->args && st->args[i]; i++)
    {
      bool shadowed = false;
      size_t klen = strcspn (st->args[i], "=");
      for (k = 0; image_env[k] != NULL; k++)
        if (strncmp (image_env[k], st->args[i], klen) == 0 && image_env[k][klen] == '=')
          shadowed = true;
      if (! shadowed)
        strv_append (&c->env, st->args[i]);
    }
  /* The proxy ARGs reach RUN without being declared (Docker's predefined
   * ARGs); the config never records them.  */
  for (i = 0; b->build_args && b->build_args[i]; i++)
    {
      static const char *const proxies[] = { "HTTP_PROXY", "HTTPS_PROXY", "FTP_PROXY", "NO_PROXY",
                                             "ALL_PROXY" };
      size_t klen = strcspn (b->build_args[i], "=");
      _cleanup_free_ char *key = strndup (b->build_args[i], klen);
      for (k = 0; key && k < sizeof proxies / sizeof proxies[0]; k++)
        if (strcasecmp (key, proxies[k]) == 0 && strv_env_get (st->args, key) == NULL)
          strv_append (&c->env, b->build_args[i]);
    }
  return 0;
}

/* The runtime creates mount points for /etc/hosts, /etc/resolv.conf,
 * /etc/hostname and /run/.containerenv (copying them up when the image has
 * them) and the /proc, /sys and /dev directories: none of that is a change
 * the RUN made, so it leaves the layer (buildah does the same).  */
static void
drop_mount_points (const char *upper)
{
  static const char *const files[] = { "etc/hosts", "etc/resolv.conf", "etc/hostname", "run/.containerenv" };
  static const char *const dirs[] = { "proc", "sys", "dev", "run", "etc" };
  _cleanup_close_ int fd = open (upper, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  size_t i;

  if (fd < 0)
    return;
  for (i = 0; i < sizeof files / sizeof files[0]; i++)
    {
      struct stat st;
      if (fstatat (fd, files[i], &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG (st.st_mode))
        unlinkat (fd, files[i], 0);
    }
  for (i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
    {
      _cleanup_close_ int d = openat (fd, dirs[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      /* Only when empty and not opaque: rmdir refuses a non-empty one.  */
      if (d >= 0 && ! whiteout_dir_is_opaque (d))
        unlinkat (fd, dirs[i], AT_REMOVEDIR);
    }
}

static int
run_container (struct build *b, struct stage_state *st, const struct cf_instruction *in,
               const struct run_step *rs, struct image_writer *w, galley_error_t *err)
{
  _cleanup_container_config_ struct container_config config = { 0 };
  _cleanup_free_ char *cdir = NULL, *upper = NULL;
  _cleanup_strv_ char **secret_targets = NULL;
  struct run_spec spec = { 0 };
  galley_error_t local = NULL;
  bool created = false;
  int run_lock = -1;
  char id[HEX_ID_BUFSIZE];
  int status = -1;

  if (run_config (b, st, rs, &config, err) < 0 || container_new_id (id, err) < 0)
    return -1;
  if (run_build_spec (b->paths, &config, id, &spec, err) < 0)
    goto out;
  if (spec.rootfs_method != ROOTFS_METHOD_NATIVE && spec.rootfs_method != ROOTFS_METHOD_FUSE)
    {
      galley_error_make (err, ENOTSUP,
                         "RUN needs an overlay rootfs (native or fuse-overlayfs); this system "
                         "uses the copy method");
      goto out;
    }
  if (run_create_record (b->paths, &config, id, &run_lock, err) < 0)
    goto out;
  created = true;
  if (run_secrets_attach (b, in, id, &spec, &secret_targets, err) < 0)
    goto out;
  status = run_execute (b->paths, &config, &spec, &run_lock, false, err);
  if (status != 0)
    goto out;
  cdir = container_dir (b->paths, id);
  if (cdir == NULL || asprintf (&upper, "%s/upper", cdir) < 0)
    {
      status = galley_error_make (err, errno, "allocating");
      goto out;
    }
  run_secrets_drop_mount_points (upper, secret_targets);
  drop_mount_points (upper);
  status = image_writer_add_layer_dir (w, upper, rs->created_by, NULL, err);
out:
  if (created && container_remove (b->paths, &spec.map, id, &run_lock, &local) < 0)
    {
      log_warn ("removing the build container %s: %s", id, local->msg);
      galley_error_release (&local);
    }
  if (run_lock >= 0)
    close (run_lock);
  run_spec_clear (&spec);
  return status;
}

int
run_apply (struct build *b, struct stage_state *st, const struct cf_instruction *in,
           const struct run_step *rs, struct image_writer *w, galley_error_t *err)
{
  if (st->image == NULL)
    return galley_error_make (err, EINVAL, "RUN in a stage FROM scratch: there is nothing to run");
  if (b->out)
    fflush (b->out);
  fflush (stdout);
  return run_container (b, st, in, rs, w, err);
}
