/* Lexical operations on slash-separated paths: no file system access.  */
#ifndef GALLEY_PATH_H
#define GALLEY_PATH_H

/* Go's path.Clean: "a//b/../c/." -> "a/c", "" -> ".", "/.." -> "/",
 * "../a" stays.  Never NULL (aborts on OOM).  */
char *path_clean (const char *path);

#endif
