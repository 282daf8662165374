/* The service's route table: every path of the Docker Engine API galley
 * serves, with or without a /vX.Y prefix (router.h).  */
#include "config.h"
#include "api/endpoints.h"
#include "api/router.h"

const struct api_route api_routes[] = {
  { "GET", "/_ping", api_system_ping },
  { "HEAD", "/_ping", api_system_ping },
  { "GET", "/version", api_system_version },
  { "GET", "/info", api_system_info },
  { "GET", "/images/json", api_images_list },
  { "GET", "/images/{name*}/json", api_images_inspect },
  { "GET", "/images/{name*}/history", api_images_history },
  { "POST", "/images/{name*}/tag", api_images_tag },
};

const size_t api_n_routes = sizeof api_routes / sizeof api_routes[0];
