/* Container configuration -> runtime spec -> a container in the foreground
 * (see launch.h).  */
#include "config.h"
#include "runtime/launch.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/manifest_list.h"
#include "image/pull.h"
#include "image/store.h"
#include "runtime/cdi.h"
#include "runtime/cgroup.h"
#include "runtime/helpers.h"
#include "runtime/hooks.h"
#include "runtime/lifecycle.h"
#include "runtime/passwd.h"
#include "runtime/monitor.h"
#include "runtime/process.h"
#include "runtime/rootfs.h"
#include "runtime/rootfs_copy.h"
#include "runtime/rootfs_squash.h"
#include "runtime/mount_args.h"
#include "runtime/secret_mounts.h"
#include "runtime/volume_mounts.h"
#include "runtime/unmapped_ids.h"
#include "state/container.h"
#include "state/container_list.h"
#include "state/container_log.h"
#include "state/container_secrets.h"
#include "state/events.h"
#include "state/pod.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/log.h"
#include "util/strv.h"

/* The image of name under pull policy: the stored one unless the policy
 * says otherwise, else pulled.  */
static int
find_or_pull (const struct galley_paths *paths, struct store *s, const char *name, const char *policy,
              const struct pull_options *po, struct store_image **img, galley_error_t *err)
{
  _cleanup_free_ char *id = NULL;
  galley_error_t local = NULL;

  if (strcmp (policy, "always") != 0 && store_image_find (s, name, img, &local) == 0)
    return 0;
  if (local != NULL && galley_error_errno (&local) != ENOENT)
    {
      *err = local;
      return -1;
    }
  galley_error_release (&local);
  if (strcmp (policy, "never") == 0)
    return galley_error_make (err, 0, "%s: image not known", name);
  if (pull_image (paths, name, po, &id, err) < 0)
    return -1;
  return store_image_find (s, id, img, err);
}

int
run_resolve_image (const struct galley_paths *paths, struct container_config *config, FILE *progress,
                   galley_error_t *err)
{
  _cleanup_store_ struct store *s = NULL;
  _cleanup_store_image_ struct store_image *img = NULL;
  const char *name = config->image;
  const char *policy = config->pull;
  struct pull_options po = { .tls_verify = -1, .progress = progress };

  if (rootfs_squash_resolve (config, err) < 0)
    return -1;
  if (config->rootfs || config->is_infra)
    return 0;
  if (policy == NULL)
    policy = "missing";
  if (strcmp (policy, "missing") != 0 && strcmp (policy, "always") != 0 && strcmp (policy, "never") != 0
      && strcmp (policy, "newer") != 0)
    return galley_error_make (err, 0, "invalid pull policy \"%s\" (always, missing, never, newer)", policy);
  if (store_open (paths, &s, err) < 0 || find_or_pull (paths, s, name, policy, &po, &img, err) < 0
      || manifest_list_resolve_image (s, &img, err) < 0)
    return -1;
  return container_config_set_string (&config->image_id, img->id, err);
}

/* Image defaults: Env, Entrypoint, Cmd, WorkingDir, User; and the lowers.  */
static int
spec_from_image (const struct galley_paths *paths, const struct container_config *config,
                 struct run_spec *spec, json_object **image_cfg, galley_error_t *err)
{
  _cleanup_store_ struct store *s = NULL;
  _cleanup_store_image_ struct store_image *img = NULL;
  _cleanup_json_ json_object *doc = NULL;
  json_object *inner = NULL;
  size_t n = 0, i;

  if (store_open (paths, &s, err) < 0 || store_image_find (s, config->image_id, &img, err) < 0
      || store_image_config (s, img, &doc, err) < 0)
    return galley_error_wrap (err, "image %s", config->image);
  while (img->layers != NULL && img->layers[n] != NULL)
    n++;
  spec->lower_dirs = calloc (n + 1, sizeof (char *));
  if (spec->lower_dirs == NULL)
    return galley_error_make (err, errno, "allocating");
  for (i = 0; i < n; i++)
    if (store_layer_diff_dir (s, img->layers[i], &spec->lower_dirs[i], err) < 0)
      return -1;
  if (n == 0)
    return galley_error_make (err, 0, "image %s has no layers", config->image);
  spec->foreign_lowers = store_layers_foreign (s, spec->lower_dirs);
  if (json_object_object_get_ex (doc, "config", &inner))
    *image_cfg = json_object_get (inner);
  return 0;
}

static int
build_argv (const struct container_config *config, json_object *image_cfg, struct run_spec *spec,
            galley_error_t *err)
{
  _cleanup_strv_ char **a = NULL, **b = NULL;
  size_t na, nb, i;

  /* an infra container runs no command (runtime/reaper.h) */
  if (config->is_infra)
    {
      spec->argv = calloc (1, sizeof (char *));
      return spec->argv ? 0 : galley_error_make (err, errno, "allocating");
    }
  /* an entrypoint given drops the image's command as well */
  a = config->entrypoint ? strv_copy (config->entrypoint) : json_get_strv (image_cfg, "Entrypoint");
  b = strv_len (config->command) > 0 ? strv_copy (config->command)
      : config->entrypoint == NULL   ? json_get_strv (image_cfg, "Cmd")
                                     : strv_copy (NULL);
  if (a == NULL || b == NULL)
    return galley_error_make (err, ENOMEM, "allocating");
  na = strv_len (a);
  nb = strv_len (b);
  if (na + nb == 0)
    return galley_error_make (err, 0,
                              "no command or entrypoint provided, and no CMD or "
                              "ENTRYPOINT from image");
  spec->argv = calloc (na + nb + 1, sizeof (char *));
  if (spec->argv == NULL)
    return galley_error_make (err, errno, "allocating");
  for (i = 0; i < na; i++)
    spec->argv[i] = steal_pointer (&a[i]);
  for (i = 0; i < nb; i++)
    spec->argv[na + i] = steal_pointer (&b[i]);
  return 0;
}

static int
parse_mounts (const struct galley_paths *paths, const struct container_config *config, struct run_spec *spec,
              galley_error_t *err)
{
  size_t i;
  struct stat st;

  if (mount_parse_config (config, &spec->mounts, &spec->n_mounts, err) < 0)
    return -1;
  for (i = 0; i < spec->n_mounts; i++)
    {
      struct mount_spec *m = &spec->mounts[i];
      /* A named volume is the bind mount of its _data.  */
      if (volume_mount_resolve (paths, m, err) < 0)
        return -1;
      if (m->kind == MOUNT_KIND_BIND && stat (m->source, &st) < 0)
        return galley_error_make (err, errno, "statfs %s", m->source);
    }
  return 0;
}

static int
parse_limits_and_devices (const struct container_config *config, struct run_spec *spec, galley_error_t *err)
{
  size_t i, n;
  const char *v;

  n = strv_len (config->ulimits);
  spec->ulimits = calloc (n + 1, sizeof *spec->ulimits);
  for (i = 0; i < n; i++, spec->n_ulimits++)
    if (ulimit_parse (config->ulimits[i], &spec->ulimits[i], err) < 0)
      return -1;
  n = strv_len (config->devices);
  spec->devices = calloc (n + 1, sizeof *spec->devices);
  for (i = 0; i < n; i++)
    {
      const char *d = config->devices[i];
      /* CDI devices are resolved apart (runtime/cdi.h).  */
      if (! cdi_is_device_name (d) && device_parse (d, &spec->devices[spec->n_devices++], err) < 0)
        return -1;
    }
  if ((v = config->memory) && cgroup_parse_memory (v, &spec->limits.memory, err) < 0)
    return -1;
  if ((v = config->cpus) && cgroup_parse_cpus (v, &spec->limits.cpu_quota, err) < 0)
    return -1;
  if ((v = config->pids_limit))
    {
      char *end = NULL;
      long long p = strtoll (v, &end, 10);
      if (*v == '\0' || *end != '\0' || p < -1)
        return galley_error_make (err, 0, "invalid --pids-limit \"%s\"", v);
      spec->limits.pids = p == 0 ? -1 : p;
    }
  return cgroup_check_limits (&spec->limits, err);
}

static int
parse_security (const struct container_config *config, struct run_spec *spec, bool user_is_root,
                galley_error_t *err)
{
  size_t i;

  spec->privileged = config->privileged;
  for (i = 0; config->security_opt != NULL && config->security_opt[i] != NULL; i++)
    {
      const char *o = config->security_opt[i];
      if (strncmp (o, "seccomp=", 8) == 0 || strncmp (o, "seccomp:", 8) == 0)
        {
          free (spec->seccomp_profile);
          spec->seccomp_profile = strdup (o + 8);
        }
      else if (strcmp (o, "no-new-privileges") == 0 || strcmp (o, "no-new-privileges=true") == 0
               || strcmp (o, "no-new-privileges:true") == 0)
        spec->no_new_privs = true;
      else if (strcmp (o, "no-new-privileges=false") == 0)
        spec->no_new_privs = false;
      else if (strncmp (o, "label=", 6) == 0 || strncmp (o, "apparmor=", 9) == 0)
        log_warn ("--security-opt %s: SELinux and AppArmor are not supported, ignored", o);
      else
        return galley_error_make (err, 0, "invalid --security-opt \"%s\"", o);
    }
  return caps_compute ((const char *const *)config->cap_add, (const char *const *)config->cap_drop,
                       spec->privileged, user_is_root, &spec->caps, err);
}

static int
parse_userns (const struct container_config *config, struct run_spec *spec, galley_error_t *err)
{
  const char *mode = config->userns;
  unsigned long uid = getuid (), gid = getgid ();
  struct idmap_view view;
  struct idmap base;

  if (idmap_for_current_user (&spec->map, err) < 0)
    return -1;
  if (mode == NULL || *mode == '\0' || strcmp (mode, "host") == 0)
    return 0;
  if (strncmp (mode, "keep-id", 7) != 0 || (mode[7] != '\0' && mode[7] != ':'))
    return galley_error_make (err, 0, "--userns %s: supported modes are keep-id[:uid=U,gid=G]", mode);
  /* keep-id's own user gets entries; a chosen uid= only a numeric one.  */
  if (mode[7] == '\0' && passwd_host_user_current (&spec->keep_user, err) < 0)
    return -1;
  if (mode[7] == ':')
    {
      _cleanup_free_ char *opts = strdup (mode + 8);
      char *o, *save = NULL;
      for (o = strtok_r (opts, ",", &save); o; o = strtok_r (NULL, ",", &save))
        {
          char *end = NULL;
          if (strncmp (o, "uid=", 4) == 0)
            uid = strtoul (o + 4, &end, 10);
          else if (strncmp (o, "gid=", 4) == 0)
            gid = strtoul (o + 4, &end, 10);
          if (end == NULL || *end != '\0' || uid > 0xfffffffeUL || gid > 0xfffffffeUL)
            return galley_error_make (err, 0, "--userns %s: invalid option \"%s\"", mode, o);
        }
    }
  base = spec->map;
  if (idmap_keep_id (&base, (uint32_t)uid, (uint32_t)gid, &spec->map, err) < 0)
    return -1;
  /* With a single-id map the user is every owner of the image, and stays so
   * as uid U: nothing to show differently.  */
  if (base.n_uid > 1 && idmap_view_of (&base, &spec->map, &view) > 0)
    spec->store_map = base;
  if (spec->user == NULL && asprintf (&spec->user, "%lu:%lu", uid, gid) < 0)
    return galley_error_make (err, errno, "allocating");
  return 0;
}

static int
write_state_files (const struct run_spec *spec, const char *name, galley_error_t *err)
{
  _cleanup_close_ int dfd = -1;
  _cleanup_free_ char *hn = NULL;
  const char *containerenv = "engine=\"galley\"\n";

  if (fs_mkdir_p (spec->mountpoint, 0700, err) < 0)
    return -1;
  dfd = open (spec->state_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return galley_error_make (err, errno, "opening %s", spec->state_dir);
  if (asprintf (&hn, "%s\n", spec->hostname) < 0)
    return galley_error_make (err, errno, "allocating");
  /* hosts and resolv.conf depend on the network (runtime/network.h).  */
  if (network_write_files (&spec->net, dfd, spec->hostname, name ? name : spec->name, err) < 0
      || fs_write_text (dfd, "hostname", hn, 0644, err) < 0
      || fs_write_text (dfd, ".containerenv", containerenv, 0644, err) < 0)
    return -1;
  return 0;
}

static int
choose_rootfs (const struct galley_paths *paths, const struct container_config *config, const char *id,
               struct run_spec *spec, json_object **image_cfg, galley_error_t *err)
{
  _cleanup_free_ char *cdir = NULL;
  const char *why = NULL;

  if (config->is_infra)
    {
      spec->rootfs_method = ROOTFS_METHOD_EMPTY;
      return 0;
    }
  if (config->rootfs)
    {
      char real[PATH_MAX];
      struct stat st;
      if (realpath (config->image, real) == NULL || stat (real, &st) < 0)
        return galley_error_make (err, errno, "rootfs %s", config->image);
      if (S_ISREG (st.st_mode))
        {
          if (rootfs_method_choose (paths, &spec->map, &spec->rootfs_method, NULL, err) < 0)
            return -1;
          return rootfs_squash_spec (paths, id, real, spec, image_cfg, err);
        }
      if (! S_ISDIR (st.st_mode))
        return galley_error_make (err, ENOTDIR, "rootfs %s", real);
      spec->rootfs_method = ROOTFS_METHOD_DIR;
      spec->rootfs_dir = strdup (real);
      return 0;
    }
  if (spec_from_image (paths, config, spec, image_cfg, err) < 0)
    return -1;
  if (rootfs_method_choose (paths, &spec->map, &spec->rootfs_method, &why, err) < 0)
    return -1;
  if (spec->store_map.n_uid > 0)
    spec->rootfs_method = rootfs_method_remapped (spec->rootfs_method);
  if (spec->foreign_lowers
      && (spec->rootfs_method = rootfs_method_remapped (ROOTFS_METHOD_NATIVE)) != ROOTFS_METHOD_FUSE)
    return galley_error_make (err, 0,
                              "image %s is in a read-only image store made by another user: its "
                              "containers need fuse-overlayfs, which is not usable here",
                              config->image);
  if (spec->rootfs_method == ROOTFS_METHOD_FUSE)
    spec->fuse_overlayfs = helper_find ("fuse-overlayfs");
  cdir = container_dir (paths, id);
  if (cdir == NULL || asprintf (&spec->upper_dir, "%s/upper", cdir) < 0
      || asprintf (&spec->work_dir, "%s/work", cdir) < 0
      || asprintf (&spec->rootfs_dir, "%s/rootfs", cdir) < 0)
    return galley_error_make (err, errno, "allocating");
  /* A container whose copy exists keeps it (runtime/rootfs_copy.h), made
   * by rootfs_copy_ensure at create or first start.  */
  if (access (spec->rootfs_dir, F_OK) == 0)
    spec->rootfs_method = ROOTFS_METHOD_COPY;
  if (spec->rootfs_method == ROOTFS_METHOD_NATIVE && strv_len (spec->lower_dirs) > ROOTFS_NATIVE_MAX_LAYERS)
    return galley_error_make (
        err, 0,
        "image %s has %zu layers, more than the %d the kernel's overlay can stack: run it "
        "with rootfs_method \"fuse-overlayfs\" or \"copy\" (galley.conf [storage], or "
        "GALLEY_ROOTFS_METHOD), or flatten it first (a Containerfile of \"FROM %s\" and "
        "galley build --squash)",
        config->image, strv_len (spec->lower_dirs), ROOTFS_NATIVE_MAX_LAYERS, config->image);
  return 0;
}

/* The spec's identity and its user namespace.  */
static int
spec_begin (const struct container_config *config, const char *id, struct run_spec *spec, galley_error_t *err)
{
  memset (spec, 0, sizeof *spec);
  spec->id = strdup (id);
  if (config->name)
    spec->name = strdup (config->name);
  if (config->user)
    spec->user = strdup (config->user);
  spec->no_passwd_entries = config->no_passwd;
  if (parse_userns (config, spec, err) < 0
      || ns_options_parse (config->pid, config->ipc, config->uts, config->shm_size, config->hostname,
                           config->group_add, &spec->ns, err)
             < 0)
    return -1;
  if (spec->ns.group_add != NULL && ! ns_may_setgroups (&spec->ns, &spec->map))
    return galley_error_make (err, 0,
                              "--group-add: supplementary groups need subordinate group ids (/etc/subgid), "
                              "which the user has none of");
  return 0;
}

/* What every process of the container gets, its command's and exec's:
 * environment, user, working directory, hostname and confinement
 * (image_cfg NULL: --rootfs).  */
static int
spec_process (const struct galley_paths *paths, const struct container_config *config, json_object *image_cfg,
              struct run_spec *spec, galley_error_t *err)
{
  json_object *env = NULL;
  const char *v;
  size_t i;

  if (image_cfg && json_object_object_get_ex (image_cfg, "Env", &env))
    spec->image_env = json_array_strv (env);
  for (i = 0; config->env != NULL && config->env[i] != NULL; i++)
    {
      const char *e = config->env[i], *eq = strchr (e, '=');
      _cleanup_free_ char *name = eq ? strndup (e, (size_t)(eq - e)) : NULL;
      if (name == NULL || env_set (&spec->user_env, name, eq + 1, err) < 0)
        return -1;
    }
  if (secret_mounts_env (paths, config, &spec->user_env, err) < 0)
    return -1;
  if (spec->user == NULL && image_cfg && (v = json_get_string (image_cfg, "User")) && *v)
    spec->user = strdup (v);
  v = config->workdir;
  if (v == NULL && image_cfg)
    v = json_get_string (image_cfg, "WorkingDir");
  if (v != NULL && *v != '\0')
    {
      if (v[0] != '/')
        return galley_error_make (err, 0, "workdir \"%s\" must be an absolute path", v);
      spec->workdir = strdup (v);
    }
  /* podman's: the host's name in the host's UTS or network namespace */
  if (config->hostname != NULL)
    spec->hostname = strdup (config->hostname);
  else if (spec->ns.host_uts || (config->network != NULL && strcmp (config->network, "host") == 0))
    spec->hostname = ns_host_hostname ();
  else
    spec->hostname = strndup (spec->id, 12);
  if (spec->hostname == NULL)
    return galley_error_make (err, errno, "the container's hostname");
  return parse_security (config, spec, passwd_spec_is_root (spec->user) && config->userns == NULL, err);
}

/* A container of a pod (not its infra container): the namespaces the
 * pod shares are its infra container's, joined as --network container:X
 * joins X's (its network is "container:INFRA", given at create when the
 * pod shares its network), its hostname the pod's, its /dev/shm the
 * pod's with its IPC namespace.  */
static int
pod_member_spec (const struct galley_paths *paths, const struct container_config *config,
                 struct run_spec *spec, galley_error_t *err)
{
  _cleanup_pod_config_ struct pod_config pod = { 0 };
  unsigned share;

  if (pod_find (paths, config->pod, &pod, err) < 0)
    return -1;
  share = pod_config_share (&pod);
  if (spec->net.opts.mode != NET_MODE_CONTAINER || ! (share & POD_SHARE_NET))
    return 0;
  if (share & POD_SHARE_IPC)
    {
      spec->net.peer_share |= NETNS_SHARE_IPC;
      if (pod_shm_dir (paths, pod.id, &spec->shm_dir, err) < 0)
        return -1;
    }
  if (share & POD_SHARE_UTS)
    {
      spec->net.peer_share |= NETNS_SHARE_UTS;
      spec->uts_joined = true;
      free (spec->hostname);
      if ((spec->hostname = strdup (pod.hostname ? pod.hostname : pod.name)) == NULL)
        return galley_error_make (err, ENOMEM, "allocating");
    }
  if (share & POD_SHARE_PID)
    spec->net.peer_share |= NETNS_SHARE_PID;
  return 0;
}

int
run_build_spec (const struct galley_paths *paths, struct container_config *config, const char *id,
                struct run_spec *spec, galley_error_t *err)
{
  _cleanup_json_ json_object *image_cfg = NULL;
  _cleanup_cdi_edits_ struct cdi_edits cdi = { 0 };
  bool devices = config->devices != NULL && config->devices[0] != NULL;
  const char *v;

  if (spec_begin (config, id, spec, err) < 0)
    return -1;
  /* At create, --secret names become the record's secrets.  */
  if (container_secrets_resolve (paths, config, err) < 0)
    return -1;
  if (choose_rootfs (paths, config, id, spec, &image_cfg, err) < 0)
    return -1;
  if (build_argv (config, image_cfg, spec, err) < 0)
    return -1;
  /* What ps and inspect show: the resolved command line and stop signal.  */
  cleanup_strvp (&config->args);
  if ((config->args = strv_copy (spec->argv)) == NULL)
    return galley_error_make (err, ENOMEM, "allocating");
  if (config->stop_signal == NULL && (v = json_get_string (image_cfg, "StopSignal")) != NULL
      && container_config_set_string (&config->stop_signal, v, err) < 0)
    return -1;
  if (spec_process (paths, config, image_cfg, spec, err) < 0)
    return -1;
  spec->tty = config->tty;
  spec->interactive = config->interactive;
  spec->init = config->init;
  spec->read_only = config->read_only;
  spec->preserve_fds = config->preserve_fds;
  spec->ignore_unmapped_ids = unmapped_ids_ignored (config->unmapped_ids, &spec->map);
  if (network_resolve_ports (config, image_cfg, err) < 0
      || network_spec_from_config (config, &spec->net, err) < 0)
    return -1;
  if ((config->pod != NULL && ! config->is_infra && pod_member_spec (paths, config, spec, err) < 0)
      || network_resolve (paths, config, id, &spec->map, &spec->net, err) < 0)
    return -1;
  /* All but host: a network namespace of its own or joined (runtime/network.h).  */
  spec->network = spec->net.opts.mode == NET_MODE_HOST ? NETWORK_HOST : NETWORK_NONE;
  if (parse_limits_and_devices (config, spec, err) < 0 || (devices && cdi_resolve (config, &cdi, err) < 0))
    return -1;
  /* Volumes last: creating them is the one step with effects.  */
  if (volume_mounts_prepare (paths, config, err) < 0)
    return -1;
  if (parse_mounts (paths, config, spec, err) < 0 || hooks_for_spec (config, spec, err) < 0
      || secret_mounts_add (paths, config, spec, err) < 0 || (devices && cdi_apply (&cdi, spec, err) < 0))
    {
      galley_error_t ignored = NULL;
      if (config->id == NULL)
        volume_remove_anonymous (paths, config, &ignored);
      galley_error_release (&ignored);
      return -1;
    }
  spec->state_dir = container_run_dir (paths, id);
  if (spec->state_dir == NULL || asprintf (&spec->mountpoint, "%s/rootfs", spec->state_dir) < 0)
    return galley_error_make (err, errno, "allocating");
  return 0;
}

/* Under containers_lock: the image the container was resolved to is
 * still there (an image removal that got in first took it).  */
static int
image_still_there (const struct galley_paths *paths, const struct container_config *config,
                   galley_error_t *err)
{
  _cleanup_store_ struct store *s = NULL;
  _cleanup_store_image_ struct store_image *img = NULL;

  if (config->rootfs || config->is_infra)
    return 0;
  if (store_open (paths, &s, err) < 0)
    return -1;
  if (store_image_find (s, config->image_id, &img, err) == 0)
    return 0;
  if (galley_error_errno (err) != ENOENT)
    return -1;
  galley_error_release (err);
  return galley_error_kind (err, ENOENT, "%s: image not known (it was removed meanwhile)", config->image);
}

int
run_build_exec_spec (const struct galley_paths *paths, const struct container_config *config, const char *id,
                     struct run_spec *spec, galley_error_t *err)
{
  _cleanup_json_ json_object *image_cfg = NULL;
  struct net_options net;

  if (spec_begin (config, id, spec, err) < 0)
    return -1;
  if (! config->rootfs ? spec_from_image (paths, config, spec, &image_cfg, err) < 0
                       : rootfs_squash_is_file (config->image)
                             && rootfs_squash_image_config (config->image, &image_cfg, err) < 0)
    return -1;
  if (spec_process (paths, config, image_cfg, spec, err) < 0)
    return -1;
  /* Only whether it has a network namespace to join: what it is connected
   * to, and whether its ports can be published there, is its start's
   * business (a container disconnected from its last network keeps its
   * published ports).  */
  if (net_options_parse (config->network, &net, err) < 0)
    return -1;
  spec->network = net.mode == NET_MODE_HOST ? NETWORK_HOST : NETWORK_NONE;
  net_options_clear (&net);
  return 0;
}

/* The record of a new container, named as asked or with a generated name,
 * on an image that is still there; *run_lock gets its run lock.  */
static int
create_record (const struct galley_paths *paths, struct container_config *config, const char *id,
               int *run_lock, galley_error_t *err)
{
  _cleanup_free_ char *name = config->name ? strdup (config->name) : NULL;
  _cleanup_close_ int names_lock = -1;

  if (paths_ensure_root (paths, err) < 0)
    return -1;
  names_lock = containers_lock (paths, err);
  if (names_lock < 0 || image_still_there (paths, config, err) < 0)
    return -1;
  if (config->name != NULL && name == NULL)
    return galley_error_make (err, ENOMEM, "allocating");
  if (name == NULL && container_generate_name (paths, &name, err) < 0)
    return -1;
  return container_create (paths, id, name, config, run_lock, err);
}

int
run_create_record (const struct galley_paths *paths, struct container_config *config, const char *id,
                   int *run_lock, galley_error_t *err)
{
  _cleanup_close_ int lock = -1;
  galley_error_t ignored = NULL;
  struct idmap map;

  if (create_record (paths, config, id, &lock, err) < 0)
    return -1;
  /* Its copies of the secrets it mounts, made now as podman's: a later
   * `secret rm` leaves it working.  */
  if (container_secrets_copy (paths, config, id, err) == 0)
    {
      if (run_lock != NULL)
        *run_lock = steal_fd (&lock);
      return 0;
    }
  if (idmap_for_current_user (&map, &ignored) == 0)
    container_remove (paths, &map, id, &lock, &ignored);
  galley_error_release (&ignored);
  return -1;
}

int
run_prepare_runtime (const struct galley_paths *paths, const struct container_config *config,
                     const struct run_spec *spec, galley_error_t *err)
{
  if (write_state_files (spec, config->name, err) < 0 || rootfs_copy_ensure (spec, err) < 0)
    return -1;
  return 0;
}

struct foreground
{
  const struct galley_paths *paths;
  const char *id;
  const struct container_config *config;
};

/* In the foreground this process is the container's monitor.  */
static int
foreground_started (void *arg, pid_t pid, galley_error_t *err)
{
  const struct foreground *f = arg;

  if (monitor_record_running (f->paths, f->id, pid, err) < 0)
    return -1;
  event_write_container (f->paths, "init", f->id, f->config, 0);
  event_write_container (f->paths, "start", f->id, f->config, 0);
  event_write_container (f->paths, "attach", f->id, f->config, 0);
  return 0;
}

/* Report a failure of the cleanup after a run; one already removed is
 * no failure.  */
static void
warn_unless_gone (galley_error_t *local)
{
  if (galley_error_errno (local) != ENOENT)
    log_warn ("%s", (*local)->msg);
  galley_error_release (local);
}

void
run_finish (const struct galley_paths *paths, const struct container_config *config,
            const struct run_spec *spec, int *run_lock, int exit_code)
{
  galley_error_t local = NULL;

  event_write_container (paths, "cleanup", spec->id, config, 0);
  /* --rm: removed with its anonymous volumes (as podman's), whether it
   * ran or not; the exit is recorded only if it stays.  */
  if (config->rm)
    {
      if (container_remove (paths, &spec->map, spec->id, run_lock, &local) == 0)
        {
          event_write_container (paths, "remove", spec->id, config, 0);
          if (volume_remove_anonymous (paths, config, &local) < 0)
            warn_unless_gone (&local);
          return;
        }
      warn_unless_gone (&local);
    }
  if (monitor_record_exit (paths, spec->id, exit_code, &local) < 0)
    warn_unless_gone (&local);
}

int
run_execute (const struct galley_paths *paths, const struct container_config *config, struct run_spec *spec,
             int *run_lock, bool caller_exits, galley_error_t *err)
{
  _cleanup_free_ char *dir = container_dir (paths, spec->id), *log_path = NULL;
  struct foreground f = { paths, spec->id, config };
  struct container_log_config log;
  struct container_hooks hooks = {
    .started = foreground_started, .arg = &f, .caller_exits = caller_exits, .log = &log
  };
  const struct timespec now = { 0, 0 };
  sigset_t relayed, saved;
  int status = -1;

  /* A SIGTERM (a batch system ending the job) is the container's, relayed
   * once it runs: none ends this process before it has cleaned up.  */
  container_relayed_signals (&relayed);
  sigprocmask (SIG_BLOCK, &relayed, &saved);
  /* The run lock stays out of the container's preserved fds.  */
  *run_lock = fs_fd_above (*run_lock, 3 + spec->preserve_fds);
  if (dir == NULL || *run_lock < 0)
    galley_error_make (err, errno, "starting %s", spec->id);
  else if (container_log_config (config, dir, &log, err) == 0)
    {
      log_path = log.path;
      if (run_prepare_runtime (paths, config, spec, err) == 0)
        status = container_run_hooked (paths, spec, &hooks, err);
      if (status >= 0)
        event_write_container (paths, "died", spec->id, config, status);
    }
  run_finish (paths, config, spec, run_lock, status >= 0 ? status : (*err)->exit_code);
  /* what came after the exit was for the container, which is gone */
  while (sigtimedwait (&relayed, NULL, &now) > 0)
    ;
  sigprocmask (SIG_SETMASK, &saved, NULL);
  return status;
}

/* Take the run lock of container id for a start: 0 with *run_lock and
 * *config (empty before), 1 when a monitor runs it already.  */
static int
claim_for_start (const struct galley_paths *paths, const char *name_or_id, struct container_config *config,
                 int *run_lock, galley_error_t *err)
{
  _cleanup_container_entry_ struct container_entry e = { 0 };
  int r;

  if (container_find (paths, name_or_id, &e, err) < 0)
    return -1;
  r = container_claim (paths, &e, run_lock, err);
  /* (live under a free run lock: a monitor of a galley from before run
   * locks, which runs it all the same) */
  if (r == 0 && container_status_is_live (e.state.status))
    {
      close (steal_fd (run_lock));
      r = CONTAINER_LOCK_BUSY;
    }
  if (r == 0)
    container_config_move (config, &e.config);
  return r;
}

int
run_pod_infra_start (const struct galley_paths *paths, const struct container_config *config,
                     galley_error_t *err)
{
  _cleanup_pod_config_ struct pod_config pod = { 0 };

  if (config->pod == NULL || config->is_infra)
    return 0;
  if (pod_find (paths, config->pod, &pod, err) < 0)
    return -1;
  return pod.infra_id != NULL ? run_start_existing (paths, pod.infra_id, err) : 0;
}

int
run_start_existing (const struct galley_paths *paths, const char *id, galley_error_t *err)
{
  _cleanup_container_config_ struct container_config config = { 0 };
  _cleanup_close_ int run_lock = -1;
  _cleanup_run_spec_ struct run_spec spec = { 0 };
  int r;

  r = claim_for_start (paths, id, &config, &run_lock, err);
  if (r != 0)
    return r < 0 ? -1 : 0; /* one running already is left alone, as podman's */
  if (run_pod_infra_start (paths, &config, err) < 0
      || run_build_spec (paths, &config, config.id, &spec, err) < 0)
    return -1;
  return run_start_detached (paths, &config, &spec, &run_lock, err);
}

int
run_start_foreground (const struct galley_paths *paths, const char *name_or_id, bool interactive,
                      galley_error_t *err)
{
  _cleanup_container_config_ struct container_config config = { 0 };
  _cleanup_close_ int run_lock = -1;
  _cleanup_run_spec_ struct run_spec spec = { 0 };
  int r;

  r = claim_for_start (paths, name_or_id, &config, &run_lock, err);
  if (r != 0)
    return r < 0 ? -1 : galley_error_make (err, EBUSY, "container %s is already running", name_or_id);
  /* -i on start keeps stdin attached, as podman's.  */
  if (interactive)
    config.interactive = true;
  if (run_pod_infra_start (paths, &config, err) < 0
      || run_build_spec (paths, &config, config.id, &spec, err) < 0)
    return -1;
  return run_execute (paths, &config, &spec, &run_lock, true, err);
}
