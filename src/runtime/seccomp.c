/* Seccomp profiles (containers-common / moby JSON format) turned into a
 * libseccomp filter: architectures from archMap, per-entry includes/excludes
 * by capabilities, architectures and kernel version, argument conditions and
 * errno return values.  The semantics follow containers-common's loader so
 * that a profile behaves as it does under podman.  */
#include "config.h"
#include "runtime/seccomp.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "runtime/caps.h"
#include "util/cleanup.h"
#include "util/error_text.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/log.h"

/* A profile is a few tens of KiB; anything near this is not a profile.  */
#define SECCOMP_PROFILE_MAX_SIZE (4u << 20)
/* The errno of an SCMP_ACT_ERRNO action is 16 bits in the kernel, but only
 * values below MAX_ERRNO are errnos.  */
#define SECCOMP_ERRNO_MAX 4095

/* What the loader needs to know while walking the entries.  */
struct profile_ctx
{
  const char *what;      /* the file, for errors */
  uint64_t caps;         /* the container's capabilities */
  uint32_t native_arch;  /* SCMP_ARCH_* */
  const char *arch_name; /* Go's name of the native architecture ("amd64") */
  int kernel_major, kernel_minor;
  uint32_t default_action;
};

struct name_value
{
  const char *name;
  uint32_t value;
};

static const struct name_value arch_names[] = {
  { "SCMP_ARCH_X86", SCMP_ARCH_X86 },
  { "SCMP_ARCH_X86_64", SCMP_ARCH_X86_64 },
  { "SCMP_ARCH_X32", SCMP_ARCH_X32 },
  { "SCMP_ARCH_ARM", SCMP_ARCH_ARM },
  { "SCMP_ARCH_AARCH64", SCMP_ARCH_AARCH64 },
  { "SCMP_ARCH_MIPS", SCMP_ARCH_MIPS },
  { "SCMP_ARCH_MIPS64", SCMP_ARCH_MIPS64 },
  { "SCMP_ARCH_MIPS64N32", SCMP_ARCH_MIPS64N32 },
  { "SCMP_ARCH_MIPSEL", SCMP_ARCH_MIPSEL },
  { "SCMP_ARCH_MIPSEL64", SCMP_ARCH_MIPSEL64 },
  { "SCMP_ARCH_MIPSEL64N32", SCMP_ARCH_MIPSEL64N32 },
  { "SCMP_ARCH_PPC", SCMP_ARCH_PPC },
  { "SCMP_ARCH_PPC64", SCMP_ARCH_PPC64 },
  { "SCMP_ARCH_PPC64LE", SCMP_ARCH_PPC64LE },
  { "SCMP_ARCH_S390", SCMP_ARCH_S390 },
  { "SCMP_ARCH_S390X", SCMP_ARCH_S390X },
  { "SCMP_ARCH_PARISC", SCMP_ARCH_PARISC },
  { "SCMP_ARCH_PARISC64", SCMP_ARCH_PARISC64 },
  { "SCMP_ARCH_RISCV64", SCMP_ARCH_RISCV64 },
  { NULL, 0 },
};

/* The architecture names of "includes"/"excludes" "arches" are Go's
 * (runtime.GOARCH) plus the sub-architectures' short names.  */
static const struct name_value arch_go_names[] = {
  { "amd64", SCMP_ARCH_X86_64 },
  { "x86", SCMP_ARCH_X86 },
  { "386", SCMP_ARCH_X86 },
  { "x32", SCMP_ARCH_X32 },
  { "arm64", SCMP_ARCH_AARCH64 },
  { "arm", SCMP_ARCH_ARM },
  { "mips", SCMP_ARCH_MIPS },
  { "mips64", SCMP_ARCH_MIPS64 },
  { "mips64n32", SCMP_ARCH_MIPS64N32 },
  { "mipsle", SCMP_ARCH_MIPSEL },
  { "mips64le", SCMP_ARCH_MIPSEL64 },
  { "mips64len32", SCMP_ARCH_MIPSEL64N32 },
  { "ppc", SCMP_ARCH_PPC },
  { "ppc64", SCMP_ARCH_PPC64 },
  { "ppc64le", SCMP_ARCH_PPC64LE },
  { "s390", SCMP_ARCH_S390 },
  { "s390x", SCMP_ARCH_S390X },
  { "riscv64", SCMP_ARCH_RISCV64 },
  { NULL, 0 },
};

static const struct name_value cmp_names[] = {
  { "SCMP_CMP_NE", SCMP_CMP_NE },
  { "SCMP_CMP_LT", SCMP_CMP_LT },
  { "SCMP_CMP_LE", SCMP_CMP_LE },
  { "SCMP_CMP_EQ", SCMP_CMP_EQ },
  { "SCMP_CMP_GE", SCMP_CMP_GE },
  { "SCMP_CMP_GT", SCMP_CMP_GT },
  { "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
  { NULL, 0 },
};

static bool
lookup (const struct name_value *table, const char *name, uint32_t *out)
{
  for (; table->name != NULL; table++)
    if (strcmp (table->name, name) == 0)
      {
        *out = table->value;
        return true;
      }
  return false;
}

static const char *
arch_go_name (uint32_t arch)
{
  const struct name_value *t;

  for (t = arch_go_names; t->name != NULL; t++)
    if (t->value == arch)
      return t->name;
  return "";
}

char *
seccomp_default_profile_path (void)
{
  const char *env = getenv ("GALLEY_SECCOMP_PROFILE");
  const char *srcdir = getenv ("GALLEY_SRCDIR");
  char *path = NULL;

  if (env != NULL && *env != '\0')
    return strdup (env);
  if (access (DATADIR "/galley/seccomp.json", R_OK) == 0)
    return strdup (DATADIR "/galley/seccomp.json");
  /* Not installed: the source tree's copy (the unit tests set GALLEY_SRCDIR).  */
  if (srcdir == NULL || *srcdir == '\0')
    return strdup (DATADIR "/galley/seccomp.json");
  if (asprintf (&path, "%s/conf/seccomp.json", srcdir) < 0)
    return NULL;
  return path;
}

/* "4.8" -> 4, 8.  */
static int
parse_kernel_version (const char *s, int *major, int *minor)
{
  char *end;
  long maj, min = 0;

  errno = 0;
  maj = strtol (s, &end, 10);
  if (end == s || errno != 0 || maj < 0 || maj > 1000)
    return -1;
  if (*end == '.')
    {
      s = end + 1;
      min = strtol (s, &end, 10);
      if (end == s || errno != 0 || min < 0 || min > 1000)
        return -1;
    }
  *major = (int)maj;
  *minor = (int)min;
  return 0;
}

/* An SCMP_ACT_* name plus its errno (errnoRet) into a libseccomp action.  */
static int
parse_action (const struct profile_ctx *pc, const char *entry, const char *name, json_object *errno_ret,
              uint32_t default_errno, uint32_t *out, galley_error_t *err)
{
  uint32_t errno_value = default_errno;

  if (errno_ret != NULL)
    {
      int64_t v;

      if (! json_object_is_type (errno_ret, json_type_int))
        return galley_error_make (err, 0, "%s: %s: errnoRet must be a number", pc->what, entry);
      v = json_object_get_int64 (errno_ret);
      if (v < 0 || v > SECCOMP_ERRNO_MAX)
        return galley_error_make (err, 0, "%s: %s: errnoRet %lld out of range", pc->what, entry,
                                  (long long)v);
      errno_value = (uint32_t)v;
    }
  if (strcmp (name, "SCMP_ACT_ALLOW") == 0)
    *out = SCMP_ACT_ALLOW;
  else if (strcmp (name, "SCMP_ACT_ERRNO") == 0)
    *out = SCMP_ACT_ERRNO (errno_value);
  else if (strcmp (name, "SCMP_ACT_KILL") == 0 || strcmp (name, "SCMP_ACT_KILL_THREAD") == 0)
    *out = SCMP_ACT_KILL_THREAD;
  else if (strcmp (name, "SCMP_ACT_KILL_PROCESS") == 0)
    *out = SCMP_ACT_KILL_PROCESS;
  else if (strcmp (name, "SCMP_ACT_TRAP") == 0)
    *out = SCMP_ACT_TRAP;
  else if (strcmp (name, "SCMP_ACT_TRACE") == 0)
    *out = SCMP_ACT_TRACE (errno_value);
  else if (strcmp (name, "SCMP_ACT_LOG") == 0)
    *out = SCMP_ACT_LOG;
  else if (strcmp (name, "SCMP_ACT_NOTIFY") == 0)
    return galley_error_make (err, 0, "%s: %s: SCMP_ACT_NOTIFY is not supported", pc->what, entry);
  else
    {
      char shown[72];

      return galley_error_make (err, 0, "%s: %s: unknown action \"%s\"", pc->what, entry,
                                error_text_printable (name, shown, sizeof shown));
    }
  return 0;
}

/* A member that must be an array if present; NULL counts as absent.  */
static int
get_array (const struct profile_ctx *pc, const char *entry, json_object *obj, const char *key,
           json_object **out, galley_error_t *err)
{
  json_object *v = NULL;

  *out = NULL;
  if (! json_object_object_get_ex (obj, key, &v) || v == NULL)
    return 0;
  if (! json_object_is_type (v, json_type_array))
    return galley_error_make (err, 0, "%s: %s: \"%s\" must be an array", pc->what, entry, key);
  *out = v;
  return 0;
}

/* Every element of arr (strings) is a capability held by the container.  */
static int
caps_all_held (const struct profile_ctx *pc, const char *entry, json_object *arr, bool *out,
               galley_error_t *err)
{
  size_t i, n = json_object_array_length (arr);

  *out = true;
  for (i = 0; i < n; i++)
    {
      json_object *e = json_object_array_get_idx (arr, i);
      int cap;

      if (! json_object_is_type (e, json_type_string))
        return galley_error_make (err, 0, "%s: %s: caps must be strings", pc->what, entry);
      if (caps_from_name (json_object_get_string (e), &cap, err) < 0)
        return galley_error_wrap (err, "%s: %s", pc->what, entry);
      if ((pc->caps & CAPS_BIT (cap)) == 0)
        *out = false;
    }
  return 0;
}

static int
arch_listed (const struct profile_ctx *pc, const char *entry, json_object *arr, bool *out,
             galley_error_t *err)
{
  size_t i, n = json_object_array_length (arr);

  *out = false;
  for (i = 0; i < n; i++)
    {
      json_object *e = json_object_array_get_idx (arr, i);

      if (! json_object_is_type (e, json_type_string))
        return galley_error_make (err, 0, "%s: %s: arches must be strings", pc->what, entry);
      if (strcmp (json_object_get_string (e), pc->arch_name) == 0)
        *out = true;
    }
  return 0;
}

/* Whether the entry applies to this container: every "includes" condition
 * holds and no "excludes" condition does (containers-common's rules).  */
static int
entry_applies (const struct profile_ctx *pc, const char *entry, json_object *call, bool *out,
               galley_error_t *err)
{
  json_object *inc = NULL, *exc = NULL, *arr;
  bool b;

  *out = false;
  if (json_object_object_get_ex (call, "includes", &inc) && inc != NULL)
    {
      json_object *min_kernel = NULL;

      if (! json_object_is_type (inc, json_type_object))
        return galley_error_make (err, 0, "%s: %s: \"includes\" must be an object", pc->what, entry);
      if (get_array (pc, entry, inc, "caps", &arr, err) < 0)
        return -1;
      if (arr != NULL && json_object_array_length (arr) > 0)
        {
          if (caps_all_held (pc, entry, arr, &b, err) < 0)
            return -1;
          if (! b)
            return 0;
        }
      if (get_array (pc, entry, inc, "arches", &arr, err) < 0)
        return -1;
      if (arr != NULL && json_object_array_length (arr) > 0)
        {
          if (arch_listed (pc, entry, arr, &b, err) < 0)
            return -1;
          if (! b)
            return 0;
        }
      if (json_object_object_get_ex (inc, "minKernel", &min_kernel) && min_kernel != NULL)
        {
          int maj, min;

          if (! json_object_is_type (min_kernel, json_type_string)
              || parse_kernel_version (json_object_get_string (min_kernel), &maj, &min) < 0)
            return galley_error_make (err, 0, "%s: %s: invalid minKernel", pc->what, entry);
          if (pc->kernel_major < maj || (pc->kernel_major == maj && pc->kernel_minor < min))
            return 0;
        }
    }
  if (json_object_object_get_ex (call, "excludes", &exc) && exc != NULL)
    {
      if (! json_object_is_type (exc, json_type_object))
        return galley_error_make (err, 0, "%s: %s: \"excludes\" must be an object", pc->what, entry);
      if (get_array (pc, entry, exc, "caps", &arr, err) < 0)
        return -1;
      if (arr != NULL && json_object_array_length (arr) > 0)
        {
          if (caps_all_held (pc, entry, arr, &b, err) < 0)
            return -1;
          if (b)
            return 0;
        }
      if (get_array (pc, entry, exc, "arches", &arr, err) < 0)
        return -1;
      if (arr != NULL && json_object_array_length (arr) > 0)
        {
          if (arch_listed (pc, entry, arr, &b, err) < 0)
            return -1;
          if (b)
            return 0;
        }
    }
  *out = true;
  return 0;
}

static int
get_u64 (json_object *obj, const char *key, uint64_t *out)
{
  json_object *v = NULL;

  *out = 0;
  if (! json_object_object_get_ex (obj, key, &v) || v == NULL)
    return 0;
  if (! json_object_is_type (v, json_type_int))
    return -1;
  /* json-c keeps values above INT64_MAX as unsigned: get_uint64 reads both.  */
  if (json_object_get_int64 (v) < 0)
    return -1;
  *out = json_object_get_uint64 (v);
  return 0;
}

/* "args" into comparisons; *n_out of them.  */
static int
parse_args (const struct profile_ctx *pc, const char *entry, json_object *args, struct scmp_arg_cmp *cmps,
            size_t max, size_t *n_out, galley_error_t *err)
{
  size_t i, n = args == NULL ? 0 : json_object_array_length (args);

  if (n > max)
    return galley_error_make (err, 0, "%s: %s: too many args conditions", pc->what, entry);
  for (i = 0; i < n; i++)
    {
      json_object *a = json_object_array_get_idx (args, i);
      const char *op;
      uint64_t index, value, value_two;
      uint32_t cmp;

      if (! json_object_is_type (a, json_type_object))
        return galley_error_make (err, 0, "%s: %s: args[%zu] must be an object", pc->what, entry, i);
      if (get_u64 (a, "index", &index) < 0 || index > 5)
        return galley_error_make (err, 0, "%s: %s: args[%zu]: index must be 0 to 5", pc->what, entry, i);
      if (get_u64 (a, "value", &value) < 0 || get_u64 (a, "valueTwo", &value_two) < 0)
        return galley_error_make (err, 0, "%s: %s: args[%zu]: value must be a non-negative number", pc->what,
                                  entry, i);
      op = json_get_string (a, "op");
      if (op == NULL || ! lookup (cmp_names, op, &cmp))
        {
          char shown[72];

          return galley_error_make (err, 0, "%s: %s: args[%zu]: unknown op \"%s\"", pc->what, entry, i,
                                    error_text_printable (op == NULL ? "" : op, shown, sizeof shown));
        }
      cmps[i].arg = (unsigned int)index;
      cmps[i].op = (enum scmp_compare)cmp;
      cmps[i].datum_a = value;
      cmps[i].datum_b = value_two;
    }
  *n_out = n;
  return 0;
}

static int
add_rule (scmp_filter_ctx ctx, const struct profile_ctx *pc, const char *entry, const char *name,
          uint32_t action, const struct scmp_arg_cmp *cmps, size_t n_cmps, galley_error_t *err)
{
  int nr = seccomp_syscall_resolve_name (name);
  int counts[6] = { 0 };
  bool per_arg = false;
  size_t i;
  int r;

  if (nr == __NR_SCMP_ERROR)
    {
      /* A newer profile than this libseccomp: the syscall stays denied.  */
      log_debug ("seccomp: %s: syscall %s unknown to libseccomp, skipped", pc->what, name);
      return 0;
    }
  /* Several conditions on the same argument cannot all hold at once: runc and
   * containers-common then add one rule per condition (an OR), so do we.  */
  for (i = 0; i < n_cmps; i++)
    if (++counts[cmps[i].arg] > 1)
      per_arg = true;
  if (! per_arg)
    r = seccomp_rule_add_array (ctx, action, nr, (unsigned int)n_cmps, cmps);
  else
    for (i = 0, r = 0; i < n_cmps && (r == 0 || r == -EEXIST); i++)
      r = seccomp_rule_add_array (ctx, action, nr, 1, &cmps[i]);
  /* -EEXIST: an equivalent or broader rule is already there.  */
  if (r < 0 && r != -EEXIST)
    return galley_error_make (err, -r, "%s: %s: adding the rule for %s", pc->what, entry, name);
  return 0;
}

static int
load_entry (scmp_filter_ctx ctx, const struct profile_ctx *pc, json_object *call, size_t idx,
            galley_error_t *err)
{
  char entry[64];
  json_object *names = NULL, *args = NULL, *errno_ret = NULL, *name_obj = NULL;
  struct scmp_arg_cmp cmps[16];
  size_t i, n_cmps = 0;
  const char *action_name;
  uint32_t action;
  bool applies;

  snprintf (entry, sizeof entry, "syscalls[%zu]", idx);
  if (! json_object_is_type (call, json_type_object))
    return galley_error_make (err, 0, "%s: %s: must be an object", pc->what, entry);
  if (entry_applies (pc, entry, call, &applies, err) < 0)
    return -1;
  action_name = json_get_string (call, "action");
  if (action_name == NULL)
    return galley_error_make (err, 0, "%s: %s: missing \"action\"", pc->what, entry);
  json_object_object_get_ex (call, "errnoRet", &errno_ret);
  /* Without errnoRet an entry's ERRNO is EPERM, whatever the default's (as
   * containers-common).  */
  if (parse_action (pc, entry, action_name, errno_ret, EPERM, &action, err) < 0)
    return -1;
  if (get_array (pc, entry, call, "names", &names, err) < 0
      || get_array (pc, entry, call, "args", &args, err) < 0)
    return -1;
  if (parse_args (pc, entry, args, cmps, sizeof cmps / sizeof cmps[0], &n_cmps, err) < 0)
    return -1;
  /* The old format had one "name" per entry.  */
  if (names == NULL
      && (! json_object_object_get_ex (call, "name", &name_obj)
          || ! json_object_is_type (name_obj, json_type_string)))
    return galley_error_make (err, 0, "%s: %s: missing \"names\"", pc->what, entry);
  if (! applies || action == pc->default_action)
    return 0;
  if (names == NULL)
    return add_rule (ctx, pc, entry, json_object_get_string (name_obj), action, cmps, n_cmps, err);
  for (i = 0; i < json_object_array_length (names); i++)
    {
      json_object *n = json_object_array_get_idx (names, i);

      if (! json_object_is_type (n, json_type_string))
        return galley_error_make (err, 0, "%s: %s: names[%zu] must be a string", pc->what, entry, i);
      if (add_rule (ctx, pc, entry, json_object_get_string (n), action, cmps, n_cmps, err) < 0)
        return -1;
    }
  return 0;
}

static int
add_arch (scmp_filter_ctx ctx, const struct profile_ctx *pc, const char *where, json_object *name_obj,
          galley_error_t *err)
{
  const char *name =
      json_object_is_type (name_obj, json_type_string) ? json_object_get_string (name_obj) : "";
  char shown[72];
  uint32_t arch;
  int r;

  if (! lookup (arch_names, name, &arch))
    return galley_error_make (err, 0, "%s: %s: unknown architecture \"%s\"", pc->what, where,
                              error_text_printable (name, shown, sizeof shown));
  r = seccomp_arch_add (ctx, arch);
  if (r < 0 && r != -EEXIST)
    return galley_error_make (err, -r, "%s: %s: adding architecture %s", pc->what, where,
                              json_object_get_string (name_obj));
  return 0;
}

/* The native architecture is always in a new filter; archMap adds the
 * sub-architectures of the native one (x32 and i386 on x86_64), the old
 * "architectures" list names them all.  */
static int
load_arches (scmp_filter_ctx ctx, const struct profile_ctx *pc, json_object *root, galley_error_t *err)
{
  json_object *map = NULL, *list = NULL;
  size_t i, j;

  if (get_array (pc, "archMap", root, "archMap", &map, err) < 0
      || get_array (pc, "architectures", root, "architectures", &list, err) < 0)
    return -1;
  for (i = 0; map != NULL && i < json_object_array_length (map); i++)
    {
      json_object *e = json_object_array_get_idx (map, i), *subs = NULL;
      char where[64];
      const char *arch_name;
      uint32_t arch;

      snprintf (where, sizeof where, "archMap[%zu]", i);
      if (! json_object_is_type (e, json_type_object))
        return galley_error_make (err, 0, "%s: %s: must be an object", pc->what, where);
      arch_name = json_get_string (e, "architecture");
      if (arch_name == NULL || ! lookup (arch_names, arch_name, &arch))
        {
          char shown[72];

          return galley_error_make (
              err, 0, "%s: %s: unknown architecture \"%s\"", pc->what, where,
              error_text_printable (arch_name == NULL ? "" : arch_name, shown, sizeof shown));
        }
      if (get_array (pc, where, e, "subArchitectures", &subs, err) < 0)
        return -1;
      if (arch != pc->native_arch || subs == NULL)
        continue;
      for (j = 0; j < json_object_array_length (subs); j++)
        if (add_arch (ctx, pc, where, json_object_array_get_idx (subs, j), err) < 0)
          return -1;
    }
  for (i = 0; list != NULL && i < json_object_array_length (list); i++)
    if (add_arch (ctx, pc, "architectures", json_object_array_get_idx (list, i), err) < 0)
      return -1;
  return 0;
}

static int
load_flags (scmp_filter_ctx ctx, const struct profile_ctx *pc, json_object *root, galley_error_t *err)
{
  json_object *flags = NULL;
  size_t i;

  if (get_array (pc, "flags", root, "flags", &flags, err) < 0)
    return -1;
  for (i = 0; flags != NULL && i < json_object_array_length (flags); i++)
    {
      json_object *f = json_object_array_get_idx (flags, i);
      const char *name = json_object_is_type (f, json_type_string) ? json_object_get_string (f) : "";
      int r;

      if (strcmp (name, "SECCOMP_FILTER_FLAG_LOG") == 0)
        r = seccomp_attr_set (ctx, SCMP_FLTATR_CTL_LOG, 1);
      else if (strcmp (name, "SECCOMP_FILTER_FLAG_SPEC_ALLOW") == 0)
        r = seccomp_attr_set (ctx, SCMP_FLTATR_CTL_SSB, 1);
      else if (strcmp (name, "SECCOMP_FILTER_FLAG_TSYNC") == 0)
        r = seccomp_attr_set (ctx, SCMP_FLTATR_CTL_TSYNC, 1);
      else
        {
          char shown[72];

          return galley_error_make (err, 0, "%s: flags[%zu]: unknown flag \"%s\"", pc->what, i,
                                    error_text_printable (name, shown, sizeof shown));
        }
      if (r < 0)
        return galley_error_make (err, -r, "%s: flags[%zu]: setting %s", pc->what, i, name);
    }
  return 0;
}

static void
profile_ctx_init (struct profile_ctx *pc, const char *what, uint64_t caps)
{
  struct utsname u;

  memset (pc, 0, sizeof *pc);
  pc->what = what;
  pc->caps = caps;
  pc->native_arch = seccomp_arch_native ();
  pc->arch_name = arch_go_name (pc->native_arch);
  if (uname (&u) < 0 || parse_kernel_version (u.release, &pc->kernel_major, &pc->kernel_minor) < 0)
    pc->kernel_major = pc->kernel_minor = 0;
}

int
seccomp_profile_load_data (const char *data, size_t len, const char *what, uint64_t caps,
                           scmp_filter_ctx *out, galley_error_t *err)
{
  _cleanup_json_ json_object *root = NULL;
  _cleanup_seccomp_ scmp_filter_ctx ctx = NULL;
  json_object *syscalls = NULL, *default_errno_obj = NULL;
  struct profile_ctx pc;
  const char *default_action_name;
  size_t i;
  int r;

  profile_ctx_init (&pc, what, caps);
  if (json_parse_strict (data, len, what, &root, err) < 0)
    return -1;
  if (! json_object_is_type (root, json_type_object))
    return galley_error_make (err, 0, "%s: not a seccomp profile (expected a JSON object)", what);
  default_action_name = json_get_string (root, "defaultAction");
  if (default_action_name == NULL)
    return galley_error_make (err, 0, "%s: missing \"defaultAction\"", what);
  /* Without defaultErrnoRet an ERRNO default means EPERM (as runc).  */
  json_object_object_get_ex (root, "defaultErrnoRet", &default_errno_obj);
  if (parse_action (&pc, "defaultAction", default_action_name, default_errno_obj, EPERM, &pc.default_action,
                    err)
      < 0)
    return -1;
  ctx = seccomp_init (pc.default_action);
  if (ctx == NULL)
    return galley_error_make (err, EINVAL, "%s: cannot initialize the seccomp filter", what);
  /* no_new_privs is --security-opt no-new-privileges' business, not ours.  */
  r = seccomp_attr_set (ctx, SCMP_FLTATR_CTL_NNP, 0);
  if (r < 0)
    return galley_error_make (err, -r, "%s: seccomp filter attribute", what);
  if (load_arches (ctx, &pc, root, err) < 0 || load_flags (ctx, &pc, root, err) < 0)
    return -1;
  if (get_array (&pc, "syscalls", root, "syscalls", &syscalls, err) < 0)
    return -1;
  for (i = 0; syscalls != NULL && i < json_object_array_length (syscalls); i++)
    if (load_entry (ctx, &pc, json_object_array_get_idx (syscalls, i), i, err) < 0)
      return -1;
  *out = steal_pointer (&ctx);
  return 0;
}

int
seccomp_profile_load (const char *path, uint64_t caps, scmp_filter_ctx *out, galley_error_t *err)
{
  _cleanup_free_ char *default_path = NULL;
  _cleanup_free_ char *data = NULL;
  size_t len = 0;

  if (path == NULL)
    {
      default_path = seccomp_default_profile_path ();
      if (default_path == NULL)
        return galley_error_make (err, ENOMEM, "seccomp profile path");
      path = default_path;
    }
  if (fs_read_file (AT_FDCWD, path, SECCOMP_PROFILE_MAX_SIZE, &data, &len, err) < 0)
    return galley_error_wrap (err, "loading seccomp profile");
  if (seccomp_profile_load_data (data, len, path, caps, out, err) < 0)
    return galley_error_wrap (err, "loading seccomp profile");
  return 0;
}

int
seccomp_profile_apply (scmp_filter_ctx ctx, galley_error_t *err)
{
  int r = seccomp_load (ctx);

  if (r < 0)
    return galley_error_make (err, -r, "installing the seccomp filter");
  return 0;
}
