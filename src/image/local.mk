# src/image: sources owned by this directory (one entry per line)
libgalley_a_SOURCES += \
	src/image/duplicate_keys.c \
	src/image/image_config.c \
	src/image/manifest.c src/image/manifest.h \
	src/image/platform.c src/image/platform.h \
	src/image/store.c src/image/store.h src/image/store_internal.h \
	src/image/store_layers.c \
	src/image/store_images.c src/image/store_images_write.c \
	src/image/store_images_cache.c src/image/store_readonly.c \
	src/image/image_info.c src/image/image_info.h \
	src/image/image_select.c src/image/image_select.h \
	src/image/image_load.c src/image/image_load.h \
	src/image/image_save.c src/image/image_save.h src/image/image_save_internal.h \
	src/image/image_save_archive.c \
	src/image/whiteout.c src/image/whiteout.h \
	src/image/layer_archive.c src/image/layer_archive.h \
	src/image/layer_fs.c src/image/layer_fs.h \
	src/image/layer_extract.c src/image/layer_extract.h \
	src/image/layer_out.c src/image/layer_out.h \
	src/image/layer_tar.c src/image/layer_tar.h \
	src/image/layer_split.c src/image/layer_split.h \
	src/image/layer_regen.c src/image/layer_regen.h \
	src/image/layer_import.c src/image/layer_import.h \
	src/image/image_write.c src/image/image_write.h \
	src/image/image_change.c src/image/image_change.h \
	src/image/image_import.c src/image/image_import.h \
	src/image/pull.c src/image/pull.h \
	src/image/push.c src/image/push.h src/image/manifest_list.c src/image/manifest_list.h src/image/manifest_list_internal.h src/image/manifest_list_remote.c src/image/manifest_list_push.c \
	src/image/pull_progress.c src/image/pull_progress.h \
	src/image/squash_config.c src/image/squash_config.h
if LAZY_LIBS
libgalley_a_SOURCES += src/image/archive_lazy.c src/image/squash_lazy.c
endif
