/* Unit tests for the TOML subset reader (src/util/toml.c).  */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>

#include <cmocka.h>

#include "util/json.h"
#include "util/toml.h"

/* Parse text and compare the plain JSON serialization of the result.  */
static void
check_doc (const char *text, const char *expected_json)
{
  _cleanup_error_ galley_error_t err = NULL;
  _cleanup_json_ json_object *doc = NULL;
  int ret = toml_parse_string (text, strlen (text), "t.conf", &doc, &err);

  if (ret < 0)
    fail_msg ("unexpected error for <<%s>>: %s", text, err->msg);
  assert_string_equal (
      json_object_to_json_string_ext (doc, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
      expected_json);
}

static void
check_error (const char *text, const char *expected_msg)
{
  _cleanup_error_ galley_error_t err = NULL;
  json_object *doc = NULL;
  int ret = toml_parse_string (text, strlen (text), "t.conf", &doc, &err);

  if (ret == 0)
    fail_msg ("expected an error for <<%s>>, got %s", text, json_object_to_json_string (doc));
  assert_null (doc);
  assert_non_null (err);
  assert_string_equal (err->msg, expected_msg);
  assert_null (strchr (err->msg, '\n'));
}

static void
test_empty (void **state)
{
  check_doc ("", "{}");
  check_doc ("\n\n# only a comment\n   \t\n", "{}");
  check_doc ("\xef\xbb\xbf"
             "a = 1",
             "{\"a\":1}");
}

static void
test_scalars (void **state)
{
  check_doc ("a = 1\nb = -42\nc = +7\nd = 1_000_000\n", "{\"a\":1,\"b\":-42,\"c\":7,\"d\":1000000}");
  check_doc ("h = 0xff\no = 0o755\nb = 0b1010\n", "{\"h\":255,\"o\":493,\"b\":10}");
  check_doc ("t = true\nf = false", "{\"t\":true,\"f\":false}");
  check_doc ("x = 9223372036854775807", "{\"x\":9223372036854775807}");
  check_doc ("x = -9223372036854775808", "{\"x\":-9223372036854775808}");
}

static void
test_floats (void **state)
{
  _cleanup_error_ galley_error_t err = NULL;
  _cleanup_json_ json_object *doc = NULL;
  const char *text = "a = 1.5\nb = -0.25\nc = 5e3\nd = 6.25E-2\ne = 1_0.0_1\nf = inf\ng = -inf\nh = nan\n";
  json_object *v;

  assert_int_equal (toml_parse_string (text, strlen (text), NULL, &doc, &err), 0);
  assert_true (json_object_object_get_ex (doc, "a", &v));
  assert_true (json_object_is_type (v, json_type_double));
  assert_true (json_object_get_double (v) == 1.5);
  json_object_object_get_ex (doc, "b", &v);
  assert_true (json_object_get_double (v) == -0.25);
  json_object_object_get_ex (doc, "c", &v);
  assert_true (json_object_get_double (v) == 5000.0);
  json_object_object_get_ex (doc, "d", &v);
  assert_true (json_object_get_double (v) == 0.0625);
  json_object_object_get_ex (doc, "e", &v);
  assert_true (json_object_get_double (v) == 10.01);
  json_object_object_get_ex (doc, "f", &v);
  assert_true (json_object_get_double (v) > 1e308);
  json_object_object_get_ex (doc, "g", &v);
  assert_true (json_object_get_double (v) < -1e308);
  json_object_object_get_ex (doc, "h", &v);
  assert_true (json_object_get_double (v) != json_object_get_double (v));
}

static void
test_strings (void **state)
{
  check_doc ("s = \"hello world\"", "{\"s\":\"hello world\"}");
  check_doc ("s = \"tab\\there\\nnl \\\"q\\\" \\\\ \\b\\f\\r\"",
             "{\"s\":\"tab\\there\\nnl \\\"q\\\" \\\\ \\b\\f\\r\"}");
  check_doc ("s = \"\\u00e9\\U0001F600\"", "{\"s\":\"\xc3\xa9\xf0\x9f\x98\x80\"}");
  check_doc ("s = 'C:\\path\\no\\escapes'", "{\"s\":\"C:\\\\path\\\\no\\\\escapes\"}");
  check_doc ("s = \"\"", "{\"s\":\"\"}");
  check_doc ("s = ''", "{\"s\":\"\"}");
  check_doc ("s = \"a # not a comment\" # a comment", "{\"s\":\"a # not a comment\"}");
  check_doc ("s = \"/usr/libexec\"", "{\"s\":\"/usr/libexec\"}");
}

static void
test_multiline_strings (void **state)
{
  check_doc ("s = \"\"\"\nline1\nline2\"\"\"", "{\"s\":\"line1\\nline2\"}");
  check_doc ("s = \"\"\"one \\\n    two \\\n\n   three\"\"\"", "{\"s\":\"one two three\"}");
  check_doc ("s = '''\nraw \\n stays\n'''", "{\"s\":\"raw \\\\n stays\\n\"}");
  check_doc ("s = \"\"\"a \"quoted\" \"\" word\"\"\"", "{\"s\":\"a \\\"quoted\\\" \\\"\\\" word\"}");
  check_doc ("s = \"\"\"ends with quotes\"\"\"\"\"", "{\"s\":\"ends with quotes\\\"\\\"\"}");
  check_doc ("s = '''it's'''", "{\"s\":\"it's\"}");
  check_doc ("s = \"\"\"\r\nwin\r\ndows\"\"\"\r\n", "{\"s\":\"win\\ndows\"}");
}

static void
test_keys (void **state)
{
  check_doc ("bare_key-1 = 1\n\"quoted key\" = 2\n'lit' = 3\n1234 = 4",
             "{\"bare_key-1\":1,\"quoted key\":2,\"lit\":3,\"1234\":4}");
  check_doc ("a.b.c = 1\na.b.d = 2\na . e = 3", "{\"a\":{\"b\":{\"c\":1,\"d\":2},\"e\":3}}");
  check_doc ("\"a.b\" = 1", "{\"a.b\":1}");
  check_doc ("site.\"google.com\" = true", "{\"site\":{\"google.com\":true}}");
  check_doc ("\"\" = 1", "{\"\":1}");
}

static void
test_tables (void **state)
{
  check_doc ("top = 1\n[a]\nx = 1\n[b]\ny = \"z\"\n", "{\"top\":1,\"a\":{\"x\":1},\"b\":{\"y\":\"z\"}}");
  check_doc ("[a.b.c]\nx = 1\n[a]\ny = 2\n", "{\"a\":{\"b\":{\"c\":{\"x\":1}},\"y\":2}}");
  check_doc ("[ a . \"b c\" ]  # comment\nx = 1", "{\"a\":{\"b c\":{\"x\":1}}}");
  check_doc ("[a]\n[a.b]\n[a.c]\n", "{\"a\":{\"b\":{},\"c\":{}}}");
  check_doc ("[fruit]\napple.color = \"red\"\n[fruit.apple.texture]\nsmooth = true\n",
             "{\"fruit\":{\"apple\":{\"color\":\"red\",\"texture\":{\"smooth\":true}}}}");
}

static void
test_arrays_of_tables (void **state)
{
  check_doc ("[[registry]]\nprefix = \"a\"\n[[registry.mirror]]\nlocation = \"m1\"\n"
             "[[registry.mirror]]\nlocation = \"m2\"\n[[registry]]\nprefix = \"b\"\n",
             "{\"registry\":[{\"prefix\":\"a\",\"mirror\":[{\"location\":\"m1\"},{\"location\":\"m2\"}]},"
             "{\"prefix\":\"b\"}]}");
  check_doc ("[[a]]\n[a.sub]\nx = 1\n[[a]]\n[a.sub]\nx = 2\n",
             "{\"a\":[{\"sub\":{\"x\":1}},{\"sub\":{\"x\":2}}]}");
}

static void
test_arrays (void **state)
{
  check_doc ("a = []\nb = [1, 2, 3]\nc = [\"x\", 'y']", "{\"a\":[],\"b\":[1,2,3],\"c\":[\"x\",\"y\"]}");
  check_doc ("a = [\n  \"one\",  # first\n  # a comment line\n  \"two\",\n]\n", "{\"a\":[\"one\",\"two\"]}");
  check_doc ("a = [[1, 2], [\"x\"], []]", "{\"a\":[[1,2],[\"x\"],[]]}");
  check_doc ("a = [1, \"mixed\", true, {x = 1}]", "{\"a\":[1,\"mixed\",true,{\"x\":1}]}");
  check_doc ("default_ulimits = [\n \"nofile=1280:2560\",\n]",
             "{\"default_ulimits\":[\"nofile=1280:2560\"]}");
}

static void
test_inline_tables (void **state)
{
  check_doc ("p = {x = 1, y = \"two\"}", "{\"p\":{\"x\":1,\"y\":\"two\"}}");
  check_doc ("p = {}", "{\"p\":{}}");
  check_doc ("p = { a.b = 1, a.c = 2 }", "{\"p\":{\"a\":{\"b\":1,\"c\":2}}}");
  check_doc ("p = { n = { m = [1] } }", "{\"p\":{\"n\":{\"m\":[1]}}}");
  check_doc ("p = {\n  x = 1,\n  y = 2,\n}", "{\"p\":{\"x\":1,\"y\":2}}");
}

static void
test_dates (void **state)
{
  check_doc ("d = 1979-05-27T07:32:00Z\ne = 1979-05-27\nf = 07:32:00\ng = 1979-05-27 07:32:00.999-07:00",
             "{\"d\":\"1979-05-27T07:32:00Z\",\"e\":\"1979-05-27\",\"f\":\"07:32:00\","
             "\"g\":\"1979-05-27 07:32:00.999-07:00\"}");
}

static void
test_registries_conf (void **state)
{
  const char *text = "# registries.conf as podman users write it\n"
                     "unqualified-search-registries = [\"docker.io\", \"quay.io\"]\n"
                     "short-name-mode = \"enforcing\"\n"
                     "\n"
                     "[aliases]\n"
                     "\"fedora\" = \"registry.fedoraproject.org/fedora\"\n"
                     "\n"
                     "[[registry]]\n"
                     "prefix = \"example.com/foo\"\n"
                     "insecure = false\n"
                     "blocked = false\n"
                     "location = \"internal.example.com/bar\"\n"
                     "\n"
                     "[[registry.mirror]]\n"
                     "location = \"mirror-1.example.com/bar\"\n"
                     "insecure = true\n";
  check_doc (text, "{\"unqualified-search-registries\":[\"docker.io\",\"quay.io\"],"
                   "\"short-name-mode\":\"enforcing\","
                   "\"aliases\":{\"fedora\":\"registry.fedoraproject.org/fedora\"},"
                   "\"registry\":[{\"prefix\":\"example.com/foo\",\"insecure\":false,"
                   "\"blocked\":false,\"location\":\"internal.example.com/bar\","
                   "\"mirror\":[{\"location\":\"mirror-1.example.com/bar\",\"insecure\":true}]}]}");
}

static void
test_errors_keys (void **state)
{
  check_error ("a = 1\na = 2", "t.conf:2: duplicate key \"a\"");
  check_error ("[x]\na.b = 1\n\na.b = 2", "t.conf:4: duplicate key \"a.b\"");
  check_error ("a = 1\na.b = 2", "t.conf:2: cannot add key \"a.b\": \"a\" is already defined");
  check_error ("a\n", "t.conf:1: missing '=' after key \"a\"");
  check_error ("a b = 1", "t.conf:1: missing '=' after key \"a\"");
  check_error ("= 1", "t.conf:1: invalid character '=' in key");
  check_error ("a. = 1", "t.conf:1: invalid character '=' in key");
  check_error ("a = ", "t.conf:1: missing value");
  check_error ("a = # nothing\n", "t.conf:1: missing value");
  check_error ("\"x\\ny\" 1", "t.conf:1: missing '=' after key \"x\\x0ay\"");
  check_error ("\"\"\"k\"\"\" = 1", "t.conf:1: multi-line strings cannot be keys");
  check_error ("k = 1 2", "t.conf:1: unexpected '2' after value, expected end of line");
  check_error ("\n\nk = \"v\" x", "t.conf:3: unexpected 'x' after value, expected end of line");
}

static void
test_errors_strings (void **state)
{
  check_error ("a = \"abc", "t.conf:1: unterminated string");
  check_error ("a = \"abc\nb = 1", "t.conf:1: unterminated string");
  check_error ("x = 1\na = 'abc", "t.conf:2: unterminated string");
  check_error ("\na = \"\"\"abc\n\ndef", "t.conf:2: unterminated multi-line string");
  check_error ("a = '''abc", "t.conf:1: unterminated multi-line string");
  check_error ("a = \"bad \\q escape\"", "t.conf:1: invalid escape sequence \"\\q\" in string");
  check_error ("a = \"\\u12\"", "t.conf:1: invalid escape sequence: \\u needs 4 hex digits");
  check_error ("a = \"\\uD800\"", "t.conf:1: invalid escape sequence: U+D800 is not a Unicode scalar value");
  check_error ("a = \"\\U00110000\"",
               "t.conf:1: invalid escape sequence: U+110000 is not a Unicode scalar value");
  check_error ("a = \"ctl\x01\"", "t.conf:1: control character 0x01 in string");
  check_error ("a = \"\"\"x\"\"\"\"\"\"", "t.conf:1: too many quotes closing multi-line string");
}

static void
test_errors_values (void **state)
{
  check_error ("a = tru", "t.conf:1: invalid value \"tru\"");
  check_error ("a = trueish", "t.conf:1: invalid value \"trueish\"");
  check_error ("a = 01", "t.conf:1: invalid value \"01\"");
  check_error ("a = 1__0", "t.conf:1: invalid value \"1__0\"");
  check_error ("a = _1", "t.conf:1: invalid value \"_1\"");
  check_error ("a = 1.", "t.conf:1: invalid value \"1.\"");
  check_error ("a = .5", "t.conf:1: invalid value \".5\"");
  check_error ("a = 0xZZ", "t.conf:1: invalid number \"0xZZ\"");
  check_error ("a = 99999999999999999999", "t.conf:1: integer \"99999999999999999999\" out of range");
  check_error ("a = bare", "t.conf:1: invalid value \"bare\"");
  check_error ("a = ,", "t.conf:1: expected a value, found ','");
}

static void
test_errors_arrays (void **state)
{
  check_error ("a = [1, 2", "t.conf:1: unterminated array");
  check_error ("a = [\n1,\n2\n", "t.conf:1: unterminated array");
  check_error ("a = [1 2]", "t.conf:1: expected ',' or ']' in array, found '2'");
  check_error ("a = [1,,2]", "t.conf:1: expected a value, found ','");
  check_error ("a = {x = 1", "t.conf:1: unterminated inline table");
  check_error ("a = {x = 1 y = 2}", "t.conf:1: expected ',' or '}' in inline table, found 'y'");
  check_error ("a = {x = 1, x = 2}", "t.conf:1: duplicate key \"x\"");
  check_error ("a = {x = 1}\n[a]", "t.conf:2: redefinition of table [a]");
  check_error ("a = {x = 1}\n[a.b]", "t.conf:2: cannot define table under \"a\": it is not a table");
  check_error ("a = {x = 1}\na.y = 2", "t.conf:2: cannot add key \"a.y\": \"a\" is already defined");
  check_error ("a = [1]\n[[a]]", "t.conf:2: cannot define array of tables [[a]]: key already defined");
}

static void
test_errors_tables (void **state)
{
  check_error ("[a]\nx = 1\n[b]\n[a]\n", "t.conf:4: redefinition of table [a]");
  check_error ("[a.b]\n[a]\n[a]\n", "t.conf:3: redefinition of table [a]");
  check_error ("[a]\nb = 1\n[a.b]\n", "t.conf:3: cannot define table [a.b]: key already has a value");
  check_error ("[a]\nb.c = 1\n[a.b]\n", "t.conf:3: redefinition of table [a.b]");
  check_error ("[a.b]\nc = 1\n[a]\nb.d = 2\n", "t.conf:4: cannot add key \"b.d\": \"b\" is already defined");
  check_error ("[[a]]\n[a]\n", "t.conf:2: redefinition of table [a]");
  check_error ("[a]\n[[a]]\n", "t.conf:2: cannot define array of tables [[a]]: key already defined");
  check_error ("[a\nx = 1", "t.conf:1: expected ']' to close the table header");
  check_error ("[[a]\n", "t.conf:1: expected ']]' to close the table header");
  check_error ("[a] x = 1", "t.conf:1: unexpected 'x' after table header, expected end of line");
  check_error ("[]", "t.conf:1: invalid character ']' in key");
}

static void
test_errors_misc (void **state)
{
  _cleanup_error_ galley_error_t err = NULL;
  json_object *doc = NULL;
  char deep[400];

  /* NUL bytes are reported with their line.  */
  assert_int_equal (toml_parse_string ("a = 1\nb\0 = 2", 12, "n.conf", &doc, &err), -1);
  assert_string_equal (err->msg, "n.conf:2: NUL character in file");
  galley_error_release (&err);

  memset (deep, '[', sizeof deep);
  memcpy (deep, "a = ", 4);
  assert_int_equal (toml_parse_string (deep, sizeof deep, "d.conf", &doc, &err), -1);
  assert_string_equal (err->msg, "d.conf:1: arrays and inline tables nested too deeply");
  galley_error_release (&err);

  assert_int_equal (toml_parse_string ("a = \"x", 6, NULL, &doc, &err), -1);
  assert_string_equal (err->msg, "<string>:1: unterminated string");
  check_error ("a = \"x\"\r\r\n", "t.conf:1: unexpected 0x0d after value, expected end of line");
}

static void
test_parse_file (void **state)
{
  _cleanup_error_ galley_error_t err = NULL;
  _cleanup_json_ json_object *doc = NULL;
  char path[] = "/tmp/test-toml-XXXXXX";
  const char *text = "[engine]\nx = 1\ny = \n";
  int fd = mkstemp (path);

  assert_true (fd >= 0);
  assert_int_equal (write (fd, text, strlen (text)), (int)strlen (text));
  close (fd);
  assert_int_equal (toml_parse_file (path, &doc, &err), -1);
  {
    char expected[128];
    snprintf (expected, sizeof expected, "%s:3: missing value", path);
    assert_string_equal (err->msg, expected);
  }
  galley_error_release (&err);
  unlink (path);
  assert_int_equal (toml_parse_file (path, &doc, &err), -1);
  assert_int_equal (galley_error_errno (&err), ENOENT);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_empty),
    cmocka_unit_test (test_scalars),
    cmocka_unit_test (test_floats),
    cmocka_unit_test (test_strings),
    cmocka_unit_test (test_multiline_strings),
    cmocka_unit_test (test_keys),
    cmocka_unit_test (test_tables),
    cmocka_unit_test (test_arrays_of_tables),
    cmocka_unit_test (test_arrays),
    cmocka_unit_test (test_inline_tables),
    cmocka_unit_test (test_dates),
    cmocka_unit_test (test_registries_conf),
    cmocka_unit_test (test_errors_keys),
    cmocka_unit_test (test_errors_strings),
    cmocka_unit_test (test_errors_values),
    cmocka_unit_test (test_errors_arrays),
    cmocka_unit_test (test_errors_tables),
    cmocka_unit_test (test_errors_misc),
    cmocka_unit_test (test_parse_file),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
