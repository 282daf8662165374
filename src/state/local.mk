# src/state: paths, locks, container records
libgalley_a_SOURCES += \
	src/state/paths.c src/state/paths.h \
	src/state/lock.c src/state/lock.h
libgalley_a_SOURCES += src/state/container.c src/state/container.h
libgalley_a_SOURCES += src/state/galley_config.c src/state/galley_config.h
