# src/cli: one file per command (thin: parse, call the core, print)
libgalley_a_SOURCES += \
	src/cli/cli.h src/cli/commands.def \
	src/cli/table.c src/cli/parse.c src/cli/report.c src/cli/help.c src/cli/complete.c src/cli/suggest.c \
	src/cli/version.c src/cli/info.c src/cli/system.c src/cli/events.c src/cli/container_prune.c \
	src/cli/login.c src/cli/logout.c src/cli/search.c \
	src/cli/pull.c src/cli/push.c
libgalley_a_SOURCES += src/cli/run.c src/cli/create.c src/cli/start.c \
	src/cli/run_options.c src/cli/run_options.h src/cli/restart.c
libgalley_a_SOURCES += src/cli/images.c src/cli/rmi.c src/cli/tag.c src/cli/image_inspect.c \
	src/cli/image_users.c src/cli/image_users.h \
	src/cli/image_prune.c src/cli/image_squash.c src/cli/history.c src/cli/load.c src/cli/save.c src/cli/inspect.c
libgalley_a_SOURCES += src/cli/volume.c src/cli/network.c src/cli/pod.c src/cli/secret.c src/cli/manifest.c
libgalley_a_SOURCES += src/cli/container_targets.c src/cli/container_targets.h \
	src/cli/ps.c src/cli/stop.c src/cli/rm.c src/cli/wait.c src/cli/pause.c src/cli/logs.c \
	src/cli/container_inspect.c src/cli/rename.c src/cli/port.c src/cli/top.c src/cli/exec.c src/cli/cp.c \
	src/cli/export.c src/cli/diff.c \
	src/cli/attach.c
libgalley_a_SOURCES += src/cli/commit.c src/cli/import.c
libgalley_a_SOURCES += src/cli/build.c
