/* String vectors: length, membership, appending copies (unique or not).  */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "util/cleanup.h"
#include "util/strv.h"

static void
test_empty_is_null (void **state)
{
  assert_int_equal (strv_len (NULL), 0);
  assert_false (strv_contains (NULL, "a"));
}

static void
test_append (void **state)
{
  _cleanup_strv_ char **v = NULL;
  char word[] = "b";

  assert_int_equal (strv_append (&v, "a"), 0);
  assert_int_equal (strv_append (&v, word), 0);
  assert_int_equal (strv_append (&v, "a"), 0);
  word[0] = 'x'; /* copies were stored */
  assert_int_equal (strv_len (v), 3);
  assert_string_equal (v[0], "a");
  assert_string_equal (v[1], "b");
  assert_string_equal (v[2], "a");
  assert_null (v[3]);
  assert_true (strv_contains (v, "b"));
  assert_false (strv_contains (v, "x"));
}

static void
test_append_unique (void **state)
{
  _cleanup_strv_ char **v = NULL;

  assert_int_equal (strv_append_unique (&v, "a"), 0);
  assert_int_equal (strv_append_unique (&v, "b"), 0);
  assert_int_equal (strv_append_unique (&v, "a"), 0);
  assert_int_equal (strv_len (v), 2);
  assert_string_equal (v[1], "b");
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_empty_is_null),
    cmocka_unit_test (test_append),
    cmocka_unit_test (test_append_unique),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
