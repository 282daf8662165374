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

#endif
