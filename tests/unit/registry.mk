# unit tests of src/registry (cmocka; add to check_PROGRAMS and TESTS inside if HAVE_CMOCKA)
