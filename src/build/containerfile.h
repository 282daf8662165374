/* Containerfile/Dockerfile parsing: the syntax (parser directives, line
 * continuations, heredocs, exec and shell forms, flags, ONBUILD) into stages
 * of instructions, plus Docker's variable substitution (cf_expand) that the
 * executor applies at execution time.  */
#ifndef GALLEY_BUILD_CONTAINERFILE_H
#define GALLEY_BUILD_CONTAINERFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/error.h"

enum cf_kind
{
  CF_FROM,
  CF_RUN,
  CF_COPY,
  CF_ADD,
  CF_ENV,
  CF_ARG,
  CF_WORKDIR,
  CF_USER,
  CF_CMD,
  CF_ENTRYPOINT,
  CF_LABEL,
  CF_EXPOSE,
  CF_VOLUME,
  CF_SHELL,
  CF_STOPSIGNAL,
  CF_HEALTHCHECK,
  CF_ONBUILD,
  CF_MAINTAINER
};

/* --from=x: {"from","x"}.  Boolean flags (--link, --parents,
 * --keep-git-dir) have value "true" or "false" ("true" when bare).  --mount
 * and --exclude may repeat; the others are unique.  */
struct cf_flag
{
  char *name;
  char *value;
};

/* RUN <<EOF / COPY <<EOF /dest: name is the delimiter word (quotes
 * removed); content is the body, each line ending with a newline; expand is
 * false when the delimiter was quoted ('EOF', "EOF", \EOF); chomp when
 * written <<-EOF (leading tabs already removed from content).  The word
 * stays as written in args (args[0] of RUN's shell line, a source of
 * COPY/ADD): cf_heredoc_for_word maps it back.  */
struct cf_heredoc
{
  char *name;
  char *content;
  bool expand;
  bool chomp;
};

struct cf_instruction
{
  enum cf_kind kind;
  unsigned line; /* 1-based line where the instruction starts */
  char *text;    /* the instruction as written, continuations joined
                    (history's created_by, error messages) */
  struct cf_flag *flags;
  size_t n_flags;
  bool exec_form; /* JSON array form */
  char **args;
  size_t n_args;
  /* exec form: the array elements.  Shell form of RUN/CMD/ENTRYPOINT/
   * HEALTHCHECK CMD: one element, the command line.  ENV/LABEL: pairs
   * key,value,key,value (both "K=V ..." and legacy "K V" forms).  Others:
   * the whitespace-separated words; USER, WORKDIR, STOPSIGNAL and
   * MAINTAINER: one element, the rest of the line; ARG: the words "NAME" or
   * "NAME=default"; HEALTHCHECK NONE: no element.  Quotes and escapes stay
   * as written, and variables are NOT expanded here: the executor passes
   * each word through cf_expand at execution time (ARG/ENV values depend
   * on the stage), which removes the quotes as Docker does.  */
  struct cf_heredoc *heredocs;
  size_t n_heredocs;
  struct cf_instruction *onbuild; /* CF_ONBUILD: the wrapped instruction (its
                                     text is what goes to the config's OnBuild) */
};

struct cf_stage
{
  size_t index;
  char *base;     /* FROM's image (unexpanded), "scratch" allowed */
  char *name;     /* AS name (lower-cased) or NULL */
  char *platform; /* --platform or NULL */
  unsigned line;
  struct cf_instruction *instructions;
  size_t n_instructions;
};

struct containerfile
{
  struct cf_instruction *global_args; /* ARGs before the first FROM */
  size_t n_global_args;
  struct cf_stage *stages;
  size_t n_stages;
};

/* name: what errors say ("Containerfile"); errors read
 * "Containerfile:12: unknown instruction: FOO" (EINVAL).  */
int containerfile_parse (const char *name, const char *text, size_t len, struct containerfile **out,
                         galley_error_t *err);
void containerfile_free (struct containerfile *cf);

static inline void
cleanup_containerfilep (struct containerfile **cf)
{
  containerfile_free (*cf);
}
#define _cleanup_containerfile_ __attribute__ ((cleanup (cleanup_containerfilep)))

/* "RUN", "COPY", ...  */
const char *cf_kind_name (enum cf_kind k);

/* Expand $VAR, ${VAR}, ${VAR:-word}, ${VAR:+word}, ${VAR-word}, ${VAR+word},
 * \$ escapes, in word using env (NULL-terminated "K=V" strings, the LAST
 * occurrence of a key wins).  */
int cf_expand (const char *word, char *const *env, char **out, galley_error_t *err);

/* A COPY/ADD heredoc body whose delimiter was not quoted: only $VAR and
 * ${VAR...} are substituted; quotes are plain text and backslashes stay
 * (so "\$x" is kept as written), as buildkit expands heredoc files.  */
int cf_expand_heredoc (const char *content, char *const *env, char **out, galley_error_t *err);

/* Find the stage a --from= / FROM refers to: by name or index; -1 if none.
 * Only stages before `before` are considered.  */
ssize_t containerfile_stage_index (const struct containerfile *cf, const char *name_or_index, size_t before);

/* Parse one ONBUILD trigger as stored in an image's config ("RUN make"),
 * to run it when the image is used as a base.  name is for errors.  */
int cf_parse_trigger (const char *name, const char *text, struct cf_instruction **out, galley_error_t *err);
void cf_instruction_free (struct cf_instruction *in);

/* If word is a heredoc word ("<<EOF", "<<-'EOF'") of in, its heredoc.  */
const struct cf_heredoc *cf_heredoc_for_word (const struct cf_instruction *in, const char *word);

/* RUN's shell line with its heredoc bodies appended, as buildkit runs it
 * with the shell: "cat <<EOF >f\nbody\nEOF\n".  (When args[0] is the
 * heredoc word alone and there is one heredoc, buildkit instead runs the
 * body as a script file: directly if it starts with "#!", else with the
 * shell.)  Never NULL.  */
char *cf_run_heredoc_script (const struct cf_instruction *in);

/* A Go duration ("30s", "1m30s", "1.5h", "0"), as HEALTHCHECK's flags
 * take; -1 if malformed.  */
int cf_parse_duration (const char *s, int64_t *ns);

#endif
