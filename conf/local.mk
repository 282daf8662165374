# conf: sources owned by this directory
galleydatadir = $(datadir)/galley
dist_galleydata_DATA = conf/seccomp.json
EXTRA_DIST += conf/registries.conf
