/* The Levenshtein distance between two words, as cobra's command
 * suggestions measure it.  */
#ifndef GALLEY_EDIT_DISTANCE_H
#define GALLEY_EDIT_DISTANCE_H

#include <stdbool.h>
#include <stddef.h>

/* The number of one-byte insertions, deletions and substitutions that turn
 * a into b (ASCII letters compared without case when ignore_case).  Words
 * longer than 255 bytes count as SIZE_MAX apart.  */
size_t edit_distance (const char *a, const char *b, bool ignore_case);

#endif
