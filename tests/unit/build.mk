# unit tests of src/build (cmocka; add to check_PROGRAMS and TESTS inside if HAVE_CMOCKA)
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test-containerfile
TESTS += tests/unit/test-containerfile
tests_unit_test_containerfile_SOURCES = tests/unit/test-containerfile.c
tests_unit_test_containerfile_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_containerfile_LDADD = $(GALLEY_LIBS) $(CMOCKA_LIBS)
endif
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test-build-ignore tests/unit/test-build-context
TESTS += tests/unit/test-build-ignore tests/unit/test-build-context
tests_unit_test_build_ignore_SOURCES = tests/unit/test-build-ignore.c
tests_unit_test_build_ignore_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_build_ignore_LDADD = $(GALLEY_LIBS) $(CMOCKA_LIBS)
tests_unit_test_build_context_SOURCES = tests/unit/test-build-context.c
tests_unit_test_build_context_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_build_context_LDADD = $(GALLEY_LIBS) $(CMOCKA_LIBS)
endif
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test-build-cache
TESTS += tests/unit/test-build-cache
tests_unit_test_build_cache_SOURCES = tests/unit/test-build-cache.c tests/unit/temp-root.h
tests_unit_test_build_cache_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_build_cache_LDADD = $(GALLEY_LIBS) $(CMOCKA_LIBS)
endif
