/* Errors that quote untrusted text (references typed by users, manifests and
 * configs from registries, configuration files): the message must stay one
 * line and of reasonable length whatever the quoted text contains.  */
#ifndef GALLEY_ERROR_TEXT_H
#define GALLEY_ERROR_TEXT_H

#include <stddef.h>

#include "util/error.h"

#define ERROR_TEXT_MAX 1024

/* galley_error_make (err, 0, ...), then control characters in the message
 * become '?' and it is cut to ERROR_TEXT_MAX bytes (ending in "...").
 * Returns -1.  */
int error_untrusted (galley_error_t *err, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

/* s as it may appear in a one-line error, in buf: control and non-ASCII
 * bytes as '?', cut to fit size (ending in "...").  Returns buf.  */
const char *error_text_printable (const char *s, char *buf, size_t size);

#endif
