/* Unit tests of the seccomp profile loader: the default profile really
 * denies what containers-common's denies (checked by a forked child that
 * installs the filter and makes the syscall), includes/excludes, args,
 * and one clear error per bad profile; the compiled-program cache follows
 * the profile it was compiled from.  */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "runtime/caps.h"
#include "runtime/seccomp.h"
#include "runtime/seccomp_cache.h"
#include "util/fs.h"

/* Install ctx in a child and make the syscall there: 0 if it succeeded,
 * else its errno.  no_new_privs lets an unprivileged test install it.  */
static int
errno_under_filter (scmp_filter_ctx ctx, long nr, long a0, long a1, long a2, long a3)
{
  int status;
  pid_t pid = fork ();

  assert_true (pid >= 0);
  if (pid == 0)
    {
      galley_error_t err = NULL;
      long r;

      if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || seccomp_profile_apply (ctx, &err) < 0)
        _exit (255);
      r = syscall (nr, a0, a1, a2, a3, 0L, 0L);
      _exit (r < 0 ? errno : 0);
    }
  assert_int_equal (waitpid (pid, &status, 0), pid);
  assert_true (WIFEXITED (status));
  assert_int_not_equal (WEXITSTATUS (status), 255);
  return WEXITSTATUS (status);
}

static scmp_filter_ctx
load_default (uint64_t caps)
{
  galley_error_t err = NULL;
  scmp_filter_ctx ctx = NULL;

  if (seccomp_profile_load (NULL, caps, &ctx, &err) < 0)
    fail_msg ("%s", err->msg);
  assert_non_null (ctx);
  return ctx;
}

static void
test_default_profile_allows_and_denies (void **state)
{
  _cleanup_seccomp_ scmp_filter_ctx ctx = load_default (caps_default ());

  /* allowed: the kernel answers */
  assert_int_equal (errno_under_filter (ctx, SYS_read, -1, 0, 0, 0), EBADF);
  assert_int_equal (errno_under_filter (ctx, SYS_getpid, 0, 0, 0, 0), 0);
  assert_int_equal (errno_under_filter (ctx, SYS_chroot, (long)"/nonexistent-dir", 0, 0, 0), ENOENT);
  /* not listed: the default action, ENOSYS */
  assert_int_equal (errno_under_filter (ctx, SYS_add_key, 0, 0, 0, 0), ENOSYS);
  assert_int_equal (errno_under_filter (ctx, SYS_request_key, 0, 0, 0, 0), ENOSYS);
  /* listed as EPERM */
  assert_int_equal (errno_under_filter (ctx, SYS_kexec_load, 0, 0, 0, 0), EPERM);
  assert_int_equal (errno_under_filter (ctx, SYS_swapon, 0, 0, 0, 0), EPERM);
  assert_int_equal (errno_under_filter (ctx, SYS_userfaultfd, 0, 0, 0, 0), EPERM);
  /* capability-gated: the default capabilities lack these */
  assert_int_equal (errno_under_filter (ctx, SYS_bpf, 0, 0, 0, 0), EPERM);
  assert_int_equal (errno_under_filter (ctx, SYS_init_module, 0, 0, 0, 0), EPERM);
  assert_int_equal (errno_under_filter (ctx, SYS_open_by_handle_at, -1, 0, 0, 0), EPERM);
  assert_int_equal (errno_under_filter (ctx, SYS_settimeofday, 0, 0, 0, 0), EPERM);
  assert_int_equal (errno_under_filter (ctx, SYS_kcmp, 0, 0, 0, 0), EPERM);
  /* audit netlink sockets need CAP_AUDIT_WRITE (EINVAL, as containers-common) */
  assert_int_equal (errno_under_filter (ctx, SYS_socket, AF_NETLINK, SOCK_RAW, NETLINK_AUDIT, 0), EINVAL);
  assert_int_equal (errno_under_filter (ctx, SYS_socket, AF_UNIX, SOCK_STREAM, 0, 0), 0);
  /* personality: the query and PER_LINUX32 only */
  assert_int_equal (errno_under_filter (ctx, SYS_personality, 0xffffffffL, 0, 0, 0), 0);
  assert_int_equal (errno_under_filter (ctx, SYS_personality, 0x0040000 /* ADDR_NO_RANDOMIZE */, 0, 0, 0),
                    ENOSYS);
}

static void
test_caps_select_entries (void **state)
{
  uint64_t caps = (caps_default () | CAPS_BIT (CAP_SYS_ADMIN)) & ~CAPS_BIT (CAP_SYS_CHROOT);
  _cleanup_seccomp_ scmp_filter_ctx ctx = load_default (caps);

  /* without CAP_SYS_CHROOT the profile denies chroot */
  assert_int_equal (errno_under_filter (ctx, SYS_chroot, (long)"/nonexistent-dir", 0, 0, 0), EPERM);
  /* with CAP_SYS_ADMIN bpf reaches the kernel (which says EFAULT or EPERM, not ENOSYS) */
  assert_int_not_equal (errno_under_filter (ctx, SYS_bpf, 0, 0, 0, 0), ENOSYS);
}

static void
test_sub_architectures_added (void **state)
{
  _cleanup_seccomp_ scmp_filter_ctx ctx = load_default (caps_default ());

  if (seccomp_arch_native () != SCMP_ARCH_X86_64)
    skip ();
  assert_int_equal (seccomp_arch_exist (ctx, SCMP_ARCH_X86_64), 0);
  assert_int_equal (seccomp_arch_exist (ctx, SCMP_ARCH_X86), 0);
  assert_int_equal (seccomp_arch_exist (ctx, SCMP_ARCH_X32), 0);
}

static int
load_text (const char *text, uint64_t caps, scmp_filter_ctx *ctx, galley_error_t *err)
{
  return seccomp_profile_load_data (text, strlen (text), "test.json", caps, ctx, err);
}

static void
test_custom_profile_semantics (void **state)
{
  /* unknown syscall names skipped; includes by arch and minKernel; several
   * conditions on one argument are alternatives; errnoRet; ERRNO without
   * errnoRet is EPERM.  */
  const char *text =
      "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
      "{\"names\":[\"no_such_syscall_at_all\",\"getppid\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":5},"
      "{\"names\":[\"getpgrp\"],\"action\":\"SCMP_ACT_ERRNO\",\"includes\":{\"arches\":[\"s390x\"]}},"
      "{\"names\":[\"getsid\"],\"action\":\"SCMP_ACT_ERRNO\",\"includes\":{\"minKernel\":\"99.0\"}},"
      "{\"names\":[\"getpriority\"],\"action\":\"SCMP_ACT_ERRNO\",\"includes\":{\"minKernel\":\"3.0\"}},"
      "{\"names\":[\"getuid\"],\"action\":\"SCMP_ACT_ERRNO\",\"excludes\":{\"caps\":[\"CAP_SETUID\"]}},"
      "{\"names\":[\"getgid\"],\"action\":\"SCMP_ACT_ERRNO\",\"excludes\":{\"caps\":[\"CAP_SYS_ADMIN\"]}},"
      "{\"names\":[\"dup\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":7,\"args\":["
      "{\"index\":0,\"value\":100,\"op\":\"SCMP_CMP_EQ\"},{\"index\":0,\"value\":101,\"op\":\"SCMP_CMP_EQ\"}]"
      "}"
      "]}";
  _cleanup_seccomp_ scmp_filter_ctx ctx = NULL;
  _cleanup_error_ galley_error_t err = NULL;

  if (load_text (text, caps_default (), &ctx, &err) < 0)
    fail_msg ("%s", err->msg);
  assert_int_equal (errno_under_filter (ctx, SYS_getppid, 0, 0, 0, 0), 5);
  if (seccomp_arch_native () != SCMP_ARCH_S390X)
    assert_int_equal (errno_under_filter (ctx, SYS_getpgrp, 0, 0, 0, 0), 0);
  assert_int_equal (errno_under_filter (ctx, SYS_getsid, 0, 0, 0, 0), 0);
  assert_int_equal (errno_under_filter (ctx, SYS_getpriority, 0, 0, 0, 0), EPERM);
  assert_int_equal (errno_under_filter (ctx, SYS_getuid, 0, 0, 0, 0), 0);
  assert_int_equal (errno_under_filter (ctx, SYS_getgid, 0, 0, 0, 0), EPERM);
  assert_int_equal (errno_under_filter (ctx, SYS_dup, 100, 0, 0, 0), 7);
  assert_int_equal (errno_under_filter (ctx, SYS_dup, 101, 0, 0, 0), 7);
  assert_int_equal (errno_under_filter (ctx, SYS_dup, 102, 0, 0, 0), EBADF);
}

static void
expect_error (const char *text, const char *needle)
{
  _cleanup_seccomp_ scmp_filter_ctx ctx = NULL;
  _cleanup_error_ galley_error_t err = NULL;

  assert_int_equal (load_text (text, caps_default (), &ctx, &err), -1);
  assert_null (ctx);
  assert_non_null (err);
  if (strstr (err->msg, needle) == NULL || strstr (err->msg, "test.json") == NULL)
    fail_msg ("error \"%s\" lacks \"%s\"", err->msg, needle);
}

static void
test_bad_profiles (void **state)
{
  expect_error ("", "test.json");
  expect_error ("{", "test.json");
  expect_error ("[]", "expected a JSON object");
  expect_error ("{}", "missing \"defaultAction\"");
  expect_error ("{\"defaultAction\":\"SCMP_ACT_NOPE\"}", "unknown action \"SCMP_ACT_NOPE\"");
  expect_error ("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":-1}", "errnoRet -1 out of range");
  expect_error ("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":\"x\"}",
                "errnoRet must be a number");
  expect_error ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":{}}", "\"syscalls\" must be an array");
  expect_error ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[1]}", "syscalls[0]: must be an object");
  expect_error ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"]}]}",
                "syscalls[0]: missing \"action\"");
  expect_error ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{},{\"action\":\"SCMP_ACT_LOG\"}]}",
                "syscalls[0]: missing \"action\"");
  expect_error ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_"
                "ACT_LOG\"},"
                "{\"action\":\"SCMP_ACT_LOG\"}]}",
                "syscalls[1]: missing \"names\"");
  expect_error (
      "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[3],\"action\":\"SCMP_ACT_LOG\"}]}",
      "names[0] must be a string");
  expect_error (
      "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_LOG\","
      "\"args\":[{\"index\":6,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]}]}",
      "index must be 0 to 5");
  expect_error (
      "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_LOG\","
      "\"args\":[{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_SOMETIMES\"}]}]}",
      "unknown op \"SCMP_CMP_SOMETIMES\"");
  expect_error (
      "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_LOG\","
      "\"args\":[{\"index\":0,\"value\":-4,\"op\":\"SCMP_CMP_EQ\"}]}]}",
      "value must be a non-negative number");
  expect_error (
      "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_LOG\","
      "\"includes\":{\"caps\":[\"CAP_FLY\"]}}]}",
      "unknown capability \"CAP_FLY\"");
  expect_error (
      "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_LOG\","
      "\"includes\":{\"minKernel\":\"new\"}}]}",
      "invalid minKernel");
  expect_error ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_"
                "ACT_NOTIFY\"}]}",
                "SCMP_ACT_NOTIFY is not supported");
  expect_error ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"archMap\":[{\"architecture\":\"SCMP_ARCH_Z80\"}]}",
                "archMap[0]: unknown architecture \"SCMP_ARCH_Z80\"");
  expect_error ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":[\"SECCOMP_FILTER_FLAG_NOPE\"]}",
                "unknown flag");
}

static void
test_missing_file_and_env_override (void **state)
{
  _cleanup_seccomp_ scmp_filter_ctx ctx = NULL;
  _cleanup_error_ galley_error_t err = NULL;
  char *path;

  assert_int_equal (seccomp_profile_load ("/nonexistent/seccomp.json", 0, &ctx, &err), -1);
  assert_non_null (strstr (err->msg, "/nonexistent/seccomp.json"));

  setenv ("GALLEY_SECCOMP_PROFILE", "/some/where.json", 1);
  path = seccomp_default_profile_path ();
  assert_string_equal (path, "/some/where.json");
  free (path);
  unsetenv ("GALLEY_SECCOMP_PROFILE");
}

/* The errno getppid returns under the cached program for PROFILE.  */
static int
cached_getppid_errno (const struct galley_paths *p, const char *profile)
{
  struct seccomp_program prog;
  _cleanup_error_ galley_error_t err = NULL;
  int status;
  pid_t pid;

  if (seccomp_program_get (p, profile, caps_default (), &prog, &err) < 0)
    fail_msg ("%s", err->msg);
  pid = fork ();
  assert_true (pid >= 0);
  if (pid == 0)
    {
      if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || seccomp_program_install (&prog, &err) < 0)
        _exit (255);
      _exit (syscall (SYS_getppid) < 0 ? errno : 0);
    }
  seccomp_program_clear (&prog);
  assert_int_equal (waitpid (pid, &status, 0), pid);
  assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

/* The number of compiled filters cached in dir/seccomp; *mode (when not
 * NULL) gets the mode of one of them.  */
static int
count_cache_files (const char *dir, mode_t *mode)
{
  char sub[512];
  DIR *d;
  struct dirent *de;
  struct stat st;
  int n = 0;

  snprintf (sub, sizeof sub, "%s/seccomp", dir);
  d = opendir (sub);
  assert_non_null (d);
  while ((de = readdir (d)) != NULL)
    {
      size_t len = strlen (de->d_name);
      if (len < 4 || strcmp (de->d_name + len - 4, ".bpf") != 0)
        continue;
      n++;
      assert_int_equal (fstatat (dirfd (d), de->d_name, &st, AT_SYMLINK_NOFOLLOW), 0);
      if (mode != NULL)
        *mode = st.st_mode & 07777;
    }
  closedir (d);
  return n;
}

static void
test_cache_follows_the_profile (void **state)
{
  const char *deny5 = "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
                      "{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":5}]}";
  const char *deny7 = "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
                      "{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":7}]}";
  char dir[] = "/tmp/galley-test-seccomp-XXXXXX", profile[64], name[512];
  struct galley_paths p = { 0 };
  _cleanup_error_ galley_error_t err = NULL;
  FILE *f;

  assert_non_null (mkdtemp (dir));
  p.runroot = dir;
  p.uid = geteuid ();
  snprintf (profile, sizeof profile, "%s/profile.json", dir);
  assert_int_equal (fs_write_atomic (AT_FDCWD, profile, deny5, strlen (deny5), 0600, &err), 0);

  /* compiled, cached, then served from the cache */
  assert_int_equal (cached_getppid_errno (&p, profile), 5);
  assert_int_equal (count_cache_files (dir, NULL), 1);
  assert_int_equal (cached_getppid_errno (&p, profile), 5);
  assert_int_equal (count_cache_files (dir, NULL), 1);

  /* the profile rewritten in place (same inode and size): its mtime makes
   * a new key, so the old program is not served */
  usleep (10000);
  f = fopen (profile, "r+");
  assert_non_null (f);
  assert_int_equal (fputs (deny7, f) >= 0, 1);
  fclose (f);
  assert_int_equal (cached_getppid_errno (&p, profile), 7);

  /* a cache file whose key does not match is ignored and replaced */
  snprintf (name, sizeof name, "sh -c 'for f in %s/seccomp/*.bpf; do printf garbage > $f; done'", dir);
  assert_int_equal (system (name), 0);
  assert_int_equal (cached_getppid_errno (&p, profile), 7);
  assert_int_equal (cached_getppid_errno (&p, profile), 7);

  snprintf (name, sizeof name, "rm -rf %s", dir);
  assert_int_equal (system (name), 0);
}

/* A program that others could have written is never installed: a cache
 * file writable by others is compiled again and replaced, and a cache
 * directory writable by others is neither read nor written.  */
static void
test_cache_trusts_only_private_files (void **state)
{
  const char *deny5 = "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
                      "{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":5}]}";
  char dir[] = "/tmp/galley-test-seccomp-XXXXXX", profile[64], sub[64], cmd[512];
  struct galley_paths p = { 0 };
  mode_t mode = 0;
  _cleanup_error_ galley_error_t err = NULL;

  assert_non_null (mkdtemp (dir));
  p.runroot = dir;
  p.uid = geteuid ();
  snprintf (profile, sizeof profile, "%s/profile.json", dir);
  snprintf (sub, sizeof sub, "%s/seccomp", dir);
  assert_int_equal (fs_write_atomic (AT_FDCWD, profile, deny5, strlen (deny5), 0600, &err), 0);

  assert_int_equal (cached_getppid_errno (&p, profile), 5);
  assert_int_equal (count_cache_files (dir, &mode), 1);
  assert_int_equal (mode, 0600);
  snprintf (cmd, sizeof cmd, "chmod 0666 %s/*.bpf", sub);
  assert_int_equal (system (cmd), 0);
  assert_int_equal (cached_getppid_errno (&p, profile), 5);
  assert_int_equal (count_cache_files (dir, &mode), 1);
  assert_int_equal (mode, 0600);

  snprintf (cmd, sizeof cmd, "rm %s/*.bpf", sub);
  assert_int_equal (system (cmd), 0);
  assert_int_equal (chmod (sub, 0777), 0);
  assert_int_equal (cached_getppid_errno (&p, profile), 5);
  assert_int_equal (count_cache_files (dir, NULL), 0);

  snprintf (cmd, sizeof cmd, "rm -rf %s", dir);
  assert_int_equal (system (cmd), 0);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_default_profile_allows_and_denies),
    cmocka_unit_test (test_caps_select_entries),
    cmocka_unit_test (test_sub_architectures_added),
    cmocka_unit_test (test_custom_profile_semantics),
    cmocka_unit_test (test_bad_profiles),
    cmocka_unit_test (test_missing_file_and_env_override),
    cmocka_unit_test (test_cache_follows_the_profile),
    cmocka_unit_test (test_cache_trusts_only_private_files),
  };

  /* The default profile from the source tree.  */
  if (getenv ("GALLEY_SRCDIR") == NULL)
    setenv ("GALLEY_SRCDIR", ABS_SRCDIR_FALLBACK, 0);
  return cmocka_run_group_tests (tests, NULL, NULL);
}
