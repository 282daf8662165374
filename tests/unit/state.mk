# unit tests of src/state (cmocka; add to check_PROGRAMS and TESTS inside if HAVE_CMOCKA)
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test-ulimit
TESTS += tests/unit/test-ulimit
tests_unit_test_ulimit_SOURCES = tests/unit/test-ulimit.c
tests_unit_test_ulimit_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_ulimit_LDADD = $(GALLEY_LIBS) $(CMOCKA_LIBS)
endif
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test-secret
TESTS += tests/unit/test-secret
tests_unit_test_secret_SOURCES = tests/unit/test-secret.c
tests_unit_test_secret_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_secret_LDADD = $(GALLEY_LIBS) $(CMOCKA_LIBS)
endif
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test-pod
TESTS += tests/unit/test-pod
tests_unit_test_pod_SOURCES = tests/unit/test-pod.c
tests_unit_test_pod_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_pod_LDADD = $(GALLEY_LIBS) $(CMOCKA_LIBS)
endif
