/* Unit tests of the id-map computation: /etc/subuid parsing, range
 * numbering, lookups, keep-id layout.  */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ns/idmap.h"

static void
test_parse_by_name_and_uid (void **state)
{
  struct idmap_range r[IDMAP_MAX_RANGES] = { { 0, 1000, 1 } };
  size_t n = 1;
  const char *text = "# comment\n"
                     "other:200000:65536\n"
                     "alice:100000:65536\n"
                     "\n"
                     "1000:300000:10\n"
                     "10000:400000:10\n";

  idmap_parse_subid (text, "alice", 1000, r, IDMAP_MAX_RANGES, &n);
  assert_int_equal (n, 3);
  assert_int_equal (r[1].container_id, 1);
  assert_int_equal (r[1].host_id, 100000);
  assert_int_equal (r[1].size, 65536);
  assert_int_equal (r[2].container_id, 65537);
  assert_int_equal (r[2].host_id, 300000);
  assert_int_equal (r[2].size, 10);
}

static void
test_parse_malformed_lines_skipped (void **state)
{
  struct idmap_range r[IDMAP_MAX_RANGES];
  size_t n = 0;
  const char *text = "alice\n"
                     "alice:\n"
                     "alice:1\n"
                     "alice:x:10\n"
                     "alice:10:\n"
                     "alice:10:0\n"
                     "alice:10:5x\n"
                     "alice:99999999999:5\n"
                     "alic:10:5\n"
                     "alicex:10:5\n"
                     " alice:10:5\n"
                     "#alice:10:5\n"
                     "alice:500:7\r\n"
                     "alice:600:8"; /* no final newline */

  idmap_parse_subid (text, "alice", 4242, r, IDMAP_MAX_RANGES, &n);
  assert_int_equal (n, 2);
  assert_int_equal (r[0].container_id, 1);
  assert_int_equal (r[0].host_id, 500);
  assert_int_equal (r[0].size, 7);
  assert_int_equal (r[1].container_id, 8);
  assert_int_equal (r[1].host_id, 600);
  assert_int_equal (r[1].size, 8);
}

static void
test_parse_no_user_name (void **state)
{
  struct idmap_range r[IDMAP_MAX_RANGES];
  size_t n = 0;

  /* A uid without a passwd entry still matches by number.  */
  idmap_parse_subid ("5000:100:10\nbob:200:10\n", NULL, 5000, r, IDMAP_MAX_RANGES, &n);
  assert_int_equal (n, 1);
  assert_int_equal (r[0].host_id, 100);
}

static void
test_parse_limit (void **state)
{
  struct idmap_range r[2];
  size_t n = 0;

  idmap_parse_subid ("a:1:1\na:10:1\na:20:1\n", "a", 1, r, 2, &n);
  assert_int_equal (n, 2);
  assert_int_equal (r[1].host_id, 10);
}

static void
test_append_overflow (void **state)
{
  struct idmap_range r[4];
  size_t n = 0;

  assert_int_equal (idmap_append_range (r, 4, &n, 0, UINT32_MAX - 2), 0);
  assert_int_equal (idmap_append_range (r, 4, &n, 100, 5), -1);
  assert_int_equal (n, 1);
  assert_int_equal (idmap_append_range (r, 4, &n, 100, 0), -1);
}

static void
test_lookups (void **state)
{
  struct idmap_range r[] = { { 0, 1000, 1 }, { 1, 100000, 65536 } };

  assert_int_equal (idmap_to_host (r, 2, 0), 1000);
  assert_int_equal (idmap_to_host (r, 2, 1), 100000);
  assert_int_equal (idmap_to_host (r, 2, 65536), 165535);
  assert_int_equal (idmap_to_host (r, 2, 65537), -1);
  assert_int_equal (idmap_to_container (r, 2, 1000), 0);
  assert_int_equal (idmap_to_container (r, 2, 100005), 6);
  assert_int_equal (idmap_to_container (r, 2, 5), -1);
}

/* User 1000 with the subordinate ids 100000-165535.  */
static const struct idmap subid_user_1000 = { .uid = { { 0, 1000, 1 }, { 1, 100000, 65536 } },
                                              .n_uid = 2,
                                              .gid = { { 0, 1000, 1 }, { 1, 100000, 65536 } },
                                              .n_gid = 2,
                                              .source = IDMAP_SOURCE_SUBID_FILE };

static void
test_keep_id (void **state)
{
  struct idmap base = subid_user_1000;
  struct idmap out;
  galley_error_t err = NULL;

  assert_int_equal (idmap_keep_id (&base, 1000, 1000, &out, &err), 0);
  assert_int_equal (out.n_uid, 3);
  assert_int_equal (idmap_to_host (out.uid, out.n_uid, 0), 100000);
  assert_int_equal (idmap_to_host (out.uid, out.n_uid, 999), 100999);
  assert_int_equal (idmap_to_host (out.uid, out.n_uid, 1000), 1000);
  assert_int_equal (idmap_to_host (out.uid, out.n_uid, 1001), 101000);
  assert_int_equal (idmap_to_host (out.uid, out.n_uid, 65536), 165535);
  assert_int_equal (idmap_to_host (out.uid, out.n_uid, 65537), -1);

  /* The user beyond the subordinate ranges.  */
  assert_int_equal (idmap_keep_id (&base, 70000, 70000, &out, &err), 0);
  assert_int_equal (idmap_to_host (out.gid, out.n_gid, 70000), 1000);
  assert_int_equal (idmap_to_host (out.gid, out.n_gid, 65535), 165535);
  assert_int_equal (idmap_to_host (out.gid, out.n_gid, 65536), -1);

  /* Single-id base: only the user.  */
  base.n_uid = base.n_gid = 1;
  assert_int_equal (idmap_keep_id (&base, 1000, 1000, &out, &err), 0);
  assert_int_equal (out.n_uid, 1);
  assert_int_equal (out.uid[0].container_id, 1000);
  assert_int_equal (out.uid[0].host_id, 1000);

  base.source = IDMAP_SOURCE_ROOT;
  assert_int_equal (idmap_keep_id (&base, 1000, 1000, &out, &err), -1);
  assert_non_null (strstr (err->msg, "rootless"));
  galley_error_release (&err);
}

static void
assert_range (const struct idmap_range *r, uint32_t container_id, uint32_t host_id, uint32_t size)
{
  assert_int_equal (r->container_id, container_id);
  assert_int_equal (r->host_id, host_id);
  assert_int_equal (r->size, size);
}

static void
test_view_of_keep_id (void **state)
{
  struct idmap base = subid_user_1000;
  struct idmap kid;
  struct idmap_view v;
  galley_error_t err = NULL;

  /* The store seen from its own namespace: as stored.  */
  assert_int_equal (idmap_view_of (&base, &base, &v), 0);
  assert_int_equal (v.n_uid, 1);
  assert_range (&v.uid[0], 0, 0, 65537);

  /* keep-id: image root (stored as the user) is the user's id 1000 in the
   * namespace, image ids 1..1000 are one below, the rest where they were.  */
  assert_int_equal (idmap_keep_id (&base, 1000, 1000, &kid, &err), 0);
  assert_int_equal (idmap_view_of (&base, &kid, &v), 1);
  assert_int_equal (v.n_uid, 3);
  assert_range (&v.uid[0], 0, 1000, 1);
  assert_range (&v.uid[1], 1, 0, 1000);
  assert_range (&v.uid[2], 1001, 1001, 64536);
  assert_int_equal (v.n_gid, 3);

  /* Two subordinate ranges, the user beyond them.  */
  base.uid[1].size = 10;
  base.uid[2] = (struct idmap_range){ 11, 200000, 10 };
  base.n_uid = 3;
  assert_int_equal (idmap_keep_id (&base, 50, 1000, &kid, &err), 0);
  assert_int_equal (idmap_view_of (&base, &kid, &v), 1);
  assert_int_equal (v.n_uid, 2);
  assert_range (&v.uid[0], 0, 50, 1);
  assert_range (&v.uid[1], 1, 0, 20);
}

static void
test_compose_limit (void **state)
{
  struct idmap_range store[] = { { 0, 100, 4 } };
  struct idmap_range ns[] = { { 10, 100, 1 }, { 20, 101, 1 }, { 30, 102, 1 }, { 40, 103, 1 } };
  struct idmap_range out[4];

  assert_int_equal (idmap_compose (store, 1, ns, 4, out, 4), 4);
  assert_range (&out[3], 3, 40, 1);
  assert_int_equal (idmap_compose (store, 1, ns, 4, out, 3), -1);
  /* An id ns does not map is left out.  */
  assert_int_equal (idmap_compose (store, 1, ns, 2, out, 4), 2);
}

static void
test_format (void **state)
{
  struct idmap_range r[] = { { 0, 1000, 1 }, { 1, 100000, 65536 } };
  char *s = idmap_format (r, 2);

  assert_string_equal (s, "0 1000 1\n1 100000 65536\n");
  free (s);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_parse_by_name_and_uid),
    cmocka_unit_test (test_parse_malformed_lines_skipped),
    cmocka_unit_test (test_parse_no_user_name),
    cmocka_unit_test (test_parse_limit),
    cmocka_unit_test (test_append_overflow),
    cmocka_unit_test (test_lookups),
    cmocka_unit_test (test_keep_id),
    cmocka_unit_test (test_view_of_keep_id),
    cmocka_unit_test (test_compose_limit),
    cmocka_unit_test (test_format),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
