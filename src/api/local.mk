# src/api: the REST service (Docker Engine API) behind `galley system service`
libgalley_a_SOURCES += \
	src/api/api.h src/api/endpoints.h \
	src/api/listen.c src/api/listen.h \
	src/api/router.c src/api/router.h \
	src/api/reply.c \
	src/api/server.c src/api/server.h \
	src/api/filters.c src/api/filters.h \
	src/api/schema.c src/api/schema.h src/api/create_body.c src/api/create_body.h \
	src/api/create_config.c \
	src/api/system.c src/api/images.c \
	src/api/containers.c src/api/containers.h src/api/container_streams.c src/api/exec.c \
	src/api/routes.c
if LAZY_LIBS
libgalley_a_SOURCES += src/api/mhd_lazy.c
endif
