/* `galley __complete WORDS...`: completion candidates for the last word of a
 * command line, from the command table.  The bash, zsh and fish scripts in
 * completions/ are thin shims around it.  An empty answer means "complete
 * file names".  */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/json.h"

static bool
has_prefix (const char *s, const char *prefix)
{
  return strncmp (s, prefix, strlen (prefix)) == 0;
}

static const struct cli_option *
find_long (const struct cli_command *cmd, const char *word)
{
  size_t i;

  if (! has_prefix (word, "--"))
    return NULL;
  for (i = 0; i < cmd->n_options; i++)
    if (strcmp (cmd->options[i].name, word + 2) == 0)
      return &cmd->options[i];
  return NULL;
}

static const struct cli_option *
find_short (const struct cli_command *cmd, const char *word)
{
  size_t i;
  size_t n = strlen (word);

  /* The last letter of a cluster ("-it") decides whether a value follows.  */
  if (n < 2 || word[0] != '-' || word[1] == '-')
    return NULL;
  for (i = 0; i < cmd->n_options; i++)
    if (cmd->options[i].short_name == word[n - 1])
      return &cmd->options[i];
  return NULL;
}

/* Does `word` (an option of cmd) consume the next word?  */
static bool
takes_value (const struct cli_command *cmd, const char *word)
{
  const struct cli_option *o;

  if (strchr (word, '=') != NULL)
    return false;
  o = find_long (cmd, word);
  if (o == NULL)
    o = find_short (cmd, word);
  return o != NULL && o->arg == ARG_REQUIRED;
}

static void
print_options (const struct cli_command *cmd, const char *cur)
{
  size_t i;

  for (i = 0; i < cmd->n_options; i++)
    {
      const struct cli_option *o = &cmd->options[i];
      if (o->help == NULL)
        continue;
      if (o->short_name && has_prefix ("-", cur) && cur[1] == '\0')
        printf ("-%c\n", o->short_name);
      if (has_prefix (o->name, cur[0] == '-' && cur[1] == '-' ? cur + 2 : "") || strcmp (cur, "-") == 0)
        printf ("--%s\n", o->name);
    }
  if (strcmp (cur, "-") == 0 && cli_help_has_short (cmd))
    printf ("-h\n");
  if (has_prefix ("help", cur[0] == '-' && cur[1] == '-' ? cur + 2 : "") || strcmp (cur, "-") == 0)
    printf ("--help\n");
}

static void
print_commands (const char *group, const char *cur)
{
  size_t i, glen = group ? strlen (group) : 0;

  for (i = 0; i < CMD__COUNT; i++)
    {
      const struct cli_command *c = &cli_commands[i];
      const char *name = c->name;
      if (c->flags & CMD_HIDDEN)
        continue;
      if (group == NULL)
        {
          if (strchr (name, ' ') != NULL)
            continue;
        }
      else
        {
          if (strncmp (name, group, glen) != 0 || name[glen] != ' ')
            continue;
          name += glen + 1;
        }
      if (has_prefix (name, cur))
        printf ("%s\n", name);
    }
}

/* Print candidate once (the names of one image overlap).  */
static void
print_unique (char ***seen, size_t *n, const char *candidate, size_t len)
{
  char **grown;
  size_t i;

  for (i = 0; i < *n; i++)
    if (strlen ((*seen)[i]) == len && strncmp ((*seen)[i], candidate, len) == 0)
      return;
  printf ("%.*s\n", (int)len, candidate);
  grown = realloc (*seen, (*n + 1) * sizeof *grown);
  if (grown == NULL || (grown[*n] = strndup (candidate, len)) == NULL)
    {
      if (grown)
        *seen = grown;
      return;
    }
  *seen = grown;
  (*n)++;
}

/* Image names from images.json and short ids from images/, read without
 * opening the store (no lock, nothing created).  As podman: full names
 * for an empty word; otherwise also every shorter name ("httpd:latest",
 * "httpd" for "registry.example.org/f29/httpd:latest").  */
static void
print_images (const struct cli_context *ctx, const char *cur)
{
  _cleanup_free_ char *text = NULL;
  _cleanup_json_ json_object *doc = NULL;
  _cleanup_closedir_ DIR *d = NULL;
  _cleanup_close_ int root = -1;
  _cleanup_error_ galley_error_t err = NULL;
  json_object *names;
  char **seen = NULL;
  size_t len, n_seen = 0, i, cur_len = strlen (cur);
  int images;

  if (ctx->paths.root == NULL || (root = open (ctx->paths.root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
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
            print_unique (&seen, &n_seen, name, strlen (name));
            continue;
          }
        for (; p != NULL; p = strchr (p, '/') ? strchr (p, '/') + 1 : NULL)
          {
            const char *colon = strrchr (p, ':');
            if (has_prefix (p, cur))
              print_unique (&seen, &n_seen, p, strlen (p));
            if (colon && strchr (colon, '/') == NULL && (size_t)(colon - p) >= cur_len
                && strncmp (p, cur, cur_len) == 0)
              print_unique (&seen, &n_seen, p, (size_t)(colon - p));
          }
      }
    }
  images = openat (root, "images", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (cur_len > 0 && images >= 0 && (d = fdopendir (images)) != NULL)
    {
      struct dirent *de;
      while ((de = readdir (d)) != NULL)
        if (strlen (de->d_name) == 64 && has_prefix (de->d_name, cur))
          print_unique (&seen, &n_seen, de->d_name, 12);
    }
  else if (images >= 0)
    close (images);
  for (i = 0; i < n_seen; i++)
    free (seen[i]);
  free (seen);
}

/* Values for a METAVAR or positional kind: fixed vocabularies, and the
 * store-backed kinds (IMAGE; CONTAINER joins when containers land).  */
static void
print_values (const struct cli_context *ctx, const char *kind, const char *cur)
{
  static const struct
  {
    const char *kind;
    const char *values[9];
  } vocab[] = {
    { "LEVEL", { "trace", "debug", "info", "warn", "error", NULL } },
    { "FIELD", { "command", "created", "id", "image", "names", "runningfor", "size", "status", NULL } },
    { "FORMAT", { "json", NULL } },
    { "COMMAND", { NULL } },
  };
  size_t i, j;

  if (kind == NULL)
    return;
  if (strcmp (kind, "COMMAND") == 0)
    {
      print_commands (NULL, cur);
      return;
    }
  if (strcmp (kind, "IMAGE") == 0)
    {
      print_images (ctx, cur);
      return;
    }
  for (i = 0; i < sizeof vocab / sizeof vocab[0]; i++)
    if (strcmp (vocab[i].kind, kind) == 0)
      for (j = 0; vocab[i].values[j] != NULL; j++)
        if (has_prefix (vocab[i].values[j], cur))
          printf ("%s\n", vocab[i].values[j]);
}

static const struct cli_option *
value_option (const struct cli_command *cmd, const char *prev)
{
  const struct cli_option *o = find_long (cmd, prev);
  if (o == NULL)
    o = find_short (cmd, prev);
  return (o != NULL && o->arg == ARG_REQUIRED) ? o : NULL;
}

/* The kind of a command's first positional: the first upper-case word of
 * its usage ("[options] IMAGE [COMMAND]" -> IMAGE).  */
static void
positional_kind (const struct cli_command *cmd, char *buf, size_t len)
{
  const char *u = cmd->usage;
  size_t n = 0;

  buf[0] = '\0';
  while (*u && ! (*u >= 'A' && *u <= 'Z'))
    u++;
  while (*u && ((*u >= 'A' && *u <= 'Z') || *u == '_') && n + 1 < len)
    buf[n++] = *u++;
  buf[n] = '\0';
}

int
cli_cmd_complete (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  const struct cli_command *global = &cli_commands[CMD_global];
  const struct cli_command *cmd = NULL;
  const char *cur;
  int i = 1, last, used = 0;
  char kind[32];

  if (argc < 2)
    {
      print_commands (NULL, "");
      return 0;
    }
  last = argc - 1;
  cur = argv[last];

  /* Global options before the command.  */
  while (i < last && argv[i][0] == '-')
    i += takes_value (global, argv[i]) ? 2 : 1;
  if (i >= last)
    {
      const struct cli_option *o = last > 1 ? value_option (global, argv[last - 1]) : NULL;
      if (o != NULL)
        print_values (ctx, o->metavar, cur);
      else if (cur[0] == '-')
        print_options (global, cur);
      else
        print_commands (NULL, cur);
      return 0;
    }
  cmd = cli_command_lookup (last - i, argv + i, &used);
  if (cmd == NULL)
    {
      /* Maybe a group whose subcommand is being typed.  */
      const struct cli_command *g = cli_command_find (argv[i]);
      if (g != NULL && (g->flags & CMD_GROUP) && i + 1 == last)
        print_commands (g->name, cur);
      return 0;
    }
  if ((cmd->flags & CMD_GROUP) && i + used == last)
    {
      if (cur[0] == '-')
        print_options (cmd, cur);
      else
        print_commands (cmd->name, cur);
      return 0;
    }
  if (last - 1 >= i + used)
    {
      const struct cli_option *o = value_option (cmd, argv[last - 1]);
      if (o != NULL)
        {
          print_values (ctx, o->metavar, cur);
          return 0;
        }
    }
  if (cur[0] == '-')
    {
      print_options (cmd, cur);
      return 0;
    }
  positional_kind (cmd, kind, sizeof kind);
  print_values (ctx, kind, cur);
  return 0;
}
