/* Unit tests for the Go-template subset (src/util/template*.c).  */
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
#include "util/json.h"
#include "util/template.h"

#define DATA                                                                                  \
  "{\"ID\": \"4f2a9c1b7d3e\", \"Names\": [\"web\", \"db\"], \"Empty\": [], \"Zero\": 0,"      \
  " \"Num\": 42, \"Neg\": -7, \"Float\": 1.5, \"Big\": 1000000.0, \"Tiny\": 0.00001,"         \
  " \"T\": true, \"F\": false, \"Null\": null, \"Str\": \"Hello World\", \"EmptyStr\": \"\"," \
  " \"host\": {\"kernel\": \"6.1.0\", \"os\": \"linux\"},"                                    \
  " \"Labels\": {\"b\": \"2\", \"a\": \"1\"}, \"EmptyMap\": {},"                              \
  " \"Ports\": [{\"host\": 8080, \"proto\": \"tcp\"}, {\"host\": 53, \"proto\": \"udp\"}],"   \
  " \"Path\": \"/usr/bin\", \"Case\": \"upper\", \"case\": \"lower\"}"

/* Render text against data (JSON) and return the output (caller frees), or
 * NULL with *msg set to the error.  */
static char *
render (const char *text, const char *data_json, char **msg)
{
  _cleanup_error_ galley_error_t err = NULL;
  _cleanup_json_ json_object *data = NULL;
  struct template *t = NULL;
  char *buf = NULL;
  size_t len = 0;
  FILE *f;
  int ret;

  *msg = NULL;
  if (data_json)
    {
      assert_int_equal (json_parse_strict (data_json, strlen (data_json), "data", &data, &err), 0);
    }
  if (template_parse (text, &t, &err) < 0)
    {
      *msg = strdup (err->msg);
      return NULL;
    }
  f = open_memstream (&buf, &len);
  assert_non_null (f);
  ret = template_render (t, data, f, &err);
  fclose (f);
  template_free (t);
  if (ret < 0)
    {
      *msg = strdup (err->msg);
      free (buf);
      return NULL;
    }
  return buf;
}

static void
check (const char *text, const char *data, const char *expected)
{
  _cleanup_free_ char *msg = NULL;
  _cleanup_free_ char *out = render (text, data, &msg);

  if (out == NULL)
    fail_msg ("template <<%s>> failed: %s", text, msg);
  if (strcmp (out, expected) != 0)
    fail_msg ("template <<%s>>: got <<%s>>, expected <<%s>>", text, out, expected);
}

static void
check_error (const char *text, const char *data, const char *expected)
{
  _cleanup_free_ char *msg = NULL;
  _cleanup_free_ char *out = render (text, data, &msg);

  if (out != NULL)
    fail_msg ("template <<%s>> should fail, rendered <<%s>>", text, out);
  assert_string_equal (msg, expected);
}

static void
test_fields (void **state)
{
  check ("{{.ID}}", DATA, "4f2a9c1b7d3e");
  check ("id={{.ID}} n={{.Num}}", DATA, "id=4f2a9c1b7d3e n=42");
  check ("{{.host.kernel}}", DATA, "6.1.0");
  check ("{{.Host.Kernel}}", DATA, "6.1.0");
  check ("{{.HOST.OS}}", DATA, "linux");
  check ("{{.Case}} {{.case}}", DATA, "upper lower");
  check ("{{.Missing}}", DATA, "<no value>");
  check ("{{.Missing.Deeper}}", DATA, "<no value>");
  check ("{{.Null}}", DATA, "<nil>");
  check ("plain text only", DATA, "plain text only");
  check ("", DATA, "");
}

static void
test_value_printing (void **state)
{
  check ("{{.Names}}", DATA, "[web db]");
  check ("{{.Empty}}", DATA, "[]");
  check ("{{.Labels}}", DATA, "map[a:1 b:2]");
  check ("{{.EmptyMap}}", DATA, "map[]");
  check ("{{.Ports}}", DATA, "[map[host:8080 proto:tcp] map[host:53 proto:udp]]");
  check ("{{.T}} {{.F}}", DATA, "true false");
  check ("{{.Neg}} {{.Float}}", DATA, "-7 1.5");
  check ("{{.Big}} {{.Tiny}}", DATA, "1e+06 1e-05");
  check ("{{.}}", "[1, \"a\", null, [true]]", "[1 a <nil> [true]]");
  check ("{{.}}", "\"just a string\"", "just a string");
  check ("{{.a}} {{.b}} {{.c}} {{.d}} {{.e}}",
         "{\"a\": 123456.0, \"b\": 1234567.0, \"c\": 0.0001, \"d\": 0.1, \"e\": 2.5e-10}",
         "123456 1.234567e+06 0.0001 0.1 2.5e-10");
}

static void
test_json (void **state)
{
  check ("{{json .Names}}", DATA, "[\"web\",\"db\"]");
  check ("{{json .host}}", DATA, "{\"kernel\":\"6.1.0\",\"os\":\"linux\"}");
  check ("{{json .Path}}", DATA, "\"/usr/bin\"");
  check ("{{json .Missing}}", DATA, "null");
  check ("{{json .Num}}", DATA, "42");
  check ("{{.Labels | json}}", DATA, "{\"b\":\"2\",\"a\":\"1\"}");
}

static void
test_range (void **state)
{
  check ("{{range .Names}}[{{.}}]{{end}}", DATA, "[web][db]");
  check ("{{range .Ports}}{{.host}}/{{.proto}} {{end}}", DATA, "8080/tcp 53/udp ");
  check ("{{range .Empty}}x{{else}}none{{end}}", DATA, "none");
  check ("{{range .Missing}}x{{else}}none{{end}}", DATA, "none");
  check ("{{range .Labels}}{{.}},{{end}}", DATA, "1,2,");
  check ("{{range .}}<{{.}}>{{end}}", "[1, 2, 3]", "<1><2><3>");
}

static void
test_if_with (void **state)
{
  check ("{{if .T}}yes{{end}}", DATA, "yes");
  check ("{{if .F}}yes{{else}}no{{end}}", DATA, "no");
  check ("{{if .Zero}}y{{else}}n{{end}}{{if .Num}}y{{else}}n{{end}}", DATA, "ny");
  check ("{{if .EmptyStr}}y{{else}}n{{end}}{{if .Str}}y{{else}}n{{end}}", DATA, "ny");
  check ("{{if .Empty}}y{{else}}n{{end}}{{if .Names}}y{{else}}n{{end}}", DATA, "ny");
  check ("{{if .EmptyMap}}y{{else}}n{{end}}{{if .Labels}}y{{else}}n{{end}}", DATA, "ny");
  check ("{{if .Missing}}y{{else}}n{{end}}{{if .Null}}y{{else}}n{{end}}", DATA, "nn");
  check ("{{if .F}}a{{else if .Zero}}b{{else if .Num}}c{{else}}d{{end}}", DATA, "c");
  check ("{{if .F}}a{{else if .Zero}}b{{else}}d{{end}}", DATA, "d");
  check ("{{with .host}}{{.kernel}}{{end}}", DATA, "6.1.0");
  check ("{{with .Missing}}x{{else}}nothing{{end}}", DATA, "nothing");
  check ("{{if and .T .Num}}both{{end}}{{if or .F .Zero}}x{{else}}neither{{end}}", DATA, "bothneither");
  check ("{{if not .F}}not{{end}}", DATA, "not");
}

static void
test_functions (void **state)
{
  check ("{{.Names | join \",\"}}", DATA, "web,db");
  check ("{{join .Names \", \"}}", DATA, "web, db");
  check ("{{join .Empty \",\"}}|{{join .Missing \",\"}}", DATA, "|");
  check ("{{lower .Str}} {{upper .Str}} {{.Str | upper}}", DATA, "hello world HELLO WORLD HELLO WORLD");
  check ("{{title \"hello big world\"}}", DATA, "Hello Big World");
  check ("{{truncate .ID 4}} {{.ID | truncate 6}} {{truncate .ID 100}}", DATA, "4f2a 4f2a9c 4f2a9c1b7d3e");
  check ("[{{pad .Case 1 2}}] [{{pad .EmptyStr 1 2}}] [{{.Case | pad 2 0}}]", DATA,
         "[ upper  ] [] [  upper]");
  check ("[{{pad .Case 8}}]", DATA, "[upper   ]");
  check ("{{printf \"%s-%d-%5s|%-4s|%x %q %v %%\" .Case .Num .Case .Case 255 .Case .Names}}", DATA,
         "upper-42-upper|upper|ff \"upper\" [web db] %");
  check ("{{printf \"%.2f %s\" .Float}}", DATA, "1.50 %!s(MISSING)");
  check ("{{printf \"%d\" .Str}}", DATA, "%!d(string=Hello World)");
  check ("{{printf \"%99999s|%.99999f\" .Case .Float}}", DATA, "%!(BADWIDTH)|%!(BADWIDTH)");
  check ("{{len .Names}} {{len .Str}} {{len .Labels}}", DATA, "2 11 2");
  check ("{{index .Names 1}} {{index .Labels \"a\"}} {{index .Ports 0 \"proto\"}}", DATA, "db 1 tcp");
  check ("{{range split \"a:b:c\" \":\"}}<{{.}}>{{end}}", DATA, "<a><b><c>");
  check ("{{if eq .Num 42}}eq{{end}}{{if ne .Case \"x\"}}ne{{end}}{{if eq .Case \"x\" \"upper\"}}any{{end}}",
         DATA, "eqneany");
  check ("{{if lt .Neg .Num}}lt{{end}}{{if ge .Num 42}}ge{{end}}{{if gt .Float 2}}gt{{end}}", DATA, "ltge");
  check ("{{print .Num .Neg}} {{print \"a\" \"b\"}}", DATA, "42 -7 ab");
  check ("{{println .Case}}", DATA, "upper\n");
  check ("{{upper (index .Names 1)}}", DATA, "DB");
  check ("{{(index .Ports 1).x}}", DATA, "<no value>");
}

static void
test_literals_and_text (void **state)
{
  check ("{{\"literal\"}}", DATA, "literal");
  check ("{{`raw \\n`}}", DATA, "raw \\n");
  check ("{{\"tab\\there\"}}", DATA, "tab\there");
  check ("{{\"\\u00e9\"}}", DATA, "\xc3\xa9");
  check ("{{42}} {{-3}} {{1.5}} {{true}} {{nil}}", DATA, "42 -3 1.5 true <nil>");
  check ("a\\tb\\nc", DATA, "a\tb\nc");
  check ("{{.Case}}\\t{{.Num}}\\n", DATA, "upper\t42\n");
  check ("a  {{- .Case -}}  b", DATA, "aupperb");
  check ("a\n  {{- .Case}}\n", DATA, "aupper\n");
  check ("{{/* a comment */}}x{{- /* trimmed */ -}}  y", DATA, "xy");
  check ("{{ .Case }}{{ .Num | printf \"%03d\" }}", DATA, "upper042");
  check ("{ not an action } }}", DATA, "{ not an action } }}");
}

static void
test_parse_errors (void **state)
{
  check_error ("{{.A}", NULL, "template: format:1:5: unexpected \"}\" in operand");
  check_error ("{{.A", NULL, "template: format:1:1: unclosed action");
  check_error ("x\n  {{.A}", NULL, "template: format:2:7: unexpected \"}\" in operand");
  check_error ("{{end}}", NULL, "template: format:1:1: unexpected {{end}}");
  check_error ("ok {{else}}", NULL, "template: format:1:4: unexpected {{else}}");
  check_error ("{{if .A}}x", NULL, "template: format:1:11: unexpected EOF");
  check_error ("{{range .A}}x{{else}}y", NULL, "template: format:1:23: unexpected EOF");
  check_error ("{{foo .A}}", NULL, "template: format:1:3: function \"foo\" not defined");
  check_error ("{{}}", NULL, "template: format:1:3: missing value for command");
  check_error ("{{if}}{{end}}", NULL, "template: format:1:5: missing value for if");
  check_error ("{{.A | }}", NULL, "template: format:1:8: missing value for command");
  check_error ("{{join .A}}", NULL, "template: format:1:3: wrong number of args for join: want 2 got 1");
  check_error ("{{.A | join \",\" \";\"}}", NULL,
               "template: format:1:8: wrong number of args for join: want 2 got 3");
  check_error ("{{.A .B}}", NULL, "template: format:1:3: can't give argument to non-function");
  check_error ("{{.A | .B}}", NULL, "template: format:1:8: can't give argument to non-function");
  check_error ("{{$x}}", NULL, "template: format:1:3: undefined variable \"$x\"");
  check_error ("{{$x = 1}}", NULL, "template: format:1:3: undefined variable \"$x\"");
  check_error ("{{if $x := 1}}{{end}}{{$x}}", NULL, "template: format:1:24: undefined variable \"$x\"");
  check_error ("{{with $x, $y := 1}}{{end}}", NULL, "template: format:1:10: too many declarations in with");
  check_error ("{{range $x, 1}}{{end}}", NULL, "template: format:1:13: range can only initialize variables");
  check_error ("{{break}}", NULL, "template: format:1:3: {{break}} outside {{range}}");
  check_error ("{{if 1}}{{continue}}{{end}}", NULL, "template: format:1:11: {{continue}} outside {{range}}");
  check_error ("{{range .}}{{break 1}}{{end}}", NULL, "template: format:1:20: unexpected \"1\" in {{break}}");
  check_error ("{{'ab'}}", NULL, "template: format:1:3: malformed character constant: 'ab'");
  check_error ("{{'a}}", NULL, "template: format:1:3: unterminated character constant");
  check_error ("{{\"abc}}", NULL, "template: format:1:3: unterminated quoted string");
  check_error ("{{\"\\q\"}}", NULL, "template: format:1:4: invalid escape sequence in string");
  check_error ("{{/* open", NULL, "template: format:1:1: unclosed comment");
  check_error ("{{ (upper .A }}", NULL, "template: format:1:14: unexpected \"}}\" in parenthesized pipeline");
  check_error ("{{template \"x\"}}", NULL, "template: format:1:3: {{template}} is not supported");
  check_error ("{{1x}}", NULL, "template: format:1:3: bad number syntax: \"1x\"");
  check_error ("{{.A}}{{if .B}}{{else}}{{else}}{{end}}", NULL,
               "template: format:1:24: expected end; found {{else}}");
  check_error ("{{with .A}}{{else if .B}}{{end}}", NULL,
               "template: format:1:12: {{else if}} only follows {{if}}");
}

static void
test_exec_errors (void **state)
{
  check_error ("{{.Str.Len}}", DATA, "template: format:1:3: can't evaluate field Len in type string");
  check_error ("{{range .Str}}{{end}}", DATA, "template: format:1:1: range can't iterate over string");
  check_error ("{{join .Num \",\"}}", DATA,
               "template: format:1:3: error calling join: expected a list, got int64");
  check_error ("{{truncate .Str \"x\"}}", DATA,
               "template: format:1:3: error calling truncate: expected a length, got string");
  check_error ("{{index .Names 5}}", DATA,
               "template: format:1:3: error calling index: index out of range: 5");
  check_error ("{{if lt .Str 1}}{{end}}", DATA,
               "template: format:1:6: error calling lt: incompatible types for comparison");
  check_error ("{{slice .ID 2 1}}", DATA,
               "template: format:1:3: error calling slice: invalid slice index: 2 > 1");
  check_error ("{{slice .ID 1 2 3}}", DATA,
               "template: format:1:3: error calling slice: cannot 3-index slice a string");
  check_error ("{{slice .ID 100}}", DATA,
               "template: format:1:3: error calling slice: index out of range: 100");
  check_error ("{{slice .Names -1}}", DATA,
               "template: format:1:3: error calling slice: index out of range: -1");
  check_error ("{{slice .Names \"1\"}}", DATA,
               "template: format:1:3: error calling slice: cannot index slice/array with type string");
  check_error ("{{slice .Num 1}}", DATA,
               "template: format:1:3: error calling slice: can't slice item of type int64");
  check_error ("{{slice .Missing 1}}", DATA,
               "template: format:1:3: error calling slice: slice of untyped nil");
  check_error ("{{call .ID}}", DATA, "template: format:1:3: error calling call: non-function of type string");
  check_error ("{{call .Missing}}", DATA, "template: format:1:3: error calling call: call of nil");
  check_error ("{{index .Str 99}}", DATA,
               "template: format:1:3: error calling index: index out of range: 99");
}

static void
test_go_builtins (void **state)
{
  /* slice, as distrobox reads HOME= out of inspect's .Config.Env.  */
  check ("{{slice .ID 0 4}} {{slice .ID 8}} {{slice .ID 12}}|{{slice .ID}}", DATA, "4f2a 7d3e |4f2a9c1b7d3e");
  check ("{{range .Env}}{{if and (ge (len .) 5) (eq (slice . 0 5) \"HOME=\")}}{{slice . 5}}{{end}}{{end}}",
         "{\"Env\": [\"PATH=/bin\", \"HOME=/root\", \"X\"]}", "/root");
  check ("{{slice .Names 1}} {{slice .Names 0 1}} {{slice .Names 1 1}} {{slice .Names 0 1 2}}", DATA,
         "[db] [web] [] [web]");
  check ("{{slice \"h\u00e9llo\" 1 3}}", DATA, "\xc3\xa9");
  check ("{{index .Str 1}}", DATA, "101");
  check ("{{html \"<a href=\\\"x\\\">'&'</a>\"}}", DATA,
         "&lt;a href=&#34;x&#34;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  check ("{{html 1 2}} {{js \"a\" 3}} [{{html}}]", DATA, "1 2 a3 []");
  check ("{{js \"a=b<c>&\\\"'\\\\\\x01\"}}", DATA, "a\\u003Db\\u003Cc\\u003E\\u0026\\\"\\'\\\\\\u0001");
  check ("{{js \"\u00e9\u00a0\u2028\"}}", DATA, "\xc3\xa9\\u00A0\\u2028");
  check ("{{urlquery \"a b/c~d_e.f-\u00e9&x=1\"}}", DATA, "a+b%2Fc~d_e.f-%C3%A9%26x%3D1");
  check ("{{.Str | urlquery}}", DATA, "Hello+World");
  /* and, or: the deciding value, and no evaluation past it.  */
  check ("{{and 1 0 (index .Names 9)}}|{{or 1 (index .Names 9)}}|{{or 0 \"\"}}|{{and 1 2}}", DATA, "0|1||2");
  check ("{{0 | and 1}}|{{\"x\" | or 0}}|{{1 | and 0}}", DATA, "0|x|0");
  check ("{{'a'}} {{'\\n'}} {{'\u00e9'}} {{printf \"%c%c\" 'x' 233}}", DATA, "97 10 233 x\xc3\xa9");
}

static void
test_variables (void **state)
{
  check ("{{$x := .Num}}{{$x}} {{$x = .Neg}}{{$x}}", DATA, "42 -7");
  check ("{{$h := .host}}{{$h.kernel}} {{$.ID}} {{$}}", "{\"host\": {\"kernel\": \"6\"}, \"ID\": \"i\"}",
         "6 i map[ID:i host:map[kernel:6]]");
  check ("{{range $i, $e := .Names}}{{$i}}={{$e}};{{end}}", DATA, "0=web;1=db;");
  check ("{{range $e := .Names}}{{$e}}{{.}};{{end}}", DATA, "webweb;dbdb;");
  check ("{{range $k, $v := .Labels}}{{$k}}:{{$v}},{{end}}", DATA, "a:1,b:2,");
  check ("{{range .Names}}{{$.ID}} {{end}}", DATA, "4f2a9c1b7d3e 4f2a9c1b7d3e ");
  /* A variable lives to the end of the block it was declared in; = sets the outer one.  */
  check ("{{$x := 1}}{{if .T}}{{$x := 2}}{{$x}}{{end}}{{$x}}", DATA, "21");
  check ("{{$x := 1}}{{if .T}}{{$x = 2}}{{end}}{{$x}}", DATA, "2");
  check ("{{$n := 0}}{{range .Names}}{{$n = .}}{{end}}{{$n}}", DATA, "db");
  check ("{{if $x := .Str}}{{$x}}{{end}} {{with $y := .Missing}}a{{else}}{{$y}}{{end}}", DATA,
         "Hello World <no value>");
  check ("{{range $i, $e := .Names}}{{if eq $i 0}}{{continue}}{{end}}{{$e}}{{end}}", DATA, "db");
  check ("{{range .Ports}}{{if eq .proto \"udp\"}}{{break}}{{end}}{{.host}}{{end}}", DATA, "8080");
  check ("{{range $k, $v := .Labels}}{{range $.Names}}{{if eq . "
         "\"db\"}}{{break}}{{end}}{{$k}}{{.}}{{end}}{{end}}",
         DATA, "awebbweb");
  check ("{{range .Empty}}{{else}}{{break}}x{{end}}y", DATA, "y");
}

static void
test_deep_nesting (void **state)
{
  char text[4000] = "";
  _cleanup_free_ char *msg = NULL;
  _cleanup_free_ char *out = NULL;

  for (int i = 0; i < 150; i++)
    strcat (text, "{{if .T}}");
  out = render (text, DATA, &msg);
  assert_null (out);
  assert_non_null (strstr (msg, "nested too deeply"));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_fields),
    cmocka_unit_test (test_value_printing),
    cmocka_unit_test (test_json),
    cmocka_unit_test (test_range),
    cmocka_unit_test (test_if_with),
    cmocka_unit_test (test_functions),
    cmocka_unit_test (test_go_builtins),
    cmocka_unit_test (test_variables),
    cmocka_unit_test (test_literals_and_text),
    cmocka_unit_test (test_parse_errors),
    cmocka_unit_test (test_exec_errors),
    cmocka_unit_test (test_deep_nesting),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
