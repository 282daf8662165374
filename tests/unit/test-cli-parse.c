/* The command line's parser as pflag reads flags (boolean values in a
 * short flag's word, clusters, values in the word or the next one), and
 * the edit distance behind "Did you mean this?".  */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "cli/cli.h"
#include "util/edit_distance.h"

/* Parse words as command id would see them; the options returned go to
 * ids[] and their values to args[] (NULL for none).  Returns the last
 * cli_parser_next result (0 or -1) and leaves the positionals' index.  */
static int
parse (enum cli_command_id id, char **words, int *ids, const char **args, int *n, int *optind_out,
       galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  const char *arg;
  int argc = 0, opt;

  while (words[argc] != NULL)
    argc++;
  *n = 0;
  cli_parser_init (&p, &cli_commands[id], argc, words);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    {
      ids[*n] = opt;
      args[(*n)++] = arg;
    }
  *optind_out = p.optind;
  return opt;
}

static void
test_boolean_values (void **state)
{
  _cleanup_error_ galley_error_t err = NULL;
  char *words[] = { "ps", "-a=false", "--quiet=true", "--size=0", "-n=1", NULL };
  const char *args[8];
  int ids[8], n, ind;

  (void)state;
  assert_int_equal (parse (CMD_ps, words, ids, args, &n, &ind, &err), 0);
  /* -a=false and --size=0: never given; -n takes "1" as its number */
  assert_int_equal (n, 2);
  assert_int_equal (ids[0], OPT_ps_quiet);
  assert_null (args[0]);
  assert_int_equal (ids[1], OPT_ps_last);
  assert_string_equal (args[1], "1");
}

static void
test_clusters (void **state)
{
  _cleanup_error_ galley_error_t err = NULL;
  char *words[] = { "run", "-itd=false", "-ie", "A=1", "-iw/tmp", "-iu=0", "busybox", "-a", NULL };
  const char *args[16];
  int ids[16], n, ind;

  (void)state;
  assert_int_equal (parse (CMD_run, words, ids, args, &n, &ind, &err), 0);
  assert_int_equal (n, 9);
  assert_int_equal (ids[0], OPT_run_interactive);
  assert_int_equal (ids[1], OPT_run_tty);
  assert_int_equal (ids[2], OPT_run_detach);
  assert_string_equal (args[2], "false");
  assert_int_equal (ids[4], OPT_run_env);
  assert_string_equal (args[4], "A=1");
  assert_int_equal (ids[6], OPT_run_workdir);
  assert_string_equal (args[6], "/tmp");
  assert_int_equal (ids[8], OPT_run_user);
  assert_string_equal (args[8], "0");
  /* options end at the image: "-a" is the container's */
  assert_string_equal (words[ind], "busybox");
}

static void
test_errors_as_pflag (void **state)
{
  galley_error_t err = NULL;
  char *bad_bool[] = { "ps", "-a=maybe", NULL };
  char *unknown[] = { "ps", "-aqx", NULL };
  char *first[] = { "ps", "-xq", NULL };
  char *missing[] = { "ps", "-n", NULL };
  const char *args[8];
  int ids[8], n, ind;

  (void)state;
  assert_int_equal (parse (CMD_ps, bad_bool, ids, args, &n, &ind, &err), -1);
  assert_string_equal (err->msg,
                       "invalid argument \"maybe\" for \"-a, --all\" flag: parsing \"maybe\": invalid "
                       "syntax\nSee 'galley ps --help'");
  galley_error_release (&err);
  assert_int_equal (parse (CMD_ps, unknown, ids, args, &n, &ind, &err), -1);
  assert_string_equal (err->msg, "unknown shorthand flag: 'x' in -x\nSee 'galley ps --help'");
  galley_error_release (&err);
  assert_int_equal (parse (CMD_ps, first, ids, args, &n, &ind, &err), -1);
  assert_string_equal (err->msg, "unknown shorthand flag: 'x' in -xq\nSee 'galley ps --help'");
  galley_error_release (&err);
  assert_int_equal (parse (CMD_ps, missing, ids, args, &n, &ind, &err), -1);
  assert_string_equal (err->msg, "flag needs an argument: 'n' in -n\nSee 'galley ps --help'");
  galley_error_release (&err);
}

static void
test_unknown_command_suggestions (void **state)
{
  galley_error_t err = NULL;

  (void)state;
  assert_int_equal (cli_unknown_command (&cli_commands[CMD_global], "psx", &err), -1);
  assert_string_equal (err->msg,
                       "unrecognized command `galley psx`\n\nDid you mean this?\n\tpod\n\tps\n\tpush\n\nTry "
                       "'galley --help' for more information");
  galley_error_release (&err);
  assert_int_equal (cli_unknown_command (&cli_commands[CMD_volume], "zzz", &err), -1);
  assert_string_equal (err->msg,
                       "unrecognized command `galley volume zzz`\nTry 'galley volume --help' for more "
                       "information");
  galley_error_release (&err);
}

static void
test_edit_distance (void **state)
{
  (void)state;
  assert_int_equal (edit_distance ("", "", false), 0);
  assert_int_equal (edit_distance ("ps", "psx", false), 1);
  assert_int_equal (edit_distance ("psx", "push", false), 2);
  assert_int_equal (edit_distance ("kitten", "sitting", false), 3);
  assert_int_equal (edit_distance ("PS", "ps", false), 2);
  assert_int_equal (edit_distance ("PS", "ps", true), 0);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_boolean_values),  cmocka_unit_test (test_clusters),
    cmocka_unit_test (test_errors_as_pflag), cmocka_unit_test (test_unknown_command_suggestions),
    cmocka_unit_test (test_edit_distance),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
