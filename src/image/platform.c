/* Platform detection, parsing, normalisation (containerd's rules) and the
 * compatibility ranking used for index entries (containers/image's order).  */
#include "config.h"
#include "image/platform.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "util/cleanup.h"
#include "util/error_text.h"

/* Variants that run on a given one, most preferred first.  */
static const char *const arm_variants[] = { "v8", "v7", "v6", "v5", NULL };
static const char *const arm64_variants[] = { "v8", NULL };

static const char *const *
variant_order (const char *arch)
{
  if (strcmp (arch, "arm") == 0)
    return arm_variants;
  if (strcmp (arch, "arm64") == 0)
    return arm64_variants;
  return NULL;
}

static void
lowercase (char *s)
{
  for (; s != NULL && *s; s++)
    *s = (char)tolower ((unsigned char)*s);
}

static void
replace (char **field, const char *value)
{
  char *copy = value ? strdup (value) : NULL;

  /* Out of memory keeps the old value: normalisation is best effort.  */
  if (value != NULL && copy == NULL)
    return;
  free (*field);
  *field = copy;
}

void
platform_normalize (struct platform *p)
{
  const char *a, *v;

  lowercase (p->os);
  lowercase (p->architecture);
  lowercase (p->variant);
  if (p->variant != NULL && p->variant[0] == '\0')
    replace (&p->variant, NULL);
  if (p->architecture == NULL)
    return;
  a = p->architecture;
  v = p->variant ? p->variant : "";
  if (strcmp (a, "i386") == 0)
    {
      replace (&p->architecture, "386");
      replace (&p->variant, NULL);
    }
  else if (strcmp (a, "x86_64") == 0 || strcmp (a, "x86-64") == 0 || strcmp (a, "amd64") == 0)
    {
      replace (&p->architecture, "amd64");
      if (strcmp (v, "v1") == 0)
        replace (&p->variant, NULL);
    }
  else if (strcmp (a, "aarch64") == 0 || strcmp (a, "arm64") == 0)
    {
      replace (&p->architecture, "arm64");
      if (strcmp (v, "") == 0 || strcmp (v, "8") == 0 || strcmp (v, "v8.0") == 0)
        replace (&p->variant, "v8");
      else if (strcmp (v, "9") == 0 || strcmp (v, "9.0") == 0 || strcmp (v, "v9.0") == 0)
        replace (&p->variant, "v9");
    }
  else if (strcmp (a, "armhf") == 0)
    {
      replace (&p->architecture, "arm");
      replace (&p->variant, "v7");
    }
  else if (strcmp (a, "armel") == 0)
    {
      replace (&p->architecture, "arm");
      replace (&p->variant, "v6");
    }
  else if (strcmp (a, "arm") == 0)
    {
      if (strcmp (v, "") == 0 || strcmp (v, "7") == 0)
        replace (&p->variant, "v7");
      else if (strcmp (v, "5") == 0 || strcmp (v, "6") == 0 || strcmp (v, "8") == 0)
        {
          char buf[3] = { 'v', v[0], '\0' };
          replace (&p->variant, buf);
        }
    }
}

/* uname's machine to GOARCH and variant.  */
static void
arch_from_machine (const char *m, const char **arch, const char **variant)
{
  *variant = NULL;
  if (strcmp (m, "x86_64") == 0)
    *arch = "amd64";
  else if (strcmp (m, "aarch64") == 0 || strcmp (m, "arm64") == 0)
    *arch = "arm64", *variant = "v8";
  else if (strncmp (m, "armv8", 5) == 0)
    *arch = "arm", *variant = "v8";
  else if (strncmp (m, "armv7", 5) == 0)
    *arch = "arm", *variant = "v7";
  else if (strncmp (m, "armv6", 5) == 0)
    *arch = "arm", *variant = "v6";
  else if (strncmp (m, "armv5", 5) == 0)
    *arch = "arm", *variant = "v5";
  else if (strlen (m) == 4 && m[0] == 'i' && m[2] == '8' && m[3] == '6')
    *arch = "386";
  else if (strcmp (m, "loongarch64") == 0)
    *arch = "loong64";
  else if (strcmp (m, "mips64") == 0)
    *arch = "mips64le";
  else
    *arch = m; /* ppc64le, s390x, riscv64 are already GOARCH names */
}

static int
platform_set (struct platform *out, const char *os, const char *arch, const char *variant,
              galley_error_t *err)
{
  memset (out, 0, sizeof *out);
  out->os = strdup (os);
  out->architecture = strdup (arch);
  if (variant != NULL && variant[0] != '\0')
    out->variant = strdup (variant);
  if (out->os == NULL || out->architecture == NULL
      || (variant != NULL && variant[0] != '\0' && out->variant == NULL))
    {
      platform_release (out);
      return galley_error_make (err, ENOMEM, "allocating a platform");
    }
  platform_normalize (out);
  return 0;
}

int
platform_host (struct platform *out, galley_error_t *err)
{
  struct utsname u;
  const char *arch, *variant;
  char os[sizeof u.sysname];

  if (uname (&u) < 0)
    return galley_error_make (err, errno, "uname");
  snprintf (os, sizeof os, "%s", u.sysname);
  lowercase (os);
  arch_from_machine (u.machine, &arch, &variant);
  return platform_set (out, os, arch, variant, err);
}

static bool
platform_word_is_valid (const char *s)
{
  if (s == NULL || *s == '\0')
    return false;
  for (; *s; s++)
    if (! isalnum ((unsigned char)*s) && *s != '_' && *s != '-' && *s != '.')
      return false;
  return true;
}

int
platform_from_options (const char *platform, const char *os, const char *arch, const char *variant,
                       struct platform *out, galley_error_t *err)
{
  _cleanup_platform_ struct platform host = { NULL, NULL, NULL };
  _cleanup_free_ char *copy = NULL;

  if (platform != NULL)
    {
      char *first, *second, *third = NULL;

      if (os != NULL || arch != NULL)
        return error_untrusted (err, "--platform option can not be specified with --arch or --os");
      if ((copy = strdup (platform)) == NULL)
        return galley_error_make (err, ENOMEM, "parsing --platform");
      first = copy;
      second = strchr (first, '/');
      if (second != NULL)
        {
          *second++ = '\0';
          third = strchr (second, '/');
          if (third != NULL)
            *third++ = '\0';
        }
      if (second == NULL || ! platform_word_is_valid (first) || ! platform_word_is_valid (second)
          || (third != NULL && ! platform_word_is_valid (third)))
        return error_untrusted (err,
                                "invalid platform syntax for --platform=\"%s\": expected "
                                "OS/ARCH[/VARIANT]",
                                platform);
      os = first;
      arch = second;
      if (third != NULL)
        variant = third;
    }
  if (os != NULL && ! platform_word_is_valid (os))
    return error_untrusted (err, "invalid --os \"%s\"", os);
  if (arch != NULL && ! platform_word_is_valid (arch))
    return error_untrusted (err, "invalid --arch \"%s\"", arch);
  if (variant != NULL && variant[0] != '\0' && ! platform_word_is_valid (variant))
    return error_untrusted (err, "invalid --variant \"%s\"", variant);

  if (platform_host (&host, err) < 0)
    return -1;
  /* The host's variant only applies to the host's architecture.  */
  if (variant == NULL && arch == NULL)
    variant = host.variant;
  return platform_set (out, os ? os : host.os, arch ? arch : host.architecture, variant, err);
}

static int
variant_index (const char *const *order, const char *variant)
{
  for (int i = 0; order[i] != NULL; i++)
    if (strcmp (order[i], variant) == 0)
      return i;
  return -1;
}

int
platform_match_rank (const struct platform *want, const struct platform *have)
{
  const char *const *order;
  int w, h;

  if (want->os == NULL || have->os == NULL || strcmp (want->os, have->os) != 0)
    return -1;
  if (want->architecture == NULL || have->architecture == NULL
      || strcmp (want->architecture, have->architecture) != 0)
    return -1;
  if (want->variant == NULL)
    return have->variant == NULL ? 0 : 1;
  if (have->variant == NULL)
    return 100; /* an entry that does not say is the last resort */
  if (strcmp (want->variant, have->variant) == 0)
    return 0;
  order = variant_order (want->architecture);
  if (order == NULL || (w = variant_index (order, want->variant)) < 0
      || (h = variant_index (order, have->variant)) < w)
    return -1;
  return h - w;
}

char *
platform_format (const struct platform *p)
{
  char *s = NULL;

  if (asprintf (&s, "%s/%s%s%s", p->os ? p->os : "", p->architecture ? p->architecture : "",
                p->variant ? "/" : "", p->variant ? p->variant : "")
      < 0)
    return NULL;
  return s;
}

int
platform_copy (const struct platform *src, struct platform *dst)
{
  memset (dst, 0, sizeof *dst);
  if ((src->os && (dst->os = strdup (src->os)) == NULL)
      || (src->architecture && (dst->architecture = strdup (src->architecture)) == NULL)
      || (src->variant && (dst->variant = strdup (src->variant)) == NULL))
    {
      platform_release (dst);
      errno = ENOMEM;
      return -1;
    }
  return 0;
}

void
platform_release (struct platform *p)
{
  free (p->os);
  free (p->architecture);
  free (p->variant);
  memset (p, 0, sizeof *p);
}
