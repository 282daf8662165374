# unit tests of the container lifecycle (src/state/container_*, runtime/lifecycle, runtime/monitor)
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test-containers
TESTS += tests/unit/test-containers
tests_unit_test_containers_SOURCES = tests/unit/test-containers.c tests/unit/temp-root.h
tests_unit_test_containers_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_containers_LDADD = $(GALLEY_LIBS) $(CMOCKA_LIBS)
endif

# the log relay as the detached monitor drives it (runtime/log_relay)
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test-log-relay
TESTS += tests/unit/test-log-relay
tests_unit_test_log_relay_SOURCES = tests/unit/test-log-relay.c
tests_unit_test_log_relay_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_log_relay_LDADD = $(GALLEY_LIBS) $(CMOCKA_LIBS)
endif

# the typed container configuration and its record (state/container_config)
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test-container-config
TESTS += tests/unit/test-container-config
tests_unit_test_container_config_SOURCES = tests/unit/test-container-config.c
tests_unit_test_container_config_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_container_config_LDADD = $(GALLEY_LIBS) $(CMOCKA_LIBS)
endif
