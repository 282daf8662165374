/* Every endpoint of the service, by area; routes.c maps paths to them.  */
#ifndef GALLEY_API_ENDPOINTS_H
#define GALLEY_API_ENDPOINTS_H

#include "api/api.h"

/* system.c */
int api_system_ping (const struct api_request *req, struct api_reply *reply, galley_error_t *err);
int api_system_version (const struct api_request *req, struct api_reply *reply, galley_error_t *err);
int api_system_info (const struct api_request *req, struct api_reply *reply, galley_error_t *err);

/* images.c */
int api_images_list (const struct api_request *req, struct api_reply *reply, galley_error_t *err);
int api_images_inspect (const struct api_request *req, struct api_reply *reply, galley_error_t *err);
int api_images_history (const struct api_request *req, struct api_reply *reply, galley_error_t *err);
int api_images_tag (const struct api_request *req, struct api_reply *reply, galley_error_t *err);

/* containers.c */
int api_containers_list (const struct api_request *req, struct api_reply *reply, galley_error_t *err);
int api_containers_create (const struct api_request *req, struct api_reply *reply, galley_error_t *err);
int api_containers_inspect (const struct api_request *req, struct api_reply *reply, galley_error_t *err);
int api_containers_start (const struct api_request *req, struct api_reply *reply, galley_error_t *err);
int api_containers_stop (const struct api_request *req, struct api_reply *reply, galley_error_t *err);
int api_containers_restart (const struct api_request *req, struct api_reply *reply, galley_error_t *err);
int api_containers_kill (const struct api_request *req, struct api_reply *reply, galley_error_t *err);
int api_containers_pause (const struct api_request *req, struct api_reply *reply, galley_error_t *err);
int api_containers_unpause (const struct api_request *req, struct api_reply *reply, galley_error_t *err);
int api_containers_rename (const struct api_request *req, struct api_reply *reply, galley_error_t *err);
int api_containers_delete (const struct api_request *req, struct api_reply *reply, galley_error_t *err);

/* container_streams.c */
int api_containers_wait (const struct api_request *req, struct api_reply *reply, galley_error_t *err);
int api_containers_logs (const struct api_request *req, struct api_reply *reply, galley_error_t *err);
int api_containers_attach (const struct api_request *req, struct api_reply *reply, galley_error_t *err);

/* exec.c */
int api_exec_create (const struct api_request *req, struct api_reply *reply, galley_error_t *err);
int api_exec_start (const struct api_request *req, struct api_reply *reply, galley_error_t *err);
int api_exec_inspect (const struct api_request *req, struct api_reply *reply, galley_error_t *err);

#endif
