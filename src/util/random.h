/* Random identifiers from the kernel's generator (getrandom(2)).  */
#ifndef GALLEY_RANDOM_H
#define GALLEY_RANDOM_H

#include <stddef.h>

#include "util/error.h"

/* digits random lower-case hex digits and a NUL into out (digits + 1 bytes).  */
int random_hex (char *out, size_t digits, galley_error_t *err);

#endif
