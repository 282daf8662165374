# unit tests of src/build (cmocka; add to check_PROGRAMS and TESTS inside if HAVE_CMOCKA)
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test-containerfile
TESTS += tests/unit/test-containerfile
tests_unit_test_containerfile_SOURCES = tests/unit/test-containerfile.c
tests_unit_test_containerfile_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_containerfile_LDADD = $(GALLEY_LIBS) $(CMOCKA_LIBS)
endif
