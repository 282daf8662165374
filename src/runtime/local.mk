# src/runtime: sources owned by this directory
libgalley_a_SOURCES += src/runtime/helpers.c src/runtime/helpers.h
