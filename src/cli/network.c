/* galley network create/ls/inspect/rm/exists/connect/disconnect/prune:
 * podman-compatible commands over src/state/network.h.  connect and
 * disconnect change the container's record (state/network_members.h) and,
 * when it runs, its interfaces right away (runtime/bridge.h).  */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "runtime/bridge.h"
#include "runtime/lifecycle.h"
#include "state/container.h"
#include "state/container_list.h"
#include "state/events.h"
#include "state/netconf.h"
#include "state/network.h"
#include "state/network_members.h"
#include "util/cleanup.h"
#include "util/error_text.h"
#include "util/filter.h"
#include "util/format.h"
#include "util/json.h"
#include "util/strv.h"

static int
add_label (json_object *labels, const char *arg)
{
  const char *eq = strchr (arg, '=');
  _cleanup_free_ char *key = eq ? strndup (arg, (size_t)(eq - arg)) : strdup (arg);

  if (key == NULL)
    return -1;
  json_object_object_add (labels, key, json_object_new_string (eq ? eq + 1 : ""));
  return 0;
}

int
cli_cmd_network_create (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  _cleanup_network_def_ struct network_def d = { 0 };
  const char *arg;
  bool ignore = false;
  int opt;

  d.labels = json_object_new_object ();
  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    switch (opt)
      {
      case OPT_network_create_driver:
        if (strcmp (arg, "bridge") != 0)
          return galley_error_make (err, 0, "unsupported driver %s: only bridge", arg);
        break;
      case OPT_network_create_gateway:
        free (d.gateway);
        d.gateway = strdup (arg);
        break;
      case OPT_network_create_ignore:
        ignore = true;
        break;
      case OPT_network_create_internal:
        d.internal = true;
        break;
      case OPT_network_create_label:
        add_label (d.labels, arg);
        break;
      case OPT_network_create_subnet:
        free (d.subnet);
        d.subnet = strdup (arg);
        break;
      }
  if (opt < 0 || cli_positionals (&p, 0, 1, err) < 0)
    return -1;
  if (d.gateway && ! d.subnet)
    return galley_error_make (err, 0, "cannot set gateway or range without subnet");
  if (p.optind < argc)
    d.name = strdup (argv[p.optind]);
  if (network_def_create (&ctx->paths, &d, err) < 0)
    {
      if (! (ignore && galley_error_errno (err) == EEXIST))
        return -1;
      galley_error_release (err);
    }
  printf ("%s\n", d.name);
  return 0;
}

/* The containers configured on network name.  */
static int
network_users (const struct galley_paths *paths, const char *name, struct container_entry **users, size_t *n,
               galley_error_t *err)
{
  struct container_entry *all = NULL;
  size_t count = 0, i;

  *users = NULL;
  *n = 0;
  if (container_list (paths, &all, &count, err) < 0)
    return -1;
  for (i = 0; i < count; i++)
    {
      if (network_member_has (&all[i].config, name))
        all[(*n)++] = all[i];
      else
        container_entry_clear (&all[i]);
    }
  *users = all;
  return 0;
}

/* The record templates see: podman's Go field names.  */
static json_object *
template_record (const struct network_def *d)
{
  json_object *o = network_def_to_json (d), *r = json_object_new_object ();
  json_object *subnets;
  char short_id[13];

  snprintf (short_id, sizeof short_id, "%.12s", d->id);
  json_object_object_add (r, "Name", json_object_new_string (d->name));
  json_object_object_add (r, "ID", json_object_new_string (short_id));
  json_object_object_add (r, "Driver", json_object_new_string ("bridge"));
  json_object_object_add (r, "NetworkInterface", json_object_new_string (d->interface));
  json_object_object_add (r, "Created", json_object_new_string (json_get_string (o, "created")));
  json_object_object_add (r, "Internal", json_object_new_boolean (d->internal));
  json_object_object_add (r, "IPv6Enabled", json_object_new_boolean (0));
  json_object_object_add (r, "DNSEnabled", json_object_new_boolean (0));
  json_object_object_add (r, "Labels", json_object_get (d->labels));
  json_object_object_get_ex (o, "subnets", &subnets);
  json_object_object_add (r, "Subnets", json_object_get (subnets));
  json_object_put (o);
  return r;
}

static const struct filter_key network_filter_keys[] = {
  { "name", FILTER_REGEX, NULL }, { "id", FILTER_TEXT, NULL }, { "driver", FILTER_TEXT, NULL },
  { "label", FILTER_TEXT, NULL }, { NULL, 0, NULL },
};

static const struct filter_key network_prune_filter_keys[] = {
  { "label", FILTER_TEXT, NULL },
  { NULL, 0, NULL },
};

/* podman's network filters: a name that is not a regular expression
 * matches nothing.  */
static const struct filter_syntax network_filter_syntax = {
  .keys = network_filter_keys,
  .malformed = "filter input must be in the form of filter=value: %s is invalid",
  .unknown = "invalid filter \"%s\"",
};

static const struct filter_syntax network_prune_filter_syntax = {
  .keys = network_prune_filter_keys,
  .malformed = "filter input must be in the form of filter=value: %s is invalid",
  .unknown = "invalid filter \"%s\"",
};

static bool
value_matches (const struct network_def *d, const struct filter_group *g, const struct filter_value *v)
{
  const char *key = g->key->name;

  if (strcmp (key, "name") == 0)
    return filter_value_matches (g, v, d->name);
  if (strcmp (key, "id") == 0)
    return strncmp (d->id, v->text, strlen (v->text)) == 0;
  if (strcmp (key, "driver") == 0)
    return strcmp (v->text, "bridge") == 0;
  return filter_label_matches_json (d->labels, v->text);
}

/* Filters of one key are OR-ed, keys AND-ed.  */
static bool
selected (const struct network_def *d, const struct filter_set *f)
{
  size_t k, i;

  for (k = 0; k < f->n; k++)
    {
      bool hit = false;
      for (i = 0; i < f->groups[k].n && ! hit; i++)
        hit = value_matches (d, &f->groups[k], &f->groups[k].values[i]);
      if (! hit)
        return false;
    }
  return true;
}

int
cli_cmd_network_ls (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  _cleanup_json_ json_object *records = json_object_new_array ();
  _cleanup_json_ json_object *headers = json_object_new_object ();
  _cleanup_strv_ char **filters = NULL;
  _cleanup_filter_set_ struct filter_set *f = NULL;
  struct network_def *defs = NULL;
  const char *format = NULL, *arg;
  bool quiet = false, noheading = false;
  size_t n = 0, i;
  int opt, ret = -1;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    switch (opt)
      {
      case OPT_network_ls_filter:
        strv_append (&filters, arg);
        break;
      case OPT_network_ls_format:
        format = arg;
        break;
      case OPT_network_ls_noheading:
        noheading = true;
        break;
      case OPT_network_ls_quiet:
        quiet = true;
        break;
      }
  if (opt < 0 || cli_positionals (&p, 0, 0, err) < 0
      || filter_set_parse (&network_filter_syntax, filters, &f, err) < 0
      || network_def_list (&ctx->paths, &defs, &n, err) < 0)
    return -1;
  for (i = 0; i < n; i++)
    if (selected (&defs[i], f))
      json_object_array_add (records, format && format_is_json (format) ? network_def_to_json (&defs[i])
                                                                        : template_record (&defs[i]));
  if (quiet && format == NULL)
    format = "{{.Name}}";
  json_object_object_add (headers, "ID", json_object_new_string ("NETWORK ID"));
  /* podman's network ls indents its JSON by two */
  ret = format_print_indented (stdout, format, "table {{.ID}}\t{{.Name}}\t{{.Driver}}", records, headers,
                               noheading, 2, err);
  network_def_list_free (defs, n);
  return ret;
}

int
cli_cmd_network_inspect (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  _cleanup_json_ json_object *records = json_object_new_array ();
  _cleanup_error_ galley_error_t missing = NULL;
  const char *format = NULL, *arg;
  bool json = true;
  int opt, i;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    if (opt == OPT_network_inspect_format)
      format = arg;
  if (opt < 0 || cli_positionals (&p, 1, -1, err) < 0)
    return -1;
  json = format == NULL || *format == '\0' || format_is_json (format);
  for (i = p.optind; i < argc; i++)
    {
      _cleanup_network_def_ struct network_def d = { 0 };
      _cleanup_error_ galley_error_t e = NULL;
      if (network_def_load (&ctx->paths, argv[i], &d, &e) < 0)
        {
          if (missing == NULL)
            missing = steal_pointer (&e);
          continue;
        }
      json_object_array_add (records, json ? network_def_to_json (&d) : template_record (&d));
    }
  if (format_print (stdout, json ? "json" : format, NULL, records, NULL, true, err) < 0)
    return -1;
  if (missing)
    {
      *err = steal_pointer (&missing);
      return -1;
    }
  return 0;
}

/* Remove one network: refused while containers are configured on it,
 * unless force (timeout >= 0): then they are removed with it, the running
 * ones stopped first (killed after timeout seconds), as podman's.  */
static int
remove_network (struct cli_context *ctx, const char *name_or_id, int timeout, galley_error_t *err)
{
  bool force = timeout >= 0;
  struct network_def d;
  struct container_entry *users = NULL;
  size_t n = 0, i;
  int ret = -1;

  if (network_def_load (&ctx->paths, name_or_id, &d, err) < 0)
    return -1;
  if (strcmp (d.name, NET_DEFAULT_NAME) == 0)
    {
      galley_error_make (err, 0, "default network %s cannot be removed", d.name);
      goto out;
    }
  if (network_users (&ctx->paths, d.name, &users, &n, err) < 0)
    goto out;
  if (n > 0 && ! force)
    {
      galley_error_make (err, 0,
                         "\"%s\" has associated containers with it. Use -f to forcibly delete "
                         "containers and pods: network is being used",
                         d.name);
      goto out;
    }
  for (i = 0; i < n; i++)
    if (container_stop (&ctx->paths, &users[i], timeout, err) < 0
        || container_rm (&ctx->paths, &users[i], true, err) < 0)
      goto out;
  if (bridge_remove_interface (&ctx->paths, &d, err) < 0 || network_def_remove (&ctx->paths, d.name, err) < 0)
    goto out;
  printf ("%s\n", d.name);
  ret = 0;
out:
  container_list_free (users, n);
  network_def_clear (&d);
  return ret;
}

int
cli_cmd_network_rm (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  unsigned long long timeout = 10;
  const char *arg;
  bool force = false, time_given = false;
  int opt, i;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    if (opt == OPT_network_rm_force)
      force = true;
    else if (opt == OPT_network_rm_time)
      {
        if (cli_uint (&p, arg, 1u << 30, &timeout, err) < 0)
          return -1;
        time_given = true;
      }
  if (opt < 0 || cli_positionals (&p, 1, -1, err) < 0)
    return -1;
  if (time_given && ! force)
    return galley_error_make (err, 0, "--force option must be specified to use the --time option");
  for (i = p.optind; i < argc; i++)
    if (remove_network (ctx, argv[i], force ? (int)timeout : -1, err) < 0)
      return -1;
  return 0;
}

int
cli_cmd_network_exists (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  _cleanup_error_ galley_error_t missing = NULL;
  _cleanup_network_def_ struct network_def d = { 0 };

  cli_parser_init (&p, ctx->cmd, argc, argv);
  if (cli_parse_no_options (&p, 1, 1, err) < 0)
    return -1;
  return network_def_load (&ctx->paths, argv[p.optind], &d, &missing) < 0 ? 1 : 0;
}

/* A container being connected or disconnected, its lock held.  */
struct target
{
  struct container_entry e;
  struct net_options mode;
  int lock;
  bool live;
};

static void
target_clear (struct target *t)
{
  container_entry_clear (&t->e);
  net_options_clear (&t->mode);
  if (t->lock >= 0)
    close (t->lock);
  t->lock = -1;
}

/* The network (podman's "network not found" first), then the container
 * with its lock, record and state read under it.  On failure nothing is
 * left to clear.  */
static int
target_open (struct cli_context *ctx, const char *network, const char *container, struct network_def *d,
             struct target *t, galley_error_t *err)
{
  struct container_entry found;

  memset (d, 0, sizeof *d);
  memset (t, 0, sizeof *t);
  t->lock = -1;
  if (network_def_load (&ctx->paths, network, d, err) < 0)
    return -1;
  if (container_find (&ctx->paths, container, &found, err) < 0)
    goto fail;
  t->lock = container_lock (&ctx->paths, found.id, err);
  if (t->lock < 0 || container_find (&ctx->paths, found.id, &t->e, err) < 0)
    {
      container_entry_clear (&found);
      goto fail;
    }
  container_entry_clear (&found);
  if (net_options_parse (t->e.config.network, &t->mode, err) < 0)
    goto fail;
  t->live = container_status_is_live (t->e.state.status) && t->e.state.pid > 0;
  return 0;
fail:
  target_clear (t);
  network_def_clear (d);
  return -1;
}

/* podman's words for a container whose network mode has no named
 * networks: "slirp4netns", and "" for the others.  */
static int
unsupported_mode (const struct target *t, galley_error_t *err)
{
  return galley_error_make (err, 0, "\"%s\" is not supported: invalid network mode",
                            t->mode.mode == NET_MODE_SLIRP ? "slirp4netns" : "");
}

static int
target_save (struct cli_context *ctx, struct target *t, galley_error_t *err)
{
  return container_write_record (&ctx->paths, t->e.id, &t->e.config, err);
}

/* Connect the running container t to d: an interface on d's bridge.  */
static int
connect_running (struct cli_context *ctx, struct target *t, const struct network_def *d, char **aliases,
                 size_t n_aliases, const char *ip, const char *mac, galley_error_t *err)
{
  _cleanup_free_ char *run_dir = container_run_dir (&ctx->paths, t->e.id), *hostname = NULL;
  _cleanup_free_ char **all = calloc (n_aliases + 2, sizeof *all);
  struct network_lease lease = { 0 };
  const char *name = container_entry_name (&t->e), *given = t->e.config.hostname;
  struct idmap map;
  size_t k = 0, i;
  int ret;

  hostname = given ? strdup (given) : strndup (t->e.id, 12);
  if (run_dir == NULL || all == NULL || hostname == NULL
      || asprintf (&lease.hosts_path, "%s/hosts", run_dir) < 0)
    return galley_error_make (err, ENOMEM, "allocating");
  for (i = 0; i < n_aliases; i++)
    all[k++] = aliases[i];
  if (strcmp (hostname, name) != 0)
    all[k++] = hostname;
  snprintf (lease.id, sizeof lease.id, "%s", t->e.id);
  snprintf (lease.ip, sizeof lease.ip, "%s", ip ? ip : "");
  snprintf (lease.mac, sizeof lease.mac, "%s", mac ? mac : "");
  lease.name = (char *)name;
  lease.aliases = all;
  ret =
      idmap_for_current_user (&map, err) < 0
          ? -1
          : bridge_connect_running (&ctx->paths, &map, d, &lease, t->e.state.pid, t->e.state.pid_start, err);
  free (lease.hosts_path);
  if (ret < 0 && galley_error_errno (err) == EOPNOTSUPP)
    {
      galley_error_release (err);
      if (t->mode.mode == NET_MODE_BRIDGE)
        return galley_error_make (err, 0,
                                  "container %s is not in the named networks' namespace (the network keeper "
                                  "was restarted): restart the container to connect it",
                                  container_entry_name (&t->e));
      return unsupported_mode (t, err);
    }
  return ret;
}

int
cli_cmd_network_connect (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  _cleanup_strv_ char **aliases = NULL;
  struct network_def d;
  struct target t;
  const char *arg, *ip = NULL;
  char mac_buf[18], *mac = NULL;
  size_t n = 0;
  int opt, ret = -1;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    if (opt == OPT_network_connect_ip)
      ip = arg;
    else if (opt == OPT_network_connect_mac_address)
      {
        if (! network_mac_normalize (arg, mac_buf))
          return galley_error_make (err, 0, "address %.64s: invalid MAC address", arg);
        mac = mac_buf;
      }
    else if (opt == OPT_network_connect_alias)
      {
        strv_append (&aliases, arg);
        n++;
      }
  if (opt < 0 || cli_positionals (&p, 2, 2, err) < 0)
    return -1;
  if (target_open (ctx, argv[p.optind], argv[p.optind + 1], &d, &t, err) < 0)
    return -1;
  if (network_member_has (&t.e.config, d.name))
    galley_error_make (err, 0,
                       "container %s is already connected to network \"%s\": network is already connected",
                       t.e.id, d.name);
  /* A stopped container may change from slirp4netns or none to a named
   * network (podman refuses); a running one only joins more networks when
   * it started on one.  */
  else if (t.mode.mode == NET_MODE_HOST || t.mode.mode == NET_MODE_CONTAINER || t.mode.mode == NET_MODE_NS
           || (t.live && t.mode.mode == NET_MODE_SLIRP))
    unsupported_mode (&t, err);
  else if (t.live && connect_running (ctx, &t, &d, aliases, n, ip, mac, err) < 0)
    ;
  else if (network_member_add (&t.e.config, d.name, aliases, n, ip, mac, err) == 0)
    {
      ret = target_save (ctx, &t, err);
      if (ret < 0 && t.live)
        {
          _cleanup_error_ galley_error_t ignored = NULL;
          bridge_disconnect_running (&ctx->paths, &d, t.e.id, &ignored);
        }
      if (ret == 0)
        event_write_network_member (&ctx->paths, "connect", t.e.id, container_entry_name (&t.e), d.name);
    }
  target_clear (&t);
  network_def_clear (&d);
  return ret;
}

int
cli_cmd_network_disconnect (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  struct network_def d;
  struct target t;
  const char *arg;
  int opt, ret = -1, removed;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    ;
  if (opt < 0 || cli_positionals (&p, 2, 2, err) < 0)
    return -1;
  if (target_open (ctx, argv[p.optind], argv[p.optind + 1], &d, &t, err) < 0)
    return -1;
  if (t.mode.mode == NET_MODE_SLIRP || t.mode.mode == NET_MODE_HOST || t.mode.mode == NET_MODE_CONTAINER
      || t.mode.mode == NET_MODE_NS)
    unsupported_mode (&t, err);
  else if ((removed = network_member_remove (&t.e.config, d.name, err)) <= 0)
    {
      if (removed == 0)
        galley_error_make (err, 0, "container %s is not connected to network %s", argv[p.optind + 1],
                           argv[p.optind]);
    }
  /* Its last network gone, only lo is left (as podman).  */
  else if ((! t.live || bridge_disconnect_running (&ctx->paths, &d, t.e.id, err) == 0)
           && (ret = target_save (ctx, &t, err)) == 0)
    event_write_network_member (&ctx->paths, "disconnect", t.e.id, container_entry_name (&t.e), d.name);
  target_clear (&t);
  network_def_clear (&d);
  return ret;
}

int
cli_cmd_network_prune (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  _cleanup_strv_ char **filters = NULL;
  _cleanup_filter_set_ struct filter_set *f = NULL;
  struct network_def *defs = NULL;
  const char *arg;
  bool force = false;
  size_t n = 0, i;
  int opt, ret = -1;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    if (opt == OPT_network_prune_force)
      force = true;
    else if (opt == OPT_network_prune_filter)
      strv_append (&filters, arg);
  if (opt < 0 || cli_positionals (&p, 0, 0, err) < 0
      || filter_set_parse (&network_prune_filter_syntax, filters, &f, err) < 0)
    return -1;
  if (! force)
    {
      char answer[16] = "";
      fprintf (stderr, "WARNING! This will remove all networks not used by at least one container.\n"
                       "Are you sure you want to continue? [y/N] ");
      if (fgets (answer, sizeof answer, stdin) == NULL || (answer[0] != 'y' && answer[0] != 'Y'))
        return 0;
    }
  if (network_def_list (&ctx->paths, &defs, &n, err) < 0)
    return -1;
  for (i = 1; i < n; i++)
    {
      struct container_entry *users = NULL;
      size_t nu = 0;

      if (! selected (&defs[i], f))
        continue;
      if (network_users (&ctx->paths, defs[i].name, &users, &nu, err) < 0)
        goto out;
      container_list_free (users, nu);
      if (nu > 0)
        continue;
      if (bridge_remove_interface (&ctx->paths, &defs[i], err) < 0
          || network_def_remove (&ctx->paths, defs[i].name, err) < 0)
        goto out;
      printf ("%s\n", defs[i].name);
    }
  ret = 0;
out:
  network_def_list_free (defs, n);
  return ret;
}

CLI_GROUP_HANDLER (network)
