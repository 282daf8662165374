# unit tests of src/util (cmocka; add to check_PROGRAMS and TESTS inside if HAVE_CMOCKA)
