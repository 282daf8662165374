# src/build: Containerfile parsing, ignore files, the build context
libgalley_a_SOURCES += \
	src/build/containerfile.c src/build/containerfile.h \
	src/build/ignore.c src/build/ignore.h \
	src/build/context.c src/build/context.h
