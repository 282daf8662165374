/* Fuzz target for the Containerfile parser and cf_expand: any text must
 * parse into well-formed stages or fail with one error line naming the
 * file, never crash, hang or leak; every word of a parsed file must expand
 * or fail the same way.
 *
 *   clang -g -fsanitize=fuzzer,address,undefined -I src -I BUILD \
 *     tests/fuzz/fuzz-containerfile.c src/build/containerfile*.c src/util/error_text.c \
 *     src/util/error.c src/util/json.c src/util/fs.c \
 *     $(pkg-config --cflags --libs json-c) -o fuzz-containerfile
 *
 * Without libFuzzer, `make check` links it with tests/fuzz/replay.c and replays tests/fuzz/seeds/.  */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "build/containerfile.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static char *const fuzz_env[] = { "A=apple", "EMPTY=", "PATH=/usr/bin:/bin", "F=file.tar.gz", NULL };

static void
check_error (galley_error_t *err, const char *prefix)
{
  if (*err == NULL || (*err)->msg == NULL || strchr ((*err)->msg, '\n') != NULL
      || strncmp ((*err)->msg, prefix, strlen (prefix)) != 0)
    abort ();
  galley_error_release (err);
}

static void
expand_word (const char *word)
{
  galley_error_t err = NULL;
  char *out = NULL;

  if (cf_expand (word, fuzz_env, &out, &err) < 0)
    {
      if (out != NULL)
        abort ();
      check_error (&err, "expanding");
      return;
    }
  if (out == NULL)
    abort ();
  free (out);
}

static void
check_instruction (const struct cf_instruction *in, bool nested)
{
  size_t i;

  if (in->text == NULL || cf_kind_name (in->kind)[0] == '?')
    abort ();
  if (in->n_args > 0 && in->args[in->n_args] != NULL)
    abort ();
  for (i = 0; i < in->n_args; i++)
    {
      if (in->args[i] == NULL)
        abort ();
      expand_word (in->args[i]);
      cf_heredoc_for_word (in, in->args[i]);
    }
  for (i = 0; i < in->n_flags; i++)
    {
      if (in->flags[i].name == NULL || in->flags[i].value == NULL)
        abort ();
      expand_word (in->flags[i].value);
    }
  for (i = 0; i < in->n_heredocs; i++)
    if (in->heredocs[i].name == NULL || in->heredocs[i].content == NULL || in->heredocs[i].name[0] == '\0')
      abort ();
  if ((in->kind == CF_ONBUILD) != (in->onbuild != NULL))
    abort ();
  if (in->onbuild != NULL)
    {
      if (nested || in->onbuild->kind == CF_ONBUILD || in->onbuild->kind == CF_FROM)
        abort ();
      check_instruction (in->onbuild, true);
    }
  if (in->kind == CF_RUN && in->n_heredocs > 0)
    free (cf_run_heredoc_script (in));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  galley_error_t err = NULL;
  struct containerfile *cf = NULL;
  size_t i, j;

  if (containerfile_parse ("fuzz", (const char *)data, size, &cf, &err) < 0)
    {
      if (cf != NULL)
        abort ();
      check_error (&err, "fuzz:");
      return 0;
    }
  if (cf == NULL || cf->n_stages == 0)
    abort ();
  for (i = 0; i < cf->n_global_args; i++)
    {
      if (cf->global_args[i].kind != CF_ARG)
        abort ();
      check_instruction (&cf->global_args[i], false);
    }
  for (i = 0; i < cf->n_stages; i++)
    {
      const struct cf_stage *st = &cf->stages[i];

      if (st->index != i || st->base == NULL)
        abort ();
      expand_word (st->base);
      if (st->name != NULL && containerfile_stage_index (cf, st->name, i + 1) != (ssize_t)i)
        abort ();
      for (j = 0; j < st->n_instructions; j++)
        {
          if (st->instructions[j].kind == CF_FROM)
            abort ();
          check_instruction (&st->instructions[j], false);
        }
    }
  containerfile_free (cf);
  return 0;
}
