# unit tests of src/util (cmocka; add to check_PROGRAMS and TESTS inside if HAVE_CMOCKA)
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test-toml tests/unit/test-template tests/unit/test-format \
	tests/unit/test-config
TESTS += tests/unit/test-toml tests/unit/test-template tests/unit/test-format \
	tests/unit/test-config
tests_unit_test_toml_SOURCES = tests/unit/test-toml.c
tests_unit_test_toml_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_toml_LDADD = $(GALLEY_LIBS) $(CMOCKA_LIBS)
tests_unit_test_template_SOURCES = tests/unit/test-template.c
tests_unit_test_template_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_template_LDADD = $(GALLEY_LIBS) $(CMOCKA_LIBS)
tests_unit_test_format_SOURCES = tests/unit/test-format.c
tests_unit_test_format_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_format_LDADD = $(GALLEY_LIBS) $(CMOCKA_LIBS)
tests_unit_test_config_SOURCES = tests/unit/test-config.c
tests_unit_test_config_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_config_LDADD = $(GALLEY_LIBS) $(CMOCKA_LIBS)
check_PROGRAMS += tests/unit/test-fs
TESTS += tests/unit/test-fs
tests_unit_test_fs_SOURCES = tests/unit/test-fs.c
tests_unit_test_fs_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_fs_LDADD = $(GALLEY_LIBS) $(CMOCKA_LIBS)
check_PROGRAMS += tests/unit/test-lazylib
TESTS += tests/unit/test-lazylib
tests_unit_test_lazylib_SOURCES = tests/unit/test-lazylib.c
tests_unit_test_lazylib_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_lazylib_LDADD = $(GALLEY_LIBS) $(CMOCKA_LIBS)
endif
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test-list-cache
TESTS += tests/unit/test-list-cache
tests_unit_test_list_cache_SOURCES = tests/unit/test-list-cache.c
tests_unit_test_list_cache_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_list_cache_LDADD = $(GALLEY_LIBS) $(CMOCKA_LIBS)
endif
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test-parallel
TESTS += tests/unit/test-parallel
tests_unit_test_parallel_SOURCES = tests/unit/test-parallel.c
tests_unit_test_parallel_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_parallel_LDADD = $(GALLEY_LIBS) $(CMOCKA_LIBS)
check_PROGRAMS += tests/unit/test-strv
TESTS += tests/unit/test-strv
tests_unit_test_strv_SOURCES = tests/unit/test-strv.c
tests_unit_test_strv_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_strv_LDADD = $(GALLEY_LIBS) $(CMOCKA_LIBS)
check_PROGRAMS += tests/unit/test-xmalloc
TESTS += tests/unit/test-xmalloc
tests_unit_test_xmalloc_SOURCES = tests/unit/test-xmalloc.c
tests_unit_test_xmalloc_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_xmalloc_LDADD = $(GALLEY_LIBS) $(CMOCKA_LIBS)
check_PROGRAMS += tests/unit/test-filter
TESTS += tests/unit/test-filter
tests_unit_test_filter_SOURCES = tests/unit/test-filter.c
tests_unit_test_filter_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_filter_LDADD = $(GALLEY_LIBS) $(CMOCKA_LIBS)
check_PROGRAMS += tests/unit/test-yaml tests/unit/test-fs-trust
TESTS += tests/unit/test-yaml tests/unit/test-fs-trust
tests_unit_test_yaml_SOURCES = tests/unit/test-yaml.c
tests_unit_test_yaml_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_yaml_LDADD = $(GALLEY_LIBS) $(CMOCKA_LIBS)
tests_unit_test_fs_trust_SOURCES = tests/unit/test-fs-trust.c
tests_unit_test_fs_trust_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_fs_trust_LDADD = $(GALLEY_LIBS) $(CMOCKA_LIBS)
endif
