# unit tests of src/registry (cmocka; add to check_PROGRAMS and TESTS inside if HAVE_CMOCKA)
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test-registry-challenge
TESTS += tests/unit/test-registry-challenge
tests_unit_test_registry_challenge_SOURCES = tests/unit/test-registry-challenge.c
tests_unit_test_registry_challenge_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_registry_challenge_LDADD = $(GALLEY_LIBS) $(CMOCKA_LIBS)
endif
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test-registry-authfile
TESTS += tests/unit/test-registry-authfile
tests_unit_test_registry_authfile_SOURCES = tests/unit/test-registry-authfile.c
tests_unit_test_registry_authfile_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_registry_authfile_LDADD = $(GALLEY_LIBS) $(CMOCKA_LIBS)
endif
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test-registry-client
TESTS += tests/unit/test-registry-client
tests_unit_test_registry_client_SOURCES = tests/unit/test-registry-client.c \
	tests/unit/scripted-server.c tests/unit/scripted-server.h
tests_unit_test_registry_client_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_registry_client_LDADD = $(GALLEY_LIBS) $(CMOCKA_LIBS)
endif
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test-registry-upload
TESTS += tests/unit/test-registry-upload
tests_unit_test_registry_upload_SOURCES = tests/unit/test-registry-upload.c \
	tests/unit/scripted-server.c tests/unit/scripted-server.h
tests_unit_test_registry_upload_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_registry_upload_LDADD = $(GALLEY_LIBS) $(CMOCKA_LIBS)
endif
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test-reference
TESTS += tests/unit/test-reference
tests_unit_test_reference_SOURCES = tests/unit/test-reference.c
tests_unit_test_reference_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_reference_LDADD = $(GALLEY_LIBS) $(CMOCKA_LIBS)
check_PROGRAMS += tests/unit/test-registries-conf
TESTS += tests/unit/test-registries-conf
tests_unit_test_registries_conf_SOURCES = tests/unit/test-registries-conf.c
tests_unit_test_registries_conf_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_registries_conf_LDADD = $(GALLEY_LIBS) $(CMOCKA_LIBS)
endif
