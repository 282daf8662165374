/* NULL-terminated vectors of malloc'ed strings (freed with cleanup_strvp,
 * util/cleanup.h).  A NULL vector is the empty one.  Allocation aborts when
 * memory runs out (util/xmalloc.h): the int functions return 0.  */
#ifndef GALLEY_UTIL_STRV_H
#define GALLEY_UTIL_STRV_H

#include <stdbool.h>
#include <stddef.h>

size_t strv_len (char *const *v);
bool strv_contains (char *const *v, const char *s);

/* Free v and its strings (NULL: nothing).  */
void strv_free (char **v);

/* A copy of v (a new empty vector for NULL).  */
char **strv_copy (char *const *v);

/* Append a copy of s.  */
int strv_append (char ***v, const char *s);

/* strv_append unless v already holds s.  */
int strv_append_unique (char ***v, const char *s);

/* The elements joined by sep ("" for none), malloc'ed.  */
char *strv_join (char *const *v, const char *sep);

/* s cut at each sep, a new vector (strv_join's inverse for elements that
 * neither are empty nor hold sep: "" gives none).  */
char **strv_split (const char *s, char sep);

/* A vector of "KEY=value" used as a map (labels, annotations): the value
 * of key (NULL when absent), and setting it (in place when key is there,
 * else appended).  */
const char *strv_kv_get (char *const *v, const char *key);
int strv_kv_set (char ***v, const char *key, const char *value);

#endif
