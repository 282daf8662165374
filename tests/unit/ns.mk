# unit tests of src/ns (cmocka; add to check_PROGRAMS and TESTS inside if HAVE_CMOCKA)
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test-idmap
TESTS += tests/unit/test-idmap
tests_unit_test_idmap_SOURCES = tests/unit/test-idmap.c
tests_unit_test_idmap_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_idmap_LDADD = $(GALLEY_LIBS) $(CMOCKA_LIBS)
endif
