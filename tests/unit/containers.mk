# unit tests of the container lifecycle (src/state/container_*, runtime/lifecycle, runtime/monitor)
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test-containers
TESTS += tests/unit/test-containers
tests_unit_test_containers_SOURCES = tests/unit/test-containers.c
tests_unit_test_containers_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_containers_LDADD = $(GALLEY_LIBS) $(CMOCKA_LIBS)
endif
