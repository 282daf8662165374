/* String vectors: length, membership, appending copies (unique or not),
 * joining and splitting, vectors of "KEY=value" as maps, and the JSON
 * array helpers that make them (util/json.h).  */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "util/cleanup.h"
#include "util/json.h"
#include "util/strv.h"

static void
test_empty_is_null (void **state)
{
  assert_int_equal (strv_len (NULL), 0);
  assert_false (strv_contains (NULL, "a"));
}

static void
test_copy (void **state)
{
  char *orig[] = { (char *)"a", (char *)"b", NULL };
  _cleanup_strv_ char **c = strv_copy (orig), **empty = strv_copy (NULL);

  assert_int_equal (strv_len (c), 2);
  assert_ptr_not_equal (c[0], orig[0]);
  assert_string_equal (c[0], "a");
  assert_string_equal (c[1], "b");
  assert_null (c[2]);
  assert_non_null (empty);
  assert_null (empty[0]);
  strv_free (strv_copy (orig)); /* ASan and valgrind see a leak */
  strv_free (NULL);
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

static void
test_from_json (void **state)
{
  _cleanup_json_ json_object *o = json_tokener_parse ("{\"a\":[\"x\",1,\"y\"],\"s\":\"str\",\"e\":[]}");
  _cleanup_strv_ char **a = json_get_strv (o, "a"), **missing = json_get_strv (o, "nope"),
                      **scalar = json_get_strv (o, "s"), **none = json_get_strv (NULL, "a");

  assert_non_null (o);
  /* non-strings skipped */
  assert_int_equal (strv_len (a), 2);
  assert_string_equal (a[0], "x");
  assert_string_equal (a[1], "y");
  /* absent or not an array: empty, never NULL */
  assert_non_null (missing);
  assert_int_equal (strv_len (missing), 0);
  assert_int_equal (strv_len (scalar), 0);
  assert_int_equal (strv_len (none), 0);
  assert_int_equal (json_get_array_len (o, "a"), 3);
  assert_int_equal (json_get_array_len (o, "s"), 0);
  assert_int_equal (json_get_array_len (o, "nope"), 0);
  assert_string_equal (json_get_array_string (o, "a", 2), "y");
  assert_null (json_get_array_string (o, "a", 1)); /* a number */
  assert_null (json_get_array_string (o, "a", 3)); /* past the end */
  assert_null (json_get_array_string (o, "e", 0));
}

static void
test_to_json (void **state)
{
  char *words[] = { "a", "b", "c" };
  _cleanup_json_ json_object *all = json_strings_array (words, 3), *two = json_strings_array (words, 2);
  _cleanup_strv_ char **back = json_array_strv (all);

  assert_string_equal (json_object_to_json_string_ext (all, JSON_C_TO_STRING_PLAIN), "[\"a\",\"b\",\"c\"]");
  assert_string_equal (json_object_to_json_string_ext (two, JSON_C_TO_STRING_PLAIN), "[\"a\",\"b\"]");
  assert_int_equal (strv_len (back), 3);
  assert_string_equal (back[2], "c");
}

static void
test_join_split (void **state)
{
  _cleanup_strv_ char **v = NULL, **back = NULL, **none = NULL;
  _cleanup_free_ char *joined = NULL, *empty = NULL, *one = NULL;

  assert_int_equal (strv_append (&v, "a b"), 0);
  assert_int_equal (strv_append (&v, "c"), 0);
  assert_int_equal (strv_append (&v, "de"), 0);
  joined = strv_join (v, ", ");
  assert_string_equal (joined, "a b, c, de");
  empty = strv_join (NULL, ",");
  assert_string_equal (empty, "");
  back = strv_split ("a b\nc\nde", '\n');
  assert_int_equal (strv_len (back), 3);
  assert_string_equal (back[0], "a b");
  assert_string_equal (back[2], "de");
  /* "" is no element at all */
  none = strv_split ("", ',');
  assert_non_null (none);
  assert_null (none[0]);
  one = strv_join (back + 2, "\n");
  assert_string_equal (one, "de");
}

static void
test_kv (void **state)
{
  _cleanup_strv_ char **v = NULL;

  assert_null (strv_kv_get (NULL, "a"));
  assert_int_equal (strv_kv_set (&v, "a", "1"), 0);
  assert_int_equal (strv_kv_set (&v, "ab", "x=y"), 0);
  assert_int_equal (strv_kv_set (&v, "c", ""), 0);
  /* set again: in place */
  assert_int_equal (strv_kv_set (&v, "a", "2"), 0);
  assert_int_equal (strv_len (v), 3);
  assert_string_equal (v[0], "a=2");
  assert_string_equal (strv_kv_get (v, "a"), "2");
  assert_string_equal (strv_kv_get (v, "ab"), "x=y");
  assert_string_equal (strv_kv_get (v, "c"), "");
  assert_null (strv_kv_get (v, "x"));
  /* a key is whole: "a" is not a prefix match of "ab" */
  assert_null (strv_kv_get (v, "b"));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_empty_is_null), cmocka_unit_test (test_append),    cmocka_unit_test (test_copy),
    cmocka_unit_test (test_append_unique), cmocka_unit_test (test_from_json), cmocka_unit_test (test_to_json),
    cmocka_unit_test (test_join_split),    cmocka_unit_test (test_kv),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
