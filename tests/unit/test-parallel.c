/* Unit tests for util/parallel.h: every item runs once, on several
 * threads when asked, and the first failure is the one returned.  */
#include "config.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/cleanup.h"
#include "util/parallel.h"

#define ITEMS 100

struct counts
{
  pthread_mutex_t lock;
  int runs[ITEMS];
  pthread_t seen[4];
  int n_seen;
  long fail_at; /* -1: none */
};

static int
count_item (void *ctx, size_t i, galley_error_t *err)
{
  struct counts *c = ctx;
  int k;
  bool known = false;

  pthread_mutex_lock (&c->lock);
  c->runs[i]++;
  for (k = 0; k < c->n_seen; k++)
    known = known || pthread_equal (c->seen[k], pthread_self ());
  if (! known && c->n_seen < 4)
    c->seen[c->n_seen++] = pthread_self ();
  pthread_mutex_unlock (&c->lock);
  usleep (200);
  if ((long)i == c->fail_at)
    return galley_error_make (err, 0, "item %zu failed", i);
  return 0;
}

static void
test_every_item_once (void **state)
{
  struct counts c = { .lock = PTHREAD_MUTEX_INITIALIZER, .fail_at = -1 };
  _cleanup_error_ galley_error_t err = NULL;
  int i;

  (void)state;
  assert_int_equal (parallel_for (ITEMS, 3, count_item, &c, &err), 0);
  for (i = 0; i < ITEMS; i++)
    assert_int_equal (c.runs[i], 1);
  assert_true (c.n_seen >= 2);
  assert_true (c.n_seen <= 3);
}

static void
test_one_thread_and_none (void **state)
{
  struct counts c = { .lock = PTHREAD_MUTEX_INITIALIZER, .fail_at = -1 };
  _cleanup_error_ galley_error_t err = NULL;

  (void)state;
  assert_int_equal (parallel_for (ITEMS, 1, count_item, &c, &err), 0);
  assert_int_equal (c.n_seen, 1);
  assert_true (pthread_equal (c.seen[0], pthread_self ()));
  assert_int_equal (parallel_for (0, 3, count_item, &c, &err), 0);
}

static int
items_run (const struct counts *c)
{
  int i, ran = 0;

  for (i = 0; i < ITEMS; i++)
    ran += c->runs[i];
  return ran;
}

static void
test_first_failure_stops (void **state)
{
  struct counts one = { .lock = PTHREAD_MUTEX_INITIALIZER, .fail_at = 10 };
  struct counts two = { .lock = PTHREAD_MUTEX_INITIALIZER, .fail_at = 10 };
  _cleanup_error_ galley_error_t err = NULL, err2 = NULL;

  (void)state;
  /* One thread: nothing after the failing item.  */
  assert_int_equal (parallel_for (ITEMS, 1, count_item, &one, &err), -1);
  assert_string_equal (err->msg, "item 10 failed");
  assert_int_equal (items_run (&one), 11);
  /* Several: items already handed out finish, no new ones start.  */
  assert_int_equal (parallel_for (ITEMS, 2, count_item, &two, &err2), -1);
  assert_string_equal (err2->msg, "item 10 failed");
  assert_true (items_run (&two) < ITEMS);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_every_item_once),
    cmocka_unit_test (test_one_thread_and_none),
    cmocka_unit_test (test_first_failure_stops),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
