# src/state: paths, locks, container records
libgalley_a_SOURCES += \
	src/state/paths.c src/state/paths.h \
	src/state/lock.c src/state/lock.h
libgalley_a_SOURCES += src/state/container.c src/state/container.h
libgalley_a_SOURCES += src/state/galley_config.c src/state/galley_config.h
libgalley_a_SOURCES += src/state/container_state.c src/state/container_state.h \
	src/state/container_log.c src/state/container_log.h
libgalley_a_SOURCES += src/state/volume.c src/state/volume.h
