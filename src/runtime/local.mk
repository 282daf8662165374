# src/runtime: sources owned by this directory
libgalley_a_SOURCES += src/runtime/helpers.c src/runtime/helpers.h
libgalley_a_SOURCES += \
	src/runtime/spec.c src/runtime/spec.h \
	src/runtime/mount_args.c src/runtime/mount_args.h \
	src/runtime/mounts.c src/runtime/mounts.h \
	src/runtime/rootfs.c src/runtime/rootfs.h \
	src/runtime/storage_probe.c src/runtime/storage_probe.h \
	src/runtime/unmapped_ids.c src/runtime/unmapped_ids.h \
	src/runtime/rootfs_fuse.c src/runtime/rootfs_fuse.h \
	src/runtime/rootfs_squash.c src/runtime/rootfs_squash.h \
	src/runtime/squash_write.c src/runtime/squash_write.h \
	src/runtime/rootfs_copy.c src/runtime/rootfs_copy.h \
	src/runtime/init.c src/runtime/init.h \
	src/runtime/init_channel.c src/runtime/init_channel.h \
	src/runtime/reaper.c src/runtime/reaper.h \
	src/runtime/terminal.c src/runtime/terminal.h \
	src/runtime/process.c src/runtime/process.h \
	src/runtime/cgroup.c src/runtime/cgroup.h \
	src/runtime/batch_job.c src/runtime/batch_job.h \
	src/runtime/seccomp_cache.c src/runtime/seccomp_cache.h
libgalley_a_SOURCES += src/runtime/seccomp.c src/runtime/seccomp.h
libgalley_a_SOURCES += src/runtime/caps.c src/runtime/caps.h
libgalley_a_SOURCES += src/runtime/info.c src/runtime/info.h
libgalley_a_SOURCES += src/runtime/masks.c src/runtime/masks.h
libgalley_a_SOURCES += src/runtime/passwd.c src/runtime/passwd.h src/runtime/passwd_add.c src/runtime/passwd_add.h
libgalley_a_SOURCES += src/runtime/envfile.c src/runtime/envfile.h src/runtime/secret_mounts.c src/runtime/secret_mounts.h
libgalley_a_SOURCES += src/runtime/devices.c src/runtime/devices.h
libgalley_a_SOURCES += src/runtime/monitor.c src/runtime/monitor.h
libgalley_a_SOURCES += src/runtime/log_relay.c src/runtime/log_relay.h src/runtime/attach.c src/runtime/attach.h
libgalley_a_SOURCES += src/runtime/lifecycle.c src/runtime/lifecycle.h \
	src/runtime/enter.c src/runtime/enter.h \
	src/runtime/exec.c src/runtime/exec.h src/runtime/copy.c src/runtime/copy.h \
	src/runtime/export.c src/runtime/export.h
libgalley_a_SOURCES += src/runtime/slirp.c src/runtime/slirp.h src/runtime/network.c src/runtime/network.h \
	src/runtime/netns.c src/runtime/netns.h src/runtime/bridge.c src/runtime/bridge.h \
	src/runtime/bridge_hosts.c src/runtime/bridge_hosts.h \
	src/runtime/network_join.c src/runtime/portfwd.c src/runtime/portfwd.h
libgalley_a_SOURCES += src/runtime/volume_mounts.c src/runtime/volume_mounts.h
libgalley_a_SOURCES += src/runtime/namespaces.c src/runtime/namespaces.h
libgalley_a_SOURCES += src/runtime/commit.c src/runtime/commit.h
libgalley_a_SOURCES += src/runtime/launch.c src/runtime/launch_detached.c src/runtime/launch.h
libgalley_a_SOURCES += src/runtime/idle_memory.c src/runtime/idle_memory.h
libgalley_a_SOURCES += src/runtime/hook_set.c src/runtime/hook_set.h src/runtime/hooks.c src/runtime/hooks.h \
	src/runtime/hooks_exec.c src/runtime/hooks_exec.h \
	src/runtime/hooks_spec.c src/runtime/hooks_spec.h
libgalley_a_SOURCES += src/runtime/cdi.c src/runtime/cdi.h src/runtime/cdi_spec.c src/runtime/cdi_spec.h
