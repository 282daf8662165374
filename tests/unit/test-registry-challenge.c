/* Unit tests for the WWW-Authenticate parser (src/registry/challenge.c).  */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "registry/challenge.h"

static void
parse_ok (const char *header, struct auth_challenges *out)
{
  _cleanup_error_ galley_error_t err = NULL;

  if (auth_challenges_parse (header, out, &err) < 0)
    fail_msg ("unexpected error for <<%s>>: %s", header, err->msg);
}

static void
parse_fails (const char *header, const char *needle)
{
  _cleanup_error_ galley_error_t err = NULL;
  _cleanup_auth_challenges_ struct auth_challenges c = { 0 };

  assert_int_equal (auth_challenges_parse (header, &c, &err), -1);
  assert_non_null (err);
  assert_int_equal (c.n, 0);
  if (strstr (err->msg, needle) == NULL)
    fail_msg ("error <<%s>> lacks <<%s>>", err->msg, needle);
  assert_null (strchr (err->msg, '\n'));
}

static void
test_bearer_docker_hub (void **state)
{
  _cleanup_auth_challenges_ struct auth_challenges c = { 0 };
  const struct auth_challenge *b;

  parse_ok ("Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
            "scope=\"repository:library/busybox:pull\"",
            &c);
  assert_int_equal (c.n, 1);
  b = auth_challenges_find (&c, "bearer");
  assert_non_null (b);
  assert_string_equal (auth_challenge_param (b, "realm"), "https://auth.docker.io/token");
  assert_string_equal (auth_challenge_param (b, "service"), "registry.docker.io");
  assert_string_equal (auth_challenge_param (b, "scope"), "repository:library/busybox:pull");
  assert_null (auth_challenge_param (b, "error"));
}

static void
test_basic_and_case (void **state)
{
  _cleanup_auth_challenges_ struct auth_challenges c = { 0 };
  const struct auth_challenge *b;

  parse_ok ("BASIC Realm=galley-test", &c);
  b = auth_challenges_find (&c, "basic");
  assert_non_null (b);
  assert_string_equal (auth_challenge_param (b, "realm"), "galley-test");
}

/* Commas and escaped quotes inside quoted strings; scopes with several actions.  */
static void
test_quoted_commas_and_escapes (void **state)
{
  _cleanup_auth_challenges_ struct auth_challenges c = { 0 };
  const struct auth_challenge *b;

  parse_ok ("Bearer realm=\"https://t/x?a=1,b=2\" , scope=\"repository:foo:pull,push\",  "
            "error=\"insufficient_scope\", note=\"say \\\"hi\\\"\"",
            &c);
  assert_int_equal (c.n, 1);
  b = &c.items[0];
  assert_int_equal (b->n_params, 4);
  assert_string_equal (auth_challenge_param (b, "realm"), "https://t/x?a=1,b=2");
  assert_string_equal (auth_challenge_param (b, "scope"), "repository:foo:pull,push");
  assert_string_equal (auth_challenge_param (b, "error"), "insufficient_scope");
  assert_string_equal (auth_challenge_param (b, "note"), "say \"hi\"");
}

/* Several challenges in one header; the parser must find where one ends.  */
static void
test_multiple_challenges (void **state)
{
  _cleanup_auth_challenges_ struct auth_challenges c = { 0 };

  parse_ok ("Basic realm=\"a, b\", Bearer realm=\"https://t/token\",service=s, Negotiate", &c);
  assert_int_equal (c.n, 3);
  assert_string_equal (c.items[0].scheme, "basic");
  assert_string_equal (auth_challenge_param (&c.items[0], "realm"), "a, b");
  assert_string_equal (c.items[1].scheme, "bearer");
  assert_string_equal (auth_challenge_param (&c.items[1], "service"), "s");
  assert_string_equal (c.items[2].scheme, "negotiate");
  assert_int_equal (c.items[2].n_params, 0);
  /* A second header appends.  */
  parse_ok ("Digest token68abc==", &c);
  assert_int_equal (c.n, 4);
  assert_string_equal (c.items[3].token68, "token68abc==");
}

static void
test_whitespace_around_equals (void **state)
{
  _cleanup_auth_challenges_ struct auth_challenges c = { 0 };

  parse_ok ("  Bearer   realm = \"r\" ,service= svc  ", &c);
  assert_string_equal (auth_challenge_param (&c.items[0], "realm"), "r");
  assert_string_equal (auth_challenge_param (&c.items[0], "service"), "svc");
}

static void
test_errors (void **state)
{
  parse_fails ("", "no challenge");
  parse_fails (" , ,", "no challenge");
  parse_fails ("Bearer realm=\"unterminated", "unterminated string");
  parse_fails ("Bearer realm=\"x\\", "unterminated string");
  parse_fails ("Bearer realm=\"x\" junk", "unexpected");
  parse_fails ("=abc", "expected a scheme");
  parse_fails ("Bearer realm=@", "bad value");
  parse_fails ("Bearer realm=\"x\", a=(", "bad value");
  parse_fails ("Basic abc def", "unexpected");
  parse_fails ("Bearer a=1,b=2,c=3,d=4,e=5,f=6,g=7,h=8,i=9,j=10,k=11,l=12,m=13,n=14,o=15,p=16,q=17",
               "too many parameters");
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_bearer_docker_hub),         cmocka_unit_test (test_basic_and_case),
    cmocka_unit_test (test_quoted_commas_and_escapes), cmocka_unit_test (test_multiple_challenges),
    cmocka_unit_test (test_whitespace_around_equals),  cmocka_unit_test (test_errors),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
