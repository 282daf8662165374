# src/runtime: sources owned by this directory
libgalley_a_SOURCES += src/runtime/helpers.c src/runtime/helpers.h
libgalley_a_SOURCES += \
	src/runtime/idmap.c src/runtime/idmap.h \
	src/runtime/userns.c src/runtime/userns.h
libgalley_a_SOURCES += src/runtime/seccomp.c src/runtime/seccomp.h
libgalley_a_SOURCES += src/runtime/caps.c src/runtime/caps.h
libgalley_a_SOURCES += src/runtime/info.c src/runtime/info.h
