/* The thread pool of parallel.h.  */
#include "config.h"
#include "util/parallel.h"

#include <pthread.h>

#include "util/cleanup.h"

#define PARALLEL_MAX_THREADS 16

struct parallel_run
{
  parallel_item_fn fn;
  void *ctx;
  size_t n;
  pthread_mutex_t lock;
  size_t next;
  galley_error_t err; /* the first failure */
};

static void *
parallel_worker (void *arg)
{
  struct parallel_run *run = arg;

  for (;;)
    {
      galley_error_t err = NULL;
      size_t i;

      pthread_mutex_lock (&run->lock);
      i = run->next++;
      if (run->err != NULL || i >= run->n)
        {
          pthread_mutex_unlock (&run->lock);
          return NULL;
        }
      pthread_mutex_unlock (&run->lock);
      if (run->fn (run->ctx, i, &err) == 0)
        continue;
      pthread_mutex_lock (&run->lock);
      if (run->err == NULL)
        run->err = steal_pointer (&err);
      pthread_mutex_unlock (&run->lock);
      galley_error_release (&err);
      return NULL;
    }
}

int
parallel_for (size_t n, size_t max_threads, parallel_item_fn fn, void *ctx, galley_error_t *err)
{
  struct parallel_run run = { .fn = fn, .ctx = ctx, .n = n };
  pthread_t threads[PARALLEL_MAX_THREADS];
  size_t want = n < max_threads ? n : max_threads, started = 0, i;

  if (want > PARALLEL_MAX_THREADS)
    want = PARALLEL_MAX_THREADS;
  pthread_mutex_init (&run.lock, NULL);
  /* Fewer threads than asked is fine: the items still all run.  */
  for (i = 1; i < want && pthread_create (&threads[i], NULL, parallel_worker, &run) == 0; i++)
    started = i;
  parallel_worker (&run);
  for (i = 1; i <= started; i++)
    pthread_join (threads[i], NULL);
  pthread_mutex_destroy (&run.lock);
  if (run.err != NULL)
    {
      *err = run.err;
      return -1;
    }
  return 0;
}
