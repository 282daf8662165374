/* WWW-Authenticate challenges (RFC 7235): what a registry asks us to
 * authenticate with.  Parsed strictly enough to be safe, loosely enough for
 * real registries: several challenges in one header, quoted strings with
 * escapes and commas, token68, any case for scheme and parameter names.  */
#ifndef GALLEY_REGISTRY_CHALLENGE_H
#define GALLEY_REGISTRY_CHALLENGE_H

#include <stddef.h>

#include "util/error.h"

#define CHALLENGE_MAX_PARAMS 16

struct auth_param
{
  char *name; /* lower-cased */
  char *value;
};

struct auth_challenge
{
  char *scheme;  /* lower-cased: "basic", "bearer" */
  char *token68; /* NULL unless the challenge carried one */
  struct auth_param params[CHALLENGE_MAX_PARAMS];
  size_t n_params;
};

struct auth_challenges
{
  struct auth_challenge *items;
  size_t n;
};

/* Parse one header value and append its challenges to *out.  On a syntax
 * error nothing is appended and -1 is returned with EINVAL.  */
int auth_challenges_parse (const char *header, struct auth_challenges *out, galley_error_t *err);

/* The first challenge with this (lower-case) scheme, or NULL.  */
const struct auth_challenge *auth_challenges_find (const struct auth_challenges *c, const char *scheme);

/* The value of a parameter (name lower-case), or NULL.  */
const char *auth_challenge_param (const struct auth_challenge *c, const char *name);

void auth_challenges_release (struct auth_challenges *c);
#define _cleanup_auth_challenges_ __attribute__ ((cleanup (auth_challenges_release)))

#endif
