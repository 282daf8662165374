/* Giving an idle process's memory back.  An idle monitor should cost
 * what conmon costs.  It is a fork of the
 * command that started it, so its page tables still map what that command
 * touched: pages of the binary and its libraries, freed heap, a deep
 * stack.  Give the heap back (malloc_trim), and unmap every page of a file
 * mapping that is still the file's page in the page cache (pagemap says
 * "file page"; not a private copy such as relocated data): MADV_DONTNEED
 * then only drops our reference, and a page used again is faulted back in
 * from the page cache.  MADV_RANDOM first, so that such a fault maps that
 * page alone, not the 16 around it (fault-around): the idle loop touches a
 * few pages of libc and galley, not hundreds.  */
#ifndef GALLEY_RUNTIME_IDLE_MEMORY_H
#define GALLEY_RUNTIME_IDLE_MEMORY_H

/* Return the freed heap, the file pages still shared with the page cache
 * and the stack below the caller to the kernel.  Never fails: what cannot
 * be given back stays.  */
void idle_memory_release (void);

#endif
