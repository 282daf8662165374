# unit tests of src/runtime (cmocka; add to check_PROGRAMS and TESTS inside if HAVE_CMOCKA)
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test-idmap
TESTS += tests/unit/test-idmap
tests_unit_test_idmap_SOURCES = tests/unit/test-idmap.c
tests_unit_test_idmap_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_idmap_LDADD = $(GALLEY_LIBS) $(CMOCKA_LIBS)
endif
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test-seccomp tests/unit/test-caps
TESTS += tests/unit/test-seccomp tests/unit/test-caps
tests_unit_test_seccomp_SOURCES = tests/unit/test-seccomp.c
tests_unit_test_seccomp_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) -DABS_SRCDIR_FALLBACK='"$(abs_top_srcdir)"'
tests_unit_test_seccomp_LDADD = $(GALLEY_LIBS) $(CMOCKA_LIBS)
tests_unit_test_caps_SOURCES = tests/unit/test-caps.c
tests_unit_test_caps_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_caps_LDADD = $(GALLEY_LIBS) $(CMOCKA_LIBS)
endif
