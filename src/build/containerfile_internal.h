/* Shared by the containerfile*.c files: allocation that aborts on OOM (a
 * parser has nothing sensible to do without memory), a growable string,
 * Docker's quote-aware word splitting, and parsing of one instruction.  */
#ifndef GALLEY_BUILD_CONTAINERFILE_INTERNAL_H
#define GALLEY_BUILD_CONTAINERFILE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "build/containerfile.h"
#include "util/cleanup.h"
#include "util/xmalloc.h"

struct cf_buf
{
  char *s;
  size_t len, cap;
};
void cf_buf_put (struct cf_buf *b, const char *s, size_t n);
void cf_buf_putc (struct cf_buf *b, char c);
void cf_buf_puts (struct cf_buf *b, const char *s);
/* The NUL-terminated string (never NULL); the buffer is empty afterwards.  */
char *cf_buf_steal (struct cf_buf *b);
void cf_buf_release (struct cf_buf *b);
#define _cleanup_cf_buf_ __attribute__ ((cleanup (cf_buf_release)))

void cf_strv_free (char **v, size_t n);

/* Docker's parseWords: split at unquoted white space, keeping quotes and
 * escapes in the words (they are removed by cf_expand later).  */
char **cf_split_words (const char *s, char escape, size_t *n);

static inline bool
cf_is_space (char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

/* What one instruction line needs from its file: the name and line for
 * errors, the escape character.  */
struct cf_line_ctx
{
  const char *name;
  unsigned line;
  char escape;
};

/* Parse an instruction from its joined line (no heredoc bodies yet); the
 * heredocs it announces are in in->heredocs with content NULL.  */
int cf_instruction_parse (const struct cf_line_ctx *ctx, const char *line, struct cf_instruction *in,
                          galley_error_t *err);
void cf_instruction_clear (struct cf_instruction *in);

/* "Containerfile:12: " + message (just "Containerfile: " when line is 0),
 * errno EINVAL.  */
int cf_fail (const struct cf_line_ctx *ctx, galley_error_t *err, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

#endif
