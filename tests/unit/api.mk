# unit tests of src/api (cmocka; add to check_PROGRAMS and TESTS inside if HAVE_CMOCKA)
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test-api
TESTS += tests/unit/test-api
tests_unit_test_api_SOURCES = tests/unit/test-api.c
tests_unit_test_api_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_api_LDADD = $(GALLEY_LIBS) $(CMOCKA_LIBS)
endif
