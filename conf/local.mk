# conf: sources owned by this directory
galleydatadir = $(datadir)/galley
dist_galleydata_DATA = conf/seccomp.json
