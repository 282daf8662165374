/* Unit tests of the container lifecycle pieces: the k8s-file log records,
 * RFC 3339 times, signal names, restart policies, human statuses, the
 * state reconciliation (dead pid, recycled pid, wiped runroot), and the
 * listing of ps, which every change shows at once though it trusts its
 * cache without looking at the containers.  */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "runtime/lifecycle.h"
#include "runtime/log_relay.h"
#include "runtime/monitor.h"
#include "state/container.h"
#include "state/container_list.h"
#include "state/container_log.h"
#include "state/container_state.h"
#include "state/lock.h"
#include "util/change_counter.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/signal_names.h"
#include "util/time.h"

#include "temp-root.h"

static const char *const ID = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

static void
test_log_records (void **state)
{
  char buf[256];
  struct log_record r;
  size_t n;

  (void)state;
  n = log_format_record (buf, sizeof buf, 1700000000123456789LL, true, false, "hello world", 11);
  assert_string_equal (buf, "2023-11-14T22:13:20.123456789Z stderr F hello world\n");
  assert_int_equal (log_parse_record (buf, n - 1, &r), 0);
  assert_true (r.is_stderr);
  assert_false (r.partial);
  assert_int_equal (r.time, 1700000000123456789LL);
  assert_int_equal (r.msg_len, 11);
  assert_memory_equal (r.msg, "hello world", 11);
  /* an empty line and a partial one */
  assert_int_equal (log_parse_record ("2023-11-14T22:13:20Z stdout F", 29, &r), 0);
  assert_int_equal (r.msg_len, 0);
  assert_int_equal (log_parse_record ("2023-11-14T22:13:20Z stdout P ab", 32, &r), 0);
  assert_true (r.partial);
  /* podman's zone offsets */
  assert_int_equal (log_parse_record ("2023-11-14T23:13:20.5+01:00 stdout F x", 38, &r), 0);
  assert_int_equal (r.time, 1700000000500000000LL);
  /* not records */
  assert_int_equal (log_parse_record ("garbage", 7, &r), -1);
  assert_int_equal (log_parse_record ("2023-11-14T22:13:20Z stdin F x", 30, &r), -1);
  assert_int_equal (log_parse_record ("2023-11-14T22:13:20Z stdout X x", 31, &r), -1);
}

static void
test_log_relay (void **state)
{
  char path[] = "/tmp/galley-test-log-XXXXXX";
  int out[2], errp[2], fd;
  galley_error_t err = NULL;
  _cleanup_free_ char *text = NULL;
  pid_t child;

  (void)state;
  fd = mkstemp (path);
  assert_true (fd >= 0);
  assert_int_equal (pipe (out), 0);
  assert_int_equal (pipe (errp), 0);
  child = fork ();
  if (child == 0)
    {
      close (out[0]);
      close (errp[0]);
      assert_int_equal (write (out[1], "one\ntw", 6), 6);
      assert_int_equal (write (errp[1], "bad\n", 4), 4);
      usleep (10000);
      assert_int_equal (write (out[1], "o\nlast", 6), 6);
      _exit (0);
    }
  close (out[1]);
  close (errp[1]);
  {
    struct log_relay_options o = {
      .out_fd = out[0], .err_fd = errp[0], .log_fd = fd, .listen_fd = -1, .stdin_fd = -1
    };
    assert_int_equal (log_relay_run (&o, &err), 0);
  }
  waitpid (child, NULL, 0);
  assert_int_equal (fs_read_file (AT_FDCWD, path, 0, &text, NULL, &err), 0);
  assert_non_null (strstr (text, "Z stdout F one\n"));
  assert_non_null (strstr (text, "Z stdout F two\n"));
  assert_non_null (strstr (text, "Z stderr F bad\n"));
  assert_non_null (strstr (text, "Z stdout P last\n"));
  close (fd);
  unlink (path);
}

/* At the size limit the log is replaced by a fresh file (conmon's
 * rotation): it never exceeds the limit, ends with the newest lines, and a
 * reader holding the old file sees that file end whole.  */
static void
test_log_rotation (void **state)
{
  char dir[] = "/tmp/galley-test-rotate-XXXXXX";
  _cleanup_free_ char *path = NULL, *text = NULL;
  galley_error_t err = NULL;
  int out[2], fd, old_reader, i;
  struct stat st;
  pid_t child;

  (void)state;
  assert_non_null (mkdtemp (dir));
  assert_true (asprintf (&path, "%s/ctr.log", dir) > 0);
  fd = open (path, O_WRONLY | O_APPEND | O_CREAT, 0600);
  old_reader = open (path, O_RDONLY);
  assert_true (fd >= 0 && old_reader >= 0);
  assert_int_equal (pipe (out), 0);
  child = fork ();
  if (child == 0)
    {
      char line[64];
      close (out[0]);
      for (i = 0; i < 100; i++)
        {
          int n = snprintf (line, sizeof line, "line %03d of the container's output\n", i);
          assert_int_equal (write (out[1], line, (size_t)n), n);
        }
      _exit (0);
    }
  close (out[1]);
  {
    struct log_relay_options o = { .out_fd = out[0],
                                   .err_fd = -1,
                                   .log_fd = fd,
                                   .log_path = path,
                                   .max_size = 1000,
                                   .listen_fd = -1,
                                   .stdin_fd = -1 };
    assert_int_equal (log_relay_run (&o, &err), 0);
  }
  waitpid (child, NULL, 0);
  assert_int_equal (stat (path, &st), 0);
  assert_true (st.st_size <= 1000);
  assert_int_equal (fs_read_file (AT_FDCWD, path, 0, &text, NULL, &err), 0);
  assert_non_null (strstr (text, "Z stdout F line 099 of"));
  assert_null (strstr (text, "line 000 "));
  /* the first file, as its reader sees it: complete, from the first line */
  {
    char buf[2048];
    ssize_t n = read (old_reader, buf, sizeof buf - 1);
    assert_true (n > 0 && n <= 1000);
    buf[n] = '\0';
    assert_non_null (strstr (buf, "Z stdout F line 000 of"));
  }
  close (old_reader);
  close (fd);
  assert_int_equal (fs_remove_tree (AT_FDCWD, dir, &err), 0);
}

static void
test_times (void **state)
{
  char buf[64];

  (void)state;
  assert_int_equal (time_parse_rfc3339 ("1970-01-01T00:00:01Z"), 1000000000LL);
  assert_int_equal (time_parse_rfc3339 ("1970-01-01T00:00:01.25Z"), 1250000000LL);
  assert_int_equal (time_parse_rfc3339 ("1970-01-01T01:00:00+01:00"), 0);
  assert_int_equal (time_parse_rfc3339 ("yesterday"), -1);
  assert_int_equal (time_parse_rfc3339 ("1970-01-01T00:00:01"), -1);
  assert_int_equal (time_parse_rfc3339 (NULL), -1);
  time_format_rfc3339 (1000000001LL, buf, sizeof buf);
  assert_string_equal (buf, "1970-01-01T00:00:01.000000001Z");
}

static void
test_signals (void **state)
{
  (void)state;
  assert_int_equal (signal_parse ("TERM"), SIGTERM);
  assert_int_equal (signal_parse ("SIGKILL"), SIGKILL);
  assert_int_equal (signal_parse ("sigusr1"), SIGUSR1);
  assert_int_equal (signal_parse ("9"), 9);
  assert_int_equal (signal_parse ("RTMIN+1"), SIGRTMIN + 1);
  assert_int_equal (signal_parse ("NOPE"), -1);
  assert_int_equal (signal_parse ("0"), -1);
  assert_int_equal (signal_parse ("999"), -1);
  assert_int_equal (signal_parse (""), -1);
  assert_int_equal (signal_parse ("9x"), -1);
}

static void
test_restart_policies (void **state)
{
  enum restart_policy p;
  galley_error_t err = NULL;
  int n;

  (void)state;
  assert_int_equal (restart_policy_parse ("", &p, &n, &err), 0);
  assert_int_equal (p, RESTART_NO);
  assert_int_equal (restart_policy_parse ("always", &p, &n, &err), 0);
  assert_int_equal (p, RESTART_ALWAYS);
  assert_int_equal (restart_policy_parse ("on-failure:3", &p, &n, &err), 0);
  assert_int_equal (p, RESTART_ON_FAILURE);
  assert_int_equal (n, 3);
  assert_int_equal (restart_policy_parse ("on-failure:x", &p, &n, &err), -1);
  galley_error_release (&err);
  assert_int_equal (restart_policy_parse ("on-failure:", &p, &n, &err), -1);
  galley_error_release (&err);
  assert_int_equal (restart_policy_parse ("sometimes", &p, &n, &err), -1);
  galley_error_release (&err);
  assert_true (restart_policy_wants (RESTART_ON_FAILURE, 3, 2, 1, false));
  assert_false (restart_policy_wants (RESTART_ON_FAILURE, 3, 3, 1, false));
  assert_false (restart_policy_wants (RESTART_ON_FAILURE, 0, 5, 0, false));
  assert_true (restart_policy_wants (RESTART_ALWAYS, 0, 100, 0, false));
  assert_false (restart_policy_wants (RESTART_ALWAYS, 0, 0, 0, true));
  assert_false (restart_policy_wants (RESTART_NO, 0, 0, 1, false));
}

static void
test_human (void **state)
{
  char buf[64];
  struct container_state st = { 0 };

  (void)state;
  human_duration (500000000LL, buf, sizeof buf);
  assert_string_equal (buf, "Less than a second");
  human_duration (3000000000LL, buf, sizeof buf);
  assert_string_equal (buf, "3 seconds");
  human_duration (90LL * 1000000000, buf, sizeof buf);
  assert_string_equal (buf, "About a minute");
  human_duration (3LL * 3600 * 1000000000, buf, sizeof buf);
  assert_string_equal (buf, "3 hours");
  container_status_human (&st, buf, sizeof buf);
  assert_string_equal (buf, "Created");
  st.status = CONTAINER_STATUS_EXITED;
  st.exit_code = 3;
  st.finished_at = time_now_ns () - 5000000000LL;
  container_status_human (&st, buf, sizeof buf);
  assert_string_equal (buf, "Exited (3) 5 seconds ago");
  st.status = CONTAINER_STATUS_RUNNING;
  st.started_at = time_now_ns () - 2500000000LL;
  container_status_human (&st, buf, sizeof buf);
  assert_string_equal (buf, "Up 2 seconds");
}

struct fixture
{
  char dir[64];
  struct galley_paths paths;
};

static int
setup (void **state)
{
  struct fixture *f = calloc (1, sizeof *f);
  _cleanup_free_ char *cdir = NULL, *rdir = NULL;
  galley_error_t err = NULL;

  temp_root_make (f->dir, "test-ctr", &f->paths, "root", "run");
  cdir = container_dir (&f->paths, ID);
  rdir = container_run_dir (&f->paths, ID);
  assert_int_equal (fs_mkdir_p (cdir, 0700, &err), 0);
  assert_int_equal (fs_mkdir_p (rdir, 0700, &err), 0);
  {
    _cleanup_free_ char *rec = NULL;
    assert_true (asprintf (&rec, "{\"Id\":\"%s\",\"Name\":\"c\",\"Created\":\"2023-11-14T22:13:20Z\"}", ID)
                 > 0);
    _cleanup_close_ int dfd = open (cdir, O_PATH | O_DIRECTORY);
    assert_int_equal (fs_write_atomic (dfd, "container.json", rec, strlen (rec), 0600, &err), 0);
  }
  *state = f;
  return 0;
}

static int
teardown (void **state)
{
  struct fixture *f = *state;

  temp_root_remove (f->dir, &f->paths);
  free (f);
  return 0;
}

static struct container_state
running_as_self (void)
{
  struct container_state st = { 0 };

  st.status = CONTAINER_STATUS_RUNNING;
  st.pid = getpid ();
  st.pid_start = proc_start_time (getpid ());
  st.monitor_pid = getpid ();
  st.monitor_start = st.pid_start;
  snprintf (st.boot_id, sizeof st.boot_id, "%s", boot_id ());
  st.started_at = time_now_ns ();
  return st;
}

static void
test_state_roundtrip (void **state)
{
  struct fixture *f = *state;
  struct container_state st = running_as_self (), back;
  galley_error_t err = NULL;
  _cleanup_close_ int lock = -1;

  /* no state file: created */
  assert_int_equal (container_state_read (&f->paths, ID, &back, &err), 0);
  assert_int_equal (back.status, CONTAINER_STATUS_CREATED);
  lock = container_lock (&f->paths, ID, &err);
  assert_true (lock >= 0);
  assert_int_equal (container_state_write (&f->paths, ID, &st, &err), 0);
  assert_int_equal (container_state_read (&f->paths, ID, &back, &err), 0);
  assert_int_equal (back.status, CONTAINER_STATUS_RUNNING);
  assert_int_equal (back.pid, getpid ());
  assert_true (back.pid_start != 0);
  assert_false (back.reconciled);
  /* the lock is exclusive: another open file description cannot take it */
  {
    _cleanup_free_ char *dir = container_dir (&f->paths, ID);
    _cleanup_close_ int dfd = open (dir, O_PATH | O_DIRECTORY);
    _cleanup_close_ int other = lock_open (dfd, "lock", &err);
    assert_true (other >= 0);
    assert_int_equal (lock_try (other, LOCK_EXCLUSIVE, &err), 1);
    close (lock);
    lock = -1;
    assert_int_equal (lock_try (other, LOCK_EXCLUSIVE, &err), 0);
  }
}

static void
test_state_reconciles (void **state)
{
  struct fixture *f = *state;
  struct container_state st = running_as_self (), back;
  galley_error_t err = NULL;
  _cleanup_free_ char *rdir = container_run_dir (&f->paths, ID);
  pid_t child;
  int status;

  /* a recycled pid: same pid, another start time */
  st.pid_start += 1;
  assert_int_equal (container_state_write (&f->paths, ID, &st, &err), 0);
  assert_int_equal (container_state_read (&f->paths, ID, &back, &err), 0);
  /* after a grace period for the living monitor to record the exit */
  assert_int_equal (back.status, CONTAINER_STATUS_EXITED);
  /* a dead monitor: exited, 137 (the init dies with it) */
  child = fork ();
  if (child == 0)
    _exit (0);
  st = running_as_self ();
  st.monitor_pid = child;
  st.monitor_start = proc_start_time (child);
  waitpid (child, &status, 0);
  if (st.monitor_start == 0)
    st.monitor_start = 1;
  assert_int_equal (container_state_write (&f->paths, ID, &st, &err), 0);
  assert_int_equal (container_state_read (&f->paths, ID, &back, &err), 0);
  assert_int_equal (back.status, CONTAINER_STATUS_EXITED);
  assert_int_equal (back.exit_code, 137);
  assert_true (back.reconciled);
  /* found dead with its locks free: recorded so, its finished time once */
  {
    struct container_state again;
    assert_int_equal (container_state_load (&f->paths, ID, &again, &err), 0);
    assert_int_equal (again.status, CONTAINER_STATUS_EXITED);
    assert_int_equal (again.exit_code, 137);
    assert_true (again.finished_at == back.finished_at);
    assert_int_equal (container_state_read (&f->paths, ID, &again, &err), 0);
    assert_true (again.finished_at == back.finished_at);
  }
  /* live on another host: not ours to check (written there, where the
   * host is its own) */
  {
    _cleanup_free_ char *dir = container_dir (&f->paths, ID);
    _cleanup_close_ int dfd = open (dir, O_PATH | O_DIRECTORY);
    assert_int_equal (fs_write_text (dfd, "state.json",
                                     "{ \"Status\": \"running\", \"Pid\": 4194000, \"PidStartTime\": 1, "
                                     "\"BootID\": \"00000000-0000-0000-0000-000000000000\", "
                                     "\"Host\": \"node-a.cluster\" }",
                                     0600, &err),
                      0);
  }
  assert_int_equal (container_state_read (&f->paths, ID, &back, &err), 0);
  assert_int_equal (back.status, CONTAINER_STATUS_RUNNING);
  assert_true (back.host_id == host_id_of ("node-a.cluster"));
  assert_true (back.elsewhere);
  /* another boot */
  st = running_as_self ();
  strcpy (st.boot_id, "00000000-0000-0000-0000-000000000000");
  assert_int_equal (container_state_write (&f->paths, ID, &st, &err), 0);
  assert_int_equal (container_state_read (&f->paths, ID, &back, &err), 0);
  assert_int_equal (back.status, CONTAINER_STATUS_EXITED);
  /* a wiped runroot */
  st = running_as_self ();
  assert_int_equal (container_state_write (&f->paths, ID, &st, &err), 0);
  assert_int_equal (rmdir (rdir), 0);
  assert_int_equal (container_state_read (&f->paths, ID, &back, &err), 0);
  assert_int_equal (back.status, CONTAINER_STATUS_EXITED);
}

static void
test_state_missing (void **state)
{
  struct fixture *f = *state;
  struct container_state back;
  galley_error_t err = NULL;
  struct container_entry e;

  assert_int_equal (container_state_read (&f->paths,
                                          "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
                                          &back, &err),
                    -1);
  assert_int_equal (galley_error_errno (&err), ENOENT);
  assert_null (strstr (err->msg, "No such file"));
  galley_error_release (&err);
  assert_int_equal (container_find (&f->paths, "nope", &e, &err), -1);
  assert_int_equal (galley_error_errno (&err), ENOENT);
  galley_error_release (&err);
  assert_int_equal (container_find (&f->paths, "c", &e, &err), 0);
  assert_string_equal (e.id, ID);
  container_entry_clear (&e);
}

/* The listing's rows as "name:status" lines, oldest first; and whether
 * the cache it leaves is stamped as current (the next listing reads no
 * container).  */
static char *
listing_text (const struct galley_paths *p, bool *current)
{
  _cleanup_free_ char *cdir = NULL, *cache = NULL;
  struct container_listing *l = NULL;
  galley_error_t err = NULL;
  char *text = NULL, stamp[CHANGE_STAMP_MAX];
  size_t len = 0, i;
  FILE *f = open_memstream (&text, &len);

  assert_int_equal (container_listing_open (p, &l, &err), 0);
  for (i = 0; i < container_listing_count (l); i++)
    {
      struct container_entry e;
      assert_int_equal (container_listing_entry (l, i, &e, &err), 0);
      fprintf (f, "%s:%s\n", container_entry_name (&e), container_status_name (e.state.status));
      container_entry_clear (&e);
    }
  container_listing_close (l);
  fclose (f);
  assert_true (asprintf (&cdir, "%s/containers", p->root) > 0);
  {
    _cleanup_close_ int dfd = open (cdir, O_RDONLY | O_DIRECTORY);
    _cleanup_close_ int rfd = open (p->runroot, O_RDONLY | O_DIRECTORY);
    assert_true (change_counter_stamp (dfd, CONTAINERS_CHANGE_COUNTER, stamp));
    assert_int_equal (fs_read_file (rfd, "containers-list.cache", 0, &cache, NULL, &err), 0);
    *current = strstr (cache, stamp) != NULL && strchr (cache, '\n') > strstr (cache, stamp);
  }
  return text;
}

static void
test_listing_sees_every_change (void **state)
{
  static const char *const OTHER = "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";
  struct fixture *f = *state;
  struct container_state st = running_as_self ();
  _cleanup_container_config_ struct container_config config = { 0 }, other = { 0 };
  galley_error_t err = NULL;
  bool current;
  char *text;

  text = listing_text (&f->paths, &current);
  assert_string_equal (text, "c:created\n");
  free (text);
  /* the fixture wrote its record less than a second ago: not yet kept */
  text = listing_text (&f->paths, &current);
  free (text);
  sleep (2);
  text = listing_text (&f->paths, &current);
  free (text);
  assert_true (current);
  /* each change, in the same clock tick as the listing before it */
  assert_int_equal (container_state_write (&f->paths, ID, &st, &err), 0);
  text = listing_text (&f->paths, &current);
  assert_string_equal (text, "c:running\n");
  free (text);
  assert_int_equal (container_load (&f->paths, ID, &config, &err), 0);
  assert_int_equal (container_config_set_string (&config.name, "renamed", &err), 0);
  assert_int_equal (container_write_record (&f->paths, ID, &config, &err), 0);
  text = listing_text (&f->paths, &current);
  assert_string_equal (text, "renamed:running\n");
  free (text);
  assert_int_equal (container_create (&f->paths, OTHER, "other", &other, NULL, &err), 0);
  text = listing_text (&f->paths, &current);
  assert_string_equal (text, "renamed:running\nother:created\n");
  free (text);
  assert_int_equal (container_remove (&f->paths, NULL, ID, NULL, &err), 0);
  text = listing_text (&f->paths, &current);
  assert_string_equal (text, "other:created\n");
  free (text);
}

/* Lookups by name, full id and unique id prefix, as podman's; an
 * ambiguous prefix is an error; generated names are free.  */
static void
test_lookup (void **state)
{
  static const char *const A1 = "aaa1000000000000000000000000000000000000000000000000000000000000";
  static const char *const A2 = "aaa2000000000000000000000000000000000000000000000000000000000000";
  struct fixture *f = *state;
  galley_error_t err = NULL;
  _cleanup_container_config_ struct container_config c1 = { 0 }, c2 = { 0 }, c3 = { 0 }, config = { 0 };
  char *name = NULL;

  assert_int_equal (container_create (&f->paths, A1, "first", &c1, NULL, &err), 0);
  assert_int_equal (container_create (&f->paths, A2, "aaa1", &c2, NULL, &err), 0);
  /* full id, unique prefix, name */
  assert_int_equal (container_load (&f->paths, A1, &config, &err), 0);
  assert_string_equal (config.name, "first");
  assert_int_equal (container_load (&f->paths, "aaa2", &config, &err), 0);
  assert_string_equal (config.name, "aaa1");
  /* a name wins over the id prefix it looks like */
  assert_int_equal (container_load (&f->paths, "aaa1", &config, &err), 0);
  assert_string_equal (config.id, A2);
  assert_int_equal (container_load (&f->paths, "c", &config, &err), 0);
  assert_string_equal (config.id, ID);
  /* ambiguous, too short, unknown */
  assert_int_equal (container_load (&f->paths, "aaa", &config, &err), -1);
  assert_non_null (strstr (err->msg, "more than one result for container \"aaa\""));
  galley_error_release (&err);
  assert_int_equal (container_load (&f->paths, "01", &config, &err), -1);
  assert_int_equal (galley_error_errno (&err), ENOENT);
  galley_error_release (&err);
  /* names */
  assert_int_equal (container_name_lookup (&f->paths, "first", &err), 1);
  assert_int_equal (container_name_lookup (&f->paths, "aaa2", &err), 0);
  assert_int_equal (container_create (&f->paths,
                                      "bbb0000000000000000000000000000000000000000000000000000000000000",
                                      "first", &c3, NULL, &err),
                    -1);
  assert_int_equal (galley_error_errno (&err), EEXIST);
  galley_error_release (&err);
  assert_int_equal (container_generate_name (&f->paths, &name, &err), 0);
  assert_int_equal (container_name_lookup (&f->paths, name, &err), 0);
  free (name);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_log_records),
    cmocka_unit_test (test_log_relay),
    cmocka_unit_test (test_log_rotation),
    cmocka_unit_test (test_times),
    cmocka_unit_test (test_signals),
    cmocka_unit_test (test_restart_policies),
    cmocka_unit_test (test_human),
    cmocka_unit_test_setup_teardown (test_state_roundtrip, setup, teardown),
    cmocka_unit_test_setup_teardown (test_state_reconciles, setup, teardown),
    cmocka_unit_test_setup_teardown (test_state_missing, setup, teardown),
    cmocka_unit_test_setup_teardown (test_listing_sees_every_change, setup, teardown),
    cmocka_unit_test_setup_teardown (test_lookup, setup, teardown),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
