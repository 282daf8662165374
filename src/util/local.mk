# src/util: errors, logging, cleanup attributes, fs helpers, json, format templates
libgalley_a_SOURCES += \
	src/util/cleanup.h \
	src/util/sanitizer.h \
	src/util/error.c src/util/error.h \
	src/util/error_text.c src/util/error_text.h \
	src/util/digest.c src/util/digest.h \
	src/util/fs.c src/util/fs.h \
	src/util/json.c src/util/json.h \
	src/util/log.c src/util/log.h \
	src/util/format.c src/util/format.h \
	src/util/template.c src/util/template.h src/util/template-exec.c src/util/template-funcs.c \
	src/util/template-internal.h \
	src/util/toml.c src/util/toml.h \
	src/util/parallel.c src/util/parallel.h
libgalley_a_SOURCES += src/util/lazylib.c src/util/lazylib.h
libgalley_a_SOURCES += src/util/list_cache.c src/util/list_cache.h
libgalley_a_SOURCES += src/util/change_counter.c src/util/change_counter.h
libgalley_a_SOURCES += src/util/strv.c src/util/strv.h
libgalley_a_SOURCES += src/util/xmalloc.c src/util/xmalloc.h
libgalley_a_SOURCES += src/util/filter.c src/util/filter.h
libgalley_a_SOURCES += src/util/path.c src/util/path.h
libgalley_a_SOURCES += src/util/utf8.c src/util/utf8.h
libgalley_a_SOURCES += src/util/random.c src/util/random.h
libgalley_a_SOURCES += src/util/signal_names.c src/util/signal_names.h
libgalley_a_SOURCES += src/util/time.c src/util/time.h
libgalley_a_SOURCES += src/util/size.c src/util/size.h
if LAZY_LIBS
libgalley_a_SOURCES += src/util/crypto_lazy.c
endif
libgalley_a_SOURCES += src/util/version.c src/util/version.h
libgalley_a_SOURCES += src/util/edit_distance.c src/util/edit_distance.h
libgalley_a_SOURCES += src/util/yaml.c src/util/yaml.h
if LAZY_LIBS
libgalley_a_SOURCES += src/util/yaml_lazy.c
endif
libgalley_a_SOURCES += src/util/fs_trust.c src/util/fs_trust.h
libgalley_a_SOURCES += src/util/json_fields.c src/util/json_fields.h
