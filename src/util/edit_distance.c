/* Levenshtein distance over one row of the classic dynamic programme.  */
#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <string.h>

#include "util/edit_distance.h"

#define EDIT_DISTANCE_MAX_WORD 255

static int
fold (int c, bool ignore_case)
{
  return ignore_case ? tolower ((unsigned char)c) : (unsigned char)c;
}

size_t
edit_distance (const char *a, const char *b, bool ignore_case)
{
  size_t row[EDIT_DISTANCE_MAX_WORD + 1];
  size_t la = strlen (a), lb = strlen (b), i, j;

  if (la > EDIT_DISTANCE_MAX_WORD || lb > EDIT_DISTANCE_MAX_WORD)
    return SIZE_MAX;
  for (j = 0; j <= lb; j++)
    row[j] = j;
  for (i = 1; i <= la; i++)
    {
      size_t diagonal = row[0];
      row[0] = i;
      for (j = 1; j <= lb; j++)
        {
          size_t above = row[j];
          size_t best = diagonal + (fold (a[i - 1], ignore_case) != fold (b[j - 1], ignore_case));
          if (above + 1 < best)
            best = above + 1;
          if (row[j - 1] + 1 < best)
            best = row[j - 1] + 1;
          row[j] = best;
          diagonal = above;
        }
    }
  return row[lb];
}
