# unit tests of src/image (cmocka; add to check_PROGRAMS and TESTS inside if HAVE_CMOCKA)
