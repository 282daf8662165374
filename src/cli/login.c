/* galley login: check credentials against a registry, then remember them in
 * auth.json, as podman login.  */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli/cli.h"
#include "registry/authfile.h"
#include "registry/client.h"
#include "registry/reference.h"
#include "registry/registries_conf.h"
#include "util/cleanup.h"
#include "util/xmalloc.h"

struct login_options
{
  const char *username;
  const char *password;
  bool password_stdin;
  const char *authfile;
  const char *cert_dir;
  int tls_verify;
  bool get_login;
  bool verbose;
};

/* One line from stdin without its newline; the prompt (if any) goes to stdout
 * as podman's.  echo false hides what a terminal user types.  */
static int
read_line (const char *prompt, bool echo, char **out, galley_error_t *err)
{
  struct termios saved, quiet;
  bool restore = false;
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;

  if (prompt != NULL)
    {
      fputs (prompt, stdout);
      fflush (stdout);
    }
  if (! echo && isatty (STDIN_FILENO) && tcgetattr (STDIN_FILENO, &saved) == 0)
    {
      quiet = saved;
      quiet.c_lflag &= ~(tcflag_t)ECHO;
      restore = tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
    }
  n = getline (&line, &cap, stdin);
  if (restore)
    {
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved);
      putchar ('\n');
    }
  if (n < 0)
    {
      free (line);
      return galley_error_make (err, 0, "reading %s from standard input: end of input",
                                echo ? "the username" : "the password");
    }
  while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
    line[--n] = '\0';
  *out = line;
  return 0;
}

/* --password-stdin: everything on stdin, less the final newline.  */
static int
read_password_stdin (char **out, galley_error_t *err)
{
  _cleanup_free_ char *buf = NULL;
  size_t len = 0, cap = 0;

  for (;;)
    {
      size_t n;
      if (cap - len < 1024)
        {
          buf = xrealloc (buf, cap + 4096);
          cap += 4096;
        }
      n = fread (buf + len, 1, cap - len - 1, stdin);
      len += n;
      if (n == 0 || len > 64 * 1024)
        break;
    }
  if (ferror (stdin))
    return galley_error_make (err, errno, "reading the password from standard input");
  buf[len] = '\0';
  while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
    buf[--len] = '\0';
  *out = steal_pointer (&buf);
  return 0;
}

static int
parse_login (struct cli_context *ctx, int argc, char **argv, struct login_options *o, const char **registry,
             galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  const char *arg;
  bool b;
  int opt;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    switch (opt)
      {
      case OPT_login_username:
        o->username = arg;
        break;
      case OPT_login_password:
        o->password = arg;
        break;
      case OPT_login_password_stdin:
        o->password_stdin = true;
        break;
      case OPT_login_authfile:
        o->authfile = arg;
        break;
      case OPT_login_cert_dir:
        o->cert_dir = arg;
        break;
      case OPT_login_tls_verify:
        if (cli_bool (&p, arg, &b, err) < 0)
          return -1;
        o->tls_verify = b;
        break;
      case OPT_login_get_login:
        o->get_login = true;
        break;
      case OPT_login_verbose:
        o->verbose = true;
        break;
      }
  if (opt < 0 || cli_positionals (&p, 0, 1, err) < 0)
    return -1;
  if (o->password_stdin && o->password != NULL)
    return galley_error_make (err, 0, "can't specify both --password-stdin and --password");
  if (o->password_stdin && o->username == NULL)
    return galley_error_make (err, 0, "must provide --username with --password-stdin");
  *registry = p.optind < argc ? argv[p.optind] : NULL;
  return 0;
}

/* The auth.json key and the host of what the user typed (host or host/repo);
 * without one, podman's default: the first unqualified-search registry.  */
static int
login_target (const struct registries_conf *conf, const char *registry, char **key, char **host,
              galley_error_t *err)
{
  if (registry == NULL && conf->search != NULL)
    registry = conf->search[0];
  if (registry == NULL)
    return galley_error_make (err, 0, "no registries found in registries.conf, a registry must be provided");
  *key = authfile_normalize_key (registry);
  *host = xstrndup (*key, strcspn (*key, "/"));
  if (**host == '\0' || ! image_ref_domain_is_valid (*host))
    return galley_error_make (err, 0, "invalid registry \"%s\"", registry);
  if (strchr (*key, '/') != NULL && ! image_ref_path_is_valid (strchr (*key, '/') + 1))
    return galley_error_make (err, 0, "invalid registry \"%s\"", registry);
  return 0;
}

/* podman: reuse stored credentials when no new ones are given.  1 if they are
 * still valid (and the login is done).  */
static int
try_existing (struct cli_context *ctx, struct registry_client *c, const struct login_options *o,
              const char *key, const char *host, galley_error_t *err)
{
  _cleanup_auth_credentials_ struct auth_credentials cr = { 0 };
  const char *repo = strchr (key, '/');
  int r;

  r = authfile_lookup (&ctx->paths, o->authfile, host, repo ? repo + 1 : NULL, &cr, err);
  if (r <= 0 || cr.username == NULL)
    return r < 0 ? -1 : 0;
  printf ("Authenticating with existing credentials for %s\n", key);
  if (registry_check_login (c, host, cr.username, cr.password, err) == 0)
    {
      printf ("Existing credentials are valid. Already logged in to %s\n", key);
      return 1;
    }
  if (galley_error_errno (err) != EACCES)
    return galley_error_wrap (err, "logging into \"%s\"", key);
  galley_error_release (err);
  printf ("Existing credentials are invalid, please enter valid username and password\n");
  return 0;
}

static int
print_login (struct cli_context *ctx, const struct login_options *o, const char *key, const char *host,
             galley_error_t *err)
{
  _cleanup_auth_credentials_ struct auth_credentials cr = { 0 };
  const char *repo = strchr (key, '/');
  int r = authfile_lookup (&ctx->paths, o->authfile, host, repo ? repo + 1 : NULL, &cr, err);

  if (r < 0)
    return -1;
  if (r == 0 || cr.username == NULL)
    return galley_error_make (err, 0, "not logged into %s", key);
  printf ("%s\n", cr.username);
  return 0;
}

int
cli_cmd_login (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  struct login_options o = { .tls_verify = -1 };
  _cleanup_registries_conf_ struct registries_conf *conf = NULL;
  _cleanup_registry_client_ struct registry_client *c = NULL;
  _cleanup_free_ char *key = NULL, *host = NULL, *user = NULL, *pass = NULL, *path = NULL;
  const char *registry = NULL;
  struct registry_options ro = { 0 };
  int r;

  if (parse_login (ctx, argc, argv, &o, &registry, err) < 0
      || registries_conf_load (&ctx->paths, &conf, err) < 0
      || login_target (conf, registry, &key, &host, err) < 0)
    return -1;
  if (o.get_login)
    return print_login (ctx, &o, key, host, err);
  ro.authfile = o.authfile;
  ro.certs_dir = o.cert_dir;
  ro.tls_verify = o.tls_verify;
  ro.conf = conf;
  if (registry_client_new (&ctx->paths, &ro, &c, err) < 0)
    return -1;
  if (o.username == NULL && o.password == NULL)
    {
      r = try_existing (ctx, c, &o, key, host, err);
      if (r != 0)
        return r < 0 ? -1 : 0;
    }
  if (o.password_stdin && read_password_stdin (&pass, err) < 0)
    return -1;
  if (o.username == NULL && read_line ("Username: ", true, &user, err) < 0)
    return -1;
  if (o.password == NULL && pass == NULL && read_line ("Password: ", false, &pass, err) < 0)
    return -1;
  if ((o.username ? o.username : user)[0] == '\0')
    return galley_error_make (err, 0, "username can't be empty");
  if ((o.password ? o.password : pass)[0] == '\0')
    return galley_error_make (err, 0, "password can't be empty");
  if (registry_check_login (c, host, o.username ? o.username : user, o.password ? o.password : pass, err) < 0)
    return galley_error_wrap (err, "logging into \"%s\"", key);
  path = authfile_write_path (&ctx->paths, o.authfile);
  if (authfile_store (path, key, o.username ? o.username : user, o.password ? o.password : pass, err) < 0)
    return galley_error_wrap (err, "storing the credentials for %s", key);
  if (o.verbose)
    printf ("Used: %s\n", path);
  printf ("Login Succeeded!\n");
  return 0;
}
