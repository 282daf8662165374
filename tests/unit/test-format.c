/* Unit tests for format_print (src/util/format.c): JSON as podman indents
 * it, plain templates, and tables aligned like podman's Go tabwriter.  The
 * expected tables were checked against `podman images` / `podman ps` output.  */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/cleanup.h"
#include "util/format.h"
#include "util/json.h"

#define IMAGES                                                                          \
  "[{\"Repository\": \"localhost/x\", \"Tag\": \"latest\", \"ID\": \"d5d785d08dd7\","   \
  "  \"Size\": \"1.99 MB\", \"Names\": [\"a\", \"b\"], \"CreatedAt\": \"2026-11-28\"}," \
  " {\"Repository\": \"localhost/averyveryverylongname/busybox\", \"Tag\": \"v1\","     \
  "  \"ID\": \"24649dce3479\", \"Size\": \"1.99 MB\", \"Names\": [], \"CreatedAt\": \"2026-11-27\"}]"

static char *
print_ex (const char *format, const char *default_format, const char *items_json, const char *headers_json,
          bool noheading, char **msg)
{
  _cleanup_error_ galley_error_t err = NULL;
  _cleanup_json_ json_object *items = NULL;
  _cleanup_json_ json_object *headers = NULL;
  char *buf = NULL;
  size_t len = 0;
  FILE *f;
  int ret;

  *msg = NULL;
  assert_int_equal (json_parse_strict (items_json, strlen (items_json), "items", &items, &err), 0);
  if (headers_json)
    assert_int_equal (json_parse_strict (headers_json, strlen (headers_json), "headers", &headers, &err), 0);
  f = open_memstream (&buf, &len);
  assert_non_null (f);
  ret = format_print (f, format, default_format, items, headers, noheading, &err);
  fclose (f);
  if (ret < 0)
    {
      *msg = strdup (err->msg);
      free (buf);
      return NULL;
    }
  return buf;
}

static void
check_full (const char *format, const char *default_format, const char *items, const char *headers,
            bool noheading, const char *expected)
{
  _cleanup_free_ char *msg = NULL;
  _cleanup_free_ char *out = print_ex (format, default_format, items, headers, noheading, &msg);

  if (out == NULL)
    fail_msg ("format <<%s>> failed: %s", format, msg);
  if (strcmp (out, expected) != 0)
    fail_msg ("format <<%s>>:\n--- got\n%s--- expected\n%s---", format, out, expected);
}

static void
check (const char *format, const char *items, const char *expected)
{
  check_full (format, NULL, items, NULL, false, expected);
}

static void
test_json_output (void **state)
{
  check ("json",
         "[{\"Id\": \"abc\", \"Names\": [\"a\", \"b\"], \"Labels\": {}, \"Ports\": [],"
         " \"Size\": 12, \"Path\": \"/usr/bin\", \"Null\": null, \"Nested\": {\"x\": true}}]",
         "[\n"
         "    {\n"
         "        \"Id\": \"abc\",\n"
         "        \"Names\": [\n"
         "            \"a\",\n"
         "            \"b\"\n"
         "        ],\n"
         "        \"Labels\": {},\n"
         "        \"Ports\": [],\n"
         "        \"Size\": 12,\n"
         "        \"Path\": \"/usr/bin\",\n"
         "        \"Null\": null,\n"
         "        \"Nested\": {\n"
         "            \"x\": true\n"
         "        }\n"
         "    }\n"
         "]\n");
  check ("json", "[]", "[]\n");
  check ("json", "{\"a\": \"q\\\"uote\"}", "{\n    \"a\": \"q\\\"uote\"\n}\n");
  check ("{{json .}}", "{\"a\": 1}", "{\n    \"a\": 1\n}\n");
  check (" {{ json }} ", "{\"a\": 1}", "{\n    \"a\": 1\n}\n");
  check_full (NULL, "json", "{\"a\": 1}", NULL, false, "{\n    \"a\": 1\n}\n");
  check_full (NULL, NULL, "[1]", NULL, false, "[\n    1\n]\n");
}

static void
test_json_indents (void **state)
{
  _cleanup_error_ galley_error_t err = NULL;
  _cleanup_json_ json_object *v = NULL;
  const char *text = "{\"a\": [1, {\"b\": null}], \"c\": {}, \"d\": \"x/y\"}";
  char *buf = NULL;
  size_t len = 0;
  FILE *f;

  assert_int_equal (json_parse_strict (text, strlen (text), "v", &v, &err), 0);
  f = open_memstream (&buf, &len);
  format_print_json (f, v, 0);
  format_print_json (f, v, 2);
  format_print_json (f, v, 5);
  fclose (f);
  assert_string_equal (buf, "{\"a\":[1,{\"b\":null}],\"c\":{},\"d\":\"x/y\"}\n"
                            "{\n  \"a\": [\n    1,\n    {\n      \"b\": null\n    }\n  ],\n"
                            "  \"c\": {},\n  \"d\": \"x/y\"\n}\n"
                            "{\n     \"a\": [\n          1,\n          {\n               \"b\": null\n"
                            "          }\n     ],\n     \"c\": {},\n     \"d\": \"x/y\"\n}\n");
  free (buf);
}

static void
test_format_is_json (void **state)
{
  assert_true (format_is_json ("json"));
  assert_true (format_is_json ("{{json .}}"));
  assert_true (format_is_json ("{{ json . }}"));
  assert_false (format_is_json ("{{json .Names}}"));
  assert_false (format_is_json ("JSON"));
  assert_false (format_is_json ("table json"));
  assert_false (format_is_json (NULL));
}

static void
test_plain_template (void **state)
{
  check ("{{.ID}}", IMAGES, "d5d785d08dd7\n24649dce3479\n");
  check ("{{.ID}}\\n", IMAGES, "d5d785d08dd7\n24649dce3479\n");
  check ("{{.Repository}}\\t{{.Tag}}", IMAGES,
         "localhost/x\tlatest\nlocalhost/averyveryverylongname/busybox\tv1\n");
  check ("{{range .}}{{.Tag}},{{end}}", IMAGES, "latest,v1,\n");
  check ("{{.Client.Version}}", "{\"Client\": {\"Version\": \"1.0\"}}", "1.0\n");
  check ("{{.Names | join \",\"}}", IMAGES, "a,b\n\n");
  check ("{{.Nope}}", "[{}]", "<no value>\n");
  /* \t and \n inside actions too, as podman's NormalizeFormat ...  */
  check ("{{.Tag}}{{\"\\t\"}}", IMAGES, "latest\t\nv1\t\n");
  check ("{{printf `%s\\t` .Tag}}", IMAGES, "latest\t\nv1\t\n");
  /* ... unless that breaks the template: then it is taken as written.  */
  check ("{{.Tag}}{{\"\\n\"}}", IMAGES, "latest\nv1\n");
  check ("{{\"\\n\"}}", "[{}]", "\n");
  check ("{{.Tag}}{{\"\\n\"}}\\t", IMAGES, "latest\n\\tv1\n\\t");
  check ("{{.Tag}}{{\"\\\\t\"}}", IMAGES, "latest\\tv1\\t");
}

static void
test_table (void **state)
{
  /* podman images --format 'table {{.Repository}}\t{{.Tag}}\t{{.ID}}' */
  check_full ("table {{.Repository}}\\t{{.Tag}}\\t{{.ID}}", NULL, IMAGES, "{\"ID\": \"IMAGE ID\"}", false,
              "REPOSITORY                               TAG         IMAGE ID\n"
              "localhost/x                              latest      d5d785d08dd7\n"
              "localhost/averyveryverylongname/busybox  v1          24649dce3479\n");
  /* Blanks separate columns in a table format, as in podman.  */
  check ("table {{.Repository}} {{.Tag}} {{.Size}}|", IMAGES,
         "REPOSITORY                               TAG         SIZE|\n"
         "localhost/x                              latest      1.99 MB|\n"
         "localhost/averyveryverylongname/busybox  v1          1.99 MB|\n");
  check_full ("table {{.ID}}\\t{{.Tag}}", NULL, IMAGES, NULL, true,
              "d5d785d08dd7  latest\n"
              "24649dce3479  v1\n");
  /* An empty list prints the header only.  */
  check_full ("table {{.ID}}\\t{{.Image}}\\t{{.Command}}", NULL, "[]", "{\"ID\": \"CONTAINER ID\"}", false,
              "CONTAINER ID  IMAGE       COMMAND\n");
  check_full ("table {{.ID}}", NULL, "[]", NULL, true, "");
}

static void
test_table_headers (void **state)
{
  check ("table {{.CreatedAt}}\\t{{.ID | truncate 4}}\\t{{json .Names}}\\t{{.Names | join \",\"}}", IMAGES,
         "CREATED AT  ID          NAMES       NAMES\n"
         "2026-11-28  d5d7        [\"a\",\"b\"]   a,b\n"
         "2026-11-27  2464        []          \n");
  check ("table {{.Repository | upper}}:{{\"lit\"}}\\t{{if .Tag}}{{.Tag}}{{end}}", IMAGES,
         "REPOSITORY:lit                               TAG\n"
         "LOCALHOST/X:lit                              latest\n"
         "LOCALHOST/AVERYVERYVERYLONGNAME/BUSYBOX:lit  v1\n");
  check_full ("table {{.Host.Kernel}}\\t{{.IPAddress}}\\t{{.Host2}}", NULL, "{}",
              "{\"Kernel\": \"KERNEL VERSION\"}", false,
              "KERNEL VERSION  IP ADDRESS  HOST 2\n"
              "<no value>      <no value>  <no value>\n");
}

static void
test_table_default (void **state)
{
  check_full ("table", "table {{.ID}}\\t{{.Tag}}", IMAGES, NULL, false,
              "ID            TAG\nd5d785d08dd7  latest\n24649dce3479  v1\n");
  check_full ("table", "{{.ID}}\\t{{.Tag}}", IMAGES, NULL, false,
              "ID            TAG\nd5d785d08dd7  latest\n24649dce3479  v1\n");
  check_full (NULL, "table {{.Tag}}\\t{{.ID}}", IMAGES, NULL, false,
              "TAG         ID\nlatest      d5d785d08dd7\nv1          24649dce3479\n");
  check_full ("", "{{.Tag}}", IMAGES, NULL, false, "latest\nv1\n");
}

static void
test_tabwriter_rules (void **state)
{
  /* Width is counted in characters, not bytes.  */
  check ("table {{.A}}\\t{{.B}}",
         "[{\"A\": \"\xc3\xa9t\xc3\xa9\", \"B\": 1}, {\"A\": \"abcdefghijkl\", \"B\": 2}]",
         "A             B\n"
         "\xc3\xa9t\xc3\xa9           1\n"
         "abcdefghijkl  2\n");
  /* A line without a tab ends a column block (text/tabwriter's rule).  */
  check ("table {{.A}}\\t{{.B}}\\n{{.C}}",
         "[{\"A\": \"x\", \"B\": \"y\", \"C\": \"a-long-long-line\"},"
         " {\"A\": \"averyverylongcell\", \"B\": \"z\", \"C\": \"c\"}]",
         "A           B\n"
         "C\n"
         "x           y\n"
         "a-long-long-line\n"
         "averyverylongcell  z\n"
         "c\n");
  /* A trailing tab pads the last column too.  */
  check ("table {{.A}}\\t", "[{\"A\": \"x\"}]", "A           \nx           \n");
}

static void
test_errors (void **state)
{
  _cleanup_free_ char *msg = NULL;
  _cleanup_free_ char *out = print_ex ("table {{.A}", NULL, "[]", NULL, false, &msg);

  assert_null (out);
  assert_string_equal (msg, "template: format:1:5: unexpected \"}\" in operand");
  free (msg);
  out = print_ex ("{{.A.B}}", NULL, "[{\"A\": 1}]", NULL, false, &msg);
  assert_null (out);
  assert_string_equal (msg, "template: format:1:3: can't evaluate field B in type int64");
}

static bool
stream_uses (const char *format, const char *name)
{
  _cleanup_error_ galley_error_t err = NULL;
  struct format_stream *s = format_stream_new (stdout, format, "table {{.ID}}", NULL, false, &err);
  bool used;

  if (s == NULL)
    fail_msg ("%s: %s", format, err->msg);
  used = format_stream_uses (s, name);
  format_stream_abort (s);
  return used;
}

/* The fields a listing may skip: never one the output shows.  */
static void
test_stream_uses (void **state)
{
  assert_true (stream_uses ("json", "Labels"));
  assert_true (stream_uses ("{{range .}}{{.ID}}{{end}}", "Labels"));
  assert_true (stream_uses ("{{json .}}", "Labels"));
  assert_true (stream_uses ("{{ . }}", "Labels"));
  assert_true (stream_uses ("table {{.ID}}\t{{.Labels.a}}", "Labels"));
  assert_true (stream_uses ("{{index .Labels \"a\"}}", "Labels"));
  assert_true (stream_uses ("{{.ImageID}}", "Image")); /* a prefix: a harmless yes */
  assert_true (stream_uses ("", "ID"));                /* the default format */
  assert_false (stream_uses ("", "Labels"));
  assert_false (stream_uses ("table {{.ID}}\t{{.Names}}", "Labels"));
  assert_false (stream_uses ("{{.Names}} {{printf \"%.2f\" .Size}}", "Labels"));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_json_output),    cmocka_unit_test (test_json_indents),
    cmocka_unit_test (test_format_is_json), cmocka_unit_test (test_plain_template),
    cmocka_unit_test (test_table),          cmocka_unit_test (test_table_headers),
    cmocka_unit_test (test_table_default),  cmocka_unit_test (test_tabwriter_rules),
    cmocka_unit_test (test_errors),         cmocka_unit_test (test_stream_uses),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
