# src/registry: image references, registries.conf, and the libcurl client (http.c is the one libcurl boundary)
libgalley_a_SOURCES += \
	src/registry/authfile.c src/registry/authfile.h \
	src/registry/challenge.c src/registry/challenge.h \
	src/registry/client.c src/registry/client.h \
	src/registry/endpoints.c src/registry/endpoints.h \
	src/registry/http.c src/registry/http.h \
	src/registry/reference.c src/registry/reference.h \
	src/registry/registries_conf.c src/registry/registries_conf.h \
	src/registry/short_names.c \
	src/registry/session.c src/registry/session.h \
	src/registry/tls.c src/registry/tls.h \
	src/registry/upload.c src/registry/upload.h
if LAZY_LIBS
libgalley_a_SOURCES += src/registry/curl_lazy.c
endif
