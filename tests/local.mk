# tests/: what tests/run-all.sh needs beyond the unit tests (tests/unit/*.mk)
# and the fuzz targets (tests/fuzz/local.mk), so that a tarball runs the
# whole suite as README.md says.  Directories are copied whole: a file added
# to one ships without an edit here.
EXTRA_DIST += tests/run-all.sh tests/setup-host.sh tests/valgrind.skip tests/valgrind.supp \
	tests/system tests/images tests/registry tests/build-fixtures \
	tests/slurm

# The layering of src/: no include goes up the layers or round in a cycle.
TESTS += tests/check-layering.sh
EXTRA_DIST += tests/check-layering.sh
