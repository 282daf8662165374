# src/engine: the operations both front ends call (engine.h)
libgalley_a_SOURCES += src/engine/engine.h src/engine/container.h \
	src/engine/container_create.c src/engine/container_lifecycle.c src/engine/container_io.c \
	src/engine/container_query.c src/engine/container_files.c \
	src/engine/pod.h src/engine/pod.c \
	src/engine/image.h src/engine/image.c \
	src/engine/volume.h src/engine/volume.c \
	src/engine/network.h src/engine/network.c src/engine/network_connect.c
