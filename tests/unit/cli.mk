# unit tests of src/cli (cmocka; add to check_PROGRAMS and TESTS inside if HAVE_CMOCKA)
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test-cli-parse
TESTS += tests/unit/test-cli-parse
tests_unit_test_cli_parse_SOURCES = tests/unit/test-cli-parse.c
tests_unit_test_cli_parse_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_cli_parse_LDADD = $(GALLEY_LIBS) $(CMOCKA_LIBS)
endif
