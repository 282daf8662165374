# conf: sources owned by this directory
galleydatadir = $(datadir)/galley
dist_galleydata_DATA = conf/seccomp.json
EXTRA_DIST += conf/registries.conf
# galley.conf, all keys commented out at their defaults
galleyconfdir = $(sysconfdir)/galley
dist_galleyconf_DATA = conf/galley.conf
