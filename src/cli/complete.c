/* `galley __complete WORDS...` and `galley __completeNoDesc WORDS...`: the
 * candidates for the last word of a command line, from the command table,
 * in the form of cobra's hidden completion command, which podman's
 * completion scripts call: one candidate a line (with "\tdescription" for
 * __complete), then ":DIRECTIVE", and on stderr "Completion ended with
 * directive: ...".  The bash, zsh and fish scripts in completions/ are thin
 * shims around it.  */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "state/container_list.h"
#include "state/network.h"
#include "state/secret.h"
#include "state/volume.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/strv.h"

/* cobra's ShellCompDirective bits.  */
enum
{
  DIRECTIVE_DEFAULT = 0, /* the shell may complete file names */
  DIRECTIVE_ERROR = 1,
  DIRECTIVE_NO_SPACE = 2,
  DIRECTIVE_NO_FILE_COMP = 4,
};

struct completion
{
  const struct cli_context *ctx;
  const char *cur; /* the word being completed */
  bool descriptions;
  int directive;
  char **seen; /* candidates printed, when they may repeat */
};

static bool
has_prefix (const char *s, const char *prefix)
{
  return strncmp (s, prefix, strlen (prefix)) == 0;
}

static void
candidate (struct completion *c, const char *word, const char *desc)
{
  if (c->descriptions && desc != NULL)
    printf ("%s\t%s\n", word, desc);
  else
    printf ("%s\n", word);
}

/* A candidate that may come more than once (the names of one image
 * overlap), printed once.  */
static void
candidate_once (struct completion *c, const char *word, size_t len)
{
  _cleanup_free_ char *w = strndup (word, len);

  if (w == NULL || strv_contains (c->seen, w))
    return;
  candidate (c, w, NULL);
  strv_append (&c->seen, w);
}

static const struct cli_option *
find_long (const struct cli_command *cmd, const char *word)
{
  size_t i, n;

  if (! has_prefix (word, "--"))
    return NULL;
  n = strcspn (word + 2, "=");
  for (i = 0; i < cmd->n_options; i++)
    if (strlen (cmd->options[i].name) == n && strncmp (cmd->options[i].name, word + 2, n) == 0)
      return &cmd->options[i];
  return NULL;
}

static const struct cli_option *
find_short (const struct cli_command *cmd, const char *word)
{
  size_t i;
  size_t n = strlen (word);

  /* The last letter of a cluster ("-it") decides whether a value follows.  */
  if (n < 2 || word[0] != '-' || word[1] == '-' || strchr (word, '=') != NULL)
    return NULL;
  for (i = 0; i < cmd->n_options; i++)
    if (cmd->options[i].short_name == word[n - 1])
      return &cmd->options[i];
  return NULL;
}

/* The option whose value the next word is, if word is one.  */
static const struct cli_option *
value_option (const struct cli_command *cmd, const char *word)
{
  const struct cli_option *o;

  if (strchr (word, '=') != NULL)
    return NULL;
  o = find_long (cmd, word);
  if (o == NULL)
    o = find_short (cmd, word);
  return (o != NULL && o->arg == ARG_REQUIRED) ? o : NULL;
}

struct flag_candidate
{
  const char *name;
  int short_name;
  const char *help;
};

static int
compare_flags (const void *a, const void *b)
{
  return strcmp (((const struct flag_candidate *)a)->name, ((const struct flag_candidate *)b)->name);
}

/* As cobra: the flags sorted by name, each "--name" followed by its "-c"
 * unless the word already has two dashes, those that start with the word.  */
static void
complete_flags (struct completion *c, const struct cli_command *cmd)
{
  struct flag_candidate v[128];
  size_t i, n = 0;
  char word[128];

  for (i = 0; i < cmd->n_options && n + 1 < sizeof v / sizeof v[0]; i++)
    if (cmd->options[i].help != NULL)
      v[n++] =
          (struct flag_candidate){ cmd->options[i].name, cmd->options[i].short_name, cmd->options[i].help };
  v[n++] = (struct flag_candidate){ "help", cli_help_has_short (cmd) ? 'h' : 0, "Show this help" };
  qsort (v, n, sizeof v[0], compare_flags);
  for (i = 0; i < n; i++)
    {
      snprintf (word, sizeof word, "--%s", v[i].name);
      if (has_prefix (word, c->cur))
        candidate (c, word, v[i].help);
      snprintf (word, sizeof word, "-%c", v[i].short_name);
      if (v[i].short_name && ! has_prefix (c->cur, "--") && has_prefix (word, c->cur))
        candidate (c, word, v[i].help);
    }
  c->directive = DIRECTIVE_NO_FILE_COMP;
}

/* The visible commands of group that start with the word.  */
static void
complete_commands (struct completion *c, const struct cli_command *group)
{
  struct cli_listed v[CLI_GROUP_LIST_MAX];
  size_t n = cli_group_list (group, v, sizeof v / sizeof v[0]), i;

  for (i = 0; i < n; i++)
    if (has_prefix (v[i].name, c->cur))
      candidate (c, v[i].name, v[i].cmd->summary);
  c->directive = DIRECTIVE_NO_FILE_COMP;
}

/* Image names from images.json and short ids from images/, read without
 * opening the store (no lock, nothing created).  As podman: full names
 * for an empty word; otherwise also every shorter name ("httpd:latest",
 * "httpd" for "registry.example.org/f29/httpd:latest"), and ids.  */
static void
complete_images (struct completion *c)
{
  _cleanup_free_ char *text = NULL;
  _cleanup_json_ json_object *doc = NULL;
  _cleanup_closedir_ DIR *d = NULL;
  _cleanup_close_ int root = -1;
  _cleanup_error_ galley_error_t err = NULL;
  json_object *names;
  const char *cur = c->cur;
  size_t len, cur_len = strlen (cur);
  int images;

  if (c->ctx->paths.root == NULL
      || (root = open (c->ctx->paths.root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
    return;
  if (fs_read_file (root, "images.json", 64u << 20, &text, &len, &err) == 0
      && json_parse_strict (text, len, "images.json", &doc, &err) == 0
      && json_object_object_get_ex (doc, "names", &names) && json_object_is_type (names, json_type_object))
    {
      json_object_object_foreach (names, name, id)
      {
        const char *p = name;
        (void)id;
        if (cur_len == 0)
          {
            candidate_once (c, name, strlen (name));
            continue;
          }
        for (; p != NULL; p = strchr (p, '/') ? strchr (p, '/') + 1 : NULL)
          {
            const char *colon = strrchr (p, ':');
            if (has_prefix (p, cur))
              candidate_once (c, p, strlen (p));
            if (colon && strchr (colon, '/') == NULL && (size_t)(colon - p) >= cur_len
                && strncmp (p, cur, cur_len) == 0)
              candidate_once (c, p, (size_t)(colon - p));
          }
      }
    }
  images = openat (root, "images", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (cur_len > 0 && images >= 0 && (d = fdopendir (images)) != NULL)
    {
      struct dirent *de;
      while ((de = readdir (d)) != NULL)
        if (strlen (de->d_name) == 64 && has_prefix (de->d_name, cur))
          candidate_once (c, de->d_name, 12);
    }
  else if (images >= 0)
    close (images);
}

/* Container names (with suffix: "NAME:" for cp), and short ids once two
 * characters are typed, as podman.  */
static void
complete_containers (struct completion *c, const char *suffix)
{
  _cleanup_error_ galley_error_t err = NULL;
  struct container_entry *list = NULL;
  size_t n = 0, i;
  char word[512];

  if (c->ctx->paths.root == NULL || container_list (&c->ctx->paths, &list, &n, &err) < 0)
    return;
  for (i = 0; i < n; i++)
    {
      const char *name = container_entry_name (&list[i]);
      snprintf (word, sizeof word, "%s%s", name ? name : "", suffix);
      if (name != NULL && has_prefix (word, c->cur))
        candidate (c, word, NULL);
      snprintf (word, sizeof word, "%.12s%s", list[i].id, suffix);
      if (strlen (c->cur) >= 2 && has_prefix (word, c->cur))
        candidate (c, word, NULL);
    }
  container_list_free (list, n);
}

static void
complete_volumes (struct completion *c)
{
  _cleanup_error_ galley_error_t err = NULL;
  _cleanup_strv_ char **names = NULL;
  size_t i;

  if (c->ctx->paths.root == NULL || volume_list (&c->ctx->paths, &names, &err) < 0)
    return;
  for (i = 0; names != NULL && names[i] != NULL; i++)
    if (has_prefix (names[i], c->cur))
      candidate (c, names[i], NULL);
}

static void
complete_networks (struct completion *c)
{
  _cleanup_error_ galley_error_t err = NULL;
  struct network_def *defs = NULL;
  size_t n = 0, i;

  if (c->ctx->paths.root == NULL || network_def_list (&c->ctx->paths, &defs, &n, &err) < 0)
    return;
  for (i = 0; i < n; i++)
    if (has_prefix (defs[i].name, c->cur))
      candidate (c, defs[i].name, NULL);
  network_def_list_free (defs, n);
}

static void
complete_secrets (struct completion *c)
{
  _cleanup_error_ galley_error_t err = NULL;
  struct secret *list = NULL;
  size_t n = 0, i;

  if (c->ctx->paths.root == NULL || secret_list (&c->ctx->paths, &list, &n, &err) < 0)
    return;
  for (i = 0; i < n; i++)
    if (has_prefix (list[i].name, c->cur))
      candidate (c, list[i].name, NULL);
  secret_list_free (list, n);
}

/* Whether kind ("[CONTAINER:]SRC_PATH", "FILE|-") holds the word name
 * between its other letters and underscores.  */
static bool
kind_has (const char *kind, const char *name)
{
  size_t n = strlen (name);
  const char *p;

  for (p = strstr (kind, name); p != NULL; p = strstr (p + 1, name))
    if ((p == kind || ! ((p[-1] >= 'A' && p[-1] <= 'Z'))) && ! (p[n] >= 'A' && p[n] <= 'Z'))
      return true;
  return false;
}

/* Values of what a METAVAR or a word of a usage names: a fixed vocabulary,
 * the store's objects, or file names (left to the shell).  */
static void
complete_kind (struct completion *c, const char *kind)
{
  static const struct
  {
    const char *kind;
    const char *values[9];
  } vocab[] = {
    { "LEVEL", { "trace", "debug", "info", "warn", "error", NULL } },
    { "FIELD", { "command", "created", "id", "image", "names", "runningfor", "size", "status", NULL } },
    { "FORMAT", { "json", NULL } },
  };
  static const char *const files[] = { "FILE", "PATH", "DIR", "CONTEXT", "COMMAND", "ARG", "URI" };
  size_t i, j;

  c->directive = DIRECTIVE_NO_FILE_COMP;
  if (kind == NULL)
    return;
  for (i = 0; i < sizeof vocab / sizeof vocab[0]; i++)
    if (strcmp (vocab[i].kind, kind) == 0)
      {
        for (j = 0; vocab[i].values[j] != NULL; j++)
          if (has_prefix (vocab[i].values[j], c->cur))
            candidate (c, vocab[i].values[j], NULL);
        return;
      }
  if (kind_has (kind, "CONTAINER") && kind_has (kind, "PATH"))
    {
      /* "[CONTAINER:]SRC_PATH" (cp): "NAME:", no space after it, or a file.  */
      complete_containers (c, ":");
      c->directive = DIRECTIVE_NO_SPACE;
      return;
    }
  if (kind_has (kind, "CONTAINER"))
    complete_containers (c, "");
  if (kind_has (kind, "IMAGE"))
    complete_images (c);
  if (kind_has (kind, "VOLUME"))
    complete_volumes (c);
  if (kind_has (kind, "NETWORK"))
    complete_networks (c);
  if (kind_has (kind, "SECRET"))
    complete_secrets (c);
  for (i = 0; i < sizeof files / sizeof files[0]; i++)
    if (kind_has (kind, files[i]))
      c->directive = DIRECTIVE_DEFAULT;
}

/* The word of cmd's usage that names its n-th positional argument (from
 * 0), in buf: "IMAGE" for "[options] IMAGE [COMMAND [ARG...]]" and n 0;
 * a word with "..." stands for all the arguments from it on.  False past
 * the last.  */
static bool
positional_word (const struct cli_command *cmd, int n, char *buf, size_t len)
{
  _cleanup_strv_ char **words = strv_split (cmd->usage, ' ');
  int i, k = 0;

  for (i = 0; words != NULL && words[i] != NULL; i++)
    {
      if (strcmp (words[i], "[options]") == 0 || words[i][0] == '\0')
        continue;
      if (k == n || strstr (words[i], "...") != NULL)
        {
          snprintf (buf, len, "%s", words[i]);
          return true;
        }
      k++;
    }
  return false;
}

/* The candidates for the word after words[first..last-1] of cmd's
 * arguments.  */
static void
complete_arguments (struct completion *c, const struct cli_command *cmd, char **words, int first, int last)
{
  const struct cli_option *o;
  char kind[128];
  int i, n = 0;
  bool options = true;

  for (i = first; i < last; i++)
    {
      if (options && strcmp (words[i], "--") == 0)
        options = false;
      else if (options && words[i][0] == '-' && words[i][1] != '\0')
        i += value_option (cmd, words[i]) != NULL;
      else
        {
          n++;
          if (cmd->flags & CMD_STOP_AT_ARG)
            options = false;
        }
    }
  if (options && last > first && (o = value_option (cmd, words[last - 1])) != NULL)
    {
      complete_kind (c, o->metavar);
      return;
    }
  if (options && c->cur[0] == '-')
    {
      if (has_prefix (c->cur, "--") && strchr (c->cur, '=') != NULL)
        c->directive = DIRECTIVE_NO_FILE_COMP; /* "--flag=value" */
      else
        complete_flags (c, cmd);
      return;
    }
  if (((cmd->flags & CMD_GROUP) || cmd->id == CMD_help) && n == 0)
    {
      complete_commands (c, cmd->id == CMD_help ? &cli_commands[CMD_global] : cmd);
      return;
    }
  if (! positional_word (cmd, n, kind, sizeof kind))
    {
      c->directive = DIRECTIVE_NO_FILE_COMP;
      return;
    }
  complete_kind (c, kind);
}

static const char *
directive_names (int directive, char *buf, size_t len)
{
  static const char *const names[] = { "ShellCompDirectiveError", "ShellCompDirectiveNoSpace",
                                       "ShellCompDirectiveNoFileComp" };
  size_t i, used = 0;

  buf[0] = '\0';
  if (directive == DIRECTIVE_DEFAULT)
    return "ShellCompDirectiveDefault";
  for (i = 0; i < sizeof names / sizeof names[0]; i++)
    if (directive & (1 << i))
      used += (size_t)snprintf (buf + used, len - used, "%s%s", used ? ", " : "", names[i]);
  return buf;
}

static int
complete_words (struct cli_context *ctx, int argc, char **argv, bool descriptions)
{
  const struct cli_command *global = &cli_commands[CMD_global];
  const struct cli_command *cmd;
  _cleanup_strv_ char **seen = NULL;
  struct completion c = { .ctx = ctx, .descriptions = descriptions, .directive = DIRECTIVE_NO_FILE_COMP };
  char names[128];
  int i = 1, last = argc - 1, used = 0;

  c.cur = argc >= 2 ? argv[last] : "";
  if (argc < 2)
    last = 1;
  /* Global options before the command.  */
  while (i < last && argv[i][0] == '-')
    i += value_option (global, argv[i]) != NULL ? 2 : 1;
  if (i >= last)
    {
      const struct cli_option *o = last > 1 ? value_option (global, argv[last - 1]) : NULL;
      if (o != NULL)
        complete_kind (&c, o->metavar);
      else if (c.cur[0] == '-')
        complete_flags (&c, global);
      else
        complete_commands (&c, global);
    }
  else if ((cmd = cli_command_lookup (last - i, argv + i, &used)) != NULL)
    complete_arguments (&c, cmd, argv, i + used, last);
  printf (":%d\n", c.directive);
  fprintf (stderr, "Completion ended with directive: %s\n",
           directive_names (c.directive, names, sizeof names));
  seen = c.seen;
  return 0;
}

int
cli_cmd_complete (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  return complete_words (ctx, argc, argv, true);
}

int
cli_cmd_complete_nodesc (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  return complete_words (ctx, argc, argv, false);
}
