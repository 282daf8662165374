/* --network modes, resolv.conf and hosts texts (see netconf.h).  */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state/netconf.h"
#include "util/cleanup.h"
#include "util/error_text.h"
#include "util/xmalloc.h"

void
net_options_clear (struct net_options *o)
{
  free (o->container);
  free (o->cidr);
  free (o->outbound_addr);
  memset (o, 0, sizeof *o);
}

static int
parse_bool_value (const char *key, const char *v, bool *out, galley_error_t *err)
{
  if (strcmp (v, "true") == 0)
    *out = true;
  else if (strcmp (v, "false") == 0)
    *out = false;
  else
    return error_untrusted (err, "invalid value of %s for slirp4netns: \"%.64s\" (true or false)", key, v);
  return 0;
}

static int
parse_slirp_option (struct net_options *o, const char *opt, galley_error_t *err)
{
  const char *eq = strchr (opt, '=');
  const char *v = eq ? eq + 1 : "";
  size_t klen = eq ? (size_t)(eq - opt) : strlen (opt);
  char gw[16], dns[16], guest[16];

#define KEY(k) (klen == strlen (k) && strncmp (opt, k, klen) == 0)
  if (KEY ("allow_host_loopback"))
    return parse_bool_value ("allow_host_loopback", v, &o->allow_host_loopback, err);
  if (KEY ("enable_ipv6"))
    return parse_bool_value ("enable_ipv6", v, &o->enable_ipv6, err);
  if (KEY ("mtu"))
    {
      char *end;
      unsigned long m = strtoul (v, &end, 10);
      if (*v == '\0' || *end != '\0' || m < 68 || m > 65521)
        return error_untrusted (err, "invalid mtu \"%.32s\" (68 to 65521)", v);
      o->mtu = (unsigned)m;
      return 0;
    }
  if (KEY ("cidr"))
    {
      if (net_slirp_addresses (v, gw, dns, guest, err) < 0)
        return -1;
      free (o->cidr);
      o->cidr = xstrdup (v);
      return 0;
    }
  if (KEY ("outbound_addr"))
    {
      unsigned char a[4];
      if (inet_pton (AF_INET, v, a) != 1)
        return error_untrusted (err, "invalid outbound_addr \"%.64s\": an IPv4 address is expected", v);
      free (o->outbound_addr);
      o->outbound_addr = xstrdup (v);
      return 0;
    }
  if (KEY ("port_handler"))
    {
      if (strcmp (v, "slirp4netns") != 0)
        return error_untrusted (err, "port_handler \"%.32s\" is not supported: only slirp4netns", v);
      return 0;
    }
#undef KEY
  return error_untrusted (err, "unknown option for slirp4netns: \"%.64s\"", opt);
}

bool
net_name_is_valid (const char *name)
{
  size_t i, n = strlen (name);

  /* podman's: [a-zA-Z0-9][a-zA-Z0-9_.-]*  */
  if (n == 0 || n > 200 || ! isalnum ((unsigned char)name[0]))
    return false;
  for (i = 1; i < n; i++)
    if (! isalnum ((unsigned char)name[i]) && ! strchr ("_.-", name[i]))
      return false;
  return true;
}

int
net_options_parse (const char *value, struct net_options *out, galley_error_t *err)
{
  memset (out, 0, sizeof *out);
  out->mtu = SLIRP_DEFAULT_MTU;
  if (value == NULL || *value == '\0' || strcmp (value, "slirp4netns") == 0 || strcmp (value, "private") == 0)
    out->mode = NET_MODE_SLIRP;
  else if (strcmp (value, "none") == 0)
    out->mode = NET_MODE_NONE;
  else if (strcmp (value, "host") == 0)
    out->mode = NET_MODE_HOST;
  else if (strncmp (value, "container:", 10) == 0)
    {
      if (value[10] == '\0')
        return error_untrusted (err, "--network container: needs a container name or id");
      out->mode = NET_MODE_CONTAINER;
      out->container = xstrdup (value + 10);
    }
  else if (strncmp (value, "slirp4netns:", 12) == 0)
    {
      _cleanup_free_ char *opts = xstrdup (value + 12);
      char *save = NULL, *tok;

      out->mode = NET_MODE_SLIRP;
      for (tok = strtok_r (opts, ",", &save); tok; tok = strtok_r (NULL, ",", &save))
        if (parse_slirp_option (out, tok, err) < 0)
          {
            net_options_clear (out);
            return -1;
          }
    }
  else if (strncmp (value, "ns:", 3) == 0)
    {
      if (value[3] != '/')
        return error_untrusted (err, "--network ns: needs an absolute path");
      out->mode = NET_MODE_NS;
      out->container = xstrdup (value + 3);
    }
  else if (strcmp (value, "pasta") == 0)
    return error_untrusted (err, "--network %.64s is not supported yet", value);
  else if (net_name_is_valid (value) || strcmp (value, "bridge") == 0)
    {
      out->mode = NET_MODE_BRIDGE;
      out->container = xstrdup (strcmp (value, "bridge") == 0 ? NET_DEFAULT_NAME : value);
    }
  else
    return error_untrusted (err, "unable to find network with name or ID %.128s: network not found", value);
  return 0;
}

int
net_slirp_addresses (const char *cidr, char gateway[16], char dns[16], char guest[16], galley_error_t *err)
{
  char addr[32];
  const char *slash = cidr ? strchr (cidr, '/') : NULL;
  struct in_addr in;
  unsigned long bits;
  char *end;
  uint32_t base;

  if (cidr == NULL)
    cidr = SLIRP_DEFAULT_CIDR, slash = strchr (cidr, '/');
  if (slash == NULL || (size_t)(slash - cidr) >= sizeof addr)
    goto bad;
  memcpy (addr, cidr, (size_t)(slash - cidr));
  addr[slash - cidr] = '\0';
  bits = strtoul (slash + 1, &end, 10);
  if (slash[1] == '\0' || *end != '\0' || bits < 1 || bits > 25 || inet_pton (AF_INET, addr, &in) != 1)
    goto bad;
  base = ntohl (in.s_addr) & (uint32_t)(0xffffffffu << (32 - bits));
  in.s_addr = htonl (base + 2);
  inet_ntop (AF_INET, &in, gateway, 16);
  in.s_addr = htonl (base + 3);
  inet_ntop (AF_INET, &in, dns, 16);
  in.s_addr = htonl (base + 100);
  inet_ntop (AF_INET, &in, guest, 16);
  return 0;
bad:
  return error_untrusted (err, "invalid cidr \"%.64s\" for slirp4netns (A.B.C.D/N, N at most 25)", cidr);
}

bool
net_is_loopback_address (const char *addr)
{
  unsigned char a[16];

  if (inet_pton (AF_INET, addr, a) == 1)
    return a[0] == 127;
  if (inet_pton (AF_INET6, addr, a) == 1)
    {
      static const unsigned char one[16] = { [15] = 1 };
      return memcmp (a, one, 16) == 0;
    }
  return false;
}

/* A growing text.  */
struct text
{
  char *s;
  size_t len;
};

static void
text_add (struct text *t, const char *s)
{
  size_t l = strlen (s);

  t->s = xrealloc (t->s, t->len + l + 1);
  memcpy (t->s + t->len, s, l + 1);
  t->len += l;
}

static void
text_add_line (struct text *t, const char *keyword, char *const *words)
{
  size_t i;

  text_add (t, keyword);
  for (i = 0; words && words[i]; i++)
    {
      text_add (t, " ");
      text_add (t, words[i]);
    }
  text_add (t, "\n");
}

static char *
text_finish (struct text *t)
{
  return t->s != NULL ? t->s : xstrdup ("");
}

/* The words after `keyword` on the host's last such line.  */
static char *
host_line (const char *host_text, const char *keyword)
{
  const char *p = host_text;
  char *found = NULL;
  size_t kl = strlen (keyword);

  while (p && *p)
    {
      const char *eol = strchrnul (p, '\n');
      while (p < eol && (*p == ' ' || *p == '\t'))
        p++;
      if ((size_t)(eol - p) > kl && strncmp (p, keyword, kl) == 0 && (p[kl] == ' ' || p[kl] == '\t'))
        {
          free (found);
          found = strndup (p + kl + 1, (size_t)(eol - p) - kl - 1);
        }
      p = *eol ? eol + 1 : eol;
    }
  return found;
}

char *
net_resolv_conf (const char *host_text, const struct dns_options *o, const char *slirp_dns)
{
  struct text t = { 0 };
  const char *p = host_text ? host_text : "";
  size_t n_servers = 0, i;
  _cleanup_free_ char *host_search = host_line (p, "search");
  _cleanup_free_ char *host_domain = host_line (p, "domain");
  _cleanup_free_ char *host_options = host_line (p, "options");

  /* search: --dns-search ("." alone: none), else the host's.  */
  if (o && o->search && o->search[0])
    {
      if (! (strcmp (o->search[0], ".") == 0 && o->search[1] == NULL))
        text_add_line (&t, "search", o->search);
    }
  else if (host_search)
    {
      text_add (&t, "search ");
      text_add (&t, host_search);
      text_add (&t, "\n");
    }
  else if (host_domain)
    {
      text_add (&t, "search ");
      text_add (&t, host_domain);
      text_add (&t, "\n");
    }
  if (o && o->servers && o->servers[0])
    for (i = 0; o->servers[i]; i++)
      {
        text_add (&t, "nameserver ");
        text_add (&t, o->servers[i]);
        text_add (&t, "\n");
      }
  else
    {
      if (slirp_dns)
        {
          text_add (&t, "nameserver ");
          text_add (&t, slirp_dns);
          text_add (&t, "\n");
          n_servers++;
        }
      while (*p)
        {
          const char *eol = strchrnul (p, '\n');
          _cleanup_free_ char *line = xstrndup (p, (size_t)(eol - p));
          char *save = NULL, *kw, *addr;

          p = *eol ? eol + 1 : eol;
          kw = strtok_r (line, " \t", &save);
          addr = kw ? strtok_r (NULL, " \t", &save) : NULL;
          if (kw == NULL || strcmp (kw, "nameserver") != 0 || addr == NULL || net_is_loopback_address (addr))
            continue;
          text_add (&t, "nameserver ");
          text_add (&t, addr);
          text_add (&t, "\n");
          n_servers++;
        }
    }
  if (o && o->options && o->options[0])
    text_add_line (&t, "options", o->options);
  else if (host_options)
    {
      text_add (&t, "options ");
      text_add (&t, host_options);
      text_add (&t, "\n");
    }
  return text_finish (&t);
}

/* "name:ip" (podman) or "name=ip" (docker); the ip may be IPv6 (colons).  */
static int
split_add_host (const char *arg, char **name, char **ip, galley_error_t *err)
{
  const char *sep = strchr (arg, '=');
  unsigned char a[16];

  if (sep == NULL)
    sep = strchr (arg, ':');
  if (sep == NULL || sep == arg || sep[1] == '\0')
    return error_untrusted (err, "bad format for add-host: \"%.128s\"", arg);
  if (inet_pton (AF_INET, sep + 1, a) != 1 && inet_pton (AF_INET6, sep + 1, a) != 1
      && strcmp (sep + 1, "host-gateway") != 0)
    return error_untrusted (err, "invalid IP address in add-host: \"%.128s\"", sep + 1);
  if (strpbrk (arg, " \t\n#") != NULL && strpbrk (arg, " \t\n#") < sep)
    return error_untrusted (err, "bad format for add-host: \"%.128s\"", arg);
  if (name == NULL)
    return 0;
  *name = xstrndup (arg, (size_t)(sep - arg));
  *ip = xstrdup (sep + 1);
  return 0;
}

int
net_check_add_host (const char *arg, galley_error_t *err)
{
  return split_add_host (arg, NULL, NULL, err);
}

int
net_hosts_file (const char *host_text, char *const *add_hosts, const char *self_ip, const char *hostname,
                const char *name, const char *host_gateway, char **out, galley_error_t *err)
{
  struct text t = { 0 };
  size_t i;

  for (i = 0; add_hosts && add_hosts[i]; i++)
    {
      _cleanup_free_ char *n = NULL, *ip = NULL;
      if (split_add_host (add_hosts[i], &n, &ip, err) < 0)
        {
          free (t.s);
          return -1;
        }
      text_add (&t, strcmp (ip, "host-gateway") == 0 && host_gateway ? host_gateway : ip);
      text_add (&t, "\t");
      text_add (&t, n);
      text_add (&t, "\n");
    }
  if (host_text && *host_text)
    {
      text_add (&t, host_text);
      if (host_text[strlen (host_text) - 1] != '\n')
        text_add (&t, "\n");
    }
  else
    text_add (&t, "127.0.0.1\tlocalhost localhost.localdomain localhost4 localhost4.localdomain4\n"
                  "::1\tlocalhost localhost.localdomain localhost6 localhost6.localdomain6\n");
  if (host_gateway)
    {
      text_add (&t, host_gateway);
      text_add (&t, "\thost.containers.internal\n");
    }
  if (self_ip && hostname)
    {
      text_add (&t, self_ip);
      text_add (&t, "\t");
      text_add (&t, hostname);
      if (name && strcmp (name, hostname) != 0)
        {
          text_add (&t, " ");
          text_add (&t, name);
        }
      text_add (&t, "\n");
    }
  *out = text_finish (&t);
  return 0;
}
