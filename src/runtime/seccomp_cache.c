/* The compiled-filter cache (see seccomp_cache.h).  */
#include "config.h"
#include "runtime/seccomp_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "runtime/seccomp.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/xmalloc.h"

#define CACHE_MAGIC 0x67736332u /* "gsc2" */

/* $runroot/seccomp/<name>.bpf holds the header, the key text (compared in
 * full on every read, so two keys sharing a name only cost a recompile) and
 * the program.  */
struct cache_header
{
  uint32_t magic;
  uint32_t flags;
  uint32_t len;     /* instructions */
  uint32_t key_len; /* bytes of key text */
};

void
seccomp_program_clear (struct seccomp_program *prog)
{
  free (prog->insns);
  memset (prog, 0, sizeof *prog);
}

/* What the program depends on.  The profile is named by its identity and
 * modification time rather than a digest of its bytes: hashing would load
 * and initialise libcrypto (~3 ms) in every `run`, which otherwise hashes
 * nothing, and reading the profile is then only needed to compile it.  A
 * profile replaced or edited gets a new inode or mtime, so a new key.  */
static int
cache_key (const char *profile_path, uint64_t caps, char **key, char **name, galley_error_t *err)
{
  const struct scmp_version *v = seccomp_version ();
  struct utsname u;
  struct stat st;

  if (stat (profile_path, &st) < 0)
    return galley_error_make (err, errno, "loading the seccomp profile %s", profile_path);
  uname (&u);
  *key = xasprintf ("%s\n%llx:%llx:%lld:%lld.%09ld\n%016llx\n%u.%u.%u\n%s\n", profile_path,
                    (unsigned long long)st.st_dev, (unsigned long long)st.st_ino, (long long)st.st_size,
                    (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec, (unsigned long long)caps,
                    v ? v->major : 0, v ? v->minor : 0, v ? v->micro : 0, u.machine);
  *name = xasprintf ("%llx-%llx-%016llx.bpf", (unsigned long long)st.st_dev, (unsigned long long)st.st_ino,
                     (unsigned long long)caps);
  return 0;
}

/* A program installed in every container must be one we wrote: the file
 * and its directory ours, and writable by nobody else.  */
static bool
trusted (const struct stat *st, uid_t uid)
{
  return st->st_uid == uid && (st->st_mode & (S_IWGRP | S_IWOTH)) == 0;
}

static int
read_cached (int dirfd, const char *name, const char *key, uid_t uid, struct seccomp_program *out)
{
  _cleanup_free_ char *data = NULL;
  size_t len, key_len = strlen (key), insns_size;
  struct cache_header h;
  struct stat st;
  galley_error_t ignore = NULL;

  /* the directory is trusted: nobody else can swap the file once checked */
  if (fstatat (dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || ! S_ISREG (st.st_mode) || ! trusted (&st, uid))
    return -1;
  if (fs_read_file (dirfd, name, 1 << 20, &data, &len, &ignore) < 0)
    {
      galley_error_release (&ignore);
      return -1;
    }
  if (len < sizeof h)
    return -1;
  memcpy (&h, data, sizeof h);
  if (h.magic != CACHE_MAGIC || h.len == 0 || h.len > BPF_MAXINSNS || h.key_len != key_len)
    return -1;
  insns_size = h.len * sizeof (struct sock_filter);
  if (len != sizeof h + key_len + insns_size || memcmp (data + sizeof h, key, key_len) != 0)
    return -1;
  out->insns = malloc (insns_size);
  if (out->insns == NULL)
    return -1;
  memcpy (out->insns, data + sizeof h + key_len, insns_size);
  out->len = (unsigned short)h.len;
  out->flags = h.flags;
  return 0;
}

static void
write_cached (int dirfd, const char *name, const char *key, const struct seccomp_program *prog)
{
  size_t key_len = strlen (key), insns_size = prog->len * sizeof (struct sock_filter);
  struct cache_header h = { CACHE_MAGIC, prog->flags, prog->len, (uint32_t)key_len };
  _cleanup_free_ char *blob = malloc (sizeof h + key_len + insns_size);
  galley_error_t ignore = NULL;

  if (blob == NULL)
    return;
  memcpy (blob, &h, sizeof h);
  memcpy (blob + sizeof h, key, key_len);
  memcpy (blob + sizeof h + key_len, prog->insns, insns_size);
  if (fs_write_atomic (dirfd, name, blob, sizeof h + key_len + insns_size, 0600, &ignore) < 0)
    galley_error_release (&ignore);
}

static int
compile (const char *profile_path, uint64_t caps, struct seccomp_program *out, galley_error_t *err)
{
  _cleanup_seccomp_ scmp_filter_ctx ctx = NULL;
  _cleanup_close_ int fd = -1;
  uint32_t attr = 0;
  struct stat st;
  int r;

  if (seccomp_profile_load (profile_path, caps, &ctx, err) < 0)
    return -1;
  fd = memfd_create ("galley-seccomp", MFD_CLOEXEC);
  if (fd < 0)
    return galley_error_make (err, errno, "memfd_create");
  r = seccomp_export_bpf (ctx, fd);
  if (r < 0)
    return galley_error_make (err, -r, "compiling the seccomp filter");
  if (fstat (fd, &st) < 0 || st.st_size == 0 || st.st_size % sizeof (struct sock_filter) != 0
      || st.st_size / sizeof (struct sock_filter) > BPF_MAXINSNS)
    return galley_error_make (err, 0, "compiling the seccomp filter: unexpected program size");
  out->len = (unsigned short)(st.st_size / sizeof (struct sock_filter));
  out->insns = malloc ((size_t)st.st_size);
  if (out->insns == NULL || pread (fd, out->insns, (size_t)st.st_size, 0) != st.st_size)
    return galley_error_make (err, errno, "reading the compiled seccomp filter");
  out->flags = 0;
  if (seccomp_attr_get (ctx, SCMP_FLTATR_CTL_LOG, &attr) == 0 && attr)
    out->flags |= SECCOMP_FILTER_FLAG_LOG;
  attr = 0;
  if (seccomp_attr_get (ctx, SCMP_FLTATR_CTL_SSB, &attr) == 0 && attr)
    out->flags |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;
  return 0;
}

int
seccomp_program_get (const struct galley_paths *p, const char *profile_path, uint64_t caps,
                     struct seccomp_program *out, galley_error_t *err)
{
  _cleanup_free_ char *path = profile_path ? strdup (profile_path) : seccomp_default_profile_path ();
  _cleanup_free_ char *dir = NULL, *key = NULL, *name = NULL;
  _cleanup_close_ int dirfd = -1;
  struct stat st;

  memset (out, 0, sizeof *out);
  if (path == NULL)
    return galley_error_make (err, errno, "allocating");
  if (cache_key (path, caps, &key, &name, err) < 0)
    return -1;
  dir = xasprintf ("%s/seccomp", p->runroot);
  if (mkdir (dir, 0700) == 0 || errno == EEXIST)
    dirfd = open (dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  /* not ours: neither read nor written, the filter is compiled each time */
  if (dirfd >= 0 && (fstat (dirfd, &st) < 0 || ! trusted (&st, p->uid)))
    {
      close (dirfd);
      dirfd = -1;
    }
  if (dirfd >= 0 && read_cached (dirfd, name, key, p->uid, out) == 0)
    return 0;
  if (compile (path, caps, out, err) < 0)
    {
      seccomp_program_clear (out);
      return galley_error_wrap (err, "loading the seccomp profile %s", path);
    }
  if (dirfd >= 0)
    write_cached (dirfd, name, key, out);
  return 0;
}

int
seccomp_program_install (const struct seccomp_program *prog, galley_error_t *err)
{
  struct sock_fprog fprog = { .len = prog->len, .filter = prog->insns };

  if (syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, prog->flags, &fprog) < 0)
    return galley_error_make (err, errno, "installing the seccomp filter");
  return 0;
}
