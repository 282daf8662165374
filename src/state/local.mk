# src/state: paths, locks, container records
libgalley_a_SOURCES += \
	src/state/paths.c src/state/paths.h \
	src/state/lock.c src/state/lock.h
libgalley_a_SOURCES += src/state/container.c src/state/container.h \
	src/state/container_config.c src/state/container_config.h
libgalley_a_SOURCES += src/state/galley_config.c src/state/galley_config.h
libgalley_a_SOURCES += src/state/container_state.c src/state/container_state.h \
	src/state/container_log.c src/state/container_log.h \
	src/state/container_exit.c src/state/container_exit.h \
	src/state/container_list.c src/state/container_list.h \
	src/state/container_list_cache.c \
	src/state/container_info.c src/state/container_info.h
libgalley_a_SOURCES += src/state/volume.c src/state/volume.h src/state/volume_options.c src/state/volume_options.h
libgalley_a_SOURCES += src/state/secret.c src/state/secret.h src/state/container_secrets.c src/state/container_secrets.h
libgalley_a_SOURCES += src/state/network.c src/state/network.h src/state/network_lease.c \
	src/state/network_members.c src/state/network_members.h
libgalley_a_SOURCES += src/state/netconf.c src/state/netconf.h src/state/portspec.c src/state/portspec.h \
	src/state/ulimit.c src/state/ulimit.h
libgalley_a_SOURCES += src/state/container_filter.c src/state/container_filter.h
libgalley_a_SOURCES += src/state/events.c src/state/events.h src/state/events_read.c
libgalley_a_SOURCES += src/state/pod.c src/state/pod.h
