/* Giving an idle process's memory back (see idle_memory.h).  */
#include "config.h"
#include "runtime/idle_memory.h"

#include <fcntl.h>
#include <malloc.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "util/cleanup.h"

#define PAGEMAP_PRESENT (1ULL << 63)
#define PAGEMAP_FILE (1ULL << 61)

struct file_range
{
  uintptr_t start, end;
};

/* The file mappings of /proc/self/maps, and the [stack].  Parsed by hand:
 * stdio's scanf would touch most of libc's text again.  */
static size_t
read_maps (struct file_range *ranges, size_t max, struct file_range *stack)
{
  char buf[32768]; /* on the stack, given back with it */
  _cleanup_close_ int fd = open ("/proc/self/maps", O_RDONLY | O_CLOEXEC);
  size_t len = 0, n = 0;
  char *line, *next;
  ssize_t r;

  if (fd < 0)
    return 0;
  while (len < sizeof buf - 1 && (r = read (fd, buf + len, sizeof buf - 1 - len)) > 0)
    len += (size_t)r;
  buf[len] = '\0';
  for (line = buf; *line != '\0'; line = next)
    {
      char *end, *path;
      struct file_range fr;

      next = strchrnul (line, '\n');
      if (*next != '\n')
        break; /* cut off by the buffer's end */
      *next++ = '\0';
      fr.start = strtoul (line, &end, 16);
      if (*end != '-')
        continue;
      fr.end = strtoul (end + 1, &end, 16);
      path = strchr (end, '/');
      if (path == NULL && strstr (end, "[stack]") != NULL)
        *stack = fr;
      else if (path != NULL && n < max)
        ranges[n++] = fr;
    }
  return n;
}

/* Unmap the pages of r that are the file's own, in runs.  */
static void
drop_file_pages (int pagemap, const struct file_range *r)
{
  const uintptr_t page = (uintptr_t)sysconf (_SC_PAGESIZE);
  uintptr_t addr = r->start, run = 0;
  uint64_t entries[512];

  madvise ((void *)r->start, r->end - r->start, MADV_RANDOM);
  while (addr < r->end)
    {
      size_t want = (r->end - addr) / page, i, got;
      ssize_t n;

      if (want > 512)
        want = 512;
      n = pread (pagemap, entries, want * sizeof entries[0], (off_t)(addr / page * sizeof entries[0]));
      if (n <= 0)
        break;
      got = (size_t)n / sizeof entries[0];
      for (i = 0; i < got; i++, addr += page)
        {
          bool file_page =
              (entries[i] & (PAGEMAP_PRESENT | PAGEMAP_FILE)) == (PAGEMAP_PRESENT | PAGEMAP_FILE);
          if (file_page && run == 0)
            run = addr;
          else if (! file_page && run != 0)
            {
              madvise ((void *)run, addr - run, MADV_DONTNEED);
              run = 0;
            }
        }
    }
  if (run != 0)
    madvise ((void *)run, addr - run, MADV_DONTNEED);
}

void
idle_memory_release (void)
{
  struct file_range ranges[128], stack = { 0, 0 };
  const uintptr_t page = (uintptr_t)sysconf (_SC_PAGESIZE);
  _cleanup_close_ int pagemap = -1;
  uintptr_t below;
  size_t n, i;

  malloc_trim (0);
  n = read_maps (ranges, sizeof ranges / sizeof ranges[0], &stack);
  pagemap = open ("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
  if (pagemap < 0)
    return;
  for (i = 0; i < n; i++)
    drop_file_pages (pagemap, &ranges[i]);
  /* What the start-up left of the stack, well below this frame.  */
  below = ((uintptr_t)&below & ~(page - 1)) - 4 * page;
  if (stack.start != 0 && below > stack.start && below <= stack.end)
    madvise ((void *)stack.start, below - stack.start, MADV_DONTNEED);
}
