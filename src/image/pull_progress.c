/* Pull progress, plain or with bars (see pull_progress.h).  */
#include "config.h"
#include "image/pull_progress.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/time.h"

#define BAR_WIDTH 30
#define REDRAW_NS (100 * 1000 * 1000)

struct blob_row
{
  char *digest;
  uint64_t size, done;
  enum pull_blob_state state;
};

struct pull_progress
{
  FILE *out;
  bool bars;
  bool drawn; /* the bars are on screen: the cursor is below them */
  pthread_mutex_t lock;
  struct blob_row *rows;
  size_t n_rows;
  struct timespec last_draw;
};

struct pull_progress *
pull_progress_new (FILE *out, bool bars)
{
  struct pull_progress *p = calloc (1, sizeof *p);

  if (p == NULL)
    return NULL;
  p->out = out;
  p->bars = bars;
  pthread_mutex_init (&p->lock, NULL);
  return p;
}

void
pull_progress_free (struct pull_progress *p)
{
  size_t i;

  if (p == NULL)
    return;
  for (i = 0; i < p->n_rows; i++)
    free (p->rows[i].digest);
  free (p->rows);
  pthread_mutex_destroy (&p->lock);
  free (p);
}

void
pull_progress_message (struct pull_progress *p, const char *fmt, ...)
{
  va_list ap;

  if (p == NULL || p->out == NULL)
    return;
  pthread_mutex_lock (&p->lock);
  va_start (ap, fmt);
  vfprintf (p->out, fmt, ap);
  va_end (ap);
  fputc ('\n', p->out);
  fflush (p->out);
  pthread_mutex_unlock (&p->lock);
}

size_t
pull_progress_add_blob (struct pull_progress *p, const char *digest, uint64_t size)
{
  struct blob_row *rows;

  if (p == NULL)
    return 0;
  pthread_mutex_lock (&p->lock);
  rows = realloc (p->rows, (p->n_rows + 1) * sizeof *rows);
  if (rows != NULL)
    {
      p->rows = rows;
      rows[p->n_rows] = (struct blob_row){ .digest = strdup (digest), .size = size };
      p->n_rows++;
    }
  if (p->out != NULL && ! p->bars)
    {
      fprintf (p->out, "Copying blob %s\n", digest);
      fflush (p->out);
    }
  pthread_mutex_unlock (&p->lock);
  return p->n_rows - 1;
}

static void
human_size (uint64_t n, char *buf, size_t len)
{
  const char *units[] = { "b", "KiB", "MiB", "GiB", "TiB" };
  double v = (double)n;
  size_t u = 0;

  while (v >= 1024 && u + 1 < sizeof units / sizeof units[0])
    {
      v /= 1024;
      u++;
    }
  if (u == 0)
    snprintf (buf, len, "%llub", (unsigned long long)n);
  else
    snprintf (buf, len, "%.1f%s", v, units[u]);
}

static void
draw_row (struct pull_progress *p, const struct blob_row *r)
{
  const char *hex = strchr (r->digest, ':') ? strchr (r->digest, ':') + 1 : r->digest;
  char bar[BAR_WIDTH + 1], done[32], size[32];
  size_t fill, i;

  fprintf (p->out, "\r\033[KCopying blob %.12s ", hex);
  switch (r->state)
    {
    case PULL_BLOB_DONE:
      fputs ("done", p->out);
      break;
    case PULL_BLOB_SKIPPED:
      fputs ("skipped: already exists", p->out);
      break;
    case PULL_BLOB_FAILED:
      fputs ("failed", p->out);
      break;
    case PULL_BLOB_WAITING:
    case PULL_BLOB_COPYING:
      fill = r->size ? (size_t)((double)r->done / (double)r->size * BAR_WIDTH) : 0;
      if (fill > BAR_WIDTH)
        fill = BAR_WIDTH;
      for (i = 0; i < BAR_WIDTH; i++)
        bar[i] = i < fill ? '=' : (i == fill ? '>' : '-');
      bar[BAR_WIDTH] = '\0';
      human_size (r->done, done, sizeof done);
      human_size (r->size, size, sizeof size);
      fprintf (p->out, "[%s] %s / %s", bar, done, size);
      break;
    }
  fputc ('\n', p->out);
}

/* Called with the lock held.  */
static void
redraw (struct pull_progress *p, bool force)
{
  struct timespec now;
  size_t i;

  if (p->out == NULL || ! p->bars || p->n_rows == 0)
    return;
  clock_gettime (CLOCK_MONOTONIC, &now);
  if (! force && p->drawn
      && (now.tv_sec - p->last_draw.tv_sec) * NSEC_PER_SEC + (now.tv_nsec - p->last_draw.tv_nsec) < REDRAW_NS)
    return;
  p->last_draw = now;
  if (p->drawn)
    fprintf (p->out, "\033[%zuA", p->n_rows);
  for (i = 0; i < p->n_rows; i++)
    draw_row (p, &p->rows[i]);
  p->drawn = true;
  fflush (p->out);
}

void
pull_progress_start (struct pull_progress *p)
{
  if (p == NULL)
    return;
  pthread_mutex_lock (&p->lock);
  redraw (p, true);
  pthread_mutex_unlock (&p->lock);
}

void
pull_progress_update (struct pull_progress *p, size_t blob, uint64_t done)
{
  if (p == NULL || blob >= p->n_rows)
    return;
  pthread_mutex_lock (&p->lock);
  p->rows[blob].done = done;
  p->rows[blob].state = PULL_BLOB_COPYING;
  redraw (p, false);
  pthread_mutex_unlock (&p->lock);
}

void
pull_progress_set_state (struct pull_progress *p, size_t blob, enum pull_blob_state state)
{
  if (p == NULL || blob >= p->n_rows)
    return;
  pthread_mutex_lock (&p->lock);
  p->rows[blob].state = state;
  if (state == PULL_BLOB_DONE)
    p->rows[blob].done = p->rows[blob].size;
  redraw (p, true);
  pthread_mutex_unlock (&p->lock);
}

void
pull_progress_finish (struct pull_progress *p)
{
  if (p == NULL)
    return;
  pthread_mutex_lock (&p->lock);
  redraw (p, true);
  pthread_mutex_unlock (&p->lock);
}
