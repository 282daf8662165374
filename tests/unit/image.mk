# unit tests of src/image (cmocka; add to check_PROGRAMS and TESTS inside if HAVE_CMOCKA)
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test-reference
TESTS += tests/unit/test-reference
tests_unit_test_reference_SOURCES = tests/unit/test-reference.c
tests_unit_test_reference_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_reference_LDADD = $(GALLEY_LIBS) $(CMOCKA_LIBS)
endif
