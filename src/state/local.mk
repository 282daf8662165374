# src/state: paths, locks, container records
libgalley_a_SOURCES += \
	src/state/paths.c src/state/paths.h \
	src/state/lock.c src/state/lock.h
