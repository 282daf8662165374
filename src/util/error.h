/* galley's one error convention.
 *
 * A function that can fail takes `galley_error_t *err` as its last argument,
 * returns a negative value on failure and fills *err with a message (and the
 * errno that caused it, if any).  Callers add context on the way up:
 *
 *     if (registry_fetch_manifest (reg, ref, &m, err) < 0)
 *       return galley_error_wrap (err, "pulling %s", name);
 *
 * Library code never prints and never exits: only main() turns an error into
 * a message on stderr and an exit code.  */
#ifndef GALLEY_ERROR_H
#define GALLEY_ERROR_H

#include <stdarg.h>

/* Exit codes, as podman's (docs/design.md, "Exit codes").  */
enum
{
  GALLEY_EXIT_FAILURE = 125,       /* galley itself failed */
  GALLEY_EXIT_CANNOT_INVOKE = 126, /* the container command could not be invoked */
  GALLEY_EXIT_NOT_FOUND = 127,     /* the container command was not found */
};

struct galley_error_s
{
  int errno_;    /* the errno behind the failure, 0 if none */
  int exit_code; /* what main() exits with; GALLEY_EXIT_FAILURE unless set */
  char *msg;
};
typedef struct galley_error_s *galley_error_t;

/* Fill *err (which must be NULL) and return -1.  errno_ may be 0; when it is
 * not, ": strerror(errno_)" is appended to the message.  */
int galley_error_make (galley_error_t *err, int errno_, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));
int galley_error_makev (galley_error_t *err, int errno_, const char *fmt, va_list ap)
    __attribute__ ((format (printf, 3, 0)));

/* Like galley_error_make, with a specific exit code (126, 127, ...).  */
int galley_error_make_exit (galley_error_t *err, int exit_code, int errno_, const char *fmt, ...)
    __attribute__ ((format (printf, 4, 5)));

/* An error that callers classify by its errno but whose message is worded
 * in full (as podman's, without strerror's words).  */
int galley_error_kind (galley_error_t *err, int errno_, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));
/* Prefix the existing message with context: "context: message".  Returns -1.  */
int galley_error_wrap (galley_error_t *err, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

/* The errno recorded in *err, or 0.  */
int galley_error_errno (const galley_error_t *err);

/* Free the error and set *err to NULL.  Safe on NULL.  */
void galley_error_release (galley_error_t *err);

#define _cleanup_error_ __attribute__ ((cleanup (galley_error_release)))

#endif
