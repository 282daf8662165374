/* Sizes as podman's command line gives them (--memory, --shm-size):
 * docker's units.RAMInBytes.  */
#ifndef GALLEY_UTIL_SIZE_H
#define GALLEY_UTIL_SIZE_H

#include <stdint.h>

/* A decimal number with an optional fraction, then optionally b, or k, m,
 * g, t, p (powers of 1024) with an optional i and an optional b: "512m",
 * "1.5g", "100".  Returns 0 with the bytes in *out, -1 with errno EINVAL
 * (not a size) or ERANGE (2^63 bytes or more).  */
int size_parse (const char *s, int64_t *out);

#endif
