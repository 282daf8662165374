/* Platforms (os/architecture/variant): the host's, the user's choice from
 * --platform/--os/--arch/--variant, normalisation as containerd's, and the
 * ordered compatibility used to pick an entry of an image index.  */
#ifndef GALLEY_PLATFORM_H
#define GALLEY_PLATFORM_H

#include <stdbool.h>

#include "util/error.h"

struct platform
{
  char *os;           /* "linux" */
  char *architecture; /* GOARCH names: "amd64", "arm64", "arm", "386", ... */
  char *variant;      /* "v7", "v8"; NULL when none */
};

/* The host: os from uname (lowercased), architecture and arm variant from
 * uname's machine, normalised.  */
int platform_host (struct platform *out, galley_error_t *err);

/* The platform an index entry must match, from the pull options (each may be
 * NULL): --platform "os/arch[/variant]" or --os/--arch/--variant, defaults
 * from the host.  --platform together with --os or --arch is an error, as in
 * podman.  */
int platform_from_options (const char *platform, const char *os, const char *arch, const char *variant,
                           struct platform *out, galley_error_t *err);

/* Normalise names in place as containerd does: x86_64 -> amd64,
 * aarch64 -> arm64, armhf -> arm/v7, armel -> arm/v6, i386 -> 386; arm64's
 * variant defaults to v8 and arm's to v7; lowercase.  */
void platform_normalize (struct platform *p);

/* How well `have` (an index entry) serves `want`: 0 is an exact match,
 * larger numbers are less preferred compatible matches (arm/v6 on an arm/v7
 * host, a variant-less entry), -1 when incompatible.  Both normalised.  */
int platform_match_rank (const struct platform *want, const struct platform *have);

/* "os/arch[/variant]".  NULL when out of memory.  */
char *platform_format (const struct platform *p);

int platform_copy (const struct platform *src, struct platform *dst);
void platform_release (struct platform *p);
#define _cleanup_platform_ __attribute__ ((cleanup (platform_release)))

#endif
