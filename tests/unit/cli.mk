# unit tests of src/cli (cmocka; add to check_PROGRAMS and TESTS inside if HAVE_CMOCKA)
