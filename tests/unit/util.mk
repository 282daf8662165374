# unit tests of src/util (cmocka; add to check_PROGRAMS and TESTS inside if HAVE_CMOCKA)
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test-toml
TESTS += tests/unit/test-toml
tests_unit_test_toml_SOURCES = tests/unit/test-toml.c
tests_unit_test_toml_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_toml_LDADD = $(GALLEY_LIBS) $(CMOCKA_LIBS)
endif
