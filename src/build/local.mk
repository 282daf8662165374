# src/build: Containerfile parsing, ignore files, the build context
libgalley_a_SOURCES += \
	src/build/containerfile.c src/build/containerfile.h src/build/containerfile_internal.h \
	src/build/containerfile_instruction.c src/build/containerfile_expand.c \
	src/build/containerfile_words.c \
	src/build/ignore.c src/build/ignore.h \
	src/build/context.c src/build/context.h src/build/context_internal.h \
	src/build/context_copy.c
# the build executor and its layer cache
libgalley_a_SOURCES += \
	src/build/executor.c src/build/executor.h src/build/executor_internal.h \
	src/build/executor_meta.c src/build/executor_run.c src/build/executor_copy.c src/build/executor_squash.c src/build/run_secrets.c \
	src/build/cache.c src/build/cache.h
