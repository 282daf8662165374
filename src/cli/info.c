/* galley info: what a user needs to know before anything fails — rootless
 * or not, where the id mappings come from, where storage and state live,
 * how the rootfs will be mounted and why, the helpers found, and whether
 * resource limits can be enforced.  Printed as YAML like podman's, or JSON /
 * a template with --format.  */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cli/cli.h"
#include "ns/idmap.h"
#include "runtime/helpers.h"
#include "runtime/info.h"
#include "util/cleanup.h"
#include "util/format.h"
#include "util/json.h"

static json_object *
ranges_record (const struct idmap_range *r, size_t n)
{
  json_object *arr = json_object_new_array ();
  size_t i;

  for (i = 0; i < n; i++)
    {
      json_object *o = json_object_new_object ();
      json_object_object_add (o, "container_id", json_object_new_int64 (r[i].container_id));
      json_object_object_add (o, "host_id", json_object_new_int64 (r[i].host_id));
      json_object_object_add (o, "size", json_object_new_int64 (r[i].size));
      json_object_array_add (arr, o);
    }
  return arr;
}

static json_object *
idmap_record (galley_error_t *err)
{
  json_object *o = json_object_new_object ();
  struct idmap map;

  if (idmap_for_current_user (&map, err) < 0)
    {
      json_object_put (o);
      return NULL;
    }
  json_object_object_add (o, "source", json_object_new_string (idmap_source_name (map.source)));
  json_object_object_add (o, "uidmap", ranges_record (map.uid, map.n_uid));
  json_object_object_add (o, "gidmap", ranges_record (map.gid, map.n_gid));
  if (map.source == IDMAP_SOURCE_SINGLE)
    json_object_object_add (o, "note",
                            json_object_new_string ("no subordinate ids: only your own uid/gid exist in "
                                                    "containers; file owners in images fold onto it"));
  return o;
}

static json_object *
helper_record (const char *name)
{
  json_object *o = json_object_new_object ();
  _cleanup_free_ char *path = helper_find (name);
  _cleanup_free_ char *version = path ? helper_version (path) : NULL;

  json_object_object_add (o, "path", json_object_new_string (path ? path : ""));
  json_object_object_add (o, "version", json_object_new_string (version ? version : ""));
  json_object_object_add (o, "found", json_object_new_boolean (path != NULL));
  return o;
}

static json_object *
host_record (struct cli_context *ctx, galley_error_t *err)
{
  json_object *host = json_object_new_object ();
  json_object *helpers = json_object_new_object ();
  json_object *ids;
  struct utsname u;

  uname (&u);
  json_object_object_add (host, "arch",
                          json_object_new_string (strcmp (u.machine, "x86_64") == 0 ? "amd64" : u.machine));
  json_object_object_add (host, "hostname", json_object_new_string (u.nodename));
  json_object_object_add (host, "kernel", json_object_new_string (u.release));
  json_object_object_add (host, "os", json_object_new_string ("linux"));
  json_object_object_add (host, "rootless", json_object_new_boolean (ctx->paths.rootless));
  ids = idmap_record (err);
  if (ids == NULL)
    {
      json_object_put (host);
      json_object_put (helpers);
      return NULL;
    }
  json_object_object_add (host, "idMappings", ids);
  json_object_object_add (helpers, "newuidmap", helper_record ("newuidmap"));
  json_object_object_add (helpers, "newgidmap", helper_record ("newgidmap"));
  json_object_object_add (helpers, "fuseOverlayfs", helper_record ("fuse-overlayfs"));
  json_object_object_add (helpers, "slirp4netns", helper_record ("slirp4netns"));
  json_object_object_add (host, "helpers", helpers);
  if (runtime_info_add (host, &ctx->paths, err) < 0)
    {
      json_object_put (host);
      return NULL;
    }
  return host;
}

static json_object *
store_record (struct cli_context *ctx)
{
  json_object *o = json_object_new_object ();

  json_object_object_add (o, "graphRoot", json_object_new_string (ctx->paths.root));
  json_object_object_add (o, "graphRootSource", json_object_new_string (ctx->paths.root_source));
  json_object_object_add (o, "runRoot", json_object_new_string (ctx->paths.runroot));
  json_object_object_add (o, "runRootSource", json_object_new_string (ctx->paths.runroot_source));
  json_object_object_add (o, "configHome", json_object_new_string (ctx->paths.config_home));
  return o;
}

/* YAML as podman prints info: maps indented by two, lists with "- ".  */
static void print_yaml (FILE *out, json_object *v, int indent, bool in_list);

static void
print_scalar (FILE *out, json_object *v)
{
  if (json_object_is_type (v, json_type_string))
    {
      const char *s = json_object_get_string (v);
      if (s[0] == '\0' || strpbrk (s, ":#{}[],&*!|>'\"%@`") != NULL || s[0] == ' ' || s[0] == '-')
        fprintf (out, "'%s'\n", s);
      else
        fprintf (out, "%s\n", s);
    }
  else
    fprintf (out, "%s\n", json_object_to_json_string (v));
}

static void
print_yaml (FILE *out, json_object *v, int indent, bool in_list)
{
  bool first = true;

  if (json_object_is_type (v, json_type_object))
    {
      json_object_object_foreach (v, key, val)
      {
        int pad = (in_list && first) ? 0 : indent;
        first = false;
        fprintf (out, "%*s%s:", pad, "", key);
        if ((json_object_is_type (val, json_type_object) && json_object_object_length (val) > 0)
            || (json_object_is_type (val, json_type_array) && json_object_array_length (val) > 0))
          {
            fputc ('\n', out);
            print_yaml (out, val, indent + 2, false);
          }
        else if (json_object_is_type (val, json_type_array))
          fprintf (out, " []\n");
        else if (json_object_is_type (val, json_type_object))
          fprintf (out, " {}\n");
        else
          {
            fputc (' ', out);
            print_scalar (out, val);
          }
      }
    }
  else if (json_object_is_type (v, json_type_array))
    {
      size_t i;
      for (i = 0; i < json_object_array_length (v); i++)
        {
          json_object *e = json_object_array_get_idx (v, i);
          fprintf (out, "%*s- ", indent, "");
          if (json_object_is_type (e, json_type_object))
            print_yaml (out, e, indent + 2, true);
          else
            print_scalar (out, e);
        }
    }
  else
    print_scalar (out, v);
}

int
cli_cmd_info (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  _cleanup_json_ json_object *rec = json_object_new_object ();
  json_object *host;
  const char *format = NULL, *arg;
  int opt;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    if (opt == OPT_info_format)
      format = arg;
  if (opt < 0 || cli_positionals (&p, 0, 0, err) < 0)
    return -1;
  host = host_record (ctx, err);
  if (host == NULL)
    return -1;
  json_object_object_add (rec, "host", host);
  json_object_object_add (rec, "store", store_record (ctx));
  {
    _cleanup_json_ json_object *version = cli_version_record ();
    json_object_object_add (rec, "version", json_object_get (json_object_object_get (version, "Client")));
  }
  if (format == NULL || format[0] == '\0')
    {
      print_yaml (stdout, rec, 0, false);
      return 0;
    }
  if (format_is_json (format))
    {
      format_print_json (stdout, rec, 2); /* podman's info JSON is indented by two */
      return 0;
    }
  return format_print (stdout, format, NULL, rec, NULL, false, err);
}
