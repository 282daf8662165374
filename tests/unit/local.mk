# Unit tests: cmocka programs that link libgalley.a, run by automake's TAP
# driver.  Each area lists its programs in tests/unit/<area>.mk like so:
#
#   if HAVE_CMOCKA
#   check_PROGRAMS += tests/unit/test-format
#   TESTS += tests/unit/test-format
#   tests_unit_test_format_SOURCES = tests/unit/test-format.c
#   tests_unit_test_format_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
#   tests_unit_test_format_LDADD = $(GALLEY_LIBS) $(CMOCKA_LIBS)
#   endif
LOG_DRIVER = env AM_TAP_AWK='$(AWK)' $(SHELL) $(top_srcdir)/build-aux/tap-driver.sh
AM_TESTS_ENVIRONMENT = CMOCKA_MESSAGE_OUTPUT=TAP; export CMOCKA_MESSAGE_OUTPUT; \
	GALLEY_SRCDIR='$(abs_top_srcdir)'; export GALLEY_SRCDIR;
