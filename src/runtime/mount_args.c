/* The -v, --mount and --tmpfs arguments of run and create (see mount_args.h).  */
#include "config.h"
#include "runtime/mount_args.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "state/volume.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/strv.h"
#include "util/xmalloc.h"

/* Where an option word stands.  */
enum
{
  IN_V_BIND = 1 << 0,   /* -v /host:/dst:OPTS */
  IN_V_VOLUME = 1 << 1, /* -v name:/dst:OPTS */
  IN_TMPFS = 1 << 2,    /* --tmpfs /dst:OPTS */
  IN_M_BIND = 1 << 3,   /* --mount type=bind,... */
  IN_M_TMPFS = 1 << 4,  /* --mount type=tmpfs,... */
  IN_M_VOLUME = 1 << 5, /* --mount type=volume,... */
  IN_V = IN_V_BIND | IN_V_VOLUME,
  IN_M = IN_M_BIND | IN_M_TMPFS | IN_M_VOLUME,
  IN_ALL = IN_V | IN_TMPFS | IN_M,
};

/* Options of which a mount takes one at most.  */
enum group
{
  G_NONE,
  G_RW,
  G_EXEC,
  G_SUID,
  G_DEV,
  G_PROPAGATION,
  G_BIND,
  G_LABEL,
  G_CHOWN,
  G_COPY,
  G_TMPCOPYUP,
  G_SIZE,
  G_MODE,
  G_NR_INODES,
  G_UID,
  G_GID,
  G__COUNT
};

/* podman's words for a group given twice: -v's (also --mount type=bind's
 * propagation, bind and label), --tmpfs's (also --mount type=tmpfs's size
 * and mode), --mount's.  */
static const struct
{
  const char *volume, *tmpfs, *mount;
} group_errors[G__COUNT] = {
  [G_RW] = { "'rw' or 'ro'", "only one of 'rw' and 'ro' can be used", "'readonly', 'ro', or 'rw' options" },
  [G_EXEC] = { "'noexec' or 'exec'", "only one of 'noexec' and 'exec' can be used",
               "'noexec' and 'exec' options" },
  [G_SUID] = { "'nosuid' or 'suid'", "only one of 'nosuid' and 'suid' can be used",
               "'nosuid' and 'suid' options" },
  [G_DEV] = { "'nodev' or 'dev'", "only one of 'nodev' and 'dev' can be used", "'nodev' and 'dev' options" },
  [G_PROPAGATION] = { "'[r]shared', '[r]private', '[r]slave' or '[r]unbindable'",
                      "only one root propagation mode can be used", NULL },
  [G_BIND] = { "'[r]bind'", NULL, NULL },
  [G_LABEL] = { "'z', 'Z', or 'O'", NULL, NULL },
  [G_CHOWN] = { "'U'", "the 'U' option can only be set once", "'U' or 'chown' option" },
  [G_COPY] = { "'copy' or 'nocopy'", NULL, NULL },
  [G_TMPCOPYUP] = { NULL, "the 'tmpcopyup' or 'notmpcopyup' option can only be set once",
                    "'tmpcopyup' and 'notmpcopyup' options" },
  [G_SIZE] = { NULL, "only one tmpfs size can be specified", NULL },
  [G_MODE] = { NULL, "only one tmpfs mode can be specified", NULL },
  [G_NR_INODES] = { NULL, "only one tmpfs nr_inodes can be specified", NULL },
  [G_UID] = { NULL, "only one tmpfs uid can be specified", NULL },
  [G_GID] = { NULL, "only one tmpfs gid can be specified", NULL },
};

enum action
{
  A_IGNORE,        /* accepted, meaningless here (labels, propagation) */
  A_READONLY,      /* ro/readonly (on) or rw (off), =true|false in --mount */
  A_FLAG,          /* flag set (on) or cleared */
  A_RECURSIVE,     /* rbind (on) or bind */
  A_NONRECURSIVE,  /* bind-nonrecursive[=true|false] */
  A_CHOWN,         /* U / chown[=true|false] */
  A_COPY,          /* copy (on), nocopy, volume-nocopy[=true|false] */
  A_TMPFS_DATA,    /* data_key=VALUE for the tmpfs */
  A_PROPAGATION,   /* bind-propagation=MODE */
  A_RELABEL,       /* relabel=private|shared */
  A_SOURCE,        /* source=/src= */
  A_TARGET,        /* target=/dst=/destination= */
  A_NO_SOURCE,     /* a source for a tmpfs */
  A_NOT_FOR_TMPFS, /* bind, rbind, z, Z in --tmpfs */
};

enum value
{
  V_NONE,     /* a bare word */
  V_BOOL,     /* --mount: an optional =true|false */
  V_REQUIRED, /* =VALUE */
  V_ANY,      /* either */
};

static const struct mount_word
{
  const char *name;
  unsigned where;
  enum group group;
  enum action action;
  enum value value;
  bool on;
  unsigned long flag;   /* A_FLAG */
  const char *data_key; /* A_TMPFS_DATA */
} words[] = {
  { "ro", IN_ALL, G_RW, A_READONLY, V_BOOL, true, 0, NULL },
  { "readonly", IN_M_BIND | IN_M_VOLUME, G_RW, A_READONLY, V_BOOL, true, 0, NULL },
  { "rw", IN_ALL, G_RW, A_READONLY, V_BOOL, false, 0, NULL },
  { "nosuid", IN_ALL, G_SUID, A_FLAG, V_NONE, true, MS_NOSUID, NULL },
  { "suid", IN_ALL, G_SUID, A_FLAG, V_NONE, false, MS_NOSUID, NULL },
  { "nodev", IN_ALL, G_DEV, A_FLAG, V_NONE, true, MS_NODEV, NULL },
  { "dev", IN_ALL, G_DEV, A_FLAG, V_NONE, false, MS_NODEV, NULL },
  { "noexec", IN_ALL, G_EXEC, A_FLAG, V_NONE, true, MS_NOEXEC, NULL },
  { "exec", IN_ALL, G_EXEC, A_FLAG, V_NONE, false, MS_NOEXEC, NULL },
  { "shared", IN_V | IN_TMPFS | IN_M_BIND, G_PROPAGATION, A_IGNORE, V_NONE, false, 0, NULL },
  { "rshared", IN_V | IN_TMPFS | IN_M_BIND, G_PROPAGATION, A_IGNORE, V_NONE, false, 0, NULL },
  { "private", IN_V | IN_TMPFS | IN_M_BIND, G_PROPAGATION, A_IGNORE, V_NONE, false, 0, NULL },
  { "rprivate", IN_V | IN_TMPFS | IN_M_BIND, G_PROPAGATION, A_IGNORE, V_NONE, false, 0, NULL },
  { "slave", IN_V | IN_TMPFS | IN_M_BIND, G_PROPAGATION, A_IGNORE, V_NONE, false, 0, NULL },
  { "rslave", IN_V | IN_TMPFS | IN_M_BIND, G_PROPAGATION, A_IGNORE, V_NONE, false, 0, NULL },
  { "unbindable", IN_V | IN_TMPFS | IN_M_BIND, G_PROPAGATION, A_IGNORE, V_NONE, false, 0, NULL },
  { "runbindable", IN_V | IN_TMPFS | IN_M_BIND, G_PROPAGATION, A_IGNORE, V_NONE, false, 0, NULL },
  { "bind-propagation", IN_M_BIND, G_PROPAGATION, A_PROPAGATION, V_REQUIRED, false, 0, NULL },
  { "bind", IN_V, G_BIND, A_RECURSIVE, V_NONE, false, 0, NULL },
  { "rbind", IN_V, G_BIND, A_RECURSIVE, V_NONE, true, 0, NULL },
  { "bind-nonrecursive", IN_M_BIND, G_BIND, A_NONRECURSIVE, V_BOOL, true, 0, NULL },
  { "z", IN_V | IN_M_BIND, G_LABEL, A_IGNORE, V_NONE, false, 0, NULL },
  { "Z", IN_V | IN_M_BIND, G_LABEL, A_IGNORE, V_NONE, false, 0, NULL },
  { "relabel", IN_M_BIND, G_LABEL, A_RELABEL, V_REQUIRED, false, 0, NULL },
  { "U", IN_V_VOLUME | IN_M_VOLUME, G_CHOWN, A_CHOWN, V_BOOL, true, 0, NULL },
  { "chown", IN_M_VOLUME, G_CHOWN, A_CHOWN, V_BOOL, true, 0, NULL },
  { "copy", IN_V, G_COPY, A_COPY, V_NONE, true, 0, NULL },
  { "nocopy", IN_V | IN_M_VOLUME, G_COPY, A_COPY, V_NONE, false, 0, NULL },
  { "volume-nocopy", IN_M_VOLUME, G_COPY, A_COPY, V_BOOL, false, 0, NULL },
  { "cached", IN_V, G_NONE, A_IGNORE, V_NONE, false, 0, NULL },
  { "delegated", IN_V, G_NONE, A_IGNORE, V_NONE, false, 0, NULL },
  { "consistency", IN_M, G_NONE, A_IGNORE, V_ANY, false, 0, NULL },
  { "tmpcopyup", IN_TMPFS | IN_M_TMPFS, G_TMPCOPYUP, A_COPY, V_NONE, true, 0, NULL },
  { "notmpcopyup", IN_TMPFS | IN_M_TMPFS, G_TMPCOPYUP, A_COPY, V_NONE, false, 0, NULL },
  { "size", IN_TMPFS, G_SIZE, A_TMPFS_DATA, V_REQUIRED, false, 0, "size" },
  { "mode", IN_TMPFS, G_MODE, A_TMPFS_DATA, V_REQUIRED, false, 0, "mode" },
  { "nr_inodes", IN_TMPFS, G_NR_INODES, A_TMPFS_DATA, V_REQUIRED, false, 0, "nr_inodes" },
  { "uid", IN_TMPFS, G_UID, A_TMPFS_DATA, V_REQUIRED, false, 0, "uid" },
  { "gid", IN_TMPFS, G_GID, A_TMPFS_DATA, V_REQUIRED, false, 0, "gid" },
  { "tmpfs-size", IN_M_TMPFS, G_SIZE, A_TMPFS_DATA, V_REQUIRED, false, 0, "size" },
  { "tmpfs-mode", IN_M_TMPFS, G_MODE, A_TMPFS_DATA, V_REQUIRED, false, 0, "mode" },
  { "source", IN_M_BIND | IN_M_VOLUME, G_NONE, A_SOURCE, V_REQUIRED, false, 0, NULL },
  { "src", IN_M_BIND | IN_M_VOLUME, G_NONE, A_SOURCE, V_REQUIRED, false, 0, NULL },
  { "source", IN_M_TMPFS, G_NONE, A_NO_SOURCE, V_ANY, false, 0, NULL },
  { "src", IN_M_TMPFS, G_NONE, A_NO_SOURCE, V_ANY, false, 0, NULL },
  { "target", IN_M, G_NONE, A_TARGET, V_REQUIRED, false, 0, NULL },
  { "dst", IN_M, G_NONE, A_TARGET, V_REQUIRED, false, 0, NULL },
  { "destination", IN_M, G_NONE, A_TARGET, V_REQUIRED, false, 0, NULL },
  { "bind", IN_TMPFS, G_NONE, A_NOT_FOR_TMPFS, V_NONE, false, 0, NULL },
  { "rbind", IN_TMPFS, G_NONE, A_NOT_FOR_TMPFS, V_NONE, false, 0, NULL },
  { "z", IN_TMPFS, G_NONE, A_NOT_FOR_TMPFS, V_NONE, false, 0, NULL },
  { "Z", IN_TMPFS, G_NONE, A_NOT_FOR_TMPFS, V_NONE, false, 0, NULL },
};

/* One argument being parsed: where its words stand, and the first word
 * seen of each group.  */
struct word_parser
{
  unsigned where;
  const char *first[G__COUNT];
};

static const struct mount_word *
word_lookup (const char *name, unsigned where)
{
  size_t i;

  for (i = 0; i < sizeof words / sizeof words[0]; i++)
    if ((words[i].where & where) && strcmp (words[i].name, name) == 0)
      return &words[i];
  return NULL;
}

static int
unknown_word (const struct word_parser *wp, const char *word, galley_error_t *err)
{
  if (wp->where & IN_V)
    return galley_error_make (err, 0, "invalid option type \"%s\"", word);
  if (wp->where & IN_TMPFS)
    return galley_error_make (err, 0, "unknown mount option \"%s\": invalid mount option", word);
  return galley_error_make (err, 0, "%s: invalid mount option", word);
}

/* The second word of a group: podman's refusal for where it stands.  */
static int
group_twice (const struct word_parser *wp, enum group g, const char *word, galley_error_t *err)
{
  const char *tmpfs = group_errors[g].tmpfs, *mount = group_errors[g].mount;

  if ((wp->where & IN_M) && mount != NULL)
    return galley_error_make (err, 0, "cannot pass %s more than once", mount);
  if ((wp->where & (IN_TMPFS | IN_M_TMPFS)) && tmpfs != NULL)
    return galley_error_make (err, 0, "%s: duplicate mount option passed", tmpfs);
  return galley_error_make (err, 0, "invalid options \"%s, %s\", can only specify 1 %s option", wp->first[g],
                            word, group_errors[g].volume);
}

static int
parse_bool_word (const char *name, const char *value, bool *out, galley_error_t *err)
{
  if (value == NULL || strcasecmp (value, "true") == 0)
    *out = true;
  else if (strcasecmp (value, "false") == 0)
    *out = false;
  else
    return galley_error_make (err, 0, "'%s' must be set to true or false, instead received \"%s\"", name,
                              value);
  return 0;
}

static int
set_string (char **dst, const char *value, galley_error_t *err)
{
  free (*dst);
  *dst = xstrdup (value);
  return 0;
}

static int
tmpfs_add_data (struct mount_spec *m, const char *key, const char *value, galley_error_t *err)
{
  char *joined = NULL;

  joined = xasprintf ("%s%s%s=%s", m->data ? m->data : "", m->data ? "," : "", key, value);
  free (m->data);
  m->data = joined;
  return 0;
}

/* One option word ("ro", "size=1m", "target=/x") onto m.  */
static int
apply_word (struct word_parser *wp, const char *word, struct mount_spec *m, galley_error_t *err)
{
  _cleanup_free_ char *name = strndup (word, strcspn (word, "="));
  const char *eq = strchr (word, '='), *value = eq ? eq + 1 : NULL;
  const struct mount_word *w;
  bool b = true;

  if (name == NULL)
    return galley_error_make (err, ENOMEM, "allocating");
  w = word_lookup (name, wp->where);
  if (w == NULL || (w->value == V_NONE && value != NULL)
      || (w->value == V_BOOL && value != NULL && ! (wp->where & IN_M)))
    return unknown_word (wp, (wp->where & IN_M) ? name : word, err);
  if (w->value == V_REQUIRED && (value == NULL || *value == '\0'))
    return galley_error_make (err, 0, "%s: must provide an argument for option", name);
  if (w->group != G_NONE)
    {
      if (wp->first[w->group] != NULL)
        return group_twice (wp, w->group, word, err);
      wp->first[w->group] = word;
    }
  if (w->value == V_BOOL && parse_bool_word (name, value, &b, err) < 0)
    return -1;
  switch (w->action)
    {
    case A_IGNORE:
      return 0;
    case A_READONLY:
      m->readonly = b ? w->on : ! w->on;
      return 0;
    case A_FLAG:
      m->flags = w->on ? m->flags | w->flag : m->flags & ~w->flag;
      return 0;
    case A_RECURSIVE:
      m->recursive = w->on;
      return 0;
    case A_NONRECURSIVE:
      m->recursive = ! b;
      return 0;
    case A_CHOWN:
      m->chown_to_user = b;
      return 0;
    case A_COPY:
      m->copy_up = b ? w->on : ! w->on;
      return 0;
    case A_TMPFS_DATA:
      return tmpfs_add_data (m, w->data_key, value, err);
    case A_PROPAGATION:
      {
        const struct mount_word *mode = word_lookup (value, IN_M_BIND);
        if (mode == NULL || mode->group != G_PROPAGATION || mode->action != A_IGNORE)
          return galley_error_make (err, 0, "invalid bind-propagation \"%s\": invalid mount option", value);
        return 0;
      }
    case A_RELABEL:
      if (strcmp (value, "private") != 0 && strcmp (value, "shared") != 0)
        return galley_error_make (err, 0,
                                  "relabel mount option must be 'private' or 'shared': invalid mount option");
      return 0;
    case A_SOURCE:
      return set_string (&m->source, value, err);
    case A_TARGET:
      return set_string (&m->destination, value, err);
    case A_NO_SOURCE:
      return galley_error_make (err, 0, "source is not supported with tmpfs mounts");
    case A_NOT_FOR_TMPFS:
      return galley_error_make (
          err, 0, "the '%s' option is not allowed with tmpfs mounts: invalid mount option", word);
    }
  return 0;
}

/* The words of a comma-separated list, in order.  */
static int
apply_words (struct word_parser *wp, const char *list, struct mount_spec *m, galley_error_t *err)
{
  _cleanup_strv_ char **v = strv_split (list, ',');
  size_t i;

  if (v == NULL)
    return galley_error_make (err, ENOMEM, "allocating");
  for (i = 0; v[i] != NULL; i++)
    if (apply_word (wp, v[i], m, err) < 0)
      return -1;
  return 0;
}

/* The destination made absolute and clean ("/a/./b/" -> "/a/b"), and
 * kept off what the init mounts itself: runc refuses the same for /proc,
 * and a bind or volume over /sys or /dev would take the container's
 * sysfs or device nodes away.  */
static int
check_destination (struct mount_spec *m, galley_error_t *err)
{
  static const struct
  {
    const char *path, *fstype;
    bool tmpfs_too; /* a tmpfs is refused there as well */
  } pseudo[] = { { "proc", "proc", true }, { "sys", "sysfs", false }, { "dev", "tmpfs", false } };
  _cleanup_free_ char *rel = NULL;
  char *clean = NULL;
  size_t i;

  if (m->destination == NULL || m->destination[0] != '/')
    return galley_error_make (err, 0, "invalid container path \"%s\", must be an absolute path",
                              m->destination ? m->destination : "");
  rel = fs_clean_relative (m->destination);
  if (rel == NULL || asprintf (&clean, "/%s", rel) < 0)
    return galley_error_make (err, ENOMEM, "allocating");
  free (m->destination);
  m->destination = clean;
  for (i = 0; i < sizeof pseudo / sizeof pseudo[0]; i++)
    {
      size_t n = strlen (pseudo[i].path);
      if (m->kind == MOUNT_KIND_TMPFS && ! pseudo[i].tmpfs_too)
        continue;
      if (strcmp (rel, pseudo[i].path) == 0)
        return galley_error_make (err, 0, "\"%s\" cannot be mounted because it is not of type %s", clean,
                                  pseudo[i].fstype);
      if (i == 0 && strncmp (rel, pseudo[i].path, n) == 0 && rel[n] == '/')
        return galley_error_make (err, 0, "\"%s\" cannot be mounted because it is inside /proc", clean);
    }
  return 0;
}

static int
check_volume_name (const char *name, galley_error_t *err)
{
  if (! volume_valid_name (name))
    return galley_error_make (
        err, 0, "invalid volume name \"%.256s\": names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*", name);
  return 0;
}

static int
parse_volume (const char *arg, struct mount_spec *out, galley_error_t *err)
{
  _cleanup_free_ char *copy = strdup (arg);
  char *fields[3] = { NULL }, *p;
  size_t n = 0;
  struct word_parser wp = { 0 };

  if (copy == NULL)
    return galley_error_make (err, ENOMEM, "allocating");
  for (p = copy; p != NULL && n < 3; n++)
    {
      fields[n] = p;
      p = strchr (p, ':');
      if (p != NULL)
        *p++ = '\0';
    }
  if (p != NULL || fields[0][0] == '\0' || (n > 1 && fields[1][0] == '\0') || (n == 1 && fields[0][0] != '/'))
    return galley_error_make (err, 0, "invalid volume specification \"%s\" (expected SRC:DST[:OPTS])", arg);
  if (n == 1)
    {
      /* -v /dst: an anonymous volume.  */
      out->anonymous = true;
      out->copy_up = true;
      return set_string (&out->destination, fields[0], err) < 0 ? -1 : check_destination (out, err);
    }
  if (fields[0][0] == '.')
    return galley_error_make (err, 0,
                              "volume source \"%s\": a host path must be absolute (a name without "
                              "\"/\" or \".\" is a named volume)",
                              fields[0]);
  if (fields[0][0] == '/')
    {
      wp.where = IN_V_BIND;
      if (set_string (&out->source, fields[0], err) < 0)
        return -1;
    }
  else
    {
      wp.where = IN_V_VOLUME;
      out->copy_up = true;
      if (check_volume_name (fields[0], err) < 0 || set_string (&out->volume, fields[0], err) < 0)
        return -1;
    }
  if (set_string (&out->destination, fields[1], err) < 0 || check_destination (out, err) < 0)
    return -1;
  return n == 3 ? apply_words (&wp, fields[2], out, err) : 0;
}

int
mount_parse_volume (const char *arg, struct mount_spec *out, galley_error_t *err)
{
  memset (out, 0, sizeof *out);
  out->kind = MOUNT_KIND_BIND;
  out->recursive = true;
  if (parse_volume (arg, out, err) < 0)
    {
      mount_spec_clear (out);
      return -1;
    }
  return 0;
}

static int
parse_tmpfs (const char *arg, struct mount_spec *out, galley_error_t *err)
{
  const char *colon = strchr (arg, ':');
  struct word_parser wp = { .where = IN_TMPFS };

  out->destination = xstrndup (arg, colon ? (size_t)(colon - arg) : strlen (arg));
  if (check_destination (out, err) < 0)
    return -1;
  return colon != NULL ? apply_words (&wp, colon + 1, out, err) : 0;
}

int
mount_parse_tmpfs (const char *arg, struct mount_spec *out, galley_error_t *err)
{
  memset (out, 0, sizeof *out);
  out->kind = MOUNT_KIND_TMPFS;
  out->flags = MS_NOSUID | MS_NODEV | MS_NOEXEC;
  out->copy_up = true; /* tmpcopyup, podman's default */
  if (parse_tmpfs (arg, out, err) < 0)
    {
      mount_spec_clear (out);
      return -1;
    }
  return 0;
}

/* --mount after its type: the other words, then what each type needs.  */
static int
parse_mount_words (char **items, const char *type_item, struct mount_spec *out, galley_error_t *err)
{
  struct word_parser wp = { 0 };
  size_t i;

  if (strcmp (type_item, "type=bind") == 0)
    wp.where = IN_M_BIND;
  else if (strcmp (type_item, "type=tmpfs") == 0)
    wp.where = IN_M_TMPFS;
  else if (strcmp (type_item, "type=volume") == 0)
    wp.where = IN_M_VOLUME;
  else
    return galley_error_make (err, 0, "invalid filesystem type \"%s\"", type_item + 5);
  out->kind = wp.where == IN_M_TMPFS ? MOUNT_KIND_TMPFS : MOUNT_KIND_BIND;
  if (wp.where == IN_M_TMPFS)
    out->flags = MS_NOSUID | MS_NODEV;
  /* a volume is filled when new, a tmpfs always (tmpcopyup) */
  out->copy_up = wp.where == IN_M_VOLUME || wp.where == IN_M_TMPFS;
  for (i = 0; items[i] != NULL; i++)
    if (items[i] != type_item && apply_word (&wp, items[i], out, err) < 0)
      return -1;
  if (out->destination == NULL)
    return galley_error_make (err, 0, "must set volume destination");
  if (check_destination (out, err) < 0)
    return -1;
  if (wp.where == IN_M_BIND && (out->source == NULL || out->source[0] != '/'))
    return galley_error_make (err, 0, "bind source \"%s\" must be an absolute host path",
                              out->source ? out->source : "");
  if (wp.where == IN_M_VOLUME)
    {
      if (out->source == NULL)
        out->anonymous = true;
      else if (check_volume_name (out->source, err) < 0)
        return -1;
      out->volume = steal_pointer (&out->source);
    }
  return 0;
}

int
mount_parse_mount (const char *arg, struct mount_spec *out, galley_error_t *err)
{
  _cleanup_strv_ char **items = strv_split (arg, ',');
  const char *type_item = NULL;
  size_t i;

  memset (out, 0, sizeof *out);
  out->recursive = true;
  if (items == NULL)
    return galley_error_make (err, ENOMEM, "allocating");
  /* The first type= is the type, wherever it stands (podman).  */
  for (i = 0; items[i] != NULL && type_item == NULL; i++)
    if (strncmp (items[i], "type=", 5) == 0)
      type_item = items[i];
  if (type_item == NULL)
    return galley_error_make (
        err, 0,
        "incorrect mount format: should be --mount "
        "type=<bind|tmpfs|volume>,[src=<host-dir|volume-name>,]target=<ctr-dir>[,options]");
  if (parse_mount_words (items, type_item, out, err) < 0)
    {
      mount_spec_clear (out);
      return -1;
    }
  return 0;
}

/* Drop the repeats of v, keeping the first of each.  */
static void
drop_repeats (char **v)
{
  size_t i, j, n = strv_len (v);

  for (i = 1; i < n; i++)
    for (j = 0; j < i; j++)
      if (strcmp (v[i], v[j]) == 0)
        {
          free (v[i]);
          memmove (&v[i], &v[i + 1], (n - i) * sizeof *v); /* the NULL too */
          n--;
          i--;
          break;
        }
}

void
mount_config_drop_repeats (struct container_config *config)
{
  drop_repeats (config->volumes);
  drop_repeats (config->tmpfs);
}

int
mount_parse_config (const struct container_config *config, struct mount_spec **out, size_t *n_out,
                    galley_error_t *err)
{
  const struct
  {
    char *const *args;
    int (*parse) (const char *arg, struct mount_spec *out, galley_error_t *err);
  } kinds[] = { { config->volumes, mount_parse_volume },
                { config->mounts, mount_parse_mount },
                { config->tmpfs, mount_parse_tmpfs } };
  struct mount_spec *m;
  size_t total = 0, n = 0, k, i, j;

  for (k = 0; k < 3; k++)
    total += strv_len (kinds[k].args);
  m = xcalloc (total + 1, sizeof *m);
  for (k = 0; k < 3; k++)
    for (i = 0; kinds[k].args != NULL && kinds[k].args[i] != NULL; i++)
      {
        if (kinds[k].parse (kinds[k].args[i], &m[n], err) < 0)
          goto fail;
        for (j = 0; j < n; j++)
          if (strcmp (m[j].destination, m[n].destination) == 0)
            {
              galley_error_make (err, 0, "%s: duplicate mount destination", m[n].destination);
              n++;
              goto fail;
            }
        n++;
      }
  *out = m;
  *n_out = n;
  return 0;
fail:
  for (j = 0; j < n; j++)
    mount_spec_clear (&m[j]);
  free (m);
  return -1;
}
