/* Unit tests for the secret store (src/state/secret.c) and the --secret
 * option of run/create (src/state/container_secrets.c).  */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "state/container_secrets.h"
#include "state/secret.h"
#include "temp-root.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/strv.h"

static void
test_names (void **state)
{
  assert_true (secret_valid_name ("a"));
  assert_true (secret_valid_name ("my.secret_1-x"));
  assert_false (secret_valid_name (""));
  assert_false (secret_valid_name ("-a"));
  assert_false (secret_valid_name ("a-"));
  assert_false (secret_valid_name ("a b"));
  assert_false (secret_valid_name ("../a"));
  assert_true (secret_valid_name ("0123456789012345678901234567890123456789012345678901234567890123"));
  assert_false (secret_valid_name ("01234567890123456789012345678901234567890123456789012345678901234"));
}

static void
check_parse (const char *arg, const char *name, bool env, const char *target, unsigned uid, unsigned gid,
             unsigned mode)
{
  _cleanup_error_ galley_error_t err = NULL;
  struct container_secret s;

  if (container_secret_parse (arg, &s, &err) < 0)
    fail_msg ("%s: %s", arg, err->msg);
  assert_string_equal (s.name, name);
  assert_int_equal (s.env, env);
  if (target == NULL)
    assert_null (s.target);
  else
    assert_string_equal (s.target, target);
  assert_int_equal (s.uid, uid);
  assert_int_equal (s.gid, gid);
  assert_int_equal (s.mode, mode);
  container_secret_clear (&s);
}

static void
check_parse_error (const char *arg, const char *expected)
{
  _cleanup_error_ galley_error_t err = NULL;
  struct container_secret s;

  assert_int_equal (container_secret_parse (arg, &s, &err), -1);
  assert_string_equal (err->msg, expected);
}

static void
test_option (void **state)
{
  /* a mount's default target is the secret's name, known after lookup */
  check_parse ("db", "db", false, NULL, 0, 0, 0444);
  check_parse ("db,type=mount,target=pw", "db", false, "/run/secrets/pw", 0, 0, 0444);
  check_parse ("db,target=/etc/db.key,uid=1000,gid=100,mode=0400", "db", false, "/etc/db.key", 1000, 100,
               0400);
  check_parse ("db,target=../../etc/x", "db", false, "/etc/x", 0, 0, 0444);
  check_parse ("db,target=/a//b/./c", "db", false, "/a/b/c", 0, 0, 0444);
  check_parse ("db,type=env", "db", true, "db", 0, 0, 0444);
  check_parse ("db,type=env,target=DB_PASSWORD", "db", true, "DB_PASSWORD", 0, 0, 0444);
  check_parse_error ("", "no source found : parsing secret");
  check_parse_error (",type=env", "no source found ,type=env: parsing secret");
  check_parse_error ("db,type=bad", "type bad is invalid: parsing secret");
  check_parse_error ("db,bogus=1", "option bogus=1 invalid: parsing secret");
  check_parse_error ("db,novalue", "option novalue invalid: parsing secret");
  check_parse_error ("db,uid=abc", "UID abc invalid: parsing secret");
  check_parse_error ("db,gid=-1", "GID -1 invalid: parsing secret");
  check_parse_error ("db,mode=999", "mode 999 invalid: parsing secret");
  check_parse_error ("db,mode=", "mode  invalid: parsing secret");
  check_parse_error ("db,type=env,mode=0400",
                     "UID, GID, Mode options cannot be set with secret type env: parsing secret");
}

static int
create (struct galley_paths *p, const char *name, const char *data, char **id, galley_error_t *err)
{
  const char *labels[] = { "a=b", "bare", NULL };
  struct secret_create_options o = { .name = name, .labels = labels, .data = data, .len = strlen (data) };

  return secret_create (p, &o, id, err);
}

static void
test_store (void **state)
{
  struct galley_paths p = { 0 };
  _cleanup_error_ galley_error_t err = NULL;
  _cleanup_free_ char *id1 = NULL, *id2 = NULL, *removed = NULL, *data = NULL;
  struct secret s = { 0 }, *list = NULL;
  size_t n = 0, len = 0;
  char dir[64];

  temp_root_make (dir, "secret", &p, "root", NULL);
  assert_int_equal (secret_list (&p, &list, &n, &err), 0);
  assert_int_equal (n, 0);
  assert_int_equal (secret_lookup (&p, "db", &s, &err), -1);
  assert_int_equal (galley_error_errno (&err), ENOENT);
  assert_string_equal (err->msg, "no secret with name or id \"db\": no such secret");
  galley_error_release (&err);

  assert_int_equal (create (&p, "db", "hunter2", &id1, &err), 0);
  assert_int_equal (strlen (id1), SECRET_ID_LEN);
  assert_int_equal (create (&p, "db", "again", &id2, &err), -1);
  assert_int_equal (galley_error_errno (&err), EEXIST);
  assert_string_equal (err->msg, "db: secret name in use");
  galley_error_release (&err);
  assert_int_equal (create (&p, "empty", "", &id2, &err), -1);
  galley_error_release (&err);
  assert_int_equal (create (&p, "api", "token", &id2, &err), 0);

  /* by name, full id and id prefix */
  assert_int_equal (secret_lookup (&p, "db", &s, &err), 0);
  assert_string_equal (s.id, id1);
  assert_string_equal (s.driver, "file");
  assert_string_equal (s.labels[0], "a=b");
  assert_string_equal (s.labels[1], "bare=");
  secret_clear (&s);
  assert_int_equal (secret_lookup (&p, id2, &s, &err), 0);
  assert_string_equal (s.name, "api");
  secret_clear (&s);
  {
    char prefix[8];
    snprintf (prefix, sizeof prefix, "%.6s", id1);
    assert_int_equal (secret_lookup (&p, prefix, &s, &err), 0);
    assert_string_equal (s.name, "db");
    secret_clear (&s);
  }

  assert_int_equal (secret_read_data (&p, id1, &data, &len, &err), 0);
  assert_int_equal (len, 7);
  assert_string_equal (data, "hunter2");
  assert_int_equal (secret_read_data (&p, "../../etc", &data, &len, &err), -1);
  galley_error_release (&err);

  assert_int_equal (secret_list (&p, &list, &n, &err), 0);
  assert_int_equal (n, 2);
  assert_string_equal (list[0].name, "db");
  assert_string_equal (list[1].name, "api");
  {
    char *by_name[] = { (char *)"name=^d", NULL }, *by_id[] = { (char *)"id=nomatch", (char *)"id=.", NULL };
    char *both[] = { (char *)"name=db", (char *)"id=nomatch", NULL }, *bad[] = { (char *)"label=x", NULL };
    char *bad_regex[] = { (char *)"name=[", NULL };
    struct filter_set *f = NULL;

    assert_int_equal (filter_set_parse (&secret_filter_syntax, by_name, &f, &err), 0);
    assert_true (secret_matches_filters (&list[0], f));
    assert_false (secret_matches_filters (&list[1], f));
    filter_set_free (f);
    assert_int_equal (filter_set_parse (&secret_filter_syntax, by_id, &f, &err), 0);
    assert_true (secret_matches_filters (&list[1], f));
    filter_set_free (f);
    assert_int_equal (filter_set_parse (&secret_filter_syntax, both, &f, &err), 0);
    assert_false (secret_matches_filters (&list[0], f));
    filter_set_free (f);
    /* podman's: a name that is not a regular expression matches nothing */
    assert_int_equal (filter_set_parse (&secret_filter_syntax, bad_regex, &f, &err), 0);
    assert_false (secret_matches_filters (&list[0], f));
    filter_set_free (f);
    assert_int_equal (filter_set_parse (&secret_filter_syntax, bad, &f, &err), -1);
    assert_string_equal (err->msg, "invalid filter \"label\"");
    galley_error_release (&err);
  }
  secret_list_free (list, n);

  assert_int_equal (secret_remove (&p, "db", &removed, &err), 0);
  assert_string_equal (removed, id1);
  assert_int_equal (secret_remove (&p, "db", &id1, &err), -1);
  assert_int_equal (galley_error_errno (&err), ENOENT);
  galley_error_release (&err);
  assert_int_equal (secret_list (&p, &list, &n, &err), 0);
  assert_int_equal (n, 1);
  secret_list_free (list, n);
  temp_root_remove (dir, &p);
}

static void
test_container_record (void **state)
{
  struct galley_paths p = { 0 };
  _cleanup_error_ galley_error_t err = NULL;
  _cleanup_free_ char *id = NULL;
  _cleanup_container_config_ struct container_config config = { 0 };
  _cleanup_json_ json_object *record = NULL, *inspect = NULL;
  struct container_secret *list = NULL;
  size_t n = 0;
  char dir[64];

  temp_root_make (dir, "csecret", &p, "root", NULL);
  assert_int_equal (create (&p, "db", "hunter2", &id, &err), 0);
  assert_int_equal (strv_append (&config.secret_options, "db"), 0);
  assert_int_equal (strv_append (&config.secret_options, "db,type=env,target=PW"), 0);
  assert_int_equal (container_secrets_resolve (&p, &config, &err), 0);
  assert_null (config.secret_options);
  assert_int_equal (container_secrets_of (&config, &list, &n, &err), 0);
  assert_int_equal (n, 2);
  assert_string_equal (list[0].id, id);
  assert_string_equal (list[0].target, "/run/secrets/db");
  assert_true (list[1].env);
  assert_string_equal (list[1].target, "PW");
  container_secrets_free (list, n);
  /* the record holds no data; inspect shows the mounted one */
  assert_int_equal (container_config_to_json (&config, &record, &err), 0);
  assert_null (strstr (json_object_to_json_string (record), "hunter2"));
  inspect = container_secrets_inspect (&config);
  assert_int_equal (json_object_array_length (inspect), 1);

  container_config_clear (&config);
  assert_int_equal (strv_append (&config.secret_options, "nosuch"), 0);
  assert_int_equal (container_secrets_resolve (&p, &config, &err), -1);
  assert_int_equal (galley_error_errno (&err), ENOENT);
  temp_root_remove (dir, &p);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_names),
    cmocka_unit_test (test_option),
    cmocka_unit_test (test_store),
    cmocka_unit_test (test_container_record),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
