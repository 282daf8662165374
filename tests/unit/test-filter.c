/* util/filter: --filter items parsed once by a command's table (its words
 * for a malformed item and an unknown key, each key's check, regular
 * expressions compiled once, "!=" where the command negates), grouped by
 * key; podman's label filter and Go's booleans.  */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "util/cleanup.h"
#include "util/filter.h"
#include "util/json.h"

static int
check_digits (const char *value, galley_error_t *err)
{
  if (value[0] == '\0' || value[strspn (value, "0123456789")] != '\0')
    return galley_error_kind (err, EINVAL, "%s is not a number", value);
  return 0;
}

static const struct filter_key keys[] = {
  { "name", FILTER_REGEX, NULL },
  { "label", FILTER_TEXT, NULL },
  { "exited", FILTER_TEXT, check_digits },
  { NULL, 0, NULL },
};

static const struct filter_syntax lax = {
  .keys = keys,
  .malformed = "invalid filter \"%s\"",
  .unknown = "%s is an invalid filter",
};

static const struct filter_syntax strict = {
  .keys = keys,
  .malformed = "filter input must be in the form of filter=value: %s is invalid",
  .unknown = "\"%s\" is an invalid volume filter",
  .negation = true,
  .strict_regex = true,
};

/* item's error is message, or (whole false) begins with it: the rest is
 * libc's.  */
static void
expect_error_text (const struct filter_syntax *syntax, const char *item, const char *message, bool whole)
{
  char *items[] = { (char *)"name=ok", (char *)item, NULL };
  struct filter_set *set = NULL;
  _cleanup_error_ galley_error_t err = NULL;

  assert_int_equal (filter_set_parse (syntax, items, &set, &err), -1);
  assert_null (set);
  assert_non_null (err);
  if (whole)
    assert_string_equal (err->msg, message);
  else
    assert_int_equal (strncmp (err->msg, message, strlen (message)), 0);
  assert_int_equal (galley_error_errno (&err), EINVAL);
}

static void
expect_error (const struct filter_syntax *syntax, const char *item, const char *message)
{
  expect_error_text (syntax, item, message, true);
}

static void
test_errors_in_the_commands_words (void **state)
{
  expect_error (&lax, "name", "invalid filter \"name\"");
  expect_error (&lax, "foo=bar", "foo is an invalid filter");
  expect_error (&lax, "=x", " is an invalid filter");
  expect_error (&lax, "exited=x", "x is not a number");
  expect_error (&strict, "name", "filter input must be in the form of filter=value: name is invalid");
  expect_error (&strict, "foo=bar", "\"foo\" is an invalid volume filter");
  expect_error (&strict, "foo!=bar", "\"foo\" is an invalid volume filter");
  expect_error_text (&strict, "name=[", "invalid regular expression \"[\": ", false);
}

static void
test_groups_keep_the_order_given (void **state)
{
  char *items[] = { (char *)"label=a", (char *)"name=^c", (char *)"label=b=c", (char *)"name=x=y", NULL };
  _cleanup_filter_set_ struct filter_set *set = NULL;
  _cleanup_error_ galley_error_t err = NULL;
  const struct filter_group *g;

  assert_int_equal (filter_set_parse (&lax, items, &set, &err), 0);
  assert_int_equal (set->n, 2);
  assert_string_equal (set->groups[0].key->name, "label");
  g = filter_set_group (set, "label");
  assert_int_equal (g->n, 2);
  assert_string_equal (g->values[0].text, "a");
  assert_string_equal (g->values[1].text, "b=c");
  g = filter_set_group (set, "name");
  assert_int_equal (g->n, 2);
  assert_string_equal (g->values[1].text, "x=y");
  assert_null (filter_set_group (set, "exited"));
}

static void
test_no_items (void **state)
{
  _cleanup_filter_set_ struct filter_set *set = NULL;
  _cleanup_error_ galley_error_t err = NULL;

  assert_int_equal (filter_set_parse (&lax, NULL, &set, &err), 0);
  assert_non_null (set);
  assert_int_equal (set->n, 0);
  assert_null (filter_set_group (set, "name"));
}

static void
test_regex_anywhere_and_bad_one_matches_nothing (void **state)
{
  char *items[] = { (char *)"name=b.", (char *)"name=[", (char *)"name=^x$", NULL };
  _cleanup_filter_set_ struct filter_set *set = NULL;
  _cleanup_error_ galley_error_t err = NULL;
  const struct filter_group *g;

  assert_int_equal (filter_set_parse (&lax, items, &set, &err), 0);
  g = filter_set_group (set, "name");
  assert_int_equal (g->n, 3);
  assert_true (filter_value_matches (g, &g->values[0], "abc"));
  assert_false (filter_value_matches (g, &g->values[0], "ab"));
  assert_null (g->values[1].re);
  assert_false (filter_value_matches (g, &g->values[1], "["));
  assert_false (filter_value_matches (g, &g->values[1], "a[b"));
  assert_true (filter_group_matches_any (g, "x"));
  assert_true (filter_group_matches_any (g, "xbc"));
  assert_false (filter_group_matches_any (g, "xx"));
  assert_false (filter_group_matches_any (g, NULL));
}

static void
test_negation_where_the_command_has_it (void **state)
{
  char *items[] = { (char *)"label!=a", NULL };
  _cleanup_filter_set_ struct filter_set *set = NULL, *plain = NULL;
  _cleanup_error_ galley_error_t err = NULL;
  const struct filter_group *g;

  assert_int_equal (filter_set_parse (&strict, items, &set, &err), 0);
  g = filter_set_group (set, "label");
  assert_true (g->values[0].negated);
  assert_false (filter_value_matches (g, &g->values[0], "a"));
  assert_true (filter_value_matches (g, &g->values[0], "b"));
  /* without negation, "label!" is a key of its own */
  assert_int_equal (filter_set_parse (&lax, items, &plain, &err), -1);
  assert_string_equal (err->msg, "label! is an invalid filter");
}

static void
test_labels_as_podman (void **state)
{
  _cleanup_json_ json_object *labels = json_tokener_parse ("{\"a\":\"b\",\"io.x/y\":\"1\",\"e\":\"\"}");
  char *kv[] = { (char *)"a=b", (char *)"io.x/y=1", (char *)"e=", NULL };

  assert_true (filter_label_matches_json (labels, "a"));
  assert_true (filter_label_matches_json (labels, "a=b"));
  assert_true (filter_label_matches_json (labels, "a="));
  assert_false (filter_label_matches_json (labels, "a=c"));
  assert_false (filter_label_matches_json (labels, "b"));
  assert_true (filter_label_matches_json (labels, "e"));
  assert_true (filter_label_matches_json (labels, "io*"));
  assert_true (filter_label_matches_json (labels, "x*=1"));
  assert_false (filter_label_matches_json (labels, "x*=2"));
  assert_false (filter_label_matches_json (labels, "io.x"));
  assert_false (filter_label_matches_json (NULL, "a"));
  assert_true (filter_label_matches_kv (kv, "a=b"));
  assert_true (filter_label_matches_kv (kv, "*/y=1"));
  assert_true (filter_label_matches_kv (kv, "e"));
  assert_false (filter_label_matches_kv (kv, "a=c"));
  assert_false (filter_label_matches_kv (NULL, "a"));
}

static void
test_go_booleans (void **state)
{
  bool b = false;

  assert_true (filter_parse_bool ("TRUE", &b) && b);
  assert_true (filter_parse_bool ("t", &b) && b);
  assert_true (filter_parse_bool ("0", &b) && ! b);
  assert_true (filter_parse_bool ("False", &b) && ! b);
  assert_false (filter_parse_bool ("yes", &b));
  assert_false (filter_parse_bool ("tRUE", &b));
  assert_false (filter_parse_bool ("", &b));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_errors_in_the_commands_words),
    cmocka_unit_test (test_groups_keep_the_order_given),
    cmocka_unit_test (test_no_items),
    cmocka_unit_test (test_regex_anywhere_and_bad_one_matches_nothing),
    cmocka_unit_test (test_negation_where_the_command_has_it),
    cmocka_unit_test (test_labels_as_podman),
    cmocka_unit_test (test_go_booleans),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
