/* Time as galley records it (nanoseconds since the epoch, in int64_t) and
 * as the command line and podman's records write it.  */
#ifndef GALLEY_UTIL_TIME_H
#define GALLEY_UTIL_TIME_H

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

#define NSEC_PER_SEC 1000000000LL

/* Current time in ns since the epoch.  */
int64_t time_now_ns (void);
/* CLOCK_MONOTONIC in ms, for deadlines.  */
int64_t time_monotonic_ms (void);
/* "2006-01-02T15:04:05.000000000Z" (RFC 3339 with nanoseconds, UTC).  */
void time_format_rfc3339 (int64_t ns, char *buf, size_t len);
/* Go's time.Time String() in the local zone, as podman prints event
 * times: "2006-01-02 15:04:05.999999999 -0700 MST" (trailing zeros of
 * the fraction dropped).  */
void time_format_go (int64_t ns, char *buf, size_t len);
/* RFC 3339 with optional fraction and zone -> ns; -1 when unparsable.  */
int64_t time_parse_rfc3339 (const char *text);
/* A point in time as podman's --since/--until/until= take it: RFC 3339, a
 * Unix time, or a Go duration ("10m", "1h30m", "5s") before now.  */
int time_parse_when (const char *text, int64_t *out, galley_error_t *err);

#endif
