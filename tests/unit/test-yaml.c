/* Unit tests of the YAML reader (util/yaml.h): the core schema's scalar
 * types, nesting, and what it refuses.  */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "util/cleanup.h"
#include "util/json.h"
#include "util/yaml.h"

static json_object *
parse_ok (const char *text)
{
  _cleanup_error_ galley_error_t err = NULL;
  json_object *doc = NULL;

  if (yaml_parse_json (text, strlen (text), "doc", &doc, &err) < 0)
    fail_msg ("%s", err->msg);
  return doc;
}

static void
expect_error (const char *text, const char *expected)
{
  _cleanup_error_ galley_error_t err = NULL;
  json_object *doc = NULL;

  assert_int_equal (yaml_parse_json (text, strlen (text), "doc", &doc, &err), -1);
  assert_null (doc);
  assert_non_null (strstr (err->msg, expected));
}

static void
test_scalars (void **state)
{
  _cleanup_json_ json_object *doc = parse_ok ("---\n"
                                              "version: 0.6.0\n"
                                              "name: \"0\"\n"
                                              "count: 12\n"
                                              "negative: -3\n"
                                              "octal: 0o17\n"
                                              "hex: 0x1f\n"
                                              "ratio: 1.5\n"
                                              "yes: true\n"
                                              "no: False\n"
                                              "nothing: ~\n"
                                              "empty:\n"
                                              "quoted: 'true'\n"
                                              "word: yes\n");
  json_object *v;

  assert_string_equal (json_get_string (doc, "version"), "0.6.0");
  assert_string_equal (json_get_string (doc, "name"), "0");
  assert_true (json_object_object_get_ex (doc, "count", &v));
  assert_true (json_object_is_type (v, json_type_int));
  assert_int_equal (json_object_get_int64 (v), 12);
  json_object_object_get_ex (doc, "negative", &v);
  assert_int_equal (json_object_get_int64 (v), -3);
  json_object_object_get_ex (doc, "octal", &v);
  assert_int_equal (json_object_get_int64 (v), 15);
  json_object_object_get_ex (doc, "hex", &v);
  assert_int_equal (json_object_get_int64 (v), 31);
  json_object_object_get_ex (doc, "ratio", &v);
  assert_true (json_object_is_type (v, json_type_double));
  json_object_object_get_ex (doc, "yes", &v);
  assert_true (json_object_is_type (v, json_type_boolean) && json_object_get_boolean (v));
  json_object_object_get_ex (doc, "no", &v);
  assert_true (json_object_is_type (v, json_type_boolean) && ! json_object_get_boolean (v));
  assert_true (json_object_object_get_ex (doc, "nothing", &v));
  assert_null (v);
  assert_true (json_object_object_get_ex (doc, "empty", &v));
  assert_null (v);
  assert_string_equal (json_get_string (doc, "quoted"), "true");
  /* YAML 1.1's yes is a string in the core schema.  */
  assert_string_equal (json_get_string (doc, "word"), "yes");
}

static void
test_nesting_and_aliases (void **state)
{
  _cleanup_json_ json_object *doc = parse_ok ("base: &b\n"
                                              "  options: [ro, nosuid]\n"
                                              "list:\n"
                                              "- *b\n"
                                              "- {name: x, env: []}\n");
  json_object *list, *first, *options;

  assert_true (json_object_object_get_ex (doc, "list", &list));
  assert_int_equal (json_object_array_length (list), 2);
  first = json_object_array_get_idx (list, 0);
  assert_true (json_object_object_get_ex (first, "options", &options));
  assert_string_equal (json_object_get_string (json_object_array_get_idx (options, 1)), "nosuid");
  assert_string_equal (json_get_string (json_object_array_get_idx (list, 1), "name"), "x");
}

static void
test_empty (void **state)
{
  _cleanup_error_ galley_error_t err = NULL;
  json_object *doc = (json_object *)1;

  assert_int_equal (yaml_parse_json ("", 0, "doc", &doc, &err), 0);
  assert_null (doc);
}

static void
test_errors (void **state)
{
  expect_error ("a: 1\na: 2\n", "doc: line 2: duplicate key \"a\"");
  expect_error ("[1]: x\n", "a mapping key must be a string");
  expect_error ("a: 1\n---\nb: 2\n", "more than one YAML document");
  expect_error ("a: [1, 2\nb: 3\n", "doc: invalid YAML: line");
  /* Each level repeats the one below ten times: 10^9 nodes unrolled.  */
  expect_error ("a: &a [x, x, x, x, x, x, x, x, x, x]\n"
                "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
                "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
                "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
                "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
                "h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
                "i: [*h, *h, *h, *h, *h, *h, *h, *h, *h, *h]\n",
                "nests or repeats too deeply");
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_scalars),
    cmocka_unit_test (test_nesting_and_aliases),
    cmocka_unit_test (test_empty),
    cmocka_unit_test (test_errors),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
