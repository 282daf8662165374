/* Capabilities through libcap: names, podman's set arithmetic
 * (containers-common's MergeCapabilities), and the two-step application
 * around the container init's uid switch.  */
#include "config.h"
#include "runtime/caps.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include "util/cleanup.h"
#include "util/error_text.h"

/* The highest capability libcap knows about, bounded by our 64-bit sets.  */
static int
caps_count (void)
{
  int n = (int)cap_max_bits ();

  return n > 64 ? 64 : n;
}

uint64_t
caps_default (void)
{
  return CAPS_BIT (CAP_CHOWN) | CAPS_BIT (CAP_DAC_OVERRIDE) | CAPS_BIT (CAP_FOWNER) | CAPS_BIT (CAP_FSETID)
         | CAPS_BIT (CAP_KILL) | CAPS_BIT (CAP_NET_BIND_SERVICE) | CAPS_BIT (CAP_SETFCAP)
         | CAPS_BIT (CAP_SETGID) | CAPS_BIT (CAP_SETPCAP) | CAPS_BIT (CAP_SETUID) | CAPS_BIT (CAP_SYS_CHROOT);
}

/* podman's "all" is the caller's bounding set: what the process can still
 * get.  A capability the kernel does not know reads as -1.  */
uint64_t
caps_all (void)
{
  uint64_t all = 0;
  int cap, n = caps_count ();

  for (cap = 0; cap < n; cap++)
    if (cap_get_bound ((cap_value_t)cap) > 0)
      all |= CAPS_BIT (cap);
  return all;
}

const char *
caps_to_name (int cap)
{
  static char *names[64];

  if (cap < 0 || cap >= caps_count ())
    return NULL;
  if (names[cap] == NULL)
    {
      char *lower = cap_to_name ((cap_value_t)cap), *upper;
      size_t i;

      if (lower == NULL)
        return NULL;
      upper = strdup (lower);
      cap_free (lower);
      if (upper == NULL)
        return NULL;
      for (i = 0; upper[i] != '\0'; i++)
        upper[i] = (char)toupper ((unsigned char)upper[i]);
      names[cap] = upper;
    }
  return names[cap];
}

bool
caps_is_all (const char *name)
{
  return strcasecmp (name, "ALL") == 0;
}

int
caps_from_name (const char *name, int *cap_out, galley_error_t *err)
{
  const char *bare = name;
  int cap, n = caps_count ();

  if (strncasecmp (bare, "CAP_", 4) == 0)
    bare += 4;
  /* Only names: libcap would also take numbers, which podman refuses.  */
  for (cap = 0; *bare != '\0' && cap < n; cap++)
    {
      const char *known = caps_to_name (cap);

      if (known != NULL && strcasecmp (known + 4, bare) == 0)
        {
          *cap_out = cap;
          return 0;
        }
    }
  char shown[72];

  return galley_error_make (err, 0, "unknown capability \"%s\"",
                            error_text_printable (name, shown, sizeof shown));
}

char *
caps_format (uint64_t caps)
{
  char *buf = NULL;
  size_t size = 0;
  FILE *f = open_memstream (&buf, &size);
  int cap, n = caps_count ();
  bool first = true;

  if (f == NULL)
    return NULL;
  for (cap = 0; cap < n; cap++)
    if (caps & CAPS_BIT (cap))
      {
        const char *name = caps_to_name (cap);

        fprintf (f, "%s%s", first ? "" : ",", name != NULL ? name : "?");
        first = false;
      }
  if (fclose (f) != 0)
    {
      free (buf);
      return NULL;
    }
  return buf;
}

/* A list of names into a set; *has_all for "ALL".  */
static int
parse_list (const char *const *names, uint64_t *out, bool *has_all, galley_error_t *err)
{
  *out = 0;
  *has_all = false;
  for (; names != NULL && *names != NULL; names++)
    {
      int cap;

      if (caps_is_all (*names))
        {
          *has_all = true;
          continue;
        }
      if (caps_from_name (*names, &cap, err) < 0)
        return -1;
      *out |= CAPS_BIT (cap);
    }
  return 0;
}

int
caps_compute (const char *const *cap_add, const char *const *cap_drop, bool privileged, bool user_is_root,
              struct caps_set *out, galley_error_t *err)
{
  uint64_t add, drop, base, all = caps_all (), both;
  bool add_all, drop_all;

  memset (out, 0, sizeof *out);
  if (parse_list (cap_add, &add, &add_all, err) < 0 || parse_list (cap_drop, &drop, &drop_all, err) < 0)
    return -1;
  if (add_all && drop_all)
    return galley_error_make (err, 0, "adding all caps and removing all caps not allowed");
  both = add & drop;
  if (both != 0 && ! add_all && ! drop_all)
    {
      int cap = __builtin_ctzll (both);

      return galley_error_make (err, 0, "capability \"%s\" cannot be dropped and added", caps_to_name (cap));
    }
  base = privileged ? all : caps_default ();
  if (drop_all)
    out->bounding = add;
  else if (add_all)
    out->bounding = all & ~drop;
  else
    out->bounding = (base | add) & ~drop;
  /* Nothing the caller cannot hold itself.  */
  out->bounding &= all;
  if (user_is_root)
    out->effective = out->bounding;
  else
    {
      /* podman: a non-root user gets only what was asked for by name.  */
      out->effective = (add_all ? all : add) & out->bounding;
      out->ambient = out->effective;
    }
  return 0;
}

int
caps_apply_before_setuid (const struct caps_set *set, galley_error_t *err)
{
  int cap, n = caps_count ();

  for (cap = 0; cap < n; cap++)
    {
      if (set->bounding & CAPS_BIT (cap))
        continue;
      if (cap_get_bound ((cap_value_t)cap) <= 0)
        continue;
      if (cap_drop_bound ((cap_value_t)cap) < 0)
        return galley_error_make (err, errno, "dropping %s from the bounding set", caps_to_name (cap));
    }
  if (CAP_AMBIENT_SUPPORTED () && cap_reset_ambient () < 0)
    return galley_error_make (err, errno, "clearing the ambient capabilities");
  if (prctl (PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
    return galley_error_make (err, errno, "prctl (PR_SET_KEEPCAPS)");
  return 0;
}

int
caps_apply_after_setuid (const struct caps_set *set, galley_error_t *err)
{
  _cleanup_cap_ cap_t caps = cap_init ();
  int cap, n = caps_count ();

  if (caps == NULL)
    return galley_error_make (err, errno, "cap_init");
  for (cap = 0; cap < n; cap++)
    {
      cap_value_t v = (cap_value_t)cap;

      if ((set->effective & CAPS_BIT (cap))
          && (cap_set_flag (caps, CAP_PERMITTED, 1, &v, CAP_SET) < 0
              || cap_set_flag (caps, CAP_EFFECTIVE, 1, &v, CAP_SET) < 0))
        return galley_error_make (err, errno, "cap_set_flag");
      /* The kernel raises an ambient capability only if it is permitted and
       * inheritable.  */
      if ((set->ambient & CAPS_BIT (cap)) && cap_set_flag (caps, CAP_INHERITABLE, 1, &v, CAP_SET) < 0)
        return galley_error_make (err, errno, "cap_set_flag");
    }
  if (cap_set_proc (caps) < 0)
    return galley_error_make (err, errno, "setting the capabilities");
  for (cap = 0; cap < n; cap++)
    if ((set->ambient & CAPS_BIT (cap)) && cap_set_ambient ((cap_value_t)cap, CAP_SET) < 0)
      return galley_error_make (err, errno, "raising ambient capability %s", caps_to_name (cap));
  if (prctl (PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
    return galley_error_make (err, errno, "prctl (PR_SET_KEEPCAPS)");
  return 0;
}
