/* The compiled-filter cache (see seccomp_cache.h).  */
#include "config.h"
#include "runtime/seccomp_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "image/digest.h"
#include "runtime/seccomp.h"
#include "util/cleanup.h"
#include "util/fs.h"

#define CACHE_MAGIC 0x67736331u /* "gsc1" */

struct cache_header
{
  uint32_t magic;
  uint32_t flags;
  uint32_t len;
  uint32_t reserved;
};

void
seccomp_program_clear (struct seccomp_program *prog)
{
  free (prog->insns);
  memset (prog, 0, sizeof *prog);
}

static int
cache_key (const char *profile, size_t len, uint64_t caps, char out[DIGEST_SHA256_BUFSIZE],
           galley_error_t *err)
{
  const struct scmp_version *v = seccomp_version ();
  struct utsname u;
  _cleanup_free_ char *buf = NULL;
  char suffix[160];
  int n;

  uname (&u);
  n = snprintf (suffix, sizeof suffix, "\n%016llx\n%u.%u.%u\n%s\n", (unsigned long long)caps,
                v ? v->major : 0, v ? v->minor : 0, v ? v->micro : 0, u.machine);
  buf = malloc (len + (size_t)n);
  if (buf == NULL)
    return galley_error_make (err, errno, "allocating");
  memcpy (buf, profile, len);
  memcpy (buf + len, suffix, (size_t)n);
  return digest_sha256_hex (buf, len + (size_t)n, out) < 0
             ? galley_error_make (err, 0, "hashing the seccomp profile")
             : 0;
}

static int
read_cached (int dirfd, const char *name, struct seccomp_program *out)
{
  _cleanup_free_ char *data = NULL;
  struct cache_header h;
  size_t len;
  galley_error_t ignore = NULL;

  if (fs_read_file (dirfd, name, 1 << 20, &data, &len, &ignore) < 0)
    {
      galley_error_release (&ignore);
      return -1;
    }
  if (len < sizeof h)
    return -1;
  memcpy (&h, data, sizeof h);
  if (h.magic != CACHE_MAGIC || h.len == 0 || h.len > BPF_MAXINSNS
      || len != sizeof h + h.len * sizeof (struct sock_filter))
    return -1;
  out->insns = malloc (h.len * sizeof (struct sock_filter));
  if (out->insns == NULL)
    return -1;
  memcpy (out->insns, data + sizeof h, h.len * sizeof (struct sock_filter));
  out->len = (unsigned short)h.len;
  out->flags = h.flags;
  return 0;
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
  _cleanup_free_ char *profile = NULL, *dir = NULL, *name = NULL, *blob = NULL;
  _cleanup_close_ int dirfd = -1;
  char key[DIGEST_SHA256_BUFSIZE];
  size_t len;
  galley_error_t ignore = NULL;

  memset (out, 0, sizeof *out);
  if (path == NULL)
    return galley_error_make (err, errno, "allocating");
  if (fs_read_file (AT_FDCWD, path, 4 << 20, &profile, &len, err) < 0)
    return galley_error_wrap (err, "loading the seccomp profile");
  if (cache_key (profile, len, caps, key, err) < 0)
    return -1;
  if (asprintf (&dir, "%s/seccomp", p->runroot) < 0 || asprintf (&name, "%s.bpf", key) < 0)
    return galley_error_make (err, errno, "allocating");
  if (mkdir (dir, 0700) < 0 && errno != EEXIST)
    dir[0] = '\0';
  dirfd = dir[0] ? open (dir, O_PATH | O_DIRECTORY | O_CLOEXEC) : -1;
  if (dirfd >= 0 && read_cached (dirfd, name, out) == 0)
    return 0;
  if (compile (path, caps, out, err) < 0)
    {
      seccomp_program_clear (out);
      return galley_error_wrap (err, "loading the seccomp profile %s", path);
    }
  if (dirfd >= 0)
    {
      size_t size = out->len * sizeof (struct sock_filter);
      struct cache_header h = { CACHE_MAGIC, out->flags, out->len, 0 };
      blob = malloc (sizeof h + size);
      if (blob != NULL)
        {
          memcpy (blob, &h, sizeof h);
          memcpy (blob + sizeof h, out->insns, size);
          if (fs_write_atomic (dirfd, name, blob, sizeof h + size, 0600, &ignore) < 0)
            galley_error_release (&ignore);
        }
    }
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
