/* libsubid (which drags in PAM, audit, SELinux and semanage) loaded on first
 * use: trampolines for the functions idmap.c calls (see util/lazylib.h).  */
#include "config.h"

#include <shadow/subid.h>
#include <stdio.h>

#include "util/lazylib.h"

LAZY_LIB (subid, GALLEY_SONAME_SUBID);

LAZY_FN (subid, bool, subid_init, (const char *progname, FILE *logfd), (progname, logfd))
LAZY_FN (subid, int, subid_get_uid_ranges, (const char *owner, struct subid_range **ranges), (owner, ranges))
LAZY_FN (subid, int, subid_get_gid_ranges, (const char *owner, struct subid_range **ranges), (owner, ranges))
