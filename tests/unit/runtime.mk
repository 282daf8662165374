# unit tests of src/runtime (cmocka; add to check_PROGRAMS and TESTS inside if HAVE_CMOCKA)
