# conf: sources owned by this directory
galleydatadir = $(datadir)/galley
dist_galleydata_DATA = conf/seccomp.json
EXTRA_DIST += conf/registries.conf
# galley.conf, all keys commented out at their defaults
galleyconfdir = $(sysconfdir)/galley
dist_galleyconf_DATA = conf/galley.conf
# systemd user units: the API service's socket and the service it starts
systemduserunitdir = $(prefix)/lib/systemd/user
dist_systemduserunit_DATA = conf/galley.socket
systemduserunit_DATA = conf/galley.service
EXTRA_DIST += conf/galley.service.in
CLEANFILES += conf/galley.service
conf/galley.service: conf/galley.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) conf && sed -e 's|@bindir[@]|$(bindir)|g' $(srcdir)/conf/galley.service.in > $@
