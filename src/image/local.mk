# src/image: sources owned by this directory (one entry per line)
libgalley_a_SOURCES += \
	src/image/digest.c src/image/digest.h \
	src/image/reference.c src/image/reference.h
