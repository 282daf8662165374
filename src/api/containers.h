/* What the container endpoints share (containers.c, container_streams.c):
 * the engine of a request, the container its path names, Docker's names
 * for galley's states.  */
#ifndef GALLEY_API_CONTAINERS_H
#define GALLEY_API_CONTAINERS_H

#include "api/api.h"
#include "engine/container.h"

void api_engine (const struct api_request *req, struct engine *e);

/* The container req->param[0] names; ENOENT in Docker's words ("No such
 * container: x") when there is none.  */
int api_container_find (const struct api_request *req, struct container_entry *c, galley_error_t *err);

const char *api_container_state (enum container_status s);

#endif
