/* Small building blocks of the Containerfile parser: a growable string,
 * Docker's parseWords.  */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "build/containerfile_internal.h"
#include "util/xmalloc.h"

void
cf_buf_put (struct cf_buf *b, const char *s, size_t n)
{
  if (b->len + n + 1 > b->cap)
    {
      b->cap = (b->len + n + 1) * 2;
      b->s = xrealloc (b->s, b->cap);
    }
  memcpy (b->s + b->len, s, n);
  b->len += n;
  b->s[b->len] = '\0';
}

void
cf_buf_putc (struct cf_buf *b, char c)
{
  cf_buf_put (b, &c, 1);
}

void
cf_buf_puts (struct cf_buf *b, const char *s)
{
  cf_buf_put (b, s, strlen (s));
}

char *
cf_buf_steal (struct cf_buf *b)
{
  char *s = b->s != NULL ? b->s : xstrdup ("");

  b->s = NULL;
  b->len = b->cap = 0;
  return s;
}

void
cf_buf_release (struct cf_buf *b)
{
  free (b->s);
  b->s = NULL;
  b->len = b->cap = 0;
}

void
cf_strv_free (char **v, size_t n)
{
  size_t i;

  if (v == NULL)
    return;
  for (i = 0; i < n; i++)
    free (v[i]);
  free (v);
}

static void
words_push (char ***v, size_t *n, struct cf_buf *word)
{
  *v = xrealloc (*v, (*n + 2) * sizeof **v);
  (*v)[(*n)++] = cf_buf_steal (word);
  (*v)[*n] = NULL;
}

/* A port of buildkit's parseWords: quotes and escapes stay in the word; an
 * escape character protects the next one (also from ending a quote); a
 * quoted empty string is still a word.  */
char **
cf_split_words (const char *s, char escape, size_t *n)
{
  _cleanup_cf_buf_ struct cf_buf word = { 0 };
  char **v = xrealloc (NULL, sizeof *v);
  bool in_word = false, blank_ok = false;
  char quote = 0;
  size_t i;

  *n = 0;
  v[0] = NULL;
  for (i = 0; s[i] != '\0'; i++)
    {
      char c = s[i];

      if (quote == 0 && ! in_word)
        {
          if (cf_is_space (c))
            continue;
          in_word = true;
        }
      if (quote == 0)
        {
          if (cf_is_space (c))
            {
              if (blank_ok || word.len > 0)
                words_push (&v, n, &word);
              cf_buf_release (&word);
              in_word = blank_ok = false;
              continue;
            }
          if (c == '\'' || c == '"')
            {
              quote = c;
              blank_ok = true;
            }
          else if (c == escape)
            {
              if (s[i + 1] == '\0')
                continue;
              cf_buf_putc (&word, c);
              c = s[++i];
            }
          cf_buf_putc (&word, c);
          continue;
        }
      if (c == quote)
        quote = 0;
      else if (c == escape && quote != '\'')
        {
          if (s[i + 1] == '\0')
            {
              quote = 0;
              continue;
            }
          cf_buf_putc (&word, c);
          c = s[++i];
        }
      cf_buf_putc (&word, c);
    }
  if (in_word && (blank_ok || word.len > 0))
    words_push (&v, n, &word);
  return v;
}
