/* The HTTP/1.1 server behind `galley system service`, on libmicrohttpd: one
 * thread per connection (a stream may block), requests routed through
 * router.h to the endpoints, and the idle timer that ends the service.  */
#ifndef GALLEY_API_SERVER_H
#define GALLEY_API_SERVER_H

#include "state/galley_config.h"
#include "state/paths.h"
#include "util/error.h"

struct api_service_options
{
  const char *uri;       /* NULL: the socket systemd passed, else the default one */
  unsigned idle_seconds; /* exit after this long without a request; 0: never */
  const struct galley_paths *paths;
  const struct galley_config *config;
};

/* Serve until idle for idle_seconds or until SIGTERM, SIGINT or SIGHUP.  */
int api_serve (const struct api_service_options *o, galley_error_t *err);

#endif
