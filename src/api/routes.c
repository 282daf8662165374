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
  { "GET", "/containers/json", api_containers_list },
  { "POST", "/containers/create", api_containers_create },
  { "GET", "/containers/{name}/json", api_containers_inspect },
  { "POST", "/containers/{name}/start", api_containers_start },
  { "POST", "/containers/{name}/stop", api_containers_stop },
  { "POST", "/containers/{name}/restart", api_containers_restart },
  { "POST", "/containers/{name}/kill", api_containers_kill },
  { "POST", "/containers/{name}/pause", api_containers_pause },
  { "POST", "/containers/{name}/unpause", api_containers_unpause },
  { "POST", "/containers/{name}/rename", api_containers_rename },
  { "POST", "/containers/{name}/wait", api_containers_wait },
  { "GET", "/containers/{name}/logs", api_containers_logs },
  { "POST", "/containers/{name}/attach", api_containers_attach },
  { "DELETE", "/containers/{name}", api_containers_delete },
  { "POST", "/containers/{name}/exec", api_exec_create },
  { "POST", "/exec/{id}/start", api_exec_start },
  { "GET", "/exec/{id}/json", api_exec_inspect },
};

const size_t api_n_routes = sizeof api_routes / sizeof api_routes[0];
