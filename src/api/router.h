/* Routing a request to its endpoint: the optional /vX.Y version prefix, then
 * the route table (routes.c) matched segment by segment.  A pattern's
 * {name} takes one path segment; {name*} takes one or more (an image name
 * with slashes, as Docker's {name:.*}).  Pure functions of the text: the
 * fuzz target and the unit tests drive them without a server.  */
#ifndef GALLEY_API_ROUTER_H
#define GALLEY_API_ROUTER_H

#include "api/api.h"

struct api_route
{
  const char *method;
  const char *pattern;
  api_handler handler;
};

/* The service's table (routes.c).  */
extern const struct api_route api_routes[];
extern const size_t api_n_routes;

/* Split url's version prefix.  No prefix: *minor is the newest served and
 * *rest is url.  A version outside what is served is an EINVAL error in
 * Docker's words ("client version 1.50 is too new. Maximum supported API
 * version is 1.41").  */
int api_route_version (const char *url, unsigned *minor, const char **rest, galley_error_t *err);

enum api_match_result
{
  API_MATCH_FOUND,
  API_MATCH_NOT_FOUND,  /* no pattern fits the path: 404 */
  API_MATCH_BAD_METHOD, /* a pattern fits, for other methods only: 405 */
};

struct api_match
{
  const struct api_route *route;
  const char *param[API_MAX_PARAMS]; /* point into buf */
  char *buf;
};

/* Find method + path in routes[0..n).  On API_MATCH_FOUND, m holds the
 * route and its parameters; release m in every case.  */
enum api_match_result api_route_match (const struct api_route *routes, size_t n, const char *method,
                                       const char *path, struct api_match *m);
void api_match_release (struct api_match *m);

#endif
